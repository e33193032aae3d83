"""Drills of the evaluation topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

from tests.helpers.drills import hand_formula_test


def precision_recall_f1(p):
    tp, fp, fn = p["tp"], p["fp"], p["fn"]
    return [tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)]


EXPECTED = {
    "precision-recall-f1": precision_recall_f1,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
