"""Demos of checking an optimization: gradients against finite differences, and why validation loss can sit
below training loss."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


def logistic_loss(w, xs, ys, lam) -> float:
    margins = ys * (xs @ w)
    return float(np.mean(np.logaddexp(0.0, -margins)) + 0.5 * lam * np.dot(w, w))


def logistic_grad(w, xs, ys, lam, with_penalty=True) -> np.ndarray:
    margins = ys * (xs @ w)
    weights = -ys / (1 + np.exp(margins))  # d/dm log(1 + e^{-m}) = -σ(-m)
    grad = xs.T @ weights / len(ys)
    return grad + lam * w if with_penalty else grad


@demo("gradient-check")
def gradient_check(d: Demo, x=None, y=None, w=None, lam=None, eps=None):
    """Backprop against central differences: relative errors, a planted bug, and the best epsilon."""
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

    d.say(
        f"Loss: L2-regularised logistic regression, mean log(1 + e^(-y·w·x)) + ({lam:g}/2)·|w|², on {len(ys)} examples."
    )
    analytic = logistic_grad(w, xs, ys, lam)
    numeric = kit.finite_difference(loss, w, eps)
    errors = kit.relative_error(analytic, numeric)
    d.show(
        f"gradient at w = {w.tolist()}",
        {"backprop (analytic)": analytic, f"central difference, ε = {eps:g}": numeric, "relative error": errors},
        text="relative error = |g_bp - g_num| / max(|g_bp|, |g_num|)",
    )
    d.say(f"The largest relative error is {errors.max():.2g}: below 1e-7 the analytic gradient is right.")
    buggy = logistic_grad(w, xs, ys, lam, with_penalty=False)
    bug_errors = kit.relative_error(buggy, numeric)
    d.show(
        "a buggy backward pass that forgets the penalty's gradient λw", {"buggy": buggy, "relative error": bug_errors}
    )
    d.say(f"Its largest relative error is {bug_errors.max():.2g}, far above 1e-2: that is what a real bug looks like.")
    exponents = np.arange(-1, -13, -1)
    central = [float(kit.relative_error(analytic, kit.finite_difference(loss, w, 10.0**k)).max()) for k in exponents]
    forward = [
        float(kit.relative_error(analytic, kit.finite_difference(loss, w, 10.0**k, central=False)).max())
        for k in exponents
    ]
    d.series(
        "log10 largest relative error against log10 ε",
        {"central": kit.log10(central), "forward": kit.log10(forward)},
        x=exponents,
    )
    d.say(
        "Large ε suffers truncation error (O(ε) forward, O(ε²) "
        "central); tiny ε suffers rounding, since the two losses "
        "agree in almost every digit. "
        f"The best ε here is 1e{exponents[int(np.argmin(central))]} for central differences "
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


def dropout_penalty(w, xs, p) -> float:
    """Extra expected squared error from inverted dropout on the inputs: (p/(1-p))·mean Σ_j w_j² x_j²."""
    return p / (1 - p) * float(np.mean((xs**2) @ (w**2)))


@demo("val-below-train")
def val_below_train(d: Demo, x=None, y=None, p=None, lr=None, epochs=None, batch_size=None):
    """Dropout and epoch averaging make the logged training loss sit above the validation loss."""
    masks = d.side_rng()
    xs = d.array("x", x, lambda: np.round(d.rng.normal(0, 1, (160, 3)), 3), ndim=2)
    ys = d.array(
        "y", y, lambda: np.round(xs @ np.array([1.5, -2.0, 0.5]) + 0.5 + d.rng.normal(0, 0.5, len(xs)), 3), ndim=1
    )
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
        f"A linear model with inverted dropout (p = {p:g}) "
        f"on its {xs.shape[1]} inputs, trained by SGD on the first {half} "
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
    above = sum(a > v for a, v in zip(logged, val, strict=False))
    d.say(
        f"The logged training loss sits above the validation loss in {above} of {epochs} epochs, "
        "although the model never saw the validation rows."
    )
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
        "Two effects lift the logged number. Dropout adds noise only while training, "
        f"worth {penalty:.3g} of squared error "
        "at the end; and each logged value averages batches from the whole epoch, "
        "when the weights were still improving "
        f"(epoch 1 logs {logged[0]:.3g}, yet at its end the expected dropout-on loss is {expected[0]:.3g})."
    )
    d.say(
        "Compare training and validation loss in the same mode and at the "
        "same weights before suspecting leakage or an easier validation split."
    )
    return {
        "logged_train": logged,
        "train_eval": train_eval,
        "val": val,
        "weights": w,
        "bias": b,
        "dropout_penalty": penalty,
        "expected_train_dropout": expected,
    }
