"""Plain-Python references that tests of several topics share: tolerances, sigmoid and softmax, small vector and
matrix helpers."""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest

from quizprep.demos import run_demo

TOL = 1e-6


def approx(expected):
    """pytest.approx to TOL, for numbers, lists and lists of lists."""
    if isinstance(expected, list) and any(isinstance(row, list) for row in expected):
        return [approx(row) for row in expected]
    return pytest.approx(expected, abs=TOL)


def step_value(result, label_start: str):
    """The value of the first step whose label starts with `label_start`."""
    for step in result.steps:
        if step["kind"] == "value" and step["label"].startswith(label_start):
            return step["value"]
    raise AssertionError(f"no step labelled {label_start!r}")


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def softmax(values, temperature: float = 1.0) -> list[float]:
    """Softmax of a list, shifted by its maximum so exp never overflows."""
    top = max(values)
    exps = [math.exp((v - top) / temperature) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def mean(values):
    return sum(values) / len(values)


def dot(a, b):
    return sum(x * y for x, y in zip(a, b, strict=False))


def result(name, params=None, seed=0):
    return run_demo(name, params or {}, seed).result


def matvec(m, v):
    return [sum(a * b for a, b in zip(row, v, strict=False)) for row in m]


def transpose(m):
    return [list(column) for column in zip(*m, strict=True)]


def flatten(m):
    return [x for row in m for x in row]


def tiny_net_loss(flat, xs, ys, hidden):
    k = len(xs[0])
    W1 = [flat[i * k : (i + 1) * k] for i in range(hidden)]
    b1 = flat[hidden * k : hidden * k + hidden]
    w2 = flat[hidden * k + hidden : hidden * k + 2 * hidden]
    b2 = flat[-1]
    total = 0.0
    for x, y in zip(xs, ys, strict=False):
        h = [math.tanh(z + b) for z, b in zip(matvec(W1, x), b1, strict=False)]
        total += 0.5 * (sum(a * b for a, b in zip(w2, h, strict=False)) + b2 - y) ** 2
    return total / len(xs)


def random_grid(seed: int, rows: int, cols: int, scale: float = 3.0) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(0, scale, size=(rows, cols)), 3).tolist()


def close(actual, expected, tol: float = TOL) -> bool:
    return np.asarray(actual, dtype=float).shape == np.asarray(expected, dtype=float).shape and np.allclose(
        actual, expected, atol=tol, rtol=0
    )


def phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def gelu(x):
    return x * phi(x)


def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def close_nested(a, b, tol=1e-9):
    if isinstance(a, list):
        return len(a) == len(b) and all(close_nested(x, y, tol) for x, y in zip(a, b, strict=False))
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def rel_err(a: float, b: float) -> float:
    top = max(abs(a), abs(b))
    return abs(a - b) / top if top else 0.0


def decimal_lse(z) -> Decimal:
    getcontext().prec = 50
    return sum(Decimal(v).exp() for v in z).ln()


def close_arrays(actual, expected, tol=1e-9) -> bool:
    a, e = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    return a.shape == e.shape and np.allclose(a, e, atol=tol, rtol=0)


def decode_fp8(byte: int, exponent_bits: int) -> float:
    """The value of a non-negative FP8 bit pattern (the low 7 bits) from the IEEE-style layout: E4M3 or E5M2."""
    mantissa_bits = 7 - exponent_bits
    bias = 2 ** (exponent_bits - 1) - 1
    e = (byte >> mantissa_bits) & (2**exponent_bits - 1)
    m = byte & (2**mantissa_bits - 1)
    if e == 0:
        return m / 2**mantissa_bits * 2.0 ** (1 - bias)
    return (1 + m / 2**mantissa_bits) * 2.0 ** (e - bias)
