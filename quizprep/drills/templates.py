"""The drill templates. Each draws its numbers from a seeded generator and returns a Problem.

To add one: write `@template("name")` over `def name(rng) -> Problem`, and add the name
with its title and topic to `quizprep.drills.CATALOG` (kept free of NumPy so listing is
cheap; a test checks the two agree).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from quizprep.drills import Problem

REGISTRY: dict[str, Callable[[np.random.Generator], Problem]] = {}


def template(name: str) -> Callable:
    def register(func: Callable[[np.random.Generator], Problem]) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"drill {name!r} registered twice")
        REGISTRY[name] = func
        return func

    return register


def make(name: str, seed: int) -> Problem:
    problem = REGISTRY[name](np.random.default_rng(seed))
    problem.name = name
    return problem


@template("softmax-probability")
def softmax_probability(rng: np.random.Generator) -> Problem:
    logits = rng.integers(-2, 4, size=3).astype(float)
    k = int(rng.integers(0, 3))
    e = np.exp(logits - logits.max())
    p = e / e.sum()
    z = ", ".join(f"{v:g}" for v in logits)
    exps = " + ".join(f"e^{v:g}" for v in logits)
    return Problem(
        name="softmax-probability",
        prompt=f"The logits are z = ({z}). What probability does softmax give to class {k + 1}? (3 decimals)",
        answer=[float(p[k])],
        solution=[
            f"softmax(z)_{k + 1} = e^{logits[k]:g} / ({exps})",
            f"= {np.exp(logits[k]):.4f} / {np.exp(logits).sum():.4f} = {p[k]:.4f}",
        ],
        rel_tol=0.01,
        abs_tol=0.002,
        params={"logits": logits.tolist(), "class": k + 1},
    )


# Helpers shared by the templates below. Numbers are drawn from short lists of friendly values
# with `_pick`, so every parameter is a plain Python int or float (and `params` stays JSON-ready).


def _pick(rng: np.random.Generator, options: list):
    return options[int(rng.integers(len(options)))]


def _f(x: float, digits: int = 6) -> str:
    """A number for display: integers without a decimal point, others with up to `digits` significant digits."""
    value = round(float(x), 10)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def _p(x: float, digits: int = 6) -> str:
    """Like _f, with negative numbers in parentheses so they can follow an operator."""
    text = _f(x, digits)
    return f"({text})" if text.startswith("-") else text


def _r(x: float, paren: bool = False) -> str:
    """A computed value rounded to 4 decimals for a worked solution; `paren` wraps a negative one in parentheses."""
    value = round(float(x), 4) + 0.0
    return _p(value) if paren else _f(value)


def _vec(values, digits: int = 6) -> str:
    return "(" + ", ".join(_f(v, digits) for v in values) + ")"


def _rows(matrix) -> str:
    return "[" + ", ".join("[" + ", ".join(_f(v) for v in row) + "]" for row in matrix) + "]"


def _dec(n: int) -> dict:
    """Tolerance for an answer asked to n decimals: within one unit of the last decimal."""
    return {"rel_tol": 0.0, "abs_tol": 10.0**-n}


EXACT = {"rel_tol": 0.0, "abs_tol": 1e-9}  # counts and other whole numbers


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@template("gradient-descent-step")
def gradient_descent_step(rng: np.random.Generator) -> Problem:
    a = _pick(rng, [0.5, 1.0, 1.5, 2.0])
    c = int(rng.integers(-3, 4))
    w = int(rng.integers(-4, 6))
    if w == c:
        w += 2
    lr = _pick(rng, [0.01, 0.05, 0.1, 0.2])
    grad = 2 * a * (w - c)
    new = w - lr * grad
    square = f"(w - {c})²" if c > 0 else f"(w + {-c})²" if c < 0 else "w²"
    scale = "" if a == 1 else f"{_f(a)}·"
    return Problem(
        name="gradient-descent-step",
        prompt=(
            f"The loss is L(w) = {scale}{square}. Starting from w = {w}, take one plain "
            f"gradient-descent step with learning rate {_f(lr)}. What is the new w? (3 decimals)"
        ),
        answer=[new],
        solution=[
            f"dL/dw = 2·a·(w - c) = 2·{_f(a)}·({w} - {_p(c)}) = {_f(grad)}",
            f"w_new = w - lr·dL/dw = {w} - {_f(lr)}·{_p(grad)} = {_f(new)}",
        ],
        **_dec(3),
        params={"a": a, "c": c, "w": w, "lr": lr},
    )


@template("sigmoid-derivative")
def sigmoid_derivative(rng: np.random.Generator) -> Problem:
    x = int(rng.integers(-8, 9)) / 4
    s = _sigmoid(x)
    d = s * (1 - s)
    return Problem(
        name="sigmoid-derivative",
        prompt=f"What is the derivative of the sigmoid σ(x) = 1/(1 + e^-x) at x = {_f(x)}? (4 decimals)",
        answer=[d],
        solution=[
            f"σ({_f(x)}) = 1/(1 + e^{_p(-x)}) = {s:.5f}",
            f"σ'(x) = σ(x)·(1 - σ(x)) = {s:.5f}·{1 - s:.5f} = {d:.5f}",
        ],
        **_dec(4),
        params={"x": x},
    )


@template("mse-loss")
def mse_loss(rng: np.random.Generator) -> Problem:
    y = [int(v) for v in rng.integers(0, 5, size=4)]
    diff = [int(v) / 2 for v in rng.integers(-4, 5, size=4)]
    if not any(diff):
        diff[0] = 1.0
    pred = [t + d for t, d in zip(y, diff)]
    squares = [d * d for d in diff]
    mse = sum(squares) / 4
    return Problem(
        name="mse-loss",
        prompt=f"Targets y = {_vec(y)}, predictions ŷ = {_vec(pred)}. What is the mean squared error? (3 decimals)",
        answer=[mse],
        solution=[
            f"errors ŷ - y = {_vec(diff)}",
            f"squared = {_vec(squares)}, sum = {_f(sum(squares))}",
            f"MSE = {_f(sum(squares))} / 4 = {_f(mse)}",
        ],
        **_dec(3),
        params={"y": y, "pred": pred},
    )


@template("binary-cross-entropy")
def binary_cross_entropy(rng: np.random.Generator) -> Problem:
    y = [int(v) for v in rng.integers(0, 2, size=3)]
    p = [int(v) / 10 for v in rng.integers(1, 10, size=3)]
    terms = [-math.log(q if t == 1 else 1 - q) for t, q in zip(y, p)]
    loss = sum(terms) / 3
    shown = [f"-ln({_f(q)})" if t == 1 else f"-ln(1 - {_f(q)})" for t, q in zip(y, p)]
    return Problem(
        name="binary-cross-entropy",
        prompt=(
            f"Three examples have labels y = {_vec(y)} and predicted probabilities of class 1 "
            f"p = {_vec(p)}. What is the mean binary cross-entropy (natural log)? (3 decimals)"
        ),
        answer=[loss],
        solution=[
            "per example: -ln(p) when y = 1, -ln(1 - p) when y = 0",
            ", ".join(f"{s} = {v:.4f}" for s, v in zip(shown, terms)),
            f"mean = ({' + '.join(f'{v:.4f}' for v in terms)}) / 3 = {loss:.4f}",
        ],
        **_dec(3),
        params={"y": y, "p": p},
    )


@template("categorical-cross-entropy")
def categorical_cross_entropy(rng: np.random.Generator) -> Problem:
    cuts = sorted(int(v) for v in rng.choice(np.arange(1, 20), size=3, replace=False))
    probs = [round((b - a) * 0.05, 2) for a, b in zip([0, *cuts], [*cuts, 20])]
    k = int(rng.integers(0, 4))
    onehot = [1 if i == k else 0 for i in range(4)]
    loss = -math.log(probs[k])
    return Problem(
        name="categorical-cross-entropy",
        prompt=(
            f"A 4-class classifier outputs probabilities {_vec(probs)}; the one-hot label is {_vec(onehot)}. "
            f"What is the cross-entropy loss (natural log)? (3 decimals)"
        ),
        answer=[loss],
        solution=[
            "CE = -Σ y_i·ln(p_i); only the true class has y_i = 1",
            f"CE = -ln({_f(probs[k])}) = {loss:.4f}",
        ],
        **_dec(3),
        params={"probs": probs, "true_class": k + 1},
    )


@template("matmul-entry")
def matmul_entry(rng: np.random.Generator) -> Problem:
    m, n, p = int(rng.integers(2, 4)), int(rng.integers(3, 5)), int(rng.integers(2, 4))
    a = rng.integers(-3, 5, size=(m, n))
    b = rng.integers(-3, 5, size=(n, p))
    i, j = int(rng.integers(0, m)), int(rng.integers(0, p))
    row, col = [int(v) for v in a[i]], [int(v) for v in b[:, j]]
    value = sum(r * c for r, c in zip(row, col))
    return Problem(
        name="matmul-entry",
        prompt=(
            f"A ({m}×{n}) = {_rows(a)} and B ({n}×{p}) = {_rows(b)}, rows listed top to bottom. "
            f"What is the entry in row {i + 1}, column {j + 1} of C = AB? (whole number)"
        ),
        answer=[float(value)],
        solution=[
            f"C[{i + 1},{j + 1}] = (row {i + 1} of A) · (column {j + 1} of B) = {_vec(row)} · {_vec(col)}",
            "= " + " + ".join(f"{_p(r)}·{_p(c)}" for r, c in zip(row, col)) + f" = {value}",
        ],
        **EXACT,
        params={"A": a.tolist(), "B": b.tolist(), "row": i + 1, "col": j + 1},
    )


@template("conv-output-size")
def conv_output_size(rng: np.random.Generator) -> Problem:
    size = _pick(rng, [28, 32, 37, 48, 56, 64, 96, 112, 128, 224, 227])
    k = _pick(rng, [1, 2, 3, 5, 7, 11])
    s = _pick(rng, [1, 2, 3, 4])
    pad = _pick(rng, [0, 1, 2, 3])
    out = (size + 2 * pad - k) // s + 1
    return Problem(
        name="conv-output-size",
        prompt=(
            f"A convolution with a {k}×{k} kernel, stride {s} and zero padding {pad} on every side is applied "
            f"to a {size}×{size} input. What is the output's height? (whole number)"
        ),
        answer=[float(out)],
        solution=[
            "out = floor((n + 2p - k) / s) + 1",
            f"= floor(({size} + 2·{pad} - {k}) / {s}) + 1 = floor({_f((size + 2 * pad - k) / s, 5)}) + 1 = {out}",
        ],
        **EXACT,
        params={"size": size, "kernel": k, "stride": s, "padding": pad},
    )


@template("conv-param-count")
def conv_param_count(rng: np.random.Generator) -> Problem:
    c_in = _pick(rng, [1, 3, 8, 16, 32, 64])
    c_out = _pick(rng, [8, 16, 32, 64, 128])
    k = _pick(rng, [1, 3, 5, 7])
    size = _pick(rng, [28, 32, 64, 224])
    weights = k * k * c_in * c_out
    total = weights + c_out
    return Problem(
        name="conv-param-count",
        prompt=(
            f"A Conv2d layer maps {c_in} input channels to {c_out} output channels with {k}×{k} kernels and a bias, "
            f"on {size}×{size} images. How many trainable parameters does it have? (whole number)"
        ),
        answer=[float(total)],
        solution=[
            f"weights = k·k·C_in·C_out = {k}·{k}·{c_in}·{c_out} = {weights}; biases = C_out = {c_out}",
            f"total = {weights} + {c_out} = {total} (the image size does not matter)",
        ],
        **EXACT,
        params={"in_channels": c_in, "out_channels": c_out, "kernel": k, "image_size": size},
    )


@template("maxpool-values")
def maxpool_values(rng: np.random.Generator) -> Problem:
    n, stride = _pick(rng, [(4, 2), (3, 1)])
    x = rng.integers(0, 10, size=(n, n))
    windows = [[x[r * stride : r * stride + 2, c * stride : c * stride + 2] for c in range(2)] for r in range(2)]
    out = [[int(w.max()) for w in row] for row in windows]
    lines = [
        f"output row {r + 1}: "
        + ", ".join(f"max({', '.join(str(int(v)) for v in w.ravel())}) = {out[r][c]}" for c, w in enumerate(windows[r]))
        for r in range(2)
    ]
    return Problem(
        name="maxpool-values",
        prompt=(
            f"Max pooling with a 2×2 window, stride {stride} and no padding is applied to the {n}×{n} input "
            f"{_rows(x)} (rows top to bottom). The output is 2×2: give its 4 values row by row. (whole numbers)"
        ),
        answer=[float(v) for row in out for v in row],
        solution=[f"output size = ({n} - 2) / {stride} + 1 = 2; each output takes the max of one 2×2 window", *lines],
        **EXACT,
        params={"x": x.tolist(), "stride": stride},
    )


@template("dense-param-count")
def dense_param_count(rng: np.random.Generator) -> Problem:
    n_in = _pick(rng, [64, 100, 128, 256, 300, 512, 784])
    n_out = _pick(rng, [10, 16, 32, 64, 100, 128, 256])
    total = n_in * n_out + n_out
    return Problem(
        name="dense-param-count",
        prompt=(
            f"A fully connected (dense) layer takes {n_in} inputs and has {n_out} output units with biases. "
            f"How many trainable parameters does it have? (whole number)"
        ),
        answer=[float(total)],
        solution=[
            f"weights = n_in·n_out = {n_in}·{n_out} = {n_in * n_out}; biases = n_out = {n_out}",
            f"total = {n_in * n_out} + {n_out} = {total}",
        ],
        **EXACT,
        params={"n_in": n_in, "n_out": n_out},
    )


@template("iterations-per-epoch")
def iterations_per_epoch(rng: np.random.Generator) -> Problem:
    batch = _pick(rng, [16, 32, 50, 64, 100, 128, 256])
    full = int(rng.integers(10, 400))
    rest = int(rng.integers(1, batch))
    n = batch * full + rest
    epochs = int(rng.integers(2, 21))
    per_epoch = full + 1
    return Problem(
        name="iterations-per-epoch",
        prompt=(
            f"A training set has {n:,} examples, the batch size is {batch}, and the last, smaller batch of each "
            f"epoch is kept. How many iterations (optimizer steps) are there in one epoch, and in {epochs} epochs? "
            f"Give both numbers. (whole numbers)"
        ),
        answer=[float(per_epoch), float(per_epoch * epochs)],
        solution=[
            f"per epoch = ceil(N / B) = ceil({n} / {batch}) = ceil({_f(n / batch, 7)}) = {per_epoch}",
            f"{epochs} epochs = {epochs}·{per_epoch} = {per_epoch * epochs} (round up each epoch, not the total)",
        ],
        **EXACT,
        params={"n": n, "batch": batch, "epochs": epochs},
    )


@template("batchnorm-value")
def batchnorm_value(rng: np.random.Generator) -> Problem:
    x = [int(v) for v in rng.integers(-2, 9, size=4)]
    if len(set(x)) == 1:
        x[0] += 2
    k = int(rng.integers(0, 4))
    gamma = _pick(rng, [0.5, 1.0, 1.5, 2.0, 3.0])
    beta = _pick(rng, [-1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    mean = sum(x) / 4
    var = sum((v - mean) ** 2 for v in x) / 4
    xhat = (x[k] - mean) / math.sqrt(var)
    y = gamma * xhat + beta
    return Problem(
        name="batchnorm-value",
        prompt=(
            f"In training mode, batch norm sees one feature take the values {_vec(x)} across a batch of 4. "
            f"With γ = {_f(gamma)}, β = {_f(beta)}, ε = 0 and the biased variance (divide by 4), what is the "
            f"output for example {k + 1} (value {x[k]})? (3 decimals)"
        ),
        answer=[y],
        solution=[
            f"μ = ({' + '.join(_p(v) for v in x)}) / 4 = {_f(mean)}",
            f"σ² = mean of (x - μ)² = ({' + '.join(_f((v - mean) ** 2) for v in x)}) / 4 = {_f(var)}",
            f"x̂ = (x - μ) / √σ² = ({x[k]} - {_p(mean)}) / {_r(math.sqrt(var))} = {_r(xhat)}",
            f"y = γ·x̂ + β = {_f(gamma)}·{_r(xhat, paren=True)} + {_p(beta)} = {_r(y)}",
        ],
        **_dec(3),
        params={"x": x, "index": k + 1, "gamma": gamma, "beta": beta},
    )


@template("dropout-scaling")
def dropout_scaling(rng: np.random.Generator) -> Problem:
    p = _pick(rng, [0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75])
    a = int(rng.integers(1, 13)) / 2
    kept = a / (1 - p)
    test = a * (1 - p)
    return Problem(
        name="dropout-scaling",
        prompt=(
            f"A unit's activation is a = {_f(a)} and dropout drops units with probability p = {_f(p)}. "
            f"(1) With inverted dropout, what value does the unit pass on in training when it is kept? "
            f"(2) With the original, non-inverted dropout, what does it output at test time? "
            f"Give both. (3 decimals each)"
        ),
        answer=[kept, test],
        solution=[
            f"inverted: kept units are scaled up by 1/(1 - p) in training: {_f(a)} / {_f(1 - p)} = {_r(kept)}",
            f"non-inverted: outputs are scaled by the keep rate at test time: {_f(a)}·{_f(1 - p)} = {_r(test)}",
            "either way the expected training output equals the test output",
        ],
        **_dec(3),
        params={"p": p, "a": a},
    )


@template("l2-penalty-gradient")
def l2_penalty_gradient(rng: np.random.Generator) -> Problem:
    w = int(_pick(rng, [-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6])) / 2
    g = int(rng.integers(-10, 11)) / 10
    lam = _pick(rng, [0.01, 0.05, 0.1, 0.2, 0.5])
    half = bool(rng.integers(0, 2))
    lr = _pick(rng, [0.1, 0.2, 0.5])
    factor = 1 if half else 2
    grad = g + factor * lam * w
    new = w - lr * grad
    penalty = f"({_f(lam)}/2)·Σ w²" if half else f"{_f(lam)}·Σ w²"
    return Problem(
        name="l2-penalty-gradient",
        prompt=(
            f"The loss is L = L_data + {penalty}. For a weight w = {_f(w)}, dL_data/dw = {_f(g)}. "
            f"What is the total gradient dL/dw, and w after one SGD step with learning rate {_f(lr)}? "
            f"Give both. (4 decimals each)"
        ),
        answer=[grad, new],
        solution=[
            f"d/dw of the penalty = {'λ·w' if half else '2λ·w'} = {'' if half else '2·'}{_f(lam)}·{_p(w)} = {_f(factor * lam * w)}",
            f"dL/dw = {_f(g)} + {_p(factor * lam * w)} = {_f(grad)}",
            f"w_new = {_f(w)} - {_f(lr)}·{_p(grad)} = {_f(new)}",
        ],
        **_dec(4),
        params={"w": w, "data_grad": g, "lam": lam, "half": half, "lr": lr},
    )


@template("precision-recall-f1")
def precision_recall_f1(rng: np.random.Generator) -> Problem:
    tp = int(rng.integers(10, 91))
    fp = int(rng.integers(1, 31))
    fn = int(rng.integers(1, 31))
    tn = int(rng.integers(20, 201))
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    return Problem(
        name="precision-recall-f1",
        prompt=(
            f"A binary classifier's confusion matrix: of the actual positives, {tp} are predicted positive and "
            f"{fn} negative; of the actual negatives, {fp} are predicted positive and {tn} negative. "
            f"What are precision, recall and F1? Give all three. (3 decimals each)"
        ),
        answer=[precision, recall, f1],
        solution=[
            f"precision = TP / (TP + FP) = {tp} / {tp + fp} = {precision:.4f}",
            f"recall = TP / (TP + FN) = {tp} / {tp + fn} = {recall:.4f}",
            f"F1 = 2·P·R / (P + R) = 2·{precision:.4f}·{recall:.4f} / {precision + recall:.4f} = {f1:.4f}",
        ],
        **_dec(3),
        params={"tp": tp, "fp": fp, "fn": fn, "tn": tn},
    )


@template("momentum-step")
def momentum_step(rng: np.random.Generator) -> Problem:
    mu = _pick(rng, [0.5, 0.8, 0.9])
    v = int(rng.integers(-4, 5)) / 2
    g = int(rng.integers(-6, 7)) / 2
    w = int(rng.integers(-4, 5)) / 2
    lr = _pick(rng, [0.01, 0.05, 0.1])
    v_new = mu * v + g
    w_new = w - lr * v_new
    return Problem(
        name="momentum-step",
        prompt=(
            f"SGD with momentum updates v ← μ·v + g, then w ← w - lr·v. With μ = {_f(mu)}, lr = {_f(lr)}, "
            f"previous velocity v = {_f(v)}, gradient g = {_f(g)} and w = {_f(w)}, what are the new v and "
            f"the new w? Give both. (4 decimals each)"
        ),
        answer=[v_new, w_new],
        solution=[
            f"v = μ·v + g = {_f(mu)}·{_p(v)} + {_p(g)} = {_f(v_new)}",
            f"w = w - lr·v = {_f(w)} - {_f(lr)}·{_p(v_new)} = {_f(w_new)}",
        ],
        **_dec(4),
        params={"mu": mu, "v": v, "g": g, "w": w, "lr": lr},
    )


@template("adam-step")
def adam_step(rng: np.random.Generator) -> Problem:
    t = int(rng.integers(2, 5))
    m = int(rng.integers(-5, 6)) / 10
    v = int(rng.integers(1, 11)) / 100
    g = int(_pick(rng, [-4, -3, -2, -1, 1, 2, 3, 4])) / 2
    w = int(rng.integers(-4, 5)) / 2
    lr = _pick(rng, [0.1, 0.05])
    m_t = 0.9 * m + 0.1 * g
    v_t = 0.99 * v + 0.01 * g * g
    m_hat = m_t / (1 - 0.9**t)
    v_hat = v_t / (1 - 0.99**t)
    w_new = w - lr * m_hat / math.sqrt(v_hat)
    return Problem(
        name="adam-step",
        prompt=(
            f"Adam with β1 = 0.9, β2 = 0.99, lr = {_f(lr)} and ε ≈ 0 enters step t = {t} with moments "
            f"m = {_f(m)} and v = {_f(v)}. The gradient is g = {_f(g)} and w = {_f(w)}. "
            f"What is w after this step (with bias correction)? (3 decimals)"
        ),
        answer=[w_new],
        solution=[
            f"m = 0.9·{_p(m)} + 0.1·{_p(g)} = {_f(m_t)}; v = 0.99·{_f(v)} + 0.01·{_f(g * g)} = {_f(v_t)}",
            f"m̂ = m / (1 - 0.9^{t}) = {_r(m_hat)}; v̂ = v / (1 - 0.99^{t}) = {_r(v_hat)}",
            f"w = w - lr·m̂/√v̂ = {_f(w)} - {_f(lr)}·{_r(m_hat, paren=True)}/{_r(math.sqrt(v_hat))} = {_r(w_new)}",
        ],
        **_dec(3),
        params={"t": t, "m": m, "v": v, "g": g, "w": w, "lr": lr},
    )


@template("attention-weight")
def attention_weight(rng: np.random.Generator) -> Problem:
    q = [int(v) for v in rng.integers(-2, 3, size=4)]
    if not any(q):
        q[0] = 1
    k1 = [int(v) for v in rng.integers(-2, 3, size=4)]
    k2 = [int(v) for v in rng.integers(-2, 3, size=4)]
    d1 = sum(a * b for a, b in zip(q, k1))
    d2 = sum(a * b for a, b in zip(q, k2))
    s1, s2 = d1 / 2, d2 / 2
    alpha = 1 / (1 + math.exp(s2 - s1))
    return Problem(
        name="attention-weight",
        prompt=(
            f"Scaled dot-product attention: query q = {_vec(q)}, keys k1 = {_vec(k1)} and k2 = {_vec(k2)} "
            f"(d_k = 4). What attention weight does q give to k1? (3 decimals)"
        ),
        answer=[alpha],
        solution=[
            f"q·k1 = {d1}, q·k2 = {d2}; divide by √d_k = 2: s1 = {_f(s1)}, s2 = {_f(s2)}",
            f"α1 = e^s1 / (e^s1 + e^s2) = 1 / (1 + e^({_f(s2)} - {_p(s1)})) = {alpha:.4f}",
        ],
        **_dec(3),
        params={"q": q, "k1": k1, "k2": k2},
    )


@template("rnn-param-count")
def rnn_param_count(rng: np.random.Generator) -> Problem:
    cell, gates = _pick(rng, [("simple RNN", 1), ("GRU", 3), ("LSTM", 4)])
    n_in = _pick(rng, [16, 32, 50, 64, 100, 128, 300])
    hidden = _pick(rng, [16, 32, 64, 128, 256])
    per_gate = hidden * n_in + hidden * hidden + hidden
    total = gates * per_gate
    what = "block" if gates == 1 else "gate (or candidate) block"
    return Problem(
        name="rnn-param-count",
        prompt=(
            f"A single-layer {cell} has input size {n_in} and hidden size {hidden}. Counting one bias vector per "
            f"{what} (PyTorch keeps two; ignore that), how many trainable parameters does it have? (whole number)"
        ),
        answer=[float(total)],
        solution=[
            f"{'an' if cell == 'LSTM' else 'a'} {cell} has {gates} block{'s' if gates > 1 else ''}, each with W (h×x), U (h×h) and b (h)",
            f"per block = {hidden}·{n_in} + {hidden}·{hidden} + {hidden} = {per_gate}",
            f"total = {gates}·{per_gate} = {total}",
        ],
        **EXACT,
        params={"cell": cell, "gates": gates, "input_size": n_in, "hidden_size": hidden},
    )


@template("relu-neuron-gradient")
def relu_neuron_gradient(rng: np.random.Generator) -> Problem:
    for _ in range(3):  # redraw while the unit is off (twice at most): a dead ReLU is a sometimes-trap, not the usual case
        w = [int(v) / 2 for v in rng.integers(-4, 5, size=2)]
        x = [int(v) for v in rng.integers(-3, 4, size=2)]
        b = _pick(rng, [-1.0, -0.5, 0.0, 0.5, 1.0])
        z = w[0] * x[0] + w[1] * x[1] + b
        if z > 0:
            break
    if z == 0:
        b += 0.5
        z = 0.5
    t = int(rng.integers(0, 4))
    y = max(0.0, z)
    on = 1 if z > 0 else 0
    dw1 = (y - t) * on * x[0] + 0.0
    db = (y - t) * on + 0.0
    return Problem(
        name="relu-neuron-gradient",
        prompt=(
            f"A neuron computes y = ReLU(w1·x1 + w2·x2 + b) with w = {_vec(w)}, b = {_f(b)} and input "
            f"x = {_vec(x)}; the loss is L = ½(y - t)² with target t = {t}. What are dL/dw1 and dL/db? "
            f"Give both. (2 decimals each)"
        ),
        answer=[dw1, db],
        solution=[
            f"z = {_f(w[0])}·{_p(x[0])} + {_p(w[1])}·{_p(x[1])} + {_p(b)} = {_f(z)}; y = ReLU(z) = {_f(y)}",
            f"dL/dy = y - t = {_f(y - t)}; dy/dz = {on} ({'z > 0' if on else 'z < 0: the unit is off'})",
            f"dL/dw1 = {_f(y - t)}·{on}·x1 = {_f(dw1)}; dL/db = {_f(y - t)}·{on}·1 = {_f(db)}",
        ],
        **_dec(2),
        params={"w": w, "b": b, "x": x, "t": t},
    )


@template("vae-kl-term")
def vae_kl_term(rng: np.random.Generator) -> Problem:
    mu = [int(v) / 2 for v in rng.integers(-4, 5, size=2)]
    sigma = [_pick(rng, [0.5, 1.0, 1.5, 2.0]) for _ in range(2)]
    terms = [0.5 * (m * m + s * s - 1 - math.log(s * s)) for m, s in zip(mu, sigma)]
    total = sum(terms)
    lines = [
        f"dim {i + 1}: ½({_f(m * m)} + {_f(s * s)} - 1 - ln {_f(s * s)}) = {term:.4f}"
        for i, (m, s, term) in enumerate(zip(mu, sigma, terms))
    ]
    return Problem(
        name="vae-kl-term",
        prompt=(
            f"A VAE encoder outputs μ = {_vec(mu)} and σ = {_vec(sigma)} for a 2-d latent: q(z|x) = N(μ, diag σ²). "
            f"What is KL(q || N(0, I)) in nats? (3 decimals)"
        ),
        answer=[total],
        solution=["KL = Σ ½(μ² + σ² - 1 - ln σ²) over latent dimensions", *lines, f"KL = {total:.4f}"],
        **_dec(3),
        params={"mu": mu, "sigma": sigma},
    )


@template("tensor-memory")
def tensor_memory(rng: np.random.Generator) -> Problem:
    batch = _pick(rng, [8, 16, 32, 64, 128])
    channels = _pick(rng, [3, 16, 32, 64, 128, 256])
    size = _pick(rng, [7, 14, 28, 32, 56, 64, 112, 224])
    dtype, width = _pick(rng, [("float32", 4), ("float16", 2), ("bfloat16", 2), ("float64", 8)])
    count = batch * channels * size * size
    mib = count * width / 2**20
    return Problem(
        name="tensor-memory",
        prompt=(
            f"An activation tensor of shape ({batch}, {channels}, {size}, {size}) is stored as {dtype}. "
            f"How many MiB does it take (1 MiB = 2^20 = 1,048,576 bytes)? (2 decimals)"
        ),
        answer=[mib],
        solution=[
            f"elements = {batch}·{channels}·{size}·{size} = {count:,}",
            f"bytes = {count:,}·{width} ({dtype}) = {count * width:,}",
            f"MiB = {count * width:,} / 1,048,576 = {_r(mib)}",
        ],
        **_dec(2),
        params={"shape": [batch, channels, size, size], "dtype": dtype},
    )


# Later areas register their templates in their own modules.
from quizprep.drills import templates_architectures, templates_modern, templates_practice, templates_signal  # noqa: E402,F401
