"""Demos of the llm-training topic, each checked against an independent computation."""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import softmax


def test_perplexity_from_given_probabilities_is_the_inverse_geometric_mean():
    result = run_demo("lm-perplexity", {"probs": [0.5, 0.25, 0.125], "words": 2}, seed=0).result
    assert result["mean_nats"] == pytest.approx(math.log(4))  # (ln 2 + ln 4 + ln 8) / 3
    assert result["ppl"] == pytest.approx(4.0)
    assert result["ppl_base2"] == pytest.approx(4.0)
    assert result["mean_bits"] == pytest.approx(2.0)
    assert result["ppl_word"] == pytest.approx(math.exp(math.log(64) / 2))  # 8 per word


@pytest.mark.parametrize("seed", range(3))
def test_toy_bigram_losses_use_the_true_previous_token(seed):
    result = run_demo("lm-perplexity", {"vocab": 5, "length": 7}, seed=seed).result
    tokens, table = result["tokens"], result["table"]
    nll = [-math.log(softmax(table[prev])[nxt]) for prev, nxt in zip(tokens, tokens[1:], strict=False)]
    assert result["nll"] == pytest.approx(nll)
    assert result["ppl"] == pytest.approx(math.exp(sum(nll) / len(nll)))
    assert result["uniform_ppl"] == 5


def test_perplexity_rejects_a_probability_above_one():
    with pytest.raises(DemoInputError):
        run_demo("lm-perplexity", {"probs": [0.5, 1.5]}, seed=0)


def test_data_mixture_epochs_by_hand():
    sizes, weights = [100.0, 10.0, 5.0], [6.0, 3.0, 1.0]
    result = run_demo("data-mixture", {"sizes": sizes, "weights": weights, "budget": 200}, seed=1).result
    expected = [w / 10 * 200 / s for w, s in zip(weights, sizes, strict=True)]
    assert result["epochs"] == pytest.approx(expected)  # 1.2, 6, 4
    assert result["names"] == ["source 1", "source 2", "source 3"]
    assert sum(result["sampled_share"]) == pytest.approx(1.0)
    with pytest.raises(DemoInputError):
        run_demo("data-mixture", {"sizes": sizes, "weights": [1.0, -1.0, 1.0]}, seed=1)


def test_quality_filter_scores_given_documents():
    probs = [1 / r for r in range(1, 41)]
    probs = [p / sum(probs) for p in probs]
    docs = [[0, 1, 2, 3, 0, 1, 4, 5], [39, 38, 37, 39, 38, 37, 39, 38], [0, 1, 2, 0, 1, 2, 0, 1]]
    result = run_demo("quality-filter", {"docs": docs, "max_perplexity": 40, "max_repeated": 0.3}, seed=0).result
    for doc, ppl, rep in zip(docs, result["perplexity"], result["repeated"], strict=True):
        assert ppl == pytest.approx(math.exp(-sum(math.log(probs[w]) for w in doc) / len(doc)))
        grams = [tuple(doc[i : i + 3]) for i in range(len(doc) - 2)]
        assert rep == pytest.approx(1 - len(set(grams)) / len(grams))
    assert result["kept"] == [True, False, False]  # rare words fail perplexity; the loop fails repetition
    with pytest.raises(DemoInputError):
        run_demo("quality-filter", {"docs": [[0, 1, 99]]}, seed=0)


def test_minhash_estimate_tracks_the_exact_jaccard():
    base = list(range(200))
    edited = base[:150] + [1000 + i for i in range(50)]
    other = list(range(500, 700))
    result = run_demo("minhash-dedup", {"docs": [base, edited, other], "hashes": 400}, seed=3).result

    def grams(words):
        return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}

    for (a, b), j, est, cand in zip(
        combinations([base, edited, other], 2),
        result["jaccard"],
        result["estimate"],
        result["candidate_probability"],
        strict=True,
    ):
        exact = len(grams(a) & grams(b)) / len(grams(a) | grams(b))
        assert j == pytest.approx(exact)
        assert abs(est - exact) <= 4 * math.sqrt(exact * (1 - exact) / 400) + 1e-9
        assert cand == pytest.approx(1 - (1 - exact**5) ** 20)
    with pytest.raises(DemoInputError):
        run_demo("minhash-dedup", {"hashes": 0}, seed=0)


def test_power_law_fit_recovers_the_exponent_without_noise():
    result = run_demo("scaling-power-law", {"exponent": 0.1, "n_c": 1e12, "noise": 0.0}, seed=0).result
    xs = [math.log(n) for n in result["sizes"]]
    ys = [math.log(v) for v in result["loss"]]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    assert result["fitted_exponent"] == pytest.approx(-slope)
    assert result["fitted_exponent"] == pytest.approx(0.1)
    assert result["predicted"] == pytest.approx([(1e12 / 1e10) ** 0.1, (1e12 / 1e11) ** 0.1])


def test_flop_count_is_two_per_weight_forward_and_four_backward():
    result = run_demo(
        "training-flops-count", {"width": 5, "tokens": 7, "layers": 2, "d_model": 128, "context": 64}
    ).result
    weights = 5 * 20 * 2
    assert result["params"] == weights
    assert result["forward_per_token"] == 2 * weights
    assert result["backward_per_token"] == 4 * weights
    assert result["model_params"] == 12 * 2 * 128**2
    assert result["attention_share"] == pytest.approx((2 * 2 * 64 * 128) / (2 * 12 * 2 * 128**2))


def test_overtraining_smaller_models_match_the_optimal_loss():
    E, A, B, a, b = 1.69, 406.4, 410.7, 0.34, 0.28
    result = run_demo("overtraining-lifetime-cost", {"budget": 1e22, "served": 0.0}, seed=0).result
    n_opt, d_opt = result["n_opt"], result["d_opt"]
    assert 6 * n_opt * d_opt == pytest.approx(1e22)
    loss = lambda n, d: E + A / n**a + B / d**b  # noqa: E731
    for n in (n_opt * 0.9, n_opt * 1.1):  # the closed form is a minimum along C = 6ND
        assert loss(n, 1e22 / (6 * n)) > result["target_loss"]
    for n, d in zip(result["sizes"], result["tokens"], strict=True):
        assert loss(n, d) == pytest.approx(result["target_loss"])
    assert result["best"] == 0  # with nothing served, the compute-optimal model is cheapest
    served = run_demo("overtraining-lifetime-cost", {"budget": 1e22, "served": 1e14}, seed=0).result
    assert served["best"] == 4  # with heavy inference the smallest model wins


@pytest.mark.parametrize("text", ["plain ascii words", "Ελλάδα 東京 🙂 café", "mixed: 42 naïve ünïcödé"])
def test_byte_level_bpe_round_trips_any_text(text):
    result = run_demo("byte-level-bpe", {"text": text, "merges": 40}, seed=0).result
    assert result["decoded"] == text
    assert result["bytes"] == len(text.encode("utf-8"))
    assert len(result["ids"]) <= result["bytes"]
    for word, (chars, size, tokens) in zip(result["words"], result["per_word"], strict=True):
        assert (chars, size) == (len(word), len(word.encode("utf-8")))
        assert 1 <= tokens <= size


def test_byte_level_bpe_without_merges_is_the_utf8_bytes_and_learns_the_top_pair_first():
    from quizprep.demos.llm_training.tokenizers import BPE_CORPUS

    text = "ab Ω 東"
    result = run_demo("byte-level-bpe", {"text": text, "merges": 0}, seed=0).result
    assert result["ids"] == list(text.encode("utf-8"))
    import re

    chunks = [c.encode("utf-8") for c in re.findall(r" ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+", BPE_CORPUS)]
    pairs = Counter(p for c in chunks for p in zip(c, c[1:], strict=False))
    top = max(pairs.values())
    first = run_demo("byte-level-bpe", {"merges": 1}, seed=0).result["merges"][0]
    assert pairs[tuple(first)] == top
    with pytest.raises(DemoInputError):
        run_demo("byte-level-bpe", {"text": 42}, seed=0)


def test_unigram_viterbi_matches_brute_force():
    pieces = {"ab": 0.3, "a": 0.2, "b": 0.2, "c": 0.1, "bc": 0.15, "abc": 0.05}
    total = sum(pieces.values())

    def splits(word):
        if not word:
            return [[]]
        return [[word[:i], *rest] for i in range(1, len(word) + 1) if word[:i] in pieces for rest in splits(word[i:])]

    every = splits("abcab")
    score = lambda s: sum(math.log(pieces[p] / total) for p in s)  # noqa: E731
    best = max(every, key=score)
    result = run_demo("unigram-segmentation", {"word": "abcab", "pieces": pieces}, seed=0).result
    assert result["best"] == best
    assert result["best_logp"] == pytest.approx(score(best))
    assert result["count"] == len(every)
    assert all("".join(s) == "abcab" for s in result["sampled"])
    with pytest.raises(DemoInputError):
        run_demo("unigram-segmentation", {"word": "abz", "pieces": pieces}, seed=0)


def test_number_tokenization_by_hand():
    result = run_demo("number-tokenization", {"numbers": [1234567, 2023, 45]}, seed=0).result
    assert result["3 from the left"] == [["123", "456", "7"], ["202", "3"], ["45"]]
    assert result["3 from the right"] == [["1", "234", "567"], ["2", "023"], ["45"]]
    assert result["single digits"][1] == ["2", "0", "2", "3"]
    assert result["learned merges"][0] == ["123", "45", "6", "7"]  # longest known prefix each time
    with pytest.raises(DemoInputError):
        run_demo("number-tokenization", {"numbers": [-5]}, seed=0)


def schedules(steps, warmup, peak, final, decay):
    cos, wsd = [], []
    start = steps - decay
    for t in range(steps):
        if t < warmup:
            cos.append(peak * (t + 1) / warmup)
            wsd.append(peak * (t + 1) / warmup)
            continue
        progress = min(1.0, (t - warmup) / (steps - warmup))
        cos.append(final * peak + 0.5 * (peak - final * peak) * (1 + math.cos(math.pi * progress)))
        wsd.append(peak if t < start else peak - (peak - final * peak) * min(1.0, (t - start + 1) / decay))
    return cos, wsd


def expected_loss(rates, curvature, noise):
    v = [1.0] * len(curvature)
    for lr in rates:
        v = [(1 - lr * h) ** 2 * vi + lr * lr * noise * h for vi, h in zip(v, curvature, strict=True)]
    return 0.5 * sum(h * vi for h, vi in zip(curvature, v, strict=True))


def test_lr_schedule_losses_follow_the_second_moment_recursion():
    params = {"steps": 200, "warmup": 10, "peak": 0.4, "final": 0.1, "decay": 0.25}
    result = run_demo("llm-lr-schedules", params, seed=0).result
    cos, wsd = schedules(200, 10, 0.4, 0.1, 50)
    h, noise = result["curvature"], result["noise"]
    assert result["final_loss"]["cosine"] == pytest.approx(expected_loss(cos, h, noise))
    assert result["final_loss"]["WSD"] == pytest.approx(expected_loss(wsd, h, noise))
    assert result["mid_loss"]["WSD"] == pytest.approx(expected_loss(wsd[:100], h, noise))
    with pytest.raises(DemoInputError):
        run_demo("llm-lr-schedules", {"peak": 5.0}, seed=0)


def test_wsd_defaults_end_near_cosine_but_sit_higher_mid_run():
    result = run_demo("llm-lr-schedules", {}, seed=0).result
    assert result["mid_loss"]["WSD"] > result["mid_loss"]["cosine"]
    assert result["final_loss"]["WSD"] == pytest.approx(result["final_loss"]["cosine"], rel=0.1)


def test_z_loss_value_gradient_and_shift_invariance():
    logits, coef = [20.0, 21.5, 19.0, 22.0], 1e-3
    result = run_demo("z-loss", {"logits": logits, "coef": coef}, seed=0).result
    log_z = math.log(sum(math.exp(v) for v in logits))
    assert result["log_z"] == pytest.approx(log_z)
    assert result["z_loss"] == pytest.approx(coef * log_z**2)
    penalty = lambda z: coef * math.log(sum(math.exp(v) for v in z)) ** 2  # noqa: E731
    assert result["grad"] == pytest.approx(central_gradient(penalty, logits), abs=1e-7)
    assert result["probs"] == pytest.approx(softmax([v - log_z for v in logits]))
    errors = result["float16_errors"]
    assert errors[0] < 1e-3 < errors[-1]
    with pytest.raises(DemoInputError):
        run_demo("z-loss", {"logits": [1.0]}, seed=0)


def test_qk_norm_logits_ignore_the_scale_and_plain_logits_grow_quadratically():
    scales = [1.0, 3.0, 10.0]
    result = run_demo("qk-norm", {"dim": 8, "keys": 5, "scales": scales}, seed=4).result
    plain = result["plain_max"]
    assert plain[1] == pytest.approx(9 * plain[0]) and plain[2] == pytest.approx(100 * plain[0])
    assert result["normed_max"] == pytest.approx([result["normed_max"][0]] * 3)
    assert max(result["normed_max"]) <= math.sqrt(8) + 1e-9
    assert result["plain_entropy"][-1] < result["plain_entropy"][0]
    assert all(0 <= e <= math.log(5) + 1e-12 for e in result["normed_entropy"])
    with pytest.raises(DemoInputError):
        run_demo("qk-norm", {"scales": [1.0, -2.0]}, seed=0)


def test_exact_match_is_per_token_accuracy_to_the_length():
    result = run_demo("emergence-exact-match", {"length": 7, "test_size": 50}, seed=2).result
    for p, em in zip(result["per_token"], result["exact_match"], strict=True):
        assert em == pytest.approx(p**7)
    gaps = [b - a for a, b in zip(result["per_token"], result["per_token"][1:], strict=False)]
    assert max(gaps) == pytest.approx(min(gaps))  # per-token accuracy rises in equal steps
    assert all(0 <= m <= 1 and m * 50 == round(m * 50) for m in result["measured"])


def test_critical_batch_trade_off_and_noise_scale_estimate():
    result = run_demo("critical-batch-size", {"noise_scale": 100.0, "min_steps": 1000.0}, seed=0).result
    for batch, steps, examples in zip(result["batches"], result["steps"], result["examples"], strict=True):
        assert steps == pytest.approx(1000 * (1 + 100 / batch))
        assert (steps / 1000 - 1) * (examples / 100_000 - 1) == pytest.approx(1.0)
    assert result["estimate"] == pytest.approx(100, rel=0.25)
    with pytest.raises(DemoInputError):
        run_demo("critical-batch-size", {"noise_scale": 0.0}, seed=0)
