"""Demos for the activations topic: sigmoid, tanh, ReLU and their relatives, softmax, and what each does to
gradients."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


@demo("softmax")
def softmax(d: Demo, logits=None):
    """Turn a vector of logits into probabilities, stably for large logits."""
    z = d.array("logits", logits, lambda: np.round(d.rng.normal(0, 2, size=5), 2))
    if z.ndim > 2:
        z = z.reshape(-1, z.shape[-1])
    d.show("logits z", z)
    d.say("Subtract the largest logit first: softmax is unchanged by a shift, and exp can no longer overflow.")
    shifted = z - z.max(axis=-1, keepdims=True)
    d.show("z - max(z)", shifted)
    e = np.exp(shifted)
    d.show("exp(z - max(z))", e)
    p = e / e.sum(axis=-1, keepdims=True)
    d.say("Divide by the sum so the outputs are positive and add up to 1.")
    if p.ndim == 1:
        d.bars("probabilities", [f"class {i}" for i in range(len(p))], p)
    d.show("softmax(z)", p)
    return p


def sigmoid_slope(z: np.ndarray) -> np.ndarray:
    s = kit.sigmoid(z)
    return s * (1.0 - s)


def tanh_slope(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(z) ** 2


def relu_slope(z: np.ndarray) -> np.ndarray:
    return (z > 0).astype(float)


def leaky_values(z: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(z > 0, z, alpha * z)


def leaky_slope(z: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(z > 0, 1.0, alpha)


def elu_values(z: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_slope(z: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def _input_x(d: Demo, x, default) -> np.ndarray:
    z = d.array("x", x, default)
    if z.ndim > 2:
        raise DemoInputError(
            f"x must be a number, a vector like [-2, 0, 3] or a matrix; got an array of shape {z.shape}"
        )
    return z


def _grid() -> np.ndarray:
    return np.linspace(-6.0, 6.0, 49)


@demo("sigmoid")
def sigmoid(d: Demo, x=None):
    """Apply the logistic sigmoid elementwise and show its derivative."""
    z = _input_x(d, x, [-5.0, -2.0, -0.5, 0.0, 0.5, 2.0, 5.0])
    d.show("x", z)
    s = kit.sigmoid(z)
    d.show("σ(x) = 1 / (1 + e^-x)", s, "Every value lies strictly between 0 and 1, and σ(0) = 0.5.")
    slope = s * (1 - s)
    d.show("σ'(x) = σ(x)(1 - σ(x))", slope)
    far = float(np.max(np.abs(z)))
    d.say(
        "The slope is largest at x = 0, where it is 0.25; "
        f"at |x| = {far:g} it is only {sigmoid_slope(np.array(far)):.4g}, "
        "so a saturated unit passes almost no gradient back."
    )
    grid = _grid()
    d.series("on [-6, 6]", {"σ(x)": kit.sigmoid(grid), "σ'(x)": sigmoid_slope(grid)}, x=grid)
    return s


@demo("tanh")
def tanh(d: Demo, x=None):
    """Apply tanh elementwise and show its derivative."""
    z = _input_x(d, x, [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    d.show("x", z)
    t = np.tanh(z)
    d.show("tanh(x)", t, "Values lie in (-1, 1) and tanh(-x) = -tanh(x), so the outputs are centred on zero.")
    via_sigmoid = 2 * kit.sigmoid(2 * z) - 1
    d.say(
        "tanh is a stretched sigmoid: 2σ(2x) "
        f"- 1 gives the same numbers (largest difference {np.max(np.abs(via_sigmoid - t)):.1e})."
    )
    slope = 1 - t**2
    d.show("tanh'(x) = 1 - tanh²(x)", slope)
    far = float(np.max(np.abs(z)))
    d.say(
        "The slope reaches 1 at x = 0, four times the sigmoid's 0.25, "
        f"but it still saturates: at |x| = {far:g} it is {tanh_slope(np.array(far)):.4g}."
    )
    grid = _grid()
    d.series("on [-6, 6]", {"tanh(x)": np.tanh(grid), "tanh'(x)": tanh_slope(grid)}, x=grid)
    return t


@demo("relu")
def relu(d: Demo, x=None):
    """Apply ReLU elementwise and show its derivative."""
    z = _input_x(d, x, lambda: np.round(d.rng.normal(0, 2, size=8), 1))
    d.show("x", z)
    r = kit.relu(z)
    d.show("ReLU(x) = max(0, x)", r)
    off = int(np.sum(z <= 0))
    d.say(
        "Negative inputs become 0 and positive ones pass unchanged: "
        f"{off} of {z.size} outputs are exactly zero (sparse)."
    )
    d.show(
        "ReLU'(x)", relu_slope(z), "1 where x > 0 and 0 where x < 0; at x = 0 frameworks use 0, a valid subgradient."
    )
    d.say(
        "Active units pass the gradient back undiminished (slope 1, no saturation); units with x ≤ 0 pass nothing back."
    )
    grid = _grid()
    d.series("on [-6, 6]", {"ReLU(x)": kit.relu(grid), "ReLU'(x)": relu_slope(grid)}, x=grid)
    return r


@demo("leaky-relu")
def leaky_relu(d: Demo, x=None, alpha=None):
    """Leaky ReLU keeps a small slope for negative inputs."""
    z = _input_x(d, x, lambda: np.round(d.rng.normal(0, 2, size=8), 1))
    a = d.number("alpha", alpha, 0.01, low=0.0, high=1.0)
    d.show("x", z)
    values = leaky_values(z, a)
    d.show(f"leaky ReLU(x), α = {a:g}", values, f"x where x > 0, {a:g}·x otherwise.")
    slope = leaky_slope(z, a)
    d.show("ReLU'(x)", relu_slope(z))
    d.show("leaky ReLU'(x)", slope)
    off = int(np.sum(z <= 0))
    if a == 1:
        d.say("With α = 1 both sides have slope 1: the function is the identity and no longer nonlinear.")
    else:
        d.say(
            f"For the {off} non-positive inputs ReLU passes back gradient 0, while leaky ReLU passes back {a:g}: "
            "a unit that is switched off still gets updates, so it cannot die."
        )
    return {"values": values, "derivatives": slope}


@demo("step-function")
def step_function(d: Demo, x=None):
    # A small 1-D classification problem, drawn before the default x so parameters never shift it.
    """The binary step activation and why its zero gradient stops learning."""
    points = np.round(np.concatenate([d.rng.normal(-1, 1, 6), d.rng.normal(1, 1, 6)]), 2)
    labels = np.repeat([0.0, 1.0], 6)
    z = _input_x(d, x, lambda: np.round(d.rng.normal(0, 2, size=7), 1))
    d.show("z", z)
    h = kit.step_values(z)
    d.show("H(z) = 1 if z ≥ 0 else 0", h)
    d.say("The derivative is 0 everywhere except at the jump z = 0, where it is undefined, so backprop gets no signal.")
    weights = np.linspace(-3.0, 3.0, 61)
    accuracy = np.array([np.mean(kit.step_values(w * points) == labels) for w in weights])
    p = np.clip(kit.sigmoid(np.outer(weights, points)), 1e-12, 1 - 1e-12)
    bce = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p), axis=1)
    d.series(
        "classifier step(w·x) on 12 points, by weight w",
        {"accuracy": accuracy, "cross-entropy of σ(w·x)": bce},
        x=weights,
        text="Accuracy is flat between jumps, while the smooth cross-entropy slopes everywhere.",
    )

    def accuracy_at(w: float) -> float:
        return float(np.mean(kit.step_values(w * points) == labels))

    def loss_at(w: float) -> float:
        p = kit.sigmoid(w * points)
        return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))

    w0, eps = 0.5, 1e-3
    d.say(
        f"At w = {w0:g} a finite difference gives accuracy slope "
        f"{(accuracy_at(w0 + eps) - accuracy_at(w0 - eps)) / (2 * eps):g} "
        f"but cross-entropy slope {(loss_at(w0 + eps) - loss_at(w0 - eps)) / (2 * eps):.4g}: "
        "only the smooth loss tells gradient descent where to go."
    )
    return {"values": h, "derivatives": np.zeros_like(h)}


ACTIVATIONS = {
    "sigmoid": (kit.sigmoid, sigmoid_slope),
    "tanh": (np.tanh, tanh_slope),
    "ReLU": (kit.relu, relu_slope),
    "leaky ReLU": (lambda z: leaky_values(z, 0.01), lambda z: leaky_slope(z, 0.01)),
    "ELU": (elu_values, elu_slope),
    "step": (kit.step_values, lambda z: np.zeros_like(z)),
    "linear": (lambda z: z.copy(), np.ones_like),
}


@demo("activation-compare")
def activation_compare(d: Demo, x=None):
    """Sigmoid, tanh, ReLU, leaky ReLU, ELU and step side by side with derivatives."""
    z = d.array("x", x, [-3.0, -1.0, -0.1, 0.0, 0.1, 1.0, 3.0], ndim=1)
    d.show("x", z, "Leaky ReLU uses α = 0.01, ELU α = 1; linear is the identity.")
    values = {name: f(z) for name, (f, _) in ACTIVATIONS.items()}
    slopes = {name: g(z) for name, (_, g) in ACTIVATIONS.items()}
    d.show("values", values)
    d.show("derivatives", slopes)
    grid = _grid()
    smooth = ("sigmoid", "tanh", "ELU")
    d.series("derivatives on [-6, 6]", {name: ACTIVATIONS[name][1](grid) for name in smooth}, x=grid)
    at = np.array([3.0])
    d.bars("slope at x = 3", list(ACTIVATIONS), [float(g(at)[0]) for _, g in ACTIVATIONS.values()])
    d.say(
        "Sigmoid and tanh saturate (slopes near 0 at x = 3) "
        "and step has slope 0 everywhere; the ReLU family keeps slope 1 "
        "for positive inputs. Linear keeps slope 1 too, but stacked linear layers collapse into one linear map."
    )
    return {"values": values, "derivatives": slopes}


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def gelu_grad(x):
    return kit.normal_cdf(x) + x * kit.normal_pdf(x)


def silu(x):
    return x * kit.sigmoid(x)


def silu_grad(x):
    s = kit.sigmoid(x)
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


def dead_relu_forward(X, W, b, v, c):
    z = X @ W.T + b
    return z, kit.relu(z) @ v + c


def dead_relu_gradients(X, y, W, b, v, c):
    """Gradients of ½·mean((v·ReLU(Wx + b) + c - y)²)."""
    z, out = dead_relu_forward(X, W, b, v, c)
    d_out = (out - y) / len(X)
    d_z = np.outer(d_out, v) * (z > 0)
    return {"W": d_z.T @ X, "b": d_z.sum(axis=0), "v": kit.relu(z).T @ d_out, "c": float(d_out.sum())}


def dead_relu_net(d: Demo, x, y, w, b, v, c):
    """The batch (X, Y) and the regression net (W, B, V, c) of the dead-ReLU demo, given or drawn."""
    X = d.array("x", x, lambda: kit.rounded(d.rng.uniform(0.0, 1.0, (16, 3))), ndim=2)
    d.require(
        2 <= len(X) <= 256 and X.shape[1] <= 16,
        "x must have 2 to 256 rows (examples) and at most 16 columns (features)",
    )
    Y = d.array("y", y, lambda: kit.rounded(d.rng.normal(4.0, 1.0, len(X))), ndim=1)
    d.require(len(Y) == len(X), f"y must have one target per row of x ({len(X)}); got {len(Y)}")
    W, B = kit.read_layer(
        d,
        "w",
        w,
        "b",
        b,
        X.shape[1],
        lambda: kit.rounded(d.rng.normal(0.0, 0.6, (8, X.shape[1]))),
        lambda rows: np.full(rows, 0.5),
        max_units=64,
    )
    V = d.array("v", v, lambda: kit.rounded(d.rng.normal(0.0, 0.5, len(B))), ndim=1)
    d.require(len(V) == len(B), f"v must have one output weight per hidden unit ({len(B)}); got {len(V)}")
    return X, Y, W, B, V, d.number("c", c, 0.0, low=-1e6, high=1e6)


@demo("dead-relu")
def dead_relu(d: Demo, x=None, y=None, w=None, b=None, v=None, c=None, lr_small=None, lr_large=None):
    """One large gradient step pushes ReLU biases negative and leaves units dead with zero gradient."""
    X, Y, W, B, V, c = dead_relu_net(d, x, y, w, b, v, c)
    lr_small = d.number("lr_small", lr_small, 0.01, low=0.0, high=1e3)
    lr_large = d.number("lr_large", lr_large, 3.0, low=0.0, high=1e3)
    units = len(B)
    d.say(
        "A one-hidden-layer regression net, "
        f"{X.shape[1]} inputs → {units} ReLU units → 1 output, loss ½·mean((ŷ - y)²) "
        f"on a batch of {len(X)}. A unit is dead when its pre-activation is ≤ 0 for every example in the batch."
    )
    before = kit.dead_units(X, W, B)
    _, out = dead_relu_forward(X, W, B, V, c)
    grads = dead_relu_gradients(X, Y, W, B, V, c)
    if np.all(out < Y) and np.all(X >= 0):
        why = (
            "Every prediction is too low, "
            "so for unit j each error times v_j has the sign of v_j; and the inputs are ≥ 0 "
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
    dead_small = kit.dead_units(X, *after["small"][:2])
    dead_large = kit.dead_units(X, *after["large"][:2])
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
        (
            f"{int(before.sum())} dead before, {int(dead_small.sum())} after the small step, "
            f"{int(dead_large.sum())} after the large one."
        ),
    )
    next_grads = dead_relu_gradients(X, Y, *after["large"])
    unit_grad = np.sqrt(np.sum(next_grads["W"] ** 2, axis=1) + next_grads["b"] ** 2)
    dead_list = np.flatnonzero(dead_large).tolist()
    d.show(
        "next step's gradient size for each unit's incoming weights and bias",
        unit_grad,
        (
            f"Dead units {dead_list} get exactly zero gradient: "
            "ReLU'(z) = 0 on every example, so nothing moves them back; "
            "they stay dead unless earlier layers shift their inputs."
        )
        if dead_list
        else "No unit died this time; a dead unit would show exactly zero here, since ReLU'(z) = 0 on every example.",
    )
    d.say(
        "Detect it by logging, per layer, "
        "the share of units that are zero on a whole batch; remedies are a smaller learning "
        "rate or warm-up, gradient clipping, He initialisation, "
        "normalisation, or leaky ReLU / ELU, whose negative side keeps a slope."
    )
    return {
        "dead_before": int(before.sum()),
        "dead_after_small": int(dead_small.sum()),
        "dead_after_large": int(dead_large.sum()),
        "dead_units_large": np.flatnonzero(dead_large),
        "bias_after_large": new_b,
        "next_unit_gradient": unit_grad,
    }


@demo("gelu-silu")
def gelu_silu(d: Demo, x=None):
    """GELU and SiLU values and derivatives next to ReLU, with the dip below zero."""
    xs = d.array("x", x, lambda: np.linspace(-3.0, 3.0, 13), ndim=1)
    d.require(len(xs) <= 200, "x may have at most 200 points")
    d.require(np.all(np.abs(xs) <= 50), "keep x between -50 and 50")
    d.say(
        "GELU(x) = x·Φ(x), with Φ the standard normal CDF; "
        "SiLU (Swish with β = 1) is x·σ(x). Both weight x by a smooth "
        "gate between 0 and 1, where ReLU uses a hard 0/1 switch."
    )
    values = {"ReLU": kit.relu(xs), "GELU": kit.gelu(xs), "SiLU": silu(xs)}
    grads = {"ReLU": (xs > 0).astype(float), "GELU": gelu_grad(xs), "SiLU": silu_grad(xs)}
    d.show("x", xs)
    d.show("values", values)
    d.show(
        "derivatives",
        grads,
        (
            "GELU'(x) = Φ(x) + x·φ(x) and SiLU'(x) = σ(x)·(1 + x·(1 - σ(x))): smooth, "
            "nonzero for negative x, and slightly above 1 for moderate positive x."
        ),
    )
    grid = np.linspace(-4.0, 4.0, 41)
    d.series("values on [-4, 4]", {"ReLU": kit.relu(grid), "GELU": kit.gelu(grid), "SiLU": silu(grid)}, x=grid)
    gelu_min_x = bisect_root(lambda t: float(gelu_grad(t)), -3.0, 0.0)
    silu_min_x = bisect_root(lambda t: float(silu_grad(t)), -3.0, 0.0)
    gelu_min = float(kit.gelu(gelu_min_x))
    silu_min = float(silu(silu_min_x))
    d.show(
        "the dip below zero (x where the derivative is 0, and the value there)",
        {"GELU": [gelu_min_x, gelu_min], "SiLU": [silu_min_x, silu_min]},
        f"Neither is monotonic: GELU bottoms out at {gelu_min:.3f} near x = {gelu_min_x:.2f}, "
        f"SiLU at {silu_min:.3f} near x = {silu_min_x:.2f}; "
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


@demo("linear-collapse")
def linear_collapse(d: Demo, x=None, w1=None, b1=None, w2=None, b2=None):
    """Two stacked linear layers give exactly the output of one matrix W2·W1 and bias W2·b1 + b2."""

    def ints(shape):
        return d.rng.integers(-2, 3, size=shape).astype(float)

    xs = d.array("x", x, lambda: ints(3), ndim=1)
    d.require(len(xs) <= 16, "x may have at most 16 entries")
    W1, B1 = kit.read_layer(d, "w1", w1, "b1", b1, len(xs), lambda: ints((2, len(xs))), ints, max_units=64)
    W2, B2 = kit.read_layer(d, "w2", w2, "b2", b2, len(B1), lambda: ints((3, len(B1))), ints, max_units=64)
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
        f"W has rank {rank}, at most the narrowest width ({min(W1.shape[0], len(xs), len(B2))}): "
        "stacking linear layers never adds "
        "expressive power, and a narrow middle layer can only take it away (a low-rank bottleneck)."
    )
    with_relu = W2 @ kit.relu(hidden) + B2
    d.show(
        "the same weights with ReLU between the layers",
        with_relu,
        "A nonlinearity between the layers breaks the identity, which is why hidden layers need activations."
        if not np.allclose(with_relu, two_layers)
        else (
            "For this x every hidden value is already ≥ 0, "
            "so ReLU changes nothing here; other inputs would break the identity."
        ),
    )
    return {"two_layers": two_layers, "one_layer": one_layer, "W": W, "b": b, "rank": rank, "with_relu": with_relu}


@demo("xor-minimal")
def xor_minimal(d: Demo, w1=None, b1=None, w2=None, b2=None, trials=None):
    """XOR with two ReLU hidden units and explicit weights; no single hidden unit can do it."""
    draws = d.side_rng()
    W1, B1 = kit.read_layer(d, "w1", w1, "b1", b1, 2, [[1.0, 1.0], [1.0, 1.0]], [0.0, -1.0], max_units=64)
    W2 = d.array("w2", w2, [1.0, -2.0], ndim=1)
    d.require(len(W2) == len(B1), f"w2 must have one weight per hidden unit ({len(B1)}); got {len(W2)}")
    b2 = d.number("b2", b2, 0.0, low=-1e6, high=1e6)
    trials = d.number("trials", trials, 2000, low=1, high=20000, integer=True)
    d.say("XOR: inputs (0,0), (0,1), (1,0), (1,1) with targets 0, 1, 1, 0; predict 1 when the output is above 0.5.")
    hidden = kit.relu(kit.XOR_X @ W1.T + B1)
    d.show(
        "hidden ReLU units h = ReLU(W1·x + b1), one row per input",
        hidden,
        (
            "With the default weights h1 = ReLU(x1 + x2) counts the ones, "
            "and h2 = ReLU(x1 + x2 - 1) fires only when both are 1."
        ),
    )
    output = hidden @ W2 + b2
    predictions = (output > 0.5).astype(int)
    correct = int(np.sum(predictions == kit.XOR_Y))
    d.bars("output y = w2·h + b2", ["(0,0)", "(0,1)", "(1,0)", "(1,1)"], output)
    d.say(f"y = h1 - 2·h2 gives 0, 1, 1, 0 exactly: {correct} of 4 right with only two hidden units.")
    w = draws.normal(0.0, 2.0, (trials, 2))
    b = draws.normal(0.0, 2.0, trials)
    a = draws.normal(0.0, 2.0, trials)
    c = draws.normal(0.0, 1.0, trials)
    single = a[:, None] * kit.relu(w @ kit.XOR_X.T + b[:, None]) + c[:, None]
    scores = np.sum((single > 0.5).astype(int) == kit.XOR_Y, axis=1)
    best = int(scores.max())
    d.bars(
        f"{trials} random one-hidden-unit nets y = a·ReLU(w·x + b) + c: how many get k of 4 right",
        [f"{k} of 4" for k in range(5)],
        [int(np.sum(scores == k)) for k in range(5)],
    )
    d.say(
        f"The best single-unit net gets {best} of 4. "
        "Its output is a monotone function of one score s = w·x + b, so it still "
        "thresholds s, a line; and s(0,0) + s(1,1) = s(0,1) + s(1,0), so the two 1s cannot both score above both 0s."
    )
    return {
        "hidden": hidden,
        "output": output,
        "predictions": predictions,
        "correct": correct,
        "single_unit_best": best,
    }
