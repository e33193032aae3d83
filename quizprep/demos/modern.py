"""Demos: generative and representation learning, smaller models, honest data (issue 9) (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations

import itertools

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo

# Shared helpers.


def _streams(d: Demo, count: int = 2) -> list[np.random.Generator]:
    """Independent generators split off d.rng before any parameter is read.

    One usually draws parameter defaults, the others the demo's own randomness, so passing a parameter (whose
    default is then never drawn) does not shift the random numbers used afterwards: reported params reproduce.
    """
    seeds = d.rng.integers(0, 2**62, size=count)
    return [np.random.default_rng(int(seed)) for seed in seeds]


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _minus(a: str, b: float) -> str:
    """'a - b' written without a double sign: 'z - 1.5' or 'z + 1.5'."""
    return f"{a} - {_fmt(b)}" if b >= 0 else f"{a} + {_fmt(-b)}"


def _vector(d: Demo, name: str, value, default, *, min_len: int = 1, max_len: int = 10_000) -> np.ndarray:
    array = d.array(name, value, default)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise DemoInputError(f"{name} must be a vector like [1, 2, 3]; got an array of shape {array.shape}")
    if not min_len <= array.size <= max_len:
        raise DemoInputError(f"{name} must have between {min_len} and {max_len} entries; got {array.size}")
    return array


def _softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the maximum for stability."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _entropy(p: np.ndarray) -> np.ndarray:
    return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=-1)


# Generative and representation learning.


@demo("vae-reparam")
def vae_reparam(d: Demo, mu=None, sigma=None, c=None, samples=None, trials=None):
    param_rng, sample_rng = _streams(d)
    mu = d.number("mu", mu, lambda: round(float(param_rng.uniform(-1.5, 1.5)), 1), low=-100, high=100)
    sigma = d.number("sigma", sigma, lambda: float(param_rng.choice([0.5, 1.0, 1.5])), low=0.01, high=100)
    c = d.number("c", c, lambda: round(float(param_rng.uniform(-2.0, 2.0)), 1), low=-100, high=100)
    n = d.number("samples", samples, 10, low=1, high=1000, integer=True)
    trials = d.number("trials", trials, 500, low=2, high=50_000, integer=True)
    if n * trials > 2_000_000:
        raise DemoInputError(f"samples x trials must be at most 2,000,000; got {n} x {trials} = {n * trials}")

    exact = np.array([2 * (mu - c), 2 * sigma])
    d.say(
        f"Goal: the gradient of E[f(z)] with z ~ N(μ = {_fmt(mu)}, σ² = {_fmt(sigma**2)}) and f(z) = ({_minus('z', c)})². "
        f"In closed form E[f] = (μ - c)² + σ², so the gradient is 2(μ - c) = {_fmt(exact[0])} for μ and 2σ = {_fmt(exact[1])} for σ. "
        "A sample drawn as z ~ N(μ, σ²) is just a number: nothing connects it back to μ and σ, so backpropagation cannot pass through it."
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
        "Reparameterization writes z = μ + σ·ε with ε ~ N(0, 1): the noise is an input, z is a differentiable function of μ and σ, "
        "and the estimate is the average of f'(z)·1 for μ and f'(z)·ε for σ. "
        "The score-function estimator instead averages f(z)·∂log p(z)/∂θ, which needs only values of f, not its slope."
    )
    shown = min(trials, 30)
    d.series(
        f"estimates of d/dμ, each from {n} sample(s), first {shown} trials",
        {"reparameterization": reparam[:shown, 0], "score function": score[:shown, 0], "exact": np.full(shown, exact[0])},
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
        f"Both are unbiased (their means sit near the exact values), but the score-function estimate of d/dμ has about {ratio:.3g} times "
        "the variance here: it uses only f's values, whereas reparameterization also uses f's slope. That is why VAEs reparameterize."
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


def _train_generator(logits: np.ndarray, p_data: np.ndarray, rounds: int, g_steps: int, lr: float) -> tuple[np.ndarray, list]:
    """Alternate: discriminator set to its optimum for the current generator, then g_steps ascent steps for G on E_g[log D]."""
    history = []
    for _ in range(rounds):
        p_g = _softmax(logits)
        log_d = np.log(p_data / (p_data + p_g))  # the optimal discriminator D* = p_data / (p_data + p_g), frozen
        for _ in range(g_steps):
            p_g = _softmax(logits)
            logits = logits + lr * p_g * (log_d - p_g @ log_d)  # gradient of Σ p_g log D w.r.t. softmax logits
        history.append(_softmax(logits))
    return logits, history


@demo("gan-mode-collapse")
def gan_mode_collapse(d: Demo, bins=None, modes=None, g_steps=None, lr=None, rounds=None, balanced_lr=None, balanced_rounds=None):
    (init_rng,) = _streams(d, 1)
    bins = d.number("bins", bins, 24, low=6, high=200, integer=True)
    modes = _vector(d, "modes", modes, lambda: [int((2 * i + 1) * bins / 6) for i in range(3)], min_len=2, max_len=10)
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
        f"The data is a mixture of {modes.size} equal bumps on {bins} bins; the generator is a softmax over the bins, so it could "
        "match the data exactly. Each round the discriminator is set to its optimum D* = p_data / (p_data + p_g) and frozen, and "
        "the generator climbs its non-saturating objective E_g[log D]."
    )
    d.series("the data distribution over bins", {"p_data": p_data}, x=np.arange(bins))

    _, hard = _train_generator(start.copy(), p_data, rounds, g_steps, lr)
    hard_mass = np.array([_mode_mass(p, modes) for p in hard])
    d.series(
        f"generator mass on each mode after each round ({g_steps} generator steps of lr {_fmt(lr)} against a frozen D)",
        {f"mode at {int(m)}": hard_mass[:, k] for k, m in enumerate(modes)},
        x=np.arange(1, rounds + 1),
    )
    collapsed = int(np.sum(hard_mass.max(axis=1) > 0.9))
    d.say(
        f"Against a fixed D the generator's best move is to pile its mass where D is highest, on one mode: in {collapsed} of {rounds} "
        "rounds over 90% of its samples sit on a single mode. When D is refitted the favoured spot moves, and the generator hops "
        "to another mode instead of spreading out. That is mode collapse."
    )

    _, balanced = _train_generator(start.copy(), p_data, balanced_rounds, 1, balanced_lr)
    balanced_mass = _mode_mass(balanced[-1], modes)
    d.series(
        "final generator distributions",
        {"p_data": p_data, f"{g_steps} G steps per D fit": hard[-1], f"1 G step (lr {_fmt(balanced_lr)}) per D fit": balanced[-1]},
        x=np.arange(bins),
    )
    d.bars(
        f"mass per mode after {balanced_rounds} balanced rounds (data: {', '.join(_fmt(v) for v in _mode_mass(p_data, modes))})",
        [f"mode at {int(m)}" for m in modes],
        balanced_mass,
        text="With one modest generator step per discriminator fit, the same generator spreads over every mode.",
    )
    d.say(
        "Fixes act on this dynamic: unrolled GANs let G anticipate D's response, minibatch discrimination lets D see that a batch "
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


def free_running_accuracy(error: float, vocab: int, length: int) -> np.ndarray:
    """Exact chance that the t-th generated token is right when the decoder feeds back its own tokens (t = 1..length).

    State 'on track' (previous token right) or 'off track'; a right token needs a step without a slip from on track,
    or landing on the one right token among the vocab - 1 slips from off track.
    """
    transition = np.array([[1 - error, error], [error / (vocab - 1), 1 - error / (vocab - 1)]])
    state = np.array([1.0, 0.0])
    out = []
    for _ in range(length):
        state = state @ transition
        out.append(state[0])
    return np.array(out)


def decode_runs(rng: np.random.Generator, targets: np.ndarray, error: float, vocab: int, forced: bool, runs: int) -> tuple[np.ndarray, np.ndarray]:
    """Run the toy decoder `runs` times at once; returns (inputs fed at each step, tokens produced), each runs x T.

    targets[0] is the start token. The decoder means to emit previous + 1 (mod vocab) and slips with probability
    `error` to one of the other vocab - 1 tokens, chosen uniformly.
    """
    length = targets.size - 1
    inputs, outputs = np.zeros((runs, length), dtype=int), np.zeros((runs, length), dtype=int)
    previous = np.full(runs, int(targets[0]))
    for t in range(length):
        inputs[:, t] = previous
        intended = (previous + 1) % vocab
        slip = rng.random(runs) < error
        other = rng.integers(vocab - 1, size=runs)
        other = other + (other >= intended)  # skip the intended token
        outputs[:, t] = np.where(slip, other, intended)
        previous = np.full(runs, int(targets[t + 1])) if forced else outputs[:, t]
    return inputs, outputs


@demo("teacher-forcing")
def teacher_forcing(d: Demo, vocab=None, length=None, error=None, runs=None):
    param_rng, sample_rng = _streams(d)
    vocab = d.number("vocab", vocab, 10, low=2, high=1000, integer=True)
    length = d.number("length", length, 20, low=2, high=200, integer=True)
    error = d.number("error", error, 0.1, low=0.0, high=1.0)
    runs = d.number("runs", runs, 1000, low=1, high=100_000, integer=True)
    if runs * length > 2_000_000:
        raise DemoInputError(f"runs x length must be at most 2,000,000; got {runs} x {length}")

    first = int(param_rng.integers(vocab))
    targets = (first + np.arange(length + 1)) % vocab
    d.say(
        f"The target is counting modulo {vocab} from token {first}: each token is the previous one plus 1. "
        f"The toy decoder has learned this rule but slips with probability {_fmt(error)} per step, emitting a random other token."
    )
    f_in, f_out = (a[0] for a in decode_runs(sample_rng, targets, error, vocab, True, 1))
    r_in, r_out = (a[0] for a in decode_runs(sample_rng, targets, error, vocab, False, 1))
    d.show("target tokens y_1..y_T", targets[1:])
    d.show(
        "decoder inputs with teacher forcing (always the true previous token)",
        f_in,
        f"Its outputs: {f_out.tolist()}; a slip costs one token and the next step starts again from the truth.",
    )
    d.show(
        "decoder inputs when running free (its own previous output)",
        r_in,
        f"Its outputs: {r_out.tolist()}; after a slip every later step continues from the wrong token.",
    )

    forced_hits = (decode_runs(sample_rng, targets, error, vocab, True, runs)[1] == targets[1:]).sum(axis=0)
    free_hits = (decode_runs(sample_rng, targets, error, vocab, False, runs)[1] == targets[1:]).sum(axis=0)
    exact = free_running_accuracy(error, vocab, length)
    d.series(
        f"chance the token at position t is right ({runs} sampled runs, and exact)",
        {"teacher forcing (sampled)": forced_hits / runs, "free running (sampled)": free_hits / runs, "free running (exact)": exact},
        x=np.arange(1, length + 1),
    )
    d.say(
        f"With forcing every position is right with probability {_fmt(1 - error)}; running free, position {length} is right only "
        f"{_fmt(exact[-1])} of the time, because errors compound. Training with forcing never shows the model its own mistakes "
        "(exposure bias); scheduled sampling feeds it some of its own predictions during training."
    )
    return {
        "targets": targets[1:],
        "forced_accuracy": forced_hits / runs,
        "free_accuracy": free_hits / runs,
        "free_accuracy_exact": exact,
    }


# Beam search over a tiny next-token model. Token 0 is the end-of-sequence token.

BEAM_START = [0.05, 0.45, 0.4, 0.1]
BEAM_TABLE = [  # rows: previous token A, B, C; columns: </s>, A, B, C
    [0.2, 0.05, 0.05, 0.7],
    [0.7, 0.1, 0.1, 0.1],
    [0.75, 0.1, 0.1, 0.05],
]


def _token_names(vocab: int) -> list[str]:
    return ["</s>"] + [chr(ord("A") + i) for i in range(vocab - 1)]


def _words(seq, names) -> str:
    return " ".join(names[t] for t in seq)


def _next_logp(seq: tuple, log_start: np.ndarray, log_table: np.ndarray) -> np.ndarray:
    return log_start if not seq else log_table[seq[-1] - 1]


def beam_decode(log_start: np.ndarray, log_table: np.ndarray, width: int, max_len: int) -> list[tuple[tuple, float]]:
    """Keep the `width` best partial sequences by log-probability; those that emit </s> (token 0) leave the beam.

    Returns every finished hypothesis (sequence, log-probability); sequences still open at max_len count as finished.
    """
    live: list[tuple[tuple, float]] = [((), 0.0)]
    finished: list[tuple[tuple, float]] = []
    for _ in range(max_len):
        candidates = []
        for seq, logp in live:
            step = _next_logp(seq, log_start, log_table)
            candidates += [((*seq, token), logp + float(step[token])) for token in range(step.size) if np.isfinite(step[token])]
        candidates.sort(key=lambda c: -c[1])
        live = []
        for seq, logp in candidates[:width]:
            (finished if seq[-1] == 0 else live).append((seq, logp))
        if not live:
            break
    return finished + live


def length_normalised(logp: float, length: int, alpha: float) -> float:
    return logp / length**alpha


@demo("beam-search")
def beam_search(d: Demo, start=None, table=None, beam=None, max_len=None, alpha=None):
    start = _vector(d, "start", start, BEAM_START, min_len=2, max_len=8)
    vocab = start.size
    if table is None and vocab != len(BEAM_START):
        raise DemoInputError("with a start vector of a new length, also give table: one row per word (every token but </s>)")
    table = d.array("table", table, BEAM_TABLE, ndim=2)
    if table.shape != (vocab - 1, vocab):
        raise DemoInputError(f"table must be {vocab - 1}x{vocab}: one row per word, one column per token (</s> first); got {table.shape}")
    for name, probs in [("start", start[None, :]), ("table", table)]:
        if np.any(probs < 0) or np.any(np.abs(probs.sum(axis=1) - 1) > 1e-6):
            raise DemoInputError(f"every row of {name} must hold probabilities that add up to 1")
    beam = d.number("beam", beam, 2, low=1, high=1000, integer=True)
    max_len = d.number("max_len", max_len, 4, low=1, high=6, integer=True)
    alpha = d.number("alpha", alpha, 1.0, low=0.0, high=3.0)

    names = _token_names(vocab)
    with np.errstate(divide="ignore"):
        log_start, log_table = np.log(start), np.log(table)
    d.say(
        f"A tiny language model over {', '.join(names)}: the first token follows the start distribution, each later one "
        f"depends on the previous word, and a sequence ends at </s> or after {max_len} tokens."
    )
    d.show("start probabilities (</s>, words)", start)
    d.show("next-token probabilities, one row per previous word", table)

    greedy_seq, greedy_logp = beam_decode(log_start, log_table, 1, max_len)[0]
    d.say(f"Greedy decoding takes the most likely token each step: '{_words(greedy_seq, names)}', probability {_fmt(np.exp(greedy_logp))}.")

    hypotheses = beam_decode(log_start, log_table, beam, max_len)
    hypotheses.sort(key=lambda h: -h[1])
    labels = [_words(seq, names) for seq, _ in hypotheses]
    d.bars(
        f"hypotheses a width-{beam} beam ends with (ended by </s> or cut at {max_len} tokens): log-probability",
        labels,
        [logp for _, logp in hypotheses],
    )
    best_raw = max(hypotheses, key=lambda h: h[1])
    best_norm = max(hypotheses, key=lambda h: length_normalised(h[1], len(h[0]), alpha))
    d.bars(
        f"the same hypotheses scored with length normalisation log P / L^{_fmt(alpha)}",
        labels,
        [length_normalised(logp, len(seq), alpha) for seq, logp in hypotheses],
    )

    every = []
    for length in range(1, max_len + 1):
        for seq in itertools.product(range(vocab), repeat=length):
            if 0 in seq[:-1] or (seq[-1] != 0 and length < max_len):
                continue
            logp = sum(float(_next_logp(seq[:i], log_start, log_table)[t]) for i, t in enumerate(seq))
            if np.isfinite(logp):
                every.append((seq, logp))
    exact = max(every, key=lambda h: h[1])
    exact_norm = max(every, key=lambda h: length_normalised(h[1], len(h[0]), alpha))
    d.say(
        f"Beam search keeps {beam} partial sequences per step and finds '{_words(best_raw[0], names)}' (probability "
        f"{_fmt(np.exp(best_raw[1]))}); checking all {len(every)} possible sequences, the most likely is '{_words(exact[0], names)}' "
        f"({_fmt(np.exp(exact[1]))}). Greedy may commit early to a token whose continuations are weak. Raw log-probability only falls "
        f"as a sequence grows, so it favours short outputs; divided by L^{_fmt(alpha)} the beam returns '{_words(best_norm[0], names)}'."
    )
    return {
        "greedy": list(greedy_seq),
        "greedy_logp": greedy_logp,
        "beam": list(best_raw[0]),
        "beam_logp": best_raw[1],
        "beam_normalised": list(best_norm[0]),
        "hypotheses": [list(seq) for seq, _ in hypotheses],
        "hypothesis_logp": [logp for _, logp in hypotheses],
        "exact": list(exact[0]),
        "exact_logp": exact[1],
        "exact_normalised": list(exact_norm[0]),
    }


def _unit_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    if np.any(norms == 0):
        raise DemoInputError("every embedding must be non-zero (each row is scaled to unit length)")
    return m / norms


def info_nce(sim: np.ndarray, temperature: float) -> np.ndarray:
    """Per-anchor InfoNCE loss: row i's positive is column i, the other columns are its negatives."""
    return -np.diag(_log_softmax(sim / temperature))


@demo("contrastive-infonce")
def contrastive_infonce(d: Demo, anchors=None, positives=None, temperature=None, noise=None):
    data_rng, noise_rng = _streams(d)
    X = d.array("anchors", anchors, lambda: np.round(data_rng.normal(size=(6, 8)), 2), ndim=2)
    n, dim = X.shape
    if n < 2 or X.size > 10_000:
        raise DemoInputError(f"anchors must have at least 2 rows (one per example) and at most 10,000 numbers; got {n}x{dim}")
    noise = d.number("noise", noise, 0.5, low=0.0, high=10.0)
    Y = d.array("positives", positives, lambda: np.round(X + noise * noise_rng.normal(size=X.shape), 2), ndim=2)
    if Y.shape != X.shape:
        raise DemoInputError(f"positives must have the same shape as anchors ({n}x{dim}); got {Y.shape[0]}x{Y.shape[1]}")
    tau = d.number("temperature", temperature, 0.1, low=0.001, high=100)

    sim = _unit_rows(X) @ _unit_rows(Y).T
    d.say(
        f"{n} anchors and their positives (noisy views of the same {dim}-d items) are scaled to unit length; entry (i, j) below is the "
        "cosine similarity of anchor i and positive j. The diagonal holds the positive pairs; the rest of each row are the negatives."
    )
    d.show("cosine similarities", np.round(sim, 3))
    losses = info_nce(sim, tau)
    symmetric = 0.5 * (losses.mean() + info_nce(sim.T, tau).mean())
    d.show(
        f"per-anchor loss -log softmax(row / τ)[i] at τ = {_fmt(tau)}",
        losses,
        f"Mean InfoNCE {_fmt(losses.mean())}; CLIP's symmetric version (rows and columns) {_fmt(symmetric)}; "
        f"log N = {_fmt(np.log(n))} is the loss when every similarity is equal.",
    )
    taus = np.array([0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0])
    mean_loss = [info_nce(sim, t).mean() for t in taus]
    hardest_share = []
    for t in taus:
        weights = _softmax(sim / t)
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
        f"A small τ sharpens the softmax: the loss (and its gradient) concentrates on the hardest negatives; a large τ spreads "
        f"weight evenly and the loss tends to log N. Each anchor's positive is its most similar item for {accuracy:.0%} of anchors."
    )
    return {"similarity": sim, "losses": losses, "loss": float(losses.mean()), "symmetric_loss": float(symmetric), "top1_accuracy": accuracy}


# Smaller models.


def soft_targets(logits: np.ndarray, temperature: float) -> np.ndarray:
    return _softmax(logits / temperature)


@demo("distillation-soft-targets")
def distillation_soft_targets(d: Demo, teacher=None, student=None, temperature=None):
    param_rng = _streams(d, 1)[0]
    teacher = _vector(d, "teacher", teacher, lambda: np.round(np.sort(param_rng.normal(0, 2.5, size=5))[::-1], 1), min_len=2, max_len=100)
    student = _vector(d, "student", student, lambda: np.round(param_rng.normal(0, 1.5, size=teacher.size), 1), min_len=2, max_len=100)
    if student.size != teacher.size:
        raise DemoInputError(f"student has {student.size} logits but teacher has {teacher.size}: both score the same classes")
    T = d.number("temperature", temperature, 4.0, low=0.05, high=1000)

    temps = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    table = np.array([soft_targets(teacher, t) for t in temps])
    d.say(f"The teacher's logits for {teacher.size} classes, turned into probabilities by softmax(z / T) at several temperatures T.")
    d.show("teacher logits", teacher)
    d.show(
        "teacher probabilities, one row per T = 1, 2, 4, 8, 16",
        np.round(table, 4),
        f"At T = 1 the top class gets {table[0].max():.1%} of the mass; raising T reveals how the teacher ranks the wrong "
        "classes (the 'dark knowledge' a one-hot label throws away).",
    )
    d.series("entropy of the soft targets (nats) by T", {"teacher": _entropy(table), "uniform": np.full(temps.size, np.log(teacher.size))}, x=temps)

    p, q = soft_targets(teacher, T), soft_targets(student, T)
    kl = float(np.sum(p * (np.log(p) - np.log(q))))
    grad = T * (q - p)  # gradient of T²·KL(p_T || q_T) with respect to the student's logits
    d.show(f"student probabilities at T = {_fmt(T)}", q, f"KL(teacher || student) at this T is {_fmt(kl)} nats.")
    d.show("gradient of T²·KL w.r.t. the student logits = T·(q_T - p_T)", grad)
    plain = [np.linalg.norm((soft_targets(student, t) - soft_targets(teacher, t)) / t) for t in temps]
    d.series(
        "gradient norm of the soft loss by T, without and with the T² factor",
        {"KL alone": plain, "T²·KL": [g * t * t for g, t in zip(plain, temps)]},
        x=temps,
    )
    d.say(
        "Without T² the soft-target gradient shrinks roughly like 1/T², so the balance with the hard-label loss would change "
        "with every T; multiplying by T² keeps it comparable."
    )
    return {"soft_targets": table, "entropy": _entropy(table), "kl": kl, "grad": grad, "grad_norm_plain": plain}


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
    param_rng, data_rng = _streams(d)
    p = d.number("features", features, 20, low=2, high=200, integer=True)
    k = d.number("informative", informative, min(5, p), low=1, high=p, integer=True)
    n = d.number("n_train", n_train, 200, low=p + 1, high=5000, integer=True)
    levels = _vector(d, "sparsity", sparsity, [0.0, 0.25, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95], max_len=50)
    if np.any(levels < 0) or np.any(levels > 1):
        raise DemoInputError("sparsity values must be fractions between 0 and 1")

    true_w = np.zeros(p)
    true_w[param_rng.choice(p, size=k, replace=False)] = param_rng.choice([-1, 1], size=k) * param_rng.uniform(1, 3, size=k)
    X = data_rng.normal(size=(n, p))
    X_test = data_rng.normal(size=(2000, p))
    y = np.sign(X @ true_w + 0.5 * data_rng.normal(size=n))
    y_test = np.sign(X_test @ true_w + 0.5 * data_rng.normal(size=2000))
    w = _least_squares(X, y)
    d.say(
        f"A linear classifier sign(w·x) on {p} standardised features, of which only {k} matter, is fitted by least squares to "
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
    safe = [s for s, a in zip(levels, accuracy) if a >= dense - 0.01]
    d.say(
        f"Up to {max(safe):.0%} sparsity the pruned model stays within one point of the dense accuracy {dense:.3f}: the pruned weights "
        f"were near-useless. Once pruning reaches the {k} informative weights, accuracy falls; refitting the survivors "
        "(fine-tuning) recovers some of the loss. Unstructured zeros like these save memory only in a sparse format."
    )
    return {"weights": w, "sparsity": levels, "kept": kept, "accuracy": accuracy, "accuracy_refit": refit, "pruned_weights": pruned_all}


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
    param_rng = _streams(d, 1)[0]
    x = _vector(d, "x", x, lambda: np.round(param_rng.normal(0.3, 1.0, size=10), 3), max_len=10_000)
    bits = d.number("bits", bits, 8, low=2, high=16, integer=True)
    outlier = d.number("outlier", outlier, lambda: round(12 * float(np.abs(x).max()), 2), low=-1e6, high=1e6)
    if np.all(x == 0):
        raise DemoInputError("x must not be all zeros: its range sets the scale")

    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    scale, zp, q = affine_quantize(x, bits)
    lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
    d.show("float values x", x)
    d.say(
        f"Affine {bits}-bit quantization maps the range [{_fmt(lo)}, {_fmt(hi)}] (stretched to include 0) onto the integers "
        f"{qmin}..{qmax}: scale s = ({_minus(_fmt(hi), lo)}) / {qmax - qmin} = {_fmt(scale)}, and zero point "
        f"z = round({_minus(str(qmin), lo / scale)}) = {zp}, the integer that stands for 0.0."
    )
    d.show("codes q = clamp(round(x / s) + z)", q)
    back = (q - zp) * scale
    error = x - back
    d.show("dequantized x̂ = s·(q - z)", back)
    d.show(
        "round-trip error x - x̂",
        error,
        f"Every error is at most s/2 = {_fmt(scale / 2)} in size (largest here {_fmt(np.abs(error).max())}); "
        f"the {x.size} values now take {bits} bits each instead of 32.",
    )
    sym_scale, sym_q = symmetric_quantize(x, bits)
    sym_error = np.abs(x - sym_q * sym_scale).max()
    if sym_error > 1.2 * np.abs(error).max():
        sym_text = "Symmetric quantization (z = 0, s = max|x| / qmax) gives both signs the same number of codes, so a lopsided range gets a coarser step"
    else:
        sym_text = "With values on both sides of 0, symmetric quantization (z = 0, s = max|x| / qmax) does about as well"
    with_outlier = np.append(x, outlier)
    o_scale, o_zp, o_q = affine_quantize(with_outlier, bits)
    o_error = np.abs(with_outlier[:-1] - (o_q[:-1] - o_zp) * o_scale).max()
    d.bars(
        "largest round-trip error on the original values",
        ["affine (zero point)", "symmetric (z = 0)", f"affine, outlier {_fmt(outlier)} added"],
        [np.abs(error).max(), sym_error, o_error],
        text=(
            f"{sym_text}; one outlier stretches the affine scale to "
            f"{_fmt(o_scale)} and coarsens every other value, which is why calibration clips ranges or uses per-channel scales."
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


# Honest data.


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
    """k-fold CV (contiguous folds) of select-top-k-features + nearest centroid; `mode` says what is fitted on which rows."""
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
        fold_of_group = dict(zip(rng.permutation(ids), np.arange(ids.size) % folds))
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
    data_rng, split_rng = _streams(d)
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
        f"{n} examples with {p} features; by default both features and 0/1 labels are pure noise, so no model can beat 50% on "
        f"new data. The pipeline standardises the features, keeps the {k} most label-correlated ones and classifies by the nearest class mean, "
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
            "Fitting the scaler on every row leaks only the validation rows' means and spreads, which barely moves the score; "
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
            text="A validation row whose copy sits in training is matched exactly, so a random split rewards memorising.",
        )
    d.say(
        f"The leaky pipeline reports {select_all:.0%} on noise; the honest one reports {honest:.0%}. Every fitted step (scaling, "
        "feature selection, imputation, tuning) belongs inside the split, and duplicates, time order and patients must not straddle it."
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
    data_rng, feature_rng = _streams(d)
    n = d.number("n_train", n_train, 20, low=2, high=200, integer=True)
    dim = d.number("dim", dim, 10, low=1, high=50, integer=True)
    noise = d.number("noise", noise, 0.1, low=0.0, high=10.0)
    default_widths = sorted({w for w in [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, n - 2, n - 1, n, n + 1, n + 2, 24, 30, 40, 60, 80, 100, 150, 200, 300, 400] if w >= 1})
    widths = _vector(d, "widths", widths, default_widths, max_len=100)
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
        f"Regression with {n} noisy training points in {dim}-d. The model is p random ReLU features ReLU(Wx) with a linear layer on top, "
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
    d.series("log10 of the mean squared error by number of features p", {"test": np.log10(test_err), "train": np.log10(np.maximum(train_err, 1e-12))}, x=widths)
    peak = int(widths[int(np.argmax(test_err))])
    d.series("norm of the fitted weights ||w|| by p", {"||w||": norm}, x=widths)
    best_under = float(test_err[widths < n].min()) if np.any(widths < n) else float("nan")
    d.say(
        f"Test error first follows the classical U, then peaks at p = {peak}, next to the interpolation threshold p = n = {n}, where exactly "
        f"one weight vector fits every noisy point and it needs huge weights. Past it the fit stays exact, but the minimum-norm choice among "
        f"many fits gets smoother and test error falls again (to {_fmt(test_err[-1])} at p = {int(widths[-1])}, against the best "
        f"{_fmt(best_under)} below the threshold)."
    )
    return {"widths": widths, "train_error": train_err, "test_error": test_err, "weight_norm": norm, "peak_width": peak}


CHINCHILLA = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}  # Hoffmann et al. (2022), fit of approach 3


def scaling_loss(N, D, E, A, B, alpha, beta):
    return E + A / np.power(N, alpha) + B / np.power(D, beta)


def _best_size(C: float, E, A, B, alpha, beta) -> float:
    """The parameter count N minimising the loss when D = C / (6N), by ternary search on log N (the loss is convex there)."""
    lo, hi = np.log(1.0), np.log(C / 6.0)
    for _ in range(120):
        a, b = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        if scaling_loss(np.exp(a), C / (6 * np.exp(a)), E, A, B, alpha, beta) < scaling_loss(np.exp(b), C / (6 * np.exp(b)), E, A, B, alpha, beta):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))


@demo("compute-optimal-scaling")
def compute_optimal_scaling(d: Demo, budgets=None, E=None, A=None, B=None, alpha=None, beta=None):
    budgets = _vector(d, "budgets", budgets, [1e19, 1e20, 1e21, 1e22, 1e23, 1e24], max_len=30)
    if np.any(budgets < 1e6):
        raise DemoInputError("budgets are training FLOPs and must each be at least 1e6")
    E = d.number("E", E, CHINCHILLA["E"], low=0.0, high=100)
    A = d.number("A", A, CHINCHILLA["A"], low=1e-6, high=1e9)
    B = d.number("B", B, CHINCHILLA["B"], low=1e-6, high=1e9)
    alpha = d.number("alpha", alpha, CHINCHILLA["alpha"], low=0.01, high=3)
    beta = d.number("beta", beta, CHINCHILLA["beta"], low=0.01, high=3)
    law = (E, A, B, alpha, beta)

    d.say(
        f"A fitted scaling law gives the final loss of a model with N parameters trained on D tokens: L = {_fmt(E)} + {_fmt(A)}/N^{_fmt(alpha)} "
        f"+ {_fmt(B)}/D^{_fmt(beta)}. Training costs about C = 6·N·D FLOPs, so a fixed budget trades parameters against data."
    )
    sizes = np.logspace(6, 13, 29)
    d.series("log10 of L - E for unlimited data: a straight line, a power law in N", {"log10(L - E)": np.log10(A / sizes**alpha)}, x=np.log10(sizes))
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
    slope_n = float(np.polyfit(np.log(budgets), np.log(n_opt), 1)[0]) if budgets.size > 1 else float(beta / (alpha + beta))
    d.series("log10 N* and log10 D* against log10 C", {"N*": np.log10(n_opt), "D*": np.log10(d_opt)}, x=np.log10(budgets))
    d.say(
        f"N* grows like C^{slope_n:.3f} and D* like C^{1 - slope_n:.3f}: parameters and data should grow together. "
        f"Under this fit that means about {d_opt[0] / n_opt[0]:.0f} to {d_opt[-1] / n_opt[-1]:.0f} tokens per parameter (the "
        "rule of thumb from the same paper is about 20), far more than GPT-3's 300 billion tokens for 175 billion parameters."
    )
    return {
        "budgets": budgets,
        "n_opt": n_opt,
        "d_opt": d_opt,
        "tokens_per_param": d_opt / n_opt,
        "loss_opt": scaling_loss(n_opt, d_opt, *law),
        "slope_n": slope_n,
    }
