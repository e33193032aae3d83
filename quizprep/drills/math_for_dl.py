"""Drills for the math-for-dl topic: entries of matrix products."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, paren, rows, vec


@drill("matmul-entry")
def matmul_entry(rng: np.random.Generator) -> Problem:
    """One entry of a matrix product"""
    m, n, p = int(rng.integers(2, 4)), int(rng.integers(3, 5)), int(rng.integers(2, 4))
    a = rng.integers(-3, 5, size=(m, n))
    b = rng.integers(-3, 5, size=(n, p))
    i, j = int(rng.integers(0, m)), int(rng.integers(0, p))
    row, col = [int(v) for v in a[i]], [int(v) for v in b[:, j]]
    value = sum(r * c for r, c in zip(row, col, strict=False))
    return Problem(
        prompt=(
            f"A ({m}×{n}) = {rows(a)} and B ({n}×{p}) = {rows(b)}, rows listed top to bottom. "
            f"What is the entry in row {i + 1}, column {j + 1} of C = AB (rows and columns counted from 1)? "
            "(whole number)"
        ),
        answer=[float(value)],
        solution=[
            f"C[{i + 1},{j + 1}] = (row {i + 1} of A) · (column {j + 1} of B) = {vec(row)} · {vec(col)}",
            "= " + " + ".join(f"{paren(r)}·{paren(c)}" for r, c in zip(row, col, strict=False)) + f" = {value}",
        ],
        **EXACT,
        params={"A": a.tolist(), "B": b.tolist(), "row": i + 1, "col": j + 1},
    )
