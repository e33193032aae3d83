"""Demos of plain gradient descent: step sizes on a bowl, batch, mini-batch and stochastic variants, and the
noise of a mini-batch gradient. Also the bowl and the optimizer paths the other optimization demos share."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo

QUADRATIC = "f(θ) = (θ - 3)²"


@demo("gradient-descent")
def gradient_descent(d: Demo, lr=None, steps=None, start=None):
    """Run gradient descent on a named function and print iterates and losses."""
    lr = d.number("lr", lr, 0.1, low=0.0, high=10.0)
    steps = d.number("steps", steps, 10, low=0, high=1000, integer=True)
    theta = d.number("start", start, lambda: round(float(d.rng.uniform(-5, 5)), 2), low=-1e6, high=1e6)
    d.say(f"Minimise {QUADRATIC}, whose gradient is 2(θ - 3) and whose minimum is θ = 3.")
    d.say(f"Each step moves against the gradient: θ ← θ - {lr:g}·2(θ - 3).")
    iterates = [theta]
    for _ in range(steps):
        theta = theta - lr * 2 * (theta - 3)
        iterates.append(theta)
    iterates = np.array(iterates)
    losses = (iterates - 3) ** 2
    d.show("θ after each step", iterates)
    d.series("loss by step", {"loss": losses}, x=np.arange(steps + 1))
    factor = abs(1 - 2 * lr)
    if factor < 1:
        d.say(f"Each step multiplies the distance to 3 by |1 - 2·{lr:g}| = {factor:.3g} < 1, so θ converges.")
    else:
        d.say(f"Each step multiplies the distance to 3 by |1 - 2·{lr:g}| = {factor:.3g} ≥ 1, so θ does not converge.")
    return {"function": QUADRATIC, "iterates": iterates, "losses": losses}


def bowl_loss(curvatures: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """f(θ) = ½ Σ aᵢ θᵢ², evaluated on the last axis (one point or a path of points)."""
    return 0.5 * np.sum(curvatures * theta**2, axis=-1)


def bowl_text(curvatures: np.ndarray) -> str:
    return "f(θ) = ½(" + " + ".join(f"{a:g}·θ{i + 1}²" for i, a in enumerate(curvatures)) + ")"


def read_bowl(d: Demo, curvatures, start, default_curvatures, draw_start):
    """The curvatures aᵢ of the bowl and a start point of the same length."""
    curv = d.array("curvatures", curvatures, default_curvatures, ndim=1)
    if np.any(curv <= 0) or np.any(curv > 1e4):
        raise DemoInputError("curvatures must be positive numbers no larger than 10000, like [1, 100]")
    theta0 = d.array("start", start, draw_start, ndim=1)
    if theta0.shape != curv.shape:
        raise DemoInputError(f"start must have one entry per curvature ({len(curv)}); got {len(theta0)}")
    if np.any(np.abs(theta0) > 1e6):
        raise DemoInputError("start entries must lie between -1e6 and 1e6")
    return curv, theta0


def valley_start(d: Demo) -> list[float]:
    """A start far out along the flat direction and a little way up the steep wall."""
    far = d.rng.uniform(6, 10) * d.rng.choice([-1, 1])
    up = d.rng.uniform(0.5, 1.5) * d.rng.choice([-1, 1])
    return [round(float(far), 2), round(float(up), 2)]


def plain_path(curv, theta0, lr, steps):
    theta = theta0.copy()
    path = [theta.copy()]
    for _ in range(steps):
        theta = theta - lr * curv * theta
        path.append(theta.copy())
    return np.array(path), {}


def momentum_path(curv, theta0, lr, steps, beta=0.9):
    """Heavy-ball momentum: v ← βv + g, θ ← θ - ηv."""
    theta = theta0.copy()
    velocity = np.zeros_like(theta)
    path, velocities = [theta.copy()], []
    for _ in range(steps):
        velocity = beta * velocity + curv * theta
        theta = theta - lr * velocity
        path.append(theta.copy())
        velocities.append(velocity.copy())
    return np.array(path), {"velocity": np.array(velocities)}


def adagrad_path(curv, theta0, lr, steps, eps=1e-8):
    """AdaGrad: G ← G + g², θ ← θ - η g / (√G + ε)."""
    theta = theta0.copy()
    total = np.zeros_like(theta)
    path, totals, rates = [theta.copy()], [], []
    for _ in range(steps):
        grad = curv * theta
        total = total + grad**2
        rate = lr / (np.sqrt(total) + eps)
        theta = theta - rate * grad
        path.append(theta.copy())
        totals.append(total.copy())
        rates.append(rate)
    return np.array(path), {"sum_sq": np.array(totals), "effective_lr": np.array(rates)}


def rmsprop_path(curv, theta0, lr, steps, rho=0.9, eps=1e-8):
    """RMSprop: s ← ρs + (1-ρ)g², θ ← θ - η g / (√s + ε)."""
    theta = theta0.copy()
    average = np.zeros_like(theta)
    path, averages, rates = [theta.copy()], [], []
    for _ in range(steps):
        grad = curv * theta
        average = rho * average + (1 - rho) * grad**2
        rate = lr / (np.sqrt(average) + eps)
        theta = theta - rate * grad
        path.append(theta.copy())
        averages.append(average.copy())
        rates.append(rate)
    return np.array(path), {"mean_sq": np.array(averages), "effective_lr": np.array(rates)}


def adam_path(curv, theta0, lr, steps, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam with bias correction, as in Kingma and Ba (2015)."""
    theta = theta0.copy()
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    path = [theta.copy()]
    record = {"grad": [], "m": [], "v": [], "m_hat": [], "v_hat": [], "update": []}
    for t in range(1, steps + 1):
        grad = curv * theta
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        update = -lr * m_hat / (np.sqrt(v_hat) + eps)
        theta = theta + update
        path.append(theta.copy())
        for key, value in zip(record, (grad, m, v, m_hat, v_hat, update), strict=False):
            record[key].append(value.copy())
    return np.array(path), {key: np.array(values) for key, values in record.items()}


def first_step_below(losses: np.ndarray, target: float) -> int | None:
    hits = np.nonzero(losses <= target)[0]
    return int(hits[0]) if hits.size else None


@demo("learning-rate-compare")
def learning_rate_compare(d: Demo, lrs=None, curvature=None, start=None, steps=None):
    """A learning rate too low, about right, and too high, side by side."""
    lam = d.number("curvature", curvature, 4.0, low=1e-3, high=1e3)
    rates = d.array("lrs", lrs, [0.02, 0.2, 0.55], ndim=1)
    if len(rates) > 6 or np.any(rates <= 0) or np.any(rates > 100):
        raise DemoInputError("lrs must be one to six positive learning rates (at most 100), like [0.02, 0.2, 0.55]")
    theta0 = d.number(
        "start", start, lambda: round(float(d.rng.uniform(1, 3) * d.rng.choice([-1, 1])), 2), low=-1e3, high=1e3
    )
    steps = d.number("steps", steps, 15, low=1, high=200, integer=True)
    d.say(
        f"Minimise J(θ) = ½·{lam:g}·θ² from θ = {theta0:g}: the step θ ← θ - η·{lam:g}θ multiplies θ by (1 - {lam:g}η)."
    )
    d.say(f"So gradient descent converges only when |1 - {lam:g}η| < 1, that is for 0 < η < 2/{lam:g} = {2 / lam:.3g}.")
    factors = 1 - rates * lam
    paths = theta0 * factors[:, None] ** np.arange(steps + 1)[None, :]
    losses = 0.5 * lam * paths**2
    names = [f"η = {rate:g}" for rate in rates]
    d.series("loss by step", dict(zip(names, losses, strict=False)), x=np.arange(steps + 1))
    verdicts = []
    for rate, factor, loss in zip(rates, factors, losses, strict=False):
        if abs(factor) >= 1:
            verdict = f"η = {rate:g}: factor {factor:.3g}, too high, the loss grows to {loss[-1]:.3g}"
        elif factor < 0:
            verdict = f"η = {rate:g}: factor {factor:.3g}, θ flips sign each step but shrinks, loss {loss[-1]:.3g}"
        elif factor > 0.8:
            verdict = f"η = {rate:g}: factor {factor:.3g}, too low, the loss creeps down to {loss[-1]:.3g}"
        else:
            verdict = f"η = {rate:g}: factor {factor:.3g}, fast and steady, the loss falls to {loss[-1]:.3g}"
        verdicts.append(verdict)
    d.say("; ".join(verdicts) + f" after {steps} steps.")
    d.bars(f"final loss after {steps} steps", names, losses[:, -1])
    return {"lrs": rates, "factors": factors, "final_theta": paths[:, -1], "final_loss": losses[:, -1]}


@demo("gd-variants")
def gd_variants(d: Demo, x=None, y=None, lr=None, epochs=None, batch_size=None):
    """Batch, mini-batch and stochastic gradient descent on the same regression."""
    shuffler = d.side_rng()
    xs = d.array("x", x, lambda: np.round(d.rng.uniform(-1, 1, 16), 2), ndim=1)
    ys = d.array("y", y, lambda: np.round(2 * xs - 1 + d.rng.normal(0, 0.2, len(xs)), 2), ndim=1)
    if len(xs) != len(ys):
        raise DemoInputError(f"x and y must have the same length; got {len(xs)} and {len(ys)}")
    if len(xs) > 1000:
        raise DemoInputError("use at most 1000 points")
    n = len(xs)
    lr = d.number("lr", lr, 0.2, low=0.0, high=10.0)
    epochs = d.number("epochs", epochs, 5, low=1, high=50, integer=True)
    batch = d.number("batch_size", batch_size, min(4, n), low=1, high=n, integer=True)

    def full_loss(w, b):
        return 0.5 * float(np.mean((w * xs + b - ys) ** 2))

    def run(size):
        w = b = 0.0
        per_epoch, per_update = [full_loss(w, b)], [full_loss(w, b)]
        for _ in range(epochs):
            order = np.arange(n) if size == n else shuffler.permutation(n)
            for begin in range(0, n, size):
                rows = order[begin : begin + size]
                residual = w * xs[rows] + b - ys[rows]
                w, b = w - lr * float(np.mean(residual * xs[rows])), b - lr * float(np.mean(residual))
                per_update.append(full_loss(w, b))
            per_epoch.append(full_loss(w, b))
        return (w, b), np.array(per_epoch), np.array(per_update)

    d.say(
        f"Fit y ≈ w·x + b to {n} points with loss ½·mean((w·x + b - y)²), "
        f"starting from w = b = 0, learning rate {lr:g}."
    )
    variants = {"batch": n, "mini-batch": batch, "stochastic": 1}
    runs = {name: run(size) for name, size in variants.items()}
    updates = {name: math.ceil(n / size) for name, size in variants.items()}
    d.say(
        f"Per epoch: batch makes {updates['batch']} update from all {n} points, "
        f"mini-batch makes {updates['mini-batch']} "
        f"from shuffled batches of {batch}, stochastic makes {updates['stochastic']} from single points."
    )
    d.series("full-data loss after each epoch", {name: r[1] for name, r in runs.items()}, x=np.arange(epochs + 1))
    d.series(
        "full-data loss after each stochastic update",
        {"stochastic": runs["stochastic"][2]},
        x=np.arange(len(runs["stochastic"][2])),
    )
    zigzags = int(np.sum(np.diff(runs["stochastic"][2]) > 0))
    d.say(
        f"After {epochs} epochs the loss is {runs['batch'][1][-1]:.3g} (batch), "
        f"{runs['mini-batch'][1][-1]:.3g} (mini-batch) "
        f"and {runs['stochastic'][1][-1]:.3g} (stochastic); "
        f"{zigzags} of the {len(runs['stochastic'][2]) - 1} single-point "
        "updates raised the full loss, which is the zig-zag of noisy steps."
    )
    d.show("final (w, b)", {name: np.array(r[0]) for name, r in runs.items()})
    return {
        "updates_per_epoch": [updates[name] for name in variants],
        "epoch_losses": {name: r[1] for name, r in runs.items()},
        "weights": {name: np.array(r[0]) for name, r in runs.items()},
    }


@demo("batch-size-noise")
def batch_size_noise(d: Demo, x=None, y=None, w=None, batch_sizes=None, trials=None):
    """The spread of a mini-batch gradient estimate shrinking with batch size."""
    sampler = d.side_rng()
    xs = d.array("x", x, lambda: np.round(d.rng.normal(0, 1, 256), 3), ndim=1)
    ys = d.array("y", y, lambda: np.round(1.5 * xs + d.rng.normal(0, 0.5, len(xs)), 3), ndim=1)
    if len(xs) != len(ys):
        raise DemoInputError(f"x and y must have the same length; got {len(xs)} and {len(ys)}")
    w = d.number("w", w, 0.0, low=-1e3, high=1e3)
    sizes = d.array("batch_sizes", batch_sizes, [1, 4, 16, 64], ndim=1, integer=True)
    if len(sizes) > 8 or np.any(sizes < 1) or np.any(sizes > 4096):
        raise DemoInputError("batch_sizes must be one to eight whole numbers between 1 and 4096, like [1, 4, 16, 64]")
    trials = d.number("trials", trials, 1000, low=10, high=5000, integer=True)
    n = len(xs)
    per_example = (w * xs - ys) * xs  # d/dw of ½(w·x - y)²
    full = float(np.mean(per_example))
    spread = float(np.std(per_example))
    d.say(f"For the loss ½(w·x - y)² at w = {w:g}, each of the {n} examples has its own gradient (w·x - y)·x.")
    d.show("full-data gradient and the spread of single-example gradients", {"mean": full, "std": spread})
    d.say(
        f"Draw {trials} mini-batches of each size (examples picked at random with replacement) "
        "and average the gradient inside each batch."
    )
    measured, means = [], []
    for size in sizes:
        picks = sampler.integers(0, n, size=(trials, int(size)))
        estimates = per_example[picks].mean(axis=1)
        measured.append(float(np.std(estimates)))
        means.append(float(np.mean(estimates)))
    predicted = spread / np.sqrt(sizes)
    labels = [f"B = {size}" for size in sizes]
    d.bars("measured spread (std) of the batch gradient", labels, measured)
    d.series("spread by batch size", {"measured": measured, "σ/√B": predicted}, x=sizes)
    d.say(
        f"Every size averages to about the full gradient {full:.3g}, but the spread falls like σ/√B: "
        f"from {measured[0]:.3g} at B = {sizes[0]} to {measured[-1]:.3g} at B = {sizes[-1]}; "
        "quadrupling the batch only halves it."
    )
    return {
        "full_gradient": full,
        "example_std": spread,
        "batch_sizes": sizes,
        "measured_std": measured,
        "predicted_std": predicted,
        "batch_means": means,
    }
