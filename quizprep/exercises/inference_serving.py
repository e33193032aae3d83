"""Exercises for the inference-serving topic: top-k and top-p (nucleus) filtering of logits, and one decoding step
with a KV cache."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "top_k_filter",
    items=["top-k-vs-top-p-sampling", "temperature-sampling"],
    difficulty=1,
    hints=[
        "Find each row's k-th largest value: np.sort(logits, axis=-1)[..., -k], kept as a column with [..., None].",
        "Entries strictly below it become -inf; entries equal to it stay (ties at the cut are kept).",
        "With k ≥ V nothing is removed.",
    ],
)
def top_k_filter(logits, k):
    """Keep the k largest logits of each row and set the rest to -inf, ready for sampling.

    logits: float array (..., V). k: int ≥ 1. Let t be the k-th largest value of a row (the smallest of the top k):
    entries < t become -inf, the others are unchanged, so ties with t are all kept. k ≥ V removes nothing.
    Returns a new float array of the same shape. Do not change the inputs.
    """
    k = min(k, logits.shape[-1])
    threshold = np.sort(logits, axis=-1)[..., -k][..., None]
    return np.where(logits < threshold, -np.inf, logits)


@hidden_tests("top_k_filter")
def top_k_filter_tests(rng):
    return [
        Case("vector", (np.array([1.0, 3.0, 2.0, 0.5]), 2), hint="keep the 2 largest, -inf elsewhere"),
        Case("rows", (normal(rng, 3, 6), 3), hint="the cut is per row"),
        Case("k = 1", (normal(rng, 2, 5), 1), hint="only each row's maximum survives"),
        Case("k larger than V", (normal(rng, 2, 3), 10), hint="nothing is removed"),
        Case("tie at the cut", (np.array([[4.0, 2.0, 2.0, 1.0]]), 2), hint="entries equal to the k-th value stay"),
        Case("3-D", (normal(rng, 2, 2, 4), 2), hint="the last axis is the vocabulary"),
    ]


@exercise(
    "top_p_filter",
    items=["top-k-vs-top-p-sampling", "repetition-and-degeneration"],
    difficulty=2,
    hints=[
        "Sort each row's probabilities (softmax of the logits) from high to low.",
        "Keep a token when the probability mass of the tokens before it is < p: the smallest set reaching p, and "
        "always the top token.",
        "Put the decision back in the original order: np.put_along_axis with the sort order.",
    ],
)
def top_p_filter(logits, p):
    """Nucleus (top-p) filtering: keep the smallest set of most likely tokens whose probability reaches p.

    logits: float array (N, V) (no ties in a row). p: float in (0, 1]. With probabilities softmax(logits) sorted from
    high to low, a token is kept when the sum of the probabilities ranked above it is < p (so the top token is always
    kept, and the kept set is the smallest whose total is ≥ p). Kept logits are unchanged, the others -inf.
    Returns a new float array (N, V). Do not change the inputs.
    """
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = shifted / shifted.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1)
    ranked = np.take_along_axis(probs, order, axis=1)
    before = np.cumsum(ranked, axis=1) - ranked
    keep = np.zeros_like(logits, dtype=bool)
    np.put_along_axis(keep, order, before < p, axis=1)
    return np.where(keep, logits, -np.inf)


@hidden_tests("top_p_filter")
def top_p_filter_tests(rng):
    return [
        Case(
            "known probabilities",
            (np.log(np.array([[0.5, 0.1, 0.3, 0.1 + 1e-9]])), 0.7),
            hint="0.5 + 0.3 reaches 0.7: keep two tokens",
        ),
        Case("rows", (normal(rng, 4, 6, scale=2.0), 0.9), hint="the cut is per row, after sorting"),
        Case("tiny p", (normal(rng, 3, 5), 0.01), hint="the top token is always kept"),
        Case("p = 1", (normal(rng, 2, 4), 1.0), hint="keep every token whose preceding mass is below 1"),
        Case("large logits", (np.array([[1000.0, 999.0, 0.0]]), 0.5), hint="a stable softmax first"),
    ]


@exercise(
    "kv_cache_step",
    items=["kv-cache", "kv-cache-memory-arithmetic", "prefill-vs-decode-bottlenecks"],
    difficulty=2,
    returns=("out", "k_cache", "v_cache"),
    hints=[
        "Project the new token: q = x @ W_q, k = x @ W_k, v = x @ W_v, each (B, d).",
        "Append k and v to the caches along the time axis (axis 1): the new token attends to itself too.",
        "Scores are q·k / sqrt(d) over the T + 1 cached keys; softmax over them, then weight the cached values.",
    ],
)
def kv_cache_step(x, W_q, W_k, W_v, k_cache, v_cache):
    """One incremental decoding step of single-head attention with a KV cache.

    x: float array (B, D), the newest token of each sequence. W_q, W_k, W_v: (D, d).
    k_cache, v_cache: float arrays (B, T, d) holding the keys and values of the T earlier tokens (T may be 0).
    Append this token's key x @ W_k and value x @ W_v to the caches, then let its query x @ W_q attend to all T + 1
    keys with softmax(q·kᵀ / sqrt(d)). Returns (out, new_k_cache, new_v_cache): out (B, d) and caches (B, T + 1, d),
    as new arrays. Do not change the inputs.
    """
    q, k, v = x @ W_q, x @ W_k, x @ W_v
    keys = np.concatenate([k_cache, k[:, None, :]], axis=1)
    values = np.concatenate([v_cache, v[:, None, :]], axis=1)
    scores = np.einsum("bd,btd->bt", q, keys) / q.shape[-1] ** 0.5
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("bt,btd->bd", weights, values), keys, values


@hidden_tests("kv_cache_step")
def kv_cache_step_tests(rng):
    def step(b, t, dm, d):
        return (
            normal(rng, b, dm),
            normal(rng, dm, d),
            normal(rng, dm, d),
            normal(rng, dm, d),
            normal(rng, b, t, d),
            normal(rng, b, t, d),
        )

    return [
        Case("empty cache", step(2, 0, 4, 3), hint="the first token attends only to itself"),
        Case("three cached tokens", step(2, 3, 5, 4), hint="append, then attend to all T + 1 keys"),
        Case("batch of one", step(1, 5, 3, 2), hint="divide scores by sqrt(d) of the head, not of the model"),
        Case("wide head", step(3, 2, 4, 6), hint="new caches are (B, T + 1, d)"),
    ]
