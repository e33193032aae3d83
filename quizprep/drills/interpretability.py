"""Drills for the interpretability topic: integrated gradients of a small quadratic model in closed form."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, paren, pick


@drill("integrated-gradients-quadratic")
def integrated_gradients_quadratic(rng: np.random.Generator) -> Problem:
    """Integrated gradients of a two-input quadratic model"""
    a = pick(rng, [0.5, 1, 2, 3])
    b = pick(rng, [-2, -1, 1, 2, 4])
    x1 = int(pick(rng, [-3, -2, -1, 1, 2, 3, 4]))
    x2 = int(pick(rng, [-2, -1, 1, 2, 3, 5]))
    # Along x(α) = α·x: ∂F/∂x1 = 2a·αx1 + b·αx2 and ∂F/∂x2 = b·αx1; ∫α dα = 1/2.
    ig1 = x1 * (a * x1 + b * x2 / 2)
    ig2 = x2 * (b * x1 / 2)
    total = a * x1**2 + b * x1 * x2
    return Problem(
        prompt=(
            f"F(x1, x2) = {num(a)}·x1² + {paren(b)}·x1·x2. With the all-zero baseline and the straight-line path, "
            f"what are the integrated-gradients attributions IG1 and IG2 at x = ({x1}, {x2})? "
            "Give both, separated by a semicolon, e.g. 4.5; -1 (2 decimals each)"
        ),
        answer=[float(ig1), float(ig2)],
        solution=[
            f"on the path x(α) = α·x: ∂F/∂x1 = α·(2·{num(a)}·x1 + {paren(b)}·x2), ∂F/∂x2 = α·{paren(b)}·x1, and "
            "∫₀¹ α dα = 1/2",
            f"completeness says IG1 + IG2 must equal F(x) - F(0) = {num(total)}",
            f"IG1 = x1 · (a·x1 + b·x2/2) = {x1} · ({num(a)}·{paren(x1)} + {paren(b)}·{paren(x2)}/2) = {num(ig1)}",
            f"IG2 = x2 · b·x1/2 = {x2} · {paren(b)}·{paren(x1)}/2 = {num(ig2)}",
        ],
        **decimals(2),
        params={"a": a, "b": b, "x": [x1, x2]},
    )
