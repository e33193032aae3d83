"""Drills of the llm-adaptation topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import pytest

from tests.helpers.drills import hand_formula_test, solution_ending_test


def lora_trainable_params(p):
    d, ff, r = p["d_model"], p["d_ff"], p["rank"]
    attention = [(d, d)] * 4  # q, k, v, o as (d_out, d_in)
    mlp = [(ff, d), (d, ff)]  # up and down
    adapted = {"q_v": attention[:2], "attention": attention, "all": attention + mlp}[p["target"]]
    return [p["layers"] * sum(r * d_in + d_out * r for d_out, d_in in adapted) / 1e6]


def lora_share_of_full(p):
    a_entries = p["rank"] * p["d_in"]
    b_entries = p["d_out"] * p["rank"]
    return [100 * (a_entries + b_entries) / (p["d_in"] * p["d_out"])]


def qlora_memory(p):
    base_bytes = p["params_billion"] * 1e9 * 4 / 8
    lora_bytes = p["lora_million"] * 1e6 * (2 + 2 + 4 + 4)
    return [base_bytes / 1e9, (base_bytes + lora_bytes) / 1e9]


EXPECTED = {
    "lora-trainable-params": lora_trainable_params,
    "lora-share-of-full": lora_share_of_full,
    "qlora-memory": qlora_memory,
}


def test_hand_formulas_on_known_cases():
    # rank 8 on one 4096×4096 matrix: 65,536 parameters, 1/256 of it
    assert lora_share_of_full({"d_in": 4096, "d_out": 4096, "rank": 8}) == [pytest.approx(100 / 256)]
    # q and v of 32 layers at width 4096, rank 8: 64 matrices × 65,536
    case = {"d_model": 4096, "d_ff": 16384, "rank": 8, "layers": 32, "target": "q_v"}
    assert lora_trainable_params(case) == [pytest.approx(4.194304)]
    assert qlora_memory({"params_billion": 7, "lora_million": 40}) == [pytest.approx(3.5), pytest.approx(3.98)]


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)
