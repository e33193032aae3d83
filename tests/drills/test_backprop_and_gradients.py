"""Drills of the backprop-and-gradients topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

from tests.helpers.drills import hand_formula_test


def relu_neuron_gradient(p):
    (w1, w2), (x1, x2) = p["w"], p["x"]
    z = w1 * x1 + w2 * x2 + p["b"]
    assert z != 0, "ReLU's derivative at 0 is a convention, not a drill"
    if z < 0:
        return [0.0, 0.0]
    return [(z - p["t"]) * x1, z - p["t"]]


EXPECTED = {
    "relu-neuron-gradient": relu_neuron_gradient,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
