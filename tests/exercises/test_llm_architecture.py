"""LLM-architecture exercises: references against plain rotations and formulas; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def rope_halves(x, positions, base=10000.0):
    d = x.shape[-1]
    angles = positions[:, None] * base ** (-np.arange(0, d, 2) / d)
    a, b = x[..., : d // 2], x[..., d // 2 :]
    return np.concatenate([a * np.cos(angles) - b * np.sin(angles), a * np.sin(angles) + b * np.cos(angles)], -1)


def rope_index_exponent(x, positions, base=10000.0):
    d = x.shape[-1]
    angles = positions[:, None] * base ** (-np.arange(d // 2) / d)
    out = np.empty_like(x)
    out[..., 0::2] = x[..., 0::2] * np.cos(angles) - x[..., 1::2] * np.sin(angles)
    out[..., 1::2] = x[..., 0::2] * np.sin(angles) + x[..., 1::2] * np.cos(angles)
    return out


def rope_wrong_direction(x, positions, base=10000.0):
    return reference("rope")(x, -positions, base)


def rope_ignores_positions(x, positions, base=10000.0):
    return reference("rope")(x, np.arange(len(positions)), base)


def swiglu_sigmoid_gate(x, W_gate, W_up, W_down):
    g = x @ W_gate
    return (1 / (1 + np.exp(-g)) * (x @ W_up)) @ W_down


def swiglu_silu_on_up(x, W_gate, W_up, W_down):
    return reference("swiglu")(x, W_up, W_gate, W_down)


def swiglu_relu(x, W_gate, W_up, W_down):
    return (np.maximum(x @ W_gate, 0) * (x @ W_up)) @ W_down


def moe_softmax_all(logits, k):
    experts = np.argsort(-logits, axis=1)[:, :k]
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    return experts, np.take_along_axis(p, experts, 1)


def moe_ascending(logits, k):
    experts, weights = reference("moe_route")(logits, k)
    return experts[:, ::-1], weights[:, ::-1]


def moe_naive_exp(logits, k):
    experts = np.argsort(-logits, axis=1)[:, :k]
    e = np.exp(np.take_along_axis(logits, experts, 1))
    return experts, e / e.sum(1, keepdims=True)


WRONG = {
    "rope": [rope_halves, rope_index_exponent, rope_wrong_direction, rope_ignores_positions],
    "swiglu": [swiglu_sigmoid_gate, swiglu_silu_on_up, swiglu_relu],
    "moe_route": [moe_softmax_all, moe_ascending, moe_naive_exp],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("llm-architecture", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_rope_rotates_each_pair_and_keeps_relative_dot_products():
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    out = reference("rope")(x, np.array([3]))
    second = 3 * 10000 ** (-2 / 4)
    expected = [
        math.cos(3) - 2 * math.sin(3),
        math.sin(3) + 2 * math.cos(3),
        3 * math.cos(second) - 4 * math.sin(second),
        3 * math.sin(second) + 4 * math.cos(second),
    ]
    assert out[0].tolist() == pytest.approx(expected)
    rng = np.random.default_rng(9)
    q, k = rng.normal(size=(1, 6)), rng.normal(size=(1, 6))
    near = reference("rope")(q, np.array([5])) @ reference("rope")(k, np.array([2])).T
    far = reference("rope")(q, np.array([13])) @ reference("rope")(k, np.array([10])).T
    assert float(near[0, 0]) == pytest.approx(float(far[0, 0]))


def test_swiglu_and_routing_by_hand():
    x, wg, wu, wd = np.array([[2.0]]), np.array([[1.0]]), np.array([[3.0]]), np.array([[0.5]])
    assert float(reference("swiglu")(x, wg, wu, wd)[0, 0]) == pytest.approx(2 / (1 + math.exp(-2)) * 6 * 0.5)
    experts, weights = reference("moe_route")(np.array([[0.0, 2.0, 1.0]]), 2)
    assert experts.tolist() == [[1, 2]]
    assert weights[0].tolist() == pytest.approx([1 / (1 + math.exp(-1)), 1 - 1 / (1 + math.exp(-1))])
