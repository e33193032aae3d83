"""Drills of the foundations topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

from tests.helpers.drills import hand_formula_test


def dense_param_count(p):
    return [(p["n_in"] + 1) * p["n_out"]]


EXPECTED = {
    "dense-param-count": dense_param_count,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
