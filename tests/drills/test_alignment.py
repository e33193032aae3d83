"""Drills of the alignment topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

import pytest

from tests.helpers.drills import hand_formula_test, solution_ending_test


def discounted_return(p):
    total, weight = 0.0, 1.0
    for r in p["rewards"]:
        total += weight * r
        weight *= p["gamma"]
    return [total]


def reinforce_advantage(p):
    g = 0.0
    for r in reversed(p["rewards"][p["t"] :]):  # backwards: G_t = r_t + γ·G_(t+1)
        g = r + p["gamma"] * g
    return [g, g - p["baseline"]]


def bradley_terry_probability(p):
    prob = math.exp(p["reward_a"]) / (math.exp(p["reward_a"]) + math.exp(p["reward_b"]))
    return [prob, -math.log(prob)]


def ppo_clipped_objective(p):
    rho, adv, eps = p["ratio"], p["advantage"], p["epsilon"]
    if adv > 0:
        return [adv * min(rho, 1 + eps)]
    return [adv * max(rho, 1 - eps)]


def dpo_loss(p):
    chosen = p["policy_chosen"] - p["ref_chosen"]
    rejected = p["policy_rejected"] - p["ref_rejected"]
    margin = p["beta"] * (chosen - rejected)
    return [margin, math.log(1 + math.exp(-margin))]


def grpo_advantage(p):
    rewards = p["rewards"]
    mean = sum(rewards) / len(rewards)
    var = sum(r * r for r in rewards) / len(rewards) - mean * mean
    return [(rewards[p["index"] - 1] - mean) / math.sqrt(var)]


EXPECTED = {
    "discounted-return": discounted_return,
    "reinforce-advantage": reinforce_advantage,
    "bradley-terry-probability": bradley_terry_probability,
    "ppo-clipped-objective": ppo_clipped_objective,
    "dpo-loss": dpo_loss,
    "grpo-advantage": grpo_advantage,
}


def test_hand_formulas_on_known_cases():
    assert discounted_return({"rewards": [1, 0, 2], "gamma": 0.5}) == [1.5]
    assert bradley_terry_probability({"reward_a": 1.5, "reward_b": 0.5})[0] == pytest.approx(0.7311, abs=1e-4)
    assert ppo_clipped_objective({"ratio": 1.3, "advantage": 2.0, "epsilon": 0.2}) == [pytest.approx(2.4)]
    assert ppo_clipped_objective({"ratio": 1.3, "advantage": -2.0, "epsilon": 0.2}) == [pytest.approx(-2.6)]
    same = {"policy_chosen": -5, "ref_chosen": -5, "policy_rejected": -7, "ref_rejected": -7, "beta": 0.1}
    assert dpo_loss(same)[1] == pytest.approx(math.log(2))
    assert grpo_advantage({"rewards": [1, 0, 0, 0, 0], "index": 1}) == [pytest.approx(2.0)]


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)
