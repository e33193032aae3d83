"""Drills of the llm-architecture topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import pytest

from tests.helpers.drills import hand_formula_test, solution_ending_test


def gqa_cache_saving(p):
    factor = p["heads"] / p["kv_heads"]
    per_kv_head = 2 * p["layers"] * p["head_dim"] * 2 * p["tokens"] * p["batch"]
    return [factor, (p["heads"] - p["kv_heads"]) * per_kv_head / 1024**3]


def decoder_param_count(p):
    d, layers, vocab = p["d_model"], p["layers"], p["vocab"]
    per_layer = 4 * d * d + 2 * d * 4 * d  # Q, K, V, O and the two MLP matrices
    embeddings = vocab * d if p["tied"] else 2 * vocab * d
    return [(layers * per_layer + embeddings) / 1e6]


def flops_per_token(p):
    return [(2 * p["billions"] * 1e9 + 4 * p["layers"] * p["position"] * p["d_model"]) / 1e9]


def swiglu_hidden_width(p):
    h = p["multiple"]
    while 3 * h < 8 * p["d_model"]:  # the first multiple whose three matrices reach the 8d² budget
        h += p["multiple"]
    return [h]


def moe_active_params(p):
    experts = p["layers"] * p["expert_millions"] / 1000
    return [p["shared_billions"] + p["experts"] * experts, p["shared_billions"] + p["k"] * experts]


EXPECTED = {
    "decoder-param-count": decoder_param_count,
    "flops-per-token": flops_per_token,
    "gqa-cache-saving": gqa_cache_saving,
    "moe-active-params": moe_active_params,
    "swiglu-hidden-width": swiglu_hidden_width,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)


def test_known_shapes():
    # LLaMA-7B and LLaMA-13B use SwiGLU widths 11008 and 13824 for d = 4096 and 5120 with multiples of 256.
    assert swiglu_hidden_width({"d_model": 4096, "multiple": 256}) == [11008]
    assert swiglu_hidden_width({"d_model": 5120, "multiple": 256}) == [13824]
    # Mixtral-like numbers: 1.6B shared, 32 layers of 8 experts of 176.2M, top-2: about 46.7B total, 12.9B active.
    total, active = moe_active_params(
        {"shared_billions": 1.6, "layers": 32, "experts": 8, "k": 2, "expert_millions": 176.2}
    )
    assert total == pytest.approx(46.7, abs=0.05) and active == pytest.approx(12.9, abs=0.05)
