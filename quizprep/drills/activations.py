"""Drills for the activations topic: softmax, sigmoid, SiLU and GELU values, and stacked linear layers."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, decimals, normal_cdf, num, paren, pick, sigmoid, vec


@drill("softmax-probability")
def softmax_probability(rng: np.random.Generator) -> Problem:
    """A softmax probability from three logits"""
    logits = rng.integers(-2, 4, size=3).astype(float)
    k = int(rng.integers(0, 3))
    e = np.exp(logits - logits.max())
    p = e / e.sum()
    z = ", ".join(f"{v:g}" for v in logits)
    exps = " + ".join(f"e^{v:g}" for v in logits)
    return Problem(
        prompt=f"The logits are z = ({z}). What probability does softmax give to class {k + 1}, "
        f"counting classes from 1 (its logit is {logits[k]:g})? "
        "(3 decimals)",
        answer=[float(p[k])],
        solution=[
            f"softmax(z)_{k + 1} = e^{logits[k]:g} / ({exps})",
            f"= {np.exp(logits[k]):.4f} / {np.exp(logits).sum():.4f} = {p[k]:.4f}",
        ],
        rel_tol=0.01,
        abs_tol=0.002,
        params={"logits": logits.tolist(), "class": k + 1},
    )


@drill("sigmoid-derivative")
def sigmoid_derivative(rng: np.random.Generator) -> Problem:
    """The sigmoid's derivative at a point"""
    x = int(rng.integers(-8, 9)) / 4
    s = sigmoid(x)
    d = s * (1 - s)
    return Problem(
        prompt=f"What is the derivative of the sigmoid σ(x) = 1/(1 + e^-x) at x = {num(x)}? (4 decimals)",
        answer=[d],
        solution=[
            f"σ({num(x)}) = 1/(1 + e^{paren(-x)}) = {s:.5f}",
            f"σ'(x) = σ(x)·(1 - σ(x)) = {s:.5f}·{1 - s:.5f} = {d:.5f}",
        ],
        **decimals(4),
        params={"x": x},
    )


@drill("silu-gelu-value")
def silu_gelu_value(rng: np.random.Generator) -> Problem:
    """SiLU and GELU at a point"""
    x = pick(rng, [v / 4 for v in range(-12, 13) if v != 0])
    sig = 1 / (1 + math.exp(-x))
    phi = normal_cdf(x)
    silu = x * sig
    gelu = x * phi
    return Problem(
        prompt=(
            f"What do (1) SiLU (Swish with β = 1) and (2) exact GELU output at x = {num(x)}? For GELU you may use "
            f"Φ({num(x)}) = {phi:.4f}, the standard normal CDF. (3 decimals each)"
        ),
        answer=[silu, gelu],
        solution=[
            f"SiLU(x) = x·σ(x) = {num(x)}·1/(1 + e^{paren(-x)}) = {num(x)}·{sig:.4f} = {silu:.4f}",
            f"GELU(x) = x·Φ(x) = {num(x)}·{phi:.4f} = {gelu:.4f}",
        ],
        **decimals(3),
        params={"x": x},
    )


@drill("linear-layers-merge")
def linear_layers_merge(rng: np.random.Generator) -> Problem:
    """One layer equal to two stacked linear layers"""
    W1 = [[int(v) for v in rng.integers(-3, 4, size=2)] for _ in range(2)]
    b1 = [int(v) for v in rng.integers(-2, 3, size=2)]
    w2 = [int(v) for v in rng.integers(-3, 4, size=2)]
    if w2 == [0, 0]:
        w2[0] = 1
    b2 = int(rng.integers(-3, 4))
    W = [w2[0] * W1[0][j] + w2[1] * W1[1][j] for j in range(2)]
    b = w2[0] * b1[0] + w2[1] * b1[1] + b2
    return Problem(
        prompt=(
            f"A layer h = W1·x + b1 with W1 = [[{W1[0][0]}, {W1[0][1]}], "
            f"[{W1[1][0]}, {W1[1][1]}]] and b1 = {vec(b1)} feeds, "
            f"with no activation, the output y = w2·h + b2 with w2 = {vec(w2)} and b2 = {b2}. The pair equals one "
            f"layer y = w·x + b. What are the two entries of w, then b? (whole numbers)"
        ),
        answer=[float(W[0]), float(W[1]), float(b)],
        solution=[
            f"w = w2·W1 = ({w2[0]}·{paren(W1[0][0])} + {paren(w2[1])}·{paren(W1[1][0])}, "
            f"{w2[0]}·{paren(W1[0][1])} + {paren(w2[1])}·{paren(W1[1][1])})"
            f" = ({W[0]}, {W[1]})",
            f"b = w2·b1 + b2 = {w2[0]}·{paren(b1[0])} + {paren(w2[1])}·{paren(b1[1])} + {paren(b2)} = {b}",
        ],
        **EXACT,
        params={"W1": W1, "b1": b1, "w2": w2, "b2": b2},
    )
