"""Drills for the regularization topic: dropout scaling and L2 penalties."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, paren, pick, rounded


@drill("dropout-scaling")
def dropout_scaling(rng: np.random.Generator) -> Problem:
    """Inverted and classic dropout scaling"""
    p = pick(rng, [0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75])
    a = int(rng.integers(1, 13)) / 2
    kept = a / (1 - p)
    test = a * (1 - p)
    return Problem(
        prompt=(
            f"A unit's activation is a = {num(a)} and dropout drops units with probability p = {num(p)}. "
            f"(1) With inverted dropout, what value does the unit pass on in training when it is kept? "
            f"(2) With the original, non-inverted dropout, what does it output at test time? "
            f"(3 decimals each)"
        ),
        answer=[kept, test],
        solution=[
            f"inverted: kept units are scaled up by 1/(1 - p) in training: {num(a)} / {num(1 - p)} = {rounded(kept)}",
            f"non-inverted: outputs are scaled by the keep rate at test time: {num(a)}·{num(1 - p)} = {rounded(test)}",
            "either way the expected training output equals the test output",
        ],
        **decimals(3),
        params={"p": p, "a": a},
    )


@drill("l2-penalty-gradient")
def l2_penalty_gradient(rng: np.random.Generator) -> Problem:
    """Gradient and SGD step with an L2 penalty"""
    w = int(pick(rng, [-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6])) / 2
    g = int(rng.integers(-10, 11)) / 10
    lam = pick(rng, [0.01, 0.05, 0.1, 0.2, 0.5])
    half = bool(rng.integers(0, 2))
    lr = pick(rng, [0.1, 0.2, 0.5])
    factor = 1 if half else 2
    grad = g + factor * lam * w
    new = w - lr * grad
    penalty = f"({num(lam)}/2)·Σ w²" if half else f"{num(lam)}·Σ w²"
    return Problem(
        prompt=(
            f"The loss is L = L_data + {penalty}. For a weight w = {num(w)}, dL_data/dw = {num(g)}. "
            f"What is the total gradient dL/dw, and w after one SGD step with learning rate {num(lr)}? "
            f"(4 decimals each)"
        ),
        answer=[grad, new],
        solution=[
            (
                f"d/dw of the penalty = {'λ·w' if half else '2λ·w'} = "
                f"{'' if half else '2·'}{num(lam)}·{paren(w)} = {num(factor * lam * w)}"
            ),
            f"dL/dw = {num(g)} + {paren(factor * lam * w)} = {num(grad)}",
            f"w_new = {num(w)} - {num(lr)}·{paren(grad)} = {num(new)}",
        ],
        **decimals(4),
        params={"w": w, "data_grad": g, "lam": lam, "half": half, "lr": lr},
    )
