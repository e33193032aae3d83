"""Demos of clustering: k-means and a self-organising map."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo
from quizprep.demos.generative_unsupervised.representations import _data_matrix


def _blobs(rng: np.random.Generator, centres: int, each: int, spread: float) -> np.ndarray:
    middles = rng.uniform(-5, 5, size=(centres, 2))
    return np.round(np.repeat(middles, each, axis=0) + spread * rng.normal(size=(centres * each, 2)), 2)


def _nearest(X: np.ndarray, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest row of C for every row of X (first one on ties), and the squared distances."""
    dist2 = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    labels = np.argmin(dist2, axis=1)
    return labels, dist2[np.arange(X.shape[0]), labels]


@demo("kmeans")
def kmeans(d: Demo, points=None, k=None, centroids=None, max_iter=None):
    """k-means clustering of unlabelled points."""
    X = _data_matrix(d, "points", points, lambda: _blobs(d.rng, 3, 8, 0.9), min_cols=1)
    n, dim = X.shape
    default_k = len(centroids) if isinstance(centroids, list) and centroids else min(3, n)
    k = d.number("k", k, default_k, low=1, high=min(n, 50), integer=True)
    C = d.array("centroids", centroids, lambda: X[np.sort(d.rng.choice(n, size=k, replace=False))], ndim=2)
    if C.shape != (k, dim):
        raise DemoInputError(
            f"centroids must be a {k}x{dim} matrix: k = {k} rows, "
            f"one column per feature of points; got {C.shape[0]}x{C.shape[1]}"
        )
    max_iter = d.number("max_iter", max_iter, 20, low=1, high=200, integer=True)
    d.say(
        f"Cluster {n} points into k = {k} groups, "
        f"starting from the centroids below (by default {k} of the points, picked at random)."
    )
    d.show("initial centroids", C)

    history, sizes_first = [], None
    converged = False
    for _ in range(max_iter):
        labels, dist2 = _nearest(X, C)
        history.append(float(dist2.sum()))
        if sizes_first is None:
            sizes_first = np.bincount(labels, minlength=k)
        moved = C.copy()
        for j in range(k):
            if np.any(labels == j):  # an empty cluster keeps its centroid
                moved[j] = X[labels == j].mean(axis=0)
        if np.array_equal(moved, C):
            converged = True
            break
        C = moved
    labels, dist2 = _nearest(X, C)
    d.say(
        "Each iteration does two steps: assign every point to its nearest centroid, "
        "then move every centroid to the mean "
        "of its points. After the first assignment the clusters "
        f"have {', '.join(str(int(s)) for s in sizes_first)} points."
    )
    d.series(
        "inertia (sum of squared distances to the assigned centroid) by iteration",
        {"inertia": history},
        x=np.arange(1, len(history) + 1),
        text="Neither step can increase it, so it falls until the assignments stop changing.",
    )
    d.show("final centroids", C)
    d.bars("points per cluster", [f"cluster {j}" for j in range(k)], np.bincount(labels, minlength=k))
    status = (
        f"converged after {len(history)} iteration(s)"
        if converged
        else f"stopped at max_iter = {max_iter} before converging"
    )
    d.say(
        f"It {status} with inertia {dist2.sum():.4g}. "
        "That is a local minimum: other starting centroids can end elsewhere."
    )
    return {"centroids": C, "labels": labels, "inertia": history, "converged": converged}


def som_inputs(d: Demo, points, rows, cols, epochs, weights):
    """The data, the map's shape, the epoch count and the starting weights (one row per unit), given or drawn."""
    X = _data_matrix(
        d,
        "points",
        points,
        lambda: np.round(d.rng.uniform(0, 1, size=(40, 2)), 2),
        min_rows=1,
        min_cols=1,
        max_size=4000,
    )
    n, dim = X.shape
    r = d.number("rows", rows, 4, low=1, high=10, integer=True)
    c = d.number("cols", cols, 4, low=1, high=10, integer=True)
    units = r * c
    epochs = d.number("epochs", epochs, 15, low=1, high=200, integer=True)
    if epochs * n > 20_000:
        raise DemoInputError(f"epochs x points must be at most 20000 updates; got {epochs} x {n}")
    W = d.array(
        "weights", weights, lambda: np.round(X.mean(axis=0) + d.rng.normal(0, 0.05, size=(units, dim)), 3), ndim=2
    )
    if W.shape != (units, dim):
        raise DemoInputError(
            f"weights must be a {units}x{dim} matrix: one row per map unit (rows x cols = {units}), "
            f"one column per feature; got {W.shape[0]}x{W.shape[1]}"
        )
    return X, r, c, epochs, W


def topographic_error(X: np.ndarray, W: np.ndarray, grid_dist2: np.ndarray) -> float:
    """Share of points whose best and second-best units are not next to each other on the grid."""
    if len(W) < 2:
        return 0.0
    dist2 = np.sum((X[:, None, :] - W[None, :, :]) ** 2, axis=2)
    two = np.argsort(dist2, axis=1, kind="stable")[:, :2]
    return float(np.mean(grid_dist2[two[:, 0], two[:, 1]] > 1))


@demo("self-organizing-map")
def self_organizing_map(d: Demo, points=None, rows=None, cols=None, epochs=None, lr=None, radius=None, weights=None):
    """A small self-organising map pulled onto 2-D data, winner and neighbours moving."""
    X, r, c, epochs, W = som_inputs(d, points, rows, cols, epochs, weights)
    n = len(X)
    lr = d.number("lr", lr, 0.5, low=0.0, high=1.0)
    width = d.number("radius", radius, max(r, c) / 2, low=0.5, high=20)
    grid = np.array([(i, j) for i in range(r) for j in range(c)], dtype=float)
    grid_dist2 = np.sum((grid[:, None, :] - grid[None, :, :]) ** 2, axis=2)
    d.say(
        f"A {r}x{c} grid of units, each with a weight vector in the data space. "
        "For every point x in turn: find the best-matching "
        "unit b (nearest weight vector), then move every unit j by η·h(j, "
        "b)·(x - wⱼ), with h = exp(-grid distance²/(2σ²))."
    )

    def quantisation_error() -> float:
        return float(np.mean(np.sqrt(_nearest(X, W)[1])))

    errors = [quantisation_error()]
    before_topo = topographic_error(X, W, grid_dist2)
    total = epochs * n
    first = {}
    for t in range(total):
        frac = t / total
        eta = lr * (1 - frac)
        sigma = width * (1 - frac) + 0.5 * frac
        x = X[t % n]
        before = W
        W, winner, h = kit.som_update(W, grid, x, eta, sigma)
        if t == 0:
            far = int(np.argmax(grid_dist2[winner]))
            first = {"x": x, "winner": winner, "before": before[[winner, far]], "h": h[[winner, far]], "far": far}
        if (t + 1) % n == 0:
            errors.append(quantisation_error())
    after_topo = topographic_error(X, W, grid_dist2)

    win, far = first["winner"], first["far"]
    d.show(
        f"first update: x = {np.round(first['x'], 3).tolist()}, η = {lr:g}, σ = {width:g}",
        {
            f"winner unit {tuple(int(v) for v in grid[win])}, h = 1": [
                first["before"][0].tolist(),
                _moved(first, lr, 0),
            ],
            f"farthest unit {tuple(int(v) for v in grid[far])}, h = {first['h'][1]:.3g}": [
                first["before"][1].tolist(),
                _moved(first, lr, 1),
            ],
        },
        (
            f"Weight before (top row) and after: the winner moves η = {lr:g} of the way to x, "
            "other units η·h of the way, less the farther they sit on the grid."
        ),
    )
    d.series(
        "quantisation error (mean distance from a point to its best unit) by epoch",
        {"error": errors},
        x=np.arange(epochs + 1),
        text=(
            "η shrinks linearly to 0 and σ from radius to 0.5, "
            "so early updates order the map and late ones fine-tune it."
        ),
    )
    d.show(f"first coordinate of each unit's weight, laid out on the {r}x{c} grid", W[:, 0].reshape(r, c))
    d.say(
        "Neighbours on the grid now hold neighbouring weights: "
        "the share of points whose two best units are not grid neighbours "
        f"(topographic error) went from {before_topo:.2f} to {after_topo:.2f}. "
        "Like k-means with centroids tied together, but no labels and no backprop."
    )
    return {"weights": W, "quantization_error": errors, "topographic_error": after_topo, "first_winner": win}


def _moved(first: dict, lr: float, which: int) -> list[float]:
    """A unit's weight right after the first update (η = lr there)."""
    before = first["before"][which]
    return (before + lr * first["h"][which] * (first["x"] - before)).tolist()
