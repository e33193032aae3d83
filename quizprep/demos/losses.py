"""Demos for the losses topic: regression and classification losses, their gradients and their numerics."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo

# Probabilities are clipped to [EPS, 1 - EPS] before taking logs (the value Keras uses).
EPS = 1e-7


@demo("mse")
def mse(d: Demo, y_pred=None, y_true=None):
    """Mean squared error between predictions and targets."""
    pred, truth = kit.regression_pair(d, y_pred, y_true)
    d.show("predictions ŷ", pred)
    d.show("targets y", truth)
    errors = pred - truth
    d.show("errors ŷ - y", errors)
    d.show("squared errors", errors**2)
    n = errors.size
    loss = float(np.mean(errors**2))
    d.say(
        f"MSE = (1/n) Σ (ŷᵢ - yᵢ)² = {np.sum(errors**2):.4g} / {n} = {loss:.4g}; "
        f"its square root, RMSE = {np.sqrt(loss):.4g}, is in the target's units."
    )
    d.show(
        "gradient ∂MSE/∂ŷ = (2/n)(ŷ - y)",
        2 * errors / n,
        "Proportional to each error, so the biggest misses pull hardest.",
    )
    return loss


@demo("cross-entropy")
def cross_entropy(d: Demo, logits=None, targets=None):
    """Mean softmax cross-entropy over a batch of logits and class indices."""
    z = d.array("logits", logits, lambda: np.round(d.rng.normal(0, 2, size=(4, 3)), 1))
    if z.ndim == 1:
        z = z.reshape(1, -1)
    if z.ndim != 2:
        raise DemoInputError(
            f"logits must be an N x C matrix, one row of class scores per example; got shape {z.shape}"
        )
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
    d.say(
        "-log softmax(z)_y = logsumexp(z) - z_y, with logsumexp(z) "
        "= m + log Σ exp(zₖ - m) and m = max(z), so exp never overflows."
    )
    d.show("logsumexp per row", lse)
    rows = np.arange(n)
    per_example = lse - z[rows, t]
    d.show("loss per example", per_example, "Each is -ln of the probability given to the true class.")
    loss = float(np.mean(per_example))
    d.say(f"The batch loss is their mean: {loss:.4g}.")
    probs = np.exp(z - lse[:, None])
    grad = probs.copy()
    grad[rows, t] -= 1
    d.show(
        "∂loss/∂z = (softmax(z) - one-hot(y)) / N",
        grad / n,
        "Each row sums to 0: the true class's logit is pushed up, the others down.",
    )
    return loss


@demo("binary-cross-entropy")
def binary_cross_entropy(d: Demo, probs=None, targets=None):
    """Mean binary cross-entropy between probabilities and 0/1 targets."""
    y = d.array("targets", targets, lambda: d.rng.integers(0, 2, size=kit.shape_of(probs, (6,))), ndim=1)
    p = d.array("probs", probs, lambda: np.round(d.rng.uniform(0.02, 0.98, size=y.shape), 2), ndim=1)
    if not np.all((y == 0) | (y == 1)):
        raise DemoInputError(f"targets must be 0 or 1 (labels of -1 and +1 belong to hinge-loss); got {y.tolist()}")
    if p.shape != y.shape:
        raise DemoInputError(f"probs and targets must have the same length: {p.size} probs but {y.size} targets")
    if p.min() < 0 or p.max() > 1:
        raise DemoInputError(
            f"probs must be probabilities between 0 and 1 (sigmoid outputs, not raw logits); got {p.tolist()}"
        )
    d.show("probabilities p", p)
    d.show("targets y", y)
    q = np.clip(p, EPS, 1 - EPS)
    per_example = -(y * np.log(q) + (1 - y) * np.log(1 - q))
    d.say(
        "Only one term is active per example: -ln p when y = 1, -ln(1 - p) "
        f"when y = 0 (p clipped to [{EPS:g}, 1 - {EPS:g}] so ln 0 never happens)."
    )
    d.bars("loss per example", [f"p={pi:g}, y={int(yi)}" for pi, yi in zip(p, y, strict=False)], per_example)
    loss = float(np.mean(per_example))
    d.say(
        f"The mean is {loss:.4g}. A confident right answer (p = 0.9, y = 1) "
        f"costs {-np.log(0.9):.3g}; a confident wrong one (p = 0.1, y = 1) costs {-np.log(0.1):.3g}."
    )
    d.show(
        "∂loss/∂logit per example: BCE vs MSE",
        {"BCE  p - y": p - y, "MSE  (p - y)·p(1 - p)": (p - y) * p * (1 - p)},
        (
            "With a sigmoid output, BCE's gradient is the plain error; "
            "MSE's carries σ' = p(1 - p), which vanishes when p is near 0 or 1."
        ),
    )
    return loss


@demo("huber-loss")
def huber_loss(d: Demo, y_pred=None, y_true=None, delta=None):
    """Huber loss: quadratic near zero, linear for large errors."""
    pred, truth = kit.regression_pair(d, y_pred, y_true)
    k = d.number("delta", delta, 1.0, low=1e-9, high=1e9)
    r = pred - truth
    d.show("residuals r = ŷ - y", r)
    small = np.abs(r) <= k
    per_example = np.where(small, 0.5 * r**2, k * (np.abs(r) - 0.5 * k))
    d.say(
        f"Inside |r| ≤ δ = {k:g} the loss is ½r²; outside it is δ(|r| - ½δ), which joins with the same value and slope."
    )
    d.show(
        "per example",
        {"Huber": per_example, "½ r²": 0.5 * r**2, "|r|": np.abs(r)},
        f"{int(np.sum(~small))} of {r.size} residual(s) fall in the linear part.",
    )
    grad = np.clip(r, -k, k)
    d.show(
        "∂Huber/∂ŷ per example",
        grad,
        f"Equal to r for small residuals, capped at ±{k:g} for large ones: an outlier cannot pull harder than δ.",
    )
    loss = float(np.mean(per_example))
    d.say(
        f"The mean Huber loss is {loss:.4g} (half-MSE would be {np.mean(0.5 * r**2):.4g}, "
        f"MAE {np.mean(np.abs(r)):.4g})."
    )
    return {"loss": loss, "per_example": per_example, "derivative": grad}


@demo("hinge-loss")
def hinge_loss(d: Demo, scores=None, labels=None):
    """Hinge loss of margin classifiers for labels in {-1, +1}."""
    y = d.array("labels", labels, lambda: d.rng.choice([-1.0, 1.0], size=kit.shape_of(scores, (6,))), ndim=1)
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
    d.bars(
        "max(0, 1 - y·f(x)) per example",
        [f"y={int(yi):+d}, f={si:g}" for yi, si in zip(y, s, strict=False)],
        per_example,
    )
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
        raise DemoInputError(
            f"{name} must be a probability distribution: "
            f"non-negative numbers that sum to 1; got {p.tolist()} (sum {p.sum():.6g})"
        )
    return p


@demo("kl-divergence")
def kl_divergence(d: Demo, p=None, q=None):
    """KL divergence between two discrete distributions, and its asymmetry."""
    given = kit.shape_of(q, (4,))
    P = _distribution(d, "p", p, given[0] if len(given) == 1 else 4)
    Q = _distribution(d, "q", q, P.size)
    if P.shape != Q.shape:
        raise DemoInputError(f"p and q must have the same number of outcomes: p has {P.size}, q has {Q.size}")
    labels = [f"outcome {k}" for k in range(P.size)]
    d.bars("p (target)", labels, P)
    d.bars("q (model)", labels, Q)
    pq, qp = kit.kl_divergence(P, Q), kit.kl_divergence(Q, P)
    entropy = float(np.sum(-P[P > 0] * np.log(P[P > 0]))) + 0.0  # + 0.0 turns -0.0 into 0.0
    cross = entropy + pq
    d.say("KL(p‖q) = Σ pₖ ln(pₖ/qₖ), in nats; terms with pₖ = 0 count 0, and a qₖ = 0 where pₖ > 0 makes it infinite.")
    infinite = "infinite: the second distribution gives probability 0 to an outcome the first one can produce"
    d.show("KL(p‖q)", pq, infinite if np.isinf(pq) else None)
    d.show(
        "KL(q‖p)",
        qp,
        infinite
        if np.isinf(qp)
        else "Swapping the arguments changes the value: KL is not symmetric, so it is not a distance.",
    )
    d.say(
        f"Cross-entropy H(p, q) = H(p) + KL(p‖q) = {entropy:.4g} + {pq:.4g} = {cross:.4g}; "
        "H(p) does not depend on the model, so minimising one minimises the other."
    )
    return {"kl_pq": pq, "kl_qp": qp, "entropy_p": entropy, "cross_entropy": cross}


@demo("loss-outlier")
def loss_outlier(d: Demo, y_true=None):
    """MSE against MAE when one target is an outlier."""

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
    d.say(
        f"Squaring lets one point supply {mse_share:.0%} of the MSE but "
        f"only {mae_share:.0%} of the MAE, so MSE bends the fit towards it."
    )
    return {
        "mean": mean,
        "median": median,
        "mean_without": mean_rest,
        "median_without": median_rest,
        "mse_share": mse_share,
        "mae_share": mae_share,
    }


def to_bfloat16(values) -> np.ndarray:
    """Round to bfloat16 (8 exponent bits, 8 significant bits), nearest-even, returned as float32.

    NumPy has no bfloat16, so this keeps the top 16 bits of each float32, rounding on the bits dropped."""
    bits = np.atleast_1d(np.asarray(values, dtype=np.float32)).view(np.uint32).astype(np.uint64)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    rounded = ((bits + rounding) & 0xFFFF0000).astype(np.uint32)
    return rounded.view(np.float32)


def read_label(d: Demo, label, classes: int) -> int:
    return d.number("label", label, lambda: int(d.rng.integers(classes)), low=0, high=classes - 1, integer=True)


@demo("softmax-ce-gradient")
def softmax_ce_gradient(d: Demo, logits=None, label=None, eps=None):
    """The softmax cross-entropy gradient p - y against finite differences."""
    z = d.array("logits", logits, lambda: np.round(d.rng.normal(0, 2, 4), 2), ndim=1)
    if len(z) < 2 or len(z) > 20:
        raise DemoInputError("logits must hold 2 to 20 numbers, like [2, -1, 0.5]")
    c = read_label(d, label, len(z))
    eps = d.number("eps", eps, 1e-6, low=1e-12, high=0.1)
    p = kit.softmax(z)
    onehot = np.eye(len(z))[c]

    def loss(v):
        return kit.log_sum_exp(v) - v[c]

    d.show("logits z", z)
    d.show("softmax p", p)
    shown = f"({z[c]:g})" if z[c] < 0 else f"{z[c]:g}"
    d.say(
        f"For true class {c} (counting from 0), the loss is -log p_{c} = logsumexp(z) "
        f"- z_{c} = {kit.log_sum_exp(z):.4f} - {shown} = {loss(z):.4f}."
    )
    d.say("The derivative of logsumexp(z) is softmax(z) and the derivative of -z_c is -y, so ∂L/∂z = p - y.")
    analytic = p - onehot
    numeric = kit.finite_difference(loss, z, eps)
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
    """Naive log-sum-exp overflowing and underflowing, and the max trick that fixes it."""
    z = d.array("logits", logits, lambda: 1000.0 + d.rng.integers(-5, 6, 4), ndim=1)
    if len(z) > 50:
        raise DemoInputError("logits must hold at most 50 numbers")
    d.show("logits z", z)
    naive = float(np.log(np.sum(np.exp(z))))
    d.say(
        f"Naively, log Σ e^z = {naive:.6g}: float64 overflows above e^709.8 (float32 above e^88.7), "
        "so with logits near 1000 the sum is infinite."
        if not math.isfinite(naive)
        else (
            f"Naively, log Σ e^z = {naive:.6g}; these logits are small enough, "
            "but float64 overflows above e^709.8 and float32 above e^88.7."
        )
    )
    m = float(np.max(z))
    d.show(
        "e^(z - max z)",
        np.exp(z - m),
        text=f"Subtract the largest logit, {m:g}: the largest term becomes e^0 = 1 and nothing overflows.",
    )
    stable = kit.log_sum_exp(z)
    d.say(
        "log Σ e^z = max z + log Σ e^(z - max z) "
        f"= {m:g} + {stable - m:.6f} = {stable:.6f}, always between max z and max z + log n."
    )
    shift = -(m + 1000.0)
    low = z + shift
    naive_low = float(np.log(np.sum(np.exp(low))))
    stable_low = kit.log_sum_exp(low)
    d.say(
        f"Shift every logit by {shift:g} (largest now -1000): "
        f"naively every e^z underflows to 0 and the log gives {naive_low:.6g}; "
        f"the max trick gives {stable_low:.6f}, exactly {-shift:g} less than before."
    )
    log_probs = z - stable
    d.show(
        "log-softmax z - logsumexp(z)",
        log_probs,
        text=f"Its exponentials sum to {np.exp(log_probs).sum():.6f}; no probability had to be formed first.",
    )
    return {
        "naive": naive,
        "stable": stable,
        "naive_shifted": naive_low,
        "stable_shifted": stable_low,
        "log_softmax": log_probs,
    }


def logit_descent(target, lr, steps):
    """Gradient descent on free logits z, starting at 0, for cross-entropy against `target`.

    The gradient is softmax(z) - q."""
    z = np.zeros(len(target))
    path = [z.copy()]
    for _ in range(steps):
        z = z - lr * (kit.softmax(z) - target)
        path.append(z.copy())
    return np.array(path)


def true_class_gap(path, c):
    others = np.delete(path, c, axis=1)
    return path[:, c] - others.mean(axis=1)


@demo("label-smoothing")
def label_smoothing(d: Demo, classes=None, epsilon=None, label=None, lr=None, steps=None):
    """Smoothed targets give the logits a finite optimum; hard targets push them up forever."""
    k = d.number("classes", classes, 5, low=2, high=1000, integer=True)
    eps = d.number("epsilon", epsilon, 0.1, low=0.0, high=0.99)
    c = read_label(d, label, k)
    lr = d.number("lr", lr, 1.0, low=0.0, high=10.0)
    steps = d.number("steps", steps, 200, low=1, high=5000, integer=True)
    hard = np.eye(k)[c]
    smooth = (1 - eps) * hard + eps / k
    d.show(
        "targets",
        {"hard": hard, f"smoothed, ε = {eps:g}": smooth},
        text=f"q = (1 - ε)·y + ε/K: {1 - eps + eps / k:.4g} for the true class, {eps / k:.4g} for each other.",
    )
    d.say(
        "Cross-entropy against q has gradient p - q, "
        "so it is smallest when p = q exactly; with hard targets p = y is never reached."
    )
    hard_path, smooth_path = logit_descent(hard, lr, steps), logit_descent(smooth, lr, steps)
    gap_hard, gap_smooth = true_class_gap(hard_path, c), true_class_gap(smooth_path, c)
    best = math.log((1 - eps + eps / k) / (eps / k)) if eps > 0 else math.inf
    d.series(
        "true logit minus the mean other logit, by step",
        {"hard": gap_hard, "smoothed": gap_smooth},
        x=np.arange(steps + 1),
    )
    p_hard, p_smooth = kit.softmax(hard_path[-1]), kit.softmax(smooth_path[-1])
    d.show(f"probabilities after {steps} steps", {"hard": p_hard, "smoothed": p_smooth})
    d.say(
        f"With hard targets the gap is still growing ({gap_hard[-1]:.3g} and rising, "
        "like log t) and the model grows ever more confident; "
        "with smoothing it settles at ln((1 - ε + ε/K)/(ε/K)) "
        f"= {best:.4g} and a top probability of {p_smooth[c]:.3g}. "
        "Bounded logits are the calibration effect: the model cannot push its confidence to 1."
    )
    return {
        "target": smooth,
        "gap_hard": gap_hard[-1],
        "gap_smooth": gap_smooth[-1],
        "optimal_gap": best,
        "probs_hard": p_hard,
        "probs_smooth": p_smooth,
    }


def default_detections(d: Demo) -> tuple[list[float], list[int]]:
    """Ten background anchors (eight easy, two hard) and two objects (one easy, one hard)."""
    easy_neg = d.rng.uniform(0.01, 0.1, 8)
    hard_neg = d.rng.uniform(0.5, 0.8, 2)
    pos = [d.rng.uniform(0.85, 0.95), d.rng.uniform(0.1, 0.3)]
    probs = np.round(np.concatenate([easy_neg, hard_neg, pos]), 3)
    return probs.tolist(), [0] * 10 + [1, 1]


@demo("focal-loss")
def focal_loss(d: Demo, probs=None, labels=None, gamma=None, alpha=None):
    """Focal loss down-weighting easy examples, against plain and alpha-balanced cross-entropy."""
    defaults = default_detections(d) if probs is None or labels is None else None
    p = d.array("probs", probs, lambda: defaults[0], ndim=1)
    y = d.array("labels", labels, lambda: defaults[1], ndim=1, integer=True)
    if len(p) != len(y) or len(p) > 50 or np.any((p <= 0) | (p >= 1)) or not np.all(np.isin(y, [0, 1])):
        raise DemoInputError(
            "probs must be up to 50 probabilities strictly between 0 and 1, and labels one 0 or 1 for each"
        )
    gamma = d.number("gamma", gamma, 2.0, low=0.0, high=10.0)
    alpha = d.number("alpha", alpha, 0.25, low=0.0, high=1.0)
    p_t = np.where(y == 1, p, 1 - p)
    alpha_t = np.where(y == 1, alpha, 1 - alpha)
    ce = -np.log(p_t)
    balanced = alpha_t * ce
    factor = (1 - p_t) ** gamma
    focal = factor * balanced
    d.say(
        f"p_t is the probability given to the true label; FL = -α_t (1 - p_t)^γ log p_t with γ = {gamma:g}, "
        f"α = {alpha:g} for objects and {1 - alpha:g} for background."
    )
    d.show("p_t of each example (labels " + "".join(str(v) for v in y) + ")", p_t)
    d.show("modulating factor (1 - p_t)^γ", factor, text="Near 1 for hard examples, near 0 for easy ones.")
    names = [f"{i + 1}:{'obj' if t else 'bg'}" for i, t in enumerate(y)]
    d.bars("share of the total loss, cross-entropy", names, ce / ce.sum())
    d.bars("share of the total loss, focal loss", names, focal / focal.sum())
    easy = p_t > 0.5
    shares = [float(v[easy].sum() / v.sum()) for v in (ce, balanced, focal)]
    d.say(
        f"The {int(easy.sum())} easy examples (p_t > 0.5) "
        f"carry {shares[0]:.0%} of the cross-entropy, {shares[1]:.0%} of the "
        f"α-balanced cross-entropy and only {shares[2]:.1%} of the focal loss; "
        f"at γ = {gamma:g} an example with p_t = 0.9 keeps "
        f"{0.1**gamma:.2g} of its loss. With γ = 0 the focal loss is the α-balanced cross-entropy."
    )
    return {
        "p_t": p_t,
        "ce": ce,
        "balanced_ce": balanced,
        "focal": focal,
        "easy_share": {"ce": shares[0], "balanced_ce": shares[1], "focal": shares[2]},
    }


def default_tiny_grads(d: Demo) -> list[float]:
    """Nine gradients spread log-uniformly over 1e-10 .. 1e-3 and one larger, 1e-2 .. 1e-1, with random signs."""
    magnitudes = np.concatenate([10.0 ** d.rng.uniform(-2, -1, 1), 10.0 ** d.rng.uniform(-10, -3, 9)])
    signs = d.rng.choice([-1.0, 1.0], 10)
    return [float(f"{v:.3g}") for v in np.sort(magnitudes)[::-1] * signs]


@demo("fp16-loss-scaling")
def fp16_loss_scaling(d: Demo, grads=None, scale=None):
    """Small gradients underflowing to zero in float16, rescued by (dynamic) loss scaling; bfloat16 beside them."""
    g = d.array("grads", grads, lambda: default_tiny_grads(d), ndim=1)
    if len(g) > 50 or np.any(g == 0) or np.any(np.abs(g) > 1e4):
        raise DemoInputError("grads must be up to 50 nonzero numbers no larger than 1e4 in size")
    scale = d.number("scale", scale, 65536, low=1, high=2.0**40)
    info = np.finfo(np.float16)
    d.show(
        "float16 range",
        {
            "largest": float(info.max),
            "smallest normal": float(info.tiny),
            "smallest subnormal": float(info.smallest_subnormal),
        },
        text="5 exponent bits, 10 fraction bits: anything below about 6e-8 rounds to zero.",
    )
    plain16 = g.astype(np.float16).astype(np.float64)
    scaled16 = (g * scale).astype(np.float16)
    unscaled = (scaled16.astype(np.float32) / np.float32(scale)).astype(np.float64)
    err_plain, err_scaled = kit.relative_error(g, plain16), kit.relative_error(g, unscaled)
    d.show(
        "gradients",
        {"true (float64)": g, "cast to float16": plain16, f"×{scale:g}, float16, ÷{scale:g} in float32": unscaled},
    )
    d.show("relative error", {"float16": err_plain, "with loss scaling": err_scaled})
    zeros_plain, zeros_scaled = int(np.sum(plain16 == 0)), int(np.sum(unscaled == 0))
    d.say(
        f"In float16, {zeros_plain} of {len(g)} gradients become exactly 0 and the update for those weights is lost. "
        f"Multiplying the loss by S = {scale:g} multiplies every gradient by S (chain rule), "
        "lifting them into float16's range; "
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
        f"step is skipped and S halved, until S = {tried[-1]:g} fits; "
        "after a long run of clean steps S is doubled again."
        if len(tried) > 1
        else (
            "Even S = 2^24 does not overflow these gradients; a dynamic scaler would keep doubling S after clean steps."
        )
    )
    bf16 = to_bfloat16(g).astype(np.float64)
    err_bf16 = kit.relative_error(g, bf16)
    d.show("bfloat16 (emulated) relative error, no scaling", err_bf16)
    d.say(
        "bfloat16 keeps float32's 8 exponent bits, "
        f"so nothing underflows (largest error {err_bf16.max():.2g}, about 3 significant "
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
    """Small updates rounded away in float16 and bfloat16 weights, kept by a float32 master copy."""
    w0 = d.number("w", w, 1.0, low=-1e4, high=1e4)
    delta = d.number("update", update, lambda: -round(float(d.rng.uniform(1, 2.4)), 1) * 1e-4, low=-1.0, high=1.0)
    steps = d.number("steps", steps, 100, low=1, high=10000, integer=True)
    d.say(
        f"A weight starts at {w0:g} and every step adds the same "
        f"small update Δ = -η·g = {delta:.3g}, for {steps} steps."
    )
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
    d.series(
        "weight by step",
        {"float16 only": path16, "bfloat16 only": pathbf, "float32 master": path32},
        x=np.arange(steps + 1),
    )
    exact = w0 + steps * delta
    copy16 = float(np.float16(master))
    stuck = [name for name, path in (("float16", path16), ("bfloat16", pathbf)) if path[-1] == path[0]]
    d.say(
        f"Exact: {exact:.6g}. The float32 master copy reaches {float(master):.6g}, "
        f"float16 alone ends at {path16[-1]:.6g} "
        f"and bfloat16 alone at {pathbf[-1]:.6g}."
        + (
            (
                f" In {' and '.join(stuck)} each update is smaller than half the gap next to the weight, "
                "so it is rounded away at every step."
            )
            if stuck
            else " The 16-bit weights do move, but only in whole gaps, so their path is distorted."
        )
    )
    d.say(
        "Mixed precision therefore updates float32 master weights and casts them to "
        f"16 bits ({copy16:.6g} in float16) only for the forward and backward passes."
    )
    return {
        "float16_only": path16[-1],
        "bfloat16_only": pathbf[-1],
        "float32_master": float(master),
        "float16_copy": copy16,
        "exact": exact,
        "spacing": spacing,
    }
