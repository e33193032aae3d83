"""Drills of the activations topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math
import re

from quizprep.drills import generate
from tests.helpers.drills import hand_formula_test
from tests.helpers.reference import gelu, matmul


def silu_gelu_value(p):
    x = p["x"]
    return [x / (1 + math.exp(-x)), gelu(x)]


def linear_layers_merge(p):
    merged = matmul([p["w2"]], p["W1"])[0]
    return [merged[0], merged[1], sum(a * b for a, b in zip(p["w2"], p["b1"], strict=False)) + p["b2"]]


def test_gelu_drill_prompt_gives_enough_digits_of_phi():
    """Multiplying x by the Φ printed in the prompt lands within the grading tolerance."""
    for seed in range(30):
        problem = generate("silu-gelu-value", seed)
        printed = float(re.search(r"\) = (-?\d+\.\d+), the standard normal CDF", problem.prompt).group(1))
        assert abs(problem.params["x"] * printed - problem.answer[1]) < problem.abs_tol


def softmax_probability(p):
    exps = [math.exp(z) for z in p["logits"]]
    return [exps[p["class"] - 1] / sum(exps)]


def sigmoid_derivative(p):
    e = math.exp(-p["x"])
    return [e / (1 + e) ** 2]


EXPECTED = {
    "linear-layers-merge": linear_layers_merge,
    "sigmoid-derivative": sigmoid_derivative,
    "silu-gelu-value": silu_gelu_value,
    "softmax-probability": softmax_probability,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
