"""Demos of the LLM evaluation topic, each checked against an independent plain-Python computation."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from quizprep.demos.llm_evaluation import reliability


def test_perplexity_by_hand():
    probs = [0.5, 0.5, 0.25, 1.0]
    result = run_demo(
        "perplexity-tokenizers", {"probs": probs, "nll": 10.0, "tokens_a": 4, "tokens_b": 8, "text_bytes": 20}
    ).result
    geometric = (2 * 2 * 4 * 1) ** (1 / 4)  # geometric mean of 1/p
    assert result["perplexity"] == pytest.approx(geometric)
    assert result["ppl_a"] == pytest.approx(math.exp(10 / 4))
    assert result["ppl_b"] == pytest.approx(math.exp(10 / 8))
    assert result["bits_per_byte"] == pytest.approx(10 / math.log(2) / 20)
    assert run_demo("perplexity-tokenizers", {"probs": [0.1] * 3}).result["perplexity"] == pytest.approx(10)
    with pytest.raises(DemoInputError, match="probs must be"):
        run_demo("perplexity-tokenizers", {"probs": [0.5, 0.0]})


@cache
def lcs(a: tuple, b: tuple) -> int:
    """Longest common subsequence by recursion on the first words."""
    if not a or not b:
        return 0
    if a[0] == b[0]:
        return 1 + lcs(a[1:], b[1:])
    return max(lcs(a[1:], b), lcs(a, b[1:]))


def test_bleu_and_rouge_of_the_default_pair_by_hand():
    # candidate "the cat sat on the mat", reference "the cat is sitting on the mat"
    result = run_demo("bleu-rouge", {}).result
    assert result["precisions"] == pytest.approx([5 / 6, 3 / 5, 1 / 4, 0.0])
    assert result["brevity_penalty"] == pytest.approx(math.exp(1 - 7 / 6))
    assert result["bleu"] == 0.0  # no 4-gram matches
    cand, ref = "the cat sat on the mat".split(), "the cat is sitting on the mat".split()
    assert result["lcs"] == lcs(tuple(cand), tuple(ref)) == 5
    assert result["rougeL_f1"] == pytest.approx(2 * (5 / 6) * (5 / 7) / (5 / 6 + 5 / 7))
    assert result["rouge1_recall"] == pytest.approx(5 / 7)
    two = run_demo("bleu-rouge", {"max_n": 2}).result
    assert two["bleu"] == pytest.approx(math.exp(1 - 7 / 6) * math.sqrt(5 / 6 * 3 / 5))
    longer = run_demo("bleu-rouge", {"candidate": "the cat is sitting on the mat today", "max_n": 1}).result
    assert longer["brevity_penalty"] == 1.0 and longer["precisions"] == pytest.approx([7 / 8])
    with pytest.raises(DemoInputError, match="candidate must be a text"):
        run_demo("bleu-rouge", {"candidate": "  ,, "})


def test_exact_match_and_f1_by_hand():
    result = run_demo("exact-match-f1", {}).result
    # "the eiffel tower in paris" -> [eiffel, tower, in, paris] against [eiffel, tower]: P = 1/2, R = 1
    assert result["exact_match"] == 0.0
    assert result["f1"] == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert run_demo("exact-match-f1", {"prediction": "An Eiffel tower!"}).result["exact_match"] == 1.0
    with pytest.raises(DemoInputError, match="answers must be a list"):
        run_demo("exact-match-f1", {"answers": "Eiffel Tower"})


def test_pass_at_k_by_binomials():
    result = run_demo("pass-at-k", {"n": 20, "c": 3, "k": 5, "p": 0.2}, seed=1).result
    assert result["pass_at_k"] == pytest.approx(1 - math.comb(17, 5) / math.comb(20, 5))
    assert result["truth"] == pytest.approx(1 - 0.8**5)
    assert abs(result["unbiased_mean"] - result["truth"]) < 0.02  # 4000 simulated problems
    assert result["plug_in_mean"] < result["truth"]
    assert run_demo("pass-at-k", {"n": 10, "c": 6, "k": 5}).result["pass_at_k"] == 1.0  # only 4 failures exist
    with pytest.raises(DemoInputError, match="c must be between"):
        run_demo("pass-at-k", {"n": 5, "c": 6})


def test_judge_position_bias_extremes():
    strong = run_demo("judge-position-bias", {"bias": 5, "pairs": 4000}, seed=1).result
    assert strong["rates"]["A shown first"] > 0.9 and strong["rates"]["B shown first"] < 0.1
    assert strong["consistency"] < 0.2
    fair = run_demo("judge-position-bias", {"bias": 0, "pairs": 4000}, seed=1).result
    assert abs(fair["rates"]["A shown first"] - fair["rates"]["B shown first"]) < 0.05
    assert abs(fair["rates"]["both orders, ties on disagreement"] - 0.5) < 0.05
    with pytest.raises(DemoInputError, match="pairs must be between"):
        run_demo("judge-position-bias", {"pairs": 5})


def test_reliability_table_by_hand():
    confidence = [0.95, 0.9, 0.65, 0.62, 0.3]
    correct = [1, 0, 1, 1, 0]
    counts, conf, acc, ece = reliability(np.array(confidence), np.array(correct, dtype=bool), 2)
    assert list(counts) == [1, 4]
    high = [0.95, 0.9, 0.65, 0.62]
    by_hand = 1 / 5 * abs(0 - 0.3) + 4 / 5 * abs(3 / 4 - sum(high) / 4)
    assert ece == pytest.approx(by_hand)


def test_calibration_temperature_recovers_the_overconfidence():
    result = run_demo("calibration-ece", {"overconfidence": 2.5, "samples": 8000}, seed=2).result
    assert result["temperature"] == pytest.approx(2.5, rel=0.15)
    assert result["after"]["ece"] < result["before"]["ece"]
    assert result["after"]["accuracy"] == result["before"]["accuracy"]
    assert result["after"]["nll"] < result["before"]["nll"]
    calibrated = run_demo("calibration-ece", {"overconfidence": 1.0, "samples": 8000}, seed=2).result
    assert calibrated["temperature"] == pytest.approx(1.0, rel=0.15)
    with pytest.raises(DemoInputError, match="bins must be between"):
        run_demo("calibration-ece", {"bins": 1})


def test_bradley_terry_fit_is_the_maximum_likelihood():
    wins = [[0, 30, 35, 40], [20, 0, 28, 33], [15, 22, 0, 27], [10, 17, 23, 0]]
    result = run_demo("bradley-terry", {"wins": wins}, seed=0).result
    theta = result["theta"]
    for i in range(4):  # the gradient of the log-likelihood vanishes at the fit
        gradient = sum(
            wins[i][j] - (wins[i][j] + wins[j][i]) / (1 + math.exp(theta[j] - theta[i])) for j in range(4) if j != i
        )
        assert abs(gradient) < 1e-6
    assert len({round(r[0], 6) for r in result["elo"]}) > 1  # online Elo depends on the order of the games
    pair = run_demo("bradley-terry", {"wins": [[0, 3], [1, 0]]}).result
    assert pair["ratings"][0] - pair["ratings"][1] == pytest.approx(400 * math.log10(3))
    with pytest.raises(DemoInputError, match="at least one win and one loss"):
        run_demo("bradley-terry", {"wins": [[0, 3], [0, 0]]})


def test_benchmark_error_bars_by_hand():
    result = run_demo("benchmark-error-bars", {"questions": 500, "accuracy_a": 0.7, "accuracy_b": 0.65}, seed=3).result
    a, b = result["correct_a"], result["correct_b"]
    n = len(a)
    pa, pb = sum(a) / n, sum(b) / n
    assert result["se"] == pytest.approx([math.sqrt(pa * (1 - pa) / n), math.sqrt(pb * (1 - pb) / n)])
    diffs = [int(x) - int(y) for x, y in zip(a, b, strict=True)]
    mean = sum(diffs) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in diffs) / (n - 1))
    assert result["se_paired"] == pytest.approx(sd / math.sqrt(n))
    assert result["only_a"] == sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    assert result["se_paired"] < result["se_unpaired"]  # the two models agree on most questions
    with pytest.raises(DemoInputError, match="accuracy_a must be between"):
        run_demo("benchmark-error-bars", {"accuracy_a": 1.5})


def test_multiple_choice_scoring_picks_by_hand():
    result = run_demo(
        "mc-likelihood-scoring",
        {"logprob_sums": [-1.0, -3.0, -8.0], "token_counts": [1, 6, 4], "letter_probs": [0.1, 0.2, 0.7]},
    ).result
    assert result["per_token"] == pytest.approx([-1.0, -0.5, -2.0])
    assert result["picks"] == {"summed log-probability": "A", "mean per token": "B", "probability of the letter": "C"}
    with pytest.raises(DemoInputError, match="logprob_sums must be"):
        run_demo("mc-likelihood-scoring", {"logprob_sums": [0.5, -1.0]})
