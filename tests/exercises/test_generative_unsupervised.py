"""Generative and unsupervised exercises: references against plain loops and closed forms; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def kmeans_nan_empty(points, centroids):
    d = ((points[:, None] - centroids[None]) ** 2).sum(2)
    a = np.argmin(d, 1)
    with np.errstate(all="ignore"):
        new = np.array(
            [
                points[a == j].mean(0) if np.any(a == j) else np.full(points.shape[1], np.nan)
                for j in range(len(centroids))
            ]
        )
    return new, a


def kmeans_manhattan(points, centroids):
    a = np.argmin(np.abs(points[:, None] - centroids[None]).sum(2), 1)
    new = centroids.copy()
    for j in range(len(centroids)):
        if np.any(a == j):
            new[j] = points[a == j].mean(0)
    return new, a


def kmeans_empty_to_origin(points, centroids):
    new, a = reference("kmeans_step")(points, centroids)
    for j in range(len(centroids)):
        if not np.any(a == j):
            new[j] = 0.0
    return new, a


def kl_log_sigma(mu, log_var):
    return reference("vae_kl")(mu, 2 * log_var)


def kl_mean_over_z(mu, log_var):
    return float(np.mean(-0.5 * (1 + log_var - mu**2 - np.exp(log_var))))


def kl_sign(mu, log_var):
    return -reference("vae_kl")(mu, log_var)


def nce_unnormalised(z_a, z_b, temperature=0.1):
    logits = z_a @ z_b.T / temperature
    top = logits.max(1, keepdims=True)
    return float(np.mean(top[:, 0] + np.log(np.exp(logits - top).sum(1)) - np.diag(logits)))


def nce_no_temperature(z_a, z_b, temperature=0.1):
    return reference("info_nce")(z_a, z_b, 1.0)


def nce_naive(z_a, z_b, temperature=0.1):
    a = z_a / np.linalg.norm(z_a, axis=1, keepdims=True)
    b = z_b / np.linalg.norm(z_b, axis=1, keepdims=True)
    e = np.exp(a @ b.T / temperature)
    return float(np.mean(-np.log(np.diag(e) / e.sum(1))))


WRONG = {
    "kmeans_step": [kmeans_nan_empty, kmeans_manhattan, kmeans_empty_to_origin],
    "vae_kl": [kl_log_sigma, kl_mean_over_z, kl_sign],
    "info_nce": [nce_unnormalised, nce_no_temperature, nce_naive],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("generative-unsupervised", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_kmeans_kl_and_infonce_by_hand():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    centroids, labels = reference("kmeans_step")(points, np.array([[0.0, 1.0], [9.0, 0.0], [50.0, 50.0]]))
    assert labels.tolist() == [0, 0, 1]
    assert centroids.tolist() == [[0.5, 0.0], [10.0, 0.0], [50.0, 50.0]]
    # KL(N(1, e) ‖ N(0, 1)) = 0.5·(σ² + μ² - 1 - log σ²) with log σ² = 1
    assert reference("vae_kl")(np.array([[1.0]]), np.array([[1.0]])) == pytest.approx(0.5 * (math.e + 1 - 1 - 1))
    a, b = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[3.0, 0.0], [1.0, 1.0]])
    s = [[1.0, 1 / math.sqrt(2)], [0.0, 1 / math.sqrt(2)]]
    rows = [-(s[i][i] / 0.5) + math.log(sum(math.exp(v / 0.5) for v in s[i])) for i in range(2)]
    assert reference("info_nce")(a, b, 0.5) == pytest.approx(sum(rows) / 2)
