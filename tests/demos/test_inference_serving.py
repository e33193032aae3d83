"""Demos of the inference-serving topic, each checked against an independent computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import close, result

# kv-cache-budget


def test_kv_cache_budget_llama_2_70b():
    out = result("kv-cache-budget")
    assert out["bytes_per_token"] == 327_680  # 2·80·8·128·2
    assert out["gib_per_sequence"] == pytest.approx(1.25) and out["batch_cache_gib"] == pytest.approx(10.0)
    weights = 70e9 * 2 / 2**30
    assert out["weights_gib"] == pytest.approx(weights)
    assert out["max_batch"] == math.floor((160 - weights) / 1.25) == 23


def test_kv_cache_budget_user_model_and_bad_memory():
    params = {"layers": 32, "kv_heads": 32, "head_dim": 128, "context": 2048, "batch": 4, "params_billion": 7}
    out = result("kv-cache-budget", {**params, "gpu_gib": 24})
    assert out["bytes_per_token"] == 2 * 32 * 32 * 128 * 2
    assert out["gib_per_sequence"] == pytest.approx(1.0)
    assert out["max_batch"] == math.floor(24 - 7e9 * 2 / 2**30)
    assert result("kv-cache-budget", {**params, "gpu_gib": 10})["max_batch"] == 0
    with pytest.raises(DemoInputError, match="gpu_gib"):
        run_demo("kv-cache-budget", {"gpu_gib": 0})


# decode-roofline


def test_decode_roofline_memory_then_compute_bound():
    out = result("decode-roofline", {"batches": [1, 64, 150, 300]})
    for b, step, rate in zip([1, 64, 150, 300], out["step_seconds"], out["tokens_per_second"], strict=True):
        expected = max(7e9 * 2 / 2e12, 2 * 7e9 * b / 300e12)
        assert step == pytest.approx(expected) and rate == pytest.approx(b / expected)
    assert out["single_tokens_per_second"] == pytest.approx(1 / 0.007)
    assert out["ridge_batch"] == pytest.approx(150)
    assert out["prefill_seconds"] == pytest.approx(2 * 7e9 * 1000 / 300e12)
    with pytest.raises(DemoInputError, match="batches"):
        run_demo("decode-roofline", {"batches": [0, 4]})


# continuous-batching


def simulate(lengths, slots, continuous):
    """Step-by-step server: each step every busy slot emits one token; free slots are refilled from the queue
    at every step (continuous) or only when the whole batch is empty (static)."""
    queue, busy, finish, step = list(range(len(lengths))), {}, [0] * len(lengths), 0
    while queue or busy:
        if continuous or not busy:
            while queue and len(busy) < slots:
                request = queue.pop(0)
                busy[request] = lengths[request]
        step += 1
        for request in list(busy):
            busy[request] -= 1
            if busy[request] == 0:
                finish[request] = step
                del busy[request]
    return finish


def test_continuous_batching_matches_a_step_simulation():
    lengths = [5, 30, 3, 8, 12, 2, 25, 6, 9, 4]
    out = result("continuous-batching", {"lengths": lengths, "slots": 3})
    for name, continuous in (("static", False), ("continuous", True)):
        finish = simulate(lengths, 3, continuous)
        assert out[name]["finish"] == finish
        assert out[name]["steps"] == max(finish)
        assert out[name]["utilisation"] == pytest.approx(sum(lengths) / (3 * max(finish)))
    assert out["continuous"]["steps"] < out["static"]["steps"]
    with pytest.raises(DemoInputError, match="lengths"):
        run_demo("continuous-batching", {"lengths": [3, 0]})


# paged-kv


def test_paged_kv_blocks_and_sharing():
    out = result("paged-kv", {"lengths": [100, 17, 16], "max_len": 512, "block": 16, "samples": 3, "prompt": 40,
                              "generated": 10})
    assert out["used"] == 133 and out["reserved"] == 3 * 512
    assert out["blocks"] == [7, 2, 1] and out["paged"] == 16 * 10
    assert out["blocks_unshared"] == 3 * math.ceil(50 / 16)
    assert out["blocks_shared"] == 2 + 3 * math.ceil((8 + 10) / 16)  # 2 full prompt blocks shared, 8 tokens copied
    with pytest.raises(DemoInputError, match="max_len"):
        run_demo("paged-kv", {"lengths": [600], "max_len": 512})


# speculative-sampling


def test_speculative_sampling_emits_the_target_distribution():
    p, q = [0.1, 0.6, 0.3], [0.5, 0.25, 0.25]
    out = result("speculative-sampling", {"p": p, "q": q, "samples": 50000})
    assert close(out["accept"], [min(1, a / b) for a, b in zip(p, q, strict=True)])
    residual = [max(0.0, a - b) for a, b in zip(p, q, strict=True)]
    assert close(out["residual"], [r / sum(residual) for r in residual])
    assert out["acceptance_rate"] == pytest.approx(sum(min(a, b) for a, b in zip(p, q, strict=True)))
    assert close(out["output"], p)
    assert max(abs(a - b) for a, b in zip(out["empirical"], p, strict=True)) < 0.015
    assert max(abs(a - b) for a, b in zip(out["wrong_rule_output"], p, strict=True)) > 0.05
    with pytest.raises(DemoInputError, match="same tokens"):
        run_demo("speculative-sampling", {"p": [0.5, 0.5], "q": [0.2, 0.3, 0.5]})


# speculative-speedup


def test_speculative_speedup_formula_and_simulation():
    out = result("speculative-speedup", {"rounds": 40000})
    series = sum(0.8**i for i in range(5))
    assert out["expected"] == pytest.approx(series) == pytest.approx(3.3616)
    assert out["simulated"] == pytest.approx(series, abs=0.03)
    speedups = [sum(0.8**i for i in range(k + 1)) / (0.05 * k + 1) for k in range(1, 13)]
    assert close(out["speedup"], speedups)
    assert out["best_k"] == 1 + speedups.index(max(speedups))
    assert result("speculative-speedup", {"alpha": 1.0, "k": 3})["expected"] == 4
    with pytest.raises(DemoInputError, match="alpha"):
        run_demo("speculative-speedup", {"alpha": 1.5})


# sampling-filters


def test_sampling_filters_bank_example():
    out = result("sampling-filters")
    assert close(out["probs"], [0.5, 0.2, 0.15, 0.1, 0.05], tol=1e-4)
    assert out["top_p_kept"] == 3
    assert close(out["top_p_probs"], [0.5 / 0.85, 0.2 / 0.85, 0.15 / 0.85, 0, 0], tol=1e-4)
    assert close(out["top_k_probs"], [0.5 / 0.7, 0.2 / 0.7, 0, 0, 0], tol=1e-4)


def test_sampling_filters_temperature_and_bad_k():
    out = result("sampling-filters", {"logits": [2, 1, 0], "temperature": 0.5, "top_k": 1, "top_p": 0.9})
    exps = [math.exp(4), math.exp(2), 1.0]
    assert close(out["probs"], [e / sum(exps) for e in exps])
    assert out["top_k_probs"] == [1.0, 0.0, 0.0]
    assert out["top_p_kept"] == 2  # 0.867 + 0.117 first reaches 0.9
    with pytest.raises(DemoInputError, match="top_k"):
        run_demo("sampling-filters", {"logits": [1, 2], "top_k": 3})


# repetition-penalty


def test_repetition_penalty_paths():
    out = result("repetition-penalty", {"steps": 8, "penalty": 1.2, "frequency": 0.3})
    tokens = out["tokens"]
    assert tokens["greedy"] == [0, 1, 2, 3, 0, 1, 2, 3, 0]  # the cat sat on the cat sat on the
    # With the penalty, "cat" (2.0 / 1.2 = 1.67) loses to the unseen "mat" (1.8) after the second "the".
    assert tokens["CTRL penalty 1.2"][:9] == [0, 1, 2, 3, 0, 4, 5, 6, 7]
    pairs = list(zip(tokens["greedy"], tokens["greedy"][1:], strict=False))
    assert out["distinct_share"]["greedy"] == pytest.approx(len(set(pairs)) / len(pairs))
    with pytest.raises(DemoInputError, match="penalty"):
        run_demo("repetition-penalty", {"penalty": 0.5})


# quantization demos


def test_group_quantization_memory_and_group_effect():
    out = result("group-quantization", {"params_billion": 7, "group": 64})
    gb = list(out["gigabytes"].values())
    assert close(gb, [14.0, 7.0, 3.5, 7 * (4 + 16 / 64) / 8])
    errors = out["errors"]
    assert errors["groups of 8"] < errors["groups of 128"] < errors["per row"] < errors["per tensor"]
    with pytest.raises(DemoInputError, match="multiple of 8"):
        run_demo("group-quantization", {"cols": 100})


def obs_quantize(W, X, bits, damp=0.01):
    """Sequential optimal-brain-surgeon updates with an explicitly shrunk inverse Hessian (no Cholesky)."""
    levels = 2 ** (bits - 1) - 1
    scale = np.abs(W).max(axis=1) / levels
    H = 2 * X @ X.T
    H += damp * np.mean(np.diag(H)) * np.eye(len(H))
    Hinv = np.linalg.inv(H)
    work, done = W.copy(), []
    for j in range(W.shape[1]):
        q = np.clip(np.round(work[:, j] / scale), -levels, levels) * scale
        err = (work[:, j] - q) / Hinv[0, 0]
        work[:, j:] -= np.outer(err, Hinv[0])
        done.append(q)
        Hinv = Hinv[1:, 1:] - np.outer(Hinv[1:, 0], Hinv[0, 1:]) / Hinv[0, 0]  # remove column j
    return np.array(done).T


def test_gptq_matches_sequential_obs_and_beats_rounding():
    small = result("gptq-compensation", {"rows": 4, "cols": 6, "samples": 64, "bits": 2}, seed=4)
    assert close(small["gptq"], obs_quantize(np.array(small["w"]), np.array(small["x"]), 2), tol=1e-8)
    out = result("gptq-compensation")
    assert close(out["gptq"], obs_quantize(np.array(out["w"]), np.array(out["x"]), 3), tol=1e-8)
    assert out["output_error"]["GPTQ"] < 0.9 * out["output_error"]["round to nearest"]
    with pytest.raises(DemoInputError, match="bits"):
        run_demo("gptq-compensation", {"bits": 1})


def test_awq_scaling_helps_salient_channels():
    out = result("awq-scaling")
    assert out["alphas"] == [round(0.1 * i, 1) for i in range(11)]
    assert out["best_alpha"] > 0 and min(out["errors"]) < 0.9 * out["errors"][0]
    assert out["mixed_precision_error"] < out["errors"][0]
    with pytest.raises(DemoInputError, match="divide"):
        run_demo("awq-scaling", {"cols": 128, "group": 48})


def test_int8_outliers_decomposition():
    out = result("int8-outliers")
    assert out["outlier_dims"] == [0, 1] and out["share_16bit"] == pytest.approx(2 / 64)
    errors = out["errors"]
    assert errors["vector-wise + 16-bit outliers"] < 0.25 * errors["vector-wise"]
    quiet = result("int8-outliers", {"outlier_dims": 0})
    assert quiet["outlier_dims"] == []
    with pytest.raises(DemoInputError, match="magnitude"):
        run_demo("int8-outliers", {"magnitude": 0.5})


def test_fp8_vs_int8_errors_by_distribution():
    out = result("fp8-vs-int8")
    assert out["grid_size"] == 127 and out["largest"] == 448
    assert out["int8_error"]["uniform"] < out["fp8_error"]["uniform"]
    heavy = "heavy-tailed (Student t, 3 dof)"
    assert out["fp8_error"][heavy] < out["int8_error"][heavy]
    with pytest.raises(DemoInputError, match="samples"):
        run_demo("fp8-vs-int8", {"samples": 5})


def test_kv_quantization_per_channel_keys():
    out = result("kv-quantization")
    assert out["key_error"]["per channel"] < 0.5 * out["key_error"]["per token"]
    outputs = list(out["output_error"].values())
    assert outputs[1] < outputs[0] and out["compression"] == 4
    plain = result("kv-quantization", {"outlier_channels": 0, "bits": 8})
    assert plain["compression"] == 2 and plain["key_error"]["per token"] < 0.02
    with pytest.raises(DemoInputError, match="bits"):
        run_demo("kv-quantization", {"bits": 16})
