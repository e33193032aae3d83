"""Demos for the sequence models topic: recurrent cells, embeddings, decoding and forecasting."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


def _matrix(d: Demo, name: str, value, default) -> np.ndarray:
    """A 2-D parameter; a single number counts as a 1 x 1 matrix."""
    array = d.array(name, value, default)
    if array.ndim == 0:
        array = array.reshape(1, 1)
    if array.ndim != 2:
        raise DemoInputError(f"{name} must be a matrix like [[1, 2], [3, 4]]; got an array of shape {array.shape}")
    return array


def _expect_shape(name: str, array: np.ndarray, shape: tuple[int, int], why: str) -> None:
    if array.shape != shape:
        got = "x".join(str(n) for n in array.shape)
        want = "x".join(str(n) for n in shape)
        raise DemoInputError(f"{name} is {got} but must be {want} ({why})")


@demo("rnn-unroll")
def rnn_unroll(d: Demo, x=None, w=None, u=None, b=None, h0=None):
    """The recurrence h_t = tanh(W h_{t-1} + U x_t + b) unrolled over a short sequence."""
    xs = d.array("x", x, [1, 0, -1])
    if xs.ndim == 0 or xs.ndim > 2:
        raise DemoInputError(
            f"x must be a sequence: a vector of scalar inputs or a matrix with one input per row; got shape {xs.shape}"
        )
    xs = xs.reshape(-1, 1) if xs.ndim == 1 else xs
    W = _matrix(d, "w", w, [[0.5]])
    hidden = W.shape[0]
    _expect_shape(
        "w", W, (hidden, hidden), "the recurrent matrix maps the hidden state to itself, so it must be square"
    )
    U = _matrix(d, "u", u, np.eye(hidden, xs.shape[1]))
    _expect_shape("u", U, (hidden, xs.shape[1]), f"{hidden} hidden units by {xs.shape[1]} input features per step")
    bias = kit.vector(d, "b", b, np.zeros(hidden), hidden)
    h = kit.vector(d, "h0", h0, np.zeros(hidden), hidden)
    states = []
    for x_t in xs:
        h = np.tanh(W @ h + U @ x_t + bias)
        states.append(h)
    states = np.array(states)
    steps = len(xs)
    d.say(
        f"h_t = tanh(W h_(t-1) + U x_t + b) runs {steps} times with the same W, "
        f"U and b; h_0 = {kit.vec_text(d.params['h0'])}."
    )
    d.show("W (recurrent)", W)
    d.show("U (input)", U, text=f"b = {kit.vec_text(bias)}")
    d.show("x_t, one step per row", xs)
    d.show("h_t, one step per row", states)
    if hidden <= 4:
        d.series(
            "hidden state by step", {f"unit {i + 1}": states[:, i] for i in range(hidden)}, x=np.arange(1, steps + 1)
        )
    d.say(
        f"h_{steps} = {kit.vec_text(states[-1])} depends on every input, "
        "through the chain of states fed back step by step."
    )
    return states


def _lstm_default_bias(hidden: int) -> np.ndarray:
    bias = np.zeros(4 * hidden)
    bias[hidden : 2 * hidden] = 1.0  # forget gate starts mostly open
    return bias


@demo("lstm-step")
def lstm_step(d: Demo, x=None, h=None, c=None, w=None, b=None):
    """One LSTM step: forget, input and output gates and the cell state."""
    xt = kit.vector(d, "x", x, lambda: kit.rounded_normal(d, 3))
    h_prev = kit.vector(d, "h", h, lambda: kit.rounded_normal(d, 2, 0.5))
    hidden = h_prev.size
    c_prev = kit.vector(d, "c", c, lambda: kit.rounded_normal(d, hidden), hidden)
    W = _matrix(d, "w", w, lambda: kit.rounded_normal(d, (4 * hidden, hidden + xt.size), 0.5, 2))
    _expect_shape(
        "w",
        W,
        (4 * hidden, hidden + xt.size),
        f"4 gate blocks of {hidden} rows by {hidden} hidden + {xt.size} input columns",
    )
    default_bias = b is None
    bias = kit.vector(d, "b", b, lambda: _lstm_default_bias(hidden), 4 * hidden)
    joined = np.concatenate([h_prev, xt])
    z = W @ joined + bias
    i_gate, f_gate, g_cand, o_gate = (z[n * hidden : (n + 1) * hidden] for n in range(4))
    i_gate, f_gate, o_gate = kit.sigmoid(i_gate), kit.sigmoid(f_gate), kit.sigmoid(o_gate)
    g_cand = np.tanh(g_cand)
    c_new = f_gate * c_prev + i_gate * g_cand
    h_new = o_gate * np.tanh(c_new)
    d.say(
        f"All gates come from z = W[h_(t-1); x_t] + b with W of shape {4 * hidden}x{hidden + xt.size}, "
        "its rows (and b) in blocks i, f, g, o as in PyTorch"
        + ("; the default forget bias is 1, so memory is kept at first." if default_bias else ".")
    )
    d.show("[h_(t-1); x_t]", joined)
    d.show(
        "gates: rows input i, forget f, output o",
        np.vstack([i_gate, f_gate, o_gate]),
        text="Sigmoids, so every entry lies between 0 and 1.",
    )
    d.show("candidate g = tanh(z_g)", g_cand)
    d.show(
        "c_t = f ⊙ c_(t-1) + i ⊙ g",
        c_new,
        text=f"c_(t-1) = {kit.vec_text(c_prev)}: the old cell is scaled, new content is added.",
    )
    d.show("h_t = o ⊙ tanh(c_t)", h_new)
    d.say(
        f"Along the cell, ∂c_t/∂c_(t-1) = diag(f) = {kit.vec_text(f_gate)}: "
        "the gradient is scaled by the forget gate, not multiplied by W."
    )
    return {"i": i_gate, "f": f_gate, "g": g_cand, "o": o_gate, "c": c_new, "h": h_new}


@demo("gru-step")
def gru_step(d: Demo, x=None, h=None, w=None, u=None, b=None):
    """One GRU step: update and reset gates."""
    xt = kit.vector(d, "x", x, lambda: kit.rounded_normal(d, 3))
    h_prev = kit.vector(d, "h", h, lambda: kit.rounded_normal(d, 2, 0.5))
    hidden, inputs = h_prev.size, xt.size
    W = _matrix(d, "w", w, lambda: kit.rounded_normal(d, (3 * hidden, inputs), 0.5, 2))
    _expect_shape("w", W, (3 * hidden, inputs), f"3 blocks z, r, h of {hidden} rows by {inputs} inputs")
    U = _matrix(d, "u", u, lambda: kit.rounded_normal(d, (3 * hidden, hidden), 0.5, 2))
    _expect_shape("u", U, (3 * hidden, hidden), f"3 blocks z, r, h of {hidden} rows by {hidden} hidden units")
    bias = kit.vector(d, "b", b, np.zeros(3 * hidden), 3 * hidden)

    def block(array: np.ndarray, n: int) -> np.ndarray:  # block n of z, r, h
        return array[n * hidden : (n + 1) * hidden]

    z_gate = kit.sigmoid(block(W, 0) @ xt + block(U, 0) @ h_prev + block(bias, 0))
    r_gate = kit.sigmoid(block(W, 1) @ xt + block(U, 1) @ h_prev + block(bias, 1))
    reset = r_gate * h_prev
    cand = np.tanh(block(W, 2) @ xt + block(U, 2) @ reset + block(bias, 2))
    h_new = (1 - z_gate) * h_prev + z_gate * cand
    d.say(
        "z = σ(W_z x + U_z h + b_z), r = σ(W_r x + U_r h + b_r); "
        "w, u and b stack the z, r and h blocks (Cho et al.'s form)."
    )
    d.show("gates: rows update z, reset r", np.vstack([z_gate, r_gate]))
    d.show(
        "r ⊙ h_(t-1)",
        reset,
        text=f"h_(t-1) = {kit.vec_text(h_prev)}: the reset gate decides how much past the candidate sees.",
    )
    d.show("candidate h~ = tanh(W_h x + U_h (r ⊙ h) + b_h)", cand)
    d.show(
        "h_t = (1 - z) ⊙ h_(t-1) + z ⊙ h~",
        h_new,
        text="One state, no cell and no output gate; 1 - z plays the forget gate and z the input gate.",
    )
    per_block = hidden * (inputs + hidden + 1)
    d.say(
        f"This GRU has 3·{per_block} = {3 * per_block} parameters; "
        f"an LSTM of the same sizes has 4·{per_block} = {4 * per_block}."
    )
    return {"z": z_gate, "r": r_gate, "candidate": cand, "h": h_new}


@demo("embedding-lookup")
def embedding_lookup(d: Demo, ids=None, table=None):
    """An embedding lookup equals a one-hot row times the embedding matrix."""
    E = d.array("table", table, lambda: kit.rounded_normal(d, (6, 3), 1.0, 2), ndim=2)
    vocab, width = E.shape
    tokens = d.array("ids", ids, lambda: d.rng.integers(0, vocab, size=3), ndim=1, integer=True)
    bad = [int(t) for t in tokens if t < 0 or t >= vocab]
    if bad:
        raise DemoInputError(f"ids must lie between 0 and {vocab - 1} (the table has {vocab} rows); got {bad[0]}")
    one_hot = np.zeros((tokens.size, vocab))
    one_hot[np.arange(tokens.size), tokens] = 1
    d.show(f"embedding table E ({vocab} tokens x {width})", E)
    d.show("token ids", tokens)
    d.show("one-hot rows", one_hot)
    product = one_hot @ E
    d.show("one-hot · E", product)
    looked_up = E[tokens]
    d.say(
        f"These are rows {', '.join(str(int(t)) for t in tokens)} of E: a lookup reads {width} numbers per token "
        f"where the product spends {vocab}·{width} multiplications, "
        f"and E's {vocab * width} entries are trained like any weights."
    )
    return {"vectors": looked_up, "one_hot_product": product}


def _seasonal_series(d: Demo) -> np.ndarray:
    t = np.arange(40)
    return np.round(10 + 3 * np.sin(2 * np.pi * t / 8) + d.rng.normal(0, 0.3, size=t.size), 2)


@demo("sliding-window-forecast")
def sliding_window_forecast(d: Demo, series=None, window=None, split=None):
    """Turn a series into (window, next value) pairs and beat a 'same as last' baseline."""
    values = d.array("series", series, lambda: _seasonal_series(d), ndim=1)
    window = d.number("window", window, 3, low=1, high=100, integer=True)
    split = d.number("split", split, 0.75, low=0.1, high=0.95)
    pairs = values.size - window
    train = int(round(pairs * split))
    if train < window + 1 or pairs - train < 1:
        raise DemoInputError(
            f"{values.size} points with window {window} give {pairs} pairs, "
            f"{train} for training and {pairs - train} for testing; "
            f"need at least {window + 1} training pairs and 1 test pair: use a longer series or a smaller window"
        )
    inputs = windows_of(values, window)
    targets = values[window:]
    design = np.column_stack([inputs, np.ones(pairs)])
    coef, *_ = np.linalg.lstsq(design[:train], targets[:train], rcond=None)
    predicted = design[train:] @ coef
    naive = inputs[train:, -1]
    actual = targets[train:]
    mse_model = float(np.mean((predicted - actual) ** 2))
    mse_naive = float(np.mean((naive - actual) ** 2))
    d.say(
        f"{values.size} points and a window of {window} give {pairs} (window, next value) pairs; "
        f"the first {train} train, the last {pairs - train} test, in time order, never shuffled."
    )
    d.show("first pairs: window, then next value", np.column_stack([inputs[:4], targets[:4]]))
    d.show("linear model weights (one per lag, bias last)", coef)
    d.series(
        "test period",
        {"actual": actual, "model": predicted, "same as last": naive},
        x=np.arange(train + window, values.size),
    )
    d.bars("test mean squared error", ["model", "same as last"], [mse_model, mse_naive])
    verdict = "beats" if mse_model < mse_naive else "does not beat"
    d.say(
        f"The model {verdict} the naive forecast: "
        f"{kit.fmt(mse_model)} against {kit.fmt(mse_naive)}; any forecaster must clear this bar."
    )
    return {
        "weights": coef,
        "predictions": predicted,
        "test_mse_model": mse_model,
        "test_mse_naive": mse_naive,
        "train_pairs": train,
        "test_pairs": pairs - train,
    }


def windows_of(values: np.ndarray, window: int) -> np.ndarray:
    """Rows values[i : i + window] for every i that leaves a next value to predict."""
    return np.array([values[i : i + window] for i in range(values.size - window)])


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


def decode_runs(
    rng: np.random.Generator, targets: np.ndarray, error: float, vocab: int, forced: bool, runs: int
) -> tuple[np.ndarray, np.ndarray]:
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
    """Decoder inputs with and without teacher forcing, and how one slip compounds when the decoder feeds itself."""
    param_rng, sample_rng = d.streams()
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
        "The toy decoder has learned this rule but slips with probability "
        f"{kit.fmt(error)} per step, emitting a random other token."
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
        {
            "teacher forcing (sampled)": forced_hits / runs,
            "free running (sampled)": free_hits / runs,
            "free running (exact)": exact,
        },
        x=np.arange(1, length + 1),
    )
    d.say(
        f"With forcing every position is right with probability {kit.fmt(1 - error)}; "
        f"running free, position {length} is right only "
        f"{kit.fmt(exact[-1])} of the time, because errors compound. "
        "Training with forcing never shows the model its own mistakes "
        "(exposure bias); scheduled sampling feeds it some of its own predictions during training."
    )
    return {
        "targets": targets[1:],
        "forced_accuracy": forced_hits / runs,
        "free_accuracy": free_hits / runs,
        "free_accuracy_exact": exact,
    }


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


def next_token_model(d: Demo, start, table) -> tuple[np.ndarray, np.ndarray]:
    """The start distribution and the next-token table (one row per word, </s> first), given or the default."""
    start = kit.vector(d, "start", start, BEAM_START, min_len=2, max_len=8)
    vocab = start.size
    if table is None and vocab != len(BEAM_START):
        raise DemoInputError(
            "with a start vector of a new length, also give table: one row per word (every token but </s>)"
        )
    table = d.array("table", table, BEAM_TABLE, ndim=2)
    if table.shape != (vocab - 1, vocab):
        raise DemoInputError(
            f"table must be {vocab - 1}x{vocab}: one row per word, one column per token (</s> first); got {table.shape}"
        )
    for name, probs in [("start", start[None, :]), ("table", table)]:
        if np.any(probs < 0) or np.any(np.abs(probs.sum(axis=1) - 1) > 1e-6):
            raise DemoInputError(f"every row of {name} must hold probabilities that add up to 1")
    return start, table


@demo("beam-search")
def beam_search(d: Demo, start=None, table=None, beam=None, max_len=None, alpha=None):
    """Greedy against beam search on a tiny next-token table where greedy loses, with length-normalised scores."""
    start, table = next_token_model(d, start, table)
    vocab = start.size
    beam = d.number("beam", beam, 2, low=1, high=1000, integer=True)
    max_len = d.number("max_len", max_len, 4, low=1, high=6, integer=True)
    alpha = d.number("alpha", alpha, 1.0, low=0.0, high=3.0)

    names = _token_names(vocab)
    with np.errstate(divide="ignore"):
        log_start, log_table = np.log(start), np.log(table)
    d.say(
        f"A tiny language model over {', '.join(names)}: "
        "the first token follows the start distribution, each later one "
        f"depends on the previous word, and a sequence ends at </s> or after {max_len} tokens."
    )
    d.show("start probabilities (</s>, words)", start)
    d.show("next-token probabilities, one row per previous word", table)

    greedy_seq, greedy_logp = kit.beam_decode(log_start, log_table, 1, max_len)[0]
    d.say(
        "Greedy decoding takes the most likely token each step: "
        f"'{_words(greedy_seq, names)}', probability {kit.fmt(np.exp(greedy_logp))}."
    )

    hypotheses = kit.beam_decode(log_start, log_table, beam, max_len)
    hypotheses.sort(key=lambda h: -h[1])
    labels = [_words(seq, names) for seq, _ in hypotheses]
    d.bars(
        f"hypotheses a width-{beam} beam ends with (ended by </s> or cut at {max_len} tokens): log-probability",
        labels,
        [logp for _, logp in hypotheses],
    )
    best_raw = max(hypotheses, key=lambda h: h[1])
    best_norm = max(hypotheses, key=lambda h: kit.length_normalised(h[1], len(h[0]), alpha))
    d.bars(
        f"the same hypotheses scored with length normalisation log P / L^{kit.fmt(alpha)}",
        labels,
        [kit.length_normalised(logp, len(seq), alpha) for seq, logp in hypotheses],
    )

    every = kit.every_sequence(log_start, log_table, max_len)
    exact = max(every, key=lambda h: h[1])
    exact_norm = max(every, key=lambda h: kit.length_normalised(h[1], len(h[0]), alpha))
    d.say(
        f"Beam search keeps {beam} partial sequences per step and finds '{_words(best_raw[0], names)}' (probability "
        f"{kit.fmt(np.exp(best_raw[1]))}); checking all {len(every)} possible sequences, "
        f"the most likely is '{_words(exact[0], names)}' "
        f"({kit.fmt(np.exp(exact[1]))}). Greedy may commit early to a token "
        "whose continuations are weak. Raw log-probability only falls "
        "as a sequence grows, so it favours short outputs; "
        f"divided by L^{kit.fmt(alpha)} the beam returns '{_words(best_norm[0], names)}'."
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
