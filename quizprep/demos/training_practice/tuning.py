"""Demos of hyperparameter search: random against grid search, Bayesian optimization and successive halving."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo


def _search_score(a: np.ndarray, b: np.ndarray, peak: float) -> np.ndarray:
    """Validation accuracy: a matters a lot, b hardly at all."""
    return 0.6 + 0.3 * np.exp(-(((a - peak) / 0.1) ** 2)) + 0.01 * b


@demo("random-vs-grid-search")
def random_vs_grid_search(d: Demo, side=None, peak=None):
    """Random search covers an important hyperparameter better than a grid."""
    extra = d.side_rng()
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
        f"Validation accuracy = 0.6 + 0.3·exp(-((a - {peak:g})/0.1)²) "
        "+ 0.01·b: hyperparameter a matters, b barely does. "
        f"Both searches get {trials} training runs."
    )
    d.show(
        "values of a the grid tries",
        levels,
        f"A {n_side}x{n_side} grid tests only {n_side} distinct values of a; the other runs only vary b.",
    )
    d.show(
        "values of a random search tries",
        np.sort(random_points[:, 0]),
        f"{trials} random trials test {trials} distinct values of a.",
    )
    d.bars(
        "best validation accuracy found", ["grid", "random", "best possible"], [grid_scores[g], random_scores[r], 0.91]
    )
    winner = "random search" if random_scores[r] > grid_scores[g] else "the grid"
    d.say(
        f"The grid's best a is {grid[g, 0]:.3g}, "
        f"random search's is {random_points[r, 0]:.3g}, against the peak at {peak:g}; "
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
    ei = gain * kit.normal_cdf(z) + std * kit.normal_pdf(z)
    return np.where(std > 0, ei, np.maximum(gain, 0.0))


@demo("bayesian-optimization")
def bayesian_optimization(d: Demo, x_init=None, length_scale=None, iterations=None):
    """A Gaussian-process surrogate and expected improvement choose the next point to try."""
    xs = d.array("x_init", x_init, lambda: np.round(np.sort(d.rng.uniform(0.0, 1.0, size=3)), 2), ndim=1)
    d.require(bool(np.all((xs >= 0) & (xs <= 1))), "x_init must hold hyperparameter values between 0 and 1")
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
    for _ in range(iterations):
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
    """Many configurations on a small budget, keeping the best half each round."""
    finals = d.array("final", final, lambda: np.round(d.rng.uniform(0.2, 0.6, size=16), 2), ndim=1)
    speeds = d.array("speed", speed, lambda: np.round(d.rng.uniform(0.0, 1.0, size=len(finals)), 2), ndim=1)
    d.require(2 <= len(finals) <= 64, f"final must list between 2 and 64 configurations; got {len(finals)}")
    kit.same_length(finals, speeds, "final", "speed")
    d.require(
        bool(np.all(speeds >= 0)), "speed must be non-negative (how far above its final loss a configuration starts)"
    )
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
    return {
        "winner": winner,
        "true_best": true_best,
        "epochs_used": used,
        "epochs_full": full,
        "rounds": list(rounds.values()),
    }
