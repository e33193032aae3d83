"""Demos: initialisation, activations and normalisation (issue 9) (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo

# ---------------------------------------------------------------- helpers


def side_rng(d: Demo) -> np.random.Generator:
    """A generator for randomness that is not a parameter. Split it off first, before any parameter
    default is drawn, so that running again with the reported parameters repeats the same run."""
    return np.random.default_rng(int(d.rng.integers(2**63)))


def need(condition: bool, message: str) -> None:
    if not condition:
        raise DemoInputError(message)


def rounded(values, places: int = 2) -> np.ndarray:
    return np.round(values, places) + 0.0  # + 0.0 turns -0.0 into 0.0


def relu(z):
    return np.maximum(z, 0.0)


def logistic(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))  # σ(z) without overflow


def normal_cdf(z):
    return 0.5 * (1.0 + np.vectorize(math.erf)(np.asarray(z, dtype=float) / math.sqrt(2.0)))


def normal_pdf(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)


def gelu(x):
    return x * normal_cdf(x)


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def gelu_grad(x):
    return normal_cdf(x) + x * normal_pdf(x)


def silu(x):
    return x * logistic(x)


def silu_grad(x):
    s = logistic(x)
    return s * (1.0 + x * (1.0 - s))


def bisect_root(func, low: float, high: float, steps: int = 60) -> float:
    """A zero of func between low and high, where func changes sign."""
    f_low = func(low)
    for _ in range(steps):
        mid = 0.5 * (low + high)
        f_mid = func(mid)
        if (f_mid < 0) == (f_low < 0):
            low, f_low = mid, f_mid
        else:
            high = mid
    return 0.5 * (low + high)


def layer(d: Demo, name_w, w, name_b, b, inputs: int, default_w, default_b):
    """A weight matrix (one row per unit) with `inputs` columns, and its bias vector."""
    W = d.array(name_w, w, default_w, ndim=2)
    need(W.shape[1] == inputs, f"{name_w} must have {inputs} columns (one per input to the layer); got shape {W.shape}")
    need(W.shape[0] <= 64, f"{name_w} may have at most 64 rows")
    B = d.array(name_b, b, (lambda: default_b(W.shape[0])) if callable(default_b) else default_b, ndim=1)
    need(B.shape == (W.shape[0],), f"{name_b} must have {W.shape[0]} entries (one per row of {name_w}); got {B.size}")
    return W, B


# ---------------------------------------------------------------- initialisation


@demo("he-vs-xavier")
def he_vs_xavier(d: Demo, depth=None, width=None, batch=None):
    draws = side_rng(d)
    depth = d.number("depth", depth, 10, low=1, high=30, integer=True)
    width = d.number("width", width, 128, low=8, high=512, integer=True)
    batch = d.number("batch", batch, 128, low=16, high=1024, integer=True)
    var_xavier = 2.0 / (width + width)
    var_he = 2.0 / width
    d.say(
        f"A {depth}-layer network, {width} units per layer, fed {batch} inputs x ~ N(0, 1). Weights are N(0, v) with "
        f"v = 2/(n_in + n_out) = {var_xavier:.4g} (Xavier) or v = 2/n_in = {var_he:.4g} (He); the same random matrices are "
        "reused, only rescaled, so the four runs differ only in init and activation."
    )
    base = draws.normal(0.0, 1.0, (depth, width, width))
    inputs = draws.normal(0.0, 1.0, (batch, width))
    activations = {"tanh": np.tanh, "ReLU": relu}
    runs: dict[str, np.ndarray] = {}
    second_moment_ratio: dict[str, float] = {}
    for act_name, act in activations.items():
        for init_name, var in (("Xavier", var_xavier), ("He", var_he)):
            h, variances = inputs, []
            for index in range(depth):
                z = h @ (math.sqrt(var) * base[index]).T
                variances.append(float(np.var(z)))
                h = act(z)
                if index == 0 and init_name == "Xavier":  # layer 1 under Xavier has Var(z) ≈ 1
                    second_moment_ratio[act_name] = float(np.mean(h**2) / np.var(z))
            runs[f"{act_name} + {init_name}"] = np.array(variances)
    layers = np.arange(1, depth + 1)
    d.say("Var(z) of a unit is n_in·Var(w)·E[x²], where x is what the previous layer outputs.")
    d.show(
        "E[g(z)²] / Var(z) at layer 1 (z ~ N(0, 1))",
        second_moment_ratio,
        f"ReLU keeps only the positive half, so E[ReLU(z)²] is half of Var(z) ({second_moment_ratio['ReLU']:.3f}); "
        f"tanh is nearly the identity for small z, but at Var(z) = 1 it already compresses to {second_moment_ratio['tanh']:.3f}.",
    )
    d.series("variance of the pre-activations z by layer", runs, x=layers)
    last = {name: float(values[-1]) for name, values in runs.items()}
    d.show(f"Var(z) at layer {depth}", last)
    d.say(
        f"ReLU + Xavier multiplies the variance by n·v/2 = {width * var_xavier / 2:g} per layer, so it halves every layer; "
        f"ReLU + He multiplies it by {width * var_he / 2:g} and holds it near 2 (with a finite width it wanders around that level)."
    )
    d.say(
        "With tanh, Xavier's assumption of a unit that is linear near zero is only roughly true, so the variance drifts down "
        "slowly; He's doubled variance settles at a larger fixed point where tanh is partly saturated, not an explosion."
    )
    return {
        "layers": layers,
        "tanh_xavier": runs["tanh + Xavier"],
        "tanh_he": runs["tanh + He"],
        "relu_xavier": runs["ReLU + Xavier"],
        "relu_he": runs["ReLU + He"],
        "second_moment_ratio": second_moment_ratio,
    }


# ---------------------------------------------------------------- dead ReLUs


def dead_relu_forward(X, W, b, v, c):
    z = X @ W.T + b
    return z, relu(z) @ v + c


def dead_relu_gradients(X, y, W, b, v, c):
    """Gradients of ½·mean((v·ReLU(Wx + b) + c - y)²)."""
    z, out = dead_relu_forward(X, W, b, v, c)
    d_out = (out - y) / len(X)
    d_z = np.outer(d_out, v) * (z > 0)
    return {"W": d_z.T @ X, "b": d_z.sum(axis=0), "v": relu(z).T @ d_out, "c": float(d_out.sum())}


def dead_units(X, W, b) -> np.ndarray:
    """Units whose pre-activation is ≤ 0 for every example: they output 0 and pass back no gradient."""
    return np.all(X @ W.T + b <= 0, axis=0)


@demo("dead-relu")
def dead_relu(d: Demo, x=None, y=None, w=None, b=None, v=None, c=None, lr_small=None, lr_large=None):
    X = d.array("x", x, lambda: rounded(d.rng.uniform(0.0, 1.0, (16, 3))), ndim=2)
    need(2 <= len(X) <= 256 and X.shape[1] <= 16, "x must have 2 to 256 rows (examples) and at most 16 columns (features)")
    Y = d.array("y", y, lambda: rounded(d.rng.normal(4.0, 1.0, len(X))), ndim=1)
    need(len(Y) == len(X), f"y must have one target per row of x ({len(X)}); got {len(Y)}")
    W, B = layer(d, "w", w, "b", b, X.shape[1], lambda: rounded(d.rng.normal(0.0, 0.6, (8, X.shape[1]))), lambda rows: np.full(rows, 0.5))
    V = d.array("v", v, lambda: rounded(d.rng.normal(0.0, 0.5, len(B))), ndim=1)
    need(len(V) == len(B), f"v must have one output weight per hidden unit ({len(B)}); got {len(V)}")
    c = d.number("c", c, 0.0, low=-1e6, high=1e6)
    lr_small = d.number("lr_small", lr_small, 0.01, low=0.0, high=1e3)
    lr_large = d.number("lr_large", lr_large, 3.0, low=0.0, high=1e3)
    units = len(B)
    d.say(
        f"A one-hidden-layer regression net, {X.shape[1]} inputs → {units} ReLU units → 1 output, loss ½·mean((ŷ - y)²) "
        f"on a batch of {len(X)}. A unit is dead when its pre-activation is ≤ 0 for every example in the batch."
    )
    before = dead_units(X, W, B)
    _, out = dead_relu_forward(X, W, B, V, c)
    grads = dead_relu_gradients(X, Y, W, B, V, c)
    if np.all(out < Y) and np.all(X >= 0):
        why = (
            "Every prediction is too low, so for unit j each error times v_j has the sign of v_j; and the inputs are ≥ 0 "
            "(like the outputs of an earlier ReLU layer), so the unit's bias and all its weights move the same way."
        )
    else:
        why = "The bias gradient of unit j is mean(error·v_j) over the examples where the unit is active."
    d.show(
        "gradient of the loss for each hidden bias",
        grads["b"],
        f"The net predicts {np.mean(out):.3g} on average against targets near {np.mean(Y):.3g}. {why}",
    )
    after = {}
    for label, lr in (("small", lr_small), ("large", lr_large)):
        after[label] = (W - lr * grads["W"], B - lr * grads["b"], V - lr * grads["v"], c - lr * grads["c"])
    dead_small = dead_units(X, *after["small"][:2])
    dead_large = dead_units(X, *after["large"][:2])
    new_b = after["large"][1]
    d.show(
        f"hidden biases before and after one step with lr = {lr_large:g}",
        {"before": B, "after": new_b},
        "One large step can throw a unit's bias and weights so far negative that no input in the batch reaches zero.",
    )
    fractions = [float(before.mean()), float(dead_small.mean()), float(dead_large.mean())]
    d.bars(
        "fraction of dead hidden units",
        ["before", f"after lr = {lr_small:g}", f"after lr = {lr_large:g}"],
        fractions,
        f"{int(before.sum())} dead before, {int(dead_small.sum())} after the small step, {int(dead_large.sum())} after the large one.",
    )
    next_grads = dead_relu_gradients(X, Y, *after["large"])
    unit_grad = np.sqrt(np.sum(next_grads["W"] ** 2, axis=1) + next_grads["b"] ** 2)
    dead_list = np.flatnonzero(dead_large).tolist()
    d.show(
        "next step's gradient size for each unit's incoming weights and bias",
        unit_grad,
        (
            f"Dead units {dead_list} get exactly zero gradient: ReLU'(z) = 0 on every example, so nothing moves them back; "
            "they stay dead unless earlier layers shift their inputs."
        )
        if dead_list
        else "No unit died this time; a dead unit would show exactly zero here, since ReLU'(z) = 0 on every example.",
    )
    d.say(
        "Detect it by logging, per layer, the share of units that are zero on a whole batch; remedies are a smaller learning "
        "rate or warm-up, gradient clipping, He initialisation, normalisation, or leaky ReLU / ELU, whose negative side keeps a slope."
    )
    return {
        "dead_before": int(before.sum()),
        "dead_after_small": int(dead_small.sum()),
        "dead_after_large": int(dead_large.sum()),
        "dead_units_large": np.flatnonzero(dead_large),
        "bias_after_large": new_b,
        "next_unit_gradient": unit_grad,
    }


# ---------------------------------------------------------------- smooth activations


@demo("gelu-silu")
def gelu_silu(d: Demo, x=None):
    xs = d.array("x", x, lambda: np.linspace(-3.0, 3.0, 13), ndim=1)
    need(len(xs) <= 200, "x may have at most 200 points")
    need(np.all(np.abs(xs) <= 50), "keep x between -50 and 50")
    d.say(
        "GELU(x) = x·Φ(x), with Φ the standard normal CDF; SiLU (Swish with β = 1) is x·σ(x). Both weight x by a smooth "
        "gate between 0 and 1, where ReLU uses a hard 0/1 switch."
    )
    values = {"ReLU": relu(xs), "GELU": gelu(xs), "SiLU": silu(xs)}
    grads = {"ReLU": (xs > 0).astype(float), "GELU": gelu_grad(xs), "SiLU": silu_grad(xs)}
    d.show("x", xs)
    d.show("values", values)
    d.show(
        "derivatives",
        grads,
        "GELU'(x) = Φ(x) + x·φ(x) and SiLU'(x) = σ(x)·(1 + x·(1 - σ(x))): smooth, nonzero for negative x, and slightly above 1 for moderate positive x.",
    )
    grid = np.linspace(-4.0, 4.0, 41)
    d.series("values on [-4, 4]", {"ReLU": relu(grid), "GELU": gelu(grid), "SiLU": silu(grid)}, x=grid)
    gelu_min_x = bisect_root(lambda t: float(gelu_grad(t)), -3.0, 0.0)
    silu_min_x = bisect_root(lambda t: float(silu_grad(t)), -3.0, 0.0)
    gelu_min = float(gelu(gelu_min_x))
    silu_min = float(silu(silu_min_x))
    d.show(
        "the dip below zero (x where the derivative is 0, and the value there)",
        {"GELU": [gelu_min_x, gelu_min], "SiLU": [silu_min_x, silu_min]},
        f"Neither is monotonic: GELU bottoms out at {gelu_min:.3f} near x = {gelu_min_x:.2f}, SiLU at {silu_min:.3f} near x = {silu_min_x:.2f}; "
        "for large |x| both approach ReLU.",
    )
    approx = gelu_tanh(xs)
    d.say(
        f"The tanh approximation 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))), used in GPT-2 and BERT code, is within "
        f"{float(np.max(np.abs(approx - values['GELU']))):.1e} of exact GELU at these points."
    )
    return {
        "relu": values["ReLU"],
        "gelu": values["GELU"],
        "silu": values["SiLU"],
        "gelu_tanh": approx,
        "d_relu": grads["ReLU"],
        "d_gelu": grads["GELU"],
        "d_silu": grads["SiLU"],
        "gelu_min": [gelu_min_x, gelu_min],
        "silu_min": [silu_min_x, silu_min],
    }


# ---------------------------------------------------------------- linear layers and XOR


@demo("linear-collapse")
def linear_collapse(d: Demo, x=None, w1=None, b1=None, w2=None, b2=None):
    def ints(shape):
        return d.rng.integers(-2, 3, size=shape).astype(float)

    xs = d.array("x", x, lambda: ints(3), ndim=1)
    need(len(xs) <= 16, "x may have at most 16 entries")
    W1, B1 = layer(d, "w1", w1, "b1", b1, len(xs), lambda: ints((2, len(xs))), lambda rows: ints(rows))
    W2, B2 = layer(d, "w2", w2, "b2", b2, len(B1), lambda: ints((3, len(B1))), lambda rows: ints(rows))
    d.say(
        f"Two linear layers with no activation between them: {len(xs)} inputs → {len(B1)} → {len(B2)} outputs, "
        "y = W2·(W1·x + b1) + b2."
    )
    hidden = W1 @ xs + B1
    two_layers = W2 @ hidden + B2
    d.show("x", xs)
    d.show("layer by layer: h = W1·x + b1, then y = W2·h + b2", {"h": hidden, "y": two_layers})
    W = W2 @ W1
    b = W2 @ B1 + B2
    d.show("one equivalent layer: W = W2·W1", W)
    d.show("and b = W2·b1 + b2", b)
    one_layer = W @ xs + b
    d.show("W·x + b", one_layer, "The same output as the two layers, for this x and for every other x.")
    rank = int(np.linalg.matrix_rank(W))
    d.say(
        f"W has rank {rank}, at most the narrowest width ({min(W1.shape[0], len(xs), len(B2))}): stacking linear layers never adds "
        "expressive power, and a narrow middle layer can only take it away (a low-rank bottleneck)."
    )
    with_relu = W2 @ relu(hidden) + B2
    d.show(
        "the same weights with ReLU between the layers",
        with_relu,
        "A nonlinearity between the layers breaks the identity, which is why hidden layers need activations."
        if not np.allclose(with_relu, two_layers)
        else "For this x every hidden value is already ≥ 0, so ReLU changes nothing here; other inputs would break the identity.",
    )
    return {"two_layers": two_layers, "one_layer": one_layer, "W": W, "b": b, "rank": rank, "with_relu": with_relu}


XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([0, 1, 1, 0])


@demo("xor-minimal")
def xor_minimal(d: Demo, w1=None, b1=None, w2=None, b2=None, trials=None):
    draws = side_rng(d)
    W1, B1 = layer(d, "w1", w1, "b1", b1, 2, [[1.0, 1.0], [1.0, 1.0]], [0.0, -1.0])
    W2 = d.array("w2", w2, [1.0, -2.0], ndim=1)
    need(len(W2) == len(B1), f"w2 must have one weight per hidden unit ({len(B1)}); got {len(W2)}")
    b2 = d.number("b2", b2, 0.0, low=-1e6, high=1e6)
    trials = d.number("trials", trials, 2000, low=1, high=20000, integer=True)
    d.say("XOR: inputs (0,0), (0,1), (1,0), (1,1) with targets 0, 1, 1, 0; predict 1 when the output is above 0.5.")
    hidden = relu(XOR_INPUTS @ W1.T + B1)
    d.show(
        "hidden ReLU units h = ReLU(W1·x + b1), one row per input",
        hidden,
        "With the default weights h1 = ReLU(x1 + x2) counts the ones, and h2 = ReLU(x1 + x2 - 1) fires only when both are 1.",
    )
    output = hidden @ W2 + b2
    predictions = (output > 0.5).astype(int)
    correct = int(np.sum(predictions == XOR_TARGETS))
    d.bars("output y = w2·h + b2", ["(0,0)", "(0,1)", "(1,0)", "(1,1)"], output)
    d.say(f"y = h1 - 2·h2 gives 0, 1, 1, 0 exactly: {correct} of 4 right with only two hidden units.")
    w = draws.normal(0.0, 2.0, (trials, 2))
    b = draws.normal(0.0, 2.0, trials)
    a = draws.normal(0.0, 2.0, trials)
    c = draws.normal(0.0, 1.0, trials)
    single = a[:, None] * relu(w @ XOR_INPUTS.T + b[:, None]) + c[:, None]
    scores = np.sum((single > 0.5).astype(int) == XOR_TARGETS, axis=1)
    best = int(scores.max())
    d.bars(
        f"{trials} random one-hidden-unit nets y = a·ReLU(w·x + b) + c: how many get k of 4 right",
        [f"{k} of 4" for k in range(5)],
        [int(np.sum(scores == k)) for k in range(5)],
    )
    d.say(
        f"The best single-unit net gets {best} of 4. Its output is a monotone function of one score s = w·x + b, so it still "
        "thresholds s, a line; and s(0,0) + s(1,1) = s(0,1) + s(1,0), so the two 1s cannot both score above both 0s."
    )
    return {"hidden": hidden, "output": output, "predictions": predictions, "correct": correct, "single_unit_best": best}


# ---------------------------------------------------------------- normalisation layers


def normalise(values: np.ndarray, axis: int, eps: float) -> np.ndarray:
    mean = values.mean(axis=axis, keepdims=True)
    var = ((values - mean) ** 2).mean(axis=axis, keepdims=True)
    return (values - mean) / np.sqrt(var + eps)


@demo("layer-norm-vs-batch-norm")
def layer_norm_vs_batch_norm(d: Demo, x=None, eps=None):
    draws = side_rng(d)
    X = d.array("x", x, lambda: rounded(d.rng.normal([2.0, -1.0, 0.0, 5.0], [1.0, 3.0, 0.5, 2.0], size=(4, 4)), 1), ndim=2)
    need(2 <= X.shape[0] <= 64 and 2 <= X.shape[1] <= 64, "x must have 2 to 64 rows (examples) and 2 to 64 columns (features)")
    eps = d.number("eps", eps, 1e-5, low=1e-12, high=1.0)
    n, f = X.shape
    d.show("batch x (rows are examples, columns features)", X)
    bn = normalise(X, 0, eps)
    d.show(
        "batch norm: each column (feature) normalised over the batch, axis 0",
        bn,
        f"Each column now has mean 0 and variance about 1; the statistics mix all {n} examples.",
    )
    ln = normalise(X, 1, eps)
    d.show(
        "layer norm: each row (example) normalised over its own features, axis 1",
        ln,
        f"Each row now has mean 0 and variance about 1; the statistics come from that example's {f} features only.",
    )
    rms = X / np.sqrt((X**2).mean(axis=1, keepdims=True) + eps)
    d.show(
        "RMSNorm: each row divided by its root mean square, no mean subtracted",
        rms,
        "Rows keep their mean offset; only the scale is fixed, and there is no β shift, which saves a little compute.",
    )
    others = rounded(draws.normal(X.mean(axis=0) + 3.0, X.std(axis=0) + 1.0, size=(n - 1, f)), 1)
    other_batch = np.vstack([X[:1], others])
    bn_other = normalise(other_batch, 0, eps)[0]
    ln_other = normalise(other_batch, 1, eps)[0]
    bn_alone = normalise(X[:1], 0, eps)[0]
    d.show(
        "example 1 normalised again, in a different batch and alone",
        {
            "batch norm, this batch": bn[0],
            "batch norm, other batch": bn_other,
            "batch norm, batch of 1": bn_alone,
            "layer norm, any batch": ln_other,
        },
    )
    d.say(
        "Batch norm's output for the same example changes with its batch mates and collapses to zeros in a batch of one; "
        "layer norm gives the same answer whatever the batch, in training and at inference, which suits transformers and RNNs."
    )
    return {
        "batch_norm": bn,
        "layer_norm": ln,
        "rms_norm": rms,
        "bn_first_other_batch": bn_other,
        "ln_first_other_batch": ln_other,
        "bn_first_alone": bn_alone,
    }


@demo("batch-norm-inference")
def batch_norm_inference(d: Demo, batches=None, test=None, momentum=None, gamma=None, beta=None, eps=None):
    data = d.array("batches", batches, lambda: rounded(d.rng.normal(3.0, 2.0, (30, 8))), ndim=2)
    need(data.shape[1] >= 2, "each training batch (a row of batches) needs at least 2 values for an unbiased variance")
    need(data.shape[0] <= 500 and data.shape[1] <= 256, "use at most 500 batches of at most 256 values")
    test_x = d.array("test", test, lambda: rounded(d.rng.normal(3.0, 2.0, 4)), ndim=1)
    need(len(test_x) <= 256, "test may have at most 256 values")
    momentum = d.number("momentum", momentum, 0.1, low=0.0, high=1.0)
    gamma = d.number("gamma", gamma, 1.0, low=-1e6, high=1e6)
    beta = d.number("beta", beta, 0.0, low=-1e6, high=1e6)
    eps = d.number("eps", eps, 1e-5, low=1e-12, high=1.0)
    steps, m = data.shape
    d.say(
        f"One feature through a batch-norm layer: {steps} training batches of {m} values. After each batch the running "
        f"statistics move towards the batch's: running ← (1 - {momentum:g})·running + {momentum:g}·batch "
        "(PyTorch's convention; Keras's momentum 0.99 is the weight on the old value)."
    )
    running_mean, running_var = 0.0, 1.0  # the initial values frameworks use
    means, variances, batch_means = [], [], []
    for row in data:
        mu = float(row.mean())
        unbiased = float(((row - mu) ** 2).sum() / (m - 1))
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * unbiased
        means.append(running_mean)
        variances.append(running_var)
        batch_means.append(mu)
    d.series(
        "running mean after each training batch",
        {"batch mean": batch_means, "running mean": means},
        x=np.arange(1, steps + 1),
        text=(
            f"It starts at 0, and that start keeps a weight of (1 - momentum)^k after k batches: {(1 - momentum) ** steps:.2g} "
            f"after all {steps}. Each batch mean alone is noisy; the average smooths it."
        ),
    )
    d.show(
        "stored statistics at the end of training",
        {"running mean": running_mean, "running variance": running_var},
        "The running variance averages the unbiased batch variances (divide by m - 1), as PyTorch does.",
    )
    mu_t = float(test_x.mean())
    var_t = float(((test_x - mu_t) ** 2).mean())
    train_out = gamma * (test_x - mu_t) / math.sqrt(var_t + eps) + beta
    scale = gamma / math.sqrt(running_var + eps)
    shift = beta - scale * running_mean
    eval_out = scale * test_x + shift
    d.show("test batch", test_x)
    d.show(
        "output in train mode (the test batch's own statistics) and in eval mode (running statistics)",
        {"train mode": train_out, "eval mode": eval_out},
        "Left in train mode, a prediction depends on the other test examples in its batch, and the running statistics keep changing.",
    )
    single_train = beta  # (x - x)/sqrt(0 + eps) = 0 for a batch of one
    single_eval = scale * float(test_x[0]) + shift
    d.show(
        "the first test value alone, as a batch of one",
        {"train mode": single_train, "eval mode": single_eval},
        "In train mode a lone example is its own mean, so the output is just β whatever the input "
        "(PyTorch refuses one value per channel); eval mode gives the same answer as inside the batch.",
    )
    d.say(
        f"In eval mode batch norm is a fixed affine map y = {scale:.4g}·x {'-' if shift < 0 else '+'} {abs(shift):.4g}, "
        "which can be folded into the preceding layer's weights and bias."
    )
    return {
        "running_mean": means,
        "running_var": variances,
        "train_output": train_out,
        "eval_output": eval_out,
        "eval_scale": scale,
        "eval_shift": shift,
        "single_train": single_train,
        "single_eval": single_eval,
    }
