"""Drills of the regularization topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import pytest

from tests.helpers.drills import SEEDS, assert_matches_hand_formula


def dropout_scaling(p):
    keep = 1 - p["p"]
    return [p["a"] / keep, p["a"] * keep]


def l2_penalty_gradient(p):
    coefficient = p["lam"] if p["half"] else 2 * p["lam"]
    total = p["data_grad"] + coefficient * p["w"]
    return [total, p["w"] - p["lr"] * total]


EXPECTED = {
    "dropout-scaling": dropout_scaling,
    "l2-penalty-gradient": l2_penalty_gradient,
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_answer_matches_the_hand_formula_and_grades(name, seed):
    assert_matches_hand_formula(name, seed, EXPECTED[name])
