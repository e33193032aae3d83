"""Exercises for the llm-evaluation topic: the unbiased pass@k estimator."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case


@exercise(
    "pass_at_k",
    items=["pass-at-k-estimator"],
    difficulty=2,
    hints=[
        "pass@k = 1 - C(n - c, k) / C(n, k): one minus the chance that k samples drawn without replacement all fail.",
        "If n - c < k every draw of k holds a correct sample: the answer is 1.",
        "Binomials overflow for large n: write the ratio as the product of (1 - k / i) for i = n - c + 1 … n.",
    ],
)
def pass_at_k(n, c, k):
    """The unbiased pass@k estimate from n samples of which c are correct.

    n, c, k: ints with 0 ≤ c ≤ n and 1 ≤ k ≤ n. Returns one float: 1 - C(n - c, k) / C(n, k), the chance that at
    least one of k samples drawn without replacement from the n is correct (1.0 when n - c < k).
    Must work for n in the thousands.
    """
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


@hidden_tests("pass_at_k")
def pass_at_k_tests(rng):
    return [
        Case("pass@1", (10, 3, 1), hint="pass@1 is c / n"),
        Case("pass@5", (20, 2, 5), hint="1 - C(n-c, k) / C(n, k)"),
        Case("none correct", (10, 0, 3), hint="no correct sample: 0"),
        Case("too few failures", (5, 3, 4), hint="n - c < k: certainly 1"),
        Case("large n", (2000, 13, 100), rtol=1e-9, atol=1e-12, hint="a product instead of huge binomials"),
    ]
