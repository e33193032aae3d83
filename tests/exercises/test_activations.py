"""Activations exercises: references against plain-Python formulas; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def softmax_no_max(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_fixed_last_axis(x, axis=-1):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_float64(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_global_max(x, axis=-1):
    e = np.exp(x - x.max())
    return e / e.sum(axis=axis, keepdims=True)


def gelu_exact(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))).astype(x.dtype)


def gelu_two_pi(x):
    return 0.5 * x * (1 + np.tanh((2 * np.pi) ** 0.5 * (x + 0.044715 * x**3)))


def gelu_square(x):
    return 0.5 * x * (1 + np.tanh((2 / np.pi) ** 0.5 * (x + 0.044715 * x**2)))


WRONG = {
    "softmax": [softmax_no_max, softmax_fixed_last_axis, softmax_float64, softmax_global_max],
    "gelu": [gelu_exact, gelu_two_pi, gelu_square],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("activations", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_softmax_matches_a_plain_loop():
    row = [0.5, -1.0, 2.0]
    total = sum(math.exp(v) for v in row)
    assert reference("softmax")(np.array(row)).tolist() == pytest.approx([math.exp(v) / total for v in row])


def test_gelu_matches_the_tanh_formula():
    for v in (-2.0, -0.5, 0.0, 1.5):
        inner = math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)
        assert float(reference("gelu")(np.array(v))) == pytest.approx(0.5 * v * (1 + math.tanh(inner)))
