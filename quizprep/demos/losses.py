"""Demos: losses (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo

# Probabilities are clipped to [EPS, 1 - EPS] before taking logs (the value Keras uses).
EPS = 1e-7


def _shape_of(value, fallback: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a user's list, to draw a matching default for the other argument."""
    if value is None:
        return fallback
    try:
        return np.shape(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        return fallback


def _regression_pair(d: Demo, y_pred, y_true) -> tuple[np.ndarray, np.ndarray]:
    truth = d.array("y_true", y_true, lambda: np.round(d.rng.normal(3, 2, size=_shape_of(y_pred, (5,))), 1))
    pred = d.array("y_pred", y_pred, lambda: np.round(truth + d.rng.normal(0, 1, size=truth.shape), 1))
    if pred.shape != truth.shape:
        raise DemoInputError(f"y_pred and y_true must have the same shape: y_pred has shape {pred.shape} but y_true has shape {truth.shape}")
    return pred, truth


@demo("mse")
def mse(d: Demo, y_pred=None, y_true=None):
    pred, truth = _regression_pair(d, y_pred, y_true)
    d.show("predictions ŷ", pred)
    d.show("targets y", truth)
    errors = pred - truth
    d.show("errors ŷ - y", errors)
    d.show("squared errors", errors**2)
    n = errors.size
    loss = float(np.mean(errors**2))
    d.say(f"MSE = (1/n) Σ (ŷᵢ - yᵢ)² = {np.sum(errors**2):.4g} / {n} = {loss:.4g}; its square root, RMSE = {np.sqrt(loss):.4g}, is in the target's units.")
    d.show("gradient ∂MSE/∂ŷ = (2/n)(ŷ - y)", 2 * errors / n, "Proportional to each error, so the biggest misses pull hardest.")
    return loss


@demo("mae")
def mae(d: Demo, y_pred=None, y_true=None):
    pred, truth = _regression_pair(d, y_pred, y_true)
    d.show("predictions ŷ", pred)
    d.show("targets y", truth)
    errors = pred - truth
    d.show("absolute errors |ŷ - y|", np.abs(errors))
    loss = float(np.mean(np.abs(errors)))
    rmse = float(np.sqrt(np.mean(errors**2)))
    d.say(f"MAE = (1/n) Σ |ŷᵢ - yᵢ| = {np.sum(np.abs(errors)):.4g} / {errors.size} = {loss:.4g}, in the target's units.")
    d.say(f"RMSE on the same errors is {rmse:.4g} ≥ MAE; the bigger the gap, the more a few large errors dominate.")
    d.show("gradient ∂MAE/∂ŷ = sign(ŷ - y)/n", np.sign(errors) / errors.size, "Every error pulls with the same strength, however large.")
    return loss


@demo("cross-entropy")
def cross_entropy(d: Demo, logits=None, targets=None):
    z = d.array("logits", logits, lambda: np.round(d.rng.normal(0, 2, size=(4, 3)), 1))
    if z.ndim == 1:
        z = z.reshape(1, -1)
    if z.ndim != 2:
        raise DemoInputError(f"logits must be an N x C matrix, one row of class scores per example; got shape {z.shape}")
    n, c = z.shape
    t = d.array("targets", targets, lambda: d.rng.integers(0, c, size=n), integer=True)
    t = t.reshape(-1)
    if t.size != n:
        raise DemoInputError(f"targets must hold one class index per row of logits: {n} rows but {t.size} targets")
    if t.min() < 0 or t.max() >= c:
        raise DemoInputError(f"targets must be class indices in [0, {c}) for {c} columns of logits; got {t.tolist()}")
    d.show("logits z (one row per example)", z)
    d.show("targets (true class of each row)", t)
    top = z.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.sum(np.exp(z - top), axis=1))
    d.say("-log softmax(z)_y = logsumexp(z) - z_y, with logsumexp(z) = m + log Σ exp(zₖ - m) and m = max(z), so exp never overflows.")
    d.show("logsumexp per row", lse)
    rows = np.arange(n)
    per_example = lse - z[rows, t]
    d.show("loss per example", per_example, "Each is -ln of the probability given to the true class.")
    loss = float(np.mean(per_example))
    d.say(f"The batch loss is their mean: {loss:.4g}.")
    probs = np.exp(z - lse[:, None])
    grad = probs.copy()
    grad[rows, t] -= 1
    d.show("∂loss/∂z = (softmax(z) - one-hot(y)) / N", grad / n, "Each row sums to 0: the true class's logit is pushed up, the others down.")
    return loss


@demo("binary-cross-entropy")
def binary_cross_entropy(d: Demo, probs=None, targets=None):
    y = d.array("targets", targets, lambda: d.rng.integers(0, 2, size=_shape_of(probs, (6,))), ndim=1)
    p = d.array("probs", probs, lambda: np.round(d.rng.uniform(0.02, 0.98, size=y.shape), 2), ndim=1)
    if not np.all((y == 0) | (y == 1)):
        raise DemoInputError(f"targets must be 0 or 1 (labels of -1 and +1 belong to hinge-loss); got {y.tolist()}")
    if p.shape != y.shape:
        raise DemoInputError(f"probs and targets must have the same length: {p.size} probs but {y.size} targets")
    if p.min() < 0 or p.max() > 1:
        raise DemoInputError(f"probs must be probabilities between 0 and 1 (sigmoid outputs, not raw logits); got {p.tolist()}")
    d.show("probabilities p", p)
    d.show("targets y", y)
    q = np.clip(p, EPS, 1 - EPS)
    per_example = -(y * np.log(q) + (1 - y) * np.log(1 - q))
    d.say(f"Only one term is active per example: -ln p when y = 1, -ln(1 - p) when y = 0 (p clipped to [{EPS:g}, 1 - {EPS:g}] so ln 0 never happens).")
    d.bars("loss per example", [f"p={pi:g}, y={int(yi)}" for pi, yi in zip(p, y)], per_example)
    loss = float(np.mean(per_example))
    d.say(f"The mean is {loss:.4g}. A confident right answer (p = 0.9, y = 1) costs {-np.log(0.9):.3g}; a confident wrong one (p = 0.1, y = 1) costs {-np.log(0.1):.3g}.")
    d.show(
        "∂loss/∂logit per example: BCE vs MSE",
        {"BCE  p - y": p - y, "MSE  (p - y)·p(1 - p)": (p - y) * p * (1 - p)},
        "With a sigmoid output, BCE's gradient is the plain error; MSE's carries σ' = p(1 - p), which vanishes when p is near 0 or 1.",
    )
    return loss


@demo("huber-loss")
def huber_loss(d: Demo, y_pred=None, y_true=None, delta=None):
    pred, truth = _regression_pair(d, y_pred, y_true)
    k = d.number("delta", delta, 1.0, low=1e-9, high=1e9)
    r = pred - truth
    d.show("residuals r = ŷ - y", r)
    small = np.abs(r) <= k
    per_example = np.where(small, 0.5 * r**2, k * (np.abs(r) - 0.5 * k))
    d.say(f"Inside |r| ≤ δ = {k:g} the loss is ½r²; outside it is δ(|r| - ½δ), which joins with the same value and slope.")
    d.show(
        "per example",
        {"Huber": per_example, "½ r²": 0.5 * r**2, "|r|": np.abs(r)},
        f"{int(np.sum(~small))} of {r.size} residual(s) fall in the linear part.",
    )
    grad = np.clip(r, -k, k)
    d.show("∂Huber/∂ŷ per example", grad, f"Equal to r for small residuals, capped at ±{k:g} for large ones: an outlier cannot pull harder than δ.")
    loss = float(np.mean(per_example))
    d.say(f"The mean Huber loss is {loss:.4g} (half-MSE would be {np.mean(0.5 * r**2):.4g}, MAE {np.mean(np.abs(r)):.4g}).")
    return {"loss": loss, "per_example": per_example, "derivative": grad}


@demo("hinge-loss")
def hinge_loss(d: Demo, scores=None, labels=None):
    y = d.array("labels", labels, lambda: d.rng.choice([-1.0, 1.0], size=_shape_of(scores, (6,))), ndim=1)
    s = d.array("scores", scores, lambda: np.round(d.rng.normal(0, 1.5, size=y.shape), 1), ndim=1)
    if not np.all(np.abs(y) == 1):
        raise DemoInputError(f"labels must be -1 or +1 (not 0/1: hinge loss needs signed labels); got {y.tolist()}")
    if s.shape != y.shape:
        raise DemoInputError(f"scores and labels must have the same length: {s.size} scores but {y.size} labels")
    d.show("scores f(x)", s)
    d.show("labels y", y)
    margin = y * s
    d.show("margins y·f(x)", margin)
    per_example = np.maximum(0.0, 1.0 - margin)
    d.bars("max(0, 1 - y·f(x)) per example", [f"y={int(yi):+d}, f={si:g}" for yi, si in zip(y, s)], per_example)
    inside = int(np.sum(margin < 1))
    loss = float(np.mean(per_example))
    d.say(
        f"Examples with margin ≥ 1 cost nothing; the other {inside} pay linearly. Mean hinge loss: {loss:.4g}. "
        "The subgradient with respect to a score is -y inside the margin and 0 beyond it."
    )
    return {"loss": loss, "per_example": per_example}


def _distribution(d: Demo, name: str, value, size: int) -> np.ndarray:
    def draw():
        counts = d.rng.integers(1, 10, size=size).astype(float)
        return counts / counts.sum()

    p = d.array(name, value, draw, ndim=1)
    if p.min() < 0 or abs(p.sum() - 1) > 1e-6:
        raise DemoInputError(f"{name} must be a probability distribution: non-negative numbers that sum to 1; got {p.tolist()} (sum {p.sum():.6g})")
    return p


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    """Σ p log(p/q) in nats, with 0·log 0 = 0, and infinite when q is 0 where p is not."""
    support = p > 0
    if np.any(q[support] == 0):
        return float("inf")
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


@demo("kl-divergence")
def kl_divergence(d: Demo, p=None, q=None):
    given = _shape_of(q, (4,))
    P = _distribution(d, "p", p, given[0] if len(given) == 1 else 4)
    Q = _distribution(d, "q", q, P.size)
    if P.shape != Q.shape:
        raise DemoInputError(f"p and q must have the same number of outcomes: p has {P.size}, q has {Q.size}")
    labels = [f"outcome {k}" for k in range(P.size)]
    d.bars("p (target)", labels, P)
    d.bars("q (model)", labels, Q)
    pq, qp = _kl(P, Q), _kl(Q, P)
    entropy = float(np.sum(-P[P > 0] * np.log(P[P > 0]))) + 0.0  # + 0.0 turns -0.0 into 0.0
    cross = entropy + pq
    d.say("KL(p‖q) = Σ pₖ ln(pₖ/qₖ), in nats; terms with pₖ = 0 count 0, and a qₖ = 0 where pₖ > 0 makes it infinite.")
    infinite = "infinite: the second distribution gives probability 0 to an outcome the first one can produce"
    d.show("KL(p‖q)", pq, infinite if np.isinf(pq) else None)
    d.show("KL(q‖p)", qp, infinite if np.isinf(qp) else "Swapping the arguments changes the value: KL is not symmetric, so it is not a distance.")
    d.say(f"Cross-entropy H(p, q) = H(p) + KL(p‖q) = {entropy:.4g} + {pq:.4g} = {cross:.4g}; H(p) does not depend on the model, so minimising one minimises the other.")
    return {"kl_pq": pq, "kl_qp": qp, "entropy_p": entropy, "cross_entropy": cross}


@demo("loss-outlier")
def loss_outlier(d: Demo, y_true=None):
    def draw():
        values = np.round(d.rng.normal(10, 1, size=7), 1)
        values[-1] = np.round(values[-1] + d.rng.uniform(20, 40), 1)
        return values

    y = d.array("y_true", y_true, draw, ndim=1)
    if y.size < 3:
        raise DemoInputError(f"y_true needs at least 3 values to have an outlier among them; got {y.size}")
    d.show("targets y", y)
    mean, median = float(np.mean(y)), float(np.median(y))
    far = int(np.argmax(np.abs(y - median)))
    rest = np.delete(y, far)
    mean_rest, median_rest = float(np.mean(rest)), float(np.median(rest))
    d.say(f"Target {far + 1} ({y[far]:g}) is the outlier, the value furthest from the median.")
    d.show(
        "best constant prediction",
        {"MSE → mean": [mean, mean_rest], "MAE → median": [median, median_rest]},
        "[with the outlier, without it]: the outlier drags the mean, the median barely moves.",
    )
    errors = np.abs(median - y)
    mse_share = float(errors[far] ** 2 / np.sum(errors**2)) if errors.any() else 0.0
    mae_share = float(errors[far] / np.sum(errors)) if errors.any() else 0.0
    d.bars("share of the loss from the outlier (predicting the median)", ["MSE", "MAE"], [mse_share, mae_share])
    d.say(f"Squaring lets one point supply {mse_share:.0%} of the MSE but only {mae_share:.0%} of the MAE, so MSE bends the fit towards it.")
    return {"mean": mean, "median": median, "mean_without": mean_rest, "median_without": median_rest, "mse_share": mse_share, "mae_share": mae_share}
