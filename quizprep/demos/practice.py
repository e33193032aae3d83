"""Demos: optimisation practice, losses and numerics (issue 9) (see quizprep.demos.framework for how demos are written).

Optimisation in practice: Nesterov against heavy-ball momentum, AdamW against an L2 term under Adam, the linear
scaling rule, gradient checking, and a validation loss below the training loss. Losses and numerics: the softmax
cross-entropy gradient, log-sum-exp, label smoothing, focal loss, and float16 training (loss scaling, master weights).
"""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo
from quizprep.demos.optimization import bowl_loss, bowl_text, log10, momentum_path, read_bowl, side_rng, valley_start

# ---------------------------------------------------------------- shared helpers


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / e.sum()


def log_sum_exp(z: np.ndarray) -> float:
    m = float(np.max(z))
    return m + float(np.log(np.sum(np.exp(z - m))))


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| / max(|a|, |b|) per entry, with a tiny floor so two zeros give 0, not 0/0."""
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)


def to_bfloat16(values) -> np.ndarray:
    """Round to bfloat16 (8 exponent bits, 8 significant bits), nearest-even, returned as float32.

    NumPy has no bfloat16, so this keeps the top 16 bits of each float32, rounding on the bits dropped."""
    bits = np.atleast_1d(np.asarray(values, dtype=np.float32)).view(np.uint32).astype(np.uint64)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    rounded = ((bits + rounding) & 0xFFFF0000).astype(np.uint32)
    return rounded.view(np.float32)


def read_label(d: Demo, label, classes: int) -> int:
    return d.number("label", label, lambda: int(d.rng.integers(classes)), low=0, high=classes - 1, integer=True)


# ---------------------------------------------------------------- momentum


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
    curv, theta0 = read_bowl(d, curvatures, start, [1.0, 25.0], lambda: valley_start(d))
    lr = d.number("lr", lr, 0.05, low=0.0, high=10.0)
    beta = d.number("beta", beta, 0.9, low=0.0, high=0.999)
    steps = d.number("steps", steps, 60, low=1, high=1000, integer=True)
    d.say(f"The valley {bowl_text(curv)}, from θ = {theta0.tolist()}, with η = {lr:g} and β = {beta:g} for both methods.")
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
    d.series("log10 loss by step", {"heavy ball": log10(heavy_loss), "Nesterov": log10(ahead_loss)}, x=np.arange(steps + 1))
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


# ---------------------------------------------------------------- AdamW against an L2 penalty


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
        f"{len(w0)} weights start at {w0.tolist()}; their data gradients are pure noise with RMS {np.round(scales, 4).tolist()}, "
        f"so any steady shrinking comes from the decay λ = {decay:g} (η = {lr:g}, {steps} Adam steps)."
    )
    d.say("Adam + L2 adds λw to the gradient before the moments; AdamW leaves the moments alone and subtracts ηλw from the weight.")
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
    d.show("decay per unit weight at the end: λ/√v̂ (Adam + L2) and λ (AdamW)", {"Adam + L2": effective, "AdamW": np.full(len(w0), decay)})
    d.say(
        "Under Adam + L2 the decay is divided by √v̂ like every gradient: the weight with large gradients is barely "
        "decayed and the one with tiny gradients is pulled towards zero at up to η per step, whatever its size. "
        "AdamW shrinks every weight by the same factor (1 - ηλ) per step, whatever its gradient history."
    )
    return {"adam_l2": coupled[-1], "adamw": decoupled[-1], "decay_only": decay_only, "effective_decay_l2": effective}


# ---------------------------------------------------------------- batch size and learning rate


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


@demo("linear-scaling-rule")
def linear_scaling_rule(d: Demo, x=None, y=None, base_lr=None, base_batch=None, batch_sizes=None, epochs=None):
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
    d.say(f"The loss curvature is at most λ_max = {top:.3g}, so any full-batch step with η > 2/λ_max = {2 / top:.3g} overshoots and diverges.")
    ratios = sizes / base_batch
    rules = {"same η": np.full(len(sizes), base_lr), "√k·η": base_lr * np.sqrt(ratios), "k·η": base_lr * ratios}
    finals = {name: np.array([regression_run(xs, ys, lr, int(b), epochs) for lr, b in zip(lrs, sizes)]) for name, lrs in rules.items()}
    d.show("learning rate by batch size " + str(sizes.tolist()), rules)
    d.show(f"full-data loss after {epochs} epochs (best possible {best_loss:.4g})", finals)
    linear, same = finals["k·η"], finals["same η"]
    start_loss = 0.5 * float(np.mean(ys**2))
    diverged = [int(b) for b, loss in zip(sizes, linear) if not loss < start_loss]
    listing = ", ".join(str(b) for b in diverged)
    d.say(
        f"Keeping η fixed, bigger batches fall behind (loss {same[-1]:.3g} at batch {sizes[-1]}), because they take fewer steps. "
        + (
            f"The linear rule keeps pace while kη stays below {2 / top:.3g}, but at batch {listing} its η is too large and the loss blows up; "
            "the gentler square-root rule still converges. This is why large-batch training adds warmup and stops scaling past a critical batch size."
            if diverged
            else "The linear rule keeps pace with the small batch here, since every scaled η stays below the stability limit."
        )
    )
    return {"batch_sizes": sizes, "lrs": rules, "final_loss": finals, "best_loss": best_loss, "stability_limit": 2 / top}


# ---------------------------------------------------------------- gradient checking


def logistic_loss(w, xs, ys, lam) -> float:
    margins = ys * (xs @ w)
    return float(np.mean(np.logaddexp(0.0, -margins)) + 0.5 * lam * np.dot(w, w))


def logistic_grad(w, xs, ys, lam, with_penalty=True) -> np.ndarray:
    margins = ys * (xs @ w)
    weights = -ys / (1 + np.exp(margins))  # d/dm log(1 + e^{-m}) = -σ(-m)
    grad = xs.T @ weights / len(ys)
    return grad + lam * w if with_penalty else grad


def finite_difference(loss, w, eps, central=True) -> np.ndarray:
    grad = np.zeros_like(w)
    for i in range(len(w)):
        step = np.zeros_like(w)
        step[i] = eps
        if central:
            grad[i] = (loss(w + step) - loss(w - step)) / (2 * eps)
        else:
            grad[i] = (loss(w + step) - loss(w)) / eps
    return grad


@demo("gradient-check")
def gradient_check(d: Demo, x=None, y=None, w=None, lam=None, eps=None):
    xs = d.array("x", x, lambda: np.round(d.rng.normal(0, 1, (8, 3)), 2), ndim=2)
    ys = d.array("y", y, lambda: d.rng.choice([-1.0, 1.0], len(xs)), ndim=1)
    if len(ys) != len(xs) or not np.all(np.isin(ys, [-1, 1])):
        raise DemoInputError(f"y must hold one label per row of x ({len(xs)}), each -1 or 1")
    w = d.array("w", w, lambda: np.round(d.rng.normal(0, 1, xs.shape[1]), 2), ndim=1)
    if len(w) != xs.shape[1]:
        raise DemoInputError(f"w must have one entry per column of x ({xs.shape[1]}); got {len(w)}")
    lam = d.number("lam", lam, 0.1, low=0.0, high=100.0)
    eps = d.number("eps", eps, 1e-5, low=1e-15, high=1.0)

    def loss(v):
        return logistic_loss(v, xs, ys, lam)

    d.say(f"Loss: L2-regularised logistic regression, mean log(1 + e^(-y·w·x)) + ({lam:g}/2)·|w|², on {len(ys)} examples.")
    analytic = logistic_grad(w, xs, ys, lam)
    numeric = finite_difference(loss, w, eps)
    errors = relative_error(analytic, numeric)
    d.show(
        f"gradient at w = {w.tolist()}",
        {"backprop (analytic)": analytic, f"central difference, ε = {eps:g}": numeric, "relative error": errors},
        text="relative error = |g_bp - g_num| / max(|g_bp|, |g_num|)",
    )
    d.say(f"The largest relative error is {errors.max():.2g}: below 1e-7 the analytic gradient is right.")
    buggy = logistic_grad(w, xs, ys, lam, with_penalty=False)
    bug_errors = relative_error(buggy, numeric)
    d.show("a buggy backward pass that forgets the penalty's gradient λw", {"buggy": buggy, "relative error": bug_errors})
    d.say(f"Its largest relative error is {bug_errors.max():.2g}, far above 1e-2: that is what a real bug looks like.")
    exponents = np.arange(-1, -13, -1)
    central = [float(relative_error(analytic, finite_difference(loss, w, 10.0**k)).max()) for k in exponents]
    forward = [float(relative_error(analytic, finite_difference(loss, w, 10.0**k, central=False)).max()) for k in exponents]
    d.series("log10 largest relative error against log10 ε", {"central": log10(central), "forward": log10(forward)}, x=exponents)
    d.say(
        f"Large ε suffers truncation error (O(ε) forward, O(ε²) central); tiny ε suffers rounding, since the two losses "
        f"agree in almost every digit. The best ε here is 1e{exponents[int(np.argmin(central))]} for central differences "
        f"and 1e{exponents[int(np.argmin(forward))]} for forward ones, and central is about "
        f"{min(forward) / max(min(central), 1e-300):.0e} times more accurate at its best."
    )
    return {
        "analytic": analytic,
        "numeric": numeric,
        "max_rel_error": float(errors.max()),
        "buggy_max_rel_error": float(bug_errors.max()),
        "eps_exponents": exponents,
        "central_errors": central,
        "forward_errors": forward,
    }


# ---------------------------------------------------------------- validation below training


def dropout_penalty(w, xs, p) -> float:
    """Extra expected squared error from inverted dropout on the inputs: (p/(1-p))·mean Σ_j w_j² x_j²."""
    return p / (1 - p) * float(np.mean((xs**2) @ (w**2)))


@demo("val-below-train")
def val_below_train(d: Demo, x=None, y=None, p=None, lr=None, epochs=None, batch_size=None):
    masks = side_rng(d)
    xs = d.array("x", x, lambda: np.round(d.rng.normal(0, 1, (160, 3)), 3), ndim=2)
    ys = d.array("y", y, lambda: np.round(xs @ np.array([1.5, -2.0, 0.5]) + 0.5 + d.rng.normal(0, 0.5, len(xs)), 3), ndim=1)
    if len(ys) != len(xs) or len(xs) < 4 or len(xs) > 2000 or xs.shape[1] > 10:
        raise DemoInputError("x must be 4 to 2000 rows of at most 10 features, and y one target per row")
    p = d.number("p", p, 0.2, low=0.0, high=0.9)
    lr = d.number("lr", lr, 0.05, low=0.0, high=1.0)
    epochs = d.number("epochs", epochs, 8, low=1, high=100, integer=True)
    half = len(xs) // 2
    batch = d.number("batch_size", batch_size, 8, low=1, high=half, integer=True)
    x_train, y_train, x_val, y_val = xs[:half], ys[:half], xs[half:], ys[half:]
    w, b = np.zeros(xs.shape[1]), 0.0

    def mse(x_set, y_set):
        return float(np.mean((x_set @ w + b - y_set) ** 2))

    d.say(
        f"A linear model with inverted dropout (p = {p:g}) on its {xs.shape[1]} inputs, trained by SGD on the first {half} "
        f"rows; the other {len(xs) - half} rows, from the same distribution, are the validation set."
    )
    logged, train_eval, val, expected = [], [], [], []
    for _ in range(epochs):
        squared = 0.0
        for begin in range(0, half, batch):
            rx, ry = x_train[begin : begin + batch], y_train[begin : begin + batch]
            keep = masks.random(rx.shape) >= p
            dropped = rx * keep / (1 - p)
            residual = dropped @ w + b - ry
            squared += float(np.sum(residual**2))
            w = w - lr * 2 * dropped.T @ residual / len(ry)
            b = b - lr * 2 * float(np.mean(residual))
        logged.append(squared / half)
        train_eval.append(mse(x_train, y_train))
        val.append(mse(x_val, y_val))
        expected.append(train_eval[-1] + dropout_penalty(w, x_train, p))
    d.series(
        "loss by epoch",
        {"logged train (dropout on, mean over epoch)": logged, "train, dropout off": train_eval, "validation": val},
        x=np.arange(1, epochs + 1),
    )
    above = sum(a > v for a, v in zip(logged, val))
    d.say(f"The logged training loss sits above the validation loss in {above} of {epochs} epochs, although the model never saw the validation rows.")
    penalty = expected[-1] - train_eval[-1]
    keep = masks.random((2000, *x_train.shape)) >= p
    sampled = np.mean((np.einsum("snj,j->sn", x_train * keep / (1 - p), w) + b - y_train) ** 2, axis=1)
    d.show(
        "at the final weights",
        {
            "train loss, dropout off": train_eval[-1],
            "+ dropout noise (p/(1-p))·mean Σ w²x²": penalty,
            "= expected train loss, dropout on": expected[-1],
            "average over 2000 random masks": float(np.mean(sampled)),
            "validation loss": val[-1],
        },
    )
    d.say(
        f"Two effects lift the logged number. Dropout adds noise only while training, worth {penalty:.3g} of squared error "
        f"at the end; and each logged value averages batches from the whole epoch, when the weights were still improving "
        f"(epoch 1 logs {logged[0]:.3g}, yet at its end the expected dropout-on loss is {expected[0]:.3g})."
    )
    d.say("Compare training and validation loss in the same mode and at the same weights before suspecting leakage or an easier validation split.")
    return {
        "logged_train": logged,
        "train_eval": train_eval,
        "val": val,
        "weights": w,
        "bias": b,
        "dropout_penalty": penalty,
        "expected_train_dropout": expected,
    }


# ---------------------------------------------------------------- softmax cross-entropy


@demo("softmax-ce-gradient")
def softmax_ce_gradient(d: Demo, logits=None, label=None, eps=None):
    z = d.array("logits", logits, lambda: np.round(d.rng.normal(0, 2, 4), 2), ndim=1)
    if len(z) < 2 or len(z) > 20:
        raise DemoInputError("logits must hold 2 to 20 numbers, like [2, -1, 0.5]")
    c = read_label(d, label, len(z))
    eps = d.number("eps", eps, 1e-6, low=1e-12, high=0.1)
    p = softmax(z)
    onehot = np.eye(len(z))[c]

    def loss(v):
        return log_sum_exp(v) - v[c]

    d.show("logits z", z)
    d.show("softmax p", p)
    shown = f"({z[c]:g})" if z[c] < 0 else f"{z[c]:g}"
    d.say(f"For true class {c} (counting from 0), the loss is -log p_{c} = logsumexp(z) - z_{c} = {log_sum_exp(z):.4f} - {shown} = {loss(z):.4f}.")
    d.say("The derivative of logsumexp(z) is softmax(z) and the derivative of -z_c is -y, so ∂L/∂z = p - y.")
    analytic = p - onehot
    numeric = finite_difference(loss, z, eps)
    d.show("∂L/∂z", {"p - y": analytic, f"central difference, ε = {eps:g}": numeric})
    gap = float(np.max(np.abs(analytic - numeric)))
    d.say(
        f"They agree to within {gap:.1g}. The entries sum to zero: the true logit is pushed up by "
        f"{-analytic[c]:.3g} = 1 - p_{c}, the others down by their probabilities, and no entry exceeds 1 in size, so "
        "the gradient never vanishes the way a saturated sigmoid with squared error does."
    )
    return {"probs": p, "loss": loss(z), "analytic": analytic, "numeric": numeric, "max_abs_diff": gap}


@demo("log-sum-exp")
def log_sum_exp_demo(d: Demo, logits=None):
    z = d.array("logits", logits, lambda: 1000.0 + d.rng.integers(-5, 6, 4), ndim=1)
    if len(z) > 50:
        raise DemoInputError("logits must hold at most 50 numbers")
    d.show("logits z", z)
    naive = float(np.log(np.sum(np.exp(z))))
    d.say(
        f"Naively, log Σ e^z = {naive:.6g}: float64 overflows above e^709.8 (float32 above e^88.7), "
        "so with logits near 1000 the sum is infinite."
        if not math.isfinite(naive)
        else f"Naively, log Σ e^z = {naive:.6g}; these logits are small enough, but float64 overflows above e^709.8 and float32 above e^88.7."
    )
    m = float(np.max(z))
    d.show("e^(z - max z)", np.exp(z - m), text=f"Subtract the largest logit, {m:g}: the largest term becomes e^0 = 1 and nothing overflows.")
    stable = log_sum_exp(z)
    d.say(f"log Σ e^z = max z + log Σ e^(z - max z) = {m:g} + {stable - m:.6f} = {stable:.6f}, always between max z and max z + log n.")
    shift = -(m + 1000.0)
    low = z + shift
    naive_low = float(np.log(np.sum(np.exp(low))))
    stable_low = log_sum_exp(low)
    d.say(
        f"Shift every logit by {shift:g} (largest now -1000): naively every e^z underflows to 0 and the log gives {naive_low:.6g}; "
        f"the max trick gives {stable_low:.6f}, exactly {-shift:g} less than before."
    )
    log_probs = z - stable
    d.show("log-softmax z - logsumexp(z)", log_probs, text=f"Its exponentials sum to {np.exp(log_probs).sum():.6f}; no probability had to be formed first.")
    return {"naive": naive, "stable": stable, "naive_shifted": naive_low, "stable_shifted": stable_low, "log_softmax": log_probs}


# ---------------------------------------------------------------- label smoothing


def logit_descent(target, lr, steps):
    """Gradient descent on free logits z, starting at 0, for cross-entropy against `target` (gradient softmax(z) - q)."""
    z = np.zeros(len(target))
    path = [z.copy()]
    for _ in range(steps):
        z = z - lr * (softmax(z) - target)
        path.append(z.copy())
    return np.array(path)


def true_class_gap(path, c):
    others = np.delete(path, c, axis=1)
    return path[:, c] - others.mean(axis=1)


@demo("label-smoothing")
def label_smoothing(d: Demo, classes=None, epsilon=None, label=None, lr=None, steps=None):
    k = d.number("classes", classes, 5, low=2, high=1000, integer=True)
    eps = d.number("epsilon", epsilon, 0.1, low=0.0, high=0.99)
    c = read_label(d, label, k)
    lr = d.number("lr", lr, 1.0, low=0.0, high=10.0)
    steps = d.number("steps", steps, 200, low=1, high=5000, integer=True)
    hard = np.eye(k)[c]
    smooth = (1 - eps) * hard + eps / k
    d.show("targets", {"hard": hard, f"smoothed, ε = {eps:g}": smooth}, text=f"q = (1 - ε)·y + ε/K: {1 - eps + eps / k:.4g} for the true class, {eps / k:.4g} for each other.")
    d.say("Cross-entropy against q has gradient p - q, so it is smallest when p = q exactly; with hard targets p = y is never reached.")
    hard_path, smooth_path = logit_descent(hard, lr, steps), logit_descent(smooth, lr, steps)
    gap_hard, gap_smooth = true_class_gap(hard_path, c), true_class_gap(smooth_path, c)
    best = math.log((1 - eps + eps / k) / (eps / k)) if eps > 0 else math.inf
    d.series("true logit minus the mean other logit, by step", {"hard": gap_hard, "smoothed": gap_smooth}, x=np.arange(steps + 1))
    p_hard, p_smooth = softmax(hard_path[-1]), softmax(smooth_path[-1])
    d.show(f"probabilities after {steps} steps", {"hard": p_hard, "smoothed": p_smooth})
    d.say(
        f"With hard targets the gap is still growing ({gap_hard[-1]:.3g} and rising, like log t) and the model grows ever more confident; "
        f"with smoothing it settles at ln((1 - ε + ε/K)/(ε/K)) = {best:.4g} and a top probability of {p_smooth[c]:.3g}. "
        "Bounded logits are the calibration effect: the model cannot push its confidence to 1."
    )
    return {"target": smooth, "gap_hard": gap_hard[-1], "gap_smooth": gap_smooth[-1], "optimal_gap": best, "probs_hard": p_hard, "probs_smooth": p_smooth}


# ---------------------------------------------------------------- focal loss


def default_detections(d: Demo) -> tuple[list[float], list[int]]:
    """Ten background anchors (eight easy, two hard) and two objects (one easy, one hard)."""
    easy_neg = d.rng.uniform(0.01, 0.1, 8)
    hard_neg = d.rng.uniform(0.5, 0.8, 2)
    pos = [d.rng.uniform(0.85, 0.95), d.rng.uniform(0.1, 0.3)]
    probs = np.round(np.concatenate([easy_neg, hard_neg, pos]), 3)
    return probs.tolist(), [0] * 10 + [1, 1]


@demo("focal-loss")
def focal_loss(d: Demo, probs=None, labels=None, gamma=None, alpha=None):
    defaults = default_detections(d) if probs is None or labels is None else None
    p = d.array("probs", probs, lambda: defaults[0], ndim=1)
    y = d.array("labels", labels, lambda: defaults[1], ndim=1, integer=True)
    if len(p) != len(y) or len(p) > 50 or np.any((p <= 0) | (p >= 1)) or not np.all(np.isin(y, [0, 1])):
        raise DemoInputError("probs must be up to 50 probabilities strictly between 0 and 1, and labels one 0 or 1 for each")
    gamma = d.number("gamma", gamma, 2.0, low=0.0, high=10.0)
    alpha = d.number("alpha", alpha, 0.25, low=0.0, high=1.0)
    p_t = np.where(y == 1, p, 1 - p)
    alpha_t = np.where(y == 1, alpha, 1 - alpha)
    ce = -np.log(p_t)
    balanced = alpha_t * ce
    factor = (1 - p_t) ** gamma
    focal = factor * balanced
    d.say(f"p_t is the probability given to the true label; FL = -α_t (1 - p_t)^γ log p_t with γ = {gamma:g}, α = {alpha:g} for objects and {1 - alpha:g} for background.")
    d.show("p_t of each example (labels " + "".join(str(v) for v in y) + ")", p_t)
    d.show("modulating factor (1 - p_t)^γ", factor, text="Near 1 for hard examples, near 0 for easy ones.")
    names = [f"{i + 1}:{'obj' if t else 'bg'}" for i, t in enumerate(y)]
    d.bars("share of the total loss, cross-entropy", names, ce / ce.sum())
    d.bars("share of the total loss, focal loss", names, focal / focal.sum())
    easy = p_t > 0.5
    shares = [float(v[easy].sum() / v.sum()) for v in (ce, balanced, focal)]
    d.say(
        f"The {int(easy.sum())} easy examples (p_t > 0.5) carry {shares[0]:.0%} of the cross-entropy, {shares[1]:.0%} of the "
        f"α-balanced cross-entropy and only {shares[2]:.1%} of the focal loss; at γ = {gamma:g} an example with p_t = 0.9 keeps "
        f"{0.1**gamma:.2g} of its loss. With γ = 0 the focal loss is the α-balanced cross-entropy."
    )
    return {"p_t": p_t, "ce": ce, "balanced_ce": balanced, "focal": focal, "easy_share": {"ce": shares[0], "balanced_ce": shares[1], "focal": shares[2]}}


# ---------------------------------------------------------------- float16 training


def default_tiny_grads(d: Demo) -> list[float]:
    """Nine gradients spread log-uniformly over 1e-10 .. 1e-3 and one larger, 1e-2 .. 1e-1, with random signs."""
    magnitudes = np.concatenate([10.0 ** d.rng.uniform(-2, -1, 1), 10.0 ** d.rng.uniform(-10, -3, 9)])
    signs = d.rng.choice([-1.0, 1.0], 10)
    return [float(f"{v:.3g}") for v in np.sort(magnitudes)[::-1] * signs]


@demo("fp16-loss-scaling")
def fp16_loss_scaling(d: Demo, grads=None, scale=None):
    g = d.array("grads", grads, lambda: default_tiny_grads(d), ndim=1)
    if len(g) > 50 or np.any(g == 0) or np.any(np.abs(g) > 1e4):
        raise DemoInputError("grads must be up to 50 nonzero numbers no larger than 1e4 in size")
    scale = d.number("scale", scale, 65536, low=1, high=2.0**40)
    info = np.finfo(np.float16)
    d.show(
        "float16 range",
        {"largest": float(info.max), "smallest normal": float(info.tiny), "smallest subnormal": float(info.smallest_subnormal)},
        text="5 exponent bits, 10 fraction bits: anything below about 6e-8 rounds to zero.",
    )
    plain16 = g.astype(np.float16).astype(np.float64)
    scaled16 = (g * scale).astype(np.float16)
    unscaled = (scaled16.astype(np.float32) / np.float32(scale)).astype(np.float64)
    err_plain, err_scaled = relative_error(g, plain16), relative_error(g, unscaled)
    d.show("gradients", {"true (float64)": g, "cast to float16": plain16, f"×{scale:g}, float16, ÷{scale:g} in float32": unscaled})
    d.show("relative error", {"float16": err_plain, "with loss scaling": err_scaled})
    zeros_plain, zeros_scaled = int(np.sum(plain16 == 0)), int(np.sum(unscaled == 0))
    d.say(
        f"In float16, {zeros_plain} of {len(g)} gradients become exactly 0 and the update for those weights is lost. "
        f"Multiplying the loss by S = {scale:g} multiplies every gradient by S (chain rule), lifting them into float16's range; "
        f"dividing by S in float32 before the update leaves {zeros_scaled or 'none'} at zero."
    )
    tried, current = [], 2.0**24
    while True:
        tried.append(current)
        if np.all(np.isfinite((g * current).astype(np.float16))) or current <= 1:
            break
        current /= 2
    d.show("dynamic loss scaling: scales tried", tried)
    d.say(
        f"Too large a scale overflows: at S = 2^24 the biggest gradient times S passes 65504 and becomes inf, so the "
        f"step is skipped and S halved, until S = {tried[-1]:g} fits; after a long run of clean steps S is doubled again."
        if len(tried) > 1
        else "Even S = 2^24 does not overflow these gradients; a dynamic scaler would keep doubling S after clean steps."
    )
    bf16 = to_bfloat16(g).astype(np.float64)
    err_bf16 = relative_error(g, bf16)
    d.show("bfloat16 (emulated) relative error, no scaling", err_bf16)
    d.say(
        f"bfloat16 keeps float32's 8 exponent bits, so nothing underflows (largest error {err_bf16.max():.2g}, about 3 significant "
        "digits): it trades precision for range and usually needs no loss scaling."
    )
    return {
        "float16": plain16,
        "scaled": unscaled,
        "zeros_float16": zeros_plain,
        "zeros_scaled": zeros_scaled,
        "rel_error_float16": err_plain,
        "rel_error_scaled": err_scaled,
        "dynamic_scales": tried,
        "rel_error_bfloat16": err_bf16,
    }


@demo("fp16-master-weights")
def fp16_master_weights(d: Demo, w=None, update=None, steps=None):
    w0 = d.number("w", w, 1.0, low=-1e4, high=1e4)
    delta = d.number("update", update, lambda: -round(float(d.rng.uniform(1, 2.4)), 1) * 1e-4, low=-1.0, high=1.0)
    steps = d.number("steps", steps, 100, low=1, high=10000, integer=True)
    d.say(f"A weight starts at {w0:g} and every step adds the same small update Δ = -η·g = {delta:.3g}, for {steps} steps.")
    half, brain = np.float16(w0), to_bfloat16(w0)[0]
    master = np.float32(w0)
    d16, dbf, d32 = np.float16(delta), to_bfloat16(delta)[0], np.float32(delta)
    path16, pathbf, path32 = [float(half)], [float(brain)], [float(master)]
    for _ in range(steps):
        half = np.float16(half + d16)
        brain = to_bfloat16(np.float32(brain) + dbf)[0]
        master = np.float32(master + d32)
        path16.append(float(half))
        pathbf.append(float(brain))
        path32.append(float(master))
    spacing = {
        "float16": float(np.spacing(np.float16(w0))),
        "bfloat16": float(np.spacing(np.float32(w0)) * 2**16),
        "float32": float(np.spacing(np.float32(w0))),
    }
    d.show(f"gap to the next representable number after {w0:g}", spacing)
    d.series("weight by step", {"float16 only": path16, "bfloat16 only": pathbf, "float32 master": path32}, x=np.arange(steps + 1))
    exact = w0 + steps * delta
    copy16 = float(np.float16(master))
    stuck = [name for name, path in (("float16", path16), ("bfloat16", pathbf)) if path[-1] == path[0]]
    d.say(
        f"Exact: {exact:.6g}. The float32 master copy reaches {float(master):.6g}, float16 alone ends at {path16[-1]:.6g} "
        f"and bfloat16 alone at {pathbf[-1]:.6g}."
        + (
            f" In {' and '.join(stuck)} each update is smaller than half the gap next to the weight, so it is rounded away at every step."
            if stuck
            else " The 16-bit weights do move, but only in whole gaps, so their path is distorted."
        )
    )
    d.say(f"Mixed precision therefore updates float32 master weights and casts them to 16 bits ({copy16:.6g} in float16) only for the forward and backward passes.")
    return {"float16_only": path16[-1], "bfloat16_only": pathbf[-1], "float32_master": float(master), "float16_copy": copy16, "exact": exact, "spacing": spacing}
