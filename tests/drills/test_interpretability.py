"""Drills of the interpretability topic: answers recomputed from the problem's params by numerical integration."""

from __future__ import annotations

import re

import pytest

from quizprep.drills import generate
from tests.helpers.drills import SEEDS, assert_matches_hand_formula


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


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_answer_matches_the_hand_formula_and_grades(name, seed):
    assert_matches_hand_formula(name, seed, EXPECTED[name])


def test_worked_solution_ends_with_the_answer():
    for seed in SEEDS:
        problem = generate("integrated-gradients-quadratic", seed)
        last = re.findall(r"-?\d+(?:\.\d+)?", problem.solution[-1].rsplit("=", 1)[-1])[0]
        assert float(last) == pytest.approx(problem.answer[-1]), problem.solution
