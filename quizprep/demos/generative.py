"""Demos: generative (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo

# Shared helpers.

INIT_SCALE = 0.1  # encoder and decoder weights start at this scale over sqrt(fan-in)


def _streams(d: Demo, count: int = 2) -> list[np.random.Generator]:
    """Separate generators for parameter defaults and for a demo's own randomness, seeded from d.rng up front.

    Drawing both seeds first means that passing a parameter (so its default is never drawn) does not shift the
    random numbers the demo uses afterwards, so reported parameters reproduce the result.
    """
    seeds = d.rng.integers(0, 2**62, size=count)
    return [np.random.default_rng(int(seed)) for seed in seeds]


def _low_rank_data(rng: np.random.Generator, n: int, p: int, scales: list[float], noise: float) -> np.ndarray:
    """n points in p dimensions near a len(scales)-dimensional plane through a random centre."""
    basis, _ = np.linalg.qr(rng.normal(size=(p, len(scales))))
    codes = rng.normal(size=(n, len(scales))) * np.asarray(scales)
    centre = rng.uniform(-2, 2, size=p)
    return np.round(centre + codes @ basis.T + noise * rng.normal(size=(n, p)), 2)


def _data_matrix(d: Demo, name: str, value, default, *, min_rows: int = 2, min_cols: int = 2, max_size: int = 20_000) -> np.ndarray:
    X = d.array(name, value, default, ndim=2)
    n, p = X.shape
    if n < min_rows or p < min_cols:
        raise DemoInputError(f"{name} must be a matrix with at least {min_rows} rows (examples) and {min_cols} columns (features); got {n}x{p}")
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


def _fmt(x: float) -> str:
    return f"{x:.4g}"


# Autoencoders.


@demo("linear-autoencoder")
def linear_autoencoder(d: Demo, data=None, code_size=None, steps=None, lr=None):
    data_rng, init_rng = _streams(d)
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
        f"{n} examples with {p} features go through a code of {k} number(s): encoder E is {k}x{p}, decoder D is {p}x{k}, "
        f"and x̂ = D E x after subtracting the mean (which is what the biases would learn)."
    )
    d.show("first rows of the data", X[:4])

    eta = lr * p / (2 * variances[0])  # scaled by the largest variance, so one lr suits data in any units
    E = init_rng.normal(0, INIT_SCALE / np.sqrt(p), size=(k, p))
    D = init_rng.normal(0, INIT_SCALE / np.sqrt(k), size=(p, k))
    losses = []
    for _ in range(steps):
        code = Xc @ E.T
        residual = Xc - code @ D.T
        losses.append(np.mean(residual**2))
        grad_D = -2.0 / (n * p) * residual.T @ code
        grad_E = -2.0 / (n * p) * D.T @ residual.T @ Xc
        D -= eta * grad_D
        E -= eta * grad_E
    final = float(np.mean((Xc - Xc @ E.T @ D.T) ** 2))
    _check_finite(final, lr)
    losses.append(final)
    losses = np.array(losses)
    pca_error = float(variances[k:].sum() / p)

    d.series(
        "reconstruction MSE by gradient step",
        {"autoencoder": losses, "PCA optimum": np.full(losses.size, pca_error)},
        x=np.arange(losses.size),
        text=f"Plain gradient descent on the mean squared error, step size {eta:.3g} = lr·p / (2·largest variance).",
    )
    kept = " + ".join(_fmt(v) for v in variances[k:]) or "0"
    d.show("variance along each principal direction", variances)
    d.say(
        f"PCA keeping {k} direction(s) leaves error ({kept}) / {p} = {pca_error:.4g}, the best any rank-{k} linear map can do; "
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
        d.say("With a code as wide as the input nothing has to be dropped: the map can approach the identity and the error 0, so the code learns nothing.")
    return {"initial_error": float(losses[0]), "autoencoder_error": final, "pca_error": pca_error, "variances": variances, "subspace_angle_degrees": angle}


@demo("denoising-autoencoder")
def denoising_autoencoder(d: Demo, data=None, noise=None, code_size=None, steps=None, lr=None):
    data_rng, noise_rng = _streams(d)
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
    losses = np.zeros(steps)
    for t in range(steps):
        noisy = Xc + sigma * noise_rng.normal(size=Xc.shape)
        code = noisy @ E.T
        residual = Xc - code @ D.T
        losses[t] = np.mean(residual**2)
        grad_D = -2.0 / (n * p) * residual.T @ code
        grad_E = -2.0 / (n * p) * D.T @ residual.T @ noisy
        eta = eta0 * (1 - t / steps)  # decay to 0 so the noisy gradients settle
        D -= eta * grad_D
        E -= eta * grad_E
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
        {"variance λ": variances, "learned uᵢᵀWuᵢ": gains, "optimal λ/(λ+σ²), top k": np.where(np.arange(p) < k, shrink, 0.0)},
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


# Energy-based models.


def _bits(count: int, width: int) -> np.ndarray:
    """Every binary vector of the given width, one per row, counting up from all zeros (first unit = highest bit)."""
    return (np.arange(count)[:, None] >> np.arange(width - 1, -1, -1)) & 1


def _state_label(v: np.ndarray, h: np.ndarray) -> str:
    return "v=" + "".join(str(int(x)) for x in v) + " h=" + "".join(str(int(x)) for x in h)


@demo("boltzmann-energy")
def boltzmann_energy(d: Demo, weights=None, visible_bias=None, hidden_bias=None):
    W = d.array("weights", weights, lambda: np.round(d.rng.normal(0, 1.0, size=(3, 2)), 1), ndim=2)
    nv, nh = W.shape
    if nv + nh > 10:
        raise DemoInputError(f"weights must be (visible x hidden) with at most 10 units in all, so 2^10 states can be listed; got {nv}x{nh}")
    b = d.array("visible_bias", visible_bias, lambda: np.round(d.rng.normal(0, 0.5, size=nv), 1), ndim=1)
    c = d.array("hidden_bias", hidden_bias, lambda: np.round(d.rng.normal(0, 0.5, size=nh), 1), ndim=1)
    if b.size != nv:
        raise DemoInputError(f"visible_bias must have one entry per visible unit (rows of weights): {nv}, not {b.size}")
    if c.size != nh:
        raise DemoInputError(f"hidden_bias must have one entry per hidden unit (columns of weights): {nh}, not {c.size}")

    d.show("W (visible x hidden)", W)
    d.show("biases", {"visible b": b, "hidden c": c})
    states = _bits(2 ** (nv + nh), nv + nh)
    V, H = states[:, :nv], states[:, nv:]
    energies = -np.einsum("si,ij,sj->s", V, W, H) - V @ b - H @ c + 0.0  # + 0.0 turns -0.0 into 0.0
    top = np.max(-energies)
    log_z = top + np.log(np.sum(np.exp(-energies - top)))
    probs = np.exp(-energies - log_z)
    best = int(np.argmax(probs))
    v0, h0 = V[best], H[best]
    pairs = " + ".join(f"W{i + 1}{j + 1}" for i in range(nv) for j in range(nh) if v0[i] and h0[j]) or "0"
    d.say(
        f"E(v, h) = -vᵀWh - bᵀv - cᵀh. For the most likely state {_state_label(v0, h0)} only the weights between "
        f"units that are both on count ({pairs}), giving E = {energies[best]:.4g}."
    )
    d.say(
        f"Z = Σ exp(-E) over all 2^{nv + nh} = {states.shape[0]} joint states = {np.exp(log_z):.6g}; "
        f"p(v, h) = exp(-E)/Z, so lower energy means higher probability."
    )
    order = np.argsort(-probs, kind="stable")[:16]
    shown = "all states" if states.shape[0] <= 16 else "the 16 most likely states"
    d.bars(f"p(v, h) for {shown}", [f"{_state_label(V[s], H[s])}  E={energies[s]:.3g}" for s in order], probs[order])

    visible_states = _bits(2**nv, nv)
    marginal = probs.reshape(2**nv, 2**nh).sum(axis=1)
    free_energy = -visible_states @ b - np.sum(np.logaddexp(0.0, c + visible_states @ W), axis=1)
    via_free_energy = np.exp(-free_energy - log_z)
    d.bars("p(v), summing over the hidden states", ["v=" + "".join(str(int(x)) for x in v) for v in visible_states], marginal)
    d.say(
        "Because hidden units do not talk to each other, h sums out in closed form: p(v) = exp(-F(v))/Z with "
        f"F(v) = -bᵀv - Σⱼ log(1 + exp(cⱼ + (vᵀW)ⱼ)); it matches the brute-force sum to {np.max(np.abs(via_free_energy - marginal)):.1e}."
    )
    conditional = 1.0 / (1.0 + np.exp(-(c + visible_states @ W)))
    d.show(
        "p(hⱼ = 1 | v) = σ(cⱼ + (vᵀW)ⱼ), one row per v",
        conditional,
        "Each hidden unit is an independent coin given v: one Gibbs step samples the whole layer at once.",
    )
    return {
        "states": states,
        "energies": energies,
        "probabilities": probs,
        "partition_function": float(np.exp(log_z)),
        "log_partition_function": float(log_z),
        "visible_marginal": marginal,
        "hidden_given_visible": conditional,
    }


# GANs.


def _log_normal(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return -0.5 * ((x - mean) / std) ** 2 - np.log(std) - 0.5 * np.log(2 * np.pi)


def _trapezoid(y: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def _gan_integrals(data_mean: float, data_std: float, gen_mean: float, gen_std: float) -> tuple[float, float]:
    """V(D*, G) = E_data[log D*] + E_g[log(1 - D*)] and JSD(p_data, p_g), by the trapezoid rule on a grid fine for both."""
    x = np.unique(
        np.concatenate(
            [np.linspace(data_mean - 12 * data_std, data_mean + 12 * data_std, 2001), np.linspace(gen_mean - 12 * gen_std, gen_mean + 12 * gen_std, 2001)]
        )
    )
    log_data = _log_normal(x, data_mean, data_std)
    log_gen = _log_normal(x, gen_mean, gen_std)
    log_d_star = -np.logaddexp(0.0, log_gen - log_data)  # log D* = log p_data - log(p_data + p_g)
    log_one_minus = -np.logaddexp(0.0, log_data - log_gen)
    value = _trapezoid(np.exp(log_data) * log_d_star + np.exp(log_gen) * log_one_minus, x)
    log_mix = np.logaddexp(log_data, log_gen) - np.log(2)
    kl_data = _trapezoid(np.exp(log_data) * (log_data - log_mix), x)
    kl_gen = _trapezoid(np.exp(log_gen) * (log_gen - log_mix), x)
    return value, 0.5 * kl_data + 0.5 * kl_gen


@demo("gan-discriminator")
def gan_discriminator(d: Demo, data_mean=None, data_std=None, gen_mean=None, gen_std=None):
    mu_d = d.number("data_mean", data_mean, 0.0, low=-1000, high=1000)
    sd_d = d.number("data_std", data_std, 1.0, low=1e-3, high=1000)
    mu_g = d.number("gen_mean", gen_mean, lambda: round(float(d.rng.uniform(1.0, 3.0) * d.rng.choice([-1, 1])), 1), low=-1000, high=1000)
    sd_g = d.number("gen_std", gen_std, lambda: round(float(d.rng.uniform(0.5, 1.5)), 1), low=1e-3, high=1000)
    d.say(
        f"Real data follow N({mu_d:g}, {sd_d:g}²) and the generator's samples N({mu_g:g}, {sd_g:g}²). "
        "For a fixed generator, maximising E_data[log D(x)] + E_g[log(1 - D(x))] point by point gives D*(x) = p_data/(p_data + p_g)."
    )
    low = min(mu_d - 4 * sd_d, mu_g - 4 * sd_g)
    high = max(mu_d + 4 * sd_d, mu_g + 4 * sd_g)
    x = np.linspace(low, high, 61)
    log_data = _log_normal(x, mu_d, sd_d)
    log_gen = _log_normal(x, mu_g, sd_g)
    d_star = 1.0 / (1.0 + np.exp(log_gen - log_data))
    d.series(
        "on a grid of x",
        {"p_data(x)": np.exp(log_data), "p_g(x)": np.exp(log_gen), "D*(x)": d_star},
        x=x,
        text="D* is near 1 where only real data lie, near 0 where only generated samples lie, and 1/2 where the densities are equal.",
    )
    value, jsd = _gan_integrals(mu_d, sd_d, mu_g, sd_g)
    d.show(
        "value of the game at D*",
        {"V(D*, G)": value, "JSD(p_data, p_g)": jsd, "-log 4 + 2·JSD": -np.log(4) + 2 * jsd, "V with D = 1/2 everywhere": -np.log(4)},
        "Integrals by the trapezoid rule. Any other D, such as the constant 1/2, scores less than D*.",
    )
    d.say(
        f"So against the best discriminator the generator minimises -log 4 + 2·JSD: here {value:.4g}; it reaches its minimum "
        f"-log 4 = {-np.log(4):.4g} only when p_g = p_data, where D* = 1/2 everywhere and the discriminator can only guess."
    )
    direction = 1.0 if mu_g >= mu_d else -1.0
    shifts = np.linspace(0.0, max(8.0 * max(sd_d, sd_g), 1.5 * abs(mu_g - mu_d)), 25)
    curve = np.array([_gan_integrals(mu_d, sd_d, mu_d + direction * s, sd_g)[1] for s in shifts])
    d.series(
        "JSD as the generator's mean moves away from the data",
        {"JSD": curve},
        x=shifts,
        text=f"Once the two barely overlap the JSD is flat at its maximum log 2 = {np.log(2):.4g}: moving the generator changes nothing, so its gradient vanishes.",
    )
    return {"x": x, "d_star": d_star, "value": value, "jsd": jsd, "minus_log4_plus_2jsd": float(-np.log(4) + 2 * jsd)}


# Clustering and projections.


def _blobs(rng: np.random.Generator, centres: int, each: int, spread: float) -> np.ndarray:
    middles = rng.uniform(-5, 5, size=(centres, 2))
    return np.round(np.repeat(middles, each, axis=0) + spread * rng.normal(size=(centres * each, 2)), 2)


def _nearest(X: np.ndarray, C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest row of C for every row of X (first one on ties), and the squared distances."""
    dist2 = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    labels = np.argmin(dist2, axis=1)
    return labels, dist2[np.arange(X.shape[0]), labels]


@demo("kmeans")
def kmeans(d: Demo, points=None, k=None, centroids=None, max_iter=None):
    X = _data_matrix(d, "points", points, lambda: _blobs(d.rng, 3, 8, 0.9), min_cols=1)
    n, dim = X.shape
    default_k = len(centroids) if isinstance(centroids, list) and centroids else min(3, n)
    k = d.number("k", k, default_k, low=1, high=min(n, 50), integer=True)
    C = d.array("centroids", centroids, lambda: X[np.sort(d.rng.choice(n, size=k, replace=False))], ndim=2)
    if C.shape != (k, dim):
        raise DemoInputError(f"centroids must be a {k}x{dim} matrix: k = {k} rows, one column per feature of points; got {C.shape[0]}x{C.shape[1]}")
    max_iter = d.number("max_iter", max_iter, 20, low=1, high=200, integer=True)
    d.say(f"Cluster {n} points into k = {k} groups, starting from the centroids below (by default {k} of the points, picked at random).")
    d.show("initial centroids", C)

    history, sizes_first = [], None
    converged = False
    for _ in range(max_iter):
        labels, dist2 = _nearest(X, C)
        history.append(float(dist2.sum()))
        if sizes_first is None:
            sizes_first = np.bincount(labels, minlength=k)
        moved = C.copy()
        for j in range(k):
            if np.any(labels == j):  # an empty cluster keeps its centroid
                moved[j] = X[labels == j].mean(axis=0)
        if np.array_equal(moved, C):
            converged = True
            break
        C = moved
    labels, dist2 = _nearest(X, C)
    d.say(
        "Each iteration does two steps: assign every point to its nearest centroid, then move every centroid to the mean "
        f"of its points. After the first assignment the clusters have {', '.join(str(int(s)) for s in sizes_first)} points."
    )
    d.series(
        "inertia (sum of squared distances to the assigned centroid) by iteration",
        {"inertia": history},
        x=np.arange(1, len(history) + 1),
        text="Neither step can increase it, so it falls until the assignments stop changing.",
    )
    d.show("final centroids", C)
    d.bars("points per cluster", [f"cluster {j}" for j in range(k)], np.bincount(labels, minlength=k))
    status = f"converged after {len(history)} iteration(s)" if converged else f"stopped at max_iter = {max_iter} before converging"
    d.say(f"It {status} with inertia {dist2.sum():.4g}. That is a local minimum: other starting centroids can end elsewhere.")
    return {"centroids": C, "labels": labels, "inertia": history, "converged": converged}


@demo("pca")
def pca(d: Demo, data=None, n_components=None):
    def correlated() -> np.ndarray:
        basis, _ = np.linalg.qr(d.rng.normal(size=(3, 3)))
        return np.round(d.rng.normal(size=(50, 3)) * np.array([2.0, 1.0, 0.3]) @ basis.T + d.rng.uniform(-3, 3, size=3), 2)

    X = _data_matrix(d, "data", data, correlated)
    n, p = X.shape
    k = d.number("n_components", n_components, min(2, p), low=1, high=p, integer=True)
    mean = X.mean(axis=0)
    Xc = X - mean
    cov = Xc.T @ Xc / (n - 1)
    d.show("covariance matrix (divided by n - 1)", cov, "Off-diagonal entries far from 0 mean the features are correlated.")
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
        f"Each direction's eigenvalue is the variance of the data along it ({', '.join(_fmt(v) for v in values)}), so keeping {k} "
        f"keeps {ratios[:k].sum():.1%} of the variance; the dropped part, {residual:.4g}, is the squared reconstruction error per example."
    )
    d.say(
        "The directions are orthonormal and sorted by variance; a linear autoencoder with a code of size "
        f"{k} finds the same subspace, but its code axes need not be either."
    )
    return {"mean": mean, "components": components, "variances": values, "explained_ratio": ratios, "residual_variance": residual}


@demo("self-organizing-map")
def self_organizing_map(d: Demo, points=None, rows=None, cols=None, epochs=None, lr=None, radius=None, weights=None):
    X = _data_matrix(d, "points", points, lambda: np.round(d.rng.uniform(0, 1, size=(40, 2)), 2), min_rows=1, min_cols=1, max_size=4000)
    n, dim = X.shape
    r = d.number("rows", rows, 4, low=1, high=10, integer=True)
    c = d.number("cols", cols, 4, low=1, high=10, integer=True)
    units = r * c
    epochs = d.number("epochs", epochs, 15, low=1, high=200, integer=True)
    if epochs * n > 20_000:
        raise DemoInputError(f"epochs x points must be at most 20000 updates; got {epochs} x {n}")
    lr = d.number("lr", lr, 0.5, low=0.0, high=1.0)
    width = d.number("radius", radius, max(r, c) / 2, low=0.5, high=20)
    W = d.array("weights", weights, lambda: np.round(X.mean(axis=0) + d.rng.normal(0, 0.05, size=(units, dim)), 3), ndim=2)
    if W.shape != (units, dim):
        raise DemoInputError(f"weights must be a {units}x{dim} matrix: one row per map unit (rows x cols = {units}), one column per feature; got {W.shape[0]}x{W.shape[1]}")
    W = W.copy()
    grid = np.array([(i, j) for i in range(r) for j in range(c)], dtype=float)
    grid_dist2 = np.sum((grid[:, None, :] - grid[None, :, :]) ** 2, axis=2)
    d.say(
        f"A {r}x{c} grid of units, each with a weight vector in the data space. For every point x in turn: find the best-matching "
        "unit b (nearest weight vector), then move every unit j by η·h(j, b)·(x - wⱼ), with h = exp(-grid distance²/(2σ²))."
    )

    def quantisation_error() -> float:
        return float(np.mean(np.sqrt(_nearest(X, W)[1])))

    def topographic_error() -> float:
        """Share of points whose best and second-best units are not next to each other on the grid."""
        if units < 2:
            return 0.0
        dist2 = np.sum((X[:, None, :] - W[None, :, :]) ** 2, axis=2)
        two = np.argsort(dist2, axis=1, kind="stable")[:, :2]
        return float(np.mean(grid_dist2[two[:, 0], two[:, 1]] > 1))

    errors = [quantisation_error()]
    before_topo = topographic_error()
    total = epochs * n
    first = {}
    for t in range(total):
        frac = t / total
        eta = lr * (1 - frac)
        sigma = width * (1 - frac) + 0.5 * frac
        x = X[t % n]
        diff = x - W
        winner = int(np.argmin(np.sum(diff**2, axis=1)))
        h = np.exp(-grid_dist2[winner] / (2 * sigma**2))
        if t == 0:
            far = int(np.argmax(grid_dist2[winner]))
            first = {"x": x.copy(), "winner": winner, "before": W[[winner, far]].copy(), "h": h[[winner, far]], "far": far}
        W += (eta * h)[:, None] * diff
        if (t + 1) % n == 0:
            errors.append(quantisation_error())
    after_topo = topographic_error()

    win, far = first["winner"], first["far"]
    d.show(
        f"first update: x = {np.round(first['x'], 3).tolist()}, η = {lr:g}, σ = {width:g}",
        {
            f"winner unit {tuple(int(v) for v in grid[win])}, h = 1": [first["before"][0].tolist(), _moved(first, lr, 0)],
            f"farthest unit {tuple(int(v) for v in grid[far])}, h = {first['h'][1]:.3g}": [first["before"][1].tolist(), _moved(first, lr, 1)],
        },
        f"Weight before (top row) and after: the winner moves η = {lr:g} of the way to x, other units η·h of the way, less the farther they sit on the grid.",
    )
    d.series(
        "quantisation error (mean distance from a point to its best unit) by epoch",
        {"error": errors},
        x=np.arange(epochs + 1),
        text="η shrinks linearly to 0 and σ from radius to 0.5, so early updates order the map and late ones fine-tune it.",
    )
    d.show(f"first coordinate of each unit's weight, laid out on the {r}x{c} grid", W[:, 0].reshape(r, c))
    d.say(
        f"Neighbours on the grid now hold neighbouring weights: the share of points whose two best units are not grid neighbours "
        f"(topographic error) went from {before_topo:.2f} to {after_topo:.2f}. Like k-means with centroids tied together, but no labels and no backprop."
    )
    return {"weights": W, "quantization_error": errors, "topographic_error": after_topo, "first_winner": win}


def _moved(first: dict, lr: float, which: int) -> list[float]:
    """A unit's weight right after the first update (η = lr there)."""
    before = first["before"][which]
    return (before + lr * first["h"][which] * (first["x"] - before)).tolist()
