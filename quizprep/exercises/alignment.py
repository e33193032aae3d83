"""Exercises for the alignment topic: the DPO loss and generalised advantage estimation."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "dpo_loss",
    items=["dpo-loss", "dpo-implicit-reward-derivation", "dpo-vs-ppo-tradeoffs"],
    difficulty=2,
    hints=[
        "The implicit rewards are β·(policy - reference) log-probabilities, for the chosen and the rejected answer.",
        "margin = β·((π_c - ref_c) - (π_r - ref_r)); the loss is -log σ(margin), averaged over the batch.",
        "-log σ(m) = log(1 + exp(-m)) = np.logaddexp(0, -m): finite for any margin.",
    ],
)
def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    """The Direct Preference Optimisation loss over a batch of preference pairs.

    policy_chosen, policy_rejected, ref_chosen, ref_rejected: float arrays (N,), summed log-probabilities of each
    pair's chosen and rejected answers under the policy and the frozen reference. beta: float > 0.
    With margin = beta·((policy_chosen - ref_chosen) - (policy_rejected - ref_rejected)), returns one float: the mean
    of -log σ(margin). Must stay finite for margins like ±1000. Do not change the inputs.
    """
    margin = beta * ((policy_chosen - ref_chosen) - (policy_rejected - ref_rejected))
    return float(np.mean(np.logaddexp(0.0, -margin)))


@hidden_tests("dpo_loss")
def dpo_loss_tests(rng):
    def pairs(n, scale):
        return tuple(normal(rng, n, scale=scale) - 20.0 for _ in range(4))

    return [
        Case("equal policy and reference", (*(np.full(3, -12.0),) * 4,), hint="margin 0 gives log 2"),
        Case("batch", pairs(6, 3.0), hint="subtract the reference inside each implicit reward"),
        Case("β = 0.5", pairs(4, 2.0), {"beta": 0.5}, hint="β scales the margin"),
        Case(
            "huge margins",
            (np.array([0.0, -9000.0]), np.array([-9000.0, 0.0]), np.zeros(2), np.zeros(2)),
            hint="use logaddexp(0, -margin): σ underflows to 0",
        ),
    ]


@exercise(
    "gae",
    items=["generalized-advantage-estimation", "value-and-advantage-functions", "baselines-reduce-variance"],
    difficulty=2,
    hints=[
        "TD errors: δ_t = r_t + γ·V_{t+1} - V_t, where values has one more entry (the bootstrap value at T).",
        "Run backwards: A_{T-1} = δ_{T-1}, then A_t = δ_t + γ·λ·A_{t+1}.",
    ],
)
def gae(rewards, values, gamma=0.99, lam=0.95):
    """Generalised advantage estimates for one trajectory segment without terminal states.

    rewards: float array (T,). values: float array (T + 1,), V(s_0) … V(s_T), the last one for bootstrapping.
    δ_t = rewards[t] + gamma·values[t + 1] - values[t]; A_t = δ_t + gamma·lam·A_{t+1}, with A_T = 0.
    Returns the advantages, a float array (T,). Do not change the inputs.
    """
    deltas = rewards + gamma * values[1:] - values[:-1]
    advantages = np.zeros_like(deltas)
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = deltas[t] + gamma * lam * running
        advantages[t] = running
    return advantages


@hidden_tests("gae")
def gae_tests(rng):
    return [
        Case("short", (np.array([1.0, 0.0, 2.0]), np.array([0.5, 0.2, 1.0, 0.3])), hint="δ uses the next value"),
        Case("long", (normal(rng, 12), normal(rng, 13)), {"gamma": 0.9, "lam": 0.8}, hint="accumulate backwards"),
        Case("λ = 0 is one-step TD", (normal(rng, 5), normal(rng, 6)), {"lam": 0.0}, hint="with λ = 0, A_t = δ_t"),
        Case("one step", (np.array([1.0]), np.array([0.0, 2.0])), hint="the bootstrap value counts"),
    ]
