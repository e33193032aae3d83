"""Demos for the diffusion topic: the forward process and its closed form, noise schedules and SNR, DDPM and DDIM
sampling on a 1-D Gaussian mixture whose exact noise prediction is known, classifier-free guidance, v-prediction,
flow matching, FID, the cost saved by latent diffusion and timestep embeddings.

The toy data are 1-D Gaussian mixtures, for which the marginal at every noise level is again a mixture, so the
ideal denoiser (the one a perfectly trained network would match) can be written down and sampling can be run
without training anything.
"""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo

# Default data: two well-separated modes, so mode coverage and "between the modes" are easy to read.
MEANS = [-2.0, 2.0]
STDS = [0.3, 0.3]
WEIGHTS = [0.5, 0.5]


def linear_alpha_bar(steps: int) -> np.ndarray:
    """ᾱ_1..ᾱ_T of a linear β schedule from 0.1/T to 20/T (DDPM's 1e-4 to 0.02 when T = 1000)."""
    betas = np.linspace(0.1 / steps, 20.0 / steps, steps)
    return np.cumprod(1.0 - betas)


def read_mixture(d: Demo, means, stds, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means, standard deviations and weights of a 1-D Gaussian mixture with up to 4 components."""
    m = kit.vector(d, "means", means, MEANS, max_len=4)
    s = kit.vector(d, "stds", stds, lambda: [0.3] * len(m), len(m))
    w = kit.vector(d, "weights", weights, lambda: [1.0 / len(m)] * len(m), len(m))
    if np.any(np.abs(m) > 10):
        raise DemoInputError("means must lie between -10 and 10")
    if np.any(s < 0.05) or np.any(s > 3):
        raise DemoInputError("stds must lie between 0.05 and 3")
    if np.any(w <= 0):
        raise DemoInputError("weights must be positive (they are normalised to sum to 1)")
    return m, s, w / w.sum()


def mixture_terms(x: np.ndarray, alpha_bar: float, m, s, w):
    """Posterior weights r_k of each component given x_t, and each component's variance v_k at this level."""
    a = math.sqrt(alpha_bar)
    v = alpha_bar * s**2 + 1.0 - alpha_bar
    log_p = np.log(w) - 0.5 * np.log(2 * np.pi * v) - (x[:, None] - a * m) ** 2 / (2 * v)
    r = kit.softmax(log_p)
    return r, v


def ideal_eps(x: np.ndarray, alpha_bar: float, m, s, w) -> np.ndarray:
    """The noise prediction a perfect network would make: -sqrt(1 - ᾱ) times the score of the noised mixture."""
    r, v = mixture_terms(x, alpha_bar, m, s, w)
    score = (r * (-(x[:, None] - math.sqrt(alpha_bar) * m) / v)).sum(axis=1)
    return -math.sqrt(1.0 - alpha_bar) * score


def log_density(x: np.ndarray, alpha_bar: float, m, s, w) -> np.ndarray:
    v = alpha_bar * s**2 + 1.0 - alpha_bar
    log_p = np.log(w) - 0.5 * np.log(2 * np.pi * v) - (x[:, None] - math.sqrt(alpha_bar) * m) ** 2 / (2 * v)
    return np.log(np.exp(log_p - log_p.max(axis=1, keepdims=True)).sum(axis=1)) + log_p.max(axis=1)


def ddim_run(x: np.ndarray, alpha_bar: np.ndarray, steps: int, eps_fn) -> np.ndarray:
    """Deterministic DDIM (η = 0) from level T to a clean sample in `steps` jumps; eps_fn(x, ᾱ) predicts noise."""
    levels = np.round(np.linspace(len(alpha_bar), 0, steps + 1)).astype(int)
    x = x.copy()
    for now, nxt in zip(levels[:-1], levels[1:], strict=True):
        a_now = alpha_bar[now - 1]
        a_next = alpha_bar[nxt - 1] if nxt > 0 else 1.0  # level 0 is the clean data
        eps = eps_fn(x, a_now)
        x0_hat = (x - math.sqrt(1 - a_now) * eps) / math.sqrt(a_now)
        x = math.sqrt(a_next) * x0_hat + math.sqrt(1 - a_next) * eps
    return x


def near_a_mode(x: np.ndarray, m, s) -> np.ndarray:
    """For each component, the share of samples within three of its standard deviations of its mean."""
    return np.array([np.mean(np.abs(x - mk) < 3 * sk) for mk, sk in zip(m, s, strict=True)])


@demo("diffusion-forward")
def diffusion_forward(d: Demo, x0=None, t=None, steps=None):
    """The forward chain run step by step against its closed form x_t = sqrt(ᾱ_t)·x_0 + sqrt(1 − ᾱ_t)·ε."""
    x0 = kit.vector(d, "x0", x0, [1.5, -0.5, 0.8], max_len=8)
    steps = d.number("steps", steps, 1000, low=10, high=1000, integer=True)
    t = d.number("t", t, steps // 4, low=1, high=steps, integer=True)
    betas = np.linspace(0.1 / steps, 20.0 / steps, steps)
    alpha_bar = float(np.prod(1.0 - betas[:t]))
    d.say(f"Linear schedule over T = {steps} steps: β runs from {kit.fmt(betas[0])} to {kit.fmt(betas[-1])}.")
    d.show(
        f"ᾱ_{t} = Π (1 − β_s) for s = 1..{t}",
        alpha_bar,
        text=f"The clean signal keeps a factor sqrt(ᾱ) = {kit.fmt(math.sqrt(alpha_bar))}; "
        f"the noise has standard deviation sqrt(1 − ᾱ) = {kit.fmt(math.sqrt(1 - alpha_bar))}.",
    )
    eps = d.rng.standard_normal(x0.size)
    x_t = math.sqrt(alpha_bar) * x0 + math.sqrt(1 - alpha_bar) * eps
    d.show("x_0", x0)
    d.show("ε ~ N(0, I)", eps)
    d.show(f"x_{t} in one shot", x_t, text="This pair (x_t, t) is one training input; the regression target is ε.")

    copies = 2000
    chain = np.repeat(x0[None, :], copies, axis=0)
    for beta in betas[:t]:  # the Markov chain, one small Gaussian step at a time
        chain = math.sqrt(1 - beta) * chain + math.sqrt(beta) * d.rng.standard_normal(chain.shape)
    chain_mean, chain_var = chain.mean(axis=0), chain.var(axis=0)
    d.show(f"mean of x_{t} over {copies} runs of the chain", chain_mean)
    d.show("closed-form mean sqrt(ᾱ)·x_0", math.sqrt(alpha_bar) * x0)
    d.show(
        "variance over the runs",
        chain_var,
        text=f"The closed form says 1 − ᾱ = {kit.fmt(1 - alpha_bar)} for each entry.",
    )
    d.say("Simulating the chain and drawing x_t directly agree, which is why training can jump to any t at once.")
    return {
        "alpha_bar": alpha_bar,
        "eps": eps,
        "x_t": x_t,
        "chain_mean": chain_mean,
        "chain_var": chain_var,
        "copies": copies,
    }


def cosine_alpha_bar(steps: int, s: float) -> np.ndarray:
    """Nichol and Dhariwal's cosine schedule, with each β clipped at 0.999 as in their paper."""
    f = np.cos((np.arange(steps + 1) / steps + s) / (1 + s) * np.pi / 2) ** 2
    betas = np.minimum(1 - f[1:] / f[:-1], 0.999)
    return np.cumprod(1 - betas)


@demo("noise-schedule")
def noise_schedule(d: Demo, steps=None, s=None):
    """Linear against cosine noise schedules: the surviving signal ᾱ_t and the log signal-to-noise ratio."""
    steps = d.number("steps", steps, 1000, low=10, high=4000, integer=True)
    s = d.number("s", s, 0.008, low=0.0, high=0.5)
    linear, cosine = linear_alpha_bar(steps), cosine_alpha_bar(steps, s)
    picks = np.unique(np.linspace(1, steps, 11).round().astype(int))
    d.say(
        f"Linear: β from {kit.fmt(0.1 / steps)} to {kit.fmt(20 / steps)}. Cosine: "
        f"ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T + s)/(1 + s))·π/2), s = {s:g}."
    )
    d.series("ᾱ_t", {"linear": linear[picks - 1], "cosine": cosine[picks - 1]}, x=picks)
    snr_lin, snr_cos = linear / (1 - linear), cosine / (1 - cosine)
    d.series(
        "log10 SNR(t) = log10(ᾱ/(1 − ᾱ))",
        {"linear": kit.log10(snr_lin[picks - 1]), "cosine": kit.log10(snr_cos[picks - 1])},
        x=picks,
    )
    quiet_lin, quiet_cos = int(np.sum(snr_lin < 0.01)), int(np.sum(snr_cos < 0.01))
    d.show(
        "steps with SNR < 0.01 (signal std under a tenth of the noise std)",
        [quiet_lin, quiet_cos],
        text=f"Linear spends {quiet_lin} of {steps} steps there, cosine {quiet_cos}.",
    )
    half = steps // 2
    d.say(
        f"At t = T/2 the linear schedule keeps ᾱ = {kit.fmt(linear[half - 1])}, "
        f"the cosine one {kit.fmt(cosine[half - 1])}; "
        f"at t = T they end at {kit.fmt(linear[-1])} and {kit.fmt(cosine[-1])}."
    )
    return {
        "linear": linear[picks - 1],
        "cosine": cosine[picks - 1],
        "t": picks,
        "quiet_steps": [quiet_lin, quiet_cos],
    }


@demo("ddpm-sampling")
def ddpm_sampling(d: Demo, means=None, stds=None, weights=None, n=None, steps=None):
    """DDPM ancestral sampling of a 1-D Gaussian mixture with the ideal noise predictor, and its x̂_0 along the way."""
    m, s, w = read_mixture(d, means, stds, weights)
    n = d.number("n", n, 300, low=10, high=2000, integer=True)
    steps = d.number("steps", steps, 1000, low=50, high=1000, integer=True)
    alpha_bar = linear_alpha_bar(steps)
    betas = np.linspace(0.1 / steps, 20.0 / steps, steps)
    d.say(
        f"Data: a mixture of {len(m)} Gaussians, means {kit.vec_text(m)}, weights {kit.vec_text(w)}. "
        "Its noised version is again a mixture, so the ideal ε(x_t, t) = −sqrt(1 − ᾱ_t)·∇log p_t(x_t) is exact."
    )
    probe = np.array([0.5 * (m.min() + m.max()) + 0.3])
    level = alpha_bar[steps // 2 - 1]
    h = 1e-5
    fd_score = (log_density(probe + h, level, m, s, w) - log_density(probe - h, level, m, s, w)) / (2 * h)
    eps_probe = ideal_eps(probe, level, m, s, w)
    d.show(
        f"at x = {kit.fmt(probe[0])}, t = {steps // 2}: ε̂ and −sqrt(1 − ᾱ)·score (finite differences)",
        [eps_probe[0], -math.sqrt(1 - level) * fd_score[0]],
        text="Predicting the noise is estimating the score, up to the factor −sqrt(1 − ᾱ_t).",
    )
    x = d.rng.standard_normal(n)
    track, marks = [], {steps, (3 * steps) // 4, steps // 2, steps // 4, steps // 10, 1}
    for t in range(steps, 0, -1):
        a_t, beta = alpha_bar[t - 1], betas[t - 1]
        eps = ideal_eps(x, a_t, m, s, w)
        if t in marks:
            track.append(
                {"t": t, "x_t": float(x[0]), "x0_hat": float((x[0] - math.sqrt(1 - a_t) * eps[0]) / math.sqrt(a_t))}
            )
        mean = (x - beta / math.sqrt(1 - a_t) * eps) / math.sqrt(1 - beta)
        if t > 1:  # fresh noise at every step but the last, with the posterior variance β̃_t
            var = (1 - alpha_bar[t - 2]) / (1 - a_t) * beta
            x = mean + math.sqrt(var) * d.rng.standard_normal(n)
        else:
            x = mean
    d.show(
        "sample 1: t, x_t and the clean estimate x̂_0",
        [[r["t"], r["x_t"], r["x0_hat"]] for r in track],
        text="Early on x̂_0 is a blurred average between the modes; as t falls it commits to one mode.",
    )
    share = near_a_mode(x, m, s)
    d.bars("share of samples within 3 std of each mode", [f"mode at {kit.fmt(v)}" for v in m], share)
    d.say(
        f"The modes' weights are {kit.vec_text(w)}; the samples cover "
        f"them in about those shares after {steps} network calls each."
    )
    return {
        "share": share,
        "samples_mean": float(x.mean()),
        "track": track,
        "probe": [float(probe[0]), steps // 2],
        "eps_probe": float(eps_probe[0]),
    }


@demo("ddim-sampling")
def ddim_sampling(d: Demo, step_counts=None, means=None, stds=None, weights=None, n=None):
    """Deterministic DDIM sampling with few steps against a 1000-step run, using the same ideal noise predictor."""
    m, s, w = read_mixture(d, means, stds, weights)
    counts = kit.vector(d, "step_counts", step_counts, [1, 2, 5, 10, 50], max_len=6)
    if np.any(counts != np.round(counts)) or np.any(counts < 1) or np.any(counts > 1000):
        raise DemoInputError("step_counts must be whole numbers between 1 and 1000")
    n = d.number("n", n, 300, low=10, high=2000, integer=True)
    alpha_bar = linear_alpha_bar(1000)

    def eps_fn(x, a):
        return ideal_eps(x, a, m, s, w)

    x_T = d.rng.standard_normal(n)
    reference = ddim_run(x_T, alpha_bar, 1000, eps_fn)
    d.say("Every run starts from the same noise x_T; η = 0, so nothing random is added on the way.")
    errors, shares = [], []
    for count in counts.astype(int):
        x0 = ddim_run(x_T, alpha_bar, int(count), eps_fn)
        errors.append(float(np.mean(np.abs(x0 - reference))))
        shares.append(float(near_a_mode(x0, m, s).sum()))
    labels = [str(int(c)) for c in counts]
    d.bars("mean |x_0 − x_0 of the 1000-step run| by number of steps", labels, errors)
    d.bars("share of samples within 3 std of a mode", labels, shares)
    again = ddim_run(x_T, alpha_bar, int(counts[-1]), eps_fn)
    d.say(
        f"A second {int(counts[-1])}-step run from the same x_T differs from the first by at most "
        f"{kit.fmt(float(np.max(np.abs(again - x0))))}: the map from noise to sample is fixed."
    )
    d.say("Few large steps follow the curved path badly; tens of steps already land close to the long run.")
    return {
        "step_counts": counts.astype(int),
        "errors": errors,
        "shares": shares,
        "x_T_first": x_T[:5],
        "reference_first": reference[:5],
    }


@demo("classifier-free-guidance")
def classifier_free_guidance(d: Demo, scales=None, separation=None, std=None, n=None):
    """Classifier-free guidance ε_u + w(ε_c − ε_u) on two overlapping 1-D classes: implicit classifier and samples."""
    scales = kit.vector(d, "scales", scales, [0.0, 1.0, 3.0, 7.0], max_len=6)
    if np.any(scales < 0) or np.any(scales > 20):
        raise DemoInputError("scales must lie between 0 and 20")
    sep = d.number("separation", separation, 1.0, low=0.1, high=5.0)
    std = d.number("std", std, 0.6, low=0.1, high=2.0)
    n = d.number("n", n, 400, low=10, high=2000, integer=True)
    both = (np.array([-sep, sep]), np.array([std, std]), np.array([0.5, 0.5]))
    cls = (np.array([sep]), np.array([std]), np.array([1.0]))
    alpha_bar = linear_alpha_bar(1000)
    d.say(
        f"Class 0 ~ N({kit.fmt(-sep)}, {kit.fmt(std)}²), class 1 ~ N({kit.fmt(sep)}, "
        f"{kit.fmt(std)}²), equally likely; we condition on class 1."
    )

    probe, level = np.array([0.2]), alpha_bar[499]
    eps_u, eps_c = ideal_eps(probe, level, *both)[0], ideal_eps(probe, level, *cls)[0]
    h = 1e-5

    def log_posterior(x):  # log p(class 1 | x_t) = log p_t(x | class 1) + log 0.5 − log p_t(x)
        return log_density(x, level, *cls) + math.log(0.5) - log_density(x, level, *both)

    grad = float((log_posterior(probe + h) - log_posterior(probe - h))[0] / (2 * h))
    d.show("at x_t = 0.2, t = 500: ε_u, ε_c", [eps_u, eps_c])
    d.show(
        "ε_c − ε_u and −sqrt(1 − ᾱ)·∇log p(class 1 | x_t)",
        [eps_c - eps_u, -math.sqrt(1 - level) * grad],
        text="The gap between the two predictions is an implicit classifier's gradient, so no classifier is trained.",
    )
    guided = [float(eps_u + w * (eps_c - eps_u)) for w in scales]
    d.show("guided ε for each w", guided)

    x_T = d.rng.standard_normal(n)
    stats = []
    for w in scales:

        def eps_fn(x, a, w=w):
            e_u = ideal_eps(x, a, *both)
            return e_u + w * (ideal_eps(x, a, *cls) - e_u)

        x0 = ddim_run(x_T, alpha_bar, 50, eps_fn)
        stats.append([float(np.mean(x0 > 0)), float(x0.mean()), float(x0.std())])
    d.show(
        "w, share on class 1's side (x > 0), mean, std",
        [[float(w), *row] for w, row in zip(scales, stats, strict=True)],
        text=f"w = 0 samples both classes, w = 1 samples class 1 (mean {kit.fmt(sep)}, std {kit.fmt(std)}).",
    )
    d.say("Larger w pushes the samples away from class 0 and narrows them: more class-like, less varied.")
    return {"eps_u": float(eps_u), "eps_c": float(eps_c), "classifier_grad": grad, "guided": guided, "stats": stats}


@demo("v-prediction")
def v_prediction(d: Demo, x0=None, eps=None, error=None):
    """v = α·ε − σ·x_0: converting between targets, and how a prediction error grows when x_0 is recovered from ε."""
    x0 = d.number("x0", x0, 0.8, low=-10, high=10)
    eps = d.number("eps", eps, -1.2, low=-10, high=10)
    error = d.number("error", error, 0.1, low=0.0, high=5.0)
    levels = np.array([0.999, 0.9, 0.5, 0.1, 0.01, 0.001])
    alpha, sigma = np.sqrt(levels), np.sqrt(1 - levels)
    x_t = alpha * x0 + sigma * eps
    v = alpha * eps - sigma * x0
    d.say("With α = sqrt(ᾱ) and σ = sqrt(1 − ᾱ), α² + σ² = 1 and x_t = α·x_0 + σ·ε.")
    d.show("ᾱ levels", levels)
    d.show("x_t", x_t)
    d.show("v = α·ε − σ·x_0", v)
    d.show("x_0 recovered as α·x_t − σ·v", alpha * x_t - sigma * v, text=f"Exactly x_0 = {kit.fmt(x0)} at every level.")
    d.show("ε recovered as σ·x_t + α·v", sigma * x_t + alpha * v)
    from_eps = error * sigma / alpha
    from_v = error * sigma
    d.series(
        f"error in x̂_0 when the prediction is off by {kit.fmt(error)}",
        {"ε-prediction: error·σ/α": from_eps, "v-prediction: error·σ": from_v},
        x=levels,
    )
    d.say(
        f"At ᾱ = {levels[-1]:g} an ε error of {kit.fmt(error)} becomes "
        f"{kit.fmt(from_eps[-1])} in x̂_0; through v it stays below {kit.fmt(error)}."
    )
    return {"levels": levels, "x_t": x_t, "v": v, "x0_error_eps": from_eps, "x0_error_v": from_v}


def flow_velocity(x: np.ndarray, t: float, m, s, w) -> np.ndarray:
    """The marginal velocity E[x_1 − x_0 | x_t] for the straight path x_t = (1 − t)·x_0 + t·x_1, x_0 ~ N(0, 1)."""
    var = t**2 * s**2 + (1 - t) ** 2
    log_p = np.log(w) - 0.5 * np.log(2 * np.pi * var) - (x[:, None] - t * m) ** 2 / (2 * var)
    r = kit.softmax(log_p)
    x1_mean = m + t * s**2 * (x[:, None] - t * m) / var
    x0_mean = (1 - t) * (x[:, None] - t * m) / var
    return (r * (x1_mean - x0_mean)).sum(axis=1)


def euler_flow(x: np.ndarray, steps: int, m, s, w) -> np.ndarray:
    x = x.copy()
    for i in range(steps):
        x = x + flow_velocity(x, i / steps, m, s, w) / steps
    return x


@demo("flow-matching")
def flow_matching(d: Demo, step_counts=None, means=None, stds=None, weights=None, n=None):
    """Flow matching on a straight noise-to-data path: the per-pair target, the averaged velocity and Euler sampling."""
    m, s, w = read_mixture(d, means, stds, weights)
    counts = kit.vector(d, "step_counts", step_counts, [1, 2, 4, 8, 32], max_len=6)
    if np.any(counts != np.round(counts)) or np.any(counts < 1) or np.any(counts > 500):
        raise DemoInputError("step_counts must be whole numbers between 1 and 500")
    n = d.number("n", n, 300, low=10, high=2000, integer=True)
    noise, data = float(d.rng.standard_normal()), float(m[-1] + s[-1] * d.rng.standard_normal())
    x_half = 0.5 * noise + 0.5 * data
    d.say("Training pair: noise x_0 ~ N(0, 1) and a data point x_1, joined by x_t = (1 − t)·x_0 + t·x_1.")
    d.show("x_0, x_1, x_t at t = 0.5, target x_1 − x_0", [noise, data, x_half, data - noise])
    v_half = float(flow_velocity(np.array([x_half]), 0.5, m, s, w)[0])
    d.show(
        "learned (averaged) velocity at that x_t",
        v_half,
        text=(
            "The regression's optimum averages the targets of every "
            "pair passing through x_t, so it differs from this pair's."
        ),
    )
    x0 = d.rng.standard_normal(n)
    reference = euler_flow(x0, 1000, m, s, w)
    errors, shares = [], []
    for count in counts.astype(int):
        x1 = euler_flow(x0, int(count), m, s, w)
        errors.append(float(np.mean(np.abs(x1 - reference))))
        shares.append(float(near_a_mode(x1, m, s).sum()))
    labels = [str(int(c)) for c in counts]
    d.bars("mean |x_1 − x_1 of a 1000-step run| by Euler steps", labels, errors)
    d.bars("share of samples within 3 std of a mode", labels, shares)
    d.say(
        "One Euler step from t = 0 moves every sample exactly onto the "
        "data mean; a handful of steps already separates the modes."
    )
    return {
        "pair": [noise, data, x_half],
        "velocity_at_pair": v_half,
        "errors": errors,
        "shares": shares,
        "x0_first": x0[:5],
        "reference_first": reference[:5],
    }


def frechet_distance(mu1, cov1, mu2, cov2) -> float:
    """‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2(Σ1Σ2)^½), with Tr((Σ1Σ2)^½) from the symmetric form Σ1^½ Σ2 Σ1^½."""
    vals, vecs = np.linalg.eigh(cov1)
    root1 = vecs @ np.diag(np.sqrt(np.clip(vals, 0, None))) @ vecs.T
    middle = np.linalg.eigvalsh(root1 @ cov2 @ root1)
    cross = float(np.sum(np.sqrt(np.clip(middle, 0, None))))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * cross)


@demo("fid-score")
def fid_score(d: Demo, n=None, shift=None, spread=None):
    """FID between 2-D Gaussian 'features' of real and generated sets: mean shift, lost spread and small-sample bias."""
    n = d.number("n", n, 2000, low=10, high=20000, integer=True)
    shift = d.number("shift", shift, 0.5, low=0.0, high=5.0)
    spread = d.number("spread", spread, 0.6, low=0.05, high=3.0)
    cov = np.array([[1.0, 0.5], [0.5, 1.0]])
    root = np.linalg.cholesky(cov)
    real = d.rng.standard_normal((n, 2)) @ root.T
    fake = np.array([shift, 0.0]) + spread * (d.rng.standard_normal((n, 2)) @ root.T)
    other_real = d.rng.standard_normal((n, 2)) @ root.T
    stats = {
        name: (x.mean(axis=0), np.cov(x, rowvar=False))
        for name, x in [("real", real), ("fake", fake), ("other", other_real)]
    }
    d.say(
        f"Real features ~ N(0, Σ) with Σ = [[1, 0.5], [0.5, 1]]; generated ones "
        f"are shifted by {kit.fmt(shift)} and scaled by {kit.fmt(spread)}."
    )
    d.show("fitted mean and covariance of the real set", [list(stats["real"][0]), *stats["real"][1].tolist()])
    d.show("fitted mean and covariance of the generated set", [list(stats["fake"][0]), *stats["fake"][1].tolist()])
    fid = frechet_distance(*stats["real"], *stats["fake"])
    population = shift**2 + (1 - spread) ** 2 * float(np.trace(cov))
    noise_floor = frechet_distance(*stats["real"], *stats["other"])
    d.show(
        "FID(real, generated)",
        fid,
        text=f"The exact Gaussians give shift² + (1 − spread)²·Tr Σ = {kit.fmt(population)}.",
    )
    d.show(
        f"FID(real, a second real set of {n})",
        noise_floor,
        text=(
            "Two samples of the same distribution still score above "
            "0: the estimate is biased upwards, more so for small n."
        ),
    )
    d.say(
        "A lower spread (lost diversity) raises the score even when "
        "the mean is right, which is how FID notices mode dropping."
    )
    return {
        "fid": fid,
        "population_fid": population,
        "real_vs_real": noise_floor,
        "real": [stats["real"][0], stats["real"][1]],
        "fake": [stats["fake"][0], stats["fake"][1]],
    }


@demo("latent-diffusion-cost")
def latent_diffusion_cost(d: Demo, size=None, factor=None, channels=None, steps=None):
    """Values per image and full-resolution attention entries, in pixel space against an f-times smaller latent."""
    size = d.number("size", size, 512, low=32, high=4096, integer=True)
    factor = d.number("factor", factor, 8, low=1, high=64, integer=True)
    channels = d.number("channels", channels, 4, low=1, high=64, integer=True)
    steps = d.number("steps", steps, 50, low=1, high=1000, integer=True)
    if size % factor:
        raise DemoInputError(f"size {size} must be a multiple of factor {factor}, so the latent grid is whole")
    side = size // factor
    pixels, latent = size * size * 3, side * side * channels
    d.show(f"pixel values {size}×{size}×3", pixels)
    d.show(
        f"latent values {side}×{side}×{channels}",
        latent,
        text=f"{kit.fmt(pixels / latent)} times fewer numbers to denoise.",
    )
    attn_pixels, attn_latent = (size * size) ** 2, (side * side) ** 2
    d.show("attention-score entries if attention ran on every pixel position", attn_pixels)
    d.show(
        "… on every latent position",
        attn_latent,
        text=f"{kit.fmt(attn_pixels / attn_latent)} times fewer (f⁴ = {factor**4}).",
    )
    d.say(
        f"Over {steps} sampling steps the saving repeats each step, while the decoder runs once at the end; "
        "real U-Nets attend only at reduced resolutions, so these are upper bounds that show the scaling."
    )
    return {
        "pixel_values": pixels,
        "latent_values": latent,
        "value_ratio": pixels / latent,
        "attention_ratio": attn_pixels / attn_latent,
        "attention_entries_per_run": [attn_pixels * steps, attn_latent * steps],
    }


@demo("timestep-embedding")
def timestep_embedding(d: Demo, timesteps=None, dim=None):
    """Sinusoidal timestep embeddings: their similarity depends only on the gap between timesteps."""
    ts = kit.vector(d, "timesteps", timesteps, [0, 1, 10, 100, 500, 999], max_len=8)
    if np.any(ts != np.round(ts)) or np.any(ts < 0) or np.any(ts > 10000):
        raise DemoInputError("timesteps must be whole numbers between 0 and 10000")
    dim = d.number("dim", dim, 64, low=4, high=256, integer=True)
    if dim % 2:
        raise DemoInputError(f"dim must be even (a sine and a cosine per frequency), not {dim}")
    half = dim // 2
    freqs = 10000.0 ** (-np.arange(half) / half)
    angles = ts[:, None] * freqs
    emb = np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
    d.say(
        f"emb(t) = [sin(t·ω_i), cos(t·ω_i)] with ω_i = 10000^(−i/{half}), "
        f"i = 0..{half - 1}, as for Transformer positions."
    )
    d.show(f"first 6 of {dim} entries of each embedding", kit.rounded(emb[:, :6], 3))
    unit = kit.unit_rows(emb)
    cos = unit @ unit.T
    d.show("cosine similarity between the embeddings", kit.rounded(cos, 3))
    d.bars(
        f"similarity to t = {int(ts[0])}",
        [f"t = {int(t)}" for t in ts],
        cos[0],
        text="Each norm is sqrt(dim/2), so the similarity is the mean of cos(Δt·ω_i): it depends only on the gap Δt.",
    )
    d.say("An MLP then maps the embedding to the bias, or the scale and shift, that each denoiser block applies.")
    return {"embedding": emb, "cosine": cos}
