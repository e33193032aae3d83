"""Drills of the interpretability topic: answers recomputed from the problem's params by numerical integration."""

from __future__ import annotations

import pytest

from tests.helpers.drills import hand_formula_test, solution_ending_test


def integrated_gradients_quadratic(p):
    a, b = p["a"], p["b"]
    x = p["x"]

    def F(v):
        return a * v[0] ** 2 + b * v[0] * v[1]

    def partial(v, i, h=1e-3):  # a central difference is exact for a quadratic, up to rounding
        up, down = list(v), list(v)
        up[i] += h
        down[i] -= h
        return (F(up) - F(down)) / (2 * h)

    steps = 8  # the midpoint rule is exact here: the gradient is linear along the path
    attributions = []
    for i in range(2):
        mean = sum(partial([(k + 0.5) / steps * xi for xi in x], i) for k in range(steps)) / steps
        attributions.append(round(x[i] * mean, 6))  # the exact values are multiples of 0.25
    assert sum(attributions) == pytest.approx(F(x) - F([0, 0]))
    return attributions


EXPECTED = {"integrated-gradients-quadratic": integrated_gradients_quadratic}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)
