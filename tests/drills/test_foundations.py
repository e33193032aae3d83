"""Drills of the foundations topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import pytest

from tests.helpers.drills import SEEDS, assert_matches_hand_formula


def dense_param_count(p):
    return [(p["n_in"] + 1) * p["n_out"]]


EXPECTED = {
    "dense-param-count": dense_param_count,
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_answer_matches_the_hand_formula_and_grades(name, seed):
    assert_matches_hand_formula(name, seed, EXPECTED[name])
