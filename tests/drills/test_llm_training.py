"""Drills of the llm-training topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

import pytest

from tests.helpers.drills import hand_formula_test, solution_ending_test


def perplexity_from_loss(p):
    if p["unit"] == "nats":
        return [math.e ** p["loss"], p["loss"] / math.log(2)]
    return [2 ** p["loss"], p["loss"] * math.log(2)]


def training_flops_days(p):
    flops = 6 * p["params_billion"] * 1e9 * p["tokens_billion"] * 1e9
    seconds = flops / (p["gpus"] * p["peak_tflops"] * 1e12 * p["mfu"])
    return [flops / 1e21, seconds / (24 * 3600)]


def chinchilla_optimal_size(p):
    n = (p["budget"] / 120) ** 0.5  # C = 6 · N · 20N
    return [n / 1e9, 20 * n / 1e9]


def tokens_per_epoch_steps(p):
    # integer arithmetic: bytes per token is a multiple of 0.5, so scale by 2
    tokens_times_2 = 2 * p["size_gb"] * 10**9
    per_token_times_2 = round(2 * p["bytes_per_token"])
    per_step = p["batch"] * p["seq"]
    steps = -(-tokens_times_2 // (per_token_times_2 * per_step))  # ceiling division
    millions = round(tokens_times_2 / per_token_times_2 / 10**6)
    return [millions, steps]


EXPECTED = {
    "perplexity-from-loss": perplexity_from_loss,
    "training-flops-days": training_flops_days,
    "chinchilla-optimal-size": chinchilla_optimal_size,
    "tokens-per-epoch-steps": tokens_per_epoch_steps,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)


def test_chinchilla_drill_reproduces_the_bank_example():
    # The bank's chinchilla-budget-arithmetic item: 1e23 FLOPs -> about 29 billion parameters, 580 billion tokens.
    assert chinchilla_optimal_size({"budget": 1e23}) == pytest.approx([28.87, 577.4], rel=1e-3)
