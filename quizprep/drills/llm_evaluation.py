"""Drills for the LLM evaluation topic: the unbiased pass@k estimator, BLEU's clipped unigram precision and
brevity penalty, and expected calibration error from a binned table."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, pick, rounded


@drill("pass-at-k")
def pass_at_k(rng: np.random.Generator) -> Problem:
    """The unbiased pass@k estimate from n samples with c correct"""
    n = pick(rng, [10, 20, 50, 100])
    k = pick(rng, [k for k in (1, 5, 10) if k < n])
    c = int(rng.integers(1, max(2, n // 4)))
    value = 1 - math.comb(n - c, k) / math.comb(n, k)
    return Problem(
        prompt=(
            f"For one coding problem a model generated n = {n} samples, of which c = {c} pass the unit tests. "
            f"What is the unbiased estimate of pass@{k}, 1 - C(n-c, k)/C(n, k)? (3 decimals)"
        ),
        answer=[value],
        solution=[
            f"C({n - c}, {k}) = {math.comb(n - c, k)} and C({n}, {k}) = {math.comb(n, k)}",
            f"(the plug-in 1 - (1 - c/n)^k would give {rounded(1 - (1 - c / n) ** k)}, which is biased low)",
            f"pass@{k} = 1 - {math.comb(n - c, k)}/{math.comb(n, k)} = {rounded(value)}",
        ],
        **decimals(3),
        params={"n": n, "c": c, "k": k},
    )


VOCABULARY = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "to", "park"]


@drill("bleu-unigram-brevity")
def bleu_unigram_brevity(rng: np.random.Generator) -> Problem:
    """BLEU clipped unigram precision and brevity penalty"""
    reference = [str(w) for w in rng.choice(VOCABULARY, size=int(rng.integers(6, 10)))]
    size = int(rng.integers(4, len(reference) + 2))
    candidate = [str(w) for w in rng.choice(reference + ["the", "the", "a"], size=size)]  # repeats test the clipping
    ref_counts = Counter(reference)
    clipped = sum(min(count, ref_counts[w]) for w, count in Counter(candidate).items())
    precision = clipped / len(candidate)
    c, r = len(candidate), len(reference)
    penalty = 1.0 if c > r else math.exp(1 - r / c)
    return Problem(
        prompt=(
            f'Reference: "{" ".join(reference)}". Candidate: "{" ".join(candidate)}" (words split on spaces). '
            "What are BLEU's clipped unigram precision and its brevity penalty (exp(1 - r/c) when c ≤ r, else 1)? "
            "Give both, separated by a semicolon, e.g. 0.5; 0.9 (3 decimals each)"
        ),
        answer=[precision, penalty],
        solution=[
            "clip each candidate word's count at its count in the reference: "
            + ", ".join(f"{w} {min(k, ref_counts[w])}/{k}" for w, k in sorted(Counter(candidate).items())),
            f"precision = {clipped}/{c} = {rounded(precision)}",
            f"c = {c}, r = {r}: BP = "
            + ("1 (the candidate is longer)" if c > r else f"exp(1 - {r}/{c}) = {rounded(penalty)}"),
        ],
        **decimals(3),
        params={"reference": reference, "candidate": candidate},
    )


@drill("ece-from-bins")
def ece_from_bins(rng: np.random.Generator) -> Problem:
    """Expected calibration error from a table of confidence bins"""
    edges = [(0.4, 0.6), (0.6, 0.8), (0.8, 1.0)] if rng.random() < 0.5 else [(0.25, 0.5), (0.5, 0.75), (0.75, 1.0)]
    bins = []
    for low, high in edges:
        count = int(pick(rng, [20, 40, 50, 80, 100, 150]))
        confidence = round(float(rng.uniform(low + 0.02, high - 0.02)), 2)
        accuracy = round(min(1.0, max(0.0, confidence - float(rng.uniform(-0.05, 0.2)))), 2)
        bins.append({"count": count, "confidence": confidence, "accuracy": accuracy})
    total = sum(b["count"] for b in bins)
    ece = sum(b["count"] / total * abs(b["accuracy"] - b["confidence"]) for b in bins)
    table = "; ".join(
        f"bin {i + 1}: {b['count']} predictions, mean confidence {b['confidence']:.2f}, accuracy {b['accuracy']:.2f}"
        for i, b in enumerate(bins)
    )
    return Problem(
        prompt=(
            f"A classifier's predictions fall into three confidence bins. {table}. "
            "What is the expected calibration error? (3 decimals)"
        ),
        answer=[ece],
        solution=[
            "ECE = Σ (n_b / N) · |accuracy_b - confidence_b| with N = " + str(total),
            " + ".join(f"{b['count']}/{total}·{abs(b['accuracy'] - b['confidence']):.2f}" for b in bins)
            + f" = {rounded(ece)}",
        ],
        **decimals(3),
        params={"bins": bins},
    )
