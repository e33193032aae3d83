"""Drills of the training-practice topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math
import statistics

from quizprep.drills import generate
from tests.helpers.drills import hand_formula_test


def he_xavier_std(p):
    k2 = p["kernel"] ** 2
    fan_in, fan_out = p["in"] * k2, p["out"] * k2
    return [math.sqrt(2 / fan_in), math.sqrt(2 / (fan_in + fan_out))]


def layer_norm_value(p):
    x, k = p["x"], p["feature"] - 1
    ln = p["gamma"] * (x[k] - statistics.fmean(x)) / statistics.pstdev(x) + p["beta"]
    rms = p["gamma"] * x[k] / math.sqrt(sum(v * v for v in x) / len(x))
    return [ln, rms]


def bn_running_stats(p):
    m = p["momentum"]
    return [
        (1 - m) * p["mean"] + m * statistics.fmean(p["batch"]),
        (1 - m) * p["var"] + m * statistics.variance(p["batch"]),
    ]


def test_bn_running_stats_uses_the_unbiased_variance_not_the_biased_one():
    for seed in range(12):
        p = generate("bn-running-stats", seed).params
        biased = (1 - p["momentum"]) * p["var"] + p["momentum"] * statistics.pvariance(p["batch"])
        assert not math.isclose(generate("bn-running-stats", seed).answer[1], biased)


def iterations_per_epoch(p):
    assert p["n"] % p["batch"] != 0, "the drill is about rounding up"
    steps = math.ceil(p["n"] / p["batch"])
    return [steps, steps * p["epochs"]]


def batchnorm_value(p):
    x = p["x"]
    xhat = (x[p["index"] - 1] - statistics.fmean(x)) / statistics.pstdev(x)
    return [p["gamma"] * xhat + p["beta"]]


EXPECTED = {
    "batchnorm-value": batchnorm_value,
    "bn-running-stats": bn_running_stats,
    "he-xavier-std": he_xavier_std,
    "iterations-per-epoch": iterations_per_epoch,
    "layer-norm-value": layer_norm_value,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
