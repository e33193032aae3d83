"""CNN arithmetic, attention and transformer demos and drills (issue 9), each against an independent computation:
plain-Python loops, closed forms, explicit matrices, complex-number identities and a separate BPE implementation."""

from __future__ import annotations

import cmath
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.catalog_architectures import DEMOS as AREA_DEMOS
from quizprep.demos.framework import DemoInputError

BANK_TOPICS = {p.stem for p in (Path(__file__).resolve().parent.parent / "question_bank").glob("*.yaml")}


def result(name, params=None, seed=0):
    return run_demo(name, params or {}, seed).result


def close(actual, expected, tol=1e-9) -> bool:
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    return a.shape == e.shape and np.allclose(a, e, atol=tol, rtol=0)


# ---------------------------------------------------------------- plain-Python references


def loop_dilated_conv(image, kernel, stride, padding, dilation):
    h, w = len(image), len(image[0])
    kh, kw = len(kernel), len(kernel[0])

    def pixel(r, c):
        r, c = r - padding, c - padding
        return image[r][c] if 0 <= r < h and 0 <= c < w else 0.0

    span_h, span_w = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    out, top = [], 0
    while top + span_h <= h + 2 * padding:
        row, left = [], 0
        while left + span_w <= w + 2 * padding:
            row.append(sum(kernel[a][b] * pixel(top + a * dilation, left + b * dilation) for a in range(kh) for b in range(kw)))
            left += stride
        out.append(row)
        top += stride
    return out


def impulse_reach(kernel, dilations):
    """Push a unit impulse back through 1-D stride-1 layers with all-ones kernels: which input offsets reach the output?"""
    signal = [1.0]
    for dil in dilations:
        taps = [0.0] * ((kernel - 1) * dil + 1)
        taps[::dil] = [1.0] * kernel
        signal = list(np.convolve(signal, taps))
    reached = [i for i, v in enumerate(signal) if v > 0]
    return max(reached) - min(reached) + 1, len(reached)


def conv_matrix(out_shape, in_shape, kernel, stride, padding):
    """The strided, padded cross-correlation from in_shape to out_shape as an explicit matrix, built entry by entry."""
    rows, cols = out_shape[0] * out_shape[1], in_shape[0] * in_shape[1]
    m = [[0.0] * cols for _ in range(rows)]
    k = len(kernel)
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            for u in range(k):
                for v in range(k):
                    r, c = i * stride + u - padding, j * stride + v - padding
                    if 0 <= r < in_shape[0] and 0 <= c < in_shape[1]:
                        m[i * out_shape[1] + j][r * in_shape[1] + c] += kernel[u][v]
    return m


def py_softmax(values):
    top = max(values)
    e = [math.exp(v - top) for v in values]
    s = sum(e)
    return [x / s for x in e]


def reference_bpe(counts: dict[str, int], merges: int):
    """Sennrich-style BPE on space-separated symbol strings; ties go to the alphabetically first pair."""
    vocab = {" ".join(list(w) + ["_"]): c for w, c in counts.items()}
    learned, freqs = [], []
    for _ in range(merges):
        pairs = Counter()
        for word, c in vocab.items():
            symbols = word.split()
            for i in range(len(symbols) - 1):
                pairs[symbols[i], symbols[i + 1]] += c
        if not pairs:
            break
        top = max(pairs.values())
        best = sorted(p for p, c in pairs.items() if c == top)[0]
        learned.append(best)
        freqs.append(top)
        pattern = re.compile(r"(?<!\S)" + re.escape(" ".join(best)) + r"(?!\S)")
        vocab = {pattern.sub("".join(best), word): c for word, c in vocab.items()}
    split = {word.replace(" ", ""): word.split() for word in vocab}
    return learned, freqs, {w[:-1]: s for w, s in split.items()}


# ---------------------------------------------------------------- convolution demos


@pytest.mark.parametrize("stride, padding, dilation", [(1, 0, 2), (2, 1, 2), (1, 3, 3), (3, 2, 1), (2, 0, 4)])
def test_dilated_conv_matches_a_loop_and_the_size_formula(stride, padding, dilation):
    rng = np.random.default_rng(stride * 10 + padding + dilation)
    image = np.round(rng.normal(size=(11, 10)), 2).tolist()
    kernel = np.round(rng.normal(size=(3, 3)), 2).tolist()
    got = result("dilated-conv", {"image": image, "kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation})
    expected = loop_dilated_conv(image, kernel, stride, padding, dilation)
    assert close(got["feature_map"], expected)
    k_eff = 3 + 2 * (dilation - 1)
    assert got["effective_kernel"] == [k_eff, k_eff]
    assert got["output_shape"] == [(11 + 2 * padding - k_eff) // stride + 1, (10 + 2 * padding - k_eff) // stride + 1]


def test_dilated_conv_equals_conv2d_with_a_zero_filled_kernel():
    image = [[float((3 * r + 5 * c) % 7) for c in range(9)] for r in range(9)]
    kernel = [[1.0, -2.0], [0.5, 3.0]]
    spread = [[1.0, 0.0, 0.0, -2.0], [0.0] * 4, [0.0] * 4, [0.5, 0.0, 0.0, 3.0]]
    got = result("dilated-conv", {"image": image, "kernel": kernel, "dilation": 3, "stride": 2, "padding": 1})
    assert close(got["feature_map"], result("conv2d", {"image": image, "kernel": spread, "stride": 2, "padding": 1}))


@pytest.mark.parametrize("layers, dilation", [(1, 2), (3, 2), (4, 3), (5, 2)])
def test_dilated_conv_receptive_fields_by_impulse(layers, dilation):
    got = result("dilated-conv", {"layers": layers, "dilation": dilation})
    for depth in range(1, layers + 1):
        assert got["receptive_field_doubling"][depth - 1] == impulse_reach(3, [2**i for i in range(depth)])[0]
        assert got["receptive_field_plain"][depth - 1] == impulse_reach(3, [1] * depth)[0]
    span, covered = impulse_reach(3, [dilation] * layers)
    assert (got["same_dilation_span"], got["same_dilation_covered"]) == (span, covered)
    assert covered < span  # a repeated dilation above 1 leaves holes
    assert impulse_reach(3, [2**i for i in range(layers)])[1] == got["receptive_field_doubling"][-1]  # doubling leaves none


@pytest.mark.parametrize("c_in, c_out, k, size", [(3, 8, 3, 8), (1, 1, 1, 1), (16, 4, 5, 9), (32, 32, 7, 16)])
def test_conv_param_count_closed_forms(c_in, c_out, k, size):
    got = result("conv-param-count", {"in_channels": c_in, "out_channels": c_out, "kernel": k, "size": size})
    assert got["weights"] == c_out * c_in * k * k
    assert got["biases"] == c_out
    assert got["total"] == (k * k * c_in + 1) * c_out
    out = size - k + 1
    assert got["dense_total"] == (size * size * c_in + 1) * (out * out * c_out)
    assert got["bias_change_after_batch_norm"] < 1e-9


def test_one_by_one_conv_is_a_matrix_per_pixel():
    x = [[[1, 2], [3, 4]], [[0, -1], [2, 5]], [[3, 3], [-2, 1]]]
    w = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]
    got = result("one-by-one-conv", {"x": x, "weights": w, "channels": 256, "squeeze": 64})
    expected = [[[sum(w[o][c] * x[c][i][j] for c in range(3)) for j in range(2)] for i in range(2)] for o in range(2)]
    assert close(got["output"], expected)
    assert got["parameters"] == 2 * 3 + 2
    assert got["plain_3x3"] == 589_824
    assert got["bottleneck"] == 69_632  # the ResNet-50 block 256 -> 64 -> 64 -> 256
    assert got["ratio"] == pytest.approx(589_824 / 69_632)


@pytest.mark.parametrize("c_in, c_out, k, size", [(8, 16, 3, 10), (32, 64, 3, 6), (4, 4, 5, 7), (1, 3, 1, 2)])
def test_depthwise_separable_counts(c_in, c_out, k, size):
    got = result("depthwise-separable", {"in_channels": c_in, "out_channels": c_out, "kernel": k, "size": size})
    assert got["standard_params"] == k * k * c_in * c_out
    assert got["separable_params"] == k * k * c_in + c_in * c_out
    assert got["ratio"] == pytest.approx(1 / c_out + 1 / k**2, abs=1e-12)
    out = size - k + 1
    assert got["standard_macs"] == k * k * c_in * c_out * out * out
    assert got["separable_macs"] == (k * k * c_in + c_in * c_out) * out * out
    assert got["output_shape"] == [c_out, out, out]
    assert got["max_difference"] < 1e-9


@pytest.mark.parametrize("n, k, stride, padding", [(3, 3, 2, 0), (4, 4, 2, 1), (3, 2, 2, 0), (2, 3, 1, 1), (3, 5, 3, 1)])
def test_transposed_conv_is_the_transpose_of_a_strided_conv(n, k, stride, padding):
    rng = np.random.default_rng(n * 100 + k * 10 + stride)
    x = np.round(rng.normal(size=(n, n)), 2).tolist()
    w = np.round(rng.normal(size=(k, k)), 2).tolist()
    got = result("transposed-conv", {"x": x, "kernel": w, "stride": stride, "padding": padding})
    size = (n - 1) * stride - 2 * padding + k
    assert got["output_size"] == [size, size]
    m = conv_matrix((n, n), (size, size), w, stride, padding)  # strided conv: size x size -> n x n
    flat_x = [v for row in x for v in row]
    transposed = [sum(m[r][c] * flat_x[r] for r in range(n * n)) for c in range(size * size)]
    assert close(got["output"], np.reshape(transposed, (size, size)))
    left, right = got["adjoint_check"]
    assert left == pytest.approx(right, abs=1e-9)


@pytest.mark.parametrize("k, stride, levels", [(3, 2, [1, 2, 4]), (4, 2, [4]), (2, 2, [1]), (3, 1, [9]), (5, 3, [1, 2, 4])])
def test_transposed_conv_overlap_pattern(k, stride, levels):
    got = result("transposed-conv", {"x": np.ones((5, 5)).tolist(), "kernel": np.ones((k, k)).tolist(), "stride": stride})
    # per axis an interior pixel is covered by ceil or floor of k / stride stamps; the 2-D count is the product
    assert got["interior_levels"] == levels
    assert got["resize_conv_levels"] == [k * k]


# ---------------------------------------------------------------- attention demos


def test_attention_scaling_variance_grows_with_head_size():
    got = result("attention-scaling", {"dims": [4, 32, 256], "samples": 4000}, seed=3)
    for dk, raw, scaled in zip(got["dims"], got["variance_raw"], got["variance_scaled"]):
        assert raw == pytest.approx(dk, rel=0.15)  # Var(q·k) = d_k for unit-variance entries
        assert scaled == pytest.approx(1.0, rel=0.15)
    assert got["max_entropy"] == pytest.approx(math.log(8))
    assert all(0 <= e <= math.log(8) + 1e-12 for e in got["entropy_raw"] + got["entropy_scaled"])
    assert got["entropy_raw"] == sorted(got["entropy_raw"], reverse=True)
    assert got["entropy_raw"][-1] < 0.5 * got["entropy_scaled"][-1]
    assert got["jacobian_norm_raw"][-1] < 0.5 * got["jacobian_norm_scaled"][-1]


def test_attention_scaling_rejects_too_much_work():
    with pytest.raises(DemoInputError, match="too much work"):
        run_demo("attention-scaling", {"dims": [4096, 4096], "samples": 20000})


def test_attention_cost_memory_closed_forms():
    got = result("attention-cost", {"lengths": [1000, 2048, 4096], "heads": 12, "head_dim": 64, "bytes_per_value": 4, "n": 10, "block": 4})
    assert close(got["score_mib"], [12 * n * n * 4 / 1048576 for n in (1000, 2048, 4096)])
    assert close(got["qkv_mib"], [3 * 12 * n * 64 * 4 / 1048576 for n in (1000, 2048, 4096)])
    assert got["max_difference"] < 1e-12
    assert (got["largest_tile"], got["full_entries"]) == (16, 100)


def test_blockwise_attention_matches_a_plain_loop():
    from quizprep.demos.architectures import blockwise_attention

    rng = np.random.default_rng(5)
    Q, K, V = rng.normal(size=(7, 3)), rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    expected = []
    for q in Q.tolist():
        w = py_softmax([sum(a * b for a, b in zip(q, k)) / math.sqrt(3) for k in K.tolist()])
        expected.append([sum(w[j] * V[j][c] for j in range(7)) for c in range(2)])
    for block in (1, 2, 3, 7, 10):
        out, largest = blockwise_attention(Q, K, V, block)
        assert close(out, expected, 1e-12)
        assert largest == min(block, 7) ** 2


@pytest.mark.parametrize("prompt, steps, layers, dim", [([1, 4, 6], 6, 2, 8), ([0], 4, 1, 4), ([3, 3, 2, 9, 1], 8, 3, 6)])
def test_kv_cache_same_tokens_and_counted_work(prompt, steps, layers, dim):
    vocab = 16
    got = result("kv-cache", {"prompt": prompt, "steps": steps, "layers": layers, "dim": dim, "vocab": vocab, "example": [32, 8, 128, 2, 8192]})
    assert got["tokens_with_cache"] == got["tokens_without_cache"]
    assert got["max_logit_difference"] < 1e-9
    p = len(prompt)

    def full(t):  # q, k, v and output projections for t tokens, t x t scores and weighted sum, then one head
        return layers * (4 * t * dim * dim + 2 * t * t * dim) + dim * vocab

    def step(t):  # one token's projections, scores against t cached keys, weighted sum
        return layers * (4 * dim * dim + 2 * t * dim) + dim * vocab

    assert got["macs_without_cache"] == [full(p + i) for i in range(steps)]
    assert got["macs_with_cache"] == [full(p)] + [step(p + i) for i in range(1, steps)]
    assert got["bytes_per_token"] == 2 * 32 * 8 * 128 * 2
    assert got["cache_mib"] == pytest.approx(2 * 32 * 8 * 128 * 2 * 8192 / 2**20)


def test_kv_cache_rejects_tokens_outside_the_vocabulary():
    with pytest.raises(DemoInputError, match="between 0 and 15"):
        run_demo("kv-cache", {"prompt": [2, 16], "vocab": 16})


def test_rope_scores_follow_the_complex_closed_form():
    q = [0.3, -1.2, 0.8, 0.5, -0.4, 1.1]
    k = [1.0, 0.2, -0.7, 0.9, 0.6, -0.3]
    m, n, base = 7, 3, 100.0
    got = result("rope", {"q": q, "k": k, "positions": [m, n], "shifts": 5, "base": base})
    theta = [base ** (-2 * i / 6) for i in range(3)]
    assert close(got["theta"], theta, 1e-12)
    qc = [complex(q[2 * i], q[2 * i + 1]) for i in range(3)]
    kc = [complex(k[2 * i], k[2 * i + 1]) for i in range(3)]

    def score(distance):  # (R_m q)·(R_n k) = Re Σ q_i conj(k_i) e^{i (m - n) θ_i}
        return sum((a * b.conjugate() * cmath.exp(1j * distance * t)).real for a, b, t in zip(qc, kc, theta))

    assert close(got["scores_by_shift"], [score(m - n)] * 6)
    assert close(got["scores_by_distance"], [score(r) for r in got["distances"]])

    def pe(p):
        out = []
        for t in theta:
            out += [math.sin(p * t), math.cos(p * t)]
        return out

    additive = [sum((a + b) * (c + e) for a, b, c, e in zip(q, pe(m + s), k, pe(n + s))) for s in range(6)]
    assert close(got["additive_scores_by_shift"], additive)
    assert max(additive) - min(additive) > 0.1  # added encodings do depend on absolute position


def test_rope_needs_an_even_length():
    with pytest.raises(DemoInputError, match="even length"):
        run_demo("rope", {"q": [1, 2, 3], "k": [1, 2, 3]})


@pytest.mark.parametrize("vocab, dim, token, target", [(8, 4, 0, 2), (5, 3, 4, 4), (12, 6, 7, 1)])
def test_weight_tying_logits_and_gradients(vocab, dim, token, target):
    got = result("weight-tying", {"vocab": vocab, "dim": dim, "token": token, "target": target, "example": [50257, 768]})
    E, h = got["embedding"], got["hidden"]
    logits = [sum(a * b for a, b in zip(row, h)) for row in E]
    assert close(got["logits"], logits)
    p = py_softmax(logits)
    grad = [[(p[j] - (1.0 if j == target else 0.0)) * h[c] for c in range(dim)] for j in range(vocab)]
    assert close(got["output_grad"], grad)
    assert (got["untied_params"], got["tied_params"], got["saved"]) == (2 * vocab * dim, vocab * dim, vocab * dim)
    assert got["example_saved"] == 38_597_376
    assert (got["rows_updated_output"], got["rows_updated_input"]) == (vocab, 1)


@pytest.mark.parametrize("counts, merges", [([5, 2, 3, 6, 3, 4, 3, 2, 2], 10), ([1, 1, 1, 1, 1, 1, 1, 1, 1], 12), ([0, 7, 0, 1, 9, 0, 2, 2, 5], 6)])
def test_bpe_merges_match_a_string_rewriting_implementation(counts, merges):
    from quizprep.demos.architectures import BPE_WORDS

    got = result("bpe-merges", {"counts": counts, "merges": merges})
    corpus = {w: c for w, c in zip(BPE_WORDS, counts) if c}
    learned, freqs, split = reference_bpe(corpus, merges)
    assert got["merges"] == [f"{a}+{b}" for a, b in learned]
    assert got["merge_counts"] == freqs
    assert got["tokenized"] == split
    assert got["corpus_tokens"][-1] == sum(len(split[w]) * c for w, c in corpus.items())
    assert got["corpus_tokens"][0] == sum((len(w) + 1) * c for w, c in corpus.items())
    assert got["vocab_sizes"] == [got["vocab_sizes"][0] + i for i in range(len(learned) + 1)]


def test_bpe_default_merges_and_unseen_words():
    got = result("bpe-merges")
    assert got["merges"][:4] == ["e+w", "n+ew", "l+o", "lo+w"]
    assert got["unseen"]["slowest"] == ["s", "low", "est_"]
    assert got["unseen"]["zest"][0] == "[UNK]"


def test_bpe_counts_need_one_per_word():
    with pytest.raises(DemoInputError, match="one frequency for each of the 9 words"):
        run_demo("bpe-merges", {"counts": [1, 2]})


def test_area_demos_run_and_are_named_in_the_catalog():
    # Speed is measured by scripts/bench_demos.py, not asserted here: machines are noisy.
    for name in AREA_DEMOS:
        assert run_demo(name, seed=1).name == name


# ---------------------------------------------------------------- drills: hand formulas reading only problem.params


def dilated_conv_output_size(p):
    span = (p["kernel"] - 1) * p["dilation"] + 1
    return [math.floor((p["size"] + 2 * p["padding"] - span) / p["stride"]) + 1]


def depthwise_separable_params(p):
    c_in, c_out, k = p["in_channels"], p["out_channels"], p["kernel"]
    return [c_out * c_in * k * k, c_in * k * k + c_out * c_in]


def transposed_conv_output_size(p):
    return [p["stride"] * (p["size"] - 1) + p["kernel"] - 2 * p["padding"] + p["output_padding"]]


def receptive_field_stack(p):
    # Walk backwards from one output unit: a window of w units of layer l covers (w - 1)·s + k units of layer l - 1.
    width = 1
    for k, s in reversed(p["layers"]):
        width = (width - 1) * s + k
    return [width]


def kv_cache_memory(p):
    width = {"float32": 4, "float16": 2, "bfloat16": 2}[p["dtype"]]
    keys_and_values = 2 * p["batch"] * p["tokens"] * p["layers"] * p["kv_heads"] * p["head_dim"]
    return [keys_and_values * width / 1024 / 1024]


def attention_score_memory(p):
    width = {"float32": 4, "float16": 2, "bfloat16": 2}[p["dtype"]]
    return [p["batch"] * p["heads"] * p["n"] ** 2 * width / 1024 / 1024]


EXPECTED = {
    "dilated-conv-output-size": dilated_conv_output_size,
    "depthwise-separable-params": depthwise_separable_params,
    "transposed-conv-output-size": transposed_conv_output_size,
    "receptive-field-stack": receptive_field_stack,
    "kv-cache-memory": kv_cache_memory,
    "attention-score-memory": attention_score_memory,
}


def test_dilated_drill_known_case():
    # 3x3, dilation 2, padding 2, stride 1 keeps a 224 map at 224 ("same" padding for dilation 2)
    assert dilated_conv_output_size({"size": 224, "kernel": 3, "dilation": 2, "stride": 1, "padding": 2}) == [224]
    # the DCGAN/U-Net upsampler: kernel 4, stride 2, padding 1 doubles the size
    assert transposed_conv_output_size({"size": 16, "kernel": 4, "stride": 2, "padding": 1, "output_padding": 0}) == [32]
