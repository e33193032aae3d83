"""Exercises for the training-practice topic: batch norm (training output and running statistics), layer norm and
RMSNorm."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "batch_norm_train",
    items=["batch-normalization", "batch-norm-train-vs-inference", "batch-norm-small-batches"],
    difficulty=1,
    hints=[
        "Statistics are per feature, over the batch: mean and variance along axis 0.",
        "The variance is the biased one (divide by N, np.var's default), and eps goes inside the square root.",
        "y = gamma · (x - mean) / sqrt(var + eps) + beta.",
    ],
)
def batch_norm_train(x, gamma, beta, eps=1e-5):
    """Batch normalisation in training mode for a batch of feature vectors.

    x: float array (N, D). gamma, beta: float arrays (D,), the learned scale and shift.
    Each feature is normalised with the mean and the biased variance (divide by N) of its column in this batch:
    y = gamma · (x - mean) / sqrt(var + eps) + beta. Returns y, a float array (N, D). Do not change the inputs.
    """
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


@hidden_tests("batch_norm_train")
def batch_norm_train_tests(rng):
    return [
        Case(
            "unit scale",
            (normal(rng, 6, 3, scale=2.0) + 5.0, np.ones(3), np.zeros(3)),
            hint="each column gets mean 0 and variance 1",
        ),
        Case("scale and shift", (normal(rng, 8, 4), normal(rng, 4), normal(rng, 4)), hint="gamma · x̂ + beta"),
        Case(
            "batch of two",
            (np.array([[1.0, 2.0], [3.0, 6.0]]), np.ones(2), np.zeros(2)),
            hint="biased variance: divide by N, not N - 1",
        ),
        Case(
            "constant feature",
            (np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]), np.ones(2), np.full(2, 0.5)),
            hint="eps inside the square root keeps a constant column finite",
        ),
        Case(
            "rectangular",
            (normal(rng, 3, 7), normal(rng, 7), normal(rng, 7)),
            {"eps": 0.1},
            hint="statistics along axis 0 (the batch), one per feature",
        ),
    ]


@exercise(
    "batch_norm_running_stats",
    items=["batch-norm-running-statistics", "batch-norm-train-vs-inference"],
    difficulty=2,
    hints=[
        "new = (1 - momentum) · running + momentum · batch statistic (PyTorch's convention: momentum is the weight "
        "of the new batch).",
        "The running variance uses the unbiased batch variance (divide by N - 1), unlike the normalisation itself.",
        "Return new arrays: do not update the running arrays in place.",
    ],
)
def batch_norm_running_stats(running_mean, running_var, x, momentum=0.1):
    """One update of batch norm's running mean and variance, with PyTorch's momentum convention.

    running_mean, running_var: float arrays (D,). x: float array (N, D), N ≥ 2. momentum: weight of this batch.
    Returns (new_mean, new_var): new_mean = (1 - momentum)·running_mean + momentum·mean(x, axis 0), and new_var the
    same with the unbiased batch variance (divide by N - 1). Return new arrays; do not change the inputs.
    """
    batch_mean = x.mean(axis=0)
    batch_var = x.var(axis=0, ddof=1)
    new_mean = (1.0 - momentum) * running_mean + momentum * batch_mean
    new_var = (1.0 - momentum) * running_var + momentum * batch_var
    return new_mean, new_var


@hidden_tests("batch_norm_running_stats")
def batch_norm_running_stats_tests(rng):
    return [
        Case(
            "from zeros and ones",
            (np.zeros(3), np.ones(3), normal(rng, 5, 3, scale=2.0) + 1.0),
            hint="momentum weights the new batch",
        ),
        Case(
            "momentum 0.5",
            (normal(rng, 4), np.abs(normal(rng, 4)) + 0.5, normal(rng, 6, 4)),
            {"momentum": 0.5},
            hint="(1 - m)·old + m·batch",
        ),
        Case(
            "batch of two",
            (np.zeros(2), np.ones(2), np.array([[0.0, 1.0], [2.0, 5.0]])),
            hint="the running variance is unbiased: divide by N - 1",
        ),
        Case(
            "small momentum",
            (normal(rng, 5), np.abs(normal(rng, 5)) + 0.5, normal(rng, 4, 5)),
            {"momentum": 0.01},
            hint="a small momentum barely moves the running values",
        ),
    ]


@exercise(
    "layer_norm",
    items=["layer-norm-vs-batch-norm", "why-transformers-use-layer-norm"],
    difficulty=1,
    hints=[
        "Statistics are per example, over the last axis: mean and variance with keepdims=True.",
        "Biased variance (divide by D) and eps inside the square root, as for batch norm.",
    ],
)
def layer_norm(x, gamma, beta, eps=1e-5):
    """Layer normalisation over the last axis (each token or example on its own).

    x: float array (..., D). gamma, beta: float arrays (D,).
    Each vector x[..., :] is normalised with its own mean and biased variance (divide by D):
    y = gamma · (x - mean) / sqrt(var + eps) + beta. Returns y with x's shape. Do not change the inputs.
    """
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


@hidden_tests("layer_norm")
def layer_norm_tests(rng):
    return [
        Case("rows", (normal(rng, 4, 5, scale=3.0) + 2.0, np.ones(5), np.zeros(5)), hint="normalise each row"),
        Case("3-D tokens", (normal(rng, 2, 3, 4), normal(rng, 4), normal(rng, 4)), hint="the last axis only"),
        Case(
            "single example",
            (np.array([[1.0, 2.0, 3.0, 4.0]]), np.ones(4), np.zeros(4)),
            hint="works for a batch of one: no batch statistics",
        ),
        Case(
            "constant row",
            (np.array([[2.0, 2.0, 2.0]]), np.full(3, 2.0), np.ones(3)),
            {"eps": 1e-3},
            hint="eps inside the square root keeps it finite",
        ),
        Case("vector", (normal(rng, 6), normal(rng, 6), normal(rng, 6)), hint="a 1-D input is one vector"),
    ]


@exercise(
    "rms_norm",
    items=["rmsnorm", "rmsnorm-vs-layernorm-invariances"],
    difficulty=1,
    hints=[
        "No mean is subtracted: divide by the root mean square of the last axis.",
        "rms = sqrt(mean(x², last axis, keepdims=True) + eps); y = x / rms · gamma. No beta.",
    ],
)
def rms_norm(x, gamma, eps=1e-6):
    """RMSNorm over the last axis, as in LLaMA: rescale by the root mean square, no centring, no shift.

    x: float array (..., D). gamma: float array (D,).
    y = x / sqrt(mean(x², over the last axis) + eps) · gamma. Returns y with x's shape. Do not change the inputs.
    """
    return x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps) * gamma


@hidden_tests("rms_norm")
def rms_norm_tests(rng):
    return [
        Case("rows", (normal(rng, 3, 4) + 3.0, np.ones(4)), hint="do not subtract the mean"),
        Case("3-D with gain", (normal(rng, 2, 3, 5), normal(rng, 5)), hint="statistics over the last axis"),
        Case("big eps", (np.array([[0.1, -0.2, 0.1]]), np.ones(3)), {"eps": 0.1}, hint="eps inside the square root"),
        Case("zeros", (np.zeros((2, 3)), np.ones(3)), hint="eps keeps 0 / 0 away"),
    ]
