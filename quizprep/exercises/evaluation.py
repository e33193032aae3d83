"""Exercises for the evaluation topic: ROC AUC from scores."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case


@exercise(
    "roc_auc",
    items=["roc-auc", "roc-vs-pr-auc-imbalanced"],
    difficulty=2,
    hints=[
        "AUC is the probability that a random positive scores higher than a random negative.",
        "Compare every positive with every negative (broadcast pos[:, None] against neg[None, :]); a tie counts 1/2.",
    ],
)
def roc_auc(scores, labels):
    """Area under the ROC curve, as the chance a positive outranks a negative.

    scores: float array (N,). labels: int array (N,) of 0 and 1, with at least one of each.
    Returns one float: over all (positive, negative) pairs, the fraction where the positive's score is higher,
    counting equal scores as one half. Do not change the inputs.
    """
    pos = scores[labels == 1]
    neg = scores[labels == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


@hidden_tests("roc_auc")
def roc_auc_tests(rng):
    return [
        Case("perfect", (np.array([0.1, 0.4, 0.35, 0.8]), np.array([0, 1, 0, 1])), hint="every positive above"),
        Case("random", (rng.random(20), rng.integers(0, 2, 20)), hint="count pairs, not points"),
        Case("ties", (np.array([0.5, 0.5, 0.5, 0.9, 0.1]), np.array([1, 0, 0, 1, 0])), hint="a tie counts 1/2"),
        Case("imbalanced", (rng.random(30), (np.arange(30) < 3).astype(int)), hint="divide by positives × negatives"),
        Case("reversed", (np.array([0.9, 0.8, 0.1]), np.array([0, 0, 1])), hint="an inverted ranking scores 0"),
    ]
