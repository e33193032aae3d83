"""Drill templates: optimisation practice, losses and numerics (issue 9). Registered with @template from quizprep.drills.templates."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.templates import _dec, _f, _p, _pick, _r, _vec, template


@template("label-smoothed-target")
def label_smoothed_target(rng: np.random.Generator) -> Problem:
    k = _pick(rng, [3, 4, 5, 6, 8, 10, 20])
    eps = _pick(rng, [0.05, 0.1, 0.15, 0.2, 0.3])
    other = eps / k
    true = 1 - eps + other
    return Problem(
        name="label-smoothed-target",
        prompt=(
            f"A {k}-class classifier is trained with label smoothing ε = {_f(eps)} (the uniform share ε/K goes to every "
            f"class, the true one included). What target does the true class get, and what does each other class get? "
            f"(4 decimals each)"
        ),
        answer=[true, other],
        solution=[
            "q = (1 - ε)·y + ε/K, with y the one-hot label",
            f"other classes: ε/K = {_f(eps)}/{k} = {_r(other)}",
            f"true class: 1 - ε + ε/K = 1 - {_f(eps)} + {_r(other)} = {_r(true)} (the {k} targets sum to 1)",
        ],
        **_dec(4),
        params={"classes": k, "epsilon": eps},
    )


@template("focal-loss-value")
def focal_loss_value(rng: np.random.Generator) -> Problem:
    p = _pick(rng, [0.2, 0.3, 0.4, 0.6, 0.7, 0.8])
    y = int(rng.integers(0, 2))
    gamma = _pick(rng, [1, 2, 3])
    alpha = _pick(rng, [0.25, 0.5, 0.75])
    p_t = p if y == 1 else 1 - p
    alpha_t = alpha if y == 1 else 1 - alpha
    ce = -math.log(p_t)
    focal = alpha_t * (1 - p_t) ** gamma * ce
    kind = "an object (y = 1)" if y == 1 else "background (y = 0)"
    return Problem(
        name="focal-loss-value",
        prompt=(
            f"A detector predicts P(object) = {_f(p)} for an anchor that is {kind}. With γ = {gamma} and α = {_f(alpha)} "
            f"(α weights objects, 1 - α background), what is the focal loss FL = -α_t·(1 - p_t)^γ·ln p_t, and what is the "
            f"plain cross-entropy -ln p_t? (5 decimals each)"
        ),
        answer=[focal, ce],
        solution=[
            f"p_t = {'p' if y == 1 else '1 - p'} = {_f(p_t)}, α_t = {'α' if y == 1 else '1 - α'} = {_f(alpha_t)}",
            f"CE = -ln {_f(p_t)} = {_r(ce)}",
            f"FL = {_f(alpha_t)}·(1 - {_f(p_t)})^{gamma}·{_r(ce)} = {_f(alpha_t)}·{_r((1 - p_t) ** gamma)}·{_r(ce)} = {_r(focal)}",
        ],
        **_dec(5),
        params={"p": p, "y": y, "gamma": gamma, "alpha": alpha},
    )


@template("adamw-step")
def adamw_step(rng: np.random.Generator) -> Problem:
    w = int(_pick(rng, [-6, -4, -3, -2, 2, 3, 4, 5, 6])) / 2
    root = _pick(rng, [0.1, 0.2, 0.4, 0.5, 1.0, 2.0])
    v_hat = round(root * root, 4)
    m_hat = round(root * _pick(rng, [-0.9, -0.6, -0.5, -0.3, 0.2, 0.4, 0.5, 0.8]), 4)
    lr = _pick(rng, [0.01, 0.02, 0.05, 0.1])
    lam = _pick(rng, [0.05, 0.1, 0.2])
    ratio = m_hat / math.sqrt(v_hat)
    decay = lr * lam * w
    new = w - lr * ratio - decay
    return Problem(
        name="adamw-step",
        prompt=(
            f"AdamW at weight w = {_f(w)} has bias-corrected moments m̂ = {_f(m_hat)} and v̂ = {_f(v_hat)}; the learning rate "
            f"is η = {_f(lr)}, the weight decay λ = {_f(lam)} and ε = 0. What is the decoupled decay term η·λ·w that AdamW "
            f"subtracts from w, and what is w after the full step? (5 decimals each)"
        ),
        answer=[decay, new],
        solution=[
            f"adaptive part: m̂/√v̂ = {_f(m_hat)}/{_f(root)} = {_r(ratio)}",
            f"decay part: η·λ·w = {_f(lr)}·{_f(lam)}·{_p(w)} = {_r(decay)}",
            f"w_new = w - η·m̂/√v̂ - η·λ·w = {_f(w)} - {_f(lr)}·{_r(ratio, paren=True)} - {_r(decay, paren=True)} = {_r(new)}",
        ],
        **_dec(5),
        params={"w": w, "m_hat": m_hat, "v_hat": v_hat, "lr": lr, "lam": lam},
    )


@template("linear-scaled-lr")
def linear_scaled_lr(rng: np.random.Generator) -> Problem:
    base_batch = _pick(rng, [32, 64, 128, 256])
    k = _pick(rng, [2, 4, 8, 16, 32])
    base_lr = _pick(rng, [0.01, 0.02, 0.05, 0.1, 0.2])
    warmup = _pick(rng, [500, 1000, 2000, 5000])
    step = int(rng.integers(1, 10)) * warmup // 10
    batch = base_batch * k
    linear = base_lr * k
    sqrt = base_lr * math.sqrt(k)
    ramp = linear * step / warmup
    return Problem(
        name="linear-scaled-lr",
        prompt=(
            f"A recipe uses learning rate {_f(base_lr)} at batch size {base_batch}; you train at batch {batch}. What learning "
            f"rate does the linear scaling rule give, and the square-root rule? With a linear warmup from 0 to the "
            f"linearly scaled rate over {warmup} steps, what is the rate at step {step}? (4 decimals each)"
        ),
        answer=[linear, sqrt, ramp],
        solution=[
            f"k = {batch}/{base_batch} = {k}; linear: {_f(base_lr)}·{k} = {_r(linear)}",
            f"square root: {_f(base_lr)}·√{k} = {_f(base_lr)}·{_r(math.sqrt(k))} = {_r(sqrt)}",
            f"warmup: {_r(linear)}·{step}/{warmup} = {_r(ramp)}",
        ],
        **_dec(4),
        params={"base_lr": base_lr, "base_batch": base_batch, "batch": batch, "warmup": warmup, "step": step},
    )


@template("gradient-check-error")
def gradient_check_error(rng: np.random.Generator) -> Problem:
    h = _pick(rng, [0.001, 0.0001])
    loss = round(float(rng.uniform(0.5, 3.0)), 4)
    numeric = _pick(rng, [-1.5, -0.8, -0.45, -0.25, 0.3, 0.6, 1.2, 2.5])
    ratio = _pick(rng, [2.0, 0.5, 1.1, 0.9, 1.02, -1.0, 1.001])
    up, down = round(loss + numeric * h, 9), round(loss - numeric * h, 9)
    estimate = (up - down) / (2 * h)
    backprop = round(numeric * ratio, 6)
    error = abs(backprop - estimate) / max(abs(backprop), abs(estimate))
    if error > 1e-2:
        verdict = "above 1e-2: the backward pass is almost certainly wrong"
    else:
        verdict = "between 1e-4 and 1e-2: suspicious, look for a subtle bug or a kink near θ"
    return Problem(
        name="gradient-check-error",
        prompt=(
            f"Checking one weight θ with h = {_f(h)}: L(θ + h) = {up:.9g} and L(θ - h) = {down:.9g}, and backprop gives "
            f"∂L/∂θ = {_f(backprop)}. What is the central-difference estimate, and the relative error "
            f"|g_bp - g_num| / max(|g_bp|, |g_num|)? (4 decimals each)"
        ),
        answer=[estimate, error],
        solution=[
            f"g_num = ({up:.9g} - {down:.9g}) / (2·{_f(h)}) = {_r(estimate)}",
            f"error = |{_f(backprop)} - {_r(estimate, paren=True)}| / {_r(max(abs(backprop), abs(estimate)))} = {_r(error)}",
            f"{_r(error)} is {verdict}",
        ],
        **_dec(4),
        params={"h": h, "loss_plus": up, "loss_minus": down, "backprop": backprop},
    )


@template("log-sum-exp-value")
def log_sum_exp_value(rng: np.random.Generator) -> Problem:
    base = _pick(rng, [-1000, -800, 800, 1000])
    offsets = [int(v) for v in rng.choice(np.arange(-2, 3), size=3, replace=False)]
    logits = [base + o for o in offsets]
    k = int(rng.integers(0, 3))
    top = max(logits)
    rest = sum(math.exp(z - top) for z in logits)
    lse = top + math.log(rest)
    shifted = " + ".join(f"e^{_f(z - top)}" for z in logits)
    return Problem(
        name="log-sum-exp-value",
        prompt=(
            f"The logits are z = {_vec(logits)}. What is log Σ e^z (natural log), and the log-softmax of class {k + 1}, "
            f"z_{k + 1} - log Σ e^z? (A calculator's e^z overflows or underflows here.) (2 decimals each)"
        ),
        answer=[lse, logits[k] - lse],
        solution=[
            f"log Σ e^z = m + log Σ e^(z - m) with m = max z = {top}",
            f"= {top} + ln({shifted}) = {top} + ln({rest:.5f}) = {_r(lse)}",
            f"log-softmax = {logits[k]} - {_r(lse, paren=True)} = {_r(logits[k] - lse)}",
        ],
        **_dec(2),
        params={"logits": logits, "class": k + 1},
    )
