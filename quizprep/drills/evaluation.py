"""Drills for the evaluation topic: precision, recall and F1."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals


@drill("precision-recall-f1")
def precision_recall_f1(rng: np.random.Generator) -> Problem:
    """Precision, recall and F1 from a confusion matrix"""
    tp = int(rng.integers(10, 91))
    fp = int(rng.integers(1, 31))
    fn = int(rng.integers(1, 31))
    tn = int(rng.integers(20, 201))
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    return Problem(
        prompt=(
            f"A binary classifier's confusion matrix: of the actual positives, {tp} are predicted positive and "
            f"{fn} negative; of the actual negatives, {fp} are predicted positive and {tn} negative. "
            f"What are precision, recall and F1? (3 decimals each)"
        ),
        answer=[precision, recall, f1],
        solution=[
            f"precision = TP / (TP + FP) = {tp} / {tp + fp} = {precision:.4f}",
            f"recall = TP / (TP + FN) = {tp} / {tp + fn} = {recall:.4f}",
            f"F1 = 2·P·R / (P + R) = 2·{precision:.4f}·{recall:.4f} / {precision + recall:.4f} = {f1:.4f}",
        ],
        **decimals(3),
        params={"tp": tp, "fp": fp, "fn": fn, "tn": tn},
    )
