"""Demos of learning-rate choices over training: schedules, warmup, and scaling the rate with the batch size."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo


@demo("lr-schedules")
def lr_schedules(d: Demo, lr0=None, epochs=None, step_every=None, step_gamma=None, exp_gamma=None, lr_min=None):
    """Constant, step, exponential and cosine learning-rate schedules by epoch."""
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
        f"Four rules for the rate at epoch t = 0 … {epochs}, "
        f"all starting at η0 = {lr0:g}: constant; step ηt = η0·{step_gamma:g}^⌊t/{every}⌋; "
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
        f"Step decay holds flat, then multiplies by {step_gamma:g} every {every} epochs; "
        "exponential loses the same fraction every epoch "
        f"({schedules['exponential'][ten]:.3g} at epoch {ten}); cosine falls slowly, then fast, then slowly, "
        f"is {schedules['cosine'][epochs // 2]:.3g} at epoch {epochs // 2} and ends at {schedules['cosine'][-1]:.3g}."
    )
    return schedules


@demo("lr-warmup")
def lr_warmup(d: Demo, peak_lr=None, warmup_steps=None, total_steps=None, min_lr=None):
    """A linear warmup followed by cosine decay of the learning rate, step by step."""
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
    d.say(
        f"For the first {warm} steps the rate climbs linearly, η = {peak:g}·t/{warm}, from 0 towards the peak {peak:g}."
    )
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


def regression_run(xs, ys, lr, batch, epochs):
    """Mini-batch SGD on ½·mean((w·x + b - y)²) from w = b = 0, batches taken in order; full-data loss at the end."""
    w = b = 0.0
    n = len(xs)
    for _ in range(epochs):
        for begin in range(0, n, batch):
            rx, ry = xs[begin : begin + batch], ys[begin : begin + batch]
            residual = w * rx + b - ry
            w, b = w - lr * float(np.mean(residual * rx)), b - lr * float(np.mean(residual))
    return 0.5 * float(np.mean((w * xs + b - ys) ** 2))


def _scaling_breaks(sizes, rules, finals, blown: list[int], top: float, start_loss: float) -> str:
    """What the runs show once the linear rule's η passes the stability limit 2/λ_max."""
    listing = ", ".join(f"batch {int(sizes[i])} (η = {rules['k·η'][i]:.3g})" for i in blown)
    steady = all(finals["√k·η"][i] < start_loss for i in blown)
    return (
        f"The linear rule keeps pace while kη stays below 2/λ_max = {2 / top:.3g}, but at {listing} "
        "the step size is past that limit and the loss blows up"
        + ("; the gentler square-root rule, with a smaller η, still converges. " if steady else ". ")
        + "This loss has the same curvature at every step, so warming up to that η would not help: "
        "once the warmup ends the step is just as unstable. Past the limit the rule stops working, "
        "and the learning rate has to be capped instead."
    )


@demo("linear-scaling-rule")
def linear_scaling_rule(d: Demo, x=None, y=None, base_lr=None, base_batch=None, batch_sizes=None, epochs=None):
    """Bigger batches with the same, square-root-scaled and linearly scaled learning rate, and where it breaks."""
    xs = d.array("x", x, lambda: np.round(d.rng.normal(0, 1.5, 64), 3), ndim=1)
    ys = d.array("y", y, lambda: np.round(2 * xs - 1 + d.rng.normal(0, 0.3, len(xs)), 3), ndim=1)
    if len(xs) != len(ys) or len(xs) < 2 or len(xs) > 2000:
        raise DemoInputError(f"x and y must have the same length, between 2 and 2000; got {len(xs)} and {len(ys)}")
    n = len(xs)
    base_lr = d.number("base_lr", base_lr, 0.08, low=0.0, high=10.0)
    base_batch = d.number("base_batch", base_batch, 4, low=1, high=n, integer=True)
    sizes = d.array("batch_sizes", batch_sizes, [4, 16, 64], ndim=1, integer=True)
    if len(sizes) > 6 or np.any(sizes < 1) or np.any(sizes > n):
        raise DemoInputError(f"batch_sizes must be one to six whole numbers between 1 and {n}, like [4, 16, 64]")
    epochs = d.number("epochs", epochs, 5, low=1, high=50, integer=True)
    hessian = np.array([[np.mean(xs**2), np.mean(xs)], [np.mean(xs), 1.0]])
    top = float(np.max(np.linalg.eigvalsh(hessian)))
    design = np.column_stack([xs, np.ones(n)])
    best = np.linalg.lstsq(design, ys, rcond=None)[0]
    best_loss = 0.5 * float(np.mean((design @ best - ys) ** 2))
    d.say(
        f"Fit y ≈ w·x + b to {n} points by SGD for {epochs} epochs; base: batch {base_batch} with η = {base_lr:g}. "
        f"A batch k times larger makes k times fewer steps, so η is scaled by k (linear rule) or √k (square-root rule)."
    )
    d.say(
        f"The loss curvature is at most λ_max = {top:.3g}, "
        f"so any full-batch step with η > 2/λ_max = {2 / top:.3g} overshoots and diverges."
    )
    ratios = sizes / base_batch
    rules = {"same η": np.full(len(sizes), base_lr), "√k·η": base_lr * np.sqrt(ratios), "k·η": base_lr * ratios}
    finals = {
        name: np.array([regression_run(xs, ys, lr, int(b), epochs) for lr, b in zip(lrs, sizes, strict=False)])
        for name, lrs in rules.items()
    }
    d.show("learning rate by batch size " + str(sizes.tolist()), rules)
    d.show(f"full-data loss after {epochs} epochs (best possible {best_loss:.4g})", finals)
    linear, same = finals["k·η"], finals["same η"]
    start_loss = 0.5 * float(np.mean(ys**2))
    blown = [i for i, loss in enumerate(linear) if not loss < start_loss]
    d.say(
        (
            f"Keeping η fixed, bigger batches fall behind (loss {same[-1]:.3g} at batch {sizes[-1]}), "
            "because they take fewer steps. "
        )
        + (
            _scaling_breaks(sizes, rules, finals, blown, top, start_loss)
            if blown
            else (
                "The linear rule keeps pace with the small batch here, "
                "since every scaled η stays below the stability limit."
            )
        )
    )
    return {
        "batch_sizes": sizes,
        "lrs": rules,
        "final_loss": finals,
        "best_loss": best_loss,
        "stability_limit": 2 / top,
    }
