"""Exercises for the regularization topic: inverted dropout with a given generator, and mixup."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "dropout",
    items=["inverted-dropout", "dropout", "dropout-in-practice"],
    difficulty=1,
    returns=("out", "keep"),
    hints=[
        "Draw exactly once: keep = rng.random(x.shape) >= p (True means the unit survives).",
        "Inverted dropout scales the survivors by 1 / (1 - p) during training, so inference needs no change.",
        "p = 1 drops everything: return zeros instead of dividing by 0.",
    ],
)
def dropout(x, p, rng):
    """Inverted dropout in training mode, drawing its mask from the generator it is given.

    x: float array of any shape. p: drop probability in [0, 1]. rng: a numpy.random.Generator.
    Draw the mask with exactly one call, keep = rng.random(x.shape) >= p, then out = x · keep / (1 - p);
    when p == 1, out is all zeros. Returns (out, keep): out with x's shape and dtype, keep a bool array.
    Do not change x.
    """
    keep = rng.random(x.shape) >= p
    if p >= 1.0:
        return np.zeros_like(x), keep
    return x * keep / (1.0 - p), keep


@hidden_tests("dropout")
def dropout_tests(rng):
    def gen(seed):
        return np.random.default_rng(seed)

    return [
        Case("p = 0.5", (normal(rng, 4, 5), 0.5, gen(1)), hint="scale the survivors by 1 / (1 - p)"),
        Case("p = 0.1", (normal(rng, 3, 3), 0.1, gen(2)), hint="keep = rng.random(x.shape) >= p"),
        Case("p = 0", (normal(rng, 2, 3), 0.0, gen(3)), hint="nothing dropped, nothing scaled (still one draw)"),
        Case("p = 1", (normal(rng, 2, 3), 1.0, gen(4)), hint="everything dropped: zeros, not NaN"),
        Case("3-D", (normal(rng, 2, 2, 3), 0.3, gen(5)), hint="one random number per element"),
    ]


@exercise(
    "mixup",
    items=["mixup-and-cutout", "data-augmentation"],
    difficulty=1,
    returns=("x", "y"),
    hints=[
        "Mix each example with its partner x[perm]: lam·x + (1 - lam)·x[perm].",
        "Mix the one-hot labels with the same lam and the same partners.",
    ],
)
def mixup(x, y, lam, perm):
    """Mixup of a batch with a given partner permutation and mixing weight.

    x: float array (N, ...) of inputs. y: float array (N, C) of one-hot (or soft) labels. lam: float in [0, 1].
    perm: int array (N,), the partner of each example. Returns (lam·x + (1 - lam)·x[perm],
    lam·y + (1 - lam)·y[perm]) as new arrays. Do not change the inputs.
    """
    return lam * x + (1.0 - lam) * x[perm], lam * y + (1.0 - lam) * y[perm]


@hidden_tests("mixup")
def mixup_tests(rng):
    labels = np.eye(3)[rng.integers(0, 3, 4)]
    return [
        Case("images", (normal(rng, 4, 2, 2), labels, 0.7, rng.permutation(4)), hint="lam weights the example itself"),
        Case("lam = 1", (normal(rng, 3, 2), np.eye(3), 1.0, np.array([2, 0, 1])), hint="lam = 1 changes nothing"),
        Case(
            "three-cycle",
            (normal(rng, 3, 2), np.eye(3), 0.6, np.array([1, 2, 0])),
            hint="example i is mixed with x[perm[i]]",
        ),
        Case("swap pairs", (normal(rng, 2, 3), np.eye(2), 0.25, np.array([1, 0])), hint="labels mix like inputs"),
    ]
