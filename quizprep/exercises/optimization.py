"""Exercises for the optimization topic: one step of Adam, AdamW and SGD with momentum."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "adam_step",
    items=["adam-optimizer", "adam-warmup-second-moment", "adaptive-learning-rate"],
    difficulty=2,
    returns=("param", "m", "v"),
    hints=[
        "m = β1·m + (1 - β1)·g and v = β2·v + (1 - β2)·g² (elementwise square).",
        "Bias correction: m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t), with t counted from 1.",
        "param - lr·m̂ / (sqrt(v̂) + eps): eps is added after the square root. Return the new m and v, not m̂, v̂.",
    ],
)
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update with bias correction.

    param, grad, m, v: float arrays of the same shape (m, v: the moment estimates before this step). t: this step's
    number, counted from 1. Updates m = β1·m + (1-β1)·grad, v = β2·v + (1-β2)·grad², then
    param - lr · m̂ / (sqrt(v̂) + eps) with m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t).
    Returns (new_param, new_m, new_v) as new arrays; do not change the inputs.
    """
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@hidden_tests("adam_step")
def adam_step_tests(rng):
    zeros = np.zeros(4)
    return [
        Case(
            "first step",
            (normal(rng, 4), normal(rng, 4), zeros, zeros, 1),
            rtol=1e-7,
            atol=1e-12,
            hint="at t = 1 the corrected step is about lr·sign(g)",
        ),
        Case(
            "later step",
            (
                normal(rng, 3, 2),
                normal(rng, 3, 2),
                normal(rng, 3, 2, scale=0.1),
                np.abs(normal(rng, 3, 2, scale=0.1)),
                10,
            ),
            rtol=1e-7,
            atol=1e-12,
            hint="bias correction with β^t for this step's t",
        ),
        Case(
            "custom hyper-parameters",
            (normal(rng, 5), normal(rng, 5), normal(rng, 5, scale=0.1), np.abs(normal(rng, 5, scale=0.1)), 3),
            {"lr": 0.1, "beta1": 0.5, "beta2": 0.9, "eps": 1e-3},
            rtol=1e-7,
            atol=1e-12,
            hint="eps is added after the square root",
        ),
        Case(
            "zero gradient",
            (normal(rng, 3), np.zeros(3), zeros[:3], zeros[:3], 1),
            rtol=1e-7,
            atol=1e-12,
            hint="with zero moments the parameter stays put",
        ),
    ]


@exercise(
    "adamw_step",
    items=["adamw-l2-under-adam", "decoupled-weight-decay", "weight-decay-in-practice"],
    difficulty=2,
    returns=("param", "m", "v"),
    hints=[
        "The moments see the raw gradient: weight decay is not added to grad.",
        "Decay is decoupled: param·(1 - lr·weight_decay), then the usual bias-corrected Adam step.",
        "Both use the old param: new = param - lr·wd·param - lr·m̂ / (sqrt(v̂) + eps).",
    ],
)
def adamw_step(param, grad, m, v, t, lr=1e-3, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    """One AdamW update: Adam with decoupled weight decay.

    param, grad, m, v: float arrays of the same shape; t: this step's number from 1.
    Moments as in Adam from the raw gradient (no decay term added to grad); then
    new_param = param - lr·weight_decay·param - lr · m̂ / (sqrt(v̂) + eps), with m̂, v̂ bias-corrected.
    Returns (new_param, new_m, new_v) as new arrays; do not change the inputs.
    """
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return param - lr * weight_decay * param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


@hidden_tests("adamw_step")
def adamw_step_tests(rng):
    zeros = np.zeros(4)
    return [
        Case(
            "first step",
            (normal(rng, 4), normal(rng, 4), zeros, zeros, 1),
            {"weight_decay": 0.1},
            rtol=1e-7,
            atol=1e-12,
            hint="decay shrinks the parameter, separately from the gradient",
        ),
        Case(
            "later step",
            (normal(rng, 3), normal(rng, 3), normal(rng, 3, scale=0.1), np.abs(normal(rng, 3, scale=0.1)), 5),
            {"lr": 0.01, "weight_decay": 0.5},
            rtol=1e-7,
            atol=1e-12,
            hint="the moments use the raw gradient",
        ),
        Case(
            "zero gradient",
            (np.array([1.0, -2.0]), np.zeros(2), np.zeros(2), np.zeros(2), 1),
            {"lr": 0.1, "weight_decay": 0.1},
            rtol=1e-7,
            atol=1e-12,
            hint="only the decay acts: param·(1 - lr·wd)",
        ),
    ]


@exercise(
    "sgd_momentum_step",
    items=["momentum-optimizer", "nesterov-momentum", "momentum-physics-intuition"],
    difficulty=1,
    returns=("param", "velocity"),
    hints=[
        "PyTorch's form: velocity = momentum·velocity + grad (no (1 - momentum) factor, no lr inside).",
        "Plain momentum steps param - lr·velocity; Nesterov steps param - lr·(grad + momentum·velocity) with the new "
        "velocity.",
    ],
)
def sgd_momentum_step(param, grad, velocity, lr, momentum=0.9, nesterov=False):
    """One step of SGD with momentum (optionally Nesterov), in PyTorch's formulation.

    param, grad, velocity: float arrays of the same shape. velocity = momentum·velocity + grad; then
    param - lr·velocity, or with nesterov=True param - lr·(grad + momentum·velocity) using the new velocity.
    Returns (new_param, new_velocity) as new arrays; do not change the inputs.
    """
    velocity = momentum * velocity + grad
    step = grad + momentum * velocity if nesterov else velocity
    return param - lr * step, velocity


@hidden_tests("sgd_momentum_step")
def sgd_momentum_step_tests(rng):
    return [
        Case("from rest", (normal(rng, 3), normal(rng, 3), np.zeros(3), 0.1), hint="the first step is plain SGD"),
        Case(
            "moving",
            (normal(rng, 2, 2), normal(rng, 2, 2), normal(rng, 2, 2), 0.05),
            {"momentum": 0.8},
            hint="velocity = momentum·velocity + grad",
        ),
        Case(
            "nesterov",
            (normal(rng, 4), normal(rng, 4), normal(rng, 4), 0.1),
            {"nesterov": True},
            hint="Nesterov looks ahead: grad + momentum·new velocity",
        ),
        Case(
            "no momentum",
            (normal(rng, 3), normal(rng, 3), normal(rng, 3), 0.5),
            {"momentum": 0.0},
            hint="momentum 0 forgets the old velocity",
        ),
    ]
