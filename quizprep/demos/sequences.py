"""Demos: sequences (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _vec(values) -> str:
    return "[" + ", ".join(_fmt(v) for v in np.ravel(values)) + "]"


def row_softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax of each row, shifted by the row maximum; entries of -inf get weight 0."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _rounded_normal(d: Demo, shape, scale: float = 1.0, digits: int = 1) -> np.ndarray:
    return np.round(d.rng.normal(0.0, scale, size=shape), digits)


def _vector(d: Demo, name: str, value, default, length: int | None = None) -> np.ndarray:
    """A 1-D parameter; a single number counts as a vector of length 1."""
    array = d.array(name, value, default)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise DemoInputError(f"{name} must be a vector like [1, 2]; got an array of shape {array.shape}")
    if length is not None and array.size != length:
        raise DemoInputError(f"{name} has length {array.size} but must have length {length}")
    return array


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


# Attention


@demo("attention")
def attention(d: Demo, q=None, k=None, v=None):
    Q = d.array("q", q, lambda: _rounded_normal(d, (3, 4)))
    K = d.array("k", k, lambda: _rounded_normal(d, (4, 4)))
    V = d.array("v", v, lambda: _rounded_normal(d, (4, 3)))
    if Q.ndim not in (1, 2) or V.ndim not in (1, 2):
        raise DemoInputError(f"q and v must be vectors or matrices; got q of shape {Q.shape} and v of shape {V.shape}")
    if K.ndim != 2:
        raise DemoInputError(f"k must be a matrix with one key per row, like [[1, 0], [0, 1]]; got shape {K.shape}")
    single_query, single_value = Q.ndim == 1, V.ndim == 1
    Q2 = Q.reshape(1, -1) if single_query else Q
    V2 = V.reshape(-1, 1) if single_value else V
    if Q2.shape[1] != K.shape[1]:
        raise DemoInputError(
            f"q has width {Q2.shape[1]} but k has width {K.shape[1]}: every query is dotted with every key, "
            "so q and k need the same number of columns d_k"
        )
    if V2.shape[0] != K.shape[0]:
        raise DemoInputError(f"k has {K.shape[0]} rows (keys) but v has {V2.shape[0]} rows (values): each key needs exactly one value")
    d_k = K.shape[1]
    scores = Q2 @ K.T / np.sqrt(d_k)
    weights = row_softmax(scores)
    out = weights @ V2

    d.show(f"Q ({Q2.shape[0]} queries x d_k = {d_k})", Q2)
    d.show(f"K ({K.shape[0]} keys x d_k = {d_k})", K)
    d.show(f"V ({V2.shape[0]} values x {V2.shape[1]})", V2)
    unscaled_top = row_softmax(Q2 @ K.T)[0].max()
    d.show(
        "scores QK^T / √d_k",
        scores,
        text=f"Each dot product is divided by √{d_k} = {_fmt(np.sqrt(d_k))}; without it the top weight of query 1 would be {_fmt(unscaled_top)} instead of {_fmt(weights[0].max())}.",
    )
    d.show("attention weights softmax(scores)", weights, text="Row i says how much query i takes from each value; every row sums to 1.")
    d.bars("weights of query 1", [f"key {j + 1}" for j in range(K.shape[0])], weights[0])
    d.show("output = weights · V", out)
    if K.shape[0] <= 6:
        mix = " + ".join(f"{_fmt(weights[0, j])}·v{j + 1}" for j in range(K.shape[0]))
        d.say(f"Output row 1 is the mix {mix} = {_vec(out[0])}.")
    else:
        d.say(f"Output row 1 is a weighted average of the {K.shape[0]} value rows, mostly value {int(weights[0].argmax()) + 1}.")
    if single_value:
        out = out[:, 0]
    return out[0] if single_query else out


@demo("causal-mask")
def causal_mask(d: Demo, scores=None):
    S = d.array("scores", scores, lambda: _rounded_normal(d, (4, 4)), ndim=2)
    n, m = S.shape
    if n != m:
        raise DemoInputError(f"scores must be square for self-attention (n queries x the same n keys); got {n}x{m}")
    allowed = np.tril(np.ones((n, n), dtype=int))
    weights = row_softmax(np.where(allowed == 1, S, -np.inf))
    d.show("scores (query row, key column)", S)
    d.show("allowed (1) or masked (0)", allowed, text="Position i may look at keys 1..i: the diagonal and everything below it.")
    d.say("Masked scores become -∞ before the softmax, so exp gives exactly 0 and the row still sums to 1.")
    d.show("causal attention weights", weights)
    d.show("without the mask", row_softmax(S), text="Here every position, even the first, would read the future.")
    d.say(f"Position 1 attends only to itself (weight {_fmt(weights[0, 0])}) and position {n} to all {n}; GPT-style decoders use this mask, BERT does not.")
    return {"mask": allowed, "weights": weights}


@demo("positional-encoding")
def positional_encoding(d: Demo, length=None, dim=None):
    length = d.number("length", length, 8, low=2, high=512, integer=True)
    dim = d.number("dim", dim, 8, low=2, high=512, integer=True)
    if dim % 2:
        raise DemoInputError(f"dim must be even (each frequency fills a sine and a cosine column), not {dim}")
    positions = np.arange(length)[:, None]
    freqs = 1.0 / 10000 ** (np.arange(0, dim, 2) / dim)  # one angular frequency per (sin, cos) pair
    pe = np.zeros((length, dim))
    pe[:, 0::2] = np.sin(positions * freqs)
    pe[:, 1::2] = np.cos(positions * freqs)
    d.say(f"PE(p, 2i) = sin(p / 10000^(2i/{dim})) and PE(p, 2i+1) = cos(p / 10000^(2i/{dim})): one frequency per pair of columns.")
    d.show("frequencies ω_i", freqs, text=f"Wavelengths run from 2π ≈ 6.28 up to {_fmt(2 * np.pi / freqs[-1])} positions.")
    d.show(f"PE ({length} positions x {dim})", pe)
    dots = pe @ pe[0]
    later = pe[1:] @ pe[1]
    distances = np.arange(length - 1)
    d.series("PE_p · PE_(p+k) by distance k", {"from p = 0": dots[:-1], "from p = 1": later}, x=distances)
    d.say(f"Both curves agree: the dot product is Σ cos(ω_i k), which depends only on the distance k; at k = 0 it is {dim // 2}.")
    return {"encoding": pe, "dot_by_distance": dots}


# Recurrent cells


@demo("rnn-unroll")
def rnn_unroll(d: Demo, x=None, w=None, u=None, b=None, h0=None):
    xs = d.array("x", x, [1, 0, -1])
    if xs.ndim == 0 or xs.ndim > 2:
        raise DemoInputError(f"x must be a sequence: a vector of scalar inputs or a matrix with one input per row; got shape {xs.shape}")
    xs = xs.reshape(-1, 1) if xs.ndim == 1 else xs
    W = _matrix(d, "w", w, [[0.5]])
    hidden = W.shape[0]
    _expect_shape("w", W, (hidden, hidden), "the recurrent matrix maps the hidden state to itself, so it must be square")
    U = _matrix(d, "u", u, np.eye(hidden, xs.shape[1]))
    _expect_shape("u", U, (hidden, xs.shape[1]), f"{hidden} hidden units by {xs.shape[1]} input features per step")
    bias = _vector(d, "b", b, np.zeros(hidden), hidden)
    h = _vector(d, "h0", h0, np.zeros(hidden), hidden)
    states = []
    for x_t in xs:
        h = np.tanh(W @ h + U @ x_t + bias)
        states.append(h)
    states = np.array(states)
    steps = len(xs)
    d.say(f"h_t = tanh(W h_(t-1) + U x_t + b) runs {steps} times with the same W, U and b; h_0 = {_vec(d.params['h0'])}.")
    d.show("W (recurrent)", W)
    d.show("U (input)", U, text=f"b = {_vec(bias)}")
    d.show("x_t, one step per row", xs)
    d.show("h_t, one step per row", states)
    if hidden <= 4:
        d.series("hidden state by step", {f"unit {i + 1}": states[:, i] for i in range(hidden)}, x=np.arange(1, steps + 1))
    d.say(f"h_{steps} = {_vec(states[-1])} depends on every input, through the chain of states fed back step by step.")
    return states


def _lstm_default_bias(hidden: int) -> np.ndarray:
    bias = np.zeros(4 * hidden)
    bias[hidden : 2 * hidden] = 1.0  # forget gate starts mostly open
    return bias


@demo("lstm-step")
def lstm_step(d: Demo, x=None, h=None, c=None, w=None, b=None):
    xt = _vector(d, "x", x, lambda: _rounded_normal(d, 3))
    h_prev = _vector(d, "h", h, lambda: _rounded_normal(d, 2, 0.5))
    hidden = h_prev.size
    c_prev = _vector(d, "c", c, lambda: _rounded_normal(d, hidden), hidden)
    W = _matrix(d, "w", w, lambda: _rounded_normal(d, (4 * hidden, hidden + xt.size), 0.5, 2))
    _expect_shape("w", W, (4 * hidden, hidden + xt.size), f"4 gate blocks of {hidden} rows by {hidden} hidden + {xt.size} input columns")
    default_bias = b is None
    bias = _vector(d, "b", b, lambda: _lstm_default_bias(hidden), 4 * hidden)
    joined = np.concatenate([h_prev, xt])
    z = W @ joined + bias
    i_gate, f_gate, g_cand, o_gate = (z[n * hidden : (n + 1) * hidden] for n in range(4))
    i_gate, f_gate, o_gate = sigmoid(i_gate), sigmoid(f_gate), sigmoid(o_gate)
    g_cand = np.tanh(g_cand)
    c_new = f_gate * c_prev + i_gate * g_cand
    h_new = o_gate * np.tanh(c_new)
    d.say(
        f"All gates come from z = W[h_(t-1); x_t] + b with W of shape {4 * hidden}x{hidden + xt.size}, "
        "its rows (and b) in blocks i, f, g, o as in PyTorch"
        + ("; the default forget bias is 1, so memory is kept at first." if default_bias else ".")
    )
    d.show("[h_(t-1); x_t]", joined)
    d.show("gates: rows input i, forget f, output o", np.vstack([i_gate, f_gate, o_gate]), text="Sigmoids, so every entry lies between 0 and 1.")
    d.show("candidate g = tanh(z_g)", g_cand)
    d.show("c_t = f ⊙ c_(t-1) + i ⊙ g", c_new, text=f"c_(t-1) = {_vec(c_prev)}: the old cell is scaled, new content is added.")
    d.show("h_t = o ⊙ tanh(c_t)", h_new)
    d.say(f"Along the cell, ∂c_t/∂c_(t-1) = diag(f) = {_vec(f_gate)}: the gradient is scaled by the forget gate, not multiplied by W.")
    return {"i": i_gate, "f": f_gate, "g": g_cand, "o": o_gate, "c": c_new, "h": h_new}


@demo("gru-step")
def gru_step(d: Demo, x=None, h=None, w=None, u=None, b=None):
    xt = _vector(d, "x", x, lambda: _rounded_normal(d, 3))
    h_prev = _vector(d, "h", h, lambda: _rounded_normal(d, 2, 0.5))
    hidden, inputs = h_prev.size, xt.size
    W = _matrix(d, "w", w, lambda: _rounded_normal(d, (3 * hidden, inputs), 0.5, 2))
    _expect_shape("w", W, (3 * hidden, inputs), f"3 blocks z, r, h of {hidden} rows by {inputs} inputs")
    U = _matrix(d, "u", u, lambda: _rounded_normal(d, (3 * hidden, hidden), 0.5, 2))
    _expect_shape("u", U, (3 * hidden, hidden), f"3 blocks z, r, h of {hidden} rows by {hidden} hidden units")
    bias = _vector(d, "b", b, np.zeros(3 * hidden), 3 * hidden)

    def block(array: np.ndarray, n: int) -> np.ndarray:  # block n of z, r, h
        return array[n * hidden : (n + 1) * hidden]

    z_gate = sigmoid(block(W, 0) @ xt + block(U, 0) @ h_prev + block(bias, 0))
    r_gate = sigmoid(block(W, 1) @ xt + block(U, 1) @ h_prev + block(bias, 1))
    reset = r_gate * h_prev
    cand = np.tanh(block(W, 2) @ xt + block(U, 2) @ reset + block(bias, 2))
    h_new = (1 - z_gate) * h_prev + z_gate * cand
    d.say("z = σ(W_z x + U_z h + b_z), r = σ(W_r x + U_r h + b_r); w, u and b stack the z, r and h blocks (Cho et al.'s form).")
    d.show("gates: rows update z, reset r", np.vstack([z_gate, r_gate]))
    d.show("r ⊙ h_(t-1)", reset, text=f"h_(t-1) = {_vec(h_prev)}: the reset gate decides how much past the candidate sees.")
    d.show("candidate h~ = tanh(W_h x + U_h (r ⊙ h) + b_h)", cand)
    d.show("h_t = (1 - z) ⊙ h_(t-1) + z ⊙ h~", h_new, text="One state, no cell and no output gate; 1 - z plays the forget gate and z the input gate.")
    per_block = hidden * (inputs + hidden + 1)
    d.say(f"This GRU has 3·{per_block} = {3 * per_block} parameters; an LSTM of the same sizes has 4·{per_block} = {4 * per_block}.")
    return {"z": z_gate, "r": r_gate, "candidate": cand, "h": h_new}


@demo("embedding-lookup")
def embedding_lookup(d: Demo, ids=None, table=None):
    E = d.array("table", table, lambda: _rounded_normal(d, (6, 3), 1.0, 2), ndim=2)
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
        f"where the product spends {vocab}·{width} multiplications, and E's {vocab * width} entries are trained like any weights."
    )
    return {"vectors": looked_up, "one_hot_product": product}


# Gradients through time


def _scalar_rnn(xs: np.ndarray, w: float, u: float) -> np.ndarray:
    """States h_1..h_T of h_t = tanh(w h_(t-1) + u x_t) from h_0 = 0."""
    h, states = 0.0, []
    for x_t in xs:
        h = np.tanh(w * h + u * x_t)
        states.append(h)
    return np.array(states)


@demo("truncated-bptt")
def truncated_bptt(d: Demo, x=None, w=None, u=None, window=None):
    xs = d.array("x", x, lambda: _rounded_normal(d, 12, 0.3, 2), ndim=1)
    w = d.number("w", w, 1.0, low=-10, high=10)
    u = d.number("u", u, 1.0, low=-10, high=10)
    steps = xs.size
    if steps < 2:
        raise DemoInputError("x needs at least 2 time steps")
    window = d.number("window", window, min(4, steps - 1), low=1, high=steps, integer=True)
    states = _scalar_rnn(xs, w, u)
    previous = np.concatenate([[0.0], states[:-1]])
    grad_x = np.zeros(steps)
    grad_w_terms = np.zeros(steps)
    carried = 1.0  # dL/dh_T for L = h_T
    for t in range(steps - 1, -1, -1):
        through_tanh = carried * (1 - states[t] ** 2)  # dL/d(pre-activation at step t)
        grad_x[t] = through_tanh * u
        grad_w_terms[t] = through_tanh * previous[t]
        carried = through_tanh * w
    reached = np.arange(steps) >= steps - window
    grad_x_cut = np.where(reached, grad_x, 0.0)
    dw_full, dw_cut = float(grad_w_terms.sum()), float(grad_w_terms[reached].sum())
    d.say(f"A scalar RNN h_t = tanh({_fmt(w)} h_(t-1) + {_fmt(u)} x_t) reads {steps} inputs; the loss is the last state, L = h_{steps}.")
    d.show("h_t (forward pass, the same for both)", states, text="Truncation never changes the forward pass: the state is carried all the way.")
    d.series("|∂L/∂x_t| by step", {"full BPTT": np.abs(grad_x), f"truncated to {window} steps": np.abs(grad_x_cut)}, x=np.arange(1, steps + 1))
    d.show("∂L/∂x_t, full BPTT", grad_x)
    cut = steps - window
    if cut:
        d.say(f"Truncated, steps 1 to {cut} get exactly 0, though full BPTT still gives step 1 a gradient of {_fmt(grad_x[0])}: no signal for dependencies longer than {window} steps.")
    d.say(f"∂L/∂w is {_fmt(dw_full)} in full and {_fmt(dw_cut)} truncated, computed from only {window} of the {steps} steps.")
    return {"h": states, "grad_full": grad_x, "grad_truncated": grad_x_cut, "dw_full": dw_full, "dw_truncated": dw_cut}


def _random_orthogonal(d: Demo, size: int) -> np.ndarray:
    q, r = np.linalg.qr(d.rng.normal(size=(size, size)))
    return q * np.sign(np.diag(r))


@demo("rnn-gradient-through-time")
def rnn_gradient_through_time(d: Demo, radii=None, steps=None, size=None):
    rhos = d.array("radii", radii, [0.9, 1.0, 1.1], ndim=1)
    steps = d.number("steps", steps, 30, low=1, high=500, integer=True)
    size = d.number("size", size, 4, low=1, high=32, integer=True)
    if rhos.size > 6:
        raise DemoInputError(f"give at most 6 radii, not {rhos.size}")
    if rhos.min() <= 0 or rhos.max() > 3:
        raise DemoInputError("each spectral radius must be above 0 and at most 3")
    rotation = _random_orthogonal(d, size)
    start = d.rng.normal(size=size)
    start /= np.linalg.norm(start)
    norms = []
    for rho in rhos:
        W = rho * rotation  # every eigenvalue and singular value of W has size rho
        g = start.copy()
        curve = [1.0]
        for _ in range(steps):
            g = W.T @ g  # one step back through a linear recurrence h_t = W h_(t-1) + U x_t
            curve.append(np.linalg.norm(g))
        norms.append(curve)
    norms = np.array([[float(f"{n:.12g}") for n in curve] for curve in norms])  # so ρ = 1 plots as a flat line
    labels = [f"ρ = {_fmt(r)}" for r in rhos]
    if len(set(labels)) < len(labels):
        raise DemoInputError(f"radii must differ from each other, not {_vec(rhos)}")
    d.say(f"Backpropagating through h_t = W h_(t-1) + U x_t multiplies the gradient by W^T once per step; here W = ρ·Q with Q a random {size}x{size} rotation.")
    d.series("gradient norm k steps back", dict(zip(labels, norms)), x=np.arange(steps + 1))
    d.bars(f"gradient norm after {steps} steps", labels, norms[:, -1])
    parts = ", ".join(f"{_fmt(r)}^{steps} = {_fmt(n)}" for r, n in zip(rhos, norms[:, -1]))
    d.say(f"The norm is exactly ρ^k: {parts}; below 1 it vanishes, above 1 it explodes.")
    d.say("A tanh layer multiplies in derivatives of at most 1, which only shrinks it more; clipping tames explosion, gating (LSTM, GRU) fights vanishing.")
    return {"steps_back": np.arange(steps + 1), "norms": {_fmt(r): curve for r, curve in zip(rhos, norms)}}


# Forecasting


def _seasonal_series(d: Demo) -> np.ndarray:
    t = np.arange(40)
    return np.round(10 + 3 * np.sin(2 * np.pi * t / 8) + d.rng.normal(0, 0.3, size=t.size), 2)


@demo("sliding-window-forecast")
def sliding_window_forecast(d: Demo, series=None, window=None, split=None):
    values = d.array("series", series, lambda: _seasonal_series(d), ndim=1)
    window = d.number("window", window, 3, low=1, high=100, integer=True)
    split = d.number("split", split, 0.75, low=0.1, high=0.95)
    pairs = values.size - window
    train = int(round(pairs * split))
    if train < window + 1 or pairs - train < 1:
        raise DemoInputError(
            f"{values.size} points with window {window} give {pairs} pairs, {train} for training and {pairs - train} for testing; "
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
    d.say(f"{values.size} points and a window of {window} give {pairs} (window, next value) pairs; the first {train} train, the last {pairs - train} test, in time order, never shuffled.")
    d.show("first pairs: window, then next value", np.column_stack([inputs[:4], targets[:4]]))
    d.show("linear model weights (one per lag, bias last)", coef)
    d.series("test period", {"actual": actual, "model": predicted, "same as last": naive}, x=np.arange(train + window, values.size))
    d.bars("test mean squared error", ["model", "same as last"], [mse_model, mse_naive])
    verdict = "beats" if mse_model < mse_naive else "does not beat"
    d.say(f"The model {verdict} the naive forecast: {_fmt(mse_model)} against {_fmt(mse_naive)}; any forecaster must clear this bar.")
    return {"weights": coef, "predictions": predicted, "test_mse_model": mse_model, "test_mse_naive": mse_naive, "train_pairs": train, "test_pairs": pairs - train}


def windows_of(values: np.ndarray, window: int) -> np.ndarray:
    """Rows values[i : i + window] for every i that leaves a next value to predict."""
    return np.array([values[i : i + window] for i in range(values.size - window)])
