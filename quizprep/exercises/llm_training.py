"""Exercises for the llm-training topic: the warmup-then-cosine learning-rate schedule and perplexity over a
padded batch."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case


@exercise(
    "warmup_cosine_lr",
    items=["llm-warmup-cosine-schedule", "cosine-annealing-schedule", "learning-rate-warmup"],
    difficulty=2,
    hints=[
        "Warmup is linear and reaches base_lr at the end of warmup: lr = base_lr·(step + 1) / warmup_steps.",
        "After warmup, progress = (step - warmup_steps) / (total_steps - warmup_steps), capped at 1.",
        "lr = min_lr + 0.5·(base_lr - min_lr)·(1 + cos(π·progress)); np.where handles the two phases elementwise.",
    ],
)
def warmup_cosine_lr(steps, total_steps, warmup_steps, base_lr, min_lr=0.0):
    """Learning rates of a linear warmup followed by cosine decay, for an array of step numbers.

    steps: int array of 0-based step numbers (any shape). total_steps > warmup_steps ≥ 1 (ints). base_lr ≥ min_lr.
    For step < warmup_steps: lr = base_lr·(step + 1) / warmup_steps. Otherwise, with
    progress = min(1, (step - warmup_steps) / (total_steps - warmup_steps)):
    lr = min_lr + 0.5·(base_lr - min_lr)·(1 + cos(π·progress)), so steps at or past total_steps get min_lr.
    Returns a float array of the same shape as steps.
    """
    steps = np.asarray(steps)
    warm = base_lr * (steps + 1) / warmup_steps
    progress = np.clip((steps - warmup_steps) / (total_steps - warmup_steps), 0.0, 1.0)
    cosine = min_lr + 0.5 * (base_lr - min_lr) * (1.0 + np.cos(np.pi * progress))
    return np.where(steps < warmup_steps, warm, cosine).astype(float)


@hidden_tests("warmup_cosine_lr")
def warmup_cosine_lr_tests(rng):
    return [
        Case("whole schedule", (np.arange(12), 10, 3, 1.0), hint="warmup reaches base_lr at its last step"),
        Case("with a floor", (np.arange(0, 110, 7), 100, 10, 3e-4, 3e-5), hint="decay towards min_lr, not 0"),
        Case("past the end", (np.array([100, 150, 1000]), 100, 10, 1e-3, 1e-4), hint="progress is capped at 1"),
        Case("warmup of one", (np.array([0, 1, 2, 5]), 5, 1, 2.0), hint="(step + 1) / warmup_steps"),
    ]


@exercise(
    "perplexity",
    items=["perplexity-from-cross-entropy", "perplexity-and-its-limits", "causal-lm-pretraining-objective"],
    difficulty=1,
    hints=[
        "Perplexity is exp of the mean negative log-likelihood per real token.",
        "Average over the tokens of the whole batch (sum of masked log-probs / number of real tokens), not per "
        "sequence first.",
        "Padding (mask False) counts neither in the sum nor in the count.",
    ],
)
def perplexity(log_probs, mask):
    """Token-level perplexity of a padded batch.

    log_probs: float array (N, T), the natural-log probability the model gave each actual next token.
    mask: bool array (N, T), True for real tokens and False for padding (at least one True).
    Returns one float: exp(-(sum of log_probs over real tokens) / (number of real tokens)). Do not change the inputs.
    """
    return float(np.exp(-np.sum(log_probs * mask) / np.sum(mask)))


@hidden_tests("perplexity")
def perplexity_tests(rng):
    uneven = np.array([[True, True, True, True], [True, False, False, False]])
    return [
        Case(
            "uniform over 4",
            (np.full((2, 3), np.log(0.25)), np.ones((2, 3), dtype=bool)),
            hint="a uniform guess over 4 tokens has perplexity 4",
        ),
        Case(
            "padding",
            (np.log(rng.uniform(0.05, 1.0, (2, 4))), uneven),
            hint="ignore padded positions; average over all real tokens",
        ),
        Case("one token", (np.array([[np.log(0.5)]]), np.array([[True]])), hint="exp(-log 0.5) = 2"),
        Case(
            "padding holds garbage",
            (np.array([[-1.0, -2.0, -50.0]]), np.array([[True, True, False]])),
            hint="masked entries must not enter the sum",
        ),
    ]
