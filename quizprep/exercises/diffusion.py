"""Exercises for the diffusion topic: sampling the forward (noising) process in closed form."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "q_sample",
    items=["diffusion-forward-process", "diffusion-noise-schedules", "diffusion-training-objective"],
    difficulty=2,
    hints=[
        "ᾱ_t is the running product of (1 - β_s) for s = 0 … t: np.cumprod(1 - betas)[t], with t counted from 0.",
        "x_t = sqrt(ᾱ_t)·x0 + sqrt(1 - ᾱ_t)·noise: square roots of ᾱ, not of β.",
        "t holds one step per example: reshape ᾱ[t] to (N, 1, 1, …) so it broadcasts over the example's entries.",
    ],
)
def q_sample(x0, t, betas, noise):
    """Noisy samples x_t of the DDPM forward process, drawn in one jump from x0.

    x0: float array (N, ...), clean examples. t: int array (N,), each example's step, 0-based (t = 0 applies
    β_0 once). betas: float array (T,), the noise schedule. noise: float array shaped like x0.
    With ᾱ_t = prod over s = 0 … t of (1 - betas[s]), returns sqrt(ᾱ_t)·x0 + sqrt(1 - ᾱ_t)·noise per example.
    Do not change the inputs.
    """
    alpha_bar = np.cumprod(1.0 - betas)[t]
    shape = (len(t),) + (1,) * (x0.ndim - 1)
    alpha_bar = alpha_bar.reshape(shape)
    return np.sqrt(alpha_bar) * x0 + np.sqrt(1.0 - alpha_bar) * noise


@hidden_tests("q_sample")
def q_sample_tests(rng):
    betas = np.linspace(1e-4, 0.02, 1000)
    return [
        Case(
            "images",
            (normal(rng, 3, 2, 2), np.array([0, 10, 999]), betas, normal(rng, 3, 2, 2)),
            hint="ᾱ is a cumulative product",
        ),
        Case("step 0", (normal(rng, 2, 3), np.array([0, 0]), betas, normal(rng, 2, 3)), hint="t = 0 applies β_0 once"),
        Case(
            "short schedule",
            (normal(rng, 4, 5), np.array([3, 1, 2, 0]), np.array([0.1, 0.2, 0.3, 0.4]), normal(rng, 4, 5)),
            hint="index ᾱ by each example's own t",
        ),
    ]
