"""Exercises for the graph-and-retrieval topic: one graph convolution layer."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "gcn_layer",
    items=["gcn-propagation-rule", "message-passing-gnn"],
    difficulty=2,
    hints=[
        "Add self-loops: Â = adj + I, so each node keeps its own features.",
        "Degrees of Â: d = Â.sum(axis=1); the symmetric normalisation is D^-1/2 Â D^-1/2.",
        "Return D^-1/2 Â D^-1/2 @ features @ weight (no activation).",
    ],
)
def gcn_layer(adj, features, weight):
    """One graph convolution layer (Kipf and Welling), without the activation.

    adj: float array (N, N), symmetric, 0/1, zero diagonal. features: (N, F). weight: (F, F_out).
    With Â = adj + I and D the diagonal of Â's row sums, returns D^-1/2 · Â · D^-1/2 · features · weight,
    a float array (N, F_out). Do not change the inputs.
    """
    a_hat = adj + np.eye(len(adj))
    inv_sqrt = 1.0 / np.sqrt(a_hat.sum(axis=1))
    return (inv_sqrt[:, None] * a_hat * inv_sqrt[None, :]) @ features @ weight


@hidden_tests("gcn_layer")
def gcn_layer_tests(rng):
    path = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    upper = np.triu(rng.integers(0, 2, (6, 6)), 1).astype(float)
    return [
        Case("path graph", (path, np.eye(3), np.eye(3)), hint="self-loops, then symmetric normalisation"),
        Case("random graph", (upper + upper.T, normal(rng, 6, 4), normal(rng, 4, 2)), hint="D^-1/2 on both sides"),
        Case(
            "isolated node",
            (np.zeros((2, 2)), normal(rng, 2, 3), normal(rng, 3, 3)),
            hint="with self-loops an isolated node keeps its features",
        ),
    ]
