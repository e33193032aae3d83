"""Demos of the llm-architecture topic, each checked against an independent computation."""

from __future__ import annotations

import math

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import close, matvec, random_grid, result, softmax


def attend(query, keys, values):
    weights = softmax([sum(a * b for a, b in zip(query, key, strict=True)) / math.sqrt(len(query)) for key in keys])
    return [sum(w * value[c] for w, value in zip(weights, values, strict=True)) for c in range(len(values[0]))]


# gqa-cache


def test_gqa_cache_default_is_llama_2_70b():
    out = result("gqa-cache")
    # 80 layers, head size 128, 2 bytes: 2·80·128·2 = 40,960 bytes per key/value head and token.
    assert out["bytes_per_token"] == {"MHA": 64 * 40960, "GQA": 8 * 40960, "MQA": 40960}
    assert out["cache_gib"]["MHA"] == pytest.approx(10.0) and out["cache_gib"]["GQA"] == pytest.approx(1.25)
    assert out["saving_factor"] == 8


def test_gqa_toy_heads_read_their_group_key_value_head():
    out = result("gqa-cache", seed=3)
    q, k, v = out["toy_q"], out["toy_k"], out["toy_v"]
    group = len(q) // len(k)
    for head in range(len(q)):
        for t in range(len(q[head])):
            expected = attend(q[head][t], k[head // group], v[head // group])
            assert close(out["toy_output"][head][t], expected)


def test_gqa_cache_user_shape_and_bad_group():
    params = {"layers": 32, "query_heads": 32, "kv_heads": 4, "head_dim": 128, "tokens": 1000, "bytes_per_value": 1}
    out = result("gqa-cache", params)
    assert out["bytes_per_token"]["GQA"] == 2 * 32 * 4 * 128 * 1
    assert out["cache_gib"]["MHA"] == pytest.approx(2 * 32 * 32 * 128 * 1000 / 2**30)
    assert out["saving_factor"] == 8
    with pytest.raises(DemoInputError, match="multiple of kv_heads"):
        run_demo("gqa-cache", {"query_heads": 32, "kv_heads": 3})


# flash-tiles


def test_flash_tiles_equal_plain_attention_and_running_state():
    out = result("flash-tiles", {"n": 7, "block": 2, "seq_len": 1024, "head_dim": 128, "sram": 65536})
    q, k, v = out["q"], out["k"], out["v"]
    expected = [attend(row, k, v) for row in q]
    assert close(out["full"], expected) and close(out["tiled"], expected)
    scores = [sum(a * b for a, b in zip(q[0], key, strict=True)) / 2 for key in k]
    for b, (m, running) in enumerate(out["history"]):
        seen = scores[: 2 * (b + 1)]
        assert m == pytest.approx(max(seen))
        assert running == pytest.approx(sum(math.exp(s - max(seen)) for s in seen))
    tile = 65536 // (4 * 128)
    assert out["tile_rows"] == tile
    assert out["traffic_standard"] == 4 * 1024 * 128 + 4 * 1024 * 1024
    assert out["traffic_tiled"] == 2 * 1024 * 128 + math.ceil(1024 / tile) * 2 * 1024 * 128 + 2 * 1024


def test_flash_tiles_rejects_tiny_sram():
    with pytest.raises(DemoInputError, match="sram"):
        run_demo("flash-tiles", {"head_dim": 512, "sram": 1000})


# rope-scaling


def test_rope_scaling_counts_and_ntk_endpoints():
    out = result("rope-scaling")
    dim, base, train, s = 128, 10000.0, 4096, 4.0
    theta = [base ** (-2 * i / dim) for i in range(dim // 2)]
    assert close(out["theta"], theta)
    partial = [i for i in range(dim // 2) if train * theta[i] < 2 * math.pi]
    assert out["partial_pairs"] == len(partial) == 18
    assert out["unseen_pairs"] == {"no scaling": 18, "interpolation": 0, "NTK-aware": 17}
    # NTK-aware scaling keeps the fastest pair and slows the slowest one by exactly the extension factor.
    assert out["ntk_theta"][0] == pytest.approx(1.0)
    assert out["ntk_theta"][-1] == pytest.approx(theta[-1] / s)
    assert close(out["pi_theta"], [t / s for t in theta])


def test_rope_scaling_user_base_and_bad_lengths():
    out = result("rope-scaling", {"head_dim": 64, "base": 500000, "train_len": 8192, "target_len": 32768})
    theta = [500000 ** (-2 * i / 64) for i in range(32)]
    assert out["partial_pairs"] == sum(1 for t in theta if 8192 * t < 2 * math.pi)
    assert out["ntk_base"] == pytest.approx(500000 * 4 ** (64 / 62))
    with pytest.raises(DemoInputError, match="exceed"):
        run_demo("rope-scaling", {"train_len": 4096, "target_len": 4096})
    with pytest.raises(DemoInputError, match="even"):
        run_demo("rope-scaling", {"head_dim": 63})


# alibi-bias


def test_alibi_slopes_and_recency_weights():
    out = result("alibi-bias")
    assert close(out["slopes"], [2.0**-k for k in range(1, 9)])
    n = 8
    for head, m in enumerate(out["slopes"]):
        expected = softmax([-m * (n - 1 - j) for j in range(n)])
        assert close(out["weights_last_query"][head], expected)


def test_alibi_with_user_scores_and_bad_heads():
    scores = random_grid(5, 4, 4, 1.0)
    out = result("alibi-bias", {"heads": 4, "n": 4, "scores": scores})
    slopes = [2.0 ** (-8 * k / 4) for k in range(1, 5)]
    for head, m in enumerate(slopes):
        expected = softmax([scores[3][j] - m * (3 - j) for j in range(4)])
        assert close(out["weights_last_query"][head], expected)
    with pytest.raises(DemoInputError, match="power of two"):
        run_demo("alibi-bias", {"heads": 6})


# sliding-window


@pytest.mark.parametrize("n, window, layers", [(24, 4, 6), (10, 3, 8), (7, 7, 2)])
def test_sliding_window_reach_grows_by_w_minus_1(n, window, layers):
    out = result("sliding-window", {"n": n, "window": window, "layers": layers})
    assert out["reach_by_layer"] == [min(n, depth * (window - 1) + 1) for depth in range(1, layers + 1)]
    for i in range(n):
        assert out["mask"][i] == [1 if 0 <= i - j < window else 0 for j in range(n)]
    assert out["slots"] == [i % window for i in range(n)] and out["cache_entries"] == min(n, window)


def test_sliding_window_rejects_window_longer_than_sequence():
    with pytest.raises(DemoInputError, match="window"):
        run_demo("sliding-window", {"n": 4, "window": 5})


# pre-post-norm


def plain_layer_norm(x, eps=1e-5):
    mean = sum(x) / len(x)
    var = sum((v - mean) ** 2 for v in x) / len(x)
    return [(v - mean) / math.sqrt(var + eps) for v in x]


def test_pre_and_post_norm_match_plain_loops():
    weights = [random_grid(10 + i, 4, 4, 0.5) for i in range(3)]
    x = [1.0, -2.0, 0.5, 3.0]
    out = result("pre-post-norm", {"depth": 3, "width": 4, "weights": weights, "x": x})
    pre, post = list(x), list(x)
    for i, w in enumerate(weights):
        branch = matvec(w, plain_layer_norm(pre))
        norm_pre = math.sqrt(sum(v * v for v in pre))
        assert out["pre_relative_update"][i] == pytest.approx(math.sqrt(sum(b * b for b in branch)) / norm_pre)
        pre = [a + b for a, b in zip(pre, branch, strict=True)]
        post = plain_layer_norm([a + b for a, b in zip(post, matvec(w, post), strict=True)])
        assert out["pre_norms"][i] == pytest.approx(math.sqrt(sum(v * v for v in pre)))
        assert out["post_norms"][i] == pytest.approx(math.sqrt(sum(v * v for v in post)))


def test_pre_norm_stream_grows_while_post_norm_stays_at_root_width():
    out = result("pre-post-norm", seed=1)
    assert all(v == pytest.approx(math.sqrt(32), rel=1e-4) for v in out["post_norms"])
    assert out["pre_norms"][-1] > 3 * out["pre_norms"][0]
    with pytest.raises(DemoInputError, match="weights must have shape"):
        run_demo("pre-post-norm", {"depth": 2, "width": 3, "weights": [[[1.0]]]})


# rmsnorm-invariance


def test_rmsnorm_and_layernorm_invariances():
    x = [1.0, 2.0, -0.5, 4.0]
    out = result("rmsnorm-invariance", {"x": x, "shift": 2.0, "scale": 3.0})
    rms = math.sqrt(sum(v * v for v in x) / 4)
    assert close(out["rms_norm"][0], [v / rms for v in x])
    assert close(out["layer_norm"][0], plain_layer_norm(x, 0.0))
    shifted = [v + 2.0 for v in x]
    rms_shifted = math.sqrt(sum(v * v for v in shifted) / 4)
    assert close(out["rms_norm"][1], [v / rms_shifted for v in shifted])
    assert close(out["layer_norm"][1], out["layer_norm"][0])  # LayerNorm ignores the shift
    assert close(out["rms_norm"][2], out["rms_norm"][0])  # both ignore scaling
    assert close(out["layer_norm"][2], out["layer_norm"][0])
    assert out["shift_change_rms"] > 0.1
    with pytest.raises(DemoInputError, match="scale"):
        run_demo("rmsnorm-invariance", {"scale": 0})


# swiglu-ffn


def test_swiglu_widths_of_llama_models_and_forward_pass():
    assert result("swiglu-ffn")["hidden"] == 11008  # LLaMA-7B
    out = result("swiglu-ffn", {"d_model": 5120}, seed=2)
    assert out["hidden"] == 13824  # LLaMA-13B
    assert out["params_swiglu"] == 3 * 5120 * 13824 and out["params_mlp"] == 8 * 5120 * 5120
    x, w, v, w2 = out["x"], out["w"], out["v"], out["w2"]
    hidden = []
    for j in range(6):
        a = sum(x[i] * w[i][j] for i in range(4))
        b = sum(x[i] * v[i][j] for i in range(4))
        hidden.append(a / (1 + math.exp(-a)) * b)
    assert close(out["output"], [sum(hidden[j] * w2[j][c] for j in range(6)) for c in range(4)])
    with pytest.raises(DemoInputError, match="d_model"):
        run_demo("swiglu-ffn", {"d_model": 0})


# decoder-params


def test_decoder_params_gpt2_small_is_124m():
    out = result("decoder-params", {"d_model": 768, "layers": 12, "vocab": 50257, "context": 1024, "tied": 1})
    assert out["counts"]["total"] == 124_439_808  # the published GPT-2 small count
    assert out["embedding_share"] == pytest.approx(50257 * 768 / 124_439_808)


def test_decoder_params_gpt3_and_flops():
    out = result("decoder-params")
    assert out["approx_12ld2"] == 12 * 96 * 12288**2
    assert out["counts"]["total"] / 1e9 == pytest.approx(174.6, abs=0.1)  # close to the quoted 175B
    matmul = 96 * 12 * 12288**2 + 50257 * 12288
    assert out["forward_flops"] == 2 * matmul + 4 * 96 * 2048 * 12288
    out = result("decoder-params", {"position": 10, "tied": 0, "context": 100, "d_model": 64, "layers": 2, "vocab": 10})
    assert out["counts"]["total"] == 2 * (4 * 64 * 64 + 4 * 64 + 8 * 64 * 64 + 5 * 64 + 4 * 64) + 2 * 640 + 6400 + 128
    assert out["attention_flops"] == 4 * 2 * 10 * 64
    with pytest.raises(DemoInputError, match="position"):
        run_demo("decoder-params", {"context": 100, "position": 200})


# decode-mask


def test_decode_mask_single_token_needs_none_and_chunk_needs_triangle():
    out = result("decode-mask", {"prompt": 4, "new": 3})
    assert out["step_difference"] < 1e-12 and out["chunk_masked_difference"] < 1e-12
    assert out["chunk_unmasked_difference"] > 1e-6
    assert out["chunk_mask"] == [[1 if j <= 4 + i else 0 for j in range(7)] for i in range(3)]
    with pytest.raises(DemoInputError, match="new"):
        run_demo("decode-mask", {"new": 1})


# moe-routing


def test_moe_routing_matches_loops():
    logits = random_grid(8, 12, 4, 1.0)
    out = result("moe-routing", {"logits": logits, "k": 2, "alpha": 0.01})
    counts = [0] * 4
    for t, row in enumerate(logits):
        order = sorted(range(4), key=lambda e: (-row[e], e))[:2]
        assert out["chosen"][t] == order
        assert close(out["gates"][t], softmax([row[e] for e in order]))
        for e in order:
            counts[e] += 1
    assert out["counts"] == counts
    f = [c / 24 for c in counts]
    P = [sum(softmax(row)[e] for row in logits) / 12 for e in range(4)]
    assert close(out["f"], f) and close(out["P"], P)
    assert out["aux_loss"] == pytest.approx(0.01 * 4 * sum(a * b for a, b in zip(f, P, strict=True)))


def test_moe_balance_loss_is_alpha_when_routing_is_even():
    logits = [[5.0 if e == t else 0.0 for e in range(4)] for t in range(4)]
    out = result("moe-routing", {"logits": logits, "k": 1, "alpha": 0.02})
    assert out["aux_loss"] == pytest.approx(0.02)
    assert out["aux_loss_skewed"] > 0.02
    with pytest.raises(DemoInputError, match="columns"):
        run_demo("moe-routing", {"logits": [[1.0]]})


# moe-capacity


def test_moe_capacity_first_come_first_served():
    logits = random_grid(4, 20, 4, 1.0)
    out = result("moe-capacity", {"logits": logits, "k": 1, "capacity_factor": 1.0, "devices": 2})
    capacity = math.ceil(20 / 4)
    load, accepted = [0] * 4, []
    for row in logits:
        e = max(range(4), key=lambda i: (row[i], -i))
        ok = load[e] < capacity
        load[e] += ok
        accepted.append(ok)
    assert out["capacity"] == capacity and out["load"] == load
    assert out["dropped_tokens"] == accepted.count(False)
    assert out["per_device"] == [load[0] + load[1], load[2] + load[3]]
    assert out["drop_share"][out["factors"].index(1.0)] == pytest.approx(accepted.count(False) / 20)
    with pytest.raises(DemoInputError, match="split evenly"):
        run_demo("moe-capacity", {"experts": 8, "devices": 3})


# moe-params


def test_moe_params_mixtral_totals():
    out = result("moe-params")
    assert out["expert"] == 3 * 4096 * 14336
    assert out["total"] / 1e9 == pytest.approx(46.7, abs=0.05)  # Mixtral 8x7B: about 46.7B parameters
    assert out["active"] / 1e9 == pytest.approx(12.9, abs=0.05)  # and about 12.9B used per token
    assert out["memory_gb"] == pytest.approx(out["total"] * 2 / 1e9)
    dense = result("moe-params", {"experts": 1, "k": 1})
    assert dense["total"] == dense["active"]
    with pytest.raises(DemoInputError, match="multiple of query_heads"):
        run_demo("moe-params", {"d_model": 100, "query_heads": 32})
