"""Exercises for the attention-transformers topic: scaled dot-product attention with a mask, the causal mask,
splitting and merging heads, and sinusoidal position encodings."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "attention",
    items=["scaled-dot-product-self-attention", "attention-scaling-variance", "causal-attention-mask"],
    difficulty=2,
    hints=[
        "scores = q @ k.swapaxes(-1, -2) / sqrt(d), with d = q.shape[-1]; weights = softmax over the last axis.",
        "Masked scores become -inf before the softmax (np.where(mask, scores, -np.inf)); True means allowed.",
        "A row with every key masked has no maximum: give it weights 0 (and so an output of 0) instead of NaN.",
        "Subtract the row maximum before exp, as in a stable softmax.",
    ],
)
def attention(q, k, v, mask=None):
    """Scaled dot-product attention with an optional boolean mask.

    q: float array (..., Lq, d). k: float array (..., Lk, d). v: float array (..., Lk, dv); leading axes
    (batch, heads) broadcast. mask: None, or a bool array broadcastable to (..., Lq, Lk), True where query i may
    attend to key j. weights = softmax over keys of q·kᵀ / sqrt(d) with disallowed scores at -inf; a query row with
    no allowed key gets all-zero weights (so its output is 0, not NaN). Returns weights @ v, (..., Lq, dv).
    Do not change the inputs.
    """
    scores = q @ np.swapaxes(k, -1, -2) / q.shape[-1] ** 0.5
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    top = np.max(scores, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)  # a fully masked row: exp(-inf) = 0 everywhere
    e = np.exp(scores - top)
    total = np.sum(e, axis=-1, keepdims=True)
    weights = e / np.where(total == 0.0, 1.0, total)
    return weights @ v


@hidden_tests("attention")
def attention_tests(rng):
    causal = np.tril(np.ones((4, 4), dtype=bool))
    padding = np.array([[True, True, False]])
    empty_row = np.array([[True, False], [False, False], [False, True]])
    return [
        Case("no mask", (normal(rng, 3, 4), normal(rng, 5, 4), normal(rng, 5, 2)), hint="divide scores by sqrt(d)"),
        Case(
            "batch and heads",
            (normal(rng, 2, 3, 4, 8), normal(rng, 2, 3, 4, 8), normal(rng, 2, 3, 4, 5)),
            hint="matrix products over the last two axes; transpose k's last two axes only",
        ),
        Case(
            "causal mask",
            (normal(rng, 4, 3), normal(rng, 4, 3), normal(rng, 4, 3), causal),
            hint="True means allowed: query i sees keys j ≤ i",
        ),
        Case(
            "padding mask broadcast",
            (normal(rng, 2, 3, 4), normal(rng, 2, 3, 4), normal(rng, 2, 3, 2), padding),
            hint="the mask broadcasts over the batch and the queries",
        ),
        Case(
            "large scores",
            (np.full((2, 2), 300.0), np.array([[300.0, 0.0], [0.0, 300.0]]), normal(rng, 2, 3)),
            hint="subtract the row maximum before exp",
        ),
        Case(
            "fully masked row",
            (normal(rng, 3, 2), normal(rng, 2, 2), normal(rng, 2, 3), empty_row),
            hint="the spec defines a row with no allowed key as all-zero weights",
        ),
        Case("one key", (normal(rng, 3, 4), normal(rng, 1, 4), normal(rng, 1, 2)), hint="a single key gets weight 1"),
    ]


@exercise(
    "causal_mask",
    items=["causal-attention-mask", "causal-mask-at-inference"],
    difficulty=1,
    hints=[
        "Query i may attend to keys 0 … i: the lower triangle, diagonal included.",
        "np.tril of a matrix of ones, as booleans.",
    ],
)
def causal_mask(length):
    """The causal (autoregressive) attention mask for a sequence.

    length: number of positions L ≥ 1. Returns a bool array (L, L) whose entry [i, j] is True where query i may
    attend to key j, that is j ≤ i (the diagonal is allowed).
    """
    return np.tril(np.ones((length, length), dtype=bool))


@hidden_tests("causal_mask")
def causal_mask_tests(rng):
    return [
        Case("length 1", (1,), hint="a token may attend to itself"),
        Case("length 3", (3,), hint="True on and below the diagonal"),
        Case("length 6", (6,), hint="[i, j] is allowed when j ≤ i"),
    ]


@exercise(
    "split_heads",
    items=["multi-head-attention"],
    difficulty=1,
    hints=[
        "Reshape (B, L, D) to (B, L, H, D/H): head h owns features h·D/H … (h+1)·D/H - 1.",
        "Then move the head axis before the sequence axis: transpose(0, 2, 1, 3).",
    ],
)
def split_heads(x, num_heads):
    """Split the feature axis into attention heads.

    x: float array (B, L, D) with D divisible by num_heads. Returns a float array (B, H, L, D // H) where head h
    holds the features h·(D/H) … (h+1)·(D/H) - 1 of every position, in order. Do not change x.
    """
    b, length, d = x.shape
    return x.reshape(b, length, num_heads, d // num_heads).transpose(0, 2, 1, 3)


@hidden_tests("split_heads")
def split_heads_tests(rng):
    return [
        Case("counting", (np.arange(12.0).reshape(1, 2, 6), 3), hint="head h takes a contiguous block of features"),
        Case("batch", (normal(rng, 2, 5, 8), 2), hint="the result is (B, H, L, D/H)"),
        Case("one head", (normal(rng, 2, 3, 4), 1), hint="one head is the input with a new axis"),
        Case("head size 1", (normal(rng, 1, 3, 4), 4), hint="as many heads as features"),
    ]


@exercise(
    "merge_heads",
    items=["multi-head-attention"],
    difficulty=1,
    hints=[
        "The inverse of split_heads: transpose (B, H, L, Dh) to (B, L, H, Dh), then reshape to (B, L, H·Dh).",
        "Transpose before reshaping: reshaping (B, H, L, Dh) directly mixes positions and heads.",
    ],
)
def merge_heads(x):
    """Concatenate attention heads back into one feature axis (the inverse of splitting them).

    x: float array (B, H, L, Dh). Returns a float array (B, L, H·Dh) whose features h·Dh … (h+1)·Dh - 1 at position
    l are x[:, h, l, :]. Do not change x.
    """
    b, h, length, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(b, length, h * dh)


@hidden_tests("merge_heads")
def merge_heads_tests(rng):
    return [
        Case("counting", (np.arange(12.0).reshape(1, 3, 2, 2),), hint="head h fills features h·Dh onward"),
        Case("batch", (normal(rng, 2, 4, 3, 2),), hint="(B, H, L, Dh) -> (B, L, H·Dh)"),
        Case("one position", (normal(rng, 2, 3, 1, 2),), hint="transpose before reshape"),
        Case("square", (normal(rng, 1, 3, 3, 3),), hint="with H = L a wrong transpose still has the right shape"),
    ]


@exercise(
    "sinusoidal_positions",
    items=["positional-encoding", "position-encoding-types"],
    difficulty=1,
    hints=[
        "Column 2i holds sin(pos / 10000^(2i/dim)) and column 2i+1 holds cos of the same angle.",
        "The exponent uses the even index 2i (not i, not the column index of the cosine).",
        "Build pos as a column (L, 1) and the frequencies as a row (dim/2,), then broadcast.",
    ],
)
def sinusoidal_positions(length, dim):
    """The sinusoidal position encodings of the original Transformer.

    length: number of positions L. dim: even model width D.
    Returns a float array (L, D) with PE[pos, 2i] = sin(pos / 10000^(2i/D)) and PE[pos, 2i+1] = cos(pos / 10000^(2i/D)),
    for pos = 0 … L-1 and i = 0 … D/2 - 1.
    """
    pos = np.arange(length)[:, None]
    angles = pos / 10000.0 ** (np.arange(0, dim, 2) / dim)
    pe = np.empty((length, dim))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


@hidden_tests("sinusoidal_positions")
def sinusoidal_positions_tests(rng):
    return [
        Case("small", (3, 4), hint="sin on even columns, cos on odd ones"),
        Case("one position", (1, 6), hint="position 0: sin 0 = 0 and cos 0 = 1"),
        Case("longer", (50, 16), rtol=1e-6, atol=1e-9, hint="the exponent is 2i/D"),
    ]
