"""The drill templates. Each draws its numbers from a seeded generator and returns a Problem.

To add one: write `@template("name")` over `def name(rng) -> Problem`, and add the name
with its title and topic to `quizprep.drills.CATALOG` (kept free of NumPy so listing is
cheap; a test checks the two agree).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from quizprep.drills import Problem

REGISTRY: dict[str, Callable[[np.random.Generator], Problem]] = {}


def template(name: str) -> Callable:
    def register(func: Callable[[np.random.Generator], Problem]) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"drill {name!r} registered twice")
        REGISTRY[name] = func
        return func

    return register


def make(name: str, seed: int) -> Problem:
    problem = REGISTRY[name](np.random.default_rng(seed))
    problem.name = name
    return problem


@template("softmax-probability")
def softmax_probability(rng: np.random.Generator) -> Problem:
    logits = rng.integers(-2, 4, size=3).astype(float)
    k = int(rng.integers(0, 3))
    e = np.exp(logits - logits.max())
    p = e / e.sum()
    z = ", ".join(f"{v:g}" for v in logits)
    exps = " + ".join(f"e^{v:g}" for v in logits)
    return Problem(
        name="softmax-probability",
        prompt=f"The logits are z = ({z}). What probability does softmax give to class {k + 1}? (3 decimals)",
        answer=[float(p[k])],
        solution=[
            f"softmax(z)_{k + 1} = e^{logits[k]:g} / ({exps})",
            f"= {np.exp(logits[k]):.4f} / {np.exp(logits).sum():.4f} = {p[k]:.4f}",
        ],
        rel_tol=0.01,
        abs_tol=0.002,
        params={"logits": logits.tolist(), "class": k + 1},
    )
