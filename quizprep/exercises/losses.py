"""Exercises for the losses topic: cross-entropy and its gradient, BCE with logits, label smoothing, focal and
Huber losses."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, ints, normal


@exercise(
    "cross_entropy",
    items=["categorical-cross-entropy", "log-sum-exp-trick", "logits-not-probabilities"],
    difficulty=1,
    hints=[
        "loss_n = log(sum_j exp(z_nj)) - z_n,target: the log-sum-exp of the row minus the target's logit.",
        "Compute log-sum-exp as m + log(sum(exp(z - m))) with m the row maximum, so large logits do not overflow.",
        "Pick each row's target logit with z[np.arange(N), targets], then average over the batch.",
    ],
)
def cross_entropy(logits, targets):
    """Mean softmax cross-entropy over a batch, from logits and integer class targets.

    logits: float array (N, C), unnormalised scores. targets: int array (N,), values in [0, C).
    Returns one float: the mean over the N rows of -log softmax(logits[n])[targets[n]] (natural log).
    Must stay finite for logits like ±1000. Do not change the inputs.
    """
    m = np.max(logits, axis=1, keepdims=True)
    log_z = m[:, 0] + np.log(np.sum(np.exp(logits - m), axis=1))
    picked = logits[np.arange(len(targets)), targets]
    return float(np.mean(log_z - picked))


@hidden_tests("cross_entropy")
def cross_entropy_tests(rng):
    return [
        Case("three classes", (np.array([[2.0, 1.0, 0.1]]), np.array([0])), hint="-log of the target's softmax"),
        Case("batch", (normal(rng, 6, 4, scale=2.0), ints(rng, 4, 6)), hint="average over the batch, not sum"),
        Case("many classes", (normal(rng, 3, 50), ints(rng, 50, 3)), hint="pick the target column of each row"),
        Case(
            "large logits",
            (np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]]), np.array([1, 2])),
            hint="log-sum-exp with the row maximum subtracted: exp(1000) overflows",
        ),
        Case(
            "batch of one, confident",
            (np.array([[0.0, 30.0]]), np.array([1])),
            rtol=1e-6,
            atol=1e-12,
            hint="a confident right answer costs almost nothing; log(1 - tiny) loses precision",
        ),
    ]


@exercise(
    "cross_entropy_grad",
    items=["softmax-cross-entropy-gradient", "softmax-ce-gradient-via-log-sum-exp"],
    difficulty=2,
    hints=[
        "For one row the gradient of -log softmax(z)[t] is softmax(z) - onehot(t).",
        "The loss is a mean over N rows, so every row's gradient is divided by N.",
        "Compute the softmax stably (subtract the row maximum).",
    ],
)
def cross_entropy_grad(logits, targets):
    """Gradient of the mean softmax cross-entropy with respect to the logits.

    logits: float array (N, C). targets: int array (N,), values in [0, C).
    The loss is mean_n( -log softmax(logits[n])[targets[n]] ). Returns dL/dlogits, a float array (N, C).
    Must stay finite for logits like ±1000. Do not change the inputs.
    """
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= np.sum(probs, axis=1, keepdims=True)
    probs[np.arange(len(targets)), targets] -= 1.0
    return probs / len(targets)


@hidden_tests("cross_entropy_grad")
def cross_entropy_grad_tests(rng):
    return [
        Case("one row", (np.array([[1.0, 2.0, 3.0]]), np.array([2])), hint="softmax minus one-hot"),
        Case("batch", (normal(rng, 5, 4), ints(rng, 4, 5)), hint="divide by the batch size: the loss is a mean"),
        Case(
            "large logits",
            (np.array([[1000.0, -1000.0], [5.0, 1000.0]]), np.array([0, 0])),
            hint="stable softmax: subtract the row maximum",
        ),
        Case("repeated targets", (normal(rng, 4, 3), np.array([1, 1, 1, 1])), hint="one-hot per row"),
    ]


@exercise(
    "bce_with_logits",
    items=["binary-cross-entropy", "logits-not-probabilities"],
    difficulty=2,
    hints=[
        "With p = sigmoid(z): loss = -(y·log p + (1-y)·log(1-p)).",
        "Written with z only it is max(z, 0) - z·y + log(1 + exp(-|z|)): no overflow for any z.",
        "np.log1p(np.exp(-np.abs(z))) is the accurate way to write log(1 + exp(-|z|)).",
    ],
)
def bce_with_logits(logits, targets):
    """Mean binary cross-entropy computed from logits, stable for any logit.

    logits: float array of any shape. targets: float array of the same shape, values in [0, 1] (may be soft).
    Returns one float: the mean over all elements of -(y·log σ(z) + (1-y)·log(1-σ(z))), natural log.
    Must stay finite and accurate for logits like ±1000 (do not compute σ(z) and then its log). Do not change the
    inputs.
    """
    z, y = logits, targets
    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


@hidden_tests("bce_with_logits")
def bce_with_logits_tests(rng):
    return [
        Case("small", (np.array([0.0, 2.0, -1.0]), np.array([1.0, 1.0, 0.0])), hint="the mean over all elements"),
        Case(
            "matrix",
            (normal(rng, 4, 5, scale=2.0), rng.integers(0, 2, (4, 5)).astype(float)),
            hint="targets may be 0 or 1 at any position",
        ),
        Case("soft targets", (normal(rng, 6), rng.random(6)), hint="y need not be 0 or 1"),
        Case(
            "large logits",
            (np.array([1000.0, -1000.0, 800.0, -800.0]), np.array([0.0, 1.0, 1.0, 0.0])),
            hint="use max(z,0) - z·y + log1p(exp(-|z|)); log(sigmoid(z)) gives log(0)",
        ),
        Case(
            "moderate logits",
            (np.array([40.0, -40.0]), np.array([1.0, 0.0])),
            rtol=1e-6,
            atol=1e-25,
            hint="1 - sigmoid(40) rounds to 0: the logit form keeps the tiny loss",
        ),
    ]


@exercise(
    "label_smoothing_cross_entropy",
    items=["label-smoothing", "label-smoothing-calibration"],
    difficulty=2,
    hints=[
        "The target distribution is (1 - ε)·onehot + ε/C on every class (the true class gets 1 - ε + ε/C).",
        "The loss per row is -sum_c q_c·log softmax(z)_c; use a stable log-softmax.",
        "Average over the batch.",
    ],
)
def label_smoothing_cross_entropy(logits, targets, smoothing=0.1):
    """Mean cross-entropy against label-smoothed targets, as PyTorch's label_smoothing computes it.

    logits: float array (N, C). targets: int array (N,), values in [0, C). smoothing: ε in [0, 1).
    The target distribution of row n is q = (1 - ε)·onehot(targets[n]) + ε/C for every class (so the true class
    gets 1 - ε + ε/C). Returns one float: mean_n( -sum_c q_c · log softmax(logits[n])_c ). Do not change the inputs.
    """
    n, c = logits.shape
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    q = np.full((n, c), smoothing / c)
    q[np.arange(n), targets] += 1.0 - smoothing
    return float(np.mean(-np.sum(q * log_probs, axis=1)))


@hidden_tests("label_smoothing_cross_entropy")
def label_smoothing_tests(rng):
    return [
        Case("default ε", (normal(rng, 4, 5), ints(rng, 5, 4)), hint="ε/C on every class, 1-ε more on the target"),
        Case(
            "ε = 0 is plain cross-entropy",
            (normal(rng, 3, 4), ints(rng, 4, 3)),
            {"smoothing": 0.0},
            hint="without smoothing the loss is the ordinary cross-entropy",
        ),
        Case(
            "ε = 0.3, two classes",
            (np.array([[2.0, -1.0], [0.5, 0.5]]), np.array([0, 1])),
            {"smoothing": 0.3},
            hint="spread ε over all C classes, the true one included",
        ),
        Case(
            "large logits",
            (np.array([[1000.0, 0.0, -1000.0]]), np.array([0])),
            {"smoothing": 0.1},
            hint="a stable log-softmax: log(softmax) gives log(0) = -inf",
        ),
    ]


@exercise(
    "focal_loss",
    items=["focal-loss", "dense-detector-class-imbalance", "class-imbalance-strategies"],
    difficulty=2,
    hints=[
        "p_t is σ(z) where y = 1 and 1 - σ(z) where y = 0; α_t is α where y = 1 and 1 - α where y = 0.",
        "The loss is -α_t·(1 - p_t)^γ·log(p_t), averaged over all elements.",
        "log(p_t) = -log(1 + exp(-s)) with s = z where y = 1 and s = -z where y = 0: np.logaddexp(0, -s) is stable.",
    ],
)
def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    """Mean binary focal loss from logits, with the α weighting of RetinaNet.

    logits: float array of any shape. targets: float array of the same shape holding 0.0 or 1.0.
    With p = σ(z): p_t = p where y = 1 else 1 - p; α_t = α where y = 1 else 1 - α.
    Returns one float: the mean over all elements of -α_t · (1 - p_t)^γ · log(p_t), natural log.
    Must stay finite for logits like ±1000. Do not change the inputs.
    """
    signed = np.where(targets == 1, logits, -logits)
    log_pt = -np.logaddexp(0.0, -signed)
    alpha_t = np.where(targets == 1, alpha, 1.0 - alpha)
    return float(np.mean(-alpha_t * (1.0 - np.exp(log_pt)) ** gamma * log_pt))


@hidden_tests("focal_loss")
def focal_loss_tests(rng):
    return [
        Case("small", (np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0, 0.0])), hint="p_t and α_t depend on y"),
        Case(
            "matrix",
            (normal(rng, 5, 4, scale=2.0), rng.integers(0, 2, (5, 4)).astype(float)),
            hint="mean over all elements",
        ),
        Case(
            "γ = 0, α = 0.5",
            (normal(rng, 6), rng.integers(0, 2, 6).astype(float)),
            {"gamma": 0.0, "alpha": 0.5},
            hint="with γ = 0 and α = 0.5 it is half the binary cross-entropy",
        ),
        Case(
            "γ = 5",
            (normal(rng, 6), rng.integers(0, 2, 6).astype(float)),
            {"gamma": 5.0},
            hint="(1 - p_t) is raised to the power γ",
        ),
        Case(
            "large logits",
            (np.array([1000.0, -1000.0, -1000.0]), np.array([0.0, 1.0, 0.0])),
            hint="log(p_t) from the logit: log(σ(z)) underflows to log(0)",
        ),
    ]


@exercise(
    "huber_loss",
    items=["huber-loss", "mse-loss", "mae-loss"],
    difficulty=1,
    hints=[
        "With r = prediction - target: 0.5·r² where |r| ≤ δ, δ·(|r| - 0.5·δ) elsewhere.",
        "np.where picks between the two pieces; average over all elements.",
    ],
)
def huber_loss(prediction, target, delta=1.0):
    """Mean Huber loss: quadratic for small errors, linear for large ones.

    prediction, target: float arrays of the same shape. delta: δ > 0, where the two pieces meet.
    With r = prediction - target, each element costs 0.5·r² if |r| ≤ δ, else δ·(|r| - 0.5·δ).
    Returns one float: the mean over all elements. Do not change the inputs.
    """
    r = np.abs(prediction - target)
    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))))


@hidden_tests("huber_loss")
def huber_loss_tests(rng):
    return [
        Case("both pieces", (np.array([0.0, 0.5, 3.0, -4.0]), np.zeros(4)), hint="quadratic inside δ, linear outside"),
        Case("random", (normal(rng, 5, 3, scale=2.0), normal(rng, 5, 3)), hint="mean over all elements"),
        Case(
            "δ = 2",
            (np.array([1.0, 2.5, -3.0]), np.array([0.0, 0.0, 0.0])),
            {"delta": 2.0},
            hint="the linear piece is δ·(|r| - δ/2)",
        ),
        Case("single element", (np.array([0.2]), np.array([0.0])), hint="0.5·r² for a small error"),
    ]
