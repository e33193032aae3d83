"""Helpers the drills share: drawing friendly numbers, writing numbers in prompts and worked solutions,
the tolerances answers are graded with, and the byte units memory drills divide by.

Numbers are drawn from short lists of friendly values with `pick`, so every parameter is a plain Python int or
float (and `params` stays JSON-ready).
"""

from __future__ import annotations

import math

import numpy as np


def pick(rng: np.random.Generator, options: list):
    return options[int(rng.integers(len(options)))]


def num(x: float, digits: int = 6) -> str:
    """A number for display: integers without a decimal point, others with up to `digits` significant digits."""
    value = round(float(x), 10)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def paren(x: float, digits: int = 6) -> str:
    """Like num, with negative numbers in parentheses so they can follow an operator."""
    text = num(x, digits)
    return f"({text})" if text.startswith("-") else text


def rounded(x: float, paren: bool = False) -> str:
    """A computed value rounded to 4 decimals for a worked solution; `paren` wraps a negative one in parentheses."""
    text = num(round(float(x), 4) + 0.0)
    return f"({text})" if paren and text.startswith("-") else text


def vec(values, digits: int = 6) -> str:
    return "(" + ", ".join(num(v, digits) for v in values) + ")"


def rows(matrix) -> str:
    return "[" + ", ".join("[" + ", ".join(num(v) for v in row) + "]" for row in matrix) + "]"


def decimals(n: int) -> dict:
    """Tolerance for an answer asked to n decimals: within one unit of the last decimal."""
    return {"rel_tol": 0.0, "abs_tol": 10.0**-n}


EXACT = {"rel_tol": 0.0, "abs_tol": 1e-9}  # counts and other whole numbers
MIB = 2**20  # bytes in a MiB
GIB = 2**30  # bytes in a GiB


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))
