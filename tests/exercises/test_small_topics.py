"""Exercises of the topics with one each (evaluation, graphs, diffusion, llm-evaluation, tools): references against
brute force and hand formulas; wrong variants are caught."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def auc_ties_lose(scores, labels):
    pos, neg = scores[labels == 1], scores[labels == 0]
    return float((pos[:, None] > neg[None]).mean())


def auc_ties_win(scores, labels):
    pos, neg = scores[labels == 1], scores[labels == 0]
    return float((pos[:, None] >= neg[None]).mean())


def auc_inverted(scores, labels):
    return 1.0 - reference("roc_auc")(scores, labels)


def gcn_no_self_loops(adj, features, weight):
    d = adj.sum(1)
    inv = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0.0)
    return (inv[:, None] * adj * inv[None]) @ features @ weight


def gcn_row_normalised(adj, features, weight):
    a = adj + np.eye(len(adj))
    return (a / a.sum(1, keepdims=True)) @ features @ weight


def gcn_unnormalised(adj, features, weight):
    return (adj + np.eye(len(adj))) @ features @ weight


def q_sample_off_by_one(x0, t, betas, noise):
    return reference("q_sample")(x0, np.minimum(t + 1, len(betas) - 1), betas, noise)


def q_sample_beta_not_cumulative(x0, t, betas, noise):
    a = (1 - betas[t]).reshape((len(t),) + (1,) * (x0.ndim - 1))
    return np.sqrt(a) * x0 + np.sqrt(1 - a) * noise


def q_sample_no_sqrt(x0, t, betas, noise):
    a = np.cumprod(1 - betas)[t].reshape((len(t),) + (1,) * (x0.ndim - 1))
    return a * x0 + (1 - a) * noise


def pass_biased(n, c, k):
    return 1.0 - (1 - c / n) ** k


def pass_product_off_by_one(n, c, k):
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c, n)))


def pass_fraction(n, c, k):
    return c / n


def sum_first_axes(grad, shape):
    out = grad.sum(axis=tuple(range(grad.ndim - len(shape)))) if grad.ndim > len(shape) else grad
    return out.reshape(shape) if out.size == int(np.prod(shape)) else out.sum(axis=0, keepdims=True)


def sum_no_keepdims(grad, shape):
    extra = grad.ndim - len(shape)
    out = grad.sum(axis=tuple(range(extra))) if extra else grad
    axes = tuple(i for i, size in enumerate(shape) if size == 1 and out.shape[i] != 1)
    return out.sum(axis=axes) if axes else out


def mean_to_shape(grad, shape):
    out = reference("sum_to_shape")(grad, shape)
    return out * int(np.prod(shape)) / grad.size


WRONG = {
    "roc_auc": [auc_ties_lose, auc_ties_win, auc_inverted],
    "gcn_layer": [gcn_no_self_loops, gcn_row_normalised, gcn_unnormalised],
    "q_sample": [q_sample_off_by_one, q_sample_beta_not_cumulative, q_sample_no_sqrt],
    "pass_at_k": [pass_biased, pass_product_off_by_one, pass_fraction],
    "sum_to_shape": [sum_first_axes, sum_no_keepdims, mean_to_shape],
}
TOPICS = {
    "roc_auc": "evaluation",
    "gcn_layer": "graph-and-retrieval",
    "q_sample": "diffusion",
    "pass_at_k": "llm-evaluation",
    "sum_to_shape": "tools-frameworks",
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_every_exercise_has_wrong_variants(name):
    assert_covered(TOPICS[name], {name: WRONG[name]})


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_auc_and_pass_at_k_by_brute_force():
    scores, labels = [0.2, 0.7, 0.7, 0.1, 0.9], [0, 1, 0, 1, 1]
    pairs = [
        (p, n)
        for p, lp in zip(scores, labels, strict=True)
        if lp
        for n, ln in zip(scores, labels, strict=True)
        if not ln
    ]
    expected = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in pairs) / len(pairs)
    assert reference("roc_auc")(np.array(scores), np.array(labels)) == pytest.approx(expected)
    n, c, k = 7, 2, 3
    draws = list(itertools.combinations(range(n), k))
    hits = sum(any(i < c for i in draw) for draw in draws) / len(draws)
    assert reference("pass_at_k")(n, c, k) == pytest.approx(hits)


def test_gcn_diffusion_and_broadcast_gradient_by_hand():
    out = reference("gcn_layer")(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0], [3.0]]), np.array([[1.0]]))
    assert out[:, 0].tolist() == pytest.approx([2.0, 2.0])  # Â/2 for a two-node graph: averages
    betas = np.array([0.1, 0.2])
    x_t = reference("q_sample")(np.array([[1.0]]), np.array([1]), betas, np.array([[0.0]]))
    assert float(x_t[0, 0]) == pytest.approx(math.sqrt(0.9 * 0.8))
    grad = np.arange(24.0).reshape(2, 3, 4)
    reduced = reference("sum_to_shape")(grad, (3, 1))
    assert reduced[:, 0].tolist() == [sum(grad[b, i, j] for b in range(2) for j in range(4)) for i in range(3)]
