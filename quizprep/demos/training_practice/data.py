"""Demos of preparing data and using it: feature scaling and convergence, epochs, batches and iterations, and
transfer learning from few examples."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


def descent_run(features: np.ndarray, targets: np.ndarray, tol: float, max_steps: int, window: int):
    """Full-batch descent on ½·mean((Xw + b - y)²) with the rate 1/λmax, from zero.

    Runs until the excess loss over the least-squares optimum has fallen by the factor tol (or max_steps),
    and for at least `window` steps so that two runs can be plotted side by side.
    """
    design = np.column_stack([features, np.ones(len(features))])
    hessian = design.T @ design / len(design)
    pull = design.T @ targets / len(design)  # the gradient is hessian @ params - pull
    eigen = np.linalg.eigvalsh(hessian)
    if eigen[0] <= 1e-12 * eigen[-1]:
        raise DemoInputError(
            "the columns of x are linearly dependent (one is a combination of the others); give independent features"
        )
    best = np.linalg.solve(hessian, pull)

    def excess(params):
        gap = params - best
        return 0.5 * float(gap @ hessian @ gap)

    lr = 1.0 / eigen[-1]
    params = np.zeros(design.shape[1])
    gaps = [excess(params)]
    steps = None
    for step in range(1, max_steps + 1):
        params = params - lr * (hessian @ params - pull)
        gaps.append(excess(params))
        if steps is None and gaps[-1] <= tol * gaps[0]:
            steps = step
        if steps is not None and step >= window:
            break
    return {"steps": steps, "condition": eigen[-1] / eigen[0], "lr": lr, "params": params, "gaps": np.array(gaps)}


@demo("scaled-gd-convergence")
def scaled_gd_convergence(d: Demo, x=None, y=None, tol=None, max_steps=None):
    """Gradient descent needs far fewer steps once features are standardised."""

    def draw():
        rooms = d.rng.integers(1, 6, 40).astype(float)
        distance = np.round(d.rng.uniform(0, 20, 40), 1)
        return np.column_stack([rooms, distance])

    X = d.array("x", x, draw, ndim=2)
    if X.shape[1] > 10 or len(X) < 2:
        raise DemoInputError("x must be a matrix with one row per example (at least 2) and at most 10 feature columns")
    Y = d.array("y", y, lambda: np.round(50 + 30 * X[:, 0] - 2 * X[:, -1] + d.rng.normal(0, 5, len(X)), 1), ndim=1)
    if len(Y) != len(X):
        raise DemoInputError(f"y must have one value per row of x ({len(X)}); got {len(Y)}")
    tol = d.number("tol", tol, 1e-3, low=1e-12, high=0.5)
    cap = d.number("max_steps", max_steps, 10000, low=1, high=20000, integer=True)
    spread = X.std(axis=0)
    if np.any(spread == 0):
        raise DemoInputError("every column of x must vary, or it cannot be standardised")
    d.show("feature means and standard deviations", {"mean": X.mean(axis=0), "std": spread})
    scaled = (X - X.mean(axis=0)) / spread
    window = min(cap, 60)
    raw = descent_run(X, Y, tol, cap, window)
    std = descent_run(scaled, Y, tol, cap, window)
    d.say(
        "Run full-batch gradient descent on ½·mean((Xw + b - y)²) from zero twice, on raw and on standardised features "
        "z = (x - mean)/std, each with its largest safe constant rate 1/λmax of the Hessian."
    )
    d.show("condition number λmax/λmin of the Hessian", {"raw": raw["condition"], "standardised": std["condition"]})
    d.series(
        f"log10 excess loss over the first {window} steps",
        {"raw": kit.log10(raw["gaps"][: window + 1]), "standardised": kit.log10(std["gaps"][: window + 1])},
        x=np.arange(window + 1),
    )

    def told(run):
        return f"{run['steps']} steps" if run["steps"] is not None else f"more than {cap} steps"

    d.say(
        f"Cutting the excess loss by a factor {1 / tol:.3g} takes {told(std)} standardised against {told(raw)} raw: "
        "unequal scales and far-from-zero means stretch the bowl into a narrow valley, "
        "and the safe rate is tiny along its floor."
    )
    return {
        "condition_raw": raw["condition"],
        "condition_scaled": std["condition"],
        "steps_raw": raw["steps"],
        "steps_scaled": std["steps"],
        "raw_fit": raw["params"],
        "scaled_fit": std["params"],
    }


def _feature_table(d: Demo) -> np.ndarray:
    age = d.rng.integers(20, 71, size=5)
    income = d.rng.integers(20, 121, size=5) * 1000
    rooms = d.rng.integers(1, 7, size=5)
    return np.column_stack([age, income, rooms]).astype(float)


@demo("feature-scaling")
def feature_scaling(d: Demo, x=None, new=None):
    """Min-max scaling and z-scores of features with very different ranges."""
    X = d.array("x", x, lambda: _feature_table(d), ndim=2)
    d.require(X.shape[0] >= 2, "x needs at least 2 rows (examples) to compute scaling statistics")
    row = d.array("new", new, lambda: _feature_table(d)[0], ndim=1)
    d.require(len(row) == X.shape[1], f"new must have one value per feature of x ({X.shape[1]}); got {len(row)}")
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    mean, std = X.mean(axis=0), X.std(axis=0)
    std_safe = np.where(std > 0, std, 1.0)
    d.show(
        "training features x (rows are examples)",
        X,
        "The columns live on very different scales, e.g. ages, incomes and room counts.",
    )
    d.show("per feature, from the training rows", {"min": low, "max": high, "mean": mean, "std": std})
    min_max = (X - low) / span
    d.show("min-max scaled (x - min) / (max - min)", min_max, "Every column now runs from exactly 0 to exactly 1.")
    z = (X - mean) / std_safe
    d.show("z-scores (x - mean) / std", z, "Every column now has mean 0 and standard deviation 1, but no fixed range.")
    new_min_max = (row - low) / span
    new_z = (row - mean) / std_safe
    d.show(
        "a new example scaled with the TRAINING statistics",
        {"raw": row, "min-max": new_min_max, "z-score": new_z},
        "Never recompute the statistics on new data; values outside the training range fall outside [0, 1].",
    )
    if np.any(high == low):
        d.say("A constant feature has no spread, so it is mapped to 0 instead of dividing by zero.")
    else:
        d.say("After scaling no feature dominates a distance or a gradient just because its units are large.")
    return {"min_max": min_max, "z_scores": z, "new_min_max": new_min_max, "new_z": new_z}


@demo("epoch-batch-iteration")
def epoch_batch_iteration(d: Demo, examples=None, batch_size=None, epochs=None):
    """Counting iterations per epoch for a dataset and batch size."""
    n = d.number(
        "examples",
        examples,
        lambda: int(d.rng.integers(10, 200)) * 100 + int(d.rng.choice([0, 0, 50, 100])),
        low=1,
        high=10**9,
        integer=True,
    )
    b = d.number(
        "batch_size", batch_size, lambda: int(d.rng.choice([32, 64, 128, 200, 256])), low=1, high=10**9, integer=True
    )
    e = d.number("epochs", epochs, lambda: int(d.rng.choice([5, 10, 20])), low=1, high=10**6, integer=True)
    per_epoch = -(-n // b)
    last = n - (per_epoch - 1) * b
    full_only = n // b
    d.say(
        f"An iteration is one update on one batch of {b}; an epoch is one pass over all {n} examples, "
        "each example used exactly once."
    )
    d.show("iterations per epoch = ceil(N / B)", per_epoch, f"ceil({n} / {b}) = {per_epoch}")
    if per_epoch <= 8:
        labels, sizes = [f"batch {i + 1}" for i in range(per_epoch)], [b] * (per_epoch - 1) + [last]
    else:
        labels, sizes = ["batch 1", "batch 2", "batch 3", "...", f"batch {per_epoch}"], [b, b, b, 0, last]
    d.bars("examples in each batch of one epoch", labels, sizes)
    if last < b:
        d.say(
            f"{n} is not a multiple of {b}, so the last batch holds only {last}; "
            f"dropping it would leave {full_only} iterations per epoch."
        )
    else:
        d.say(f"{n} divides evenly by {b}, so every batch is full.")
    d.show(
        "total iterations = epochs × iterations per epoch",
        e * per_epoch,
        f"{e} × {per_epoch} = {e * per_epoch} weight updates",
    )
    return {
        "iterations_per_epoch": per_epoch,
        "last_batch": last,
        "iterations_per_epoch_drop_last": full_only,
        "total_iterations": e * per_epoch,
        "examples_seen": e * n,
    }


def _logistic_fit(A: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Weights [w, b] minimising mean log loss + (lam/2)·||w||² (bias unpenalised), by Newton's method."""
    design = np.hstack([A, np.ones((len(A), 1))])
    penalty = np.full(design.shape[1], lam)
    penalty[-1] = 0.0
    w = np.zeros(design.shape[1])
    for _ in range(50):
        p = kit.sigmoid(design @ w)
        grad = design.T @ (p - y) / len(y) + penalty * w
        hess = (design * (p * (1 - p))[:, None]).T @ design / len(y) + np.diag(penalty) + 1e-12 * np.eye(len(w))
        w = w - np.linalg.solve(hess, grad)
        if np.max(np.abs(grad)) < 1e-12:
            break
    return w


def skinny(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A times B transposed (B one vector or a few rows), in plain loops: a threaded BLAS call costs more here than it
    saves."""
    return np.einsum("ij,...j->i...", A, B)


def _accuracy(A: np.ndarray, w: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(((skinny(A, w[:-1]) + w[-1]) > 0) == (y == 1)))


@demo("transfer-learning")
def transfer_learning(d: Demo, shots=None, dims=None):
    """A frozen feature extractor plus a new head learns from a few examples."""
    side = d.side_rng()
    shots = d.number("shots", shots, 4, low=1, high=50, integer=True)
    dims = d.number("dims", dims, 60, low=3, high=100, integer=True)
    lam = 0.01
    mixing = np.linalg.qr(side.normal(size=(dims, 2)))[0].T * 4.0  # the 2-D structure shared by both tasks

    def inputs(count: int) -> np.ndarray:
        hidden = side.normal(size=(count, 2))
        return hidden[:, :1] * mixing[0] + hidden[:, 1:] * mixing[1] + side.normal(size=(count, dims))

    source = inputs(500)
    centred = source - source.mean(axis=0)
    extractor = np.linalg.eigh(centred.T @ centred)[1][:, ::-1][:, :2].T  # top 2 principal directions, one per row
    direction = side.normal(size=2) @ mixing
    pool = inputs(40 * shots + 40)
    pool_labels = (skinny(pool, direction) > 0).astype(float)
    picks = np.concatenate([np.flatnonzero(pool_labels == c)[:shots] for c in (0.0, 1.0)])
    X, y = pool[picks], pool_labels[picks]
    test = inputs(1000)
    test_labels = (skinny(test, direction) > 0).astype(float)
    features = skinny(X, extractor)
    head = _logistic_fit(features, y, lam)
    scratch = _logistic_fit(X, y, lam)
    frozen_acc = _accuracy(skinny(test, extractor), head, test_labels)
    scratch_acc = _accuracy(test, scratch, test_labels)
    d.say(
        f"Inputs have {dims} numbers but their signal lives in 2 hidden directions. A linear autoencoder "
        "pretrained on 500 unlabelled source examples (its optimum: "
        "the top 2 principal directions) is frozen as the feature extractor."
    )
    d.show(
        f"the {len(y)} labelled target examples through the frozen extractor",
        np.column_stack([features, y]),
        "Columns: feature 1, feature 2, label. Only these few labels are available.",
    )
    d.show(
        "new head: logistic regression on the 2 features",
        {"weights": head[:-1], "bias": head[-1]},
        "Only these 3 parameters are trained; the extractor's weights never change.",
    )
    d.bars(
        "accuracy on 1000 new target examples",
        ["frozen extractor + head (3 parameters)", f"from scratch on raw inputs ({dims + 1} parameters)"],
        [frozen_acc, scratch_acc],
    )
    verdict = "ahead of" if frozen_acc > scratch_acc else "not ahead of"
    d.say(
        f"With {len(y)} labels, the frozen features plus a new head reach {frozen_acc:.1%}, {verdict} a model trained "
        f"from scratch ({scratch_acc:.1%}), which must find the useful directions among {dims} on its own."
    )
    return {
        "frozen_accuracy": frozen_acc,
        "scratch_accuracy": scratch_acc,
        "head": head,
        "train_features": features,
        "train_labels": y,
    }
