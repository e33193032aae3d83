"""Exercises for the generative-unsupervised topic: one k-means step, the VAE's KL term and the InfoNCE loss."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "kmeans_step",
    items=["deep-clustering", "unsupervised-deep-learning"],
    difficulty=2,
    returns=("centroids", "assignments"),
    hints=[
        "Squared distances of every point to every centroid: ((points[:, None] - centroids[None]) ** 2).sum(-1).",
        "np.argmin along the centroid axis assigns each point (ties go to the lower index).",
        "A centroid with no points keeps its old position instead of becoming NaN.",
    ],
)
def kmeans_step(points, centroids):
    """One Lloyd iteration of k-means: assign points to the nearest centroid, then move centroids to the means.

    points: float array (N, D). centroids: float array (K, D).
    Each point goes to the centroid at the smallest squared Euclidean distance (ties: the lower index); each centroid
    becomes the mean of its points, and a centroid with no points stays where it was.
    Returns (new_centroids, assignments): float (K, D) and int (N,). Do not change the inputs.
    """
    distances = ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    assignments = np.argmin(distances, axis=1)
    new = centroids.copy()
    for j in range(len(centroids)):
        members = points[assignments == j]
        if len(members):
            new[j] = members.mean(axis=0)
    return new, assignments


@hidden_tests("kmeans_step")
def kmeans_step_tests(rng):
    return [
        Case(
            "two blobs",
            (np.vstack([normal(rng, 5, 2) + 5, normal(rng, 5, 2) - 5]), np.array([[1.0, 1.0], [-1.0, -1.0]])),
            hint="each point to its nearest centroid",
        ),
        Case(
            "empty cluster",
            (normal(rng, 6, 2), np.array([[0.0, 0.0], [100.0, 100.0]])),
            hint="a centroid without points keeps its place",
        ),
        Case("random", (normal(rng, 20, 3), normal(rng, 4, 3)), hint="the mean of the assigned points"),
        Case("one point", (np.array([[2.0, 3.0]]), np.array([[0.0, 0.0], [5.0, 5.0]])), hint="squared distances"),
    ]


@exercise(
    "vae_kl",
    items=["variational-autoencoder", "vae-reparameterization-trick"],
    difficulty=1,
    hints=[
        "KL(N(μ, σ²) ‖ N(0, 1)) per dimension is -0.5·(1 + log σ² - μ² - σ²), with σ² = exp(log_var).",
        "Sum over the latent dimensions, then average over the batch.",
    ],
)
def vae_kl(mu, log_var):
    """The KL term of a VAE with a diagonal Gaussian posterior and a standard normal prior.

    mu, log_var: float arrays (N, Z), the posterior means and log-variances (log σ²).
    Returns one float: the mean over the batch of sum over z of -0.5·(1 + log_var - mu² - exp(log_var)).
    Do not change the inputs.
    """
    return float(np.mean(-0.5 * np.sum(1.0 + log_var - mu**2 - np.exp(log_var), axis=1)))


@hidden_tests("vae_kl")
def vae_kl_tests(rng):
    return [
        Case("prior", (np.zeros((2, 3)), np.zeros((2, 3))), hint="the posterior equals the prior: KL 0"),
        Case("batch", (normal(rng, 4, 5), normal(rng, 4, 5, scale=0.5)), hint="sum over z, mean over the batch"),
        Case("one sample", (np.array([[1.0, -2.0]]), np.array([[0.5, -1.0]])), hint="log_var is log σ², not log σ"),
    ]


@exercise(
    "info_nce",
    items=["contrastive-learning-infonce", "contrastive-temperature-and-negatives", "simclr-and-clip"],
    difficulty=2,
    hints=[
        "L2-normalise each row of both batches first, so dot products are cosine similarities.",
        "logits = a @ b.T / temperature; row i's positive is column i, every other column a negative.",
        "The loss is the cross-entropy of each row against its diagonal entry, averaged (a stable log-sum-exp).",
    ],
)
def info_nce(z_a, z_b, temperature=0.1):
    """The InfoNCE loss of paired embeddings, in one direction (a as queries, b as keys).

    z_a, z_b: float arrays (N, D), row i of z_a paired with row i of z_b. temperature: float > 0.
    Normalise every row to unit length, take logits = a @ bᵀ / temperature, and return one float: the mean over i
    of -log softmax(logits[i])[i]. Do not change the inputs.
    """
    a = z_a / np.linalg.norm(z_a, axis=1, keepdims=True)
    b = z_b / np.linalg.norm(z_b, axis=1, keepdims=True)
    logits = a @ b.T / temperature
    top = logits.max(axis=1, keepdims=True)
    log_z = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return float(np.mean(log_z - np.diag(logits)))


@hidden_tests("info_nce")
def info_nce_tests(rng):
    base = normal(rng, 5, 4)
    return [
        Case("matched pairs", (base, base + normal(rng, 5, 4, scale=0.1)), hint="the positive is on the diagonal"),
        Case("random", (normal(rng, 6, 3), normal(rng, 6, 3)), {"temperature": 0.5}, hint="divide by the temperature"),
        Case(
            "unnormalised scale",
            (base * 10.0, base * 0.1 + normal(rng, 5, 4, scale=0.05)),
            hint="normalise rows: the loss ignores each vector's length",
        ),
        Case(
            "low temperature",
            (base, base + normal(rng, 5, 4, scale=0.01)),
            {"temperature": 0.001},
            hint="a stable log-sum-exp: logits reach 1000",
        ),
    ]
