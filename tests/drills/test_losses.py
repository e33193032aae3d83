"""Drills of the losses topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math
from decimal import Decimal

from quizprep.drills import generate
from tests.helpers.drills import hand_formula_test
from tests.helpers.reference import decimal_lse


def label_smoothed_target(p):
    k, eps = p["classes"], p["epsilon"]
    return [1 - eps + eps / k, eps / k]


def focal_loss_value(p):
    p_t = p["p"] if p["y"] == 1 else 1 - p["p"]
    a_t = p["alpha"] if p["y"] == 1 else 1 - p["alpha"]
    ce = -math.log(p_t)
    return [a_t * (1 - p_t) ** p["gamma"] * ce, ce]


def log_sum_exp_value(p):
    lse = decimal_lse(p["logits"])
    return [float(lse), float(Decimal(p["logits"][p["class"] - 1]) - lse)]


def test_log_sum_exp_drill_logits_really_overflow_or_underflow():
    for seed in range(20):
        logits = generate("log-sum-exp-value", seed).params["logits"]
        assert all(abs(v) > 745 for v in logits)  # e^±745 is past float64's range


def mse_loss(p):
    return [sum((a - b) ** 2 for a, b in zip(p["pred"], p["y"], strict=False)) / len(p["y"])]


def binary_cross_entropy(p):
    return [
        -sum(y * math.log(q) + (1 - y) * math.log(1 - q) for y, q in zip(p["y"], p["p"], strict=False)) / len(p["y"])
    ]


def categorical_cross_entropy(p):
    assert math.isclose(sum(p["probs"]), 1.0) and all(q > 0 for q in p["probs"])
    return [-math.log(p["probs"][p["true_class"] - 1])]


EXPECTED = {
    "binary-cross-entropy": binary_cross_entropy,
    "categorical-cross-entropy": categorical_cross_entropy,
    "focal-loss-value": focal_loss_value,
    "label-smoothed-target": label_smoothed_target,
    "log-sum-exp-value": log_sum_exp_value,
    "mse-loss": mse_loss,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
