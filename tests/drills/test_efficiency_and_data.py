"""Drills of the efficiency-and-data topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from quizprep.drills import generate
from tests.helpers.drills import hand_formula_test


def int8_quantization_params(p):
    scale = (p["max"] - p["min"]) / 255
    zero_point = round(-128 - p["min"] / scale)
    q = max(-128, min(127, round(p["x"] / scale) + zero_point))
    return [zero_point, q]


def distillation_temperature(p):
    def prob(T):
        exps = [math.exp(z / T) for z in p["logits"]]
        return exps[p["class"] - 1] / sum(exps)

    return [prob(1), prob(p["T"])]


def pruned_param_count(p):
    n_in, h, n_out = p["n_in"], p["hidden"], p["n_out"]
    kept = n_in * h - n_in * h * p["sparsity"]
    assert abs(kept - round(kept)) < 1e-9, "the pruned fraction leaves a whole number of weights"
    left = h - p["removed_units"]
    return [round(kept) + h, n_in * left + left + left * n_out + n_out]


def test_int8_drill_never_sits_on_a_rounding_tie_and_sometimes_clamps():
    clamped = 0
    for seed in range(200):
        p = generate("int8-quantization-params", seed).params
        scale = (p["max"] - p["min"]) / 255
        assert abs(abs(p["x"] / scale - math.floor(p["x"] / scale)) - 0.5) >= 0.09
        assert abs(-128 - p["min"] / scale - round(-128 - p["min"] / scale)) < 1e-6  # the zero point is exact
        clamped += not -128 < round(p["x"] / scale) + round(-128 - p["min"] / scale) < 127
    assert 0 < clamped < 40


EXPECTED = {
    "distillation-temperature": distillation_temperature,
    "int8-quantization-params": int8_quantization_params,
    "pruned-param-count": pruned_param_count,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
