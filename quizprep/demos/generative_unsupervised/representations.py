"""Demos of learned representations: linear and denoising autoencoders, PCA, and contrastive learning
with InfoNCE."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo

INIT_SCALE = 0.1  # encoder and decoder weights start at this scale over sqrt(fan-in)


def _low_rank_data(rng: np.random.Generator, n: int, p: int, scales: list[float], noise: float) -> np.ndarray:
    """n points in p dimensions near a len(scales)-dimensional plane through a random centre."""
    basis, _ = np.linalg.qr(rng.normal(size=(p, len(scales))))
    codes = rng.normal(size=(n, len(scales))) * np.asarray(scales)
    centre = rng.uniform(-2, 2, size=p)
    return np.round(centre + codes @ basis.T + noise * rng.normal(size=(n, p)), 2)


def _data_matrix(
    d: Demo, name: str, value, default, *, min_rows: int = 2, min_cols: int = 2, max_size: int = 20_000
) -> np.ndarray:
    X = d.array(name, value, default, ndim=2)
    n, p = X.shape
    if n < min_rows or p < min_cols:
        raise DemoInputError(
            f"{name} must be a matrix with at least {min_rows} rows (examples) "
            f"and {min_cols} columns (features); got {n}x{p}"
        )
    if X.size > max_size:
        raise DemoInputError(f"{name} must have at most {max_size} numbers; got {n}x{p} = {X.size}")
    return X


def _principal_axes(centred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Variances (biased, divided by n) in decreasing order and the matching unit directions as columns."""
    _, s, vt = np.linalg.svd(centred, full_matrices=True)
    variances = np.zeros(centred.shape[1])
    variances[: s.size] = s**2 / centred.shape[0]
    return variances, vt.T


def _angle_degrees(a: np.ndarray, b: np.ndarray) -> float:
    """The largest principal angle between the column spaces of a and b (same number of columns)."""
    qa, _ = np.linalg.qr(a)
    qb, _ = np.linalg.qr(b)
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return float(np.degrees(np.arccos(np.clip(cosines.min(), -1.0, 1.0))))


def _check_finite(value: float, lr: float) -> None:
    if not np.isfinite(value):
        raise DemoInputError(f"training diverged with lr = {lr:g}; use a smaller lr, such as 0.5")


@demo("linear-autoencoder")
def linear_autoencoder(d: Demo, data=None, code_size=None, steps=None, lr=None):
    """Compress data through a narrow linear code and reconstruct it."""
    data_rng, init_rng = d.streams()
    X = _data_matrix(d, "data", data, lambda: _low_rank_data(data_rng, 40, 4, [2.0, 1.0], 0.15))
    n, p = X.shape
    k = d.number("code_size", code_size, min(2, p - 1), low=1, high=p, integer=True)
    steps = d.number("steps", steps, 300, low=1, high=5000, integer=True)
    lr = d.number("lr", lr, 0.7, low=0.0, high=1.0)

    mean = X.mean(axis=0)
    Xc = X - mean
    variances, axes = _principal_axes(Xc)
    if variances[0] == 0:
        raise DemoInputError("data must not be constant: every row is the same point")
    d.say(
        f"{n} examples with {p} features go through a code of {k} number(s): "
        f"encoder E is {k}x{p}, decoder D is {p}x{k}, "
        f"and x̂ = D E x after subtracting the mean (which is what the biases would learn)."
    )
    d.show("first rows of the data", X[:4])

    eta = lr * p / (2 * variances[0])  # scaled by the largest variance, so one lr suits data in any units
    E = init_rng.normal(0, INIT_SCALE / np.sqrt(p), size=(k, p))
    D = init_rng.normal(0, INIT_SCALE / np.sqrt(k), size=(p, k))
    E, D, losses = kit.train_linear_autoencoder(Xc, E, D, eta, steps)
    final = float(np.mean((Xc - Xc @ E.T @ D.T) ** 2))
    _check_finite(final, lr)
    losses = np.append(losses, final)
    pca_error = float(variances[k:].sum() / p)

    d.series(
        "reconstruction MSE by gradient step",
        {"autoencoder": losses, "PCA optimum": np.full(losses.size, pca_error)},
        x=np.arange(losses.size),
        text=f"Plain gradient descent on the mean squared error, step size {eta:.3g} = lr·p / (2·largest variance).",
    )
    kept = " + ".join(kit.fmt(v) for v in variances[k:]) or "0"
    d.show("variance along each principal direction", variances)
    d.say(
        f"PCA keeping {k} direction(s) leaves error ({kept}) "
        f"/ {p} = {pca_error:.4g}, the best any rank-{k} linear map can do; "
        f"the trained autoencoder reaches {final:.4g}."
    )
    angle = _angle_degrees(D, axes[:, :k]) if k < p else 0.0
    d.show(
        "DᵀD (decoder columns)",
        D.T @ D,
        f"The decoder spans the top-{k} principal subspace (largest angle {angle:.2g}°), but its columns need be "
        "neither orthonormal nor sorted by variance, unlike PCA's.",
    )
    if k < p:
        reach = 3 * np.sqrt(variances[0])
        on_plane = mean + reach * axes[:, 0]
        off_plane = mean + reach * axes[:, -1]
        errors = [float(np.mean((x - mean - D @ E @ (x - mean)) ** 2)) for x in (on_plane, off_plane)]
        d.bars(
            "reconstruction MSE of new points",
            ["typical training example", "new point along the main direction", "new point off the learned plane"],
            [final, errors[0], errors[1]],
            text="Points unlike the training data come back badly: a large error flags an anomaly.",
        )
    else:
        d.say(
            "With a code as wide as the input nothing has to be dropped: "
            "the map can approach the identity and the error 0, so the code learns nothing."
        )
    return {
        "initial_error": float(losses[0]),
        "autoencoder_error": final,
        "pca_error": pca_error,
        "variances": variances,
        "subspace_angle_degrees": angle,
    }


@demo("denoising-autoencoder")
def denoising_autoencoder(d: Demo, data=None, noise=None, code_size=None, steps=None, lr=None):
    """Reconstruct clean inputs from corrupted ones through a small code."""
    data_rng, noise_rng = d.streams()
    X = _data_matrix(d, "data", data, lambda: _low_rank_data(data_rng, 60, 5, [2.0, 1.0], 0.05))
    n, p = X.shape
    sigma = d.number("noise", noise, 0.5, low=0.0, high=100.0)
    k = d.number("code_size", code_size, min(2, p), low=1, high=p, integer=True)
    steps = d.number("steps", steps, 400, low=1, high=5000, integer=True)
    lr = d.number("lr", lr, 0.7, low=0.0, high=1.0)

    mean = X.mean(axis=0)
    Xc = X - mean
    variances, axes = _principal_axes(Xc)
    if variances[0] + sigma**2 == 0:
        raise DemoInputError("data must not be constant when noise is 0: every row is the same point")
    d.say(
        f"Each step corrupts every clean example with fresh Gaussian noise of standard deviation {sigma:g} and trains "
        f"x̂ = D E x̃ (code size {k}) to output the clean x, not the noisy x̃."
    )

    eta0 = lr * p / (2 * (variances[0] + sigma**2))
    E = noise_rng.normal(0, INIT_SCALE / np.sqrt(p), size=(k, p))
    D = noise_rng.normal(0, INIT_SCALE / np.sqrt(k), size=(p, k))
    # the step decays to 0 so the noisy gradients settle
    E, D, losses = kit.train_linear_autoencoder(Xc, E, D, eta0, steps, noise=sigma, rng=noise_rng, decay=True)
    W = D @ E
    _check_finite(float(np.sum(W**2)), lr)
    d.series("training MSE (clean target vs output from a noisy input)", {"loss": losses}, x=np.arange(steps))

    test_noisy = Xc + sigma * noise_rng.normal(size=Xc.shape)
    cleaned = test_noisy @ W.T
    input_error = float(np.mean((test_noisy - Xc) ** 2))
    output_error = float(np.mean((cleaned - Xc) ** 2))
    covariance = Xc.T @ Xc / n
    expected = float((np.trace((np.eye(p) - W) @ covariance @ (np.eye(p) - W).T) + sigma**2 * np.sum(W**2)) / p)
    shrink = variances / (variances + sigma**2) if sigma > 0 else np.ones(p)
    optimum = float((variances[k:].sum() + np.sum(variances[:k] * (1 - shrink[:k]))) / p)
    d.show(
        "one example: clean x, noisy x̃, output x̂",
        np.round(np.vstack([X[0], test_noisy[0] + mean, cleaned[0] + mean]), 3),
    )
    d.bars(
        "MSE against the clean data on a fresh noisy copy",
        ["noisy input x̃", "denoised output x̂", "best linear code (expected)"],
        [input_error, output_error, optimum],
        text=f"The noisy input is off by about σ² = {sigma**2:.4g} per number; the output removes most of that.",
    )
    gains = np.array([axes[:, i] @ W @ axes[:, i] for i in range(p)])
    d.show(
        "gain of the learned map along each principal direction",
        {
            "variance λ": variances,
            "learned uᵢᵀWuᵢ": gains,
            "optimal λ/(λ+σ²), top k": np.where(np.arange(p) < k, shrink, 0.0),
        },
    )
    d.say(
        "Directions with large variance are kept but shrunk by λ/(λ+σ²); noise-only directions are dropped. "
        "Because the target differs from the input, W is not the identity even with a code as wide as the input."
    )
    return {
        "input_error": input_error,
        "output_error": output_error,
        "expected_error": expected,
        "optimal_error": optimum,
        "weights": W,
        "mean": mean,
    }


@demo("pca")
def pca(d: Demo, data=None, n_components=None):
    """Principal components of correlated data and the variance each explains."""

    def correlated() -> np.ndarray:
        basis, _ = np.linalg.qr(d.rng.normal(size=(3, 3)))
        return np.round(
            d.rng.normal(size=(50, 3)) * np.array([2.0, 1.0, 0.3]) @ basis.T + d.rng.uniform(-3, 3, size=3), 2
        )

    X = _data_matrix(d, "data", data, correlated)
    n, p = X.shape
    k = d.number("n_components", n_components, min(2, p), low=1, high=p, integer=True)
    mean = X.mean(axis=0)
    Xc = X - mean
    cov = Xc.T @ Xc / (n - 1)
    d.show(
        "covariance matrix (divided by n - 1)", cov, "Off-diagonal entries far from 0 mean the features are correlated."
    )
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values = np.clip(values[order], 0.0, None)
    components = vectors[:, order].T
    for row in components:  # fix each direction's sign: its largest entry is positive
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    d.show("principal directions (rows, orthonormal)", components)
    total = float(values.sum())
    ratios = values / total if total > 0 else np.zeros(p)
    d.bars("share of variance explained", [f"PC{i + 1}" for i in range(p)], ratios)
    scores = Xc @ components[:k].T
    d.show(f"first rows projected onto the top {k} direction(s)", scores[:4])
    residual = float(np.sum((Xc - scores @ components[:k]) ** 2) / (n - 1))
    d.say(
        "Each direction's eigenvalue is the variance of the data along "
        f"it ({', '.join(kit.fmt(v) for v in values)}), so keeping {k} "
        f"keeps {ratios[:k].sum():.1%} of the variance; the dropped part, "
        f"{residual:.4g}, is the squared reconstruction error per example."
    )
    d.say(
        "The directions are orthonormal and sorted by variance; a linear autoencoder with a code of size "
        f"{k} finds the same subspace, but its code axes need not be either."
    )
    return {
        "mean": mean,
        "components": components,
        "variances": values,
        "explained_ratio": ratios,
        "residual_variance": residual,
    }


def _unit_rows(m: np.ndarray) -> np.ndarray:
    if np.any(np.linalg.norm(m, axis=1) == 0):
        raise DemoInputError("every embedding must be non-zero (each row is scaled to unit length)")
    return kit.unit_rows(m)


def info_nce(sim: np.ndarray, temperature: float) -> np.ndarray:
    """Per-anchor InfoNCE loss: row i's positive is column i, the other columns are its negatives."""
    return -np.diag(kit.log_softmax(sim / temperature))


@demo("contrastive-infonce")
def contrastive_infonce(d: Demo, anchors=None, positives=None, temperature=None, noise=None):
    """The InfoNCE loss of a batch of embedding pairs and how the temperature focuses it on hard negatives."""
    data_rng, noise_rng = d.streams()
    X = d.array("anchors", anchors, lambda: np.round(data_rng.normal(size=(6, 8)), 2), ndim=2)
    n, dim = X.shape
    if n < 2 or X.size > 10_000:
        raise DemoInputError(
            f"anchors must have at least 2 rows (one per example) and at most 10,000 numbers; got {n}x{dim}"
        )
    noise = d.number("noise", noise, 0.5, low=0.0, high=10.0)
    Y = d.array("positives", positives, lambda: np.round(X + noise * noise_rng.normal(size=X.shape), 2), ndim=2)
    if Y.shape != X.shape:
        raise DemoInputError(
            f"positives must have the same shape as anchors ({n}x{dim}); got {Y.shape[0]}x{Y.shape[1]}"
        )
    tau = d.number("temperature", temperature, 0.1, low=0.001, high=100)

    sim = _unit_rows(X) @ _unit_rows(Y).T
    d.say(
        f"{n} anchors and their positives (noisy views of the same {dim}-d items) "
        "are scaled to unit length; entry (i, j) below is the "
        "cosine similarity of anchor i and positive j. "
        "The diagonal holds the positive pairs; the rest of each row are the negatives."
    )
    d.show("cosine similarities", np.round(sim, 3))
    losses = info_nce(sim, tau)
    symmetric = 0.5 * (losses.mean() + info_nce(sim.T, tau).mean())
    d.show(
        f"per-anchor loss -log softmax(row / τ)[i] at τ = {kit.fmt(tau)}",
        losses,
        f"Mean InfoNCE {kit.fmt(losses.mean())}; CLIP's symmetric version (rows and columns) {kit.fmt(symmetric)}; "
        f"log N = {kit.fmt(np.log(n))} is the loss when every similarity is equal.",
    )
    taus = np.array([0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0])
    mean_loss = [info_nce(sim, t).mean() for t in taus]
    hardest_share = []
    for t in taus:
        weights = kit.softmax(sim / t)
        negatives = weights * (1 - np.eye(n))
        hardest_share.append(np.mean(negatives.max(axis=1) / negatives.sum(axis=1)))
    d.series("mean InfoNCE loss by temperature τ", {"loss": mean_loss, "log N": np.full(taus.size, np.log(n))}, x=taus)
    d.series(
        "share of the negatives' gradient weight on the hardest negative, by τ",
        {"hardest negative": hardest_share, "uniform 1/(N-1)": np.full(taus.size, 1 / (n - 1))},
        x=taus,
    )
    accuracy = float(np.mean(np.argmax(sim, axis=1) == np.arange(n)))
    d.say(
        "A small τ sharpens the softmax: the loss (and its gradient) "
        "concentrates on the hardest negatives; a large τ spreads "
        "weight evenly and the loss tends to log N. "
        f"Each anchor's positive is its most similar item for {accuracy:.0%} of anchors."
    )
    return {
        "similarity": sim,
        "losses": losses,
        "loss": float(losses.mean()),
        "symmetric_loss": float(symmetric),
        "top1_accuracy": accuracy,
    }
