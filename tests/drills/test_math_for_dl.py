"""Drills of the math-for-dl topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

from tests.helpers.drills import hand_formula_test


def matmul_entry(p):
    a, b, i, j = p["A"], p["B"], p["row"] - 1, p["col"] - 1
    return [sum(a[i][k] * b[k][j] for k in range(len(b)))]


EXPECTED = {
    "matmul-entry": matmul_entry,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
