"""Demos: networks (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo

TINY = 1e-300  # floor before taking log10 of a norm that is exactly zero


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))  # the logistic function, without overflow for large |z|


def relu(z):
    return np.maximum(z, 0.0)


def log10(values) -> np.ndarray:
    return np.log10(np.maximum(np.abs(np.asarray(values, dtype=float)), TINY))


def round_draw(values, places=2) -> np.ndarray:
    return np.round(values, places) + 0.0  # + 0.0 turns -0.0 into 0.0


def signed_sum(coefficients, terms) -> str:
    """'2·a - 3·b + c' from [2, -3, 1] and ['a', 'b', 'c']."""
    text = ""
    for c, term in zip(coefficients, terms):
        sign = "-" if c < 0 else "+"
        part = f"{abs(c):g}·{term}"
        text = (f"-{part}" if sign == "-" else part) if not text else f"{text} {sign} {part}"
    return text or "0"


def angle_degrees(a: np.ndarray, b: np.ndarray) -> float:
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0:
        return 0.0
    return math.degrees(math.acos(max(-1.0, min(1.0, float(a @ b) / norms))))


def side_rng(d: Demo) -> np.random.Generator:
    """A generator for randomness that is not a parameter, split off before any parameter is drawn,
    so that passing the reported parameters back in reproduces the same run."""
    return np.random.default_rng(int(d.rng.integers(2**63)))


def need_shape(name: str, array: np.ndarray, shape: tuple, meaning: str) -> None:
    if array.shape != shape:
        raise DemoInputError(f"{name} must have shape {shape} ({meaning}); got {array.shape}")


# ---------------------------------------------------------------- single units and small networks


@demo("perceptron")
def perceptron(d: Demo, x=None, y=None, lr=None, max_epochs=None):
    def draw_points():
        angle = d.rng.uniform(0, 2 * np.pi)
        normal, offset = np.array([math.cos(angle), math.sin(angle)]), d.rng.uniform(-1, 1)
        points = []
        while len(points) < 20:
            point = round_draw(d.rng.uniform(-3, 3, 2), 1)
            if abs(point @ normal + offset) > 0.2:  # a margin, so the data are strictly separable
                points.append(point)
        return np.array(points), np.where(np.array(points) @ normal + offset > 0, 1, -1)

    drawn = None
    if x is None:
        drawn = draw_points()
    X = d.array("x", x, lambda: drawn[0], ndim=2)
    if X.shape[1] > 10 or len(X) > 200:
        raise DemoInputError("x must have at most 200 rows (examples) and 10 columns (features)")
    if drawn is None and y is None:
        raise DemoInputError("give the labels y (-1 or +1, one per row of x) together with x")
    labels = d.array("y", y, lambda: drawn[1], ndim=1, integer=True)
    if len(labels) != len(X):
        raise DemoInputError(f"y must have one label per row of x ({len(X)}); got {len(labels)}")
    if not np.all(np.isin(labels, [-1, 0, 1])) or (np.any(labels == 0) and np.any(labels == -1)):
        raise DemoInputError("y must hold labels -1 and +1 (or 0 and 1)")
    signs = np.where(labels > 0, 1, -1)
    lr = d.number("lr", lr, 1.0, low=1e-6, high=100.0)
    max_epochs = d.number("max_epochs", max_epochs, 20, low=1, high=200, integer=True)

    d.say(
        f"{len(X)} labelled points, y ∈ {{-1, +1}}. Start from w = 0, b = 0 and cycle through them: whenever "
        f"y·(w·x + b) ≤ 0 (a mistake), update w ← w + {lr:g}·y·x and b ← b + {lr:g}·y."
    )
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes, converged = [], False
    for _ in range(max_epochs):
        count = 0
        for xi, yi in zip(X, signs):
            if yi * (xi @ w + b) <= 0:
                w, b = w + lr * yi * xi, b + lr * yi
                count += 1
        mistakes.append(count)
        if count == 0:
            converged = True
            break
    d.series("mistakes (updates) per epoch", {"mistakes": mistakes}, x=np.arange(1, len(mistakes) + 1))
    d.show("learned w and b", {"w": w, "b": b})
    correct = int(np.sum(np.sign(X @ w + b) == signs))
    result = {"w": w, "b": b, "mistakes_per_epoch": mistakes, "updates": sum(mistakes), "converged": converged, "correct": correct}
    if converged:
        # Novikoff: at most (R/γ)² updates, for the margin γ of ANY unit vector separating the points (the bias
        # being the weight of a constant input); the learned line is one such vector.
        separator = np.append(w, b)
        augmented = np.column_stack([X, np.ones(len(X))])
        margin = float(np.min(signs * (augmented @ separator))) / float(np.linalg.norm(separator))
        radius = float(np.max(np.linalg.norm(augmented, axis=1)))
        bound = (radius / margin) ** 2
        d.say(
            f"Epoch {len(mistakes)} makes no mistake, so the rule has stopped after {sum(mistakes)} updates with all {len(X)} points right. "
            f"Novikoff's bound (R/γ)² holds for the margin γ of any separator; with R = {radius:.3g} and the learned separator's "
            f"γ = {margin:.3g} it allows at most {bound:.3g}."
        )
        result["novikoff_bound"] = bound
    else:
        d.say(
            f"After {max_epochs} epochs it still makes mistakes ({correct} of {len(X)} right). Either it needs more epochs, "
            "or no line separates the classes, as with XOR, and then the weights keep cycling and never settle."
        )
    return result


def read_layer(d: Demo, name_w, w, name_b, b, inputs: int, default_w, default_b):
    """A weight matrix (rows = units) with `inputs` columns and its bias vector."""
    W = d.array(name_w, w, default_w)
    if W.ndim == 1:
        W = W[None, :]
    if W.ndim != 2 or W.shape[1] != inputs:
        raise DemoInputError(f"{name_w} must be a matrix with {inputs} columns (one per input to the layer); got shape {W.shape}")
    B = np.atleast_1d(d.array(name_b, b, (lambda: default_b(W.shape[0])) if callable(default_b) else default_b))
    if B.shape != (W.shape[0],):
        raise DemoInputError(f"{name_b} must have {W.shape[0]} entries (one per row of {name_w}); got {B.size}")
    return W, B


@demo("mlp-forward")
def mlp_forward(d: Demo, x=None, w1=None, b1=None, w2=None, b2=None):
    def ints(shape):
        return d.rng.integers(-2, 3, size=shape).astype(float)

    xs = d.array("x", x, lambda: ints(3), ndim=1)
    W1, B1 = read_layer(d, "w1", w1, "b1", b1, len(xs), lambda: ints((4, len(xs))), lambda rows: d.rng.integers(-1, 2, rows).astype(float))
    W2, B2 = read_layer(d, "w2", w2, "b2", b2, len(B1), lambda: ints((2, len(B1))), lambda rows: d.rng.integers(-1, 2, rows).astype(float))
    single = np.ndim(d.params["w2"]) == 1  # a plain vector of weights: one output, reported as a number
    d.say(
        f"Input x has {len(xs)} features; the hidden layer has {W1.shape[0]} ReLU units (W1 is {W1.shape[0]}x{W1.shape[1]}), "
        f"the output layer {W2.shape[0]} linear unit{'s' if W2.shape[0] != 1 else ''} (W2 is {W2.shape[0]}x{W2.shape[1]})."
    )
    d.show("x", xs)
    z1 = W1 @ xs + B1
    terms = " + ".join(f"{W1[0, k]:g}·{xs[k]:g}" for k in range(len(xs)))
    d.show("hidden pre-activations z1 = W1·x + b1", z1, text=f"first unit: {terms} + {B1[0]:g} = {z1[0]:g}")
    h = relu(z1)
    off = int(np.sum(z1 <= 0))
    d.show("hidden activations h = ReLU(z1)", h, text=f"{off} of {len(h)} units have z ≤ 0 and output 0")
    out = W2 @ h + B2
    d.show("output y = W2·h + b2", out)
    d.say("Each layer is a matrix product plus a bias, and only the nonlinearity between them stops the two layers collapsing into one.")
    return {"z1": z1, "h": h, "output": out[0] if single else out}


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0.0, 1.0, 1.0, 0.0])


@demo("xor-hidden-layer")
def xor_hidden_layer(d: Demo, w1=None, b1=None, w2=None, b2=None):
    W1, B1 = read_layer(d, "w1", w1, "b1", b1, 2, [[20.0, 20.0], [-20.0, -20.0]], [-10.0, 30.0])
    if W1.shape[0] > 16:
        raise DemoInputError("use at most 16 hidden units")
    W2, B2 = read_layer(d, "w2", w2, "b2", b2, W1.shape[0], [20.0, 20.0], [-30.0])
    if W2.shape[0] != 1:
        raise DemoInputError("w2 must be one row of weights: the network has a single output")
    design = np.column_stack([XOR_X, np.ones(4)])
    coef, *_ = np.linalg.lstsq(design, XOR_Y, rcond=None)
    linear = design @ coef
    d.say("XOR: inputs (0,0), (0,1), (1,0), (1,1) with targets 0, 1, 1, 0.")
    d.show("best least-squares linear model w1·x1 + w2·x2 + b on the four points", linear)
    d.say(
        "Any linear score s gives s(0,0) + s(1,1) = s(0,1) + s(1,0) = 2b + w1 + w2, so the two 1s cannot both score "
        "above a threshold that both 0s stay below: a line gets at most 3 of 4 right."
    )
    hidden = sigmoid(XOR_X @ W1.T + B1)
    d.show("hidden activations h = σ(W1·x + b1), one row per input", hidden, text="with the default weights h1 ≈ OR(x1, x2) and h2 ≈ NAND(x1, x2)")
    output = sigmoid(hidden @ W2[0] + B2[0])
    predictions = (output > 0.5).astype(int)
    correct = int(np.sum(predictions == XOR_Y))
    d.bars("network output σ(w2·h + b2)", ["(0,0)", "(0,1)", "(1,0)", "(1,1)"], output)
    d.say(
        f"In the hidden space the points become linearly separable, and the output unit (≈ AND of h1 and h2) gets {correct} of 4 right: "
        f"predictions {predictions.tolist()}."
    )
    return {"linear_fit": linear, "hidden": hidden, "output": output, "predictions": predictions, "correct": correct}


# ---------------------------------------------------------------- gradients: backprop, chain rule


def tiny_net_loss(X, y, W1, b1, w2, b2):
    """½·mean((w2·tanh(W1 x + b1) + b2 - y)²) over the rows of X."""
    out = np.tanh(X @ W1.T + b1) @ w2 + b2
    return 0.5 * float(np.mean((out - y) ** 2))


def tiny_net_backprop(X, y, W1, b1, w2, b2, buggy=False):
    z1 = X @ W1.T + b1
    a1 = np.tanh(z1)
    out = a1 @ w2 + b2
    d_out = (out - y) / len(X)
    d_a1 = np.outer(d_out, w2)
    d_z1 = d_a1 if buggy else d_a1 * (1 - a1**2)  # the bug: forgetting tanh'(z) = 1 - tanh(z)²
    return {"w1": d_z1.T @ X, "b1": d_z1.sum(axis=0), "w2": a1.T @ d_out, "b2": float(d_out.sum())}


def central_differences(loss, params: dict, eps: float) -> dict:
    grads = {}
    for name, value in params.items():
        value = np.array(value, dtype=float)
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + eps
            up = loss(**{**params, name: value})
            value[index] = saved - eps
            down = loss(**{**params, name: value})
            value[index] = saved
            grad[index] = (up - down) / (2 * eps)
        grads[name] = grad if grad.shape else float(grad)
    return grads


def relative_errors(a: dict, b: dict) -> np.ndarray:
    flat_a = np.concatenate([np.ravel(a[k]) for k in a])
    flat_b = np.concatenate([np.ravel(b[k]) for k in a])
    scale = np.maximum(np.abs(flat_a), np.abs(flat_b))
    return np.where(scale > 0, np.abs(flat_a - flat_b) / np.where(scale > 0, scale, 1.0), 0.0)


@demo("backprop-check")
def backprop_check(d: Demo, x=None, y=None, w1=None, b1=None, w2=None, b2=None, eps=None):
    X = d.array("x", x, lambda: round_draw(d.rng.normal(0, 1, (4, 2))), ndim=2)
    Y = d.array("y", y, lambda: round_draw(d.rng.normal(0, 1, len(X))), ndim=1)
    if len(Y) != len(X) or len(X) > 100 or X.shape[1] > 10:
        raise DemoInputError(f"y must have one target per row of x ({len(X)}), with at most 100 rows and 10 columns in x")
    W1, B1 = read_layer(d, "w1", w1, "b1", b1, X.shape[1], lambda: round_draw(d.rng.normal(0, 1, (3, X.shape[1]))), lambda rows: round_draw(d.rng.normal(0, 0.5, rows)))
    if W1.shape[0] > 10:
        raise DemoInputError("use at most 10 hidden units")
    W2, B2 = read_layer(d, "w2", w2, "b2", b2, W1.shape[0], lambda: round_draw(d.rng.normal(0, 1, W1.shape[0])), [0.0])
    if W2.shape[0] != 1:
        raise DemoInputError("w2 must be one row of weights: the network has a single output")
    eps = d.number("eps", eps, 1e-5, low=1e-10, high=0.1)
    params = {"W1": W1, "b1": B1, "w2": W2[0], "b2": float(B2[0])}
    d.say(
        f"A {X.shape[1]}-{W1.shape[0]}-1 network, ŷ = w2·tanh(W1·x + b1) + b2, on {len(X)} examples with loss L = ½·mean((ŷ - y)²)."
    )
    loss = tiny_net_loss(X, Y, *params.values())
    d.show("loss L", loss)
    backprop = tiny_net_backprop(X, Y, *params.values())
    d.show("backprop gradients: δ = (ŷ - y)/n, then w2 ⊙ δ through tanh' = 1 - tanh²", backprop)
    numeric = central_differences(lambda W1, b1, w2, b2: tiny_net_loss(X, Y, W1, b1, w2, b2), params, eps)
    numeric = {"w1": numeric["W1"], "b1": numeric["b1"], "w2": numeric["w2"], "b2": numeric["b2"]}
    d.show(f"central differences (L(θ + ε) - L(θ - ε)) / 2ε with ε = {eps:g}", numeric)
    errors = relative_errors(backprop, numeric)
    buggy = relative_errors(tiny_net_backprop(X, Y, *params.values(), buggy=True), numeric)
    d.show("largest relative error |g_bp - g_num| / max(|g_bp|, |g_num|)", {"correct backprop": errors.max(), "backprop without tanh'": buggy.max()})
    d.say(
        f"The correct backward pass agrees to {errors.max():.1e} (around 1e-7 or below means right), while leaving out the "
        f"tanh derivative gives {buggy.max():.2g}, the size of error that points to a bug. The check took "
        f"{2 * errors.size} forward passes for {errors.size} parameters; backprop needs one backward pass."
    )
    return {"loss": loss, "backprop": backprop, "max_relative_error": errors.max(), "buggy_max_relative_error": buggy.max()}


@demo("chain-rule-graph")
def chain_rule_graph(d: Demo, x=None, y=None, z=None, w=None):
    def draw():
        return float(d.rng.integers(-4, 5))

    x = d.number("x", x, draw, low=-1e6, high=1e6)
    y = d.number("y", y, draw, low=-1e6, high=1e6)
    z = d.number("z", z, draw, low=-1e6, high=1e6)
    w = d.number("w", w, draw, low=-1e6, high=1e6)
    d.say("The graph f = (x·y + z)·w has three nodes: a = x·y, then b = a + z, then f = b·w.")
    a = x * y
    b = a + z
    f = b * w
    d.show("forward pass", {"a = x·y": a, "b = a + z": b, "f = b·w": f})
    local = {"∂a/∂x = y": y, "∂a/∂y = x": x, "∂b/∂a": 1.0, "∂b/∂z": 1.0, "∂f/∂b = w": w, "∂f/∂w = b": b}
    d.show("local derivatives, each node on its own", local)
    df_db = w
    df_da = df_db * 1.0
    grads = {"x": df_da * y, "y": df_da * x, "z": df_db * 1.0, "w": b}
    d.say(
        f"Backward from ∂f/∂f = 1: ∂f/∂b = w = {df_db:g}; the add node passes it on unchanged, so ∂f/∂a = ∂f/∂z = {df_da:g}; "
        f"the multiply node swaps its inputs, so ∂f/∂x = ∂f/∂a·y = {grads['x']:g} and ∂f/∂y = ∂f/∂a·x = {grads['y']:g}; ∂f/∂w = b = {b:g}."
    )
    d.show("gradients ∂f/∂(x, y, z, w)", grads)
    nudge = 1e-3
    d.say(
        f"Check: raising x by {nudge:g} moves f from {f:g} to {((x + nudge) * y + z) * w:.6g}, a change of about "
        f"{nudge:g}·{grads['x']:g} = {nudge * grads['x']:.3g}."
    )
    return {"forward": {"a": a, "b": b, "f": f}, "gradients": grads}


# ---------------------------------------------------------------- what networks can represent


def relu_fit(grid: np.ndarray, target: np.ndarray, knots: np.ndarray):
    """Least-squares output weights for b + Σ cⱼ·ReLU(x - kⱼ); returns the fitted values."""
    features = np.column_stack([relu(grid[:, None] - knots[None, :]), np.ones(len(grid))])
    coef, *_ = np.linalg.lstsq(features, target, rcond=None)
    return features @ coef


@demo("universal-approximation")
def universal_approximation(d: Demo, coefficients=None, units=None):
    coef = d.array("coefficients", coefficients, lambda: round_draw(d.rng.normal(0, 1, 3)), ndim=1)
    if len(coef) > 6:
        raise DemoInputError("coefficients takes at most 6 numbers c1 … c6 for f(x) = Σ cₖ·sin(k·x)")
    counts = d.array("units", units, [1, 2, 4, 8, 16, 32], ndim=1, integer=True)
    if np.any(counts < 1) or np.any(counts > 200) or len(counts) > 10:
        raise DemoInputError("units must be up to ten whole numbers between 1 and 200, like [1, 4, 16]")
    grid = np.linspace(0.0, np.pi, 201)
    target = sum(c * np.sin((k + 1) * grid) for k, c in enumerate(coef))
    formula = signed_sum(coef, [f"sin({k + 1}x)" if k else "sin(x)" for k in range(len(coef))])
    d.say(f"Target: f(x) = {formula} on [0, π], sampled at 201 points.")
    d.say(
        "A network with n ReLU hidden units computes b + Σ cⱼ·ReLU(x - kⱼ): put the kinks kⱼ evenly across the interval "
        "and fit the output weights by least squares."
    )
    rms, worst, fits = [], [], {}
    for n in counts:
        fitted = relu_fit(grid, target, np.linspace(0.0, np.pi, int(n) + 1)[:-1])
        rms.append(float(np.sqrt(np.mean((fitted - target) ** 2))))
        worst.append(float(np.max(np.abs(fitted - target))))
        fits[int(n)] = fitted
    d.bars("root-mean-square error by number of units", [f"{n} unit{'s' if n != 1 else ''}" for n in counts], rms)
    few, many = int(counts.min()), int(counts.max())
    d.series("target and fits", {"target": target, f"{few} unit{'s' if few != 1 else ''}": fits[few], f"{many} units": fits[many]}, x=grid)
    d.say(
        f"The error falls from {rms[0]:.3g} with {counts[0]} unit{'s' if counts[0] != 1 else ''} to {rms[-1]:.3g} with {counts[-1]}: "
        "each unit adds one kink, and enough kinks trace any continuous curve. The theorem promises such weights exist, "
        "not that training finds them."
    )
    return {"units": counts, "rms_error": rms, "max_error": worst}


def tent(x: np.ndarray) -> np.ndarray:
    """One layer of two ReLU units: 2·ReLU(x) - 4·ReLU(x - ½), a tent on [0, 1]."""
    return 2 * relu(x) - 4 * relu(x - 0.5)


def count_pieces(values: np.ndarray, spacing: float) -> int:
    slopes = np.diff(values) / spacing
    scale = max(1.0, float(np.max(np.abs(slopes))))
    return 1 + int(np.sum(np.abs(np.diff(slopes)) > 1e-9 * scale))


@demo("depth-efficiency")
def depth_efficiency(d: Demo, depth=None):
    depth = d.number("depth", depth, 5, low=1, high=12, integer=True)
    points = 2**depth * 4 + 1
    grid = np.linspace(0.0, 1.0, points)  # every kink k/2^depth falls on a grid point
    spacing = 1.0 / (points - 1)
    d.say("One layer of two ReLU units computes the tent t(x) = 2·ReLU(x) - 4·ReLU(x - ½): up from 0 to 1, then back down.")
    values, pieces, curves = grid, [], {}
    for layer in range(1, depth + 1):
        values = tent(values)
        pieces.append(count_pieces(values, spacing))
        if layer <= 3:
            curves[f"{layer} layer{'s' if layer > 1 else ''}"] = values
    d.series("the stacked function on [0, 1]", curves, x=grid)
    layers = np.arange(1, depth + 1)
    shallow = 2 * layers + 1
    d.series("linear pieces by depth", {"deep: 2 units per layer": pieces, "shallow, same units: at most": shallow}, x=layers)
    fitted = relu_fit(grid, values, np.linspace(0.0, 1.0, 2 * depth + 1)[:-1])
    rms = float(np.sqrt(np.mean((fitted - values) ** 2)))
    d.say(
        f"Each layer folds the interval onto itself and doubles the pieces: {depth} layers and {2 * depth} units give "
        f"{pieces[-1]} pieces. One hidden layer of {2 * depth} ReLU units has at most {2 * depth + 1}, and its best "
        f"least-squares fit to the {depth}-layer sawtooth still misses by {rms:.3g} (root-mean-square) on values between 0 and 1."
    )
    return {"depths": layers, "deep_pieces": pieces, "shallow_max_pieces": shallow, "shallow_fit_rms": rms}


# ---------------------------------------------------------------- gradient flow through depth


def read_stack(d: Demo, depth, width, weights, x, default_depth, default_width, std):
    """depth, width, a (depth, width, width) stack of weight matrices and an input vector."""
    depth = d.number("depth", depth, default_depth, low=1, high=100, integer=True)
    width = d.number("width", width, default_width, low=1, high=64, integer=True)
    stack = d.array("weights", weights, lambda: d.rng.normal(0, std(width), (depth, width, width)))
    need_shape("weights", stack, (depth, width, width), "depth x width x width: one square matrix per layer")
    xs = d.array("x", x, lambda: d.rng.normal(0, 1, width), ndim=1)
    need_shape("x", xs, (width,), "one entry per unit")
    return depth, width, stack, xs


def stack_weight_gradients(stack: np.ndarray, xs: np.ndarray, act, act_grad) -> np.ndarray:
    """||∂L/∂Wₗ|| for every layer of h ← act(W h), with L = sum of the last layer's outputs."""
    inputs, pre = [], []
    h = xs
    for W in stack:
        inputs.append(h)
        z = W @ h
        pre.append(z)
        h = act(z)
    upstream = np.ones_like(h)
    norms = np.zeros(len(stack))
    for layer in range(len(stack) - 1, -1, -1):
        delta = upstream * act_grad(pre[layer])
        norms[layer] = np.linalg.norm(np.outer(delta, inputs[layer]))
        upstream = stack[layer].T @ delta
    return norms


@demo("vanishing-gradient")
def vanishing_gradient(d: Demo, depth=None, width=None, weights=None, x=None):
    depth, width, stack, xs = read_stack(d, depth, width, weights, x, 20, 16, lambda n: math.sqrt(2.0 / n))
    d.say(
        f"Two stacks of {depth} layers, {width} units each, with the same weights (He scale, variance 2/{width}); "
        "one uses sigmoid, the other ReLU. The loss is the sum of the last layer's outputs."
    )
    sig = stack_weight_gradients(stack, xs, sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z)))
    rel = stack_weight_gradients(stack, xs, relu, lambda z: (z > 0).astype(float))
    layers = np.arange(1, depth + 1)
    d.series("log10 ‖∂L/∂W‖ by layer (1 = next to the input)", {"sigmoid": log10(sig), "ReLU": log10(rel)}, x=layers)
    d.show("gradient norm at the first and last layer", {"sigmoid": np.array([sig[0], sig[-1]]), "ReLU": np.array([rel[0], rel[-1]])})
    d.say(
        f"Going down the sigmoid stack every layer multiplies the gradient by σ'(z) ≤ 0.25 times a weight matrix, so layer 1 "
        f"gets {sig[0] / sig[-1]:.2g} times the gradient of layer {depth}. ReLU passes a derivative of exactly 1 through "
        f"active units, so its ratio is {rel[0] / rel[-1]:.2g}: early layers still learn."
    )
    return {"layers": layers, "sigmoid": sig, "relu": rel}


@demo("exploding-gradient")
def exploding_gradient(d: Demo, matrix=None, steps=None, grad=None):
    def draw():
        raw = d.rng.normal(0, 1, (4, 4))
        return round_draw(raw * 1.5 / np.max(np.abs(np.linalg.eigvals(raw))))

    W = d.array("matrix", matrix, draw, ndim=2)
    if W.shape[0] != W.shape[1] or W.shape[0] > 32:
        raise DemoInputError(f"matrix must be square (the recurrent weights map a state to a state), at most 32x32; got {W.shape}")
    steps = d.number("steps", steps, 20, low=1, high=200, integer=True)
    g = d.array("grad", grad, lambda: np.ones(len(W)), ndim=1)
    need_shape("grad", g, (len(W),), "one entry per state unit")
    radius = float(np.max(np.abs(np.linalg.eigvals(W))))
    d.show("recurrent matrix W", W, text=f"spectral radius (largest |eigenvalue|) = {radius:.3g}")
    d.say(
        "In a linear RNN h_t = W·h_(t-1) + U·x_t, backpropagation through time sends the gradient one step back "
        "by multiplying it by Wᵀ, so after k steps it has been multiplied by (Wᵀ)^k."
    )
    norms = [float(np.linalg.norm(g))]
    for _ in range(steps):
        g = W.T @ g
        norms.append(float(np.linalg.norm(g)))
    norms = np.array(norms)
    d.series("log10 gradient norm by steps back in time", {"‖(Wᵀ)^k g‖": log10(norms)}, x=np.arange(steps + 1))
    growth = norms[-1] / norms[-2] if norms[-2] > 0 else 0.0
    verdict = "explodes" if radius > 1 else "does not explode (spectral radius ≤ 1)"
    d.say(
        f"The norm goes from {norms[0]:.3g} to {norms[-1]:.3g} in {steps} steps and the last step multiplies it by {growth:.3g}, "
        f"close to the spectral radius {radius:.3g}: the gradient {verdict}. A tanh between steps has derivative ≤ 1 "
        "and cannot cause this; the matrix does."
    )
    return {"norms": norms, "spectral_radius": radius, "last_growth": growth}


@demo("gradient-clipping")
def gradient_clipping(d: Demo, grad=None, threshold=None):
    run_rng = side_rng(d)
    g = d.array("grad", grad, lambda: round_draw(d.rng.normal(0, 3, 4)), ndim=1)
    c = d.number("threshold", threshold, 1.0, low=1e-9, high=1e9)
    norm = float(np.linalg.norm(g))
    scale = min(1.0, c / norm) if norm > 0 else 1.0
    clipped = g * scale
    d.show("gradient g", g, text=f"‖g‖ = {norm:.4g}")
    if scale < 1:
        d.say(f"‖g‖ = {norm:.4g} exceeds the threshold {c:g}, so multiply every entry by {c:g}/{norm:.4g} = {scale:.4g}.")
    else:
        d.say(f"‖g‖ = {norm:.4g} is within the threshold {c:g}, so g passes through unchanged.")
    d.show("clipped gradient g·min(1, c/‖g‖)", clipped, text=f"norm {np.linalg.norm(clipped):.4g}")
    d.say(f"The angle between g and the clipped gradient is {angle_degrees(g, clipped):.3g}°: only the length changes.")
    # A run of gradient norms with two spikes, as an exploding batch would give.
    run = np.abs(run_rng.normal(0.6 * c, 0.2 * c, 30))
    run[run_rng.choice(30, 2, replace=False)] *= 25
    d.series("gradient norm per training step", {"raw": run, "clipped": np.minimum(run, c)}, x=np.arange(1, 31))
    d.say(f"Over a run, clipping leaves ordinary steps alone and caps the two spikes ({run.max():.3g}) at {c:g}.")
    return {"norm": norm, "scale": scale, "clipped": clipped, "clipped_norm": float(np.linalg.norm(clipped))}


@demo("clip-value-vs-norm")
def clip_value_vs_norm(d: Demo, grad=None, threshold=None):
    def draw():
        g = d.rng.normal(0, 0.5, 3)
        g[d.rng.integers(3)] = d.rng.choice([-1, 1]) * d.rng.uniform(3, 6)  # one large component
        return round_draw(g)

    g = d.array("grad", grad, draw, ndim=1)
    c = d.number("threshold", threshold, 1.0, low=1e-9, high=1e9)
    norm = float(np.linalg.norm(g))
    by_value = np.clip(g, -c, c)
    by_norm = g * (min(1.0, c / norm) if norm > 0 else 1.0)
    d.show("gradient g", g, text=f"‖g‖ = {norm:.4g}")
    d.show(f"clip by value: each entry into [-{c:g}, {c:g}]", by_value)
    d.show(f"clip by norm: rescale to length ≤ {c:g}", by_norm)
    value_angle, norm_angle = angle_degrees(g, by_value), angle_degrees(g, by_norm)
    d.bars("angle to the original gradient (degrees)", ["by value", "by norm"], [value_angle, norm_angle])
    cut = int(np.sum(np.abs(g) > c))
    d.say(
        f"Clipping by value cut {cut} of {len(g)} entries to ±{c:g}{' and left the rest' if cut < len(g) else ''}, turning the step by "
        f"{value_angle:.3g}°; clipping by norm shrank every entry by the same factor, so the direction is kept ({norm_angle:.3g}°)."
    )
    return {"by_value": by_value, "by_norm": by_norm, "angle_value_deg": value_angle, "angle_norm_deg": norm_angle}


def block_gradients(stack: np.ndarray, xs: np.ndarray, residual: bool) -> np.ndarray:
    """∂L/∂hₗ for l = 0 … depth, for h ← tanh(W h) or h ← h + tanh(W h), with L = sum of the last h."""
    hs, activations = [xs], []
    for W in stack:
        a = np.tanh(W @ hs[-1])
        activations.append(a)
        hs.append(hs[-1] + a if residual else a)
    grads = [np.ones_like(xs)]
    for layer in range(len(stack) - 1, -1, -1):
        through = stack[layer].T @ (grads[-1] * (1 - activations[layer] ** 2))
        grads.append(grads[-1] + through if residual else through)
    return np.array(grads[::-1])


@demo("residual-connection")
def residual_connection(d: Demo, depth=None, width=None, gain=None, weights=None, x=None):
    gain = d.number("gain", gain, 0.5, low=0.0, high=10.0)
    depth, width, stack, xs = read_stack(d, depth, width, weights, x, 30, 8, lambda n: gain / math.sqrt(n))
    d.say(
        f"{depth} layers of {width} tanh units with small weights (std {gain:g}/√{width}): a plain stack h ← tanh(W·h), "
        "and a residual stack h ← h + tanh(W·h) with the same weights. The loss is the sum of the last h."
    )
    plain = block_gradients(stack, xs, residual=False)
    skip = block_gradients(stack, xs, residual=True)
    plain_norm, skip_norm = np.linalg.norm(plain, axis=1), np.linalg.norm(skip, axis=1)
    layers = np.arange(depth + 1)
    d.series("log10 ‖∂L/∂h‖ by layer (0 = the input)", {"plain": log10(plain_norm), "residual": log10(skip_norm)}, x=layers)
    d.say(
        "A residual block's Jacobian is I + ∂F/∂h, so the backward pass always keeps the identity term; "
        "a plain layer's Jacobian is only ∂F/∂h, and small weights make it shrink the gradient every layer."
    )
    d.show("gradient norm reaching the input", {"plain": plain_norm[0], "residual": skip_norm[0]})
    d.say(
        f"At the input the plain stack's gradient is {plain_norm[0]:.2g}, the residual stack's {skip_norm[0]:.3g} "
        f"(the top layer gets {plain_norm[-1]:.3g} in both)."
    )
    return {"plain_grad_norm": plain_norm, "residual_grad_norm": skip_norm, "plain_input_grad": plain[0], "residual_input_grad": skip[0]}


# ---------------------------------------------------------------- initialisation


def two_layer_loss(X, y, W1, b1, w2, b2):
    return 0.5 * float(np.mean((np.tanh(X @ W1.T + b1) @ w2 + b2 - y) ** 2))


def train_two_layer(X, y, W1, w2, lr, steps):
    """Full-batch descent on a 2-layer tanh network from the given weights (biases start at 0)."""
    W1, w2 = W1.copy(), w2.copy()
    b1, b2 = np.zeros(len(W1)), 0.0
    spread = []
    first = None
    for _ in range(steps):
        g = tiny_net_backprop(X, y, W1, b1, w2, b2)
        if first is None:
            first = g
        W1, b1, w2, b2 = W1 - lr * g["w1"], b1 - lr * g["b1"], w2 - lr * g["w2"], b2 - lr * g["b2"]
        units = np.column_stack([W1, b1, w2])  # everything that belongs to one hidden unit
        spread.append(float(np.max(np.ptp(units, axis=0))))
    return {"W1": W1, "b1": b1, "w2": w2, "b2": b2, "spread": np.array(spread), "first_grad": first}


@demo("zero-init-symmetry")
def zero_init_symmetry(d: Demo, x=None, y=None, init_value=None, lr=None, steps=None):
    init_rng = side_rng(d)
    X = d.array("x", x, lambda: round_draw(d.rng.uniform(-1, 1, (8, 2))), ndim=2)
    Y = d.array("y", y, lambda: round_draw(np.sin(2 * X[:, 0]) + X[:, -1] ** 2), ndim=1)
    if len(Y) != len(X) or len(X) > 200 or X.shape[1] > 10:
        raise DemoInputError(f"y must have one target per row of x ({len(X)}), with at most 200 rows and 10 columns in x")
    c = d.number("init_value", init_value, 0.5, low=-10.0, high=10.0)
    lr = d.number("lr", lr, 0.5, low=0.0, high=10.0)
    steps = d.number("steps", steps, 200, low=1, high=2000, integer=True)
    units = 3
    d.say(
        f"A {X.shape[1]}-{units}-1 tanh network trained by full-batch gradient descent for {steps} steps, three times: every weight "
        f"equal to {c:g}, every weight 0, and small random weights. Biases start at 0."
    )
    constant = train_two_layer(X, Y, np.full((units, X.shape[1]), c), np.full(units, c), lr, steps)
    zero = train_two_layer(X, Y, np.zeros((units, X.shape[1])), np.zeros(units), lr, steps)
    random = train_two_layer(X, Y, init_rng.normal(0, 0.5, (units, X.shape[1])), init_rng.normal(0, 0.5, units), lr, steps)
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
    depth = d.number("depth", depth, 10, low=1, high=50, integer=True)
    width = d.number("width", width, 128, low=2, high=512, integer=True)
    batch = d.number("batch", batch, 64, low=2, high=1024, integer=True)
    small = d.number("small_std", small_std, 0.01, low=0.0, high=10.0)
    stds = {"small": small, "Xavier": math.sqrt(2.0 / (width + width)), "He": math.sqrt(2.0 / width)}
    d.say(
        f"A {depth}-layer ReLU network, {width} units per layer, fed {batch} random inputs x ~ N(0, 1). Weights are drawn "
        f"N(0, s²) with s = {small:g} (small), √(2/(n_in + n_out)) = {stds['Xavier']:.3g} (Xavier) or √(2/n_in) = {stds['He']:.3g} (He)."
    )
    base = d.rng.normal(0, 1, (depth, width, width))  # the same random matrices, scaled three ways
    inputs = d.rng.normal(0, 1, (batch, width))
    spreads = {}
    for name, std in stds.items():
        h, per_layer = inputs, []
        for layer in range(depth):
            z = h @ (std * base[layer]).T
            per_layer.append(float(np.std(z)))
            h = relu(z)
        spreads[name] = np.array(per_layer)
    layers = np.arange(1, depth + 1)
    d.series("std of pre-activations by layer", spreads, x=layers)
    d.show(f"std at layer 1 and layer {depth}", {name: np.array([s[0], s[-1]]) for name, s in spreads.items()})
    d.say(
        f"Each ReLU layer multiplies the variance by n·s²/2: {width}·s²/2 = {width * small**2 / 2:.3g} for the small scale, "
        f"so the signal dies; {width * stds['Xavier'] ** 2 / 2:.3g} for Xavier, which halves it every layer (Xavier suits tanh); "
        f"and {width * stds['He'] ** 2 / 2:.3g} for He, which keeps it steady."
    )
    return {"layers": layers, "small": spreads["small"], "xavier": spreads["Xavier"], "he": spreads["He"]}


# ---------------------------------------------------------------- gradients with respect to the input


@demo("adversarial-fgsm")
def adversarial_fgsm(d: Demo, w=None, b=None, x=None, y=None, epsilon=None):
    noise_rng = side_rng(d)
    W = d.array("w", w, lambda: round_draw(d.rng.normal(0, 1, 64)), ndim=1)
    if len(W) > 10000:
        raise DemoInputError("w may have at most 10000 entries")
    xs = d.array("x", x, lambda: round_draw(d.rng.uniform(0, 1, len(W))), ndim=1)
    need_shape("x", xs, W.shape, "one entry per weight")
    b = d.number("b", b, lambda: round(float(-(W @ xs) + d.rng.choice([-1, 1]) * d.rng.uniform(1, 2)), 2), low=-1e6, high=1e6)
    score = float(W @ xs + b)
    label = d.number("y", y, 1 if score > 0 else 0, low=0, high=1, integer=True)
    l1 = float(np.sum(np.abs(W)))
    if l1 == 0:
        raise DemoInputError("w must have at least one non-zero weight, or no input change can move the score")
    needed = abs(score) / l1
    eps = d.number("epsilon", epsilon, lambda: math.ceil(1.5 * needed * 100) / 100, low=0.0, high=1e3)
    p = float(sigmoid(score))
    d.say(
        f"A logistic classifier p = σ(w·x + b) on {len(W)} features in [0, 1] (an 8x8 image when there are 64); this x scores "
        f"{score:.3g}, so p(class 1) = {p:.3g}, and its true label is {label}."
    )
    gradient = (p - label) * W  # ∂/∂x of the cross-entropy -[y·log p + (1 - y)·log(1 - p)]
    step = eps * np.sign(gradient)
    adv_score = float(W @ (xs + step) + b)
    d.say(
        f"The gradient of the loss with respect to the input is (p - y)·w. FGSM moves every feature by ε = {eps:g} in the "
        f"direction of its sign, x' = x + ε·sign((p - y)·w), which shifts the score by ε·‖w‖₁ = {eps:g}·{l1:.3g} = {eps * l1:.3g}."
    )
    noise = eps * noise_rng.choice([-1.0, 1.0], len(W))
    random_score = float(W @ (xs + noise) + b)
    d.show("scores", {"clean": score, "FGSM": adv_score, "random ±ε": random_score})
    d.bars("p(class 1)", ["clean", "FGSM", "random ±ε"], [p, float(sigmoid(adv_score)), float(sigmoid(random_score))])
    flipped = (adv_score > 0) != (score > 0)
    d.say(
        f"No feature moved by more than {eps:g}, yet the decision {'flips' if flipped else 'holds'}: any ε above |score|/‖w‖₁ = {needed:.3g} "
        f"would flip it. The same-size random ±ε noise moves the score by only {random_score - score:.3g}, because random signs "
        "mostly cancel while the gradient's signs all push one way."
    )
    return {
        "score": score,
        "adversarial_score": adv_score,
        "probability": p,
        "adversarial_probability": float(sigmoid(adv_score)),
        "input_gradient": gradient,
        "min_flip_epsilon": needed,
        "flipped": flipped,
    }


@demo("input-gradient-saliency")
def input_gradient_saliency(d: Demo, x=None, w1=None, b1=None, w2=None, b2=None):
    def draw_w1():
        W = d.rng.normal(0, 1, (8, 6)) / math.sqrt(6)
        W[:, 3:] *= 0.1  # the last three features hardly reach the hidden layer
        return round_draw(W, 3)

    xs = d.array("x", x, lambda: round_draw(d.rng.normal(0, 1, 6)), ndim=1)
    if len(xs) > 50:
        raise DemoInputError("x may have at most 50 features")
    W1, B1 = read_layer(d, "w1", w1, "b1", b1, len(xs), draw_w1 if len(xs) == 6 else (lambda: round_draw(d.rng.normal(0, 1, (8, len(xs))), 3)), np.zeros)
    W2, B2 = read_layer(d, "w2", w2, "b2", b2, len(B1), lambda: round_draw(d.rng.normal(0, 1, len(B1)), 3), [0.0])
    if W2.shape[0] != 1:
        raise DemoInputError("w2 must be one row of weights: the network has a single output")
    h = np.tanh(W1 @ xs + B1)
    out = float(W2[0] @ h + B2[0])
    d.say(f"A {len(xs)}-{len(B1)}-1 network, y = w2·tanh(W1·x + b1) + b2, gives y = {out:.4g} for this input x.")
    gradient = W1.T @ (W2[0] * (1 - h**2))
    d.say("Backpropagate to the input instead of the weights: ∂y/∂x = W1ᵀ·(w2 ⊙ (1 - h²)), one number per feature.")
    names = [f"x{i + 1}" for i in range(len(xs))]
    d.show("input gradient ∂y/∂x", gradient)
    saliency = np.abs(gradient)
    d.bars("saliency |∂y/∂x|", names, saliency)
    d.bars("gradient × input (the change if the feature went to 0, to first order)", names, gradient * xs)
    ranking = np.argsort(-saliency, kind="stable")
    d.say(
        f"Nudging {names[ranking[0]]} by 0.01 moves y by about {0.01 * gradient[ranking[0]]:.3g}, the most of any feature; "
        f"{names[ranking[-1]]} matters least. It is a local, first-order explanation of this one prediction, not of the model."
    )
    return {"output": out, "gradient": gradient, "saliency": saliency, "gradient_x_input": gradient * xs, "ranking": ranking + 1}
