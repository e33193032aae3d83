"""Drills for the foundations topic: parameter counts of dense layers."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, pick


@drill("dense-param-count")
def dense_param_count(rng: np.random.Generator) -> Problem:
    """Parameters of a dense layer"""
    n_in = pick(rng, [64, 100, 128, 256, 300, 512, 784])
    n_out = pick(rng, [10, 16, 32, 64, 100, 128, 256])
    total = n_in * n_out + n_out
    return Problem(
        prompt=(
            f"A fully connected (dense) layer takes {n_in} inputs and has {n_out} output units with biases. "
            f"How many trainable parameters does it have? (whole number)"
        ),
        answer=[float(total)],
        solution=[
            f"weights = n_in·n_out = {n_in}·{n_out} = {n_in * n_out}; biases = n_out = {n_out}",
            f"total = {n_in * n_out} + {n_out} = {total}",
        ],
        **EXACT,
        params={"n_in": n_in, "n_out": n_out},
    )
