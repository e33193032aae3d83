"""Exercises for the llm-architecture topic: rotary position embeddings, the SwiGLU feed-forward block and top-k
expert routing."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "rope",
    items=["rotary-position-embedding", "rope-context-extension", "position-encoding-types"],
    difficulty=2,
    hints=[
        "Pair i is (x[..., 2i], x[..., 2i+1]) and turns by the angle θ = position · base^(-2i/D).",
        "A rotation: even' = even·cos θ - odd·sin θ and odd' = even·sin θ + odd·cos θ.",
        "Angles form an (L, D/2) table, positions[:, None] times the frequencies, broadcast over the leading axes.",
    ],
)
def rope(x, positions, base=10000.0):
    """Rotary position embedding, in the interleaved form of the RoFormer paper.

    x: float array (..., L, D) with D even (queries or keys). positions: int array (L,), the position of each row.
    Each pair (x[..., 2i], x[..., 2i+1]) at position p is rotated by θ = p · base^(-2i/D), i = 0 … D/2 - 1:
    out[..., 2i] = x[..., 2i]·cos θ - x[..., 2i+1]·sin θ and out[..., 2i+1] = x[..., 2i]·sin θ + x[..., 2i+1]·cos θ.
    (Many libraries pair feature i with i + D/2 instead; here pairs are adjacent.) Returns an array of x's shape.
    Do not change the inputs.
    """
    d = x.shape[-1]
    freqs = base ** (-np.arange(0, d, 2) / d)
    angles = positions[:, None] * freqs[None, :]
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


@hidden_tests("rope")
def rope_tests(rng):
    return [
        Case("position 0 is unchanged", (normal(rng, 1, 4), np.array([0])), hint="angle 0 leaves x alone"),
        Case("one pair", (np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([1, 2])), hint="pair 0 turns by p radians"),
        Case("sequence", (normal(rng, 5, 8), np.arange(5)), hint="θ = p · base^(-2i/D): the exponent uses 2i"),
        Case(
            "heads and batch",
            (normal(rng, 2, 3, 4, 6), np.array([3, 7, 8, 20])),
            hint="positions need not start at 0 (cached decoding)",
        ),
        Case("other base", (normal(rng, 3, 4), np.arange(3)), {"base": 500.0}, hint="use the given base"),
    ]


@exercise(
    "swiglu",
    items=["swiglu-feed-forward", "swiglu-hidden-width", "silu-swish-activation"],
    difficulty=1,
    hints=[
        "silu(z) = z·σ(z) = z / (1 + exp(-z)).",
        "The gate path goes through SiLU, the up path does not: (silu(x @ W_gate) · (x @ W_up)) @ W_down.",
    ],
)
def swiglu(x, W_gate, W_up, W_down):
    """The SwiGLU feed-forward block of LLaMA-style transformers (no biases).

    x: float array (..., D). W_gate, W_up: (D, F). W_down: (F, D).
    Returns (silu(x @ W_gate) · (x @ W_up)) @ W_down, shape (..., D), with silu(z) = z·sigmoid(z) and · elementwise.
    Do not change the inputs.
    """
    gate = x @ W_gate
    return (gate / (1.0 + np.exp(-gate)) * (x @ W_up)) @ W_down


@hidden_tests("swiglu")
def swiglu_tests(rng):
    return [
        Case(
            "tokens",
            (normal(rng, 3, 4), normal(rng, 4, 6), normal(rng, 4, 6), normal(rng, 6, 4)),
            hint="SiLU on the gate path only",
        ),
        Case(
            "batch of sequences",
            (normal(rng, 2, 3, 2), normal(rng, 2, 5), normal(rng, 2, 5), normal(rng, 5, 2)),
            hint="matrix products over the last axis",
        ),
        Case(
            "single token",
            (normal(rng, 1, 3), normal(rng, 3, 2), normal(rng, 3, 2), normal(rng, 2, 3)),
            hint="silu(z) = z·σ(z), not σ(z)",
        ),
    ]


@exercise(
    "moe_route",
    items=["moe-top-k-routing", "mixture-of-experts-basics"],
    difficulty=2,
    returns=("experts", "weights"),
    hints=[
        "np.argsort(-logits, axis=1)[:, :k] gives each token's k best experts, best first.",
        "The weights are a softmax over the k chosen logits only (they sum to 1 per token).",
        "np.take_along_axis(logits, experts, axis=1) picks the chosen logits.",
    ],
)
def moe_route(logits, k):
    """Top-k routing of tokens to experts, with weights renormalised over the chosen experts.

    logits: float array (N, E), router scores (no ties in a row). k: experts per token, 1 ≤ k ≤ E.
    Returns (experts, weights): experts an int array (N, k) of each token's k highest-scoring experts, best first;
    weights a float array (N, k), the softmax of those k logits (each row sums to 1). Do not change the inputs.
    """
    experts = np.argsort(-logits, axis=1)[:, :k]
    chosen = np.take_along_axis(logits, experts, axis=1)
    e = np.exp(chosen - chosen.max(axis=1, keepdims=True))
    return experts, e / e.sum(axis=1, keepdims=True)


@hidden_tests("moe_route")
def moe_route_tests(rng):
    return [
        Case("top 2 of 4", (normal(rng, 3, 4), 2), hint="softmax over the chosen logits, not all experts"),
        Case("top 1", (normal(rng, 5, 6), 1), hint="one expert gets weight 1"),
        Case("all experts", (normal(rng, 2, 3), 3), hint="k = E: a plain softmax, experts best first"),
        Case(
            "large logits",
            (np.array([[1000.0, 999.0, -5.0], [0.0, 800.0, 801.0]]), 2),
            hint="subtract the maximum before exp",
        ),
    ]
