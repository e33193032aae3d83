"""Drills of the inference-serving topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from quizprep.drills import generate
from tests.helpers.drills import SEEDS, hand_formula_test, solution_ending_test


def kv_cache_gib(p):
    keys_and_values = 2 * p["batch"] * p["tokens"] * p["layers"] * p["kv_heads"] * p["head_dim"]
    return [keys_and_values * p["bytes"] / 1024 / 1024 / 1024]


def speculative_tokens(p):
    alpha, k = p["alpha"], p["k"]
    expected = sum(alpha**i for i in range(k + 1))  # token i+1 is kept only if the first i drafts all pass
    return [expected, expected / (1 + k * p["cost"])]


def weight_memory(p):
    n = p["billions"] * 1e9
    scales = n / p["group"] * 2  # one 2-byte scale per group
    return [n * 2 / 1e9, n / 1e9, (n / 2 + scales) / 1e9]


def top_p_survivors(p):
    total, count = 0.0, 0
    for prob in sorted(p["probs"], reverse=True):
        total += prob
        count += 1
        if total >= p["p"] - 1e-9:
            break
    return [count]


EXPECTED = {
    "kv-cache-gib": kv_cache_gib,
    "speculative-tokens": speculative_tokens,
    "top-p-survivors": top_p_survivors,
    "weight-memory": weight_memory,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)


def test_top_p_probabilities_are_a_distribution_without_ties_at_p():
    for seed in SEEDS:
        p = generate("top-p-survivors", seed).params
        assert math.isclose(sum(p["probs"]), 1.0, abs_tol=1e-9)
        running = 0.0
        for prob in sorted(p["probs"], reverse=True):
            running += prob
            assert abs(running - p["p"]) > 0.004


def test_llama_2_70b_cache():
    # 80 layers, 8 KV heads of 128 in 16-bit: 320 KiB per token, 10 GiB for 8 x 4096 tokens.
    assert kv_cache_gib(
        {"batch": 8, "tokens": 4096, "layers": 80, "kv_heads": 8, "head_dim": 128, "bytes": 2}
    ) == [10.0]
