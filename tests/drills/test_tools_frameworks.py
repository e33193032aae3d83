"""Drills of the tools-frameworks topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from tests.helpers.drills import hand_formula_test


def tensor_memory(p):
    width = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}[p["dtype"]]
    return [math.prod(p["shape"]) * width / 1024 / 1024]


EXPECTED = {
    "tensor-memory": tensor_memory,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
