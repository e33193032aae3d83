"""Demos of activation functions: their values, derivatives and behaviour."""

from __future__ import annotations

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo


def stable_softmax(z: np.ndarray) -> np.ndarray:
    """Softmax along the last axis, shifted by the max so exp never overflows."""
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


@demo("softmax")
def softmax(d: Demo, logits=None):
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


# The activations and their derivatives, elementwise. At a kink (0 for ReLU-like functions, the step's jump)
# the derivative used is the one frameworks use: the left-hand value, 0 for ReLU.


def sigmoid_values(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), written with e^-|z| so neither branch overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_slope(z: np.ndarray) -> np.ndarray:
    s = sigmoid_values(z)
    return s * (1.0 - s)


def tanh_slope(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(z) ** 2


def relu_values(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


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


def step_values(z: np.ndarray) -> np.ndarray:
    return (z >= 0).astype(float)


def _factor(x: float) -> str:
    """A number as a term in a written sum or product: negatives in parentheses."""
    return f"({x:g})" if x < 0 else f"{x:g}"


def _input_x(d: Demo, x, default) -> np.ndarray:
    z = d.array("x", x, default)
    if z.ndim > 2:
        raise DemoInputError(f"x must be a number, a vector like [-2, 0, 3] or a matrix; got an array of shape {z.shape}")
    return z


def _grid() -> np.ndarray:
    return np.linspace(-6.0, 6.0, 49)


@demo("sigmoid")
def sigmoid(d: Demo, x=None):
    z = _input_x(d, x, [-5.0, -2.0, -0.5, 0.0, 0.5, 2.0, 5.0])
    d.show("x", z)
    s = sigmoid_values(z)
    d.show("σ(x) = 1 / (1 + e^-x)", s, "Every value lies strictly between 0 and 1, and σ(0) = 0.5.")
    slope = s * (1 - s)
    d.show("σ'(x) = σ(x)(1 - σ(x))", slope)
    far = float(np.max(np.abs(z)))
    d.say(
        f"The slope is largest at x = 0, where it is 0.25; at |x| = {far:g} it is only {sigmoid_slope(np.array(far)):.4g}, "
        "so a saturated unit passes almost no gradient back."
    )
    grid = _grid()
    d.series("on [-6, 6]", {"σ(x)": sigmoid_values(grid), "σ'(x)": sigmoid_slope(grid)}, x=grid)
    return s


@demo("tanh")
def tanh(d: Demo, x=None):
    z = _input_x(d, x, [-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
    d.show("x", z)
    t = np.tanh(z)
    d.show("tanh(x)", t, "Values lie in (-1, 1) and tanh(-x) = -tanh(x), so the outputs are centred on zero.")
    via_sigmoid = 2 * sigmoid_values(2 * z) - 1
    d.say(f"tanh is a stretched sigmoid: 2σ(2x) - 1 gives the same numbers (largest difference {np.max(np.abs(via_sigmoid - t)):.1e}).")
    slope = 1 - t**2
    d.show("tanh'(x) = 1 - tanh²(x)", slope)
    far = float(np.max(np.abs(z)))
    d.say(f"The slope reaches 1 at x = 0, four times the sigmoid's 0.25, but it still saturates: at |x| = {far:g} it is {tanh_slope(np.array(far)):.4g}.")
    grid = _grid()
    d.series("on [-6, 6]", {"tanh(x)": np.tanh(grid), "tanh'(x)": tanh_slope(grid)}, x=grid)
    return t


@demo("relu")
def relu(d: Demo, x=None):
    z = _input_x(d, x, lambda: np.round(d.rng.normal(0, 2, size=8), 1))
    d.show("x", z)
    r = relu_values(z)
    d.show("ReLU(x) = max(0, x)", r)
    off = int(np.sum(z <= 0))
    d.say(f"Negative inputs become 0 and positive ones pass unchanged: {off} of {z.size} outputs are exactly zero (sparse).")
    d.show("ReLU'(x)", relu_slope(z), "1 where x > 0 and 0 where x < 0; at x = 0 frameworks use 0, a valid subgradient.")
    d.say("Active units pass the gradient back undiminished (slope 1, no saturation); units with x ≤ 0 pass nothing back.")
    grid = _grid()
    d.series("on [-6, 6]", {"ReLU(x)": relu_values(grid), "ReLU'(x)": relu_slope(grid)}, x=grid)
    return r


@demo("leaky-relu")
def leaky_relu(d: Demo, x=None, alpha=None):
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
    points = np.round(np.concatenate([d.rng.normal(-1, 1, 6), d.rng.normal(1, 1, 6)]), 2)
    labels = np.repeat([0.0, 1.0], 6)
    z = _input_x(d, x, lambda: np.round(d.rng.normal(0, 2, size=7), 1))
    d.show("z", z)
    h = step_values(z)
    d.show("H(z) = 1 if z ≥ 0 else 0", h)
    d.say("The derivative is 0 everywhere except at the jump z = 0, where it is undefined, so backprop gets no signal.")
    weights = np.linspace(-3.0, 3.0, 61)
    accuracy = np.array([np.mean(step_values(w * points) == labels) for w in weights])
    p = np.clip(sigmoid_values(np.outer(weights, points)), 1e-12, 1 - 1e-12)
    bce = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p), axis=1)
    d.series(
        "classifier step(w·x) on 12 points, by weight w",
        {"accuracy": accuracy, "cross-entropy of σ(w·x)": bce},
        x=weights,
        text="Accuracy is flat between jumps, while the smooth cross-entropy slopes everywhere.",
    )
    def accuracy_at(w: float) -> float:
        return float(np.mean(step_values(w * points) == labels))

    def loss_at(w: float) -> float:
        p = sigmoid_values(w * points)
        return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))

    w0, eps = 0.5, 1e-3
    d.say(
        f"At w = {w0:g} a finite difference gives accuracy slope {(accuracy_at(w0 + eps) - accuracy_at(w0 - eps)) / (2 * eps):g} "
        f"but cross-entropy slope {(loss_at(w0 + eps) - loss_at(w0 - eps)) / (2 * eps):.4g}: only the smooth loss tells gradient descent where to go."
    )
    return {"values": h, "derivatives": np.zeros_like(h)}


ACTIVATIONS = {
    "sigmoid": (sigmoid_values, sigmoid_slope),
    "tanh": (np.tanh, tanh_slope),
    "ReLU": (relu_values, relu_slope),
    "leaky ReLU": (lambda z: leaky_values(z, 0.01), lambda z: leaky_slope(z, 0.01)),
    "ELU": (elu_values, elu_slope),
    "step": (step_values, lambda z: np.zeros_like(z)),
    "linear": (lambda z: z.copy(), np.ones_like),
}


@demo("activation-compare")
def activation_compare(d: Demo, x=None):
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
        "Sigmoid and tanh saturate (slopes near 0 at x = 3) and step has slope 0 everywhere; the ReLU family keeps slope 1 "
        "for positive inputs. Linear keeps slope 1 too, but stacked linear layers collapse into one linear map."
    )
    return {"values": values, "derivatives": slopes}


NEURON_ACTIVATIONS = {"ReLU": relu_values, "sigmoid": sigmoid_values, "tanh": np.tanh, "step": step_values}


@demo("neuron")
def neuron(d: Demo, x=None, w=None, b=None):
    inputs = d.array("x", x, lambda: np.round(d.rng.normal(0, 1.5, size=3), 1), ndim=1)
    weights = d.array("w", w, lambda: np.round(d.rng.normal(0, 1, size=inputs.size), 1), ndim=1)
    if weights.size != inputs.size:
        raise DemoInputError(f"w must have one weight per input: x has {inputs.size} entries but w has {weights.size}")
    bias = d.number("b", b, lambda: round(float(d.rng.normal(0, 1)), 1), low=-1e6, high=1e6)
    d.show("inputs x", inputs)
    d.show("weights w", weights)
    z = float(inputs @ weights + bias)
    terms = " + ".join(f"{_factor(wi)}·{_factor(xi)}" for wi, xi in zip(weights, inputs))
    d.say(f"Weighted sum plus bias: z = {terms} + {_factor(bias)} = {z:.4g}.")
    outputs = {name: float(f(np.array(z))) for name, f in NEURON_ACTIVATIONS.items()}
    d.bars("output g(z) for each activation", list(outputs), list(outputs.values()))
    d.say(
        f"Each weight sets how strongly, and with which sign, its input counts; the bias shifts the threshold, "
        f"so with all inputs 0 the neuron still outputs g({bias:g}), e.g. ReLU gives {max(bias, 0.0):g}."
    )
    return {"z": z, **outputs}
