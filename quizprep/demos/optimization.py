"""Demos of optimisation: gradient descent, its variants, learning rates, optimisers, schedules."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo

QUADRATIC = "f(θ) = (θ - 3)²"


@demo("gradient-descent")
def gradient_descent(d: Demo, lr=None, steps=None, start=None):
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


# ---------------------------------------------------------------- shared helpers

TINY = 1e-300  # floor before taking log10 of a loss that reached exactly zero


def log10(values) -> np.ndarray:
    return np.log10(np.maximum(np.abs(np.asarray(values, dtype=float)), TINY))


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


def side_rng(d: Demo) -> np.random.Generator:
    """A generator for randomness that is not a parameter (shuffles, samples), split off before any parameter is
    drawn, so that passing the reported parameters back in reproduces the same run."""
    return np.random.default_rng(int(d.rng.integers(2**63)))


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
        for key, value in zip(record, (grad, m, v, m_hat, v_hat, update)):
            record[key].append(value.copy())
    return np.array(path), {key: np.array(values) for key, values in record.items()}


def first_step_below(losses: np.ndarray, target: float) -> int | None:
    hits = np.nonzero(losses <= target)[0]
    return int(hits[0]) if hits.size else None


# ---------------------------------------------------------------- learning rates


@demo("learning-rate-compare")
def learning_rate_compare(d: Demo, lrs=None, curvature=None, start=None, steps=None):
    lam = d.number("curvature", curvature, 4.0, low=1e-3, high=1e3)
    rates = d.array("lrs", lrs, [0.02, 0.2, 0.55], ndim=1)
    if len(rates) > 6 or np.any(rates <= 0) or np.any(rates > 100):
        raise DemoInputError("lrs must be one to six positive learning rates (at most 100), like [0.02, 0.2, 0.55]")
    theta0 = d.number("start", start, lambda: round(float(d.rng.uniform(1, 3) * d.rng.choice([-1, 1])), 2), low=-1e3, high=1e3)
    steps = d.number("steps", steps, 15, low=1, high=200, integer=True)
    d.say(f"Minimise J(θ) = ½·{lam:g}·θ² from θ = {theta0:g}: the step θ ← θ - η·{lam:g}θ multiplies θ by (1 - {lam:g}η).")
    d.say(f"So gradient descent converges only when |1 - {lam:g}η| < 1, that is for 0 < η < 2/{lam:g} = {2 / lam:.3g}.")
    factors = 1 - rates * lam
    paths = theta0 * factors[:, None] ** np.arange(steps + 1)[None, :]
    losses = 0.5 * lam * paths**2
    names = [f"η = {rate:g}" for rate in rates]
    d.series("loss by step", dict(zip(names, losses)), x=np.arange(steps + 1))
    verdicts = []
    for rate, factor, loss in zip(rates, factors, losses):
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
    shuffler = side_rng(d)
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

    d.say(f"Fit y ≈ w·x + b to {n} points with loss ½·mean((w·x + b - y)²), starting from w = b = 0, learning rate {lr:g}.")
    variants = {"batch": n, "mini-batch": batch, "stochastic": 1}
    runs = {name: run(size) for name, size in variants.items()}
    updates = {name: math.ceil(n / size) for name, size in variants.items()}
    d.say(
        f"Per epoch: batch makes {updates['batch']} update from all {n} points, mini-batch makes {updates['mini-batch']} "
        f"from shuffled batches of {batch}, stochastic makes {updates['stochastic']} from single points."
    )
    d.series("full-data loss after each epoch", {name: r[1] for name, r in runs.items()}, x=np.arange(epochs + 1))
    d.series("full-data loss after each stochastic update", {"stochastic": runs["stochastic"][2]}, x=np.arange(len(runs["stochastic"][2])))
    zigzags = int(np.sum(np.diff(runs["stochastic"][2]) > 0))
    d.say(
        f"After {epochs} epochs the loss is {runs['batch'][1][-1]:.3g} (batch), {runs['mini-batch'][1][-1]:.3g} (mini-batch) "
        f"and {runs['stochastic'][1][-1]:.3g} (stochastic); {zigzags} of the {len(runs['stochastic'][2]) - 1} single-point "
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
    sampler = side_rng(d)
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
    d.say(f"Draw {trials} mini-batches of each size (examples picked at random with replacement) and average the gradient inside each batch.")
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
    return {"full_gradient": full, "example_std": spread, "batch_sizes": sizes, "measured_std": measured, "predicted_std": predicted, "batch_means": means}


# ---------------------------------------------------------------- optimisers


@demo("momentum")
def momentum(d: Demo, lr=None, beta=None, steps=None, curvatures=None, start=None):
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 100.0], lambda: valley_start(d))
    lr = d.number("lr", lr, 0.015, low=0.0, high=10.0)
    beta = d.number("beta", beta, 0.9, low=0.0, high=0.999)
    steps = d.number("steps", steps, 100, low=1, high=1000, integer=True)
    d.say(f"A narrow valley {bowl_text(curv)}: steep across, flat along. Both methods start at {theta0.tolist()} with η = {lr:g}.")
    d.say(f"Momentum keeps a velocity v ← {beta:g}·v + ∇f and steps θ ← θ - η·v; plain descent steps θ ← θ - η·∇f.")
    plain, _ = plain_path(curv, theta0, lr, steps)
    heavy, extra = momentum_path(curv, theta0, lr, steps, beta)
    plain_loss, heavy_loss = bowl_loss(curv, plain), bowl_loss(curv, heavy)
    d.show("first 5 iterates, plain descent", plain[:5])
    d.show("first 5 iterates, momentum", heavy[:5])
    d.series("log10 loss by step", {"plain": log10(plain_loss), "momentum": log10(heavy_loss)}, x=np.arange(steps + 1))
    target = 1e-3 * plain_loss[0]
    reach_plain, reach_heavy = first_step_below(plain_loss, target), first_step_below(heavy_loss, target)

    def when(step):
        return f"step {step}" if step is not None else f"not within {steps} steps"

    d.say(
        f"Along the flat direction plain descent only shrinks θ{int(np.argmin(curv)) + 1} by {abs(1 - lr * curv.min()):.3g} per step, while momentum "
        f"piles up consistent gradients and the sign-flipping gradients across the valley cancel in v. "
        f"The loss first drops below 0.1% of its start at {when(reach_heavy)} with momentum and {when(reach_plain)} without."
    )
    return {
        "plain_theta": plain[-1],
        "momentum_theta": heavy[-1],
        "plain_loss": plain_loss[-1],
        "momentum_loss": heavy_loss[-1],
        "velocity": extra["velocity"][-1],
        "steps_to_0.1%": [reach_plain, reach_heavy],
    }


@demo("adagrad")
def adagrad(d: Demo, lr=None, steps=None, curvatures=None, start=None, eps=None):
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 100.0], lambda: valley_start(d))
    lr = d.number("lr", lr, 1.0, low=0.0, high=100.0)
    steps = d.number("steps", steps, 30, low=1, high=1000, integer=True)
    eps = d.number("eps", eps, 1e-8, low=0.0, high=1.0)
    d.say(f"On {bowl_text(curv)} from {theta0.tolist()}, AdaGrad adds every squared gradient to a running sum G and steps θ ← θ - {lr:g}·g/(√G + ε).")
    path, extra = adagrad_path(curv, theta0, lr, steps, eps)
    rates = extra["effective_lr"]
    d.show("sum of squared gradients G after steps 1 to 5", extra["sum_sq"][:5])
    d.series("effective learning rate η/(√G + ε) by step", {f"θ{i + 1}": rates[:, i] for i in range(len(curv))}, x=np.arange(1, steps + 1))
    first_grad = np.abs(curv * theta0)
    big, small = int(np.argmax(first_grad)), int(np.argmin(first_grad))
    d.say(
        f"At step 1, G = g², so every parameter with a non-zero gradient moves by exactly η = {lr:g}; θ{big + 1}, whose gradient "
        f"is larger ({first_grad[big]:.3g} against {first_grad[small]:.3g}), gets the smaller rate {rates[0, big]:.3g} "
        f"against {rates[0, small]:.3g}."
    )
    loss = bowl_loss(curv, path)
    d.series("log10 loss by step", {"AdaGrad": log10(loss)}, x=np.arange(steps + 1))
    d.say(
        f"G never shrinks, so every rate only falls: after {steps} steps they are {', '.join(f'{r:.3g}' for r in rates[-1])}, "
        "which is why long runs can stall."
    )
    return {"theta": path[-1], "sum_sq": extra["sum_sq"][-1], "first_effective_lr": rates[0], "last_effective_lr": rates[-1], "loss": loss[-1]}


@demo("rmsprop")
def rmsprop(d: Demo, lr=None, rho=None, steps=None, curvatures=None, start=None, eps=None):
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 100.0], lambda: valley_start(d))
    lr = d.number("lr", lr, 0.1, low=0.0, high=100.0)
    rho = d.number("rho", rho, 0.9, low=0.0, high=0.9999)
    steps = d.number("steps", steps, 40, low=1, high=1000, integer=True)
    eps = d.number("eps", eps, 1e-8, low=0.0, high=1.0)
    d.say(
        f"On {bowl_text(curv)} from {theta0.tolist()}, RMSprop keeps a moving average s ← {rho:g}·s + {1 - rho:.3g}·g² "
        f"and steps θ ← θ - {lr:g}·g/(√s + ε): each step is the gradient divided by its recent root-mean-square."
    )
    path, extra = rmsprop_path(curv, theta0, lr, steps, rho, eps)
    _, ada = adagrad_path(curv, theta0, lr, steps, eps)
    rates = extra["effective_lr"]
    d.show("moving average s after steps 1 to 5", extra["mean_sq"][:5])
    flat = int(np.argmin(curv))
    d.series(
        f"effective rate of the flat θ{flat + 1} by step",
        {"RMSprop η/(√s + ε)": rates[:, flat], "AdaGrad η/(√G + ε)": ada["effective_lr"][:, flat]},
        x=np.arange(1, steps + 1),
    )
    low = float(rates[:, flat].min())
    if rates[-1, flat] > 1.05 * low:
        trend = f"climbs back from its low of {low:.3g} to {rates[-1, flat]:.3g} as θ{flat + 1} nears the minimum and its gradient shrinks"
    else:
        trend = f"ends at {rates[-1, flat]:.3g}, set by the recent size of the gradient"
    d.say(
        f"RMSprop's rate for θ{flat + 1} {trend}; AdaGrad's, run with the same η, can only fall, "
        f"and ends at {ada['effective_lr'][-1, flat]:.3g}."
    )
    loss = bowl_loss(curv, path)
    d.series("log10 loss by step", {"RMSprop": log10(loss)}, x=np.arange(steps + 1))
    return {
        "theta": path[-1],
        "mean_sq": extra["mean_sq"][-1],
        "last_effective_lr": rates[-1],
        "adagrad_last_effective_lr": ada["effective_lr"][-1],
        "loss": loss[-1],
    }


@demo("adam")
def adam(d: Demo, lr=None, beta1=None, beta2=None, eps=None, steps=None, curvatures=None, start=None):
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 100.0], lambda: valley_start(d))
    lr = d.number("lr", lr, 0.1, low=0.0, high=100.0)
    beta1 = d.number("beta1", beta1, 0.9, low=0.0, high=0.9999)
    beta2 = d.number("beta2", beta2, 0.999, low=0.0, high=0.99999)
    eps = d.number("eps", eps, 1e-8, low=0.0, high=1.0)
    steps = d.number("steps", steps, 5, low=1, high=200, integer=True)
    d.say(
        f"Adam on {bowl_text(curv)} from {theta0.tolist()}: m ← {beta1:g}·m + {1 - beta1:.3g}·g, "
        f"v ← {beta2:g}·v + {1 - beta2:.3g}·g², both starting at 0 (rows are steps, columns parameters)."
    )
    path, rec = adam_path(curv, theta0, lr, steps, beta1, beta2, eps)
    d.show("gradient g", rec["grad"])
    d.show("first moment: raw m and corrected m̂ = m/(1 - β1ᵗ)", {"m": rec["m"], "m̂": rec["m_hat"]})
    d.show("second moment: raw v and corrected v̂ = v/(1 - β2ᵗ)", {"v": rec["v"], "v̂": rec["v_hat"]})
    d.say(
        f"At step 1 the raw m is only {1 - beta1:.3g}·g and v only {1 - beta2:.3g}·g²; dividing by 1 - βᵗ gives back m̂ = g "
        f"and v̂ = g², so the first update is -η·g/|g| = ±{lr:g} for every parameter."
    )
    d.show("update -η·m̂/(√v̂ + ε)", rec["update"])
    d.show("θ after each step", path)
    return {"theta": path[-1], "m_hat": rec["m_hat"], "v_hat": rec["v_hat"], "update": rec["update"]}


OPTIMIZERS = ("SGD", "momentum", "AdaGrad", "RMSprop", "Adam")


@demo("optimizer-race")
def optimizer_race(d: Demo, lrs=None, steps=None, curvatures=None, start=None):
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 100.0], lambda: valley_start(d))
    rates = d.array("lrs", lrs, [0.019, 0.015, 1.0, 0.1, 0.3], ndim=1)
    if rates.shape != (5,) or np.any(rates <= 0) or np.any(rates > 100):
        raise DemoInputError("lrs must be five positive learning rates, in the order SGD, momentum, AdaGrad, RMSprop, Adam")
    steps = d.number("steps", steps, 60, low=1, high=1000, integer=True)
    d.say(
        f"Five optimisers race on {bowl_text(curv)} (condition number {curv.max() / curv.min():.3g}) from {theta0.tolist()}, "
        f"each with its own learning rate: {', '.join(f'{name} {rate:g}' for name, rate in zip(OPTIMIZERS, rates))}."
    )
    runs = [
        plain_path(curv, theta0, rates[0], steps)[0],
        momentum_path(curv, theta0, rates[1], steps, 0.9)[0],
        adagrad_path(curv, theta0, rates[2], steps)[0],
        rmsprop_path(curv, theta0, rates[3], steps, 0.9)[0],
        adam_path(curv, theta0, rates[4], steps)[0],
    ]
    losses = np.array([bowl_loss(curv, path) for path in runs])
    d.series("log10 loss by step", dict(zip(OPTIMIZERS, log10(losses))), x=np.arange(steps + 1))
    d.bars(f"loss after {steps} steps", list(OPTIMIZERS), losses[:, -1])
    best = OPTIMIZERS[int(np.argmin(losses[:, -1]))]
    d.say(
        f"SGD's rate must stay below 2/{curv.max():g} for the steep direction, so it crawls along the flat one "
        f"(loss {losses[0, -1]:.3g}); momentum builds speed there ({losses[1, -1]:.3g}); the lowest final loss is {best}'s."
    )
    d.say(
        "AdaGrad, RMSprop and Adam divide each coordinate by its own gradient scale, which suits this bowl because its axes "
        "are the parameters; on a rotated valley their edge over momentum is smaller."
    )
    return {"optimizers": list(OPTIMIZERS), "lrs": rates, "final_loss": losses[:, -1], "final_theta": np.array([p[-1] for p in runs])}


# ---------------------------------------------------------------- schedules


@demo("lr-schedules")
def lr_schedules(d: Demo, lr0=None, epochs=None, step_every=None, step_gamma=None, exp_gamma=None, lr_min=None):
    lr0 = d.number("lr0", lr0, 0.1, low=0.0, high=10.0)
    epochs = d.number("epochs", epochs, 30, low=1, high=1000, integer=True)
    every = d.number("step_every", step_every, 10, low=1, high=1000, integer=True)
    step_gamma = d.number("step_gamma", step_gamma, 0.5, low=0.0, high=1.0)
    exp_gamma = d.number("exp_gamma", exp_gamma, 0.9, low=0.0, high=1.0)
    lr_min = d.number("lr_min", lr_min, 0.0, low=0.0, high=lr0)
    t = np.arange(epochs + 1)
    schedules = {
        "constant": np.full(epochs + 1, lr0),
        "step": lr0 * step_gamma ** (t // every),
        "exponential": lr0 * exp_gamma**t,
        "cosine": lr_min + 0.5 * (lr0 - lr_min) * (1 + np.cos(np.pi * t / epochs)),
    }
    d.say(
        f"Four rules for the rate at epoch t = 0 … {epochs}, all starting at η0 = {lr0:g}: constant; step ηt = η0·{step_gamma:g}^⌊t/{every}⌋; "
        f"exponential ηt = η0·{exp_gamma:g}^t; cosine ηt = {lr_min:g} + ½({lr0:g} - {lr_min:g})(1 + cos(πt/{epochs}))."
    )
    d.series("learning rate by epoch", schedules, x=t)
    marks = sorted({0, min(every, epochs), min(10, epochs), epochs // 2, epochs})
    d.show(
        "rates at a few epochs (constant, step, exponential, cosine)",
        {f"epoch {m}": np.array([schedules[k][m] for k in schedules]) for m in marks},
    )
    ten = min(10, epochs)
    d.say(
        f"Step decay holds flat, then multiplies by {step_gamma:g} every {every} epochs; exponential loses the same fraction every epoch "
        f"({schedules['exponential'][ten]:.3g} at epoch {ten}); cosine falls slowly, then fast, then slowly, "
        f"is {schedules['cosine'][epochs // 2]:.3g} at epoch {epochs // 2} and ends at {schedules['cosine'][-1]:.3g}."
    )
    return schedules


@demo("lr-warmup")
def lr_warmup(d: Demo, peak_lr=None, warmup_steps=None, total_steps=None, min_lr=None):
    peak = d.number("peak_lr", peak_lr, 1e-3, low=0.0, high=10.0)
    total = d.number("total_steps", total_steps, 100, low=2, high=100000, integer=True)
    warm = d.number("warmup_steps", warmup_steps, max(1, total // 10), low=0, high=total - 1, integer=True)
    floor = d.number("min_lr", min_lr, 0.0, low=0.0, high=peak)
    t = np.arange(total + 1)
    rates = np.empty(total + 1)
    for step in t:
        if step < warm:
            rates[step] = peak * step / warm
        else:
            progress = (step - warm) / (total - warm)
            rates[step] = floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    d.say(f"For the first {warm} steps the rate climbs linearly, η = {peak:g}·t/{warm}, from 0 towards the peak {peak:g}.")
    d.say(
        f"From step {warm} to step {total} it follows half a cosine from {peak:g} down to {floor:g}: "
        f"η = {floor:g} + ({peak:g} - {floor:g})·½(1 + cos(π(t - {warm})/{total - warm}))."
    )
    d.series("learning rate by step", {"warmup + cosine": rates}, x=t)
    picks = sorted({0, 1, max(warm // 2, 0), warm, (warm + total) // 2, total})
    d.show("rate at a few steps", {f"step {p}": rates[p] for p in picks})
    d.say(
        "Small early steps let the weights (and Adam's second-moment estimates) settle before full-size updates; "
        f"after the peak at step {warm} the rate only goes down."
    )
    return {"lr": rates}


# ---------------------------------------------------------------- feature scaling


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
        raise DemoInputError("the columns of x are linearly dependent (one is a combination of the others); give independent features")
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
        {"raw": log10(raw["gaps"][: window + 1]), "standardised": log10(std["gaps"][: window + 1])},
        x=np.arange(window + 1),
    )

    def told(run):
        return f"{run['steps']} steps" if run["steps"] is not None else f"more than {cap} steps"

    d.say(
        f"Cutting the excess loss by a factor {1 / tol:.3g} takes {told(std)} standardised against {told(raw)} raw: "
        "unequal scales and far-from-zero means stretch the bowl into a narrow valley, and the safe rate is tiny along its floor."
    )
    return {
        "condition_raw": raw["condition"],
        "condition_scaled": std["condition"],
        "steps_raw": raw["steps"],
        "steps_scaled": std["steps"],
        "raw_fit": raw["params"],
        "scaled_fit": std["params"],
    }
