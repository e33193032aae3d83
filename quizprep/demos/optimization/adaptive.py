"""Demos of momentum and adaptive optimizers: momentum, Nesterov, AdaGrad, RMSprop, Adam, a race between them,
and AdamW's decoupled weight decay against an L2 term."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo
from quizprep.demos.optimization.gradient_descent import (
    adagrad_path,
    adam_path,
    bowl_loss,
    bowl_text,
    first_step_below,
    momentum_path,
    plain_path,
    read_bowl,
    rmsprop_path,
    valley_start,
)


@demo("momentum")
def momentum(d: Demo, lr=None, beta=None, steps=None, curvatures=None, start=None):
    """Momentum against plain gradient descent in a narrow valley."""
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 100.0], lambda: valley_start(d))
    lr = d.number("lr", lr, 0.015, low=0.0, high=10.0)
    beta = d.number("beta", beta, 0.9, low=0.0, high=0.999)
    steps = d.number("steps", steps, 100, low=1, high=1000, integer=True)
    d.say(
        f"A narrow valley {bowl_text(curv)}: steep across, flat along. "
        f"Both methods start at {theta0.tolist()} with η = {lr:g}."
    )
    d.say(f"Momentum keeps a velocity v ← {beta:g}·v + ∇f and steps θ ← θ - η·v; plain descent steps θ ← θ - η·∇f.")
    plain, _ = plain_path(curv, theta0, lr, steps)
    heavy, extra = momentum_path(curv, theta0, lr, steps, beta)
    plain_loss, heavy_loss = bowl_loss(curv, plain), bowl_loss(curv, heavy)
    d.show("first 5 iterates, plain descent", plain[:5])
    d.show("first 5 iterates, momentum", heavy[:5])
    d.series(
        "log10 loss by step",
        {"plain": kit.log10(plain_loss), "momentum": kit.log10(heavy_loss)},
        x=np.arange(steps + 1),
    )
    target = 1e-3 * plain_loss[0]
    reach_plain, reach_heavy = first_step_below(plain_loss, target), first_step_below(heavy_loss, target)

    def when(step):
        return f"step {step}" if step is not None else f"not within {steps} steps"

    d.say(
        f"Along the flat direction plain descent only shrinks θ{int(np.argmin(curv)) + 1} "
        f"by {abs(1 - lr * curv.min()):.3g} per step, while momentum "
        f"piles up consistent gradients and the sign-flipping gradients across the valley cancel in v. "
        "The loss first drops below 0.1% of its start at "
        f"{when(reach_heavy)} with momentum and {when(reach_plain)} without."
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
    """AdaGrad's per-parameter step sizes shrinking with accumulated squared gradients."""
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 100.0], lambda: valley_start(d))
    lr = d.number("lr", lr, 1.0, low=0.0, high=100.0)
    steps = d.number("steps", steps, 30, low=1, high=1000, integer=True)
    eps = d.number("eps", eps, 1e-8, low=0.0, high=1.0)
    d.say(
        f"On {bowl_text(curv)} from {theta0.tolist()}, "
        f"AdaGrad adds every squared gradient to a running sum G and steps θ ← θ - {lr:g}·g/(√G + ε)."
    )
    path, extra = adagrad_path(curv, theta0, lr, steps, eps)
    rates = extra["effective_lr"]
    d.show("sum of squared gradients G after steps 1 to 5", extra["sum_sq"][:5])
    d.series(
        "effective learning rate η/(√G + ε) by step",
        {f"θ{i + 1}": rates[:, i] for i in range(len(curv))},
        x=np.arange(1, steps + 1),
    )
    first_grad = np.abs(curv * theta0)
    big, small = int(np.argmax(first_grad)), int(np.argmin(first_grad))
    d.say(
        "At step 1, G = g², so every parameter with a non-zero gradient "
        f"moves by exactly η = {lr:g}; θ{big + 1}, whose gradient "
        f"is larger ({first_grad[big]:.3g} against {first_grad[small]:.3g}), gets the smaller rate {rates[0, big]:.3g} "
        f"against {rates[0, small]:.3g}."
    )
    loss = bowl_loss(curv, path)
    d.series("log10 loss by step", {"AdaGrad": kit.log10(loss)}, x=np.arange(steps + 1))
    d.say(
        "G never shrinks, so every rate only falls: "
        f"after {steps} steps they are {', '.join(f'{r:.3g}' for r in rates[-1])}, "
        "which is why long runs can stall."
    )
    return {
        "theta": path[-1],
        "sum_sq": extra["sum_sq"][-1],
        "first_effective_lr": rates[0],
        "last_effective_lr": rates[-1],
        "loss": loss[-1],
    }


@demo("rmsprop")
def rmsprop(d: Demo, lr=None, rho=None, steps=None, curvatures=None, start=None, eps=None):
    """RMSprop's moving average of squared gradients setting per-parameter steps."""
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
        trend = (
            f"climbs back from its low of {low:.3g} to {rates[-1, flat]:.3g} "
            f"as θ{flat + 1} nears the minimum and its gradient shrinks"
        )
    else:
        trend = f"ends at {rates[-1, flat]:.3g}, set by the recent size of the gradient"
    d.say(
        f"RMSprop's rate for θ{flat + 1} {trend}; AdaGrad's, run with the same η, can only fall, "
        f"and ends at {ada['effective_lr'][-1, flat]:.3g}."
    )
    loss = bowl_loss(curv, path)
    d.series("log10 loss by step", {"RMSprop": kit.log10(loss)}, x=np.arange(steps + 1))
    return {
        "theta": path[-1],
        "mean_sq": extra["mean_sq"][-1],
        "last_effective_lr": rates[-1],
        "adagrad_last_effective_lr": ada["effective_lr"][-1],
        "loss": loss[-1],
    }


@demo("adam")
def adam(d: Demo, lr=None, beta1=None, beta2=None, eps=None, steps=None, curvatures=None, start=None):
    """Adam's bias-corrected first and second moments over a few steps."""
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
        f"At step 1 the raw m is only {1 - beta1:.3g}·g and v only {1 - beta2:.3g}·g²; "
        "dividing by 1 - βᵗ gives back m̂ = g "
        f"and v̂ = g², so the first update is -η·g/|g| = ±{lr:g} for every parameter."
    )
    d.show("update -η·m̂/(√v̂ + ε)", rec["update"])
    d.show("θ after each step", path)
    return {"theta": path[-1], "m_hat": rec["m_hat"], "v_hat": rec["v_hat"], "update": rec["update"]}


OPTIMIZERS = ("SGD", "momentum", "AdaGrad", "RMSprop", "Adam")


@demo("optimizer-race")
def optimizer_race(d: Demo, lrs=None, steps=None, curvatures=None, start=None):
    """SGD, momentum, AdaGrad, RMSprop and Adam on the same ill-conditioned bowl."""
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 100.0], lambda: valley_start(d))
    rates = d.array("lrs", lrs, [0.019, 0.015, 1.0, 0.1, 0.3], ndim=1)
    if rates.shape != (5,) or np.any(rates <= 0) or np.any(rates > 100):
        raise DemoInputError(
            "lrs must be five positive learning rates, in the order SGD, momentum, AdaGrad, RMSprop, Adam"
        )
    steps = d.number("steps", steps, 60, low=1, high=1000, integer=True)
    d.say(
        f"Five optimisers race on {bowl_text(curv)} (condition number "
        f"{curv.max() / curv.min():.3g}) from {theta0.tolist()}, "
        "each with its own learning rate: "
        f"{', '.join(f'{name} {rate:g}' for name, rate in zip(OPTIMIZERS, rates, strict=False))}."
    )
    runs = [
        plain_path(curv, theta0, rates[0], steps)[0],
        momentum_path(curv, theta0, rates[1], steps, 0.9)[0],
        adagrad_path(curv, theta0, rates[2], steps)[0],
        rmsprop_path(curv, theta0, rates[3], steps, 0.9)[0],
        adam_path(curv, theta0, rates[4], steps)[0],
    ]
    losses = np.array([bowl_loss(curv, path) for path in runs])
    d.series("log10 loss by step", dict(zip(OPTIMIZERS, kit.log10(losses), strict=False)), x=np.arange(steps + 1))
    d.bars(f"loss after {steps} steps", list(OPTIMIZERS), losses[:, -1])
    best = OPTIMIZERS[int(np.argmin(losses[:, -1]))]
    d.say(
        f"SGD's rate must stay below 2/{curv.max():g} for the steep direction, so it crawls along the flat one "
        f"(loss {losses[0, -1]:.3g}); momentum builds speed there ({losses[1, -1]:.3g}); "
        f"the lowest final loss is {best}'s."
    )
    d.say(
        "AdaGrad, RMSprop and Adam divide each coordinate by its own gradient scale, "
        "which suits this bowl because its axes "
        "are the parameters; on a rotated valley their edge over momentum is smaller."
    )
    return {
        "optimizers": list(OPTIMIZERS),
        "lrs": rates,
        "final_loss": losses[:, -1],
        "final_theta": np.array([p[-1] for p in runs]),
    }


def nesterov_path(curv, theta0, lr, steps, beta):
    """Nesterov momentum: v ← βv + ∇f(θ - ηβv), θ ← θ - ηv (the gradient taken at the look-ahead point)."""
    theta = theta0.copy()
    velocity = np.zeros_like(theta)
    path = [theta.copy()]
    for _ in range(steps):
        ahead = theta - lr * beta * velocity
        velocity = beta * velocity + curv * ahead
        theta = theta - lr * velocity
        path.append(theta.copy())
    return np.array(path)


def shrink_factors(curv, lr, beta, nesterov: bool) -> np.ndarray:
    """Per coordinate, the spectral radius of the 2×2 map (θ, v) → (θ', v'): how much one step shrinks it."""
    factors = []
    for a in curv:
        c = 1 - lr * a
        if nesterov:
            matrix = [[c, -lr * beta * c], [a, beta * c]]
        else:
            matrix = [[c, -lr * beta], [a, beta]]
        factors.append(float(np.max(np.abs(np.linalg.eigvals(np.array(matrix))))))
    return np.array(factors)


@demo("nesterov-vs-momentum")
def nesterov_vs_momentum(d: Demo, lr=None, beta=None, steps=None, curvatures=None, start=None):
    """Heavy-ball and Nesterov momentum in the same valley, with each method's shrink factor per step."""
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 25.0], lambda: valley_start(d))
    lr = d.number("lr", lr, 0.05, low=0.0, high=10.0)
    beta = d.number("beta", beta, 0.9, low=0.0, high=0.999)
    steps = d.number("steps", steps, 60, low=1, high=1000, integer=True)
    d.say(
        f"The valley {bowl_text(curv)}, from θ = {theta0.tolist()}, with η = {lr:g} and β = {beta:g} for both methods."
    )
    d.say(
        "Heavy ball: v ← βv + ∇f(θ), θ ← θ - ηv. Nesterov takes the gradient at the look-ahead point θ - ηβv, "
        "where the old velocity is about to carry θ, so it feels an overshoot one step earlier."
    )
    heavy, _ = momentum_path(curv, theta0, lr, steps, beta)
    ahead = nesterov_path(curv, theta0, lr, steps, beta)
    steep = int(np.argmax(curv))
    d.show(
        f"θ{steep + 1} (steep direction), first 8 steps",
        {"heavy ball": heavy[:8, steep], "Nesterov": ahead[:8, steep]},
    )
    heavy_loss, ahead_loss = bowl_loss(curv, heavy), bowl_loss(curv, ahead)
    d.series(
        "log10 loss by step",
        {"heavy ball": kit.log10(heavy_loss), "Nesterov": kit.log10(ahead_loss)},
        x=np.arange(steps + 1),
    )
    heavy_rate = shrink_factors(curv, lr, beta, nesterov=False)
    ahead_rate = shrink_factors(curv, lr, beta, nesterov=True)
    d.show("shrink factor per step of each coordinate", {"heavy ball": heavy_rate, "Nesterov": ahead_rate})
    flips_heavy = int(np.sum(np.diff(np.sign(heavy[:, steep])) != 0))
    flips_ahead = int(np.sum(np.diff(np.sign(ahead[:, steep])) != 0))
    verdict = (
        "Nesterov is faster here" if ahead_loss[-1] < heavy_loss[-1] else "heavy ball is faster here"
    ) + f": after {steps} steps the loss is {ahead_loss[-1]:.3g} against {heavy_loss[-1]:.3g}."
    unstable = [name for name, rate in (("heavy ball", heavy_rate), ("Nesterov", ahead_rate)) if np.max(rate) >= 1]
    warning = f" With this η, {' and '.join(unstable)} cannot converge (a factor ≥ 1)." if unstable else ""
    d.say(
        f"θ{steep + 1} changes sign {flips_heavy} times under heavy ball and {flips_ahead} under Nesterov; the "
        f"slowest factor is {heavy_rate.max():.3g} against {ahead_rate.max():.3g}, so {verdict}{warning}"
    )
    return {
        "heavy_ball_theta": heavy[-1],
        "nesterov_theta": ahead[-1],
        "heavy_ball_loss": heavy_loss[-1],
        "nesterov_loss": ahead_loss[-1],
        "heavy_ball_factors": heavy_rate,
        "nesterov_factors": ahead_rate,
    }


def adam_run(grads, w0, lr, decay, decoupled, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam over fixed data gradients, with decay as an L2 gradient (decoupled=False) or applied directly (AdamW)."""
    w = w0.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    path = [w.copy()]
    v_hat = v
    for t, g_data in enumerate(grads, start=1):
        g = g_data if decoupled else g_data + decay * w
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        step = m_hat / (np.sqrt(v_hat) + eps)
        w = w - lr * (step + decay * w) if decoupled else w - lr * step
        path.append(w.copy())
    return np.array(path), np.sqrt(v_hat) + eps


@demo("adamw-vs-l2")
def adamw_vs_l2(d: Demo, grads=None, start=None, lr=None, decay=None):
    """Under Adam an L2 term is rescaled per weight; AdamW's decoupled decay shrinks every weight alike."""
    g = d.array("grads", grads, lambda: np.round(np.array([10.0, 0.01]) * d.rng.standard_normal((100, 2)), 6), ndim=2)
    if g.shape[0] > 2000 or g.shape[1] > 6:
        raise DemoInputError("grads must have at most 2000 rows (steps) and 6 columns (weights)")
    w0 = d.array("start", start, lambda: [1.0] * g.shape[1], ndim=1)
    if len(w0) != g.shape[1]:
        raise DemoInputError(f"start must have one entry per column of grads ({g.shape[1]}); got {len(w0)}")
    lr = d.number("lr", lr, 0.01, low=0.0, high=1.0)
    decay = d.number("decay", decay, 0.5, low=0.0, high=100.0)
    steps = g.shape[0]
    scales = np.sqrt(np.mean(g**2, axis=0))
    d.say(
        f"{len(w0)} weights start at {w0.tolist()}; "
        f"their data gradients are pure noise with RMS {np.round(scales, 4).tolist()}, "
        f"so any steady shrinking comes from the decay λ = {decay:g} (η = {lr:g}, {steps} Adam steps)."
    )
    d.say(
        "Adam + L2 adds λw to the gradient before the moments; "
        "AdamW leaves the moments alone and subtracts ηλw from the weight."
    )
    coupled, denom = adam_run(g, w0, lr, decay, decoupled=False)
    decoupled, _ = adam_run(g, w0, lr, decay, decoupled=True)
    series = {}
    for i in range(len(w0)):
        series[f"w{i + 1} Adam+L2"] = coupled[:, i]
        series[f"w{i + 1} AdamW"] = decoupled[:, i]
    d.series("weights by step", series, x=np.arange(steps + 1))
    decay_only = w0 * (1 - lr * decay) ** steps
    d.show(
        f"weights after {steps} steps",
        {"Adam + L2": coupled[-1], "AdamW": decoupled[-1], "decay alone (1 - ηλ)^T w0": decay_only},
    )
    effective = decay / denom
    d.show(
        "decay per unit weight at the end: λ/√v̂ (Adam + L2) and λ (AdamW)",
        {"Adam + L2": effective, "AdamW": np.full(len(w0), decay)},
    )
    d.say(
        "Under Adam + L2 the decay is divided by √v̂ like every gradient: the weight with large gradients is barely "
        "decayed and the one with tiny gradients is pulled towards zero at up to η per step, whatever its size. "
        "AdamW shrinks every weight by the same factor (1 - ηλ) per step, whatever its gradient history."
    )
    return {"adam_l2": coupled[-1], "adamw": decoupled[-1], "decay_only": decay_only, "effective_decay_l2": effective}
