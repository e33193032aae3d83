"""Regularisation exercises: dropout against its stated use of the generator; wrong variants are caught."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def dropout_not_inverted(x, p, rng):
    keep = rng.random(x.shape) >= p
    return x * keep, keep


def dropout_keep_below(x, p, rng):
    keep = rng.random(x.shape) < p
    return (x * keep / (1 - p) if p < 1 else np.zeros_like(x)), keep


def dropout_nan_at_one(x, p, rng):
    keep = rng.random(x.shape) >= p
    with np.errstate(all="ignore"):
        return x * keep / (1 - p), keep


def dropout_float_mask(x, p, rng):
    out, keep = reference("dropout")(x, p, rng)
    return out, keep.astype(float)


def mixup_partner_weighted(x, y, lam, perm):
    return (1 - lam) * x + lam * x[perm], (1 - lam) * y + lam * y[perm]


def mixup_labels_unmixed(x, y, lam, perm):
    return lam * x + (1 - lam) * x[perm], y.copy()


def mixup_wrong_partner(x, y, lam, perm):
    inverse = np.argsort(perm)
    return lam * x + (1 - lam) * x[inverse], lam * y + (1 - lam) * y[inverse]


WRONG = {
    "dropout": [dropout_not_inverted, dropout_keep_below, dropout_nan_at_one, dropout_float_mask],
    "mixup": [mixup_partner_weighted, mixup_labels_unmixed, mixup_wrong_partner],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("regularization", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_dropout_uses_one_draw_and_keeps_the_expected_value():
    draws = np.random.default_rng(11).random(4)
    out, keep = reference("dropout")(np.ones(4), 0.5, np.random.default_rng(11))
    assert keep.tolist() == [bool(d >= 0.5) for d in draws]
    assert out.tolist() == [2.0 if d >= 0.5 else 0.0 for d in draws]
    big, _ = reference("dropout")(np.ones(200_000), 0.3, np.random.default_rng(12))
    assert float(big.mean()) == pytest.approx(1.0, abs=0.01)
    mixed_x, mixed_y = reference("mixup")(np.array([[0.0], [10.0]]), np.eye(2), 0.8, np.array([1, 0]))
    assert mixed_x[:, 0].tolist() == pytest.approx([2.0, 8.0])
    assert mixed_y.ravel().tolist() == pytest.approx([0.8, 0.2, 0.2, 0.8])
