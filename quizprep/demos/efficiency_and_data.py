"""Demos for the efficiency and data topic: distillation, pruning, quantization, leakage, double descent and scaling
laws."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


def soft_targets(logits: np.ndarray, temperature: float) -> np.ndarray:
    return kit.softmax(logits / temperature)


@demo("distillation-soft-targets")
def distillation_soft_targets(d: Demo, teacher=None, student=None, temperature=None):
    """Softmax at temperature T reveals a teacher's dark knowledge; the KL to soft targets and its T^2 factor."""
    param_rng = d.streams(1)[0]
    teacher = kit.vector(
        d,
        "teacher",
        teacher,
        lambda: np.round(np.sort(param_rng.normal(0, 2.5, size=5))[::-1], 1),
        min_len=2,
        max_len=100,
    )
    student = kit.vector(
        d, "student", student, lambda: np.round(param_rng.normal(0, 1.5, size=teacher.size), 1), min_len=2, max_len=100
    )
    if student.size != teacher.size:
        raise DemoInputError(
            f"student has {student.size} logits but teacher has {teacher.size}: both score the same classes"
        )
    T = d.number("temperature", temperature, 4.0, low=0.05, high=1000)

    temps = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    table = np.array([soft_targets(teacher, t) for t in temps])
    d.say(
        f"The teacher's logits for {teacher.size} classes, "
        "turned into probabilities by softmax(z / T) at several temperatures T."
    )
    d.show("teacher logits", teacher)
    d.show(
        "teacher probabilities, one row per T = 1, 2, 4, 8, 16",
        np.round(table, 4),
        f"At T = 1 the top class gets {table[0].max():.1%} of the mass; "
        "raising T reveals how the teacher ranks the wrong "
        "classes (the 'dark knowledge' a one-hot label throws away).",
    )
    d.series(
        "entropy of the soft targets (nats) by T",
        {"teacher": kit.entropy(table), "uniform": np.full(temps.size, np.log(teacher.size))},
        x=temps,
    )

    p, q = soft_targets(teacher, T), soft_targets(student, T)
    kl = float(np.sum(p * (np.log(p) - np.log(q))))
    grad = T * (q - p)  # gradient of T²·KL(p_T || q_T) with respect to the student's logits
    d.show(f"student probabilities at T = {kit.fmt(T)}", q, f"KL(teacher || student) at this T is {kit.fmt(kl)} nats.")
    d.show("gradient of T²·KL w.r.t. the student logits = T·(q_T - p_T)", grad)
    plain = [np.linalg.norm((soft_targets(student, t) - soft_targets(teacher, t)) / t) for t in temps]
    d.series(
        "gradient norm of the soft loss by T, without and with the T² factor",
        {"KL alone": plain, "T²·KL": [g * t * t for g, t in zip(plain, temps, strict=False)]},
        x=temps,
    )
    d.say(
        "Without T² the soft-target gradient shrinks roughly like 1/T², "
        "so the balance with the hard-label loss would change "
        "with every T; multiplying by T² keeps it comparable."
    )
    return {"soft_targets": table, "entropy": kit.entropy(table), "kl": kl, "grad": grad, "grad_norm_plain": plain}


def magnitude_prune(w: np.ndarray, sparsity: float) -> np.ndarray:
    """Zero the round(sparsity·n) weights of smallest magnitude (ties: the earlier index goes first)."""
    k = int(round(sparsity * w.size))
    pruned = w.copy()
    pruned[np.argsort(np.abs(w), kind="stable")[:k]] = 0.0
    return pruned


def _least_squares(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(X, y, rcond=None)[0]


@demo("magnitude-pruning")
def magnitude_pruning(d: Demo, features=None, informative=None, n_train=None, sparsity=None):
    """Zero the smallest weights of a linear classifier: test accuracy against sparsity, with and without refitting."""
    param_rng, data_rng = d.streams()
    p = d.number("features", features, 20, low=2, high=200, integer=True)
    k = d.number("informative", informative, min(5, p), low=1, high=p, integer=True)
    n = d.number("n_train", n_train, 200, low=p + 1, high=5000, integer=True)
    levels = kit.vector(d, "sparsity", sparsity, [0.0, 0.25, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95], max_len=50)
    if np.any(levels < 0) or np.any(levels > 1):
        raise DemoInputError("sparsity values must be fractions between 0 and 1")

    true_w = np.zeros(p)
    true_w[param_rng.choice(p, size=k, replace=False)] = param_rng.choice([-1, 1], size=k) * param_rng.uniform(
        1, 3, size=k
    )
    X = data_rng.normal(size=(n, p))
    X_test = data_rng.normal(size=(2000, p))
    y = np.sign(X @ true_w + 0.5 * data_rng.normal(size=n))
    y_test = np.sign(X_test @ true_w + 0.5 * data_rng.normal(size=2000))
    w = _least_squares(X, y)
    d.say(
        f"A linear classifier sign(w·x) on {p} standardised features, "
        f"of which only {k} matter, is fitted by least squares to "
        f"{n} examples. Magnitude pruning then zeroes the weights with the smallest |w|."
    )
    d.show("trained weights", np.round(w, 3))

    accuracy, refit, kept = [], [], []
    pruned_all = []
    for s in levels:
        pruned = magnitude_prune(w, s)
        mask = pruned != 0
        pruned_all.append(pruned)
        kept.append(int(mask.sum()))
        accuracy.append(float(np.mean(np.sign(X_test @ pruned) == y_test)))
        retrained = np.zeros(p)
        if mask.any():
            retrained[mask] = _least_squares(X[:, mask], y)
        refit.append(float(np.mean(np.sign(X_test @ retrained) == y_test)))
    d.series(
        "test accuracy by sparsity (fraction of weights removed)",
        {"pruned": accuracy, "pruned, then refitted": refit},
        x=levels,
    )
    d.show("weights kept at each sparsity", kept)
    dense = accuracy[int(np.argmin(levels))]
    safe = [s for s, a in zip(levels, accuracy, strict=False) if a >= dense - 0.01]
    d.say(
        f"Up to {max(safe):.0%} sparsity the pruned model stays within "
        f"one point of the dense accuracy {dense:.3f}: the pruned weights "
        f"were near-useless. Once pruning reaches the {k} informative weights, accuracy falls; refitting the survivors "
        "(fine-tuning) recovers some of the loss. Unstructured zeros like these save memory only in a sparse format."
    )
    return {
        "weights": w,
        "sparsity": levels,
        "kept": kept,
        "accuracy": accuracy,
        "accuracy_refit": refit,
        "pruned_weights": pruned_all,
    }


def affine_quantize(x: np.ndarray, bits: int = 8) -> tuple[float, int, np.ndarray]:
    """Asymmetric (affine) quantization to signed `bits`-bit integers; the range always includes 0 so 0 is exact."""
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / (qmax - qmin)
    zero_point = int(np.clip(np.round(qmin - lo / scale), qmin, qmax))
    q = np.clip(np.round(x / scale) + zero_point, qmin, qmax).astype(int)
    return scale, zero_point, q


def symmetric_quantize(x: np.ndarray, bits: int = 8) -> tuple[float, np.ndarray]:
    qmax = 2 ** (bits - 1) - 1
    scale = float(np.abs(x).max()) / qmax
    return scale, np.clip(np.round(x / scale), -qmax, qmax).astype(int)


@demo("int8-quantization")
def int8_quantization(d: Demo, x=None, bits=None, outlier=None):
    """Affine int8 quantization: scale, zero point, codes and round-trip error, against symmetric and an outlier."""
    param_rng = d.streams(1)[0]
    x = kit.vector(d, "x", x, lambda: np.round(param_rng.normal(0.3, 1.0, size=10), 3), max_len=10_000)
    bits = d.number("bits", bits, 8, low=2, high=16, integer=True)
    outlier = d.number("outlier", outlier, lambda: round(12 * float(np.abs(x).max()), 2), low=-1e6, high=1e6)
    if np.all(x == 0):
        raise DemoInputError("x must not be all zeros: its range sets the scale")

    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    scale, zp, q = affine_quantize(x, bits)
    lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
    d.show("float values x", x)
    d.say(
        f"Affine {bits}-bit quantization maps the range [{kit.fmt(lo)}, "
        f"{kit.fmt(hi)}] (stretched to include 0) onto the integers "
        f"{qmin}..{qmax}: scale s = ({kit.minus_text(kit.fmt(hi), lo)}) "
        f"/ {qmax - qmin} = {kit.fmt(scale)}, and zero point "
        f"z = round({kit.minus_text(str(qmin), lo / scale)}) = {zp}, the integer that stands for 0.0."
    )
    d.show("codes q = clamp(round(x / s) + z)", q)
    back = (q - zp) * scale
    error = x - back
    d.show("dequantized x̂ = s·(q - z)", back)
    d.show(
        "round-trip error x - x̂",
        error,
        f"Every error is at most s/2 = {kit.fmt(scale / 2)} in size (largest here {kit.fmt(np.abs(error).max())}); "
        f"the {x.size} values now take {bits} bits each instead of 32.",
    )
    sym_scale, sym_q = symmetric_quantize(x, bits)
    sym_error = np.abs(x - sym_q * sym_scale).max()
    if sym_error > 1.2 * np.abs(error).max():
        sym_text = (
            "Symmetric quantization (z = 0, s = max|x| / qmax) "
            "gives both signs the same number of codes, so a lopsided range gets a coarser step"
        )
    else:
        sym_text = (
            "With values on both sides of 0, symmetric quantization (z = 0, s = max|x| / qmax) does about as well"
        )
    with_outlier = np.append(x, outlier)
    o_scale, o_zp, o_q = affine_quantize(with_outlier, bits)
    o_error = np.abs(with_outlier[:-1] - (o_q[:-1] - o_zp) * o_scale).max()
    d.bars(
        "largest round-trip error on the original values",
        ["affine (zero point)", "symmetric (z = 0)", f"affine, outlier {kit.fmt(outlier)} added"],
        [np.abs(error).max(), sym_error, o_error],
        text=(
            f"{sym_text}; one outlier stretches the affine scale to "
            f"{kit.fmt(o_scale)} and coarsens every other value, "
            "which is why calibration clips ranges or uses per-channel scales."
        ),
    )
    return {
        "scale": scale,
        "zero_point": zp,
        "q": q,
        "dequantized": back,
        "max_error": float(np.abs(error).max()),
        "symmetric_scale": sym_scale,
        "symmetric_max_error": float(sym_error),
        "outlier_scale": o_scale,
        "outlier_max_error": float(o_error),
    }


def correlation_scores(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|Pearson correlation| of each column with the labels (0 for a constant column)."""
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    denominator = np.sqrt((Xc**2).sum(axis=0) * (yc**2).sum())
    return np.abs(Xc.T @ yc) / np.where(denominator > 0, denominator, np.inf)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-scores, kind="stable")[:k]


def nearest_centroid_accuracy(X_train, y_train, X_val, y_val) -> float:
    c0, c1 = X_train[y_train == 0].mean(axis=0), X_train[y_train == 1].mean(axis=0)
    predicted = (((X_val - c1) ** 2).sum(axis=1) < ((X_val - c0) ** 2).sum(axis=1)).astype(int)
    return float(np.mean(predicted == y_val))


def _cv_accuracy(X, y, folds: int, k: int, mode: str) -> float:
    """k-fold CV (contiguous folds) of select-top-k-features + nearest centroid.

    `mode` says what is fitted on which rows."""
    n = y.size
    everywhere = _top(correlation_scores(X, y), k)
    scores = []
    for fold in np.array_split(np.arange(n), folds):
        train = np.setdiff1d(np.arange(n), fold)
        Xs = X
        if mode == "scale-all":
            Xs = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
        elif mode in ("honest", "select-all"):
            mean, std = X[train].mean(axis=0), X[train].std(axis=0)
            Xs = (X - mean) / np.where(std > 0, std, 1.0)
        chosen = everywhere if mode == "select-all" else _top(correlation_scores(Xs[train], y[train]), k)
        scores.append(nearest_centroid_accuracy(Xs[train][:, chosen], y[train], Xs[fold][:, chosen], y[fold]))
    return float(np.mean(scores))


def _one_nn_accuracy(X, y, groups, folds: int, rng: np.random.Generator, grouped: bool) -> float:
    """1-nearest-neighbour CV accuracy; grouped keeps rows with the same group id in the same fold."""
    ids = np.unique(groups)
    if grouped:
        fold_of_group = dict(zip(rng.permutation(ids), np.arange(ids.size) % folds, strict=False))
        fold_of = np.array([fold_of_group[g] for g in groups])
    else:
        fold_of = np.empty(y.size, dtype=int)
        fold_of[rng.permutation(y.size)] = np.arange(y.size) % folds
    hits = 0
    for f in range(folds):
        train, val = np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)
        A, B = X[val], X[train]
        dist = (A**2).sum(axis=1)[:, None] + (B**2).sum(axis=1)[None, :] - 2 * A @ B.T  # squared distances
        hits += int(np.sum(y[train][np.argmin(dist, axis=1)] == y[val]))
    return hits / y.size


@demo("data-leakage")
def data_leakage(d: Demo, X=None, y=None, select=None, folds=None, duplicates=None):
    """Feature selection or duplicates leaking across folds give high validation scores on pure noise."""
    data_rng, split_rng = d.streams()
    X = d.array("X", X, lambda: np.round(data_rng.normal(size=(40, 500)), 2), ndim=2)
    n, p = X.shape
    y = d.array("y", y, lambda: data_rng.permutation(np.arange(n) % 2), ndim=1, integer=True)
    if y.size != n or not set(np.unique(y)) <= {0, 1}:
        raise DemoInputError(f"y must hold one 0/1 label per row of X ({n} rows)")
    if X.size > 200_000:
        raise DemoInputError(f"X must have at most 200,000 numbers; got {n}x{p}")
    folds = d.number("folds", folds, 5, low=2, high=n // 2, integer=True)
    k = d.number("select", select, min(20, p), low=1, high=p, integer=True)
    share = d.number("duplicates", duplicates, 0.5, low=0.0, high=1.0)
    for fold in np.array_split(np.arange(n), folds):
        train_labels = np.delete(y, fold)
        if not (np.any(train_labels == 0) and np.any(train_labels == 1)):
            raise DemoInputError("every training split needs both labels; use more rows or mix the labels")

    d.say(
        f"{n} examples with {p} features; "
        "by default both features and 0/1 labels are pure noise, so no model can beat 50% on "
        "new data. The pipeline standardises the features, "
        f"keeps the {k} most label-correlated ones and classifies by the nearest class mean, "
        f"scored by {folds}-fold cross-validation."
    )
    honest = _cv_accuracy(X, y, folds, k, "honest")
    scale_all = _cv_accuracy(X, y, folds, k, "scale-all")
    select_all = _cv_accuracy(X, y, folds, k, "select-all")
    d.bars(
        "cross-validated accuracy",
        ["everything fitted inside each fold", "scaler fitted on all rows", "features selected on all rows"],
        [honest, scale_all, select_all],
        text=(
            "Fitting the scaler on every row leaks only the validation "
            "rows' means and spreads, which barely moves the score; "
            "choosing features with the validation labels in view picks features that happen to fit those very labels."
        ),
    )

    m = int(round(share * n))
    Xd = np.vstack([X, X[:m]])
    yd = np.concatenate([y, y[:m]])
    groups = np.concatenate([np.arange(n), np.arange(m)])
    random_split = _one_nn_accuracy(Xd, yd, groups, folds, split_rng, grouped=False)
    group_split = _one_nn_accuracy(Xd, yd, groups, folds, split_rng, grouped=True)
    if m:
        d.bars(
            f"1-nearest-neighbour accuracy after copying {m} rows into the data",
            ["rows split at random", "copies kept in one fold"],
            [random_split, group_split],
            text=(
                "A validation row whose copy sits in training is matched exactly, so a random split rewards memorising."
            ),
        )
    d.say(
        f"The leaky pipeline reports {select_all:.0%} on noise; "
        f"the honest one reports {honest:.0%}. Every fitted step (scaling, "
        "feature selection, imputation, tuning) belongs inside the split, "
        "and duplicates, time order and patients must not straddle it."
    )
    return {
        "honest": honest,
        "scaler_on_all_rows": scale_all,
        "selection_on_all_rows": select_all,
        "duplicates_random_split": random_split,
        "duplicates_group_split": group_split,
    }


@demo("double-descent")
def double_descent(d: Demo, n_train=None, dim=None, noise=None, widths=None, repeats=None):
    """Min-norm least squares on random features: test error peaks at the interpolation threshold, then falls."""
    data_rng, feature_rng = d.streams()
    n = d.number("n_train", n_train, 20, low=2, high=200, integer=True)
    dim = d.number("dim", dim, 10, low=1, high=50, integer=True)
    noise = d.number("noise", noise, 0.1, low=0.0, high=10.0)
    default_widths = sorted(
        {
            w
            for w in [
                1,
                2,
                4,
                6,
                8,
                10,
                12,
                14,
                16,
                18,
                n - 2,
                n - 1,
                n,
                n + 1,
                n + 2,
                24,
                30,
                40,
                60,
                80,
                100,
                150,
                200,
                300,
                400,
            ]
            if w >= 1
        }
    )
    widths = kit.vector(d, "widths", widths, default_widths, max_len=100)
    if np.any(widths != np.round(widths)) or widths.min() < 1 or widths.max() > 2000:
        raise DemoInputError("widths must be whole numbers of random features between 1 and 2000")
    widths = widths.astype(int)
    repeats = d.number("repeats", repeats, 5, low=1, high=50, integer=True)

    direction = data_rng.normal(size=dim)
    direction /= np.linalg.norm(direction)
    X, X_test = data_rng.normal(size=(n, dim)), data_rng.normal(size=(300, dim))
    y = np.tanh(2 * X @ direction) + noise * data_rng.normal(size=n)
    y_test = np.tanh(2 * X_test @ direction)
    d.say(
        f"Regression with {n} noisy training points in {dim}-d. "
        "The model is p random ReLU features ReLU(Wx) with a linear layer on top, "
        "fitted by minimum-norm least squares (the pseudoinverse: exact fit with the smallest weights once p ≥ n). "
        f"Errors are averaged over {repeats} draws of W."
    )
    train_err, test_err, norm = np.zeros(widths.size), np.zeros(widths.size), np.zeros(widths.size)
    for _ in range(repeats):
        W = feature_rng.normal(size=(widths.max(), dim)) / np.sqrt(dim)
        F, F_test = np.maximum(X @ W.T, 0), np.maximum(X_test @ W.T, 0)
        for i, width in enumerate(widths):
            w = np.linalg.pinv(F[:, :width]) @ y
            train_err[i] += np.mean((F[:, :width] @ w - y) ** 2) / repeats
            test_err[i] += np.mean((F_test[:, :width] @ w - y_test) ** 2) / repeats
            norm[i] += np.linalg.norm(w) / repeats
    d.series(
        "log10 of the mean squared error by number of features p",
        {"test": np.log10(test_err), "train": np.log10(np.maximum(train_err, 1e-12))},
        x=widths,
    )
    peak = int(widths[int(np.argmax(test_err))])
    d.series("norm of the fitted weights ||w|| by p", {"||w||": norm}, x=widths)
    best_under = float(test_err[widths < n].min()) if np.any(widths < n) else float("nan")
    d.say(
        f"Test error first follows the classical U, then peaks at p = {peak}, "
        f"next to the interpolation threshold p = n = {n}, where exactly "
        "one weight vector fits every noisy point and it needs huge weights. "
        "Past it the fit stays exact, but the minimum-norm choice among "
        "many fits gets smoother and test error falls again (to "
        f"{kit.fmt(test_err[-1])} at p = {int(widths[-1])}, against the best "
        f"{kit.fmt(best_under)} below the threshold)."
    )
    return {"widths": widths, "train_error": train_err, "test_error": test_err, "weight_norm": norm, "peak_width": peak}


CHINCHILLA = {
    "E": 1.69,
    "A": 406.4,
    "B": 410.7,
    "alpha": 0.34,
    "beta": 0.28,
}  # Hoffmann et al. (2022), fit of approach 3


def scaling_loss(N, D, E, A, B, alpha, beta):
    return E + A / np.power(N, alpha) + B / np.power(D, beta)


def _best_size(C: float, E, A, B, alpha, beta) -> float:
    """The parameter count N minimising the loss when D = C / (6N).

    Found by ternary search on log N (the loss is convex there)."""
    lo, hi = np.log(1.0), np.log(C / 6.0)
    for _ in range(120):
        a, b = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        if scaling_loss(np.exp(a), C / (6 * np.exp(a)), E, A, B, alpha, beta) < scaling_loss(
            np.exp(b), C / (6 * np.exp(b)), E, A, B, alpha, beta
        ):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))


@demo("compute-optimal-scaling")
def compute_optimal_scaling(d: Demo, budgets=None, E=None, A=None, B=None, alpha=None, beta=None):
    """A scaling law L(N, D) and the model size and data that minimise loss for each compute budget."""
    budgets = kit.vector(d, "budgets", budgets, [1e19, 1e20, 1e21, 1e22, 1e23, 1e24], max_len=30)
    if np.any(budgets < 1e6):
        raise DemoInputError("budgets are training FLOPs and must each be at least 1e6")
    E = d.number("E", E, CHINCHILLA["E"], low=0.0, high=100)
    A = d.number("A", A, CHINCHILLA["A"], low=1e-6, high=1e9)
    B = d.number("B", B, CHINCHILLA["B"], low=1e-6, high=1e9)
    alpha = d.number("alpha", alpha, CHINCHILLA["alpha"], low=0.01, high=3)
    beta = d.number("beta", beta, CHINCHILLA["beta"], low=0.01, high=3)
    law = (E, A, B, alpha, beta)

    d.say(
        "A fitted scaling law gives the final loss of a model with N parameters trained on D tokens: "
        f"L = {kit.fmt(E)} + {kit.fmt(A)}/N^{kit.fmt(alpha)} "
        f"+ {kit.fmt(B)}/D^{kit.fmt(beta)}. Training costs about C = 6·N·D FLOPs, "
        "so a fixed budget trades parameters against data."
    )
    sizes = np.logspace(6, 13, 29)
    d.series(
        "log10 of L - E for unlimited data: a straight line, a power law in N",
        {"log10(L - E)": np.log10(A / sizes**alpha)},
        x=np.log10(sizes),
    )
    n_opt = np.array([_best_size(float(c), *law) for c in budgets])
    d_opt = budgets / (6 * n_opt)
    middle = budgets.size // 2
    grid = n_opt[middle] * np.logspace(-2, 2, 41)
    d.series(
        f"loss at a budget of {budgets[middle]:.3g} FLOPs, by log10 N (D = C / 6N)",
        {"loss": scaling_loss(grid, budgets[middle] / (6 * grid), *law)},
        x=np.log10(grid),
        text="Too small a model is limited by its size, too large a one by its data: the optimum sits in between.",
    )
    d.show("compute-optimal parameters N* per budget", np.round(n_opt, -3))
    d.show("compute-optimal tokens D* per budget", np.round(d_opt, -3))
    slope_n = (
        float(np.polyfit(np.log(budgets), np.log(n_opt), 1)[0]) if budgets.size > 1 else float(beta / (alpha + beta))
    )
    d.series(
        "log10 N* and log10 D* against log10 C", {"N*": np.log10(n_opt), "D*": np.log10(d_opt)}, x=np.log10(budgets)
    )
    d.say(
        f"N* grows like C^{slope_n:.3f} and D* like C^{1 - slope_n:.3f}: parameters and data should grow together. "
        f"Under this fit that means about {d_opt[0] / n_opt[0]:.0f} "
        f"to {d_opt[-1] / n_opt[-1]:.0f} tokens per parameter (the "
        "rule of thumb from the same paper is about 20), "
        "far more than GPT-3's 300 billion tokens for 175 billion parameters."
    )
    return {
        "budgets": budgets,
        "n_opt": n_opt,
        "d_opt": d_opt,
        "tokens_per_param": d_opt / n_opt,
        "loss_opt": scaling_loss(n_opt, d_opt, *law),
        "slope_n": slope_n,
    }
