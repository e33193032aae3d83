"""Small helpers the demos share: numerically stable activations and softmax, normal density and
distribution, number formatting for sentences, parameter readers (numbers, vectors, texts), the XOR data set and
training loops that several demos reuse, word tokens, row normalisation, KL divergence, and the rounding grids of
integer and floating-point quantization. Imports NumPy; only demo modules import it.
"""

from __future__ import annotations

import math
import re

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError

TINY = 1e-300  # floor for logarithms of magnitudes that may reach zero
GIB = 2**30  # bytes in a GiB

# The four XOR points and their labels: no straight line separates the 1s from the 0s.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


# Activations and probability functions


def sigmoid(z) -> np.ndarray:
    """1 / (1 + e^-z), written with e^-|z| so neither branch overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(z) -> np.ndarray:
    return np.maximum(z, 0.0)


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax along the last axis, shifted by the maximum so exp never overflows; -inf entries get weight 0."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def gelu(x):
    """x·Φ(x), the exact GELU."""
    return x * normal_cdf(x)


def log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def log_sum_exp(z: np.ndarray) -> float:
    m = float(np.max(z))
    return m + float(np.log(np.sum(np.exp(z - m))))


def entropy(p: np.ndarray) -> np.ndarray:
    """Shannon entropy in nats of each row of p (0 log 0 = 0)."""
    safe = np.where(p > 0, p, 1.0)
    return -(p * np.log(safe)).sum(axis=-1)


def kl_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """KL(p || q) = Σ p·log(p/q) in nats, with 0·log 0 = 0, and infinite when q is 0 where p is not."""
    support = p > 0
    if np.any(q[support] == 0):
        return float("inf")
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def layer_norm(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Each row (the last axis) centred and divided by its standard deviation, without gain or bias."""
    centred = x - x.mean(axis=-1, keepdims=True)
    return centred / np.sqrt((centred**2).mean(axis=-1, keepdims=True) + eps)


def unit_rows(m: np.ndarray) -> np.ndarray:
    """Each row divided by its Euclidean length (zero rows stay zero)."""
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.where(norms > 0, norms, 1.0)


def normal_cdf(z) -> np.ndarray:
    return 0.5 * (1.0 + np.vectorize(math.erf)(np.asarray(z, dtype=float) / math.sqrt(2.0)))


def normal_pdf(z) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    return np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)


def log10(values) -> np.ndarray:
    """log10 of magnitudes, with zero floored at TINY so a vanished gradient plots as a very small number."""
    return np.log10(np.maximum(np.abs(np.asarray(values, dtype=float)), TINY))


def rounded(values, places: int = 2) -> np.ndarray:
    """Values rounded for display or as friendly defaults; adding 0.0 turns -0.0 into 0.0."""
    return np.round(values, places) + 0.0


# Numbers in sentences


def fmt(value: float) -> str:
    """A number for a sentence, four significant digits; NaN reads as 'undefined'."""
    return "undefined" if value != value else f"{value:.4g}"


def vec_text(values) -> str:
    return "[" + ", ".join(fmt(v) for v in np.ravel(values)) + "]"


def factor_text(x: float) -> str:
    """A number as a term in a written sum or product: negatives in parentheses."""
    return f"({x:g})" if x < 0 else f"{x:g}"


def thousands(value: float) -> str:
    return f"{int(value):,}"


def minus_text(a: str, b: float) -> str:
    """'a - b' written without a double sign: 'z - 1.5' or 'z + 1.5'."""
    return f"{a} - {fmt(b)}" if b >= 0 else f"{a} + {fmt(-b)}"


# Parameter checks


def vector(d: Demo, name: str, value, default, length: int | None = None, *, min_len: int = 1, max_len: int = 10_000):
    """A 1-D parameter; a single number counts as a vector of length 1."""
    array = d.array(name, value, default)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise DemoInputError(f"{name} must be a vector like [1, 2, 3]; got an array of shape {array.shape}")
    if length is not None and array.size != length:
        raise DemoInputError(f"{name} has length {array.size} but must have length {length}")
    if not min_len <= array.size <= max_len:
        raise DemoInputError(f"{name} must have between {min_len} and {max_len} entries; got {array.size}")
    return array


def text_param(d: Demo, name: str, value, default: str, max_len: int = 200) -> str:
    """A string parameter of 1 to `max_len` characters, recorded like the numeric ones."""
    if value is None:
        value = default
    d.require(isinstance(value, str), f'{name} must be a text in quotes, like "hello", not {value!r}')
    d.require(0 < len(value) <= max_len, f"{name} must have between 1 and {max_len} characters; got {len(value)}")
    d.params[name] = value
    return value


def words(text: str) -> list[str]:
    """Lowercase runs of letters and digits: the word tokens of the retrieval demos."""
    return re.findall(r"[a-z0-9]+", text.lower())


def together(x, y, x_name: str = "x", y_name: str = "y") -> None:
    """Two parameters that only make sense as a pair are given both or neither."""
    if (x is None) != (y is None):
        raise DemoInputError(f"give {x_name} and {y_name} together, or neither to use the example data")


def same_length(x: np.ndarray, y: np.ndarray, x_name: str = "x", y_name: str = "y") -> None:
    if len(x) != len(y):
        raise DemoInputError(f"{x_name} and {y_name} must have the same length; got {len(x)} and {len(y)}")


# Shared by demos of several topics


def step_values(z: np.ndarray) -> np.ndarray:
    return (z >= 0).astype(float)


def shape_of(value, fallback: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of a user's list, to draw a matching default for the other argument."""
    if value is None:
        return fallback
    try:
        return np.shape(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        return fallback


def regression_pair(d: Demo, y_pred, y_true) -> tuple[np.ndarray, np.ndarray]:
    truth = d.array("y_true", y_true, lambda: np.round(d.rng.normal(3, 2, size=shape_of(y_pred, (5,))), 1))
    pred = d.array("y_pred", y_pred, lambda: np.round(truth + d.rng.normal(0, 1, size=truth.shape), 1))
    if pred.shape != truth.shape:
        raise DemoInputError(
            "y_pred and y_true must have the same shape: "
            f"y_pred has shape {pred.shape} but y_true has shape {truth.shape}"
        )
    return pred, truth


def ridge(X: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """Minimiser of (1/2N)·||Xw - y||² + (λ/2)·||w||²."""
    n, f = X.shape
    return np.linalg.lstsq(X.T @ X / n + lam * np.eye(f), X.T @ y / n, rcond=None)[0]


def mse(prediction: np.ndarray, target: np.ndarray) -> float:
    return float(np.mean((prediction - target) ** 2))


def need_shape(name: str, array: np.ndarray, shape: tuple, meaning: str) -> None:
    if array.shape != shape:
        raise DemoInputError(f"{name} must have shape {shape} ({meaning}); got {array.shape}")


def read_layer(d: Demo, name_w, w, name_b, b, inputs: int, default_w, default_b, max_units: int | None = None):
    """A weight matrix (rows = units, one row may be given as a vector) with `inputs` columns and its bias vector."""
    W = d.array(name_w, w, default_w)
    if W.ndim == 1:
        W = W[None, :]
    if W.ndim != 2 or W.shape[1] != inputs:
        raise DemoInputError(
            f"{name_w} must be a matrix with {inputs} columns (one per input to the layer); got shape {W.shape}"
        )
    if max_units is not None and W.shape[0] > max_units:
        raise DemoInputError(f"{name_w} may have at most {max_units} rows (units); got {W.shape[0]}")
    B = np.atleast_1d(d.array(name_b, b, (lambda: default_b(W.shape[0])) if callable(default_b) else default_b))
    if B.shape != (W.shape[0],):
        raise DemoInputError(f"{name_b} must have {W.shape[0]} entries (one per row of {name_w}); got {B.size}")
    return W, B


def tiny_net_backprop(X, y, W1, b1, w2, b2, buggy=False):
    z1 = X @ W1.T + b1
    a1 = np.tanh(z1)
    out = a1 @ w2 + b2
    d_out = (out - y) / len(X)
    d_a1 = np.outer(d_out, w2)
    d_z1 = d_a1 if buggy else d_a1 * (1 - a1**2)  # the bug: forgetting tanh'(z) = 1 - tanh(z)²
    return {"w1": d_z1.T @ X, "b1": d_z1.sum(axis=0), "w2": a1.T @ d_out, "b2": float(d_out.sum())}


def read_stack(d: Demo, depth, width, weights, x, default_depth, default_width, std):
    """depth, width, a (depth, width, width) stack of weight matrices and an input vector."""
    depth = d.number("depth", depth, default_depth, low=1, high=100, integer=True)
    width = d.number("width", width, default_width, low=1, high=64, integer=True)
    stack = d.array("weights", weights, lambda: d.rng.normal(0, std(width), (depth, width, width)))
    need_shape("weights", stack, (depth, width, width), "depth x width x width: one square matrix per layer")
    xs = d.array("x", x, lambda: d.rng.normal(0, 1, width), ndim=1)
    need_shape("x", xs, (width,), "one entry per unit")
    return depth, width, stack, xs


def rounded_normal(d: Demo, shape, scale: float = 1.0, digits: int = 1) -> np.ndarray:
    return np.round(d.rng.normal(0.0, scale, size=shape), digits)


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| / max(|a|, |b|) per entry, with a tiny floor so two zeros give 0, not 0/0."""
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)


def finite_difference(loss, w, eps, central=True) -> np.ndarray:
    grad = np.zeros_like(w)
    for i in range(len(w)):
        step = np.zeros_like(w)
        step[i] = eps
        if central:
            grad[i] = (loss(w + step) - loss(w - step)) / (2 * eps)
        else:
            grad[i] = (loss(w + step) - loss(w)) / eps
    return grad


# Algorithms several demos or tests lean on, each testable on its own


def dead_units(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each ReLU unit (a row of W), whether its pre-activation x·w + b is ≤ 0 for every example (row of X):
    such a unit outputs 0 on the whole batch and passes back no gradient."""
    return np.all(X @ W.T + b <= 0, axis=0)


def next_log_probs(seq: tuple, log_start: np.ndarray, log_table: np.ndarray) -> np.ndarray:
    """Log-probabilities of the next token: `log_start` for the first, else the row of the previous word.

    Token 0 is the end marker </s>, so word t has row t - 1 of `log_table`."""
    return log_start if not seq else log_table[seq[-1] - 1]


def beam_decode(log_start: np.ndarray, log_table: np.ndarray, width: int, max_len: int) -> list[tuple[tuple, float]]:
    """Beam search: keep the `width` best partial sequences by log-probability; those that emit </s> (token 0)
    leave the beam. Width 1 is greedy decoding.

    Returns every finished hypothesis (sequence, log-probability); sequences still open at max_len count as finished.
    """
    live: list[tuple[tuple, float]] = [((), 0.0)]
    finished: list[tuple[tuple, float]] = []
    for _ in range(max_len):
        candidates = []
        for seq, logp in live:
            step = next_log_probs(seq, log_start, log_table)
            candidates += [
                ((*seq, token), logp + float(step[token])) for token in range(step.size) if np.isfinite(step[token])
            ]
        candidates.sort(key=lambda c: -c[1])
        live = []
        for seq, logp in candidates[:width]:
            (finished if seq[-1] == 0 else live).append((seq, logp))
        if not live:
            break
    return finished + live


def every_sequence(log_start: np.ndarray, log_table: np.ndarray, max_len: int) -> list[tuple[tuple, float]]:
    """Every sequence with nonzero probability that ends at </s> (token 0) or reaches max_len, with its
    log-probability: the exact answer a beam search approximates."""
    import itertools

    vocab = log_start.size
    found = []
    for length in range(1, max_len + 1):
        for seq in itertools.product(range(vocab), repeat=length):
            if 0 in seq[:-1] or (seq[-1] != 0 and length < max_len):
                continue
            logp = sum(float(next_log_probs(seq[:i], log_start, log_table)[t]) for i, t in enumerate(seq))
            if np.isfinite(logp):
                found.append((seq, logp))
    return found


def length_normalised(logp: float, length: int, alpha: float) -> float:
    """A hypothesis score divided by length^alpha, so longer outputs are not punished for every extra token."""
    return logp / length**alpha


def train_linear_autoencoder(
    clean: np.ndarray,
    E: np.ndarray,
    D: np.ndarray,
    lr: float,
    steps: int,
    *,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
    decay: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Full-batch gradient descent on mean((clean - D E x)²) over every entry, for centred data `clean`.

    x is `clean` itself, or, with `noise` > 0, `clean` plus fresh Gaussian noise of that standard deviation drawn
    from `rng` at every step (a denoising autoencoder). With `decay` the step falls linearly from lr towards 0.
    Returns the trained (E, D) and the loss before each step; E and D given are not changed.
    """
    n, p = clean.shape
    E, D = E.copy(), D.copy()
    losses = np.zeros(steps)
    for t in range(steps):
        inputs = clean + noise * rng.normal(size=clean.shape) if noise > 0 else clean
        code = inputs @ E.T
        residual = clean - code @ D.T
        losses[t] = np.mean(residual**2)
        grad_D = -2.0 / (n * p) * residual.T @ code
        grad_E = -2.0 / (n * p) * D.T @ residual.T @ inputs
        eta = lr * (1 - t / steps) if decay else lr
        D -= eta * grad_D
        E -= eta * grad_E
    return E, D, losses


def ratio(top: float, bottom: float) -> float:
    """top / bottom, or NaN (shown as nan, returned as null) when bottom is 0 and the metric is undefined."""
    return float(top / bottom) if bottom else float("nan")


def confusion_counts(labels: np.ndarray, predictions: np.ndarray, classes: int) -> np.ndarray:
    """counts[i, j] = how many examples of true class i were predicted as class j."""
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (labels, predictions), 1)
    return counts


def class_report(counts: np.ndarray) -> dict:
    """Accuracy, and per class (one against the rest) precision, recall and F1 from a confusion matrix with true
    classes in rows; NaN where a metric divides by zero. With two classes, class 1's entries are the usual
    precision, recall and F1, and class 0's recall is the specificity."""
    correct = np.diag(counts)
    predicted, actual = counts.sum(axis=0), counts.sum(axis=1)
    k = counts.shape[0]
    f1 = np.array([ratio(2 * correct[c], predicted[c] + actual[c]) for c in range(k)])
    return {
        "accuracy": float(np.trace(counts) / counts.sum()),
        "precision": np.array([ratio(correct[c], predicted[c]) for c in range(k)]),
        "recall": np.array([ratio(correct[c], actual[c]) for c in range(k)]),
        "f1": f1,
        "macro_f1": float(np.nanmean(f1)) if np.any(~np.isnan(f1)) else float("nan"),
    }


def som_update(
    weights: np.ndarray, grid: np.ndarray, x: np.ndarray, lr: float, sigma: float
) -> tuple[np.ndarray, int, np.ndarray]:
    """One self-organising-map step for the point x.

    The best-matching unit b is the one whose weight vector is nearest x (the first on ties); every unit j moves
    lr·h_j of the way to x, with h_j = exp(-‖grid_j - grid_b‖²/(2σ²)) from the units' positions on the map grid.
    Returns (new weights, b, h).
    """
    diff = x - weights
    winner = int(np.argmin(np.sum(diff**2, axis=1)))
    h = np.exp(-np.sum((grid - grid[winner]) ** 2, axis=1) / (2 * sigma**2))
    return weights + (lr * h)[:, None] * diff, winner, h


# Quantization grids


def quantize(x: np.ndarray, bits: int, group: int | None = None, axis: int = -1) -> np.ndarray:
    """Symmetric round-to-nearest on an integer grid [-(2^(b-1) - 1), 2^(b-1) - 1] with one scale per group of
    `group` consecutive entries along `axis` (None: one scale for the whole array); returns the dequantized values."""
    levels = 2 ** (bits - 1) - 1
    moved = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    if group is None:
        scale = np.abs(moved).max() / levels
        out = np.round(moved / scale) * scale if scale > 0 else moved.copy()
        return np.moveaxis(out, -1, axis)
    shape = moved.shape
    chunks = moved.reshape(*shape[:-1], shape[-1] // group, group)
    scale = np.abs(chunks).max(axis=-1, keepdims=True) / levels
    safe = np.where(scale > 0, scale, 1.0)
    out = (np.round(chunks / safe) * safe).reshape(shape)
    return np.moveaxis(out, -1, axis)


def relative_rms(error: np.ndarray, reference: np.ndarray) -> float:
    """RMS of an error over RMS of the values it is an error of."""
    return float(np.sqrt(np.mean(error**2) / np.mean(reference**2)))


def fp8_grid(exponent_bits: int, mantissa_bits: int) -> np.ndarray:
    """The non-negative finite values of an FP8 format, E4M3 (bias 7, largest 448: only its all-ones pattern is
    NaN) or E5M2 (bias 15, largest 57344: IEEE infinities and NaNs), from zero up."""
    bias = 2 ** (exponent_bits - 1) - 1
    values = [m / 2**mantissa_bits * 2.0 ** (1 - bias) for m in range(2**mantissa_bits)]  # subnormals and zero
    top = 2**exponent_bits - 1 if exponent_bits == 4 else 2**exponent_bits - 2  # E5M2 keeps IEEE infinities
    for e in range(1, top + 1):
        for m in range(2**mantissa_bits):
            if exponent_bits == 4 and e == top and m == 2**mantissa_bits - 1:
                continue  # E4M3's NaN
            values.append((1 + m / 2**mantissa_bits) * 2.0 ** (e - bias))
    return np.array(values)


def round_to_grid(x: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Each value rounded to the nearest value of the ascending non-negative `grid` (ties to the smaller
    magnitude), saturating at the largest, sign restored."""
    mags = np.minimum(np.abs(x), grid[-1])
    idx = np.clip(np.searchsorted(grid, mags), 1, len(grid) - 1)
    nearer = np.where(mags - grid[idx - 1] <= grid[idx] - mags, idx - 1, idx)
    return np.sign(x) * grid[nearer]
