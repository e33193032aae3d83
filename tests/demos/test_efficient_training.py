"""Demos of the efficient-training topic, each checked against an independent computation."""

from __future__ import annotations

import math
import struct

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import decode_fp8, gelu


@pytest.mark.parametrize(("gpus", "size"), [(4, 12), (3, 10), (8, 64), (2, 1)])
def test_ring_all_reduce_sums_and_sends_2_n_minus_1_over_n(gpus, size):
    result = run_demo("ring-all-reduce", {"gpus": gpus, "size": size}, seed=gpus).result
    columns = [sum(row[j] for row in result["buffers"]) for j in range(size)]
    assert all(row == pytest.approx(columns) for row in result["result"])
    chunks = [size // gpus + (1 if i < size % gpus else 0) for i in range(gpus)]  # numpy's array_split sizes
    for i, sent in enumerate(result["sent"]):  # GPU i forwards every chunk except one in each phase
        assert sent == 2 * sum(chunks) - chunks[(i + 1) % gpus] - chunks[(i + 2) % gpus]
    if size % gpus == 0:
        assert result["sent"] == [2 * (gpus - 1) * size // gpus] * gpus
    with pytest.raises(DemoInputError):
        run_demo("ring-all-reduce", {"gpus": 1}, seed=0)


def test_tensor_parallel_mlp_matches_a_plain_loop_and_the_row_split_does_not():
    result = run_demo("tensor-parallel", {"gpus": 2, "tokens": 2, "width": 4, "heads": 2}, seed=5).result
    X, A, B = result["x"], result["a"], result["b"]
    hidden = [[gelu(sum(x[i] * A[i][j] for i in range(4))) for j in range(16)] for x in X]
    Y = [[sum(h[j] * B[j][c] for j in range(16)) for c in range(4)] for h in hidden]
    for row, want in zip(result["y"], Y, strict=True):
        assert row == pytest.approx(want)
    assert result["mlp_error"] < 1e-12
    assert result["attention_error"] < 1e-12
    assert result["row_split_error"] > 1e-3
    with pytest.raises(DemoInputError):
        run_demo("tensor-parallel", {"gpus": 3, "heads": 4}, seed=0)


@pytest.mark.parametrize(("stages", "micro", "backward"), [(4, 6, 2), (2, 1, 1), (8, 32, 3)])
def test_pipeline_bubble_counted_matches_the_formula(stages, micro, backward):
    params = {"stages": stages, "micro_batches": micro, "backward": backward}
    result = run_demo("pipeline-schedule", params, seed=0).result
    grid = result["grid"]
    busy = [sum(1 for v in row if v) for row in grid]
    assert busy == [micro * (1 + backward)] * stages  # each stage does every forward and backward once
    assert len(grid[0]) == (micro + stages - 1) * (1 + backward)
    assert result["bubble"] == pytest.approx((stages - 1) / (micro + stages - 1))
    for s in range(stages):
        assert grid[s][s] == 1  # micro-batch 1 reaches stage s at slot s
    needed = next(m for m in range(1, 1000) if (stages - 1) / (m + stages - 1) < 0.1)
    assert result["needed_for_10_percent"] == (needed if needed <= 128 else None)


def test_zero_memory_matches_the_paper_example_and_sharded_update_equals_plain():
    result = run_demo("zero-memory", {"params": 7.5, "gpus": 64}, seed=1).result
    gb = [v / 1e9 for v in result["per_gpu_bytes"]]
    assert gb == pytest.approx([120, 31.40625, 16.640625, 1.875])
    weights, grads = result["weights"], result["grads"]
    by_hand = [w - 0.1 * sum(g[i] for g in grads) / 4 for i, w in enumerate(weights)]
    assert result["sharded"] == pytest.approx(by_hand)
    assert result["plain"] == pytest.approx(by_hand)
    with pytest.raises(DemoInputError):
        run_demo("zero-memory", {"gpus": 0}, seed=0)


def test_parallel_layout_groups_and_node_crossings():
    result = run_demo("parallel-layout", {"tp": 4, "pp": 2, "dp": 2, "node": 8, "params": 20}, seed=0).result
    ranks = [r for a in result["ranks"] for b in a for r in b]
    assert ranks == list(range(16))
    # tensor groups are 4 consecutive ranks: inside a node; data groups pair rank r with r + 8: across nodes
    assert result["crossing"] == {"tensor": 0, "pipeline": 0, "data": 8}
    assert result["memory_gb"] == pytest.approx([16 * 20 / 8, (4 + 12 / 2) * 20 / 8])
    spread = run_demo("parallel-layout", {"tp": 8, "pp": 1, "dp": 2, "node": 4}, seed=0).result
    assert spread["crossing"]["tensor"] == 2
    with pytest.raises(DemoInputError):
        run_demo("parallel-layout", {"tp": 64, "pp": 64, "dp": 2}, seed=0)


def test_gradient_accumulation_by_hand():
    result = run_demo("gradient-accumulation", {"batch": 6, "micro": 3, "lengths": [2, 8, 1, 5]}, seed=7).result
    X, y, w = result["x"], result["y"], result["w"]

    def grad(rows):
        g = [0.0, 0.0, 0.0]
        for r in rows:
            err = sum(X[r][j] * w[j] for j in range(3)) - y[r]
            for j in range(3):
                g[j] += 2 * err * X[r][j] / len(rows)
        return g

    assert result["full"] == pytest.approx(grad(range(6)))
    assert result["accumulated"] == pytest.approx(grad(range(6)))
    assert result["unscaled"] == pytest.approx([2 * v for v in grad(range(6))])
    losses = result["token_losses"]
    tokens = [v for seq in losses for v in seq]
    assert result["token_mean"] == pytest.approx(sum(tokens) / len(tokens))
    assert result["corrected"] == pytest.approx(sum(tokens) / len(tokens))
    pair_means = [sum(losses[0] + losses[1]) / 10, sum(losses[2] + losses[3]) / 6]
    assert result["mean_of_means"] == pytest.approx(sum(pair_means) / 2)
    with pytest.raises(DemoInputError):
        run_demo("gradient-accumulation", {"batch": 6, "micro": 4}, seed=0)


@pytest.mark.parametrize(("layers", "segment"), [(16, 4), (10, 3), (9, 9), (5, 1)])
def test_checkpointing_keeps_the_gradient_and_its_memory_formula(layers, segment):
    result = run_demo("activation-checkpointing", {"layers": layers, "segment": segment}, seed=layers).result
    assert result["grad"] == pytest.approx(result["stored_grad"], abs=1e-12)
    checkpoints = math.ceil(layers / segment)
    assert result["peak"] == checkpoints + min(segment, layers) - 1
    assert result["stored_peak"] == layers
    last = layers - (checkpoints - 1) * segment
    assert result["recomputed"] == (checkpoints - 1) * (segment - 1) + last - 1


def test_checkpointed_gradient_matches_finite_differences():
    import numpy as np

    from quizprep.demos.efficient_training import chain_backward

    rng = np.random.default_rng(0)
    weights = rng.normal(0, 0.5, size=(6, 3, 3))
    x0 = rng.normal(size=3)

    def loss(x):
        for W in weights:
            x = [math.tanh(sum(W[i][j] * x[j] for j in range(3))) for i in range(3)]
        return 0.5 * sum(v * v for v in x)

    numeric = [(loss(list(x0 + e)) - loss(list(x0 - e))) / 2e-6 for e in np.eye(3) * 1e-6]
    assert list(chain_backward(x0, weights, 2)[0]) == pytest.approx(numeric, abs=1e-6)


def test_training_memory_formulas():
    params = {"params": 10, "layers": 2, "hidden": 100, "heads": 4, "seq": 50, "batch": 2, "tp": 4}
    result = run_demo("training-memory", params, seed=0).result
    assert result["states_bytes"] == 16 * 10e9
    sbh = 50 * 2 * 100
    per_layer = result["activation_bytes_per_layer"]
    assert per_layer["no parallelism"] == pytest.approx(sbh * (34 + 5 * 4 * 50 / 100))
    assert per_layer["tensor parallel 4"] == pytest.approx(sbh * (10 + 24 / 4 + 5 * 4 * 50 / (100 * 4)))
    assert per_layer["tensor + sequence parallel 4"] == pytest.approx(sbh * (34 + 10) / 4)
    assert per_layer["full recomputation"] == 2 * sbh
    gpt3 = run_demo("training-memory", {}, seed=0).result["activation_bytes_per_layer"]["no parallelism"]
    assert gpt3 * 96 / 1e9 == pytest.approx(275.4, abs=0.1)  # the figure the bank's answer quotes


def bfloat16_by_hand(x: float) -> float:
    """Round to 8 significant bits, ties to even, via frexp (bfloat16's normal range)."""
    if x == 0:
        return 0.0
    mantissa, exponent = math.frexp(x)  # x = mantissa · 2^exponent, 0.5 <= |mantissa| < 1
    scaled = mantissa * 2**8
    return round(scaled) / 2**8 * 2.0**exponent  # Python's round is half-to-even


def test_float_formats_against_struct_and_frexp():
    values = [1.003, 3.14159, 0.1, 300.5, 1e-8, 70000.0, 1 + 2**-8]
    result = run_demo("float-formats", {"values": values}, seed=0).result
    for v, half, bf in zip(values, result["float16"], result["bfloat16"], strict=True):
        try:
            expected_half = struct.unpack("e", struct.pack("e", v))[0]
        except OverflowError:
            expected_half = None  # too large for float16: numpy gives inf, reported as None
        assert half == (pytest.approx(expected_half) if expected_half is not None else None)
        assert bf == pytest.approx(bfloat16_by_hand(struct.unpack("f", struct.pack("f", v))[0]), rel=1e-12)
    assert result["bfloat16"][-1] == 1.0  # exactly half-way between 1 and 1 + 2^-7: ties go to the even 1
    assert result["facts"]["bfloat16"][0] == pytest.approx(3.3895e38, rel=1e-4)
    with pytest.raises(DemoInputError):
        run_demo("float-formats", {"values": [1e39]}, seed=0)


def test_fp8_grids_from_bit_patterns():
    result = run_demo("fp8-scaling", {}, seed=0).result
    e4m3 = sorted(decode_fp8(b, 4) for b in range(127))  # 0x7F is E4M3's NaN
    e5m2 = sorted(decode_fp8(b, 5) for b in range(124))  # 0x7C and above are infinities and NaNs
    assert result["e4m3_max"] == e4m3[-1] == 448
    assert result["e5m2_max"] == e5m2[-1] == 57344
    assert result["e4m3_min"] == e4m3[1] == 2.0**-9
    assert result["e5m2_min"] == e5m2[1] == 2.0**-16


def test_fp8_block_scaling_flushes_fewer_values():
    result = run_demo("fp8-scaling", {"outlier": 1000.0, "scale": 1e-3, "block": 8}, seed=3).result
    zeros = result["zeros"]
    assert zeros["one scale per block of 8"] < zeros["no scaling"]
    assert zeros["one scale per block of 8"] < zeros["one scale per tensor"]
    with pytest.raises(DemoInputError):
        run_demo("fp8-scaling", {"block": 0}, seed=0)


def test_comm_overlap_by_hand():
    compute, sizes = [2.0, 1.0, 4.0], [30.0, 10.0, 20.0]
    result = run_demo("comm-overlap", {"compute": compute, "sizes": sizes, "bandwidth": 10.0, "bucket": 25.0}).result
    # Backward: layer 3 ends at 4 ms (20 MB, bucket not full), layer 2 at 5 ms (30 MB: full, sent 5 -> 11),
    # layer 1 at 7 ms (30 MB, last bucket, waits for the link: 11 -> 17).
    assert result["buckets"] == [[5.0, 5.0, 11.0], [7.0, 11.0, 17.0]]
    assert result["overlapped"] == 17.0
    assert result["serial"] == 7.0 + 2 * 60 / 10
    with pytest.raises(DemoInputError):
        run_demo("comm-overlap", {"compute": [1.0, 2.0], "sizes": [1.0]}, seed=0)


def test_mfu_and_training_days():
    params = {"params": 7, "tokens_per_second": 1e6, "gpus": 256, "peak": 989, "tokens": 2000}
    result = run_demo("mfu-estimate", params, seed=0).result
    assert result["mfu"] == pytest.approx(6 * 7e9 * 1e6 / (256 * 989e12))
    assert result["hfu"] == pytest.approx(result["mfu"] * 8 / 6)
    assert result["days"] == pytest.approx(2e12 / 1e6 / 86400)
    assert result["gpu_hours"] == pytest.approx(2e12 / 1e6 * 256 / 3600)
    with pytest.raises(DemoInputError):
        run_demo("mfu-estimate", {"gpus": 0}, seed=0)
