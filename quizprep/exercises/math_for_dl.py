"""Exercises for the math-for-dl topic: principal components by SVD."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "pca",
    items=["matrix-product", "matrix-transpose", "autoencoder-dimensionality-reduction"],
    difficulty=2,
    returns=("components", "explained_variance"),
    hints=[
        "Centre the columns first (subtract the mean of each feature).",
        "np.linalg.svd(centred, full_matrices=False): the rows of Vt are the directions, largest singular value first.",
        "Explained variance is S² / (N - 1); fix each component's sign so its largest-magnitude entry is positive.",
    ],
)
def pca(x, k):
    """The top-k principal components of a data matrix, computed by SVD.

    x: float array (N, D), one example per row (N ≥ 2). k: number of components, 1 ≤ k ≤ min(N, D).
    Centre each column, then return (components, explained_variance): components a float array (k, D) of unit
    directions ordered by decreasing variance, each with the sign that makes its largest-magnitude entry positive;
    explained_variance a float array (k,), the variance along each (divide by N - 1). Do not change x.
    """
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    components = vt[:k].copy()
    signs = np.sign(components[np.arange(k), np.argmax(np.abs(components), axis=1)])
    components *= signs[:, None]
    return components, s[:k] ** 2 / (len(x) - 1)


@hidden_tests("pca")
def pca_tests(rng):
    stretched = normal(rng, 50, 3) * np.array([5.0, 2.0, 0.5]) + np.array([10.0, -3.0, 1.0])
    return [
        Case("stretched axes", (stretched, 2), rtol=1e-6, atol=1e-8, hint="centre first; largest variance first"),
        Case(
            "correlated",
            (normal(rng, 30, 4) @ normal(rng, 4, 4), 3),
            rtol=1e-6,
            atol=1e-8,
            hint="rows of Vt are the components",
        ),
        Case("one component", (normal(rng, 10, 5) + 4.0, 1), rtol=1e-6, atol=1e-8, hint="variance = S² / (N - 1)"),
        Case(
            "sign convention",
            (np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 1.0], [0.0, -1.0]]), 2),
            rtol=1e-6,
            atol=1e-8,
            hint="flip each component so its largest-magnitude entry is positive",
        ),
    ]
