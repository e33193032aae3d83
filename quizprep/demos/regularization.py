"""Demos for the regularization topic: dropout, weight penalties, early stopping, augmentation and ensembles."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo


@demo("polynomial-fit")
def polynomial_fit(d: Demo, x=None, y=None, x_val=None, y_val=None, max_degree=None):
    """Underfitting and overfitting: train and validation error by polynomial degree."""

    def sample(count: int) -> tuple[np.ndarray, np.ndarray]:
        xs = np.round(np.sort(d.rng.uniform(-1.0, 1.0, size=count)), 2)
        return xs, np.round(np.sin(np.pi * xs) + 0.25 * d.rng.normal(size=count), 2)

    kit.together(x, y)
    kit.together(x_val, y_val, "x_val", "y_val")
    default_train = sample(10) if x is None else None
    X = d.array("x", x, lambda: default_train[0], ndim=1)
    Y = d.array("y", y, lambda: default_train[1], ndim=1)
    kit.same_length(X, Y)
    default_val = sample(30) if x_val is None else None
    XV = d.array("x_val", x_val, lambda: default_val[0], ndim=1)
    YV = d.array("y_val", y_val, lambda: default_val[1], ndim=1)
    kit.same_length(XV, YV, "x_val", "y_val")
    top = d.number("max_degree", max_degree, min(9, len(X) - 1), low=0, high=15, integer=True)
    d.require(top <= len(X) - 1, f"max_degree can be at most {len(X) - 1} with {len(X)} training points")
    degrees = np.arange(top + 1)
    train_error, val_error, val_spread = [], [], []
    for degree in degrees:
        coefficients = np.linalg.lstsq(np.vander(X, degree + 1, increasing=True), Y, rcond=None)[0]
        train_error.append(kit.mse(np.vander(X, degree + 1, increasing=True) @ coefficients, Y))
        squared = (np.vander(XV, degree + 1, increasing=True) @ coefficients - YV) ** 2
        val_error.append(float(np.mean(squared)))
        val_spread.append(float(np.std(squared, ddof=1)) if len(XV) > 1 else 0.0)
    train_error, val_error = np.array(train_error), np.array(val_error)
    best = int(np.argmin(val_error))
    # the validation MSE is a mean over len(XV) points: its standard error says how far apart two degrees
    # must be before the validation set can tell them apart
    noise = val_spread[best] / np.sqrt(len(XV))
    close = [int(k) for k in degrees if val_error[k] <= val_error[best] + noise]
    d.show(
        "training points", {"x": X, "y": Y}, f"{len(X)} training points; {len(XV)} more are held out for validation."
    )
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
    others = [k for k in close if k != best]
    d.say(
        f"Validation error is lowest at degree {best} ({val_error[best]:.3g}, give or take {noise:.2g}: "
        f"one standard error over {len(XV)} validation points). "
        + (
            ("Degrees " if len(others) > 1 else "Degree ") + f"{', '.join(map(str, others))} "
            f"{'are' if len(others) > 1 else 'is'} within that of it, so this validation set cannot tell "
            f"them apart; the simplest, degree {close[0]}, is the safer pick. "
            if others
            else "No other degree comes within that of it. "
        )
        + f"Past the low-error degrees the curve bends to fit the noise and validation error reaches "
        f"{val_error[-1]:.3g} at degree {top}: overfitting."
    )
    return {
        "degrees": degrees,
        "train_error": train_error,
        "val_error": val_error,
        "best_degree": best,
        "val_standard_error": noise,
        "within_noise": close,
    }


@demo("dropout")
def dropout(d: Demo, h=None, p=None, samples=None):
    """Inverted dropout masks units and keeps the expected activation unchanged."""
    extra = d.side_rng()
    acts = d.array("h", h, lambda: np.round(np.maximum(d.rng.normal(1.0, 1.0, size=8), 0.0), 2), ndim=1)
    d.require(len(acts) <= 50, "h can have at most 50 units")
    p = d.number("p", p, 0.5, low=0.0, high=1.0)
    d.require(p < 1, "p is the drop probability and must be below 1 (p = 1 drops every unit)")
    samples = d.number("samples", samples, 10000, low=1, high=20000, integer=True)
    keep = 1.0 - p
    masks = extra.random((samples, len(acts))) < keep
    outputs = masks * acts / keep
    mask, output = masks[0].astype(float), outputs[0]
    d.show("activations h", acts)
    d.show(
        "one dropout mask m (1 = kept)",
        mask,
        (
            f"Each unit is kept with probability 1 - p = {keep:g}, "
            f"independently; this mask kept {int(mask.sum())} of {len(acts)}."
        ),
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
    d.show(
        "average without the 1/(1 - p) scaling",
        unscaled,
        f"Without it the expected activation would shrink to {keep:g}·h.",
    )
    d.say("At inference dropout is switched off and h passes through unchanged.")
    return {"mask": mask, "output": output, "average": average, "average_unscaled": unscaled}


def _regression_data(d: Demo, weights: list[float], n: int) -> tuple[np.ndarray, np.ndarray]:
    X = np.round(d.rng.normal(size=(n, len(weights))), 2)
    y = np.round(X @ np.array(weights) + 0.5 * d.rng.normal(size=n), 2)
    return X, y


def _xy(d: Demo, x, y, weights: list[float], n: int) -> tuple[np.ndarray, np.ndarray]:
    kit.together(x, y)
    default = _regression_data(d, weights, n) if x is None else None
    X = d.array("x", x, lambda: default[0], ndim=2)
    Y = d.array("y", y, lambda: default[1], ndim=1)
    d.require(X.shape[0] == len(Y), f"x has {X.shape[0]} rows but y has {len(Y)} targets; they must match")
    return X, Y


@demo("weight-decay")
def weight_decay(d: Demo, x=None, y=None, lambdas=None):
    """L2 regularisation shrinking the weights of a least-squares fit."""
    X, Y = _xy(d, x, y, [3.0, -2.0, 1.0, 0.5], 20)
    lams = d.array("lambdas", lambdas, [0.0, 0.1, 1.0, 10.0, 100.0], ndim=1)
    d.require(bool(np.all(lams >= 0)), "lambdas must be non-negative penalty strengths")
    weights = np.array([kit.ridge(X, Y, lam) for lam in lams])
    norms = np.linalg.norm(weights, axis=1)
    train = np.array([kit.mse(X @ w, Y) for w in weights])
    d.say(
        "Fit least squares with an L2 penalty: J(w) = (1/2N)·||Xw - y||² + (λ/2)·||w||², "
        "minimised exactly by w = (XᵀX/N + λI)⁻¹ Xᵀy/N."
    )
    d.show("weights, one row per λ", weights, "Rows go from λ = " + ", ".join(f"{v:g}" for v in lams) + ".")
    d.series("||w|| by λ", {"weight norm": norms}, x=lams)
    d.show("training MSE by λ", train, "Stronger decay costs training fit: the penalty trades fit for smaller weights.")
    d.say(
        f"The norm falls from {norms[0]:.3g} to {norms[-1]:.3g}. "
        "In gradient descent the penalty adds λw to the gradient, "
        "so each step first multiplies w by (1 - ηλ): that shrinking is the 'decay'."
    )
    return {"lambdas": lams, "weights": weights, "norms": norms, "train_mse": train}


def _soft_threshold(w: np.ndarray, amount: float) -> np.ndarray:
    return np.sign(w) * np.maximum(np.abs(w) - amount, 0.0)


@demo("l1-sparsity")
def l1_sparsity(d: Demo, x=None, y=None, lam=None, steps=None):
    """L1 regularisation driving small weights exactly to zero."""
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
    l2 = kit.ridge(X, Y, lam)
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
    """Stop at the epoch where validation loss is lowest."""
    side = d.side_rng()
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
        train.append(kit.mse(A @ w, y))
        val.append(kit.mse(A_val @ w, y_val))
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
        f"Training loss keeps falling, to {train[-1]:.3g}. "
        f"Validation loss bottoms out at {val[best]:.3g} in epoch {best}, "
        f"then the bumps start fitting the noise; by epoch {epochs} it is {val[-1]:.3g}."
    )
    if stop < epochs:
        text = (
            f"With patience {patience}, training stops at epoch {stop}, "
            f"{patience} epochs without a new best, and the epoch-{best} weights are restored."
        )
    else:
        text = (
            f"Patience {patience} never ran out within {epochs} epochs; "
            f"the best weights (epoch {best}) are kept anyway."
        )
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
    """k-fold split indices, each fold's validation score and their mean."""

    def sample() -> tuple[np.ndarray, np.ndarray]:
        xs = np.round(d.rng.uniform(0.0, 10.0, size=12), 1)
        return xs, np.round(2.0 * xs + 1.0 + 2.0 * d.rng.normal(size=12), 1)

    kit.together(x, y)
    default = sample() if x is None else None
    X = d.array("x", x, lambda: default[0], ndim=1)
    Y = d.array("y", y, lambda: default[1], ndim=1)
    kit.same_length(X, Y)
    k = d.number("k", k, 4, low=2, high=len(X), integer=True)
    n = len(X)
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    d.require(
        n - max(sizes) >= 2,
        f"with {n} points and k = {k} a training split has fewer than 2 points; use more points or a smaller k",
    )
    bounds = np.cumsum([0] + sizes)
    folds = [np.arange(bounds[i], bounds[i + 1]) for i in range(k)]
    scores = []
    for fold in folds:
        train = np.setdiff1d(np.arange(n), fold)
        slope, intercept = np.polyfit(X[train], Y[train], 1)
        scores.append(kit.mse(slope * X[fold] + intercept, Y[fold]))
    scores = np.array(scores)
    d.say(
        f"Split the {n} points (already in random order) "
        f"into k = {k} consecutive folds. Each round fits a straight line "
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


SEVEN = [
    [1, 1, 1, 1, 1],
    [0, 0, 0, 1, 0],
    [0, 0, 1, 0, 0],
    [0, 1, 0, 0, 0],
    [0, 1, 0, 0, 0],
]


@demo("data-augmentation")
def data_augmentation(d: Demo, image=None, shift=None, noise=None):
    """Flips, shifts and noise turn one small image into several training examples."""
    side = d.side_rng()
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
    d.show(
        "vertical flip",
        flipped_vertically,
        "Upside down: right for satellite photos, wrong for street scenes or digits.",
    )
    direction = "right" if shift >= 0 else "left"
    d.show(
        f"shifted {abs(shift)} pixel(s) {direction}",
        shifted,
        f"Pixels move over and the empty edge is filled with 0. {same}",
    )
    d.show(f"Gaussian noise, std {noise:g}", noisy, f"Every pixel jitters a little. {same}")
    d.say("Each copy is a new training example for free, as long as the transform keeps the label true.")
    return {"flipped": flipped, "flipped_vertically": flipped_vertically, "shifted": shifted, "noisy": noisy}


@demo("mixup")
def mixup(d: Demo, x1=None, x2=None, y1=None, y2=None, classes=None, alpha=None, lam=None):
    """Blend two inputs and their one-hot labels with a weight drawn from Beta(a, a)."""
    side = d.side_rng()
    a = d.array("x1", x1, lambda: np.round(d.rng.uniform(0.0, 1.0, size=4), 2), ndim=1)
    b = d.array("x2", x2, lambda: np.round(d.rng.uniform(0.0, 1.0, size=len(a)), 2), ndim=1)
    kit.same_length(a, b, "x1", "x2")
    classes = d.number("classes", classes, 3, low=2, high=100, integer=True)
    label_a = d.number("y1", y1, 0, low=0, high=classes - 1, integer=True)
    label_b = d.number("y2", y2, 2 if classes > 2 else 1, low=0, high=classes - 1, integer=True)
    alpha = d.number("alpha", alpha, 0.2, low=0.0, high=100.0)
    d.require(alpha > 0, "alpha must be positive: both parameters of Beta(alpha, alpha)")
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
    d.show(
        "mixed label λ·onehot(y1) + (1 - λ)·onehot(y2)",
        mixed_y,
        f"A soft target: {lam:.3g} on class {label_a}, {1 - lam:.3g} on class {label_b}.",
    )
    d.say("Training on such blends pushes the model to change its prediction linearly between examples.")
    return {"lam": lam, "x": mixed_x, "y": mixed_y}


@demo("bootstrap-bagging")
def bootstrap_bagging(d: Demo, n=None, resamples=None, rho=None):
    """Bootstrap resamples, their out-of-bag share, and the variance an average removes."""
    side = d.side_rng()
    n = d.number("n", n, 20, low=1, high=1000, integer=True)
    resamples = d.number("resamples", resamples, 10, low=1, high=100, integer=True)
    rho = d.number("rho", rho, 0.3, low=0.0, high=1.0)
    draws = side.integers(0, n, size=(resamples, n))
    ordered = np.sort(draws, axis=1)
    unique = (1 + np.count_nonzero(np.diff(ordered, axis=1), axis=1)) / n
    expected = 1.0 - (1.0 - 1.0 / n) ** n
    d.say(f"A bootstrap resample draws {n} indices from 0..{n - 1} with replacement, the same size as the data.")
    distinct = int(round(unique[0] * n))
    d.show(
        "resample 1, sorted",
        ordered[0],
        f"It holds {distinct} distinct examples; the other {n - distinct} are out of bag.",
    )
    d.bars("share of distinct examples in each resample", [f"resample {i + 1}" for i in range(resamples)], unique)
    d.show(
        "distinct share",
        {"mean over resamples": unique.mean(), "1 - (1 - 1/n)^n": expected, "limit 1 - 1/e": 1 - math.exp(-1)},
        (
            f"About {expected:.1%} of examples are in a resample and "
            f"{1 - expected:.1%} are out of bag, a free validation set."
        ),
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
    """Boosting reweights misclassified points round after round."""
    X = d.array("x", x, lambda: np.sort(d.rng.choice(np.arange(1, 21), size=8, replace=False)) / 2, ndim=1)
    Y = d.array("y", y, [1, 1, -1, -1, 1, 1, -1, -1], ndim=1, integer=True)
    kit.same_length(X, Y)
    d.require(bool(np.all(np.isin(Y, [-1, 1]))), "y must hold labels -1 and +1 only")
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
        [f"x={v:g} ({'+' if t > 0 else '-'})" for v, t in zip(X, Y, strict=False)],
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
