"""Exercises for the llm-adaptation topic: the LoRA forward pass and merging LoRA into the base weight."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "lora_forward",
    items=["lora-low-rank-update", "lora-target-modules-rank-alpha", "lora-initialisation"],
    difficulty=1,
    hints=[
        "The rank r is A.shape[1]; the update is scaled by alpha / r.",
        "y = x @ W + (alpha / r) · (x @ A) @ B: multiply x by A first and never build the d_in × d_out update.",
    ],
)
def lora_forward(x, W, A, B, alpha):
    """A linear layer with a LoRA update, as in the LoRA paper's scaling.

    x: float array (N, d_in). W: frozen weight (d_in, d_out). A: (d_in, r). B: (r, d_out). alpha: float.
    Returns y = x @ W + (alpha / r) · (x @ A @ B), a float array (N, d_out). Do not change the inputs.
    """
    r = A.shape[1]
    return x @ W + (alpha / r) * ((x @ A) @ B)


@hidden_tests("lora_forward")
def lora_forward_tests(rng):
    return [
        Case(
            "rank 2",
            (normal(rng, 3, 5), normal(rng, 5, 4), normal(rng, 5, 2), normal(rng, 2, 4), 16.0),
            hint="scale by alpha / r",
        ),
        Case(
            "B is zero at initialisation",
            (normal(rng, 2, 3), normal(rng, 3, 3), normal(rng, 3, 1), np.zeros((1, 3)), 8.0),
            hint="with B = 0 the layer is the frozen one",
        ),
        Case(
            "rank 4, alpha = r",
            (normal(rng, 4, 6), normal(rng, 6, 2), normal(rng, 6, 4), normal(rng, 4, 2), 4.0),
            hint="r is A.shape[1]",
        ),
        Case(
            "one row",
            (normal(rng, 1, 3), normal(rng, 3, 5), normal(rng, 3, 3), normal(rng, 3, 5), 1.0),
            hint="x @ A first, then @ B",
        ),
    ]


@exercise(
    "lora_merge",
    items=["lora-merge-for-inference", "lora-low-rank-update"],
    difficulty=1,
    hints=[
        "The merged weight is W + (alpha / r) · A @ B, with r = A.shape[1].",
        "Return a new array: the frozen W must stay as it was, so the adapter can be removed again.",
    ],
)
def lora_merge(W, A, B, alpha):
    """Fold a LoRA update into the base weight for inference.

    W: float array (d_in, d_out). A: (d_in, r). B: (r, d_out). alpha: float.
    Returns W + (alpha / r) · A @ B as a new array (d_in, d_out); W itself must not change.
    """
    return W + (alpha / A.shape[1]) * (A @ B)


@hidden_tests("lora_merge")
def lora_merge_tests(rng):
    return [
        Case("rank 2", (normal(rng, 4, 3), normal(rng, 4, 2), normal(rng, 2, 3), 8.0), hint="scale alpha / r"),
        Case("rank 1", (normal(rng, 2, 2), normal(rng, 2, 1), normal(rng, 1, 2), 2.0), hint="an outer product"),
        Case("square", (normal(rng, 3, 3), normal(rng, 3, 3), normal(rng, 3, 3), 3.0), hint="A @ B, not B @ A"),
    ]
