"""Drills of the regularization topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

from tests.helpers.drills import hand_formula_test


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


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
