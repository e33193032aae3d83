"""Exercises for the activations topic: softmax and GELU."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "softmax",
    items=["softmax-function", "softmax-numerical-stability", "softmax-vs-sigmoid"],
    difficulty=1,
    hints=[
        "softmax(x)_i = exp(x_i) / sum_j exp(x_j), taken along `axis` only.",
        "Subtract the maximum along the axis first (keepdims=True): the result is unchanged and exp never overflows.",
        "Use keepdims=True in max and sum so the shapes broadcast back against x.",
    ],
)
def softmax(x, axis=-1):
    """Softmax of an array along one axis, numerically stable.

    x: float array of any shape (at least 1-D). axis: the axis that sums to 1 (default the last).
    Returns an array of x's shape and dtype whose entries along `axis` are positive and sum to 1.
    Must not overflow for logits like 1000 or -1000. Do not change x.
    """
    shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


@hidden_tests("softmax")
def softmax_tests(rng):
    return [
        Case("vector", (np.array([1.0, 2.0, 3.0]),), hint="exp of each entry over their sum"),
        Case("rows", (normal(rng, 4, 5),), hint="normalise along the last axis by default"),
        Case("axis 0", (normal(rng, 3, 4),), {"axis": 0}, hint="the columns sum to 1 when axis=0"),
        Case("3-D, axis 1", (normal(rng, 2, 3, 4, scale=3.0),), {"axis": 1}, hint="keepdims=True keeps broadcasting"),
        Case(
            "large logits",
            (np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]),),
            hint="subtract the row maximum before exp: exp(1000) overflows",
        ),
        Case(
            "very negative logits",
            (np.array([-1000.0, -1001.0, -1002.0]),),
            hint="subtract the maximum: exp(-1000) underflows to 0 and 0/0 is NaN",
        ),
        Case(
            "rows far apart",
            (np.array([[1000.0, 999.0], [-1000.0, -999.0]]),),
            hint="subtract each row's own maximum, not the maximum of the whole array",
        ),
        Case("single element", (np.array([[5.0]]),), hint="one entry gets probability 1"),
        Case(
            "float32 in, float32 out",
            (normal(rng, 3, 4).astype(np.float32),),
            rtol=1e-5,
            atol=1e-6,
            hint="keep the input's dtype: avoid forcing float64",
        ),
    ]


@exercise(
    "gelu",
    items=["gelu-activation", "smooth-activation-derivatives"],
    difficulty=1,
    hints=[
        "The tanh approximation: 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))).",
        "The cube is x**3 and the constant inside the square root is 2/π, not 2π.",
    ],
)
def gelu(x):
    """GELU with the tanh approximation (as in GPT-2 and BERT), elementwise.

    gelu(x) = 0.5 · x · (1 + tanh(sqrt(2/π) · (x + 0.044715 · x³))).
    x: float array of any shape. Returns an array of the same shape and dtype. Do not change x.
    """
    inner = (2.0 / np.pi) ** 0.5 * (x + 0.044715 * x**3)  # a Python float keeps float32 input float32
    return 0.5 * x * (1.0 + np.tanh(inner))


@hidden_tests("gelu")
def gelu_tests(rng):
    return [
        Case("known points", (np.array([-3.0, -1.0, 0.0, 1.0, 3.0]),), hint="gelu(0) = 0 and gelu(x) ≈ x for large x"),
        Case("matrix", (normal(rng, 4, 6, scale=2.0),), hint="apply the formula elementwise"),
        Case("large magnitudes", (np.array([-50.0, -10.0, 10.0, 50.0]),), hint="tanh saturates: no overflow needed"),
        Case("float32", (normal(rng, 5).astype(np.float32),), rtol=1e-5, atol=1e-6, hint="keep the input's dtype"),
    ]
