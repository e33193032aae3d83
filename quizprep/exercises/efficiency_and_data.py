"""Exercises for the efficiency-and-data topic: symmetric int8 quantisation per row and the distillation loss."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "quantize_int8",
    items=["int8-affine-quantization", "model-compression-overview"],
    difficulty=1,
    returns=("q", "scale"),
    hints=[
        "One scale per row: scale = max |x| of the row / 127 (a row of zeros gets scale 1).",
        "q = round(x / scale), clipped to [-127, 127], stored as np.int8 (np.round rounds halves to even).",
    ],
)
def quantize_int8(x):
    """Symmetric int8 quantisation with one scale per row (per output channel).

    x: float array (N, D). For each row, scale = max(|row|) / 127, or 1.0 for a row of zeros; then
    q = clip(np.round(x / scale), -127, 127). Returns (q, scale): q an int8 array (N, D) and scale a float array
    (N,), so that q · scale[:, None] approximates x. Do not change x.
    """
    peak = np.max(np.abs(x), axis=1)
    scale = np.where(peak > 0, peak / 127.0, 1.0)
    q = np.clip(np.round(x / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


@hidden_tests("quantize_int8")
def quantize_int8_tests(rng):
    return [
        Case("rows", (normal(rng, 3, 6),), hint="one scale per row"),
        Case(
            "different ranges",
            (normal(rng, 4, 5) * np.array([[0.01], [1.0], [100.0], [5.0]]),),
            hint="a row's scale depends only on that row",
        ),
        Case("row of zeros", (np.array([[0.0, 0.0], [1.0, -2.0]]),), hint="scale 1 for a zero row, no 0 / 0"),
        Case("extremes map to ±127", (np.array([[-4.0, 4.0, 2.0]]),), hint="the largest |x| becomes ±127"),
    ]


@exercise(
    "distillation_loss",
    items=["knowledge-distillation", "distillation-temperature-t-squared", "distillation-for-serving"],
    difficulty=2,
    hints=[
        "Soften both: p = softmax(teacher / T), q = softmax(student / T) (stable softmax).",
        "KL(p ‖ q) = sum p·(log p - log q) per row; average over the batch.",
        "Multiply by T² so the gradients keep their size as T changes.",
    ],
)
def distillation_loss(student_logits, teacher_logits, temperature):
    """The soft-target distillation loss: T² times the KL divergence from the teacher's to the student's softened
    distribution.

    student_logits, teacher_logits: float arrays (N, C). temperature: T > 0.
    With p = softmax(teacher / T) and q = softmax(student / T) per row, returns one float:
    T² · mean over rows of sum_c p_c · (log p_c - log q_c). Do not change the inputs.
    """

    def log_softmax(z):
        shifted = z - z.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    log_p = log_softmax(teacher_logits / temperature)
    log_q = log_softmax(student_logits / temperature)
    kl = np.sum(np.exp(log_p) * (log_p - log_q), axis=1)
    return float(temperature**2 * np.mean(kl))


@hidden_tests("distillation_loss")
def distillation_loss_tests(rng):
    same = normal(rng, 2, 4)
    return [
        Case("T = 1", (normal(rng, 3, 4), normal(rng, 3, 4), 1.0), hint="KL(teacher ‖ student), averaged over rows"),
        Case("T = 4", (normal(rng, 5, 3, scale=3.0), normal(rng, 5, 3, scale=3.0), 4.0), hint="multiply by T²"),
        Case("identical", (same, same.copy(), 2.0), hint="the same logits give 0"),
        Case(
            "large logits",
            (np.array([[1000.0, 0.0]]), np.array([[0.0, 1000.0]]), 1.0),
            hint="log-softmax with the maximum subtracted",
        ),
    ]
