"""Drills for the backprop-and-gradients topic: gradients of a ReLU neuron."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, paren, pick, vec


@drill("relu-neuron-gradient")
def relu_neuron_gradient(rng: np.random.Generator) -> Problem:
    """Gradients of a ReLU neuron's squared error"""
    for _ in range(
        3
    ):  # redraw while the unit is off (twice at most): a dead ReLU is a sometimes-trap, not the usual case
        w = [int(v) / 2 for v in rng.integers(-4, 5, size=2)]
        x = [int(v) for v in rng.integers(-3, 4, size=2)]
        b = pick(rng, [-1.0, -0.5, 0.0, 0.5, 1.0])
        z = w[0] * x[0] + w[1] * x[1] + b
        if z > 0:
            break
    if z == 0:
        b += 0.5
        z = 0.5
    t = int(rng.integers(0, 4))
    y = max(0.0, z)
    on = 1 if z > 0 else 0
    dw1 = (y - t) * on * x[0] + 0.0
    db = (y - t) * on + 0.0
    return Problem(
        prompt=(
            f"A neuron computes y = ReLU(w1·x1 + w2·x2 + b) with w = {vec(w)}, b = {num(b)} and input "
            f"x = {vec(x)}; the loss is L = ½(y - t)² with target t = {t}. What are dL/dw1 and dL/db? "
            f"(2 decimals each)"
        ),
        answer=[dw1, db],
        solution=[
            (
                f"z = {num(w[0])}·{paren(x[0])} + {paren(w[1])}·{paren(x[1])} "
                f"+ {paren(b)} = {num(z)}; y = ReLU(z) = {num(y)}"
            ),
            f"dL/dy = y - t = {num(y - t)}; dy/dz = {on} ({'z > 0' if on else 'z < 0: the unit is off'})",
            f"dL/dw1 = {num(y - t)}·{on}·x1 = {num(dw1)}; dL/db = {num(y - t)}·{on}·1 = {num(db)}",
        ],
        **decimals(2),
        params={"w": w, "b": b, "x": x, "t": t},
    )
