"""Drills of the LLM evaluation topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from quizprep.drills import generate
from tests.helpers.drills import hand_formula_test, solution_ending_test


def pass_at_k(p):
    n, c, k = p["n"], p["c"], p["k"]
    all_fail = 1.0
    for i in range(k):  # draw k samples one by one without replacement, every one a failure
        all_fail *= (n - c - i) / (n - i)
    return [1 - all_fail]


def bleu_unigram_brevity(p):
    reference, candidate = p["reference"], p["candidate"]
    matched = 0
    for word in set(candidate):
        matched += min(candidate.count(word), reference.count(word))
    c, r = len(candidate), len(reference)
    return [matched / c, 1.0 if c > r else math.exp(1 - r / c)]


def ece_from_bins(p):
    total = sum(b["count"] for b in p["bins"])
    return [sum(b["count"] * abs(b["accuracy"] - b["confidence"]) for b in p["bins"]) / total]


EXPECTED = {"pass-at-k": pass_at_k, "bleu-unigram-brevity": bleu_unigram_brevity, "ece-from-bins": ece_from_bins}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)


def test_bleu_prompts_exercise_clipping_and_both_penalty_cases():
    problems = [generate("bleu-unigram-brevity", seed) for seed in range(40)]
    assert any(p.answer[1] == 1.0 for p in problems) and any(p.answer[1] < 1.0 for p in problems)
    assert any(p.params["candidate"].count("the") > p.params["reference"].count("the") for p in problems)
