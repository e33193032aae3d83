"""Drills of the attention-transformers topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from tests.helpers.drills import hand_formula_test


def kv_cache_memory(p):
    width = {"float32": 4, "float16": 2, "bfloat16": 2}[p["dtype"]]
    keys_and_values = 2 * p["batch"] * p["tokens"] * p["layers"] * p["kv_heads"] * p["head_dim"]
    return [keys_and_values * width / 1024 / 1024]


def attention_score_memory(p):
    width = {"float32": 4, "float16": 2, "bfloat16": 2}[p["dtype"]]
    return [p["batch"] * p["heads"] * p["n"] ** 2 * width / 1024 / 1024]


def attention_weight(p):
    scores = [sum(a * b for a, b in zip(p["q"], k, strict=False)) / math.sqrt(len(p["q"])) for k in (p["k1"], p["k2"])]
    exps = [math.exp(s) for s in scores]
    return [exps[0] / sum(exps)]


EXPECTED = {
    "attention-score-memory": attention_score_memory,
    "attention-weight": attention_weight,
    "kv-cache-memory": kv_cache_memory,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
