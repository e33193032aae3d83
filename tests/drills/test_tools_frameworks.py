"""Drills of the tools-frameworks topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

import pytest

from tests.helpers.drills import SEEDS, assert_matches_hand_formula


def tensor_memory(p):
    width = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}[p["dtype"]]
    return [math.prod(p["shape"]) * width / 1024 / 1024]


EXPECTED = {
    "tensor-memory": tensor_memory,
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_answer_matches_the_hand_formula_and_grades(name, seed):
    assert_matches_hand_formula(name, seed, EXPECTED[name])
