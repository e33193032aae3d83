"""Drills of the diffusion topic: answers recomputed by hand from the problem's params, and the worked solution
ending on the answer."""

from __future__ import annotations

import math

import pytest

from tests.helpers.drills import hand_formula_test, solution_ending_test


def alpha_bar_snr(p):
    alpha_bar = 1.0
    for beta in p["betas"]:
        alpha_bar *= 1 - beta
    return [alpha_bar, alpha_bar / (1 - alpha_bar)]


def noised_sample(p):
    return [math.sqrt(p["alpha_bar"]) * p["x0"] + math.sqrt(1 - p["alpha_bar"]) * p["eps"]]


def guided_eps(p):
    # written as (1 − w)·ε_u + w·ε_c, the same combination rearranged
    return [(1 - p["w"]) * u + p["w"] * c for u, c in zip(p["eps_u"], p["eps_c"], strict=True)]


EXPECTED = {
    "diffusion-alpha-bar-snr": alpha_bar_snr,
    "diffusion-noised-sample": noised_sample,
    "classifier-free-guidance-eps": guided_eps,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED, shows_all=True)


def test_known_cases():
    assert alpha_bar_snr({"betas": [0.1, 0.2]}) == pytest.approx([0.72, 0.72 / 0.28])
    assert noised_sample({"alpha_bar": 0.64, "x0": 1.0, "eps": 1.0}) == pytest.approx([0.8 + 0.6])
    assert guided_eps({"eps_u": [0.0], "eps_c": [1.0], "w": 7.5}) == pytest.approx([7.5])
