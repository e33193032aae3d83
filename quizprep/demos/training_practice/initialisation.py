"""Demos of weight initialisation: zero-init symmetry, the scale of the weights, and He against Xavier forward
and backward."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


def train_two_layer(X, y, W1, w2, lr, steps):
    """Full-batch descent on a 2-layer tanh network from the given weights (biases start at 0)."""
    W1, w2 = W1.copy(), w2.copy()
    b1, b2 = np.zeros(len(W1)), 0.0
    spread = []
    first = None
    for _ in range(steps):
        g = kit.tiny_net_backprop(X, y, W1, b1, w2, b2)
        if first is None:
            first = g
        W1, b1, w2, b2 = W1 - lr * g["w1"], b1 - lr * g["b1"], w2 - lr * g["w2"], b2 - lr * g["b2"]
        units = np.column_stack([W1, b1, w2])  # everything that belongs to one hidden unit
        spread.append(float(np.max(np.ptp(units, axis=0))))
    return {"W1": W1, "b1": b1, "w2": w2, "b2": b2, "spread": np.array(spread), "first_grad": first}


@demo("zero-init-symmetry")
def zero_init_symmetry(d: Demo, x=None, y=None, init_value=None, lr=None, steps=None):
    """With zero or equal weights every hidden unit stays identical."""
    init_rng = d.side_rng()
    X = d.array("x", x, lambda: kit.rounded(d.rng.uniform(-1, 1, (8, 2))), ndim=2)
    Y = d.array("y", y, lambda: kit.rounded(np.sin(2 * X[:, 0]) + X[:, -1] ** 2), ndim=1)
    if len(Y) != len(X) or len(X) > 200 or X.shape[1] > 10:
        raise DemoInputError(
            f"y must have one target per row of x ({len(X)}), with at most 200 rows and 10 columns in x"
        )
    c = d.number("init_value", init_value, 0.5, low=-10.0, high=10.0)
    lr = d.number("lr", lr, 0.5, low=0.0, high=10.0)
    steps = d.number("steps", steps, 200, low=1, high=2000, integer=True)
    units = 3
    d.say(
        f"A {X.shape[1]}-{units}-1 tanh network trained by full-batch "
        f"gradient descent for {steps} steps, three times: every weight "
        f"equal to {c:g}, every weight 0, and small random weights. Biases start at 0."
    )
    constant = train_two_layer(X, Y, np.full((units, X.shape[1]), c), np.full(units, c), lr, steps)
    zero = train_two_layer(X, Y, np.zeros((units, X.shape[1])), np.zeros(units), lr, steps)
    random = train_two_layer(
        X, Y, init_rng.normal(0, 0.5, (units, X.shape[1])), init_rng.normal(0, 0.5, units), lr, steps
    )
    d.show("hidden weights W1 after training, equal start (one row per unit)", constant["W1"])
    d.show("hidden weights W1 after training, random start", random["W1"])
    d.series(
        "largest difference between hidden units, by step",
        {"equal start": constant["spread"], "random start": random["spread"]},
        x=np.arange(1, steps + 1),
    )
    d.say(
        "With equal weights every hidden unit computes the same value and gets the same gradient, so the units stay "
        f"copies of each other (difference {constant['spread'][-1]:g}); the random start lets them differ."
    )
    d.show("all-zero start after training", {"W1": zero["W1"], "w2": zero["w2"], "b2": zero["b2"]})
    d.say(
        "From all zeros it is worse: hidden outputs are tanh(0) = 0 and the error sent back is multiplied by w2 = 0, "
        "so only the output bias b2 learns and the network predicts a constant, the mean target."
    )
    return {
        "equal_W1": constant["W1"],
        "random_W1": random["W1"],
        "zero_W1": zero["W1"],
        "zero_w2": zero["w2"],
        "zero_b2": zero["b2"],
        "first_grad_W1_equal": constant["first_grad"]["w1"],
        "unit_spread": {"equal": constant["spread"][-1], "random": random["spread"][-1]},
    }


@demo("init-scale")
def init_scale(d: Demo, depth=None, width=None, batch=None, small_std=None):
    """Activation spread across layers for too-small, Xavier and He initialisation."""
    depth = d.number("depth", depth, 10, low=1, high=50, integer=True)
    width = d.number("width", width, 128, low=2, high=512, integer=True)
    batch = d.number("batch", batch, 64, low=2, high=1024, integer=True)
    small = d.number("small_std", small_std, 0.01, low=0.0, high=10.0)
    stds = {"small": small, "Xavier": math.sqrt(2.0 / (width + width)), "He": math.sqrt(2.0 / width)}
    d.say(
        f"A {depth}-layer ReLU network, {width} units per layer, "
        f"fed {batch} random inputs x ~ N(0, 1). Weights are drawn "
        f"N(0, s²) with s = {small:g} (small), √(2/(n_in + n_out)) "
        f"= {stds['Xavier']:.3g} (Xavier) or √(2/n_in) = {stds['He']:.3g} (He)."
    )
    base = d.rng.normal(0, 1, (depth, width, width))  # the same random matrices, scaled three ways
    inputs = d.rng.normal(0, 1, (batch, width))
    spreads = {}
    for name, std in stds.items():
        h, per_layer = inputs, []
        for layer in range(depth):
            z = h @ (std * base[layer]).T
            per_layer.append(float(np.std(z)))
            h = kit.relu(z)
        spreads[name] = np.array(per_layer)
    layers = np.arange(1, depth + 1)
    d.series("std of pre-activations by layer", spreads, x=layers)
    d.show(f"std at layer 1 and layer {depth}", {name: np.array([s[0], s[-1]]) for name, s in spreads.items()})
    d.say(
        "Each ReLU layer multiplies the variance by n·s²/2: "
        f"{width}·s²/2 = {width * small**2 / 2:.3g} for the small scale, "
        f"so the signal dies; {width * stds['Xavier'] ** 2 / 2:.3g} for Xavier, "
        "which halves it every layer (Xavier suits tanh); "
        f"and {width * stds['He'] ** 2 / 2:.3g} for He, which keeps it steady."
    )
    return {"layers": layers, "small": spreads["small"], "xavier": spreads["Xavier"], "he": spreads["He"]}


def forward_backward_scales(
    inputs: np.ndarray, weights: np.ndarray, act, slope, upstream: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Var(z) of each layer's pre-activations going forward, and the mean squared gradient ∂L/∂z of each layer
    coming back, for L = Σ upstream·h_last (a random direction at the top)."""
    h, zs = inputs, []
    for W in weights:
        zs.append(h @ W.T)
        h = act(zs[-1])
    grad_h, grads = upstream, []
    for W, z in zip(weights[::-1], zs[::-1]):
        grad_z = grad_h * slope(z)
        grads.append(float(np.mean(grad_z**2)))
        grad_h = grad_z @ W
    return np.array([float(np.var(z)) for z in zs]), np.array(grads[::-1])


@demo("he-vs-xavier")
def he_vs_xavier(d: Demo, depth=None, width=None, batch=None):
    """Activation variance layer by layer under Xavier and He initialisation, for tanh and ReLU."""
    draws = d.side_rng()
    depth = d.number("depth", depth, 10, low=1, high=30, integer=True)
    width = d.number("width", width, 128, low=8, high=512, integer=True)
    batch = d.number("batch", batch, 128, low=16, high=1024, integer=True)
    var_xavier = 2.0 / (width + width)
    var_he = 2.0 / width
    d.say(
        f"A {depth}-layer network, {width} units per layer, fed {batch} inputs x ~ N(0, 1). Weights are N(0, v) with "
        f"v = 2/(n_in + n_out) = {var_xavier:.4g} (Xavier) "
        f"or v = 2/n_in = {var_he:.4g} (He); the same random matrices are "
        "reused, only rescaled, so the four runs differ only in init and activation."
    )
    base = draws.normal(0.0, 1.0, (depth, width, width))
    inputs = draws.normal(0.0, 1.0, (batch, width))
    upstream = draws.normal(0.0, 1.0, (batch, width))
    activations = {
        "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
        "ReLU": (kit.relu, lambda z: (z > 0).astype(float)),
    }
    runs: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}
    for act_name, (act, slope) in activations.items():
        for init_name, var in (("Xavier", var_xavier), ("He", var_he)):
            name = f"{act_name} + {init_name}"
            runs[name], grads[name] = forward_backward_scales(inputs, math.sqrt(var) * base, act, slope, upstream)
    first = inputs @ (math.sqrt(var_xavier) * base[0]).T  # layer 1 under Xavier has Var(z) ≈ 1
    second_moment_ratio = {
        name: float(np.mean(act(first) ** 2) / np.var(first)) for name, (act, _) in activations.items()
    }
    # per-layer factor over the deeper half, where tanh's forward variance has settled: the geometric mean of
    # g[l] / g[l + 1], the growth of the gradient from one layer to the one below it
    half = depth // 2
    span = depth - 1 - half
    growth = {name: float((g[half] / g[-1]) ** (1 / span)) if span > 0 else 1.0 for name, g in grads.items()}
    layers = np.arange(1, depth + 1)
    d.say("Var(z) of a unit is n_in·Var(w)·E[x²], where x is what the previous layer outputs.")
    d.show(
        "E[g(z)²] / Var(z) at layer 1 (z ~ N(0, 1))",
        second_moment_ratio,
        f"ReLU keeps only the positive half, so E[ReLU(z)²] is half of Var(z) ({second_moment_ratio['ReLU']:.3f}); "
        "tanh is nearly the identity for small z, but at Var(z) "
        f"= 1 it already compresses to {second_moment_ratio['tanh']:.3f}.",
    )
    d.series("variance of the pre-activations z by layer", runs, x=layers)
    last = {name: float(values[-1]) for name, values in runs.items()}
    d.show(f"Var(z) at layer {depth}", last)
    d.say(
        f"ReLU + Xavier multiplies the variance by n·v/2 = {width * var_xavier / 2:g} per layer, "
        "so it halves every layer; "
        f"ReLU + He multiplies it by {width * var_he / 2:g} and holds "
        "it near 2 (with a finite width it wanders around that level)."
    )
    d.series(
        "log10 mean squared gradient ∂L/∂z by layer (the loss sits after the last layer)",
        {name: kit.log10(g) for name, g in grads.items()},
        x=layers,
    )
    d.say(
        "With tanh, Xavier's assumption of a unit that is linear near zero is only roughly true, so the variance "
        "drifts down slowly; He's doubled variance settles at a larger fixed point where tanh is partly saturated, "
        "so the forward activations do not explode. The backward pass does grow: each layer multiplies the mean "
        "squared gradient by n·v·E[tanh'(z)²], and He's v = 2/n_in is past tanh's order-to-chaos boundary near "
        + (
            f"1/n_in, so towards the input the gradient grows by about {growth['tanh + He']:.3g} per layer "
            f"(tanh + Xavier: {growth['tanh + Xavier']:.3g})."
            if span > 0
            else "1/n_in; it takes a few more layers to see it."
        )
    )
    return {
        "gradient_sq_tanh_he": grads["tanh + He"],
        "gradient_sq_tanh_xavier": grads["tanh + Xavier"],
        "gradient_growth_per_layer": growth,
        "layers": layers,
        "tanh_xavier": runs["tanh + Xavier"],
        "tanh_he": runs["tanh + He"],
        "relu_xavier": runs["ReLU + Xavier"],
        "relu_he": runs["ReLU + He"],
        "second_moment_ratio": second_moment_ratio,
    }
