"""Demos: training (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo

# Helpers shared by several demos.


def side_rng(d: Demo) -> np.random.Generator:
    """A generator for randomness that is not a parameter (masks, noise, resamples).

    Call it first, before any parameter default is drawn: it then gets the same seed whether or
    not the parameters were given, so running again with the reported parameters gives the same result.
    """
    return np.random.default_rng(int(d.rng.integers(2**63)))


def need(condition: bool, message: str) -> None:
    if not condition:
        raise DemoInputError(message)


def together(x, y, x_name: str = "x", y_name: str = "y") -> None:
    need((x is None) == (y is None), f"give {x_name} and {y_name} together, or neither to use the example data")


def vector_pair(x: np.ndarray, y: np.ndarray, x_name: str = "x", y_name: str = "y") -> None:
    need(len(x) == len(y), f"{x_name} and {y_name} must have the same length; got {len(x)} and {len(y)}")


def ridge(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Minimiser of (1/2N)·||Xw - y||² + (λ/2)·||w||²."""
    n, f = X.shape
    return np.linalg.lstsq(X.T @ X / n + lam * np.eye(f), X.T @ y / n, rcond=None)[0]


def mse(prediction: np.ndarray, target: np.ndarray) -> float:
    return float(np.mean((prediction - target) ** 2))


def normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))


def normal_pdf(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# Normalisation and scaling.


@demo("batch-norm")
def batch_norm(d: Demo, x=None, eps=None):
    X = d.array(
        "x",
        x,
        lambda: np.round(d.rng.normal([5.0, -2.0, 0.0], [2.0, 0.5, 10.0], size=(4, 3)), 2),
        ndim=2,
    )
    eps = d.number("eps", eps, 1e-5, low=0.0, high=1.0)
    n, f = X.shape
    mean = X.mean(axis=0)
    var = ((X - mean) ** 2).mean(axis=0)
    if eps == 0 and np.any(var == 0):
        raise DemoInputError("a feature of x is constant, so its batch variance is 0; use eps > 0 to normalise it")
    d.show("batch x (rows are examples, columns features)", X, f"{n} examples of {f} features; each column is normalised on its own.")
    d.show("batch mean μ_B per feature", mean)
    d.show(
        "batch variance σ²_B per feature",
        var,
        f"The biased variance: squared deviations summed and divided by N = {n}, not N - 1.",
    )
    x_hat = (X - mean) / np.sqrt(var + eps)
    d.say(f"x̂ = (x - μ_B) / sqrt(σ²_B + ε) with ε = {eps:g}; with scale γ = 1 and shift β = 0 the output is x̂ itself.")
    d.show("normalised batch x̂", x_hat)
    d.show(
        "per feature after normalising",
        {"mean": x_hat.mean(axis=0), "std": x_hat.std(axis=0)},
        "Every column now has mean 0 and standard deviation just under 1 (ε keeps it below 1).",
    )
    return x_hat


def _feature_table(d: Demo) -> np.ndarray:
    age = d.rng.integers(20, 71, size=5)
    income = d.rng.integers(20, 121, size=5) * 1000
    rooms = d.rng.integers(1, 7, size=5)
    return np.column_stack([age, income, rooms]).astype(float)


@demo("feature-scaling")
def feature_scaling(d: Demo, x=None, new=None):
    X = d.array("x", x, lambda: _feature_table(d), ndim=2)
    need(X.shape[0] >= 2, "x needs at least 2 rows (examples) to compute scaling statistics")
    row = d.array("new", new, lambda: _feature_table(d)[0], ndim=1)
    need(len(row) == X.shape[1], f"new must have one value per feature of x ({X.shape[1]}); got {len(row)}")
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    mean, std = X.mean(axis=0), X.std(axis=0)
    std_safe = np.where(std > 0, std, 1.0)
    d.show("training features x (rows are examples)", X, "The columns live on very different scales, e.g. ages, incomes and room counts.")
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


# Data, capacity and the choice of model.


def _true_curve(x: np.ndarray) -> np.ndarray:
    return np.sin(3.0 * x)


def _bumps(x: np.ndarray, count: int = 25, width: float = 0.1) -> np.ndarray:
    centres = np.linspace(-1.0, 1.0, count)
    return np.exp(-0.5 * ((x[:, None] - centres[None, :]) / width) ** 2)


@demo("data-scaling")
def data_scaling(d: Demo, sizes=None, noise=None):
    side = side_rng(d)
    sizes = d.array("sizes", sizes, [10, 20, 50, 100, 200, 500, 1000, 2000], ndim=1, integer=True)
    noise = d.number("noise", noise, 0.3, low=0.0, high=10.0)
    need(bool(np.all(sizes >= 2)) and bool(np.all(sizes <= 5000)), "sizes must be training-set sizes between 2 and 5000")
    pool_x = side.uniform(-1.0, 1.0, size=int(sizes.max()))
    pool_y = _true_curve(pool_x) + noise * side.normal(size=pool_x.size)
    grid = np.linspace(-1.0, 1.0, 201)
    truth = _true_curve(grid)
    simple, flexible = [], []
    for n in sizes:
        x, y = pool_x[:n], pool_y[:n]
        design = np.column_stack([np.ones(n), x])
        line = np.linalg.solve(design.T @ design, design.T @ y)
        simple.append(mse(line[0] + line[1] * grid, truth))
        weights = ridge(_bumps(x), y, 1e-4)
        flexible.append(mse(_bumps(grid) @ weights, truth))
    simple, flexible = np.array(simple), np.array(flexible)
    d.say(
        f"Targets are sin(3x) plus noise of std {noise:g}. A straight line (2 parameters) and 25 Gaussian bumps "
        "(25 parameters, lightly regularised) are fitted to the first n points; error is measured against the true curve."
    )
    d.series("test error by training-set size n", {"straight line": simple, "25 bumps": flexible}, x=sizes)
    d.show("test error (MSE)", {"n": sizes, "straight line": simple, "25 bumps": flexible})
    d.say(
        f"The line stops improving near {simple[-1]:.3g}: that is its bias, the part of sin(3x) no line can follow. "
        f"The flexible model goes from {flexible[0]:.3g} at n = {sizes[0]} to {flexible[-1]:.3g} at n = {sizes[-1]}."
    )
    d.say("With little data the simple model is the safer choice; with plenty, the flexible one wins, as deep networks do.")
    return {"sizes": sizes, "simple_error": simple, "flexible_error": flexible}


@demo("polynomial-fit")
def polynomial_fit(d: Demo, x=None, y=None, x_val=None, y_val=None, max_degree=None):
    def sample(count: int) -> tuple[np.ndarray, np.ndarray]:
        xs = np.round(np.sort(d.rng.uniform(-1.0, 1.0, size=count)), 2)
        return xs, np.round(np.sin(np.pi * xs) + 0.25 * d.rng.normal(size=count), 2)

    together(x, y)
    together(x_val, y_val, "x_val", "y_val")
    default_train = sample(10) if x is None else None
    X = d.array("x", x, lambda: default_train[0], ndim=1)
    Y = d.array("y", y, lambda: default_train[1], ndim=1)
    vector_pair(X, Y)
    default_val = sample(30) if x_val is None else None
    XV = d.array("x_val", x_val, lambda: default_val[0], ndim=1)
    YV = d.array("y_val", y_val, lambda: default_val[1], ndim=1)
    vector_pair(XV, YV, "x_val", "y_val")
    top = d.number("max_degree", max_degree, min(9, len(X) - 1), low=0, high=15, integer=True)
    need(top <= len(X) - 1, f"max_degree can be at most {len(X) - 1} with {len(X)} training points")
    degrees = np.arange(top + 1)
    train_error, val_error = [], []
    for degree in degrees:
        coefficients = np.linalg.lstsq(np.vander(X, degree + 1, increasing=True), Y, rcond=None)[0]
        train_error.append(mse(np.vander(X, degree + 1, increasing=True) @ coefficients, Y))
        val_error.append(mse(np.vander(XV, degree + 1, increasing=True) @ coefficients, YV))
    train_error, val_error = np.array(train_error), np.array(val_error)
    best = int(np.argmin(val_error))
    d.show("training points", {"x": X, "y": Y}, f"{len(X)} training points; {len(XV)} more are held out for validation.")
    d.series(
        "log10 of mean squared error by polynomial degree",
        {"train": np.log10(np.maximum(train_error, 1e-16)), "validation": np.log10(val_error)},
        x=degrees,
    )
    d.show("mean squared error", {"degree": degrees, "train": train_error, "validation": val_error})
    d.say(
        f"Degree 0 underfits: train {train_error[0]:.3g}, validation {val_error[0]:.3g}, both high. "
        f"Training error only falls as the degree grows, reaching {train_error[-1]:.3g} at degree {top}."
    )
    d.say(
        f"Validation error is lowest at degree {best} ({val_error[best]:.3g}); beyond it the curve bends to fit the noise "
        f"and validation error climbs to {val_error[-1]:.3g}: overfitting."
    )
    return {"degrees": degrees, "train_error": train_error, "val_error": val_error, "best_degree": best}


# Hyperparameter search.


def _search_score(a: np.ndarray, b: np.ndarray, peak: float) -> np.ndarray:
    """Validation accuracy: a matters a lot, b hardly at all."""
    return 0.6 + 0.3 * np.exp(-(((a - peak) / 0.1) ** 2)) + 0.01 * b


@demo("random-vs-grid-search")
def random_vs_grid_search(d: Demo, side=None, peak=None):
    extra = side_rng(d)
    n_side = d.number("side", side, 3, low=2, high=10, integer=True)
    peak = d.number("peak", peak, lambda: round(float(d.rng.uniform(0.05, 0.95)), 2), low=0.0, high=1.0)
    trials = n_side * n_side
    levels = np.linspace(0.0, 1.0, n_side)
    grid = np.array([(a, b) for a in levels for b in levels])
    random_points = extra.uniform(0.0, 1.0, size=(trials, 2))
    grid_scores = _search_score(grid[:, 0], grid[:, 1], peak)
    random_scores = _search_score(random_points[:, 0], random_points[:, 1], peak)
    g, r = int(np.argmax(grid_scores)), int(np.argmax(random_scores))
    d.say(
        f"Validation accuracy = 0.6 + 0.3·exp(-((a - {peak:g})/0.1)²) + 0.01·b: hyperparameter a matters, b barely does. "
        f"Both searches get {trials} training runs."
    )
    d.show("values of a the grid tries", levels, f"A {n_side}x{n_side} grid tests only {n_side} distinct values of a; the other runs only vary b.")
    d.show("values of a random search tries", np.sort(random_points[:, 0]), f"{trials} random trials test {trials} distinct values of a.")
    d.bars("best validation accuracy found", ["grid", "random", "best possible"], [grid_scores[g], random_scores[r], 0.91])
    winner = "random search" if random_scores[r] > grid_scores[g] else "the grid"
    d.say(
        f"The grid's best a is {grid[g, 0]:.3g}, random search's is {random_points[r, 0]:.3g}, against the peak at {peak:g}; "
        f"here {winner} comes out ahead."
    )
    return {
        "grid_best": grid_scores[g],
        "random_best": random_scores[r],
        "grid_best_point": grid[g],
        "random_best_point": random_points[r],
        "random_points": random_points,
    }


def _bo_objective(x: np.ndarray) -> np.ndarray:
    """A validation loss over one hyperparameter in [0, 1]: a good basin near 0.25, a better one near 0.7."""
    return 0.5 - 0.2 * np.exp(-(((x - 0.25) / 0.1) ** 2)) - 0.4 * np.exp(-(((x - 0.7) / 0.08) ** 2))


def _gp_posterior(xs: np.ndarray, ys: np.ndarray, grid: np.ndarray, length: float, variance: float = 0.04):
    def kernel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return variance * np.exp(-0.5 * ((a[:, None] - b[None, :]) / length) ** 2)

    prior_mean = ys.mean()
    K = kernel(xs, xs) + 1e-6 * np.eye(len(xs))
    k_star = kernel(xs, grid)
    alpha = np.linalg.solve(K, ys - prior_mean)
    mean = prior_mean + k_star.T @ alpha
    var = variance - np.sum(k_star * np.linalg.solve(K, k_star), axis=0)
    return mean, np.sqrt(np.maximum(var, 0.0))


def _expected_improvement(best: float, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    gain = best - mean  # we minimise the loss
    safe = np.where(std > 0, std, 1.0)
    z = gain / safe
    ei = gain * normal_cdf(z) + std * normal_pdf(z)
    return np.where(std > 0, ei, np.maximum(gain, 0.0))


@demo("bayesian-optimization")
def bayesian_optimization(d: Demo, x_init=None, length_scale=None, iterations=None):
    xs = d.array("x_init", x_init, lambda: np.round(np.sort(d.rng.uniform(0.0, 1.0, size=3)), 2), ndim=1)
    need(bool(np.all((xs >= 0) & (xs <= 1))), "x_init must hold hyperparameter values between 0 and 1")
    length = d.number("length_scale", length_scale, 0.1, low=0.01, high=10.0)
    iterations = d.number("iterations", iterations, 6, low=1, high=20, integer=True)
    grid = np.linspace(0.0, 1.0, 201)
    ys = _bo_objective(xs)
    d.say(
        "Minimise an expensive validation loss of one hyperparameter in [0, 1] (its best value 0.1 is at 0.7). "
        f"The surrogate is a Gaussian process with an RBF kernel of length scale {length:g} and variance 0.04."
    )
    d.show("first trials (x, loss)", {"x": xs, "loss": ys})
    chosen, first = [], None
    for step in range(iterations):
        mean, std = _gp_posterior(xs, ys, grid, length)
        ei = _expected_improvement(ys.min(), mean, std)
        pick = grid[int(np.argmax(ei))]
        if first is None:
            first = (mean, std, ei, pick)
        chosen.append(pick)
        xs = np.append(xs, pick)
        ys = np.append(ys, _bo_objective(np.array([pick]))[0])
    mean, std, ei, pick = first
    d.series(
        "surrogate before the first new trial",
        {"predicted loss": mean, "uncertainty (std)": std, "expected improvement": ei},
        x=grid,
        text=f"Expected improvement is highest at x = {pick:.3g}: a low prediction, a large uncertainty, or both.",
    )
    new_losses = ys[-iterations:]
    d.show("trials chosen by expected improvement", {"x": np.array(chosen), "loss": new_losses})
    d.series("best loss so far by trial", {"best loss": np.minimum.accumulate(ys)}, x=np.arange(1, len(ys) + 1))
    best = int(np.argmin(ys))
    d.say(
        f"After {len(ys)} trials the best is x = {xs[best]:.3g} with loss {ys[best]:.3g}; "
        "each result refits the surrogate before the next choice."
    )
    return {"x_tried": xs, "y_tried": ys, "best_x": xs[best], "best_y": ys[best]}


@demo("successive-halving")
def successive_halving(d: Demo, final=None, speed=None, budget=None):
    finals = d.array("final", final, lambda: np.round(d.rng.uniform(0.2, 0.6, size=16), 2), ndim=1)
    speeds = d.array("speed", speed, lambda: np.round(d.rng.uniform(0.0, 1.0, size=len(finals)), 2), ndim=1)
    need(2 <= len(finals) <= 64, f"final must list between 2 and 64 configurations; got {len(finals)}")
    vector_pair(finals, speeds, "final", "speed")
    need(bool(np.all(speeds >= 0)), "speed must be non-negative (how far above its final loss a configuration starts)")
    epochs = d.number("budget", budget, 1, low=1, high=100, integer=True)
    alive = list(range(len(finals)))
    rounds, used, trained_to = {}, 0, 0
    while len(alive) > 1:
        losses = finals[alive] + speeds[alive] / epochs
        used += len(alive) * (epochs - trained_to)
        trained_to = epochs
        order = sorted(range(len(alive)), key=lambda i: (losses[i], alive[i]))
        keep = max(1, len(alive) // 2)
        rounds[f"{len(alive)} configs, {epochs} epochs: keep"] = np.array(sorted(alive[i] for i in order[:keep]))
        alive = sorted(alive[i] for i in order[:keep])
        epochs *= 2
    winner, true_best = alive[0], int(np.argmin(finals))
    full = len(finals) * trained_to
    d.say(
        "Configuration i has validation loss final_i + speed_i / epochs: a fast learner looks good early, "
        "a slow one only shows its final loss late."
    )
    d.bars(
        f"loss of every configuration after {int(d.params['budget'])} epoch(s)",
        [f"config {i}" for i in range(len(finals))],
        finals + speeds / d.params["budget"],
    )
    d.show("survivors after each round (the better half of the losses)", rounds)
    d.show(
        "epochs spent",
        {"successive halving": used, "train all to the end": full},
        f"Survivors resume training, so halving used {used} epochs against {full} for training all {len(finals)} "
        f"configurations for {trained_to} epochs.",
    )
    if winner == true_best:
        d.say(f"It kept config {winner}, which really has the lowest final loss ({finals[winner]:g}).")
    else:
        d.say(
            f"It kept config {winner} (final loss {finals[winner]:g}), but config {true_best} would have ended lower "
            f"({finals[true_best]:g}): a slow starter was cut early, the price of cheap early rounds."
        )
    return {"winner": winner, "true_best": true_best, "epochs_used": used, "epochs_full": full, "rounds": list(rounds.values())}


# The training loop.


@demo("epoch-batch-iteration")
def epoch_batch_iteration(d: Demo, examples=None, batch_size=None, epochs=None):
    n = d.number(
        "examples",
        examples,
        lambda: int(d.rng.integers(10, 200)) * 100 + int(d.rng.choice([0, 0, 50, 100])),
        low=1,
        high=10**9,
        integer=True,
    )
    b = d.number("batch_size", batch_size, lambda: int(d.rng.choice([32, 64, 128, 200, 256])), low=1, high=10**9, integer=True)
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
        d.say(f"{n} is not a multiple of {b}, so the last batch holds only {last}; dropping it would leave {full_only} iterations per epoch.")
    else:
        d.say(f"{n} divides evenly by {b}, so every batch is full.")
    d.show("total iterations = epochs × iterations per epoch", e * per_epoch, f"{e} × {per_epoch} = {e * per_epoch} weight updates")
    return {
        "iterations_per_epoch": per_epoch,
        "last_batch": last,
        "iterations_per_epoch_drop_last": full_only,
        "total_iterations": e * per_epoch,
        "examples_seen": e * n,
    }


# Regularisation.


@demo("dropout")
def dropout(d: Demo, h=None, p=None, samples=None):
    extra = side_rng(d)
    acts = d.array("h", h, lambda: np.round(np.maximum(d.rng.normal(1.0, 1.0, size=8), 0.0), 2), ndim=1)
    need(len(acts) <= 50, "h can have at most 50 units")
    p = d.number("p", p, 0.5, low=0.0, high=1.0)
    need(p < 1, "p is the drop probability and must be below 1 (p = 1 drops every unit)")
    samples = d.number("samples", samples, 10000, low=1, high=20000, integer=True)
    keep = 1.0 - p
    masks = extra.random((samples, len(acts))) < keep
    outputs = masks * acts / keep
    mask, output = masks[0].astype(float), outputs[0]
    d.show("activations h", acts)
    d.show(
        "one dropout mask m (1 = kept)",
        mask,
        f"Each unit is kept with probability 1 - p = {keep:g}, independently; this mask kept {int(mask.sum())} of {len(acts)}.",
    )
    d.show(
        f"training output m ⊙ h / {keep:g}",
        output,
        f"Inverted dropout scales the kept units by 1/(1 - p) = {1 / keep:.3g} now, so nothing changes at test time.",
    )
    average = outputs.mean(axis=0)
    d.show(
        f"average output over {samples} masks",
        average,
        "E[m_i h_i / (1 - p)] = (1 - p) h_i / (1 - p) = h_i: the average matches h up to sampling noise.",
    )
    unscaled = (masks * acts).mean(axis=0)
    d.show("average without the 1/(1 - p) scaling", unscaled, f"Without it the expected activation would shrink to {keep:g}·h.")
    d.say("At inference dropout is switched off and h passes through unchanged.")
    return {"mask": mask, "output": output, "average": average, "average_unscaled": unscaled}


def _regression_data(d: Demo, weights: list[float], n: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.round(d.rng.normal(size=(n, len(weights))), 2)
    y = np.round(X @ np.array(weights) + 0.5 * d.rng.normal(size=n), 2)
    return X, y


def _xy(d: Demo, x, y, weights: list[float], n: int) -> tuple[np.ndarray, np.ndarray]:
    together(x, y)
    default = _regression_data(d, weights, n) if x is None else None
    X = d.array("x", x, lambda: default[0], ndim=2)
    Y = d.array("y", y, lambda: default[1], ndim=1)
    need(X.shape[0] == len(Y), f"x has {X.shape[0]} rows but y has {len(Y)} targets; they must match")
    return X, Y


@demo("weight-decay")
def weight_decay(d: Demo, x=None, y=None, lambdas=None):
    X, Y = _xy(d, x, y, [3.0, -2.0, 1.0, 0.5], 20)
    lams = d.array("lambdas", lambdas, [0.0, 0.1, 1.0, 10.0, 100.0], ndim=1)
    need(bool(np.all(lams >= 0)), "lambdas must be non-negative penalty strengths")
    weights = np.array([ridge(X, Y, lam) for lam in lams])
    norms = np.linalg.norm(weights, axis=1)
    train = np.array([mse(X @ w, Y) for w in weights])
    d.say(
        "Fit least squares with an L2 penalty: J(w) = (1/2N)·||Xw - y||² + (λ/2)·||w||², "
        "minimised exactly by w = (XᵀX/N + λI)⁻¹ Xᵀy/N."
    )
    d.show("weights, one row per λ", weights, "Rows go from λ = " + ", ".join(f"{v:g}" for v in lams) + ".")
    d.series("||w|| by λ", {"weight norm": norms}, x=lams)
    d.show("training MSE by λ", train, "Stronger decay costs training fit: the penalty trades fit for smaller weights.")
    d.say(
        f"The norm falls from {norms[0]:.3g} to {norms[-1]:.3g}. In gradient descent the penalty adds λw to the gradient, "
        "so each step first multiplies w by (1 - ηλ): that shrinking is the 'decay'."
    )
    return {"lambdas": lams, "weights": weights, "norms": norms, "train_mse": train}


def _soft_threshold(w: np.ndarray, amount: float) -> np.ndarray:
    return np.sign(w) * np.maximum(np.abs(w) - amount, 0.0)


@demo("l1-sparsity")
def l1_sparsity(d: Demo, x=None, y=None, lam=None, steps=None):
    X, Y = _xy(d, x, y, [4.0, 0.0, 0.3, -3.0, 0.0, 0.2], 30)
    lam = d.number("lam", lam, 0.5, low=0.0, high=1e6)
    steps = d.number("steps", steps, 1000, low=1, high=5000, integer=True)
    n, f = X.shape
    lipschitz = float(np.linalg.eigvalsh(X.T @ X / n).max()) or 1.0
    eta = 1.0 / lipschitz
    w = np.zeros(f)
    nonzero = []
    for _ in range(steps):
        w = _soft_threshold(w - eta * X.T @ (X @ w - Y) / n, eta * lam)
        nonzero.append(int(np.count_nonzero(w)))
    l2 = ridge(X, Y, lam)
    d.say(
        f"Minimise (1/2N)·||Xw - y||² + {lam:g}·||w||₁ by proximal gradient descent: a gradient step of size "
        f"{eta:.3g}, then soft-thresholding w ← sign(w)·max(|w| - {eta * lam:.3g}, 0)."
    )
    d.series("non-zero weights by step", {"non-zero": nonzero}, x=np.arange(1, steps + 1))
    d.show("weights", {"L1 (lasso)": w, "L2, same λ": l2})
    d.bars("|w| with the L1 penalty", [f"w{i + 1}" for i in range(f)], np.abs(w))
    zeros_l1, zeros_l2 = int(np.sum(w == 0)), int(np.sum(l2 == 0))
    d.say(
        f"L1 sets {zeros_l1} of {f} weights exactly to 0: its pull λ·sign(w) keeps its size however small w is. "
        f"The L2 fit has {zeros_l2} zeros; its pull λw fades near zero, so small weights only shrink."
    )
    return {"l1_weights": w, "l2_weights": l2, "zeros_l1": zeros_l1, "zeros_l2": zeros_l2}


@demo("early-stopping")
def early_stopping(d: Demo, epochs=None, patience=None, noise=None):
    side = side_rng(d)
    epochs = d.number("epochs", epochs, 200, low=1, high=2000, integer=True)
    patience = d.number("patience", patience, 20, low=1, high=2000, integer=True)
    noise = d.number("noise", noise, 0.3, low=0.0, high=10.0)
    centres = np.linspace(0.0, 1.0, 30)

    def features(t: np.ndarray) -> np.ndarray:
        return np.exp(-0.5 * ((t[:, None] - centres[None, :]) / 0.05) ** 2)

    x = np.sort(side.uniform(0.0, 1.0, size=20))
    x_val = np.linspace(0.0, 1.0, 101)
    y = np.sin(2 * np.pi * x) + noise * side.normal(size=x.size)
    y_val = np.sin(2 * np.pi * x_val) + noise * side.normal(size=x_val.size)
    A, A_val = features(x), features(x_val)
    lr = 0.5 / float(np.linalg.eigvalsh(A.T @ A / len(x)).max())
    w = np.zeros(len(centres))
    train, val = [], []
    for _ in range(epochs + 1):
        train.append(mse(A @ w, y))
        val.append(mse(A_val @ w, y_val))
        w = w - lr * A.T @ (A @ w - y) / len(x)
    train, val = np.array(train), np.array(val)
    best, stop = 0, epochs
    for epoch in range(1, epochs + 1):
        if val[epoch] < val[best]:
            best = epoch
        elif epoch - best >= patience:
            stop = epoch
            break
    d.say(
        "Fit 20 noisy points of sin(2πx) with 30 narrow Gaussian bumps by full-batch gradient descent, "
        "checking the loss on 101 validation points after every epoch."
    )
    d.series(
        "log10 of mean squared error by epoch",
        {"train": np.log10(np.maximum(train, 1e-16)), "validation": np.log10(np.maximum(val, 1e-16))},
        x=np.arange(epochs + 1),
    )
    d.say(
        f"Training loss keeps falling, to {train[-1]:.3g}. Validation loss bottoms out at {val[best]:.3g} in epoch {best}, "
        f"then the bumps start fitting the noise; by epoch {epochs} it is {val[-1]:.3g}."
    )
    if stop < epochs:
        text = f"With patience {patience}, training stops at epoch {stop}, {patience} epochs without a new best, and the epoch-{best} weights are restored."
    else:
        text = f"Patience {patience} never ran out within {epochs} epochs; the best weights (epoch {best}) are kept anyway."
    d.show("stopping", {"best epoch": best, "stopped at": stop, "validation loss kept": val[best]}, text)
    return {
        "best_epoch": best,
        "stop_epoch": stop,
        "val_loss_kept": val[best],
        "val_loss_last": val[-1],
        "train_loss_kept": train[best],
        "train_loss_last": train[-1],
    }


@demo("k-fold-cv")
def k_fold_cv(d: Demo, x=None, y=None, k=None):
    def sample() -> tuple[np.ndarray, np.ndarray]:
        xs = np.round(d.rng.uniform(0.0, 10.0, size=12), 1)
        return xs, np.round(2.0 * xs + 1.0 + 2.0 * d.rng.normal(size=12), 1)

    together(x, y)
    default = sample() if x is None else None
    X = d.array("x", x, lambda: default[0], ndim=1)
    Y = d.array("y", y, lambda: default[1], ndim=1)
    vector_pair(X, Y)
    k = d.number("k", k, 4, low=2, high=len(X), integer=True)
    n = len(X)
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    need(n - max(sizes) >= 2, f"with {n} points and k = {k} a training split has fewer than 2 points; use more points or a smaller k")
    bounds = np.cumsum([0] + sizes)
    folds = [np.arange(bounds[i], bounds[i + 1]) for i in range(k)]
    scores = []
    for fold in folds:
        train = np.setdiff1d(np.arange(n), fold)
        slope, intercept = np.polyfit(X[train], Y[train], 1)
        scores.append(mse(slope * X[fold] + intercept, Y[fold]))
    scores = np.array(scores)
    d.say(
        f"Split the {n} points (already in random order) into k = {k} consecutive folds. Each round fits a straight line "
        "on k - 1 folds and scores its mean squared error on the fold left out."
    )
    d.show("validation indices of each fold", {f"fold {i + 1}": fold for i, fold in enumerate(folds)})
    d.bars("validation MSE of each fold", [f"fold {i + 1}" for i in range(k)], scores)
    d.show(
        "cross-validation estimate",
        {"mean": scores.mean(), "std across folds": scores.std()},
        f"Every point is validated exactly once; the mean of the {k} scores is steadier than any single split.",
    )
    return {"folds": [fold.tolist() for fold in folds], "scores": scores, "mean": float(scores.mean())}


# More data from the data you have.

SEVEN = [
    [1, 1, 1, 1, 1],
    [0, 0, 0, 1, 0],
    [0, 0, 1, 0, 0],
    [0, 1, 0, 0, 0],
    [0, 1, 0, 0, 0],
]


@demo("data-augmentation")
def data_augmentation(d: Demo, image=None, shift=None, noise=None):
    side = side_rng(d)
    img = d.array("image", image, SEVEN, ndim=2)
    height, width = img.shape
    shift = d.number("shift", shift, min(1, width - 1), low=-(width - 1), high=width - 1, integer=True)
    noise = d.number("noise", noise, 0.1, low=0.0, high=10.0)
    flipped = img[:, ::-1]
    flipped_vertically = img[::-1, :]
    shifted = np.zeros_like(img)
    if shift >= 0:
        shifted[:, shift:] = img[:, : width - shift]
    else:
        shifted[:, :shift] = img[:, -shift:]
    noisy = img + noise * side.normal(size=img.shape)
    same = "The label stays 7." if image is None else "The label stays the same."
    d.show("original image (label: 7)" if image is None else "original image", img)
    d.show(
        "horizontal flip",
        flipped,
        "Mirror left to right. Fine for cats; a mirrored 7 is no longer a 7, so digits must not be flipped.",
    )
    d.show("vertical flip", flipped_vertically, "Upside down: right for satellite photos, wrong for street scenes or digits.")
    direction = "right" if shift >= 0 else "left"
    d.show(f"shifted {abs(shift)} pixel(s) {direction}", shifted, f"Pixels move over and the empty edge is filled with 0. {same}")
    d.show(f"Gaussian noise, std {noise:g}", noisy, f"Every pixel jitters a little. {same}")
    d.say("Each copy is a new training example for free, as long as the transform keeps the label true.")
    return {"flipped": flipped, "flipped_vertically": flipped_vertically, "shifted": shifted, "noisy": noisy}


@demo("mixup")
def mixup(d: Demo, x1=None, x2=None, y1=None, y2=None, classes=None, alpha=None, lam=None):
    side = side_rng(d)
    a = d.array("x1", x1, lambda: np.round(d.rng.uniform(0.0, 1.0, size=4), 2), ndim=1)
    b = d.array("x2", x2, lambda: np.round(d.rng.uniform(0.0, 1.0, size=len(a)), 2), ndim=1)
    vector_pair(a, b, "x1", "x2")
    classes = d.number("classes", classes, 3, low=2, high=100, integer=True)
    label_a = d.number("y1", y1, 0, low=0, high=classes - 1, integer=True)
    label_b = d.number("y2", y2, 2 if classes > 2 else 1, low=0, high=classes - 1, integer=True)
    alpha = d.number("alpha", alpha, 0.2, low=0.0, high=100.0)
    need(alpha > 0, "alpha must be positive: both parameters of Beta(alpha, alpha)")
    lam = d.number("lam", lam, lambda: round(float(d.rng.beta(alpha, alpha)), 3), low=0.0, high=1.0)
    draws = side.beta(alpha, alpha, size=5000)
    counts = np.histogram(draws, bins=5, range=(0.0, 1.0))[0]
    one_a, one_b = np.eye(classes)[label_a], np.eye(classes)[label_b]
    mixed_x = lam * a + (1 - lam) * b
    mixed_y = lam * one_a + (1 - lam) * one_b
    if alpha < 1:
        shape = "With alpha below 1 most λ sit near 0 or 1, so most mixed examples stay close to one of the pair."
    elif alpha == 1:
        shape = "With alpha = 1, λ is uniform on [0, 1]."
    else:
        shape = "With alpha above 1, λ gathers around 0.5, so most examples are strong blends."
    d.bars(
        f"5000 draws of λ ~ Beta({alpha:g}, {alpha:g})",
        ["0.0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1.0"],
        counts,
        shape,
    )
    d.show("the pair", {f"x1 (class {label_a})": a, f"x2 (class {label_b})": b})
    d.show(f"mixed input λ·x1 + (1 - λ)·x2 with λ = {lam:g}", mixed_x)
    d.show("mixed label λ·onehot(y1) + (1 - λ)·onehot(y2)", mixed_y, f"A soft target: {lam:.3g} on class {label_a}, {1 - lam:.3g} on class {label_b}.")
    d.say("Training on such blends pushes the model to change its prediction linearly between examples.")
    return {"lam": lam, "x": mixed_x, "y": mixed_y}


def _logistic_fit(A: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Weights [w, b] minimising mean log loss + (lam/2)·||w||² (bias unpenalised), by Newton's method."""
    design = np.hstack([A, np.ones((len(A), 1))])
    penalty = np.full(design.shape[1], lam)
    penalty[-1] = 0.0
    w = np.zeros(design.shape[1])
    for _ in range(50):
        p = sigmoid(design @ w)
        grad = design.T @ (p - y) / len(y) + penalty * w
        hess = (design * (p * (1 - p))[:, None]).T @ design / len(y) + np.diag(penalty) + 1e-12 * np.eye(len(w))
        w = w - np.linalg.solve(hess, grad)
        if np.max(np.abs(grad)) < 1e-12:
            break
    return w


def skinny(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A times B transposed (B one vector or a few rows), in plain loops: a threaded BLAS call costs more here than it saves."""
    return np.einsum("ij,...j->i...", A, B)


def _accuracy(A: np.ndarray, w: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(((skinny(A, w[:-1]) + w[-1]) > 0) == (y == 1)))


@demo("transfer-learning")
def transfer_learning(d: Demo, shots=None, dims=None):
    side = side_rng(d)
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
        "pretrained on 500 unlabelled source examples (its optimum: the top 2 principal directions) is frozen as the feature extractor."
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


# Ensembles.


@demo("bootstrap-bagging")
def bootstrap_bagging(d: Demo, n=None, resamples=None, rho=None):
    side = side_rng(d)
    n = d.number("n", n, 20, low=1, high=1000, integer=True)
    resamples = d.number("resamples", resamples, 10, low=1, high=100, integer=True)
    rho = d.number("rho", rho, 0.3, low=0.0, high=1.0)
    draws = side.integers(0, n, size=(resamples, n))
    ordered = np.sort(draws, axis=1)
    unique = (1 + np.count_nonzero(np.diff(ordered, axis=1), axis=1)) / n
    expected = 1.0 - (1.0 - 1.0 / n) ** n
    d.say(f"A bootstrap resample draws {n} indices from 0..{n - 1} with replacement, the same size as the data.")
    distinct = int(round(unique[0] * n))
    d.show("resample 1, sorted", ordered[0], f"It holds {distinct} distinct examples; the other {n - distinct} are out of bag.")
    d.bars("share of distinct examples in each resample", [f"resample {i + 1}" for i in range(resamples)], unique)
    d.show(
        "distinct share",
        {"mean over resamples": unique.mean(), "1 - (1 - 1/n)^n": expected, "limit 1 - 1/e": 1 - math.exp(-1)},
        f"About {expected:.1%} of examples are in a resample and {1 - expected:.1%} are out of bag, a free validation set.",
    )
    trials = 10000
    shared = side.normal(size=(trials, 1))
    own = side.normal(size=(trials, resamples))
    errors = math.sqrt(rho) * shared + math.sqrt(1 - rho) * own  # each model: variance 1, pairwise correlation rho
    single, average = float(errors[:, 0].var()), float(errors.mean(axis=1).var())
    formula = rho + (1 - rho) / resamples
    d.show(
        f"variance of {resamples} models averaged (each variance 1, correlation {rho:g})",
        {"one model": single, "average, simulated": average, "ρσ² + (1 - ρ)σ²/B": formula},
        f"Averaging removes the independent part; the shared part ρσ² = {rho:g} stays however many models you add.",
    )
    return {
        "first_resample": ordered[0],
        "unique_share": unique,
        "oob_share": 1.0 - unique,
        "expected_unique": expected,
        "var_single": single,
        "var_average": average,
        "var_formula": formula,
    }


def _best_stump(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[float, int, float]:
    """The threshold and polarity s of h(x) = s if x > threshold else -s with the lowest weighted error."""
    values = np.unique(x)
    thresholds = np.concatenate([[values[0] - 1.0], (values[:-1] + values[1:]) / 2])
    best = (math.inf, 0.0, 1)
    for threshold in thresholds:
        for polarity in (1, -1):
            guess = np.where(x > threshold, polarity, -polarity)
            error = float(weights[guess != y].sum())
            if error < best[0] - 1e-12:
                best = (error, float(threshold), polarity)
    return best[1], best[2], best[0]


@demo("adaboost")
def adaboost(d: Demo, x=None, y=None, rounds=None):
    X = d.array("x", x, lambda: np.sort(d.rng.choice(np.arange(1, 21), size=8, replace=False)) / 2, ndim=1)
    Y = d.array("y", y, [1, 1, -1, -1, 1, 1, -1, -1], ndim=1, integer=True)
    vector_pair(X, Y)
    need(bool(np.all(np.isin(Y, [-1, 1]))), "y must hold labels -1 and +1 only")
    rounds = d.number("rounds", rounds, 4, low=1, high=50, integer=True)
    n = len(X)
    weights = np.full(n, 1.0 / n)
    history, thresholds, polarities, errors, alphas, train_error = [weights], [], [], [], [], []
    score = np.zeros(n)
    for _ in range(rounds):
        threshold, polarity, error = _best_stump(X, Y, weights)
        error = min(max(error, 1e-10), 1 - 1e-10)
        alpha = 0.5 * math.log((1 - error) / error)
        guess = np.where(X > threshold, polarity, -polarity)
        score += alpha * guess
        weights = weights * np.exp(-alpha * Y * guess)
        weights = weights / weights.sum()
        history.append(weights)
        thresholds.append(threshold)
        polarities.append(polarity)
        errors.append(error)
        alphas.append(alpha)
        train_error.append(float(np.mean(Y * score <= 0)))  # a tie (score 0) counts as a mistake
    errors_arr = np.array(errors)
    bound = np.cumprod(2 * np.sqrt(errors_arr * (1 - errors_arr)))
    d.show("data (x, label)", {"x": X, "y": Y}, "Weak learners are stumps: predict s if x > threshold, else -s.")
    d.show(
        "each round",
        {
            "threshold": np.array(thresholds),
            "polarity s": np.array(polarities),
            "weighted error ε": errors_arr,
            "vote α = ½ ln((1-ε)/ε)": np.array(alphas),
        },
    )
    d.bars(
        "example weights after round 1",
        [f"x={v:g} ({'+' if t > 0 else '-'})" for v, t in zip(X, Y)],
        history[1],
        "Misclassified points are multiplied by e^α, correct ones by e^-α: the next stump must attend to the mistakes.",
    )
    d.series(
        "ensemble training error by round",
        {"error of sign(Σ αh)": train_error, "bound Π 2√(ε(1-ε))": bound},
        x=np.arange(1, rounds + 1),
    )
    d.say(
        f"After {rounds} rounds the weighted vote misclassifies {train_error[-1]:.0%} of the training points; "
        f"a single stump got {errors[0]:.0%} wrong."
    )
    return {
        "thresholds": np.array(thresholds),
        "polarities": np.array(polarities),
        "errors": errors_arr,
        "alphas": np.array(alphas),
        "weights": np.array(history),
        "train_error": np.array(train_error),
    }
