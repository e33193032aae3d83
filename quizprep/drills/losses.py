"""Drills for the losses topic: mean squared error, cross-entropies, label smoothing, focal loss and log-sum-exp."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, pick, rounded, vec


@drill("mse-loss")
def mse_loss(rng: np.random.Generator) -> Problem:
    """Mean squared error of two small vectors"""
    y = [int(v) for v in rng.integers(0, 5, size=4)]
    diff = [int(v) / 2 for v in rng.integers(-4, 5, size=4)]
    if not any(diff):
        diff[0] = 1.0
    pred = [t + d for t, d in zip(y, diff, strict=False)]
    squares = [d * d for d in diff]
    mse = sum(squares) / 4
    return Problem(
        prompt=f"Targets y = {vec(y)}, predictions ŷ = {vec(pred)}. What is the mean squared error? (3 decimals)",
        answer=[mse],
        solution=[
            f"errors ŷ - y = {vec(diff)}",
            f"squared = {vec(squares)}, sum = {num(sum(squares))}",
            f"MSE = {num(sum(squares))} / 4 = {num(mse)}",
        ],
        **decimals(3),
        params={"y": y, "pred": pred},
    )


@drill("binary-cross-entropy")
def binary_cross_entropy(rng: np.random.Generator) -> Problem:
    """Mean binary cross-entropy of three predictions"""
    y = [int(v) for v in rng.integers(0, 2, size=3)]
    p = [int(v) / 10 for v in rng.integers(1, 10, size=3)]
    terms = [-math.log(q if t == 1 else 1 - q) for t, q in zip(y, p, strict=False)]
    loss = sum(terms) / 3
    shown = [f"-ln({num(q)})" if t == 1 else f"-ln(1 - {num(q)})" for t, q in zip(y, p, strict=False)]
    return Problem(
        prompt=(
            f"Three examples have labels y = {vec(y)} and predicted probabilities "
            f"p = P(y = 1) = {vec(p)}. What is the mean binary cross-entropy (natural log)? (3 decimals)"
        ),
        answer=[loss],
        solution=[
            "per example: -ln(p) when y = 1, -ln(1 - p) when y = 0",
            ", ".join(f"{s} = {v:.4f}" for s, v in zip(shown, terms, strict=False)),
            f"mean = ({' + '.join(f'{v:.4f}' for v in terms)}) / 3 = {loss:.4f}",
        ],
        **decimals(3),
        params={"y": y, "p": p},
    )


@drill("categorical-cross-entropy")
def categorical_cross_entropy(rng: np.random.Generator) -> Problem:
    """Cross-entropy of one prediction against a one-hot label"""
    cuts = sorted(int(v) for v in rng.choice(np.arange(1, 20), size=3, replace=False))
    probs = [round((b - a) * 0.05, 2) for a, b in zip([0, *cuts], [*cuts, 20], strict=False)]
    k = int(rng.integers(0, 4))
    onehot = [1 if i == k else 0 for i in range(4)]
    loss = -math.log(probs[k])
    return Problem(
        prompt=(
            f"A 4-class classifier outputs probabilities {vec(probs)}; the one-hot label is {vec(onehot)}. "
            f"What is the cross-entropy loss (natural log)? (3 decimals)"
        ),
        answer=[loss],
        solution=[
            "CE = -Σ y_i·ln(p_i); only the true class has y_i = 1",
            f"CE = -ln({num(probs[k])}) = {loss:.4f}",
        ],
        **decimals(3),
        params={"probs": probs, "true_class": k + 1},
    )


@drill("label-smoothed-target")
def label_smoothed_target(rng: np.random.Generator) -> Problem:
    """Label-smoothed targets for the true and other classes"""
    k = pick(rng, [3, 4, 5, 6, 8, 10, 20])
    eps = pick(rng, [0.05, 0.1, 0.15, 0.2, 0.3])
    other = eps / k
    true = 1 - eps + other
    return Problem(
        prompt=(
            f"A {k}-class classifier is trained with label smoothing "
            f"ε = {num(eps)} (the uniform share ε/K goes to every "
            f"class, the true one included). What target does the true class get, and what does each other class get? "
            f"(4 decimals each)"
        ),
        answer=[true, other],
        solution=[
            "q = (1 - ε)·y + ε/K, with y the one-hot label",
            f"other classes: ε/K = {num(eps)}/{k} = {rounded(other)}",
            f"true class: 1 - ε + ε/K = 1 - {num(eps)} + {rounded(other)} = {rounded(true)} (the {k} targets sum to 1)",
        ],
        **decimals(4),
        params={"classes": k, "epsilon": eps},
    )


@drill("focal-loss-value")
def focal_loss_value(rng: np.random.Generator) -> Problem:
    """Focal loss and cross-entropy of one anchor"""
    p = pick(rng, [0.2, 0.3, 0.4, 0.6, 0.7, 0.8])
    y = int(rng.integers(0, 2))
    gamma = pick(rng, [1, 2, 3])
    alpha = pick(rng, [0.25, 0.5, 0.75])
    p_t = p if y == 1 else 1 - p
    alpha_t = alpha if y == 1 else 1 - alpha
    ce = -math.log(p_t)
    focal = alpha_t * (1 - p_t) ** gamma * ce
    kind = "an object (y = 1)" if y == 1 else "background (y = 0)"
    return Problem(
        prompt=(
            f"A detector predicts P(object) = {num(p)} for an anchor that is {kind}. "
            f"With γ = {gamma} and α = {num(alpha)} "
            "(α weights objects, 1 - α background), "
            "what is the focal loss FL = -α_t·(1 - p_t)^γ·ln p_t, and what is the "
            f"plain cross-entropy -ln p_t? (5 decimals each)"
        ),
        answer=[focal, ce],
        solution=[
            f"p_t = {'p' if y == 1 else '1 - p'} = {num(p_t)}, α_t = {'α' if y == 1 else '1 - α'} = {num(alpha_t)}",
            f"CE = -ln {num(p_t)} = {rounded(ce)}",
            (
                f"FL = {num(alpha_t)}·(1 - {num(p_t)})^{gamma}·{rounded(ce)} = "
                f"{num(alpha_t)}·{rounded((1 - p_t) ** gamma)}·{rounded(ce)} = {rounded(focal)}"
            ),
        ],
        **decimals(5),
        params={"p": p, "y": y, "gamma": gamma, "alpha": alpha},
    )


@drill("log-sum-exp-value")
def log_sum_exp_value(rng: np.random.Generator) -> Problem:
    """Log-sum-exp and log-softmax of huge logits"""
    base = pick(rng, [-1000, -800, 800, 1000])
    offsets = [int(v) for v in rng.choice(np.arange(-2, 3), size=3, replace=False)]
    logits = [base + o for o in offsets]
    k = int(rng.integers(0, 3))
    top = max(logits)
    rest = sum(math.exp(z - top) for z in logits)
    lse = top + math.log(rest)
    shifted = " + ".join(f"e^{num(z - top)}" for z in logits)
    return Problem(
        prompt=(
            f"The logits are z = {vec(logits)}. What is log Σ e^z (natural log), "
            f"and the log-softmax of class {k + 1} (counting from 1), "
            f"z_{k + 1} - log Σ e^z? (A calculator's e^z overflows or underflows here.) (2 decimals each)"
        ),
        answer=[lse, logits[k] - lse],
        solution=[
            f"log Σ e^z = m + log Σ e^(z - m) with m = max z = {top}",
            f"= {top} + ln({shifted}) = {top} + ln({rest:.5f}) = {rounded(lse)}",
            f"log-softmax = {logits[k]} - {rounded(lse, paren=True)} = {rounded(logits[k] - lse)}",
        ],
        **decimals(2),
        params={"logits": logits, "class": k + 1},
    )
