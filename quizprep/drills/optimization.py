"""Drills for the optimization topic: gradient-descent, momentum, Adam and AdamW steps, learning-rate scaling and
gradient checks."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, paren, pick, rounded


@drill("gradient-descent-step")
def gradient_descent_step(rng: np.random.Generator) -> Problem:
    """One gradient-descent step on a quadratic loss"""
    a = pick(rng, [0.5, 1.0, 1.5, 2.0])
    c = int(rng.integers(-3, 4))
    w = int(rng.integers(-4, 6))
    if w == c:
        w += 2
    lr = pick(rng, [0.01, 0.05, 0.1, 0.2])
    grad = 2 * a * (w - c)
    new = w - lr * grad
    square = f"(w - {c})²" if c > 0 else f"(w + {-c})²" if c < 0 else "w²"
    scale = "" if a == 1 else f"{num(a)}·"
    return Problem(
        prompt=(
            f"The loss is L(w) = {scale}{square}. Starting from w = {w}, take one plain "
            f"gradient-descent step with learning rate {num(lr)}. What is the new w? (3 decimals)"
        ),
        answer=[new],
        solution=[
            f"dL/dw = 2·a·(w - c) = 2·{num(a)}·({w} - {paren(c)}) = {num(grad)}",
            f"w_new = w - lr·dL/dw = {w} - {num(lr)}·{paren(grad)} = {num(new)}",
        ],
        **decimals(3),
        params={"a": a, "c": c, "w": w, "lr": lr},
    )


@drill("momentum-step")
def momentum_step(rng: np.random.Generator) -> Problem:
    """One SGD-with-momentum step: new velocity and weight"""
    mu = pick(rng, [0.5, 0.8, 0.9])
    v = int(rng.integers(-4, 5)) / 2
    g = int(rng.integers(-6, 7)) / 2
    w = int(rng.integers(-4, 5)) / 2
    lr = pick(rng, [0.01, 0.05, 0.1])
    v_new = mu * v + g
    w_new = w - lr * v_new
    return Problem(
        prompt=(
            f"SGD with momentum updates v ← μ·v + g, then w ← w - lr·v. With μ = {num(mu)}, lr = {num(lr)}, "
            f"previous velocity v = {num(v)}, gradient g = {num(g)} and w = {num(w)}, what are the new v and "
            f"the new w? (4 decimals each)"
        ),
        answer=[v_new, w_new],
        solution=[
            f"v = μ·v + g = {num(mu)}·{paren(v)} + {paren(g)} = {num(v_new)}",
            f"w = w - lr·v = {num(w)} - {num(lr)}·{paren(v_new)} = {num(w_new)}",
        ],
        **decimals(4),
        params={"mu": mu, "v": v, "g": g, "w": w, "lr": lr},
    )


@drill("adam-step")
def adam_step(rng: np.random.Generator) -> Problem:
    """One Adam step with bias correction"""
    t = int(rng.integers(2, 5))
    m = int(rng.integers(-5, 6)) / 10
    v = int(rng.integers(1, 11)) / 100
    g = int(pick(rng, [-4, -3, -2, -1, 1, 2, 3, 4])) / 2
    w = int(rng.integers(-4, 5)) / 2
    lr = pick(rng, [0.1, 0.05])
    m_t = 0.9 * m + 0.1 * g
    v_t = 0.99 * v + 0.01 * g * g
    m_hat = m_t / (1 - 0.9**t)
    v_hat = v_t / (1 - 0.99**t)
    w_new = w - lr * m_hat / math.sqrt(v_hat)
    return Problem(
        prompt=(
            f"Adam with β1 = 0.9, β2 = 0.99, lr = {num(lr)} and ε ≈ 0 enters step t = {t} (steps counted from 1) "
            f"with the moments left by step {t - 1}, m = {num(m)} and v = {num(v)}. "
            f"The gradient is g = {num(g)} and w = {num(w)}. "
            f"What is w after this step (with bias correction)? (3 decimals)"
        ),
        answer=[w_new],
        solution=[
            f"m = 0.9·{paren(m)} + 0.1·{paren(g)} = {num(m_t)}; v = 0.99·{num(v)} + 0.01·{num(g * g)} = {num(v_t)}",
            f"m̂ = m / (1 - 0.9^{t}) = {rounded(m_hat)}; v̂ = v / (1 - 0.99^{t}) = {rounded(v_hat)}",
            (
                f"w = w - lr·m̂/√v̂ = {num(w)} - "
                f"{num(lr)}·{rounded(m_hat, paren=True)}/{rounded(math.sqrt(v_hat))} = {rounded(w_new)}"
            ),
        ],
        **decimals(3),
        params={"t": t, "m": m, "v": v, "g": g, "w": w, "lr": lr},
    )


@drill("adamw-step")
def adamw_step(rng: np.random.Generator) -> Problem:
    """One AdamW step: decoupled decay and new weight"""
    w = int(pick(rng, [-6, -4, -3, -2, 2, 3, 4, 5, 6])) / 2
    root = pick(rng, [0.1, 0.2, 0.4, 0.5, 1.0, 2.0])
    v_hat = round(root * root, 4)
    m_hat = round(root * pick(rng, [-0.9, -0.6, -0.5, -0.3, 0.2, 0.4, 0.5, 0.8]), 4)
    lr = pick(rng, [0.01, 0.02, 0.05, 0.1])
    lam = pick(rng, [0.05, 0.1, 0.2])
    ratio = m_hat / math.sqrt(v_hat)
    decay = lr * lam * w
    new = w - lr * ratio - decay
    return Problem(
        prompt=(
            f"AdamW at weight w = {num(w)} has bias-corrected moments "
            f"m̂ = {num(m_hat)} and v̂ = {num(v_hat)}; the learning rate "
            f"is η = {num(lr)}, the weight decay λ = {num(lam)} and ε = 0. "
            "What is the decoupled decay term η·λ·w that AdamW "
            f"subtracts from w, and what is w after the full step? (5 decimals each)"
        ),
        answer=[decay, new],
        solution=[
            f"adaptive part: m̂/√v̂ = {num(m_hat)}/{num(root)} = {rounded(ratio)}",
            f"decay part: η·λ·w = {num(lr)}·{num(lam)}·{paren(w)} = {rounded(decay)}",
            (
                f"w_new = w - η·m̂/√v̂ - η·λ·w = {num(w)} - {num(lr)}·{rounded(ratio, paren=True)} "
                f"- {rounded(decay, paren=True)} = {rounded(new)}"
            ),
        ],
        **decimals(5),
        params={"w": w, "m_hat": m_hat, "v_hat": v_hat, "lr": lr, "lam": lam},
    )


@drill("linear-scaled-lr")
def linear_scaled_lr(rng: np.random.Generator) -> Problem:
    """Learning rate scaled for a bigger batch, with warmup"""
    base_batch = pick(rng, [32, 64, 128, 256])
    k = pick(rng, [2, 4, 8, 16, 32])
    base_lr = pick(rng, [0.01, 0.02, 0.05, 0.1, 0.2])
    warmup = pick(rng, [500, 1000, 2000, 5000])
    step = int(rng.integers(1, 10)) * warmup // 10
    batch = base_batch * k
    linear = base_lr * k
    sqrt = base_lr * math.sqrt(k)
    ramp = linear * step / warmup
    return Problem(
        prompt=(
            f"A recipe uses learning rate {num(base_lr)} at batch size {base_batch}; "
            f"you train at batch {batch}. What learning "
            f"rate does the linear scaling rule give, and the square-root rule? With a linear warmup from 0 to the "
            f"linearly scaled rate over {warmup} steps, what is the rate at step {step}? (4 decimals each)"
        ),
        answer=[linear, sqrt, ramp],
        solution=[
            f"k = {batch}/{base_batch} = {k}; linear: {num(base_lr)}·{k} = {rounded(linear)}",
            f"square root: {num(base_lr)}·√{k} = {num(base_lr)}·{rounded(math.sqrt(k))} = {rounded(sqrt)}",
            f"warmup: {rounded(linear)}·{step}/{warmup} = {rounded(ramp)}",
        ],
        **decimals(4),
        params={"base_lr": base_lr, "base_batch": base_batch, "batch": batch, "warmup": warmup, "step": step},
    )


@drill("gradient-check-error")
def gradient_check_error(rng: np.random.Generator) -> Problem:
    """Central difference and relative error of a gradient check"""
    h = pick(rng, [0.001, 0.0001])
    loss = round(float(rng.uniform(0.5, 3.0)), 4)
    numeric = pick(rng, [-1.5, -0.8, -0.45, -0.25, 0.3, 0.6, 1.2, 2.5])
    ratio = pick(rng, [2.0, 0.5, 1.1, 0.9, 1.02, -1.0, 1.001])
    up, down = round(loss + numeric * h, 9), round(loss - numeric * h, 9)
    estimate = (up - down) / (2 * h)
    backprop = round(numeric * ratio, 6)
    error = abs(backprop - estimate) / max(abs(backprop), abs(estimate))
    if error > 1e-2:
        verdict = "above 1e-2: the backward pass is almost certainly wrong"
    else:
        verdict = "between 1e-4 and 1e-2: suspicious, look for a subtle bug or a kink near θ"
    return Problem(
        prompt=(
            f"Checking one weight θ with h = {num(h)}: L(θ + h) "
            f"= {up:.9g} and L(θ - h) = {down:.9g}, and backprop gives "
            f"∂L/∂θ = {num(backprop)}. What is the central-difference estimate, and the relative error "
            f"|g_bp - g_num| / max(|g_bp|, |g_num|)? (4 decimals each)"
        ),
        answer=[estimate, error],
        solution=[
            f"g_num = ({up:.9g} - {down:.9g}) / (2·{num(h)}) = {rounded(estimate)}",
            (
                f"error = |{num(backprop)} - {rounded(estimate, paren=True)}| / "
                f"{rounded(max(abs(backprop), abs(estimate)))} = {rounded(error)}"
            ),
            f"{rounded(error)} is {verdict}",
        ],
        **decimals(4),
        params={"h": h, "loss_plus": up, "loss_minus": down, "backprop": backprop},
    )
