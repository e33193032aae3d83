"""Backprop exercises: references against finite differences and plain formulas; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference
from tests.helpers.numeric import central_gradient


def linear_bias_not_summed(x, w, grad_out):
    return grad_out @ w.T, x.T @ grad_out, grad_out.mean(axis=0)


def linear_weight_averaged(x, w, grad_out):
    return grad_out @ w.T, x.T @ grad_out / len(x), grad_out.sum(axis=0)


def linear_bias_wrong_axis(x, w, grad_out):
    return grad_out @ w.T, x.T @ grad_out, grad_out.sum(axis=1)


def mlp_no_relu_mask(x, W1, b1, W2, b2, y):
    n = len(x)
    a = x @ W1 + b1
    h = np.maximum(a, 0)
    out = h @ W2 + b2
    d_out = (out - y) / n
    d_a = d_out @ W2.T
    return float(np.sum((out - y) ** 2) / (2 * n)), x.T @ d_a, d_a.sum(0), h.T @ d_out, d_out.sum(0)


def mlp_no_batch_mean(x, W1, b1, W2, b2, y):
    loss, *grads = reference("mlp_backward")(x, W1, b1, W2, b2, y)
    return (loss * len(x), *(g * len(x) for g in grads))


def mlp_pre_activation_weights(x, W1, b1, W2, b2, y):
    n = len(x)
    a = x @ W1 + b1
    h = np.maximum(a, 0)
    out = h @ W2 + b2
    d_out = (out - y) / n
    d_a = (d_out @ W2.T) * (a > 0)
    return float(np.sum((out - y) ** 2) / (2 * n)), x.T @ d_a, d_a.sum(0), a.T @ d_out, d_out.sum(0)


def forward_difference(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    base = f(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        grad[i] = (f(x) - base) / eps
        x[i] -= eps
    return grad


def not_restored(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += eps
        up = f(x)
        x[i] -= 2 * eps
        grad[i] = (up - f(x)) / (2 * eps)
    return grad


def flat_only(f, x, eps=1e-6):
    grad = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        grad[i] = (f(x + e.reshape(x.shape)) - f(x - e.reshape(x.shape))) / (2 * eps)
    return grad


def clip_per_array(grads, max_norm):
    norms = [float(np.linalg.norm(g)) for g in grads]
    return [g * min(1.0, max_norm / (n + 1e-6)) for g, n in zip(grads, norms, strict=True)], float(
        np.sqrt(sum(n * n for n in norms))
    )


def clip_always(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return [g * max_norm / (total + 1e-6) for g in grads], total


def clip_returns_clipped_norm(grads, max_norm):
    clipped, total = reference("clip_grad_global_norm")(grads, max_norm)
    return clipped, min(total, max_norm)


WRONG = {
    "linear_backward": [linear_bias_not_summed, linear_weight_averaged, linear_bias_wrong_axis],
    "mlp_backward": [mlp_no_relu_mask, mlp_no_batch_mean, mlp_pre_activation_weights],
    "numerical_gradient": [forward_difference, not_restored, flat_only],
    "clip_grad_global_norm": [clip_per_array, clip_always, clip_returns_clipped_norm],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("backprop-and-gradients", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_mlp_and_linear_gradients_match_finite_differences():
    rng = np.random.default_rng(6)
    x, W1, b1, W2, b2, y = (rng.normal(size=s) for s in [(4, 3), (3, 5), (5,), (5, 2), (2,), (4, 2)])
    params = [W1, b1, W2, b2]
    loss, *grads = reference("mlp_backward")(x, W1, b1, W2, b2, y)
    for index, (param, grad) in enumerate(zip(params, grads, strict=True)):

        def f(values, index=index, param=param):
            changed = list(params)
            changed[index] = np.array(values).reshape(param.shape)
            return reference("mlp_backward")(x, *changed, y)[0]

        assert np.allclose(np.array(central_gradient(f, param.ravel().tolist())).reshape(param.shape), grad, atol=1e-5)
    gx, gw, gb = reference("linear_backward")(x, W1, np.ones((4, 5)))
    assert gb.tolist() == [4.0] * 5 and np.allclose(gx, np.ones((4, 5)) @ W1.T)


def test_numerical_gradient_and_clipping_by_hand():
    grad = reference("numerical_gradient")(lambda v: float(np.sum(v**2)), np.array([1.0, -3.0]))
    assert grad.tolist() == pytest.approx([2.0, -6.0], abs=1e-5)
    clipped, total = reference("clip_grad_global_norm")([np.array([3.0]), np.array([4.0])], 1.0)
    assert total == pytest.approx(5.0)
    assert [float(c[0]) for c in clipped] == pytest.approx([3 / (5 + 1e-6), 4 / (5 + 1e-6)])
    assert math.isclose(total, 5.0)
