"""Losses exercises: references against plain-Python formulas; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def ce_no_max(logits, targets):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(p[np.arange(len(targets)), targets])))


def ce_sum(logits, targets):
    m = logits.max(axis=1, keepdims=True)
    lz = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.sum(lz - logits[np.arange(len(targets)), targets]))


def ce_wrong_column(logits, targets):
    m = logits.max(axis=1, keepdims=True)
    lz = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.mean(lz - logits[:, 0]))


def ce_grad_no_mean(logits, targets):
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(targets)), targets] -= 1
    return p


def ce_grad_sign(logits, targets):
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(targets)), targets] -= 1
    return -p / len(targets)


def ce_grad_in_place(logits, targets):
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(targets)), targets] -= 1
    return p / len(targets)


def bce_naive(logits, targets):
    p = 1 / (1 + np.exp(-logits))
    return float(np.mean(-(targets * np.log(p) + (1 - targets) * np.log(1 - p))))


def bce_sum(logits, targets):
    z = logits
    return float(np.sum(np.maximum(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z)))))


def bce_swapped(logits, targets):
    z = logits
    return float(np.mean(np.maximum(z, 0) - z * (1 - targets) + np.log1p(np.exp(-np.abs(z)))))


def ls_other_classes_only(logits, targets, smoothing=0.1):
    n, c = logits.shape
    s = logits - logits.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    q = np.full((n, c), smoothing / (c - 1))
    q[np.arange(n), targets] = 1 - smoothing
    return float(np.mean(-(q * lp).sum(axis=1)))


def ls_unsmoothed(logits, targets, smoothing=0.1):
    s = logits - logits.max(axis=1, keepdims=True)
    lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(np.mean(-lp[np.arange(len(targets)), targets]))


def ls_naive_log(logits, targets, smoothing=0.1):
    n, c = logits.shape
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    q = np.full((n, c), smoothing / c)
    q[np.arange(n), targets] += 1 - smoothing
    return float(np.mean(-(q * np.log(p)).sum(axis=1)))


def focal_no_alpha(logits, targets, gamma=2.0, alpha=0.25):
    s = np.where(targets == 1, logits, -logits)
    lpt = -np.logaddexp(0, -s)
    return float(np.mean(-((1 - np.exp(lpt)) ** gamma) * lpt))


def focal_alpha_swapped(logits, targets, gamma=2.0, alpha=0.25):
    s = np.where(targets == 1, logits, -logits)
    lpt = -np.logaddexp(0, -s)
    a = np.where(targets == 1, 1 - alpha, alpha)
    return float(np.mean(-a * (1 - np.exp(lpt)) ** gamma * lpt))


def focal_naive(logits, targets, gamma=2.0, alpha=0.25):
    p = 1 / (1 + np.exp(-logits))
    pt = np.where(targets == 1, p, 1 - p)
    a = np.where(targets == 1, alpha, 1 - alpha)
    return float(np.mean(-a * (1 - pt) ** gamma * np.log(pt)))


def focal_pt_power(logits, targets, gamma=2.0, alpha=0.25):
    s = np.where(targets == 1, logits, -logits)
    lpt = -np.logaddexp(0, -s)
    a = np.where(targets == 1, alpha, 1 - alpha)
    return float(np.mean(-a * np.exp(lpt) ** gamma * lpt))


def huber_no_half(prediction, target, delta=1.0):
    r = np.abs(prediction - target)
    return float(np.mean(np.where(r <= delta, r**2, delta * (r - 0.5 * delta))))


def huber_linear_wrong(prediction, target, delta=1.0):
    r = np.abs(prediction - target)
    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * r)))


def huber_sum(prediction, target, delta=1.0):
    r = np.abs(prediction - target)
    return float(np.sum(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))))


WRONG = {
    "cross_entropy": [ce_no_max, ce_sum, ce_wrong_column],
    "cross_entropy_grad": [ce_grad_no_mean, ce_grad_sign, ce_grad_in_place],
    "bce_with_logits": [bce_naive, bce_sum, bce_swapped],
    "label_smoothing_cross_entropy": [ls_other_classes_only, ls_unsmoothed, ls_naive_log],
    "focal_loss": [focal_no_alpha, focal_alpha_swapped, focal_naive, focal_pt_power],
    "huber_loss": [huber_no_half, huber_linear_wrong, huber_sum],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("losses", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def log_softmax_row(row):
    top = max(row)
    lse = top + math.log(sum(math.exp(v - top) for v in row))
    return [v - lse for v in row]


def test_cross_entropy_and_its_gradient_by_hand():
    rows, targets = [[2.0, 1.0, 0.1], [0.0, -1.0, 3.0]], [0, 2]
    expected = sum(-log_softmax_row(r)[t] for r, t in zip(rows, targets, strict=True)) / 2
    assert reference("cross_entropy")(np.array(rows), np.array(targets)) == pytest.approx(expected)
    grad = reference("cross_entropy_grad")(np.array(rows), np.array(targets))
    eps = 1e-6
    for i in range(2):
        for j in range(3):
            up, down = [list(r) for r in rows], [list(r) for r in rows]
            up[i][j] += eps
            down[i][j] -= eps
            loss = reference("cross_entropy")
            numeric = (loss(np.array(up), np.array(targets)) - loss(np.array(down), np.array(targets))) / (2 * eps)
            assert grad[i, j] == pytest.approx(numeric, abs=1e-6)


def test_bce_focal_and_smoothing_by_hand():
    z, y = [0.3, -2.0], [1.0, 0.0]
    p = [1 / (1 + math.exp(-v)) for v in z]
    bce = -(math.log(p[0]) + math.log(1 - p[1])) / 2
    assert reference("bce_with_logits")(np.array(z), np.array(y)) == pytest.approx(bce)
    focal = (-0.25 * (1 - p[0]) ** 2 * math.log(p[0]) - 0.75 * p[1] ** 2 * math.log(1 - p[1])) / 2
    assert reference("focal_loss")(np.array(z), np.array(y)) == pytest.approx(focal)
    lp = log_softmax_row([1.0, 0.0, -1.0])
    q = [0.8 + 0.2 / 3, 0.2 / 3, 0.2 / 3]
    smoothed = -sum(a * b for a, b in zip(q, lp, strict=True))
    assert reference("label_smoothing_cross_entropy")(np.array([[1.0, 0.0, -1.0]]), np.array([0]), 0.2) == (
        pytest.approx(smoothed)
    )
    assert reference("huber_loss")(np.array([0.5, 3.0]), np.zeros(2)) == pytest.approx((0.125 + 2.5) / 2)
