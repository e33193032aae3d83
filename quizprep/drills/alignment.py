"""Drills for the alignment topic: discounted returns and advantages, the Bradley-Terry preference probability,
PPO's clipped objective, the DPO loss and GRPO's group-relative advantage."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, paren, pick, rounded, sigmoid, vec


def discounted_sum(rewards: list[float], gamma: float) -> float:
    return sum(gamma**k * r for k, r in enumerate(rewards))


@drill("discounted-return")
def discounted_return(rng: np.random.Generator) -> Problem:
    """The discounted return of a short episode"""
    rewards = [int(v) for v in rng.integers(-1, 4, size=pick(rng, [4, 5]))]
    gamma = pick(rng, [0.5, 0.8, 0.9, 0.95, 0.99])
    g0 = discounted_sum(rewards, gamma)
    terms = " + ".join(f"{num(gamma)}^{k}·{paren(r)}" for k, r in enumerate(rewards))
    return Problem(
        prompt=(
            f"An episode gives the rewards {vec(rewards)} after its steps 0, 1, 2, ... (r_0 first). With discount "
            f"γ = {num(gamma)}, what is the return from the start, G_0 = Σ_k γ^k·r_k? (3 decimals)"
        ),
        answer=[g0],
        solution=[f"G_0 = {terms}", f"= {rounded(g0)}"],
        **decimals(3),
        params={"rewards": rewards, "gamma": gamma},
    )


@drill("reinforce-advantage")
def reinforce_advantage(rng: np.random.Generator) -> Problem:
    """Return and baseline-corrected REINFORCE weight at one step"""
    rewards = [int(v) for v in rng.integers(0, 4, size=4)]
    gamma = pick(rng, [0.5, 0.8, 0.9, 0.99])
    t = int(rng.integers(0, 3))
    baseline = round(float(rng.uniform(0.5, 4.0)), 1)
    g_t = discounted_sum(rewards[t:], gamma)
    advantage = g_t - baseline
    terms = " + ".join(f"{num(gamma)}^{k}·{r}" for k, r in enumerate(rewards[t:]))
    return Problem(
        prompt=(
            f"An episode gives the rewards {vec(rewards)} after steps 0, 1, 2, 3 (r_0 first), with γ = {num(gamma)}. "
            f"A critic estimates V(s_{t}) = {num(baseline)}. What are the return G_{t} from step {t} (counting from 0) "
            f"and the factor G_{t} - V(s_{t}) that multiplies ∇log π(a_{t}|s_{t}) in REINFORCE with this baseline? "
            "Give both, separated by a semicolon, e.g. 2.5; 0.7 (3 decimals each)"
        ),
        answer=[g_t, advantage],
        solution=[
            f"G_{t} = Σ_k γ^k·r_({t}+k) = {terms} = {rounded(g_t)}",
            f"weight = G_{t} - V(s_{t}) = {rounded(g_t)} - {num(baseline)} = {rounded(advantage)}",
        ],
        **decimals(3),
        params={"rewards": rewards, "gamma": gamma, "t": t, "baseline": baseline},
    )


@drill("bradley-terry-probability")
def bradley_terry_probability(rng: np.random.Generator) -> Problem:
    """A Bradley-Terry preference probability and its loss"""
    r_a, r_b = (round(float(v), 1) for v in rng.uniform(-3, 3, size=2))
    p = sigmoid(r_a - r_b)
    loss = -math.log(p)
    return Problem(
        prompt=(
            f"A reward model scores response A at {num(r_a)} and response B at {num(r_b)}. Under the Bradley-Terry "
            "model, what is the probability that A is preferred, and the reward-model loss -ln P(A ≻ B) if the "
            "labeller preferred A? Give both, separated by a semicolon, e.g. 0.5; 0.693 (3 decimals each)"
        ),
        answer=[p, loss],
        solution=[
            f"P(A ≻ B) = σ(r_A - r_B) = σ({rounded(r_a - r_b)}) = 1 / (1 + e^{rounded(-(r_a - r_b), paren=True)}) "
            f"= {rounded(p)}",
            f"loss = -ln {rounded(p)} = {rounded(loss)}",
        ],
        **decimals(3),
        params={"reward_a": r_a, "reward_b": r_b},
    )


@drill("ppo-clipped-objective")
def ppo_clipped_objective(rng: np.random.Generator) -> Problem:
    """PPO's clipped objective for one sample"""
    ratio = round(float(pick(rng, list(np.arange(0.5, 1.61, 0.05)))), 2)
    advantage = pick(rng, [-3.0, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0])
    eps = pick(rng, [0.1, 0.2, 0.3])
    clipped_ratio = min(max(ratio, 1 - eps), 1 + eps)
    unclipped, clipped = ratio * advantage, clipped_ratio * advantage
    value = min(unclipped, clipped)
    return Problem(
        prompt=(
            f"In PPO a sample has probability ratio ρ = π_new/π_old = {num(ratio)} and advantage Â = {num(advantage)}, "
            f"with ε = {num(eps)}. What is its clipped objective min(ρ·Â, clip(ρ, 1-ε, 1+ε)·Â)? (3 decimals)"
        ),
        answer=[value],
        solution=[
            f"unclipped: ρ·Â = {num(ratio)}·{paren(advantage)} = {rounded(unclipped)}",
            f"clip({num(ratio)}, {num(1 - eps)}, {num(1 + eps)}) = {num(clipped_ratio)}; "
            f"clipped: {num(clipped_ratio)}·{paren(advantage)} = {rounded(clipped)}",
            f"objective = min({rounded(unclipped)}, {rounded(clipped)}) = {rounded(value)}",
        ],
        **decimals(3),
        params={"ratio": ratio, "advantage": advantage, "epsilon": eps},
    )


@drill("dpo-loss")
def dpo_loss(rng: np.random.Generator) -> Problem:
    """The DPO loss of one preference pair"""
    ref_w, ref_l = (float(v) for v in rng.integers(-60, -10, size=2))
    pol_w = round(ref_w + float(rng.uniform(-3, 3)), 1)
    pol_l = round(ref_l + float(rng.uniform(-3, 3)), 1)
    beta = pick(rng, [0.05, 0.1, 0.2, 0.5])
    margin = beta * ((pol_w - ref_w) - (pol_l - ref_l))
    loss = -math.log(sigmoid(margin))
    return Problem(
        prompt=(
            f"For a preference pair, the policy's log-probabilities are {num(pol_w)} for the chosen response and "
            f"{num(pol_l)} for the rejected one; the reference model's are {num(ref_w)} and {num(ref_l)}. With "
            f"β = {num(beta)}, what are the margin β·[(log π(y_w) - log π_ref(y_w)) - (log π(y_l) - log π_ref(y_l))] "
            "and the DPO loss -ln σ(margin)? Give both, separated by a semicolon, e.g. 0.25; 0.576 (3 decimals each)"
        ),
        answer=[margin, loss],
        solution=[
            f"chosen log-ratio = {num(pol_w)} - {paren(ref_w)} = {rounded(pol_w - ref_w)}; "
            f"rejected log-ratio = {num(pol_l)} - {paren(ref_l)} = {rounded(pol_l - ref_l)}",
            f"margin = {num(beta)}·({rounded(pol_w - ref_w)} - {rounded(pol_l - ref_l, paren=True)}) "
            f"= {rounded(margin)}",
            f"loss = -ln σ({rounded(margin)}) = ln(1 + e^{rounded(-margin, paren=True)}) = {rounded(loss)}",
        ],
        **decimals(3),
        params={
            "policy_chosen": pol_w,
            "policy_rejected": pol_l,
            "ref_chosen": ref_w,
            "ref_rejected": ref_l,
            "beta": beta,
        },
    )


@drill("grpo-advantage")
def grpo_advantage(rng: np.random.Generator) -> Problem:
    """A GRPO group-relative advantage"""
    size = pick(rng, [4, 5, 6])
    binary = bool(rng.integers(0, 2))
    while True:
        if binary:
            rewards = [float(v) for v in rng.integers(0, 2, size=size)]
        else:
            rewards = [round(float(v), 1) for v in rng.uniform(0, 1, size=size)]
        if len(set(rewards)) > 1:
            break
    i = int(rng.integers(0, size))
    mean = sum(rewards) / size
    std = math.sqrt(sum((r - mean) ** 2 for r in rewards) / size)
    advantage = (rewards[i] - mean) / std
    return Problem(
        prompt=(
            f"GRPO samples {size} answers to one prompt; their rewards are {vec(rewards)}. Using the group mean and "
            "the population standard deviation (divide by the group size), what is the advantage "
            f"(r_i - mean)/std of answer {i + 1}, counting answers from 1? (3 decimals)"
        ),
        answer=[advantage],
        solution=[
            f"mean = {rounded(mean)}; std = √(Σ (r - mean)² / {size}) = {rounded(std)}",
            f"answer {i + 1}: ({num(rewards[i])} - {rounded(mean)}) / {rounded(std)} = {rounded(advantage)}",
        ],
        **decimals(3),
        params={"rewards": rewards, "index": i + 1},
    )
