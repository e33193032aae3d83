"""PCA exercise: the reference against the covariance matrix's eigenvectors; wrong variants are caught."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def pca_uncentred(x, k):
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    c = vt[:k] * np.sign(vt[np.arange(k), np.argmax(np.abs(vt[:k]), 1)])[:, None]
    return c, s[:k] ** 2 / (len(x) - 1)


def pca_biased_variance(x, k):
    c, var = reference("pca")(x, k)
    return c, var * (len(x) - 1) / len(x)


def pca_no_sign_fix(x, k):
    _, s, vt = np.linalg.svd(x - x.mean(0), full_matrices=False)
    return -vt[:k], s[:k] ** 2 / (len(x) - 1)


def pca_columns_of_u(x, k):
    c, var = reference("pca")(x, k)
    return c, np.sqrt(var)


WRONG = {"pca": [pca_uncentred, pca_biased_variance, pca_no_sign_fix, pca_columns_of_u]}


def test_every_exercise_has_wrong_variants():
    assert_covered("math-for-dl", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_pca_matches_the_covariance_eigenvectors():
    rng = np.random.default_rng(13)
    x = rng.normal(size=(40, 3)) @ np.array([[3.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.5, 0.2]])
    components, variance = reference("pca")(x, 2)
    values, vectors = np.linalg.eigh(np.cov(x, rowvar=False))
    assert variance.tolist() == pytest.approx(values[::-1][:2].tolist())
    for row, column in zip(components, vectors[:, ::-1].T, strict=False):
        assert abs(float(row @ column)) == pytest.approx(1.0)
        assert row[np.argmax(np.abs(row))] > 0
