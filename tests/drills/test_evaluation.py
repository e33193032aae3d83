"""Drills of the evaluation topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import pytest

from tests.helpers.drills import SEEDS, assert_matches_hand_formula


def precision_recall_f1(p):
    tp, fp, fn = p["tp"], p["fp"], p["fn"]
    return [tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)]


EXPECTED = {
    "precision-recall-f1": precision_recall_f1,
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_answer_matches_the_hand_formula_and_grades(name, seed):
    assert_matches_hand_formula(name, seed, EXPECTED[name])
