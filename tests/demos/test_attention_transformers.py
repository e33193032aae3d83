"""Demos of the attention-transformers topic, each checked against an independent computation."""

from __future__ import annotations

import cmath
import math
import re
from collections import Counter

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import TOL, close, close_arrays, random_grid, result, softmax


def loop_attention(q, k, v):
    d_k = len(k[0])
    out, all_weights = [], []
    for query in q:
        scores = [sum(a * b for a, b in zip(query, key, strict=False)) / math.sqrt(d_k) for key in k]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        weights = [e / sum(exps) for e in exps]
        all_weights.append(weights)
        out.append([sum(weights[j] * v[j][c] for j in range(len(v))) for c in range(len(v[0]))])
    return out, all_weights


@pytest.mark.parametrize("n_q, n_k, d_k, d_v", [(3, 4, 4, 3), (2, 5, 3, 4), (1, 1, 2, 1), (4, 3, 6, 2)])
def test_attention_matches_a_loop(n_q, n_k, d_k, d_v):
    q, k, v = random_grid(1, n_q, d_k, 1.5), random_grid(2, n_k, d_k, 1.5), random_grid(3, n_k, d_v)
    expected, _ = loop_attention(q, k, v)
    assert close(run_demo("attention", {"q": q, "k": k, "v": v}).result, expected)


def test_attention_default_matches_a_loop_and_shows_the_weights():
    run = run_demo("attention", seed=9)
    p = run.params
    expected, weights = loop_attention(p["q"], p["k"], p["v"])
    assert close(run.result, expected)
    shown = next(
        step for step in run.steps if step["kind"] == "value" and step["label"].startswith("attention weights")
    )
    assert close(shown["value"], weights)


def test_attention_bank_example_single_query():
    # q = (1, 0, 1, 0) against k1 = q and k2 = (0, 1, 0, 1): scaled scores 1 and 0, weights e/(e + 1) and 1/(e + 1).
    v = [[10.0, 0.0], [0.0, 10.0]]
    result = run_demo("attention", {"q": [1, 0, 1, 0], "k": [[1, 0, 1, 0], [0, 1, 0, 1]], "v": v}).result
    w1 = math.e / (math.e + 1)
    assert w1 == pytest.approx(0.731, abs=1e-3)
    assert close(result, [10 * w1, 10 * (1 - w1)])


def test_attention_shape_errors_name_the_dimensions():
    with pytest.raises(DemoInputError, match="q has width 3 but k has width 4"):
        run_demo("attention", {"q": [[1, 2, 3]], "k": [[1, 2, 3, 4]], "v": [[1]]})
    with pytest.raises(DemoInputError, match="k has 2 rows .* but v has 3 rows"):
        run_demo("attention", {"q": [[1, 2]], "k": [[1, 2], [3, 4]], "v": [[1], [2], [3]]})


def test_causal_mask_matches_a_loop():
    scores = random_grid(4, 5, 5, 2.0)
    result = run_demo("causal-mask", {"scores": scores}).result
    for i in range(5):
        exps = [math.exp(scores[i][j]) for j in range(i + 1)]
        expected = [e / sum(exps) for e in exps] + [0.0] * (4 - i)
        assert close(result["weights"][i], expected)
        assert result["mask"][i] == [1] * (i + 1) + [0] * (4 - i)
    with pytest.raises(DemoInputError, match="square.*got 2x3"):
        run_demo("causal-mask", {"scores": [[1, 2, 3], [4, 5, 6]]})


def test_positional_encoding_formula_and_distance_only_dot_products():
    result = run_demo("positional-encoding", {"length": 6, "dim": 6}).result
    for p in range(6):
        for i in range(3):
            angle = p / 10000 ** (2 * i / 6)
            assert result["encoding"][p][2 * i] == pytest.approx(math.sin(angle), abs=TOL)
            assert result["encoding"][p][2 * i + 1] == pytest.approx(math.cos(angle), abs=TOL)
    expected = [sum(math.cos(k / 10000 ** (2 * i / 6)) for i in range(3)) for k in range(6)]
    assert close(result["dot_by_distance"], expected)
    with pytest.raises(DemoInputError, match="dim must be even"):
        run_demo("positional-encoding", {"dim": 5})


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


def test_attention_scaling_variance_grows_with_head_size():
    got = result("attention-scaling", {"dims": [4, 32, 256], "samples": 4000}, seed=3)
    for dk, raw, scaled in zip(got["dims"], got["variance_raw"], got["variance_scaled"], strict=False):
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
    got = result(
        "attention-cost",
        {"lengths": [1000, 2048, 4096], "heads": 12, "head_dim": 64, "bytes_per_value": 4, "n": 10, "block": 4},
    )
    assert close_arrays(got["score_mib"], [12 * n * n * 4 / 1048576 for n in (1000, 2048, 4096)])
    assert close_arrays(got["qkv_mib"], [3 * 12 * n * 64 * 4 / 1048576 for n in (1000, 2048, 4096)])
    assert got["max_difference"] < 1e-12
    assert (got["largest_tile"], got["full_entries"]) == (16, 100)


def test_blockwise_attention_matches_a_plain_loop():
    from quizprep.demos.attention_transformers import blockwise_attention

    rng = np.random.default_rng(5)
    Q, K, V = rng.normal(size=(7, 3)), rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    expected = []
    for q in Q.tolist():
        w = softmax([sum(a * b for a, b in zip(q, k, strict=False)) / math.sqrt(3) for k in K.tolist()])
        expected.append([sum(w[j] * V[j][c] for j in range(7)) for c in range(2)])
    for block in (1, 2, 3, 7, 10):
        out, largest = blockwise_attention(Q, K, V, block)
        assert close_arrays(out, expected, 1e-12)
        assert largest == min(block, 7) ** 2


@pytest.mark.parametrize(
    "prompt, steps, layers, dim", [([1, 4, 6], 6, 2, 8), ([0], 4, 1, 4), ([3, 3, 2, 9, 1], 8, 3, 6)]
)
def test_kv_cache_same_tokens_and_counted_work(prompt, steps, layers, dim):
    vocab = 16
    got = result(
        "kv-cache",
        {
            "prompt": prompt,
            "steps": steps,
            "layers": layers,
            "dim": dim,
            "vocab": vocab,
            "example": [32, 8, 128, 2, 8192],
        },
    )
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
    assert close_arrays(got["theta"], theta, 1e-12)
    qc = [complex(q[2 * i], q[2 * i + 1]) for i in range(3)]
    kc = [complex(k[2 * i], k[2 * i + 1]) for i in range(3)]

    def score(distance):  # (R_m q)·(R_n k) = Re Σ q_i conj(k_i) e^{i (m - n) θ_i}
        return sum(
            (a * b.conjugate() * cmath.exp(1j * distance * t)).real for a, b, t in zip(qc, kc, theta, strict=False)
        )

    assert close_arrays(got["scores_by_shift"], [score(m - n)] * 6)
    assert close_arrays(got["scores_by_distance"], [score(r) for r in got["distances"]])

    def pe(p):
        out = []
        for t in theta:
            out += [math.sin(p * t), math.cos(p * t)]
        return out

    additive = [
        sum((a + b) * (c + e) for a, b, c, e in zip(q, pe(m + s), k, pe(n + s), strict=False)) for s in range(6)
    ]
    assert close_arrays(got["additive_scores_by_shift"], additive)
    assert max(additive) - min(additive) > 0.1  # added encodings do depend on absolute position


def test_rope_needs_an_even_length():
    with pytest.raises(DemoInputError, match="even length"):
        run_demo("rope", {"q": [1, 2, 3], "k": [1, 2, 3]})


@pytest.mark.parametrize("vocab, dim, token, target", [(8, 4, 0, 2), (5, 3, 4, 4), (12, 6, 7, 1)])
def test_weight_tying_logits_and_gradients(vocab, dim, token, target):
    got = result(
        "weight-tying", {"vocab": vocab, "dim": dim, "token": token, "target": target, "example": [50257, 768]}
    )
    E, h = got["embedding"], got["hidden"]
    logits = [sum(a * b for a, b in zip(row, h, strict=False)) for row in E]
    assert close_arrays(got["logits"], logits)
    p = softmax(logits)
    grad = [[(p[j] - (1.0 if j == target else 0.0)) * h[c] for c in range(dim)] for j in range(vocab)]
    assert close_arrays(got["output_grad"], grad)
    assert (got["untied_params"], got["tied_params"], got["saved"]) == (2 * vocab * dim, vocab * dim, vocab * dim)
    assert got["example_saved"] == 38_597_376
    assert (got["rows_updated_output"], got["rows_updated_input"]) == (vocab, 1)


@pytest.mark.parametrize(
    "counts, merges",
    [([5, 2, 3, 6, 3, 4, 3, 2, 2], 10), ([1, 1, 1, 1, 1, 1, 1, 1, 1], 12), ([0, 7, 0, 1, 9, 0, 2, 2, 5], 6)],
)
def test_bpe_merges_match_a_string_rewriting_implementation(counts, merges):
    from quizprep.demos.attention_transformers import BPE_WORDS

    got = result("bpe-merges", {"counts": counts, "merges": merges})
    corpus = {w: c for w, c in zip(BPE_WORDS, counts, strict=False) if c}
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
