"""Drills of the optimization topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from tests.helpers.drills import hand_formula_test
from tests.helpers.reference import rel_err


def adamw_step(p):
    decay = p["lr"] * p["lam"] * p["w"]
    return [decay, p["w"] - p["lr"] * p["m_hat"] / math.sqrt(p["v_hat"]) - decay]


def linear_scaled_lr(p):
    k = p["batch"] / p["base_batch"]
    return [p["base_lr"] * k, p["base_lr"] * math.sqrt(k), p["base_lr"] * k * p["step"] / p["warmup"]]


def gradient_check_error(p):
    g_num = (p["loss_plus"] - p["loss_minus"]) / (2 * p["h"])
    return [g_num, rel_err(p["backprop"], g_num)]


def gradient_descent_step(p):
    return [p["w"] - p["lr"] * 2 * p["a"] * (p["w"] - p["c"])]


def momentum_step(p):
    v = p["mu"] * p["v"] + p["g"]
    return [v, p["w"] - p["lr"] * v]


def adam_step(p):
    t, g = p["t"], p["g"]
    m = 0.9 * p["m"] + 0.1 * g
    v = 0.99 * p["v"] + 0.01 * g**2
    return [p["w"] - p["lr"] * (m / (1 - 0.9**t)) / math.sqrt(v / (1 - 0.99**t))]


EXPECTED = {
    "adam-step": adam_step,
    "adamw-step": adamw_step,
    "gradient-check-error": gradient_check_error,
    "gradient-descent-step": gradient_descent_step,
    "linear-scaled-lr": linear_scaled_lr,
    "momentum-step": momentum_step,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
