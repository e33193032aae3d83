"""Demos of generative models: a tiny RBM's Boltzmann distribution, the optimal GAN discriminator, mode
collapse, and the VAE's reparameterization trick."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


def _bits(count: int, width: int) -> np.ndarray:
    """Every binary vector of the given width, one per row, counting up from all zeros (first unit = highest bit)."""
    return (np.arange(count)[:, None] >> np.arange(width - 1, -1, -1)) & 1


def _state_label(v: np.ndarray, h: np.ndarray) -> str:
    return "v=" + "".join(str(int(x)) for x in v) + " h=" + "".join(str(int(x)) for x in h)


@demo("boltzmann-energy")
def boltzmann_energy(d: Demo, weights=None, visible_bias=None, hidden_bias=None):
    """Energies and Boltzmann probabilities of every state of a tiny RBM."""
    W = d.array("weights", weights, lambda: np.round(d.rng.normal(0, 1.0, size=(3, 2)), 1), ndim=2)
    nv, nh = W.shape
    if nv + nh > 10:
        raise DemoInputError(
            "weights must be (visible x hidden) with at most 10 units in all, "
            f"so 2^10 states can be listed; got {nv}x{nh}"
        )
    b = d.array("visible_bias", visible_bias, lambda: np.round(d.rng.normal(0, 0.5, size=nv), 1), ndim=1)
    c = d.array("hidden_bias", hidden_bias, lambda: np.round(d.rng.normal(0, 0.5, size=nh), 1), ndim=1)
    if b.size != nv:
        raise DemoInputError(f"visible_bias must have one entry per visible unit (rows of weights): {nv}, not {b.size}")
    if c.size != nh:
        raise DemoInputError(
            f"hidden_bias must have one entry per hidden unit (columns of weights): {nh}, not {c.size}"
        )

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
    d.bars(
        "p(v), summing over the hidden states",
        ["v=" + "".join(str(int(x)) for x in v) for v in visible_states],
        marginal,
    )
    d.say(
        "Because hidden units do not talk to each other, h sums out in closed form: p(v) = exp(-F(v))/Z with "
        "F(v) = -bᵀv - Σⱼ log(1 + exp(cⱼ + (vᵀW)ⱼ)); "
        f"it matches the brute-force sum to {np.max(np.abs(via_free_energy - marginal)):.1e}."
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


def _log_normal(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return -0.5 * ((x - mean) / std) ** 2 - np.log(std) - 0.5 * np.log(2 * np.pi)


def _trapezoid(y: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def _gan_integrals(data_mean: float, data_std: float, gen_mean: float, gen_std: float) -> tuple[float, float]:
    """V(D*, G) = E_data[log D*] + E_g[log(1 - D*)] and JSD(p_data, p_g).

    Both by the trapezoid rule on a grid fine enough for both."""
    x = np.unique(
        np.concatenate(
            [
                np.linspace(data_mean - 12 * data_std, data_mean + 12 * data_std, 2001),
                np.linspace(gen_mean - 12 * gen_std, gen_mean + 12 * gen_std, 2001),
            ]
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
    """The optimal discriminator p_data/(p_data + p_g) and the GAN value."""
    mu_d = d.number("data_mean", data_mean, 0.0, low=-1000, high=1000)
    sd_d = d.number("data_std", data_std, 1.0, low=1e-3, high=1000)
    mu_g = d.number(
        "gen_mean",
        gen_mean,
        lambda: round(float(d.rng.uniform(1.0, 3.0) * d.rng.choice([-1, 1])), 1),
        low=-1000,
        high=1000,
    )
    sd_g = d.number("gen_std", gen_std, lambda: round(float(d.rng.uniform(0.5, 1.5)), 1), low=1e-3, high=1000)
    d.say(
        f"Real data follow N({mu_d:g}, {sd_d:g}²) and the generator's samples N({mu_g:g}, {sd_g:g}²). "
        "For a fixed generator, maximising E_data[log D(x)] + E_g[log(1 "
        "- D(x))] point by point gives D*(x) = p_data/(p_data + p_g)."
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
        text=(
            "D* is near 1 where only real data lie, "
            "near 0 where only generated samples lie, and 1/2 where the densities are equal."
        ),
    )
    value, jsd = _gan_integrals(mu_d, sd_d, mu_g, sd_g)
    d.show(
        "value of the game at D*",
        {
            "V(D*, G)": value,
            "JSD(p_data, p_g)": jsd,
            "-log 4 + 2·JSD": -np.log(4) + 2 * jsd,
            "V with D = 1/2 everywhere": -np.log(4),
        },
        "Integrals by the trapezoid rule. Any other D, such as the constant 1/2, scores less than D*.",
    )
    d.say(
        "So against the best discriminator the generator minimises -log 4 + 2·JSD: "
        f"here {value:.4g}; it reaches its minimum "
        f"-log 4 = {-np.log(4):.4g} only when p_g = p_data, "
        "where D* = 1/2 everywhere and the discriminator can only guess."
    )
    direction = 1.0 if mu_g >= mu_d else -1.0
    shifts = np.linspace(0.0, max(8.0 * max(sd_d, sd_g), 1.5 * abs(mu_g - mu_d)), 25)
    curve = np.array([_gan_integrals(mu_d, sd_d, mu_d + direction * s, sd_g)[1] for s in shifts])
    d.series(
        "JSD as the generator's mean moves away from the data",
        {"JSD": curve},
        x=shifts,
        text=(
            f"Once the two barely overlap the JSD is flat at its maximum log 2 = {np.log(2):.4g}: "
            "moving the generator changes nothing, so its gradient vanishes."
        ),
    )
    return {"x": x, "d_star": d_star, "value": value, "jsd": jsd, "minus_log4_plus_2jsd": float(-np.log(4) + 2 * jsd)}


@demo("vae-reparam")
def vae_reparam(d: Demo, mu=None, sigma=None, c=None, samples=None, trials=None):
    """The gradient of the mean of f(z) by reparameterization z = mu + sigma*eps against the noisier
    score-function estimate."""
    param_rng, sample_rng = d.streams()
    mu = d.number("mu", mu, lambda: round(float(param_rng.uniform(-1.5, 1.5)), 1), low=-100, high=100)
    sigma = d.number("sigma", sigma, lambda: float(param_rng.choice([0.5, 1.0, 1.5])), low=0.01, high=100)
    c = d.number("c", c, lambda: round(float(param_rng.uniform(-2.0, 2.0)), 1), low=-100, high=100)
    n = d.number("samples", samples, 10, low=1, high=1000, integer=True)
    trials = d.number("trials", trials, 500, low=2, high=50_000, integer=True)
    if n * trials > 2_000_000:
        raise DemoInputError(f"samples x trials must be at most 2,000,000; got {n} x {trials} = {n * trials}")

    exact = np.array([2 * (mu - c), 2 * sigma])
    d.say(
        f"Goal: the gradient of E[f(z)] with z ~ N(μ = {kit.fmt(mu)}, "
        f"σ² = {kit.fmt(sigma**2)}) and f(z) = ({kit.minus_text('z', c)})². "
        "In closed form E[f] = (μ - c)² + σ², so the gradient is 2(μ - c) "
        f"= {kit.fmt(exact[0])} for μ and 2σ = {kit.fmt(exact[1])} for σ. "
        "A sample drawn as z ~ N(μ, σ²) is just a number: "
        "nothing connects it back to μ and σ, so backpropagation cannot pass through it."
    )
    d.show("exact gradient (d/dμ, d/dσ)", exact)

    eps = sample_rng.standard_normal((trials, n))
    z = mu + sigma * eps
    slope = 2 * (z - c)  # f'(z)
    value = (z - c) ** 2  # f(z)
    # Reparameterization: z = μ + σ·ε, so dz/dμ = 1 and dz/dσ = ε.
    reparam = np.stack([slope.mean(axis=1), (slope * eps).mean(axis=1)], axis=1)
    # Score function (REINFORCE): f(z) times d log N(z; μ, σ²) / d(μ, σ).
    score = np.stack([(value * eps / sigma).mean(axis=1), (value * (eps**2 - 1) / sigma).mean(axis=1)], axis=1)
    d.say(
        "Reparameterization writes z = μ + σ·ε with ε ~ N(0, 1): "
        "the noise is an input, z is a differentiable function of μ and σ, "
        "and the estimate is the average of f'(z)·1 for μ and f'(z)·ε for σ. "
        "The score-function estimator instead averages f(z)·∂log p(z)/∂θ, which needs only values of f, not its slope."
    )
    shown = min(trials, 30)
    d.series(
        f"estimates of d/dμ, each from {n} sample(s), first {shown} trials",
        {
            "reparameterization": reparam[:shown, 0],
            "score function": score[:shown, 0],
            "exact": np.full(shown, exact[0]),
        },
        x=np.arange(1, shown + 1),
    )
    reparam_std = reparam.std(axis=0, ddof=1)
    score_std = score.std(axis=0, ddof=1)
    d.bars(
        f"spread (standard deviation) of the estimates over {trials} trials",
        ["reparam d/dμ", "score d/dμ", "reparam d/dσ", "score d/dσ"],
        [reparam_std[0], score_std[0], reparam_std[1], score_std[1]],
    )
    d.show("mean estimate (d/dμ, d/dσ): reparameterization", reparam.mean(axis=0))
    d.show("mean estimate (d/dμ, d/dσ): score function", score.mean(axis=0))
    ratio = (score_std[0] / reparam_std[0]) ** 2 if reparam_std[0] > 0 else float("inf")
    d.say(
        "Both are unbiased (their means sit near the exact values), "
        f"but the score-function estimate of d/dμ has about {ratio:.3g} times "
        "the variance here: it uses only f's values, "
        "whereas reparameterization also uses f's slope. That is why VAEs reparameterize."
    )
    return {
        "exact": exact,
        "reparam_mean": reparam.mean(axis=0),
        "reparam_std": reparam_std,
        "score_mean": score.mean(axis=0),
        "score_std": score_std,
    }


def mixture_on_bins(bins: int, modes: np.ndarray, width: float = 1.0, floor: float = 1e-3) -> np.ndarray:
    """Equal-weight Gaussian bumps at `modes` over bins 0..bins-1, plus a small floor, normalised."""
    x = np.arange(bins)
    p = np.exp(-0.5 * ((x[:, None] - modes[None, :]) / width) ** 2).sum(axis=1) + floor
    return p / p.sum()


def _mode_mass(p: np.ndarray, modes: np.ndarray) -> np.ndarray:
    """Probability mass of each mode's region: every bin belongs to its nearest mode."""
    owner = np.argmin(np.abs(np.arange(p.size)[:, None] - modes[None, :]), axis=1)
    return np.array([p[owner == k].sum() for k in range(modes.size)])


def _train_generator(
    logits: np.ndarray, p_data: np.ndarray, rounds: int, g_steps: int, lr: float
) -> tuple[np.ndarray, list]:
    """Alternate: the discriminator set to its optimum for the current generator, then g_steps ascent steps for G
    on E_g[log D]."""
    history = []
    for _ in range(rounds):
        p_g = kit.softmax(logits)
        log_d = np.log(p_data / (p_data + p_g))  # the optimal discriminator D* = p_data / (p_data + p_g), frozen
        for _ in range(g_steps):
            p_g = kit.softmax(logits)
            logits = logits + lr * p_g * (log_d - p_g @ log_d)  # gradient of Σ p_g log D w.r.t. softmax logits
        history.append(kit.softmax(logits))
    return logits, history


@demo("gan-mode-collapse")
def gan_mode_collapse(
    d: Demo, bins=None, modes=None, g_steps=None, lr=None, rounds=None, balanced_lr=None, balanced_rounds=None
):
    """A generator trained hard against a frozen discriminator piles onto one mode of a mixture and hops between
    modes."""
    (init_rng,) = d.streams(1)
    bins = d.number("bins", bins, 24, low=6, high=200, integer=True)
    modes = kit.vector(
        d, "modes", modes, lambda: [int((2 * i + 1) * bins / 6) for i in range(3)], min_len=2, max_len=10
    )
    if np.any(modes != np.round(modes)) or modes.min() < 0 or modes.max() > bins - 1:
        raise DemoInputError(f"modes must be whole bin numbers between 0 and {bins - 1}; got {modes.tolist()}")
    if np.unique(modes).size != modes.size:
        raise DemoInputError(f"modes must be different bins; got {modes.tolist()}")
    g_steps = d.number("g_steps", g_steps, 100, low=1, high=1000, integer=True)
    lr = d.number("lr", lr, 30.0, low=0.001, high=1000)
    rounds = d.number("rounds", rounds, 8, low=1, high=100, integer=True)
    balanced_lr = d.number("balanced_lr", balanced_lr, 10.0, low=0.001, high=1000)
    balanced_rounds = d.number("balanced_rounds", balanced_rounds, 40, low=1, high=2000, integer=True)

    p_data = mixture_on_bins(bins, modes)
    start = init_rng.normal(0.0, 0.5, size=bins)
    d.say(
        f"The data is a mixture of {modes.size} equal bumps on {bins} bins; "
        "the generator is a softmax over the bins, so it could "
        "match the data exactly. Each round the discriminator is set "
        "to its optimum D* = p_data / (p_data + p_g) and frozen, and "
        "the generator climbs its non-saturating objective E_g[log D]."
    )
    d.series("the data distribution over bins", {"p_data": p_data}, x=np.arange(bins))

    _, hard = _train_generator(start.copy(), p_data, rounds, g_steps, lr)
    hard_mass = np.array([_mode_mass(p, modes) for p in hard])
    d.series(
        (
            f"generator mass on each mode after each round ({g_steps} "
            f"generator steps of lr {kit.fmt(lr)} against a frozen D)"
        ),
        {f"mode at {int(m)}": hard_mass[:, k] for k, m in enumerate(modes)},
        x=np.arange(1, rounds + 1),
    )
    collapsed = int(np.sum(hard_mass.max(axis=1) > 0.9))
    d.say(
        "Against a fixed D the generator's best move is to pile its mass where D is highest, "
        f"on one mode: in {collapsed} of {rounds} "
        "rounds over 90% of its samples sit on a single mode. "
        "When D is refitted the favoured spot moves, and the generator hops "
        "to another mode instead of spreading out. That is mode collapse."
    )

    _, balanced = _train_generator(start.copy(), p_data, balanced_rounds, 1, balanced_lr)
    balanced_mass = _mode_mass(balanced[-1], modes)
    d.series(
        "final generator distributions",
        {
            "p_data": p_data,
            f"{g_steps} G steps per D fit": hard[-1],
            f"1 G step (lr {kit.fmt(balanced_lr)}) per D fit": balanced[-1],
        },
        x=np.arange(bins),
    )
    d.bars(
        (
            f"mass per mode after {balanced_rounds} balanced rounds (data: "
            f"{', '.join(kit.fmt(v) for v in _mode_mass(p_data, modes))})"
        ),
        [f"mode at {int(m)}" for m in modes],
        balanced_mass,
        text="With one modest generator step per discriminator fit, the same generator spreads over every mode.",
    )
    d.say(
        "Fixes act on this dynamic: unrolled GANs let G anticipate D's response, "
        "minibatch discrimination lets D see that a batch "
        "lacks variety, and Wasserstein critics give useful gradients towards the modes G is missing."
    )
    return {
        "p_data": p_data,
        "data_mode_mass": _mode_mass(p_data, modes),
        "hard_mode_mass": hard_mass,
        "hard_final": hard[-1],
        "balanced_mode_mass": balanced_mass,
        "balanced_final": balanced[-1],
    }
