"""Demos for the foundations topic: neurons, perceptrons, multilayer networks, XOR and what depth and data buy."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo
from quizprep.text import plural

NEURON_ACTIVATIONS = {"ReLU": kit.relu, "sigmoid": kit.sigmoid, "tanh": np.tanh, "step": kit.step_values}


@demo("neuron")
def neuron(d: Demo, x=None, w=None, b=None):
    """One artificial neuron: weighted sum plus bias through an activation."""
    inputs = d.array("x", x, lambda: np.round(d.rng.normal(0, 1.5, size=3), 1), ndim=1)
    weights = d.array("w", w, lambda: np.round(d.rng.normal(0, 1, size=inputs.size), 1), ndim=1)
    if weights.size != inputs.size:
        raise DemoInputError(f"w must have one weight per input: x has {inputs.size} entries but w has {weights.size}")
    bias = d.number("b", b, lambda: round(float(d.rng.normal(0, 1)), 1), low=-1e6, high=1e6)
    d.show("inputs x", inputs)
    d.show("weights w", weights)
    z = float(inputs @ weights + bias)
    terms = " + ".join(f"{kit.factor_text(wi)}·{kit.factor_text(xi)}" for wi, xi in zip(weights, inputs, strict=False))
    d.say(f"Weighted sum plus bias: z = {terms} + {kit.factor_text(bias)} = {z:.4g}.")
    outputs = {name: float(f(np.array(z))) for name, f in NEURON_ACTIVATIONS.items()}
    d.bars("output g(z) for each activation", list(outputs), list(outputs.values()))
    d.say(
        f"Each weight sets how strongly, and with which sign, its input counts; the bias shifts the threshold, "
        f"so with all inputs 0 the neuron still outputs g({bias:g}), e.g. ReLU gives {max(bias, 0.0):g}."
    )
    return {"z": z, **outputs}


def _true_curve(x: np.ndarray) -> np.ndarray:
    return np.sin(3.0 * x)


def _bumps(x: np.ndarray, count: int = 25, width: float = 0.1) -> np.ndarray:
    centres = np.linspace(-1.0, 1.0, count)
    return np.exp(-0.5 * ((x[:, None] - centres[None, :]) / width) ** 2)


@demo("data-scaling")
def data_scaling(d: Demo, sizes=None, noise=None):
    """Learning curves: a flexible model keeps improving with data, a simple one plateaus."""
    side = d.side_rng()
    sizes = d.array("sizes", sizes, [10, 20, 50, 100, 200, 500, 1000, 2000], ndim=1, integer=True)
    noise = d.number("noise", noise, 0.3, low=0.0, high=10.0)
    d.require(
        bool(np.all(sizes >= 2)) and bool(np.all(sizes <= 5000)), "sizes must be training-set sizes between 2 and 5000"
    )
    pool_x = side.uniform(-1.0, 1.0, size=int(sizes.max()))
    pool_y = _true_curve(pool_x) + noise * side.normal(size=pool_x.size)
    grid = np.linspace(-1.0, 1.0, 201)
    truth = _true_curve(grid)
    simple, flexible = [], []
    for n in sizes:
        x, y = pool_x[:n], pool_y[:n]
        design = np.column_stack([np.ones(n), x])
        line = np.linalg.solve(design.T @ design, design.T @ y)
        simple.append(kit.mse(line[0] + line[1] * grid, truth))
        weights = kit.ridge(_bumps(x), y, 1e-4)
        flexible.append(kit.mse(_bumps(grid) @ weights, truth))
    simple, flexible = np.array(simple), np.array(flexible)
    d.say(
        f"Targets are sin(3x) plus noise of std {noise:g}. A straight line (2 parameters) and 25 Gaussian bumps "
        "(25 parameters, lightly regularised) are fitted to the first n points; "
        "error is measured against the true curve."
    )
    d.series("test error by training-set size n", {"straight line": simple, "25 bumps": flexible}, x=sizes)
    d.show("test error (MSE)", {"n": sizes, "straight line": simple, "25 bumps": flexible})
    d.say(
        f"The line stops improving near {simple[-1]:.3g}: that is its bias, the part of sin(3x) no line can follow. "
        f"The flexible model goes from {flexible[0]:.3g} at n = {sizes[0]} to {flexible[-1]:.3g} at n = {sizes[-1]}."
    )
    d.say(
        "With little data the simple model is the safer choice; "
        "with plenty, the flexible one wins, as deep networks do."
    )
    return {"sizes": sizes, "simple_error": simple, "flexible_error": flexible}


def signed_sum(coefficients, terms) -> str:
    """'2·a - 3·b + c' from [2, -3, 1] and ['a', 'b', 'c']."""
    text = ""
    for c, term in zip(coefficients, terms, strict=False):
        sign = "-" if c < 0 else "+"
        part = f"{abs(c):g}·{term}"
        text = (f"-{part}" if sign == "-" else part) if not text else f"{text} {sign} {part}"
    return text or "0"


@demo("perceptron")
def perceptron(d: Demo, x=None, y=None, lr=None, max_epochs=None):
    """The perceptron learning rule converging on linearly separable data."""

    def draw_points():
        angle = d.rng.uniform(0, 2 * np.pi)
        normal, offset = np.array([math.cos(angle), math.sin(angle)]), d.rng.uniform(-1, 1)
        points = []
        while len(points) < 20:
            point = kit.rounded(d.rng.uniform(-3, 3, 2), 1)
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
        for xi, yi in zip(X, signs, strict=False):
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
    result = {
        "w": w,
        "b": b,
        "mistakes_per_epoch": mistakes,
        "updates": sum(mistakes),
        "converged": converged,
        "correct": correct,
    }
    if converged:
        # Novikoff: at most (R/γ)² updates, for the margin γ of ANY unit vector separating the points (the bias
        # being the weight of a constant input); the learned line is one such vector.
        separator = np.append(w, b)
        augmented = np.column_stack([X, np.ones(len(X))])
        margin = float(np.min(signs * (augmented @ separator))) / float(np.linalg.norm(separator))
        radius = float(np.max(np.linalg.norm(augmented, axis=1)))
        bound = (radius / margin) ** 2
        d.say(
            f"Epoch {len(mistakes)} makes no mistake, "
            f"so the rule has stopped after {sum(mistakes)} updates with all {len(X)} points right. "
            "Novikoff's bound (R/γ)² holds for the margin γ of any separator; "
            f"with R = {radius:.3g} and the learned separator's "
            f"γ = {margin:.3g} it allows at most {bound:.3g}."
        )
        result["novikoff_bound"] = bound
    else:
        d.say(
            f"After {max_epochs} epochs it still makes mistakes ({correct} of {len(X)} right). "
            "Either it needs more epochs, "
            "or no line separates the classes, as with XOR, and then the weights keep cycling and never settle."
        )
    return result


@demo("mlp-forward")
def mlp_forward(d: Demo, x=None, w1=None, b1=None, w2=None, b2=None):
    """A forward pass through a small multilayer network, layer by layer."""

    def ints(shape):
        return d.rng.integers(-2, 3, size=shape).astype(float)

    xs = d.array("x", x, lambda: ints(3), ndim=1)
    W1, B1 = kit.read_layer(
        d,
        "w1",
        w1,
        "b1",
        b1,
        len(xs),
        lambda: ints((4, len(xs))),
        lambda rows: d.rng.integers(-1, 2, rows).astype(float),
    )
    W2, B2 = kit.read_layer(
        d,
        "w2",
        w2,
        "b2",
        b2,
        len(B1),
        lambda: ints((2, len(B1))),
        lambda rows: d.rng.integers(-1, 2, rows).astype(float),
    )
    single = np.ndim(d.params["w2"]) == 1  # a plain vector of weights: one output, reported as a number
    d.say(
        f"Input x has {len(xs)} features; "
        f"the hidden layer has {W1.shape[0]} ReLU units (W1 is {W1.shape[0]}x{W1.shape[1]}), "
        f"the output layer {W2.shape[0]} linear "
        f"{'unit' if W2.shape[0] == 1 else 'units'} (W2 is {W2.shape[0]}x{W2.shape[1]})."
    )
    d.show("x", xs)
    z1 = W1 @ xs + B1
    terms = " + ".join(f"{W1[0, k]:g}·{xs[k]:g}" for k in range(len(xs)))
    d.show("hidden pre-activations z1 = W1·x + b1", z1, text=f"first unit: {terms} + {B1[0]:g} = {z1[0]:g}")
    h = kit.relu(z1)
    off = int(np.sum(z1 <= 0))
    d.show("hidden activations h = ReLU(z1)", h, text=f"{off} of {len(h)} units have z ≤ 0 and output 0")
    out = W2 @ h + B2
    d.show("output y = W2·h + b2", out)
    d.say(
        "Each layer is a matrix product plus a bias, "
        "and only the nonlinearity between them stops the two layers collapsing into one."
    )
    return {"z1": z1, "h": h, "output": out[0] if single else out}


@demo("xor-hidden-layer")
def xor_hidden_layer(d: Demo, w1=None, b1=None, w2=None, b2=None):
    """A linear model fails on XOR; one hidden layer solves it."""
    W1, B1 = kit.read_layer(d, "w1", w1, "b1", b1, 2, [[20.0, 20.0], [-20.0, -20.0]], [-10.0, 30.0])
    if W1.shape[0] > 16:
        raise DemoInputError("use at most 16 hidden units")
    W2, B2 = kit.read_layer(d, "w2", w2, "b2", b2, W1.shape[0], [20.0, 20.0], [-30.0])
    if W2.shape[0] != 1:
        raise DemoInputError("w2 must be one row of weights: the network has a single output")
    design = np.column_stack([kit.XOR_X, np.ones(4)])
    coef, *_ = np.linalg.lstsq(design, kit.XOR_Y, rcond=None)
    linear = design @ coef
    d.say("XOR: inputs (0,0), (0,1), (1,0), (1,1) with targets 0, 1, 1, 0.")
    d.show("best least-squares linear model w1·x1 + w2·x2 + b on the four points", linear)
    d.say(
        "Any linear score s gives s(0,0) + s(1,1) = s(0,1) + s(1,0) = 2b + w1 + w2, so the two 1s cannot both score "
        "above a threshold that both 0s stay below: a line gets at most 3 of 4 right."
    )
    hidden = kit.sigmoid(kit.XOR_X @ W1.T + B1)
    d.show(
        "hidden activations h = σ(W1·x + b1), one row per input",
        hidden,
        text="with the default weights h1 ≈ OR(x1, x2) and h2 ≈ NAND(x1, x2)",
    )
    output = kit.sigmoid(hidden @ W2[0] + B2[0])
    predictions = (output > 0.5).astype(int)
    correct = int(np.sum(predictions == kit.XOR_Y))
    d.bars("network output σ(w2·h + b2)", ["(0,0)", "(0,1)", "(1,0)", "(1,1)"], output)
    d.say(
        "In the hidden space the points become linearly separable, "
        f"and the output unit (≈ AND of h1 and h2) gets {correct} of 4 right: "
        f"predictions {predictions.tolist()}."
    )
    return {"linear_fit": linear, "hidden": hidden, "output": output, "predictions": predictions, "correct": correct}


def relu_fit(grid: np.ndarray, target: np.ndarray, knots: np.ndarray):
    """Least-squares output weights for b + Σ cⱼ·ReLU(x - kⱼ); returns the fitted values."""
    features = np.column_stack([kit.relu(grid[:, None] - knots[None, :]), np.ones(len(grid))])
    coef, *_ = np.linalg.lstsq(features, target, rcond=None)
    return features @ coef


@demo("universal-approximation")
def universal_approximation(d: Demo, coefficients=None, units=None):
    """A sum of ReLU units fits a smooth curve better as units are added."""
    coef = d.array("coefficients", coefficients, lambda: kit.rounded(d.rng.normal(0, 1, 3)), ndim=1)
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
        "A network with n ReLU hidden units computes b + Σ cⱼ·ReLU(x - kⱼ): "
        "put the kinks kⱼ evenly across the interval "
        "and fit the output weights by least squares."
    )
    rms, worst, fits = [], [], {}
    for n in counts:
        fitted = relu_fit(grid, target, np.linspace(0.0, np.pi, int(n) + 1)[:-1])
        rms.append(float(np.sqrt(np.mean((fitted - target) ** 2))))
        worst.append(float(np.max(np.abs(fitted - target))))
        fits[int(n)] = fitted
    d.bars("root-mean-square error by number of units", [plural(n, "unit") for n in counts], rms)
    few, many = int(counts.min()), int(counts.max())
    d.series(
        "target and fits",
        {"target": target, plural(few, "unit"): fits[few], f"{many} units": fits[many]},
        x=grid,
    )
    d.say(
        f"The error falls from {rms[0]:.3g} with {plural(counts[0], 'unit')} to {rms[-1]:.3g} with {counts[-1]}: "
        "each unit adds one kink, and enough kinks trace any continuous curve. "
        "The theorem promises such weights exist, "
        "not that training finds them."
    )
    return {"units": counts, "rms_error": rms, "max_error": worst}


def tent(x: np.ndarray) -> np.ndarray:
    """One layer of two ReLU units: 2·ReLU(x) - 4·ReLU(x - ½), a tent on [0, 1]."""
    return 2 * kit.relu(x) - 4 * kit.relu(x - 0.5)


def count_pieces(values: np.ndarray, spacing: float) -> int:
    slopes = np.diff(values) / spacing
    scale = max(1.0, float(np.max(np.abs(slopes))))
    return 1 + int(np.sum(np.abs(np.diff(slopes)) > 1e-9 * scale))


@demo("depth-efficiency")
def depth_efficiency(d: Demo, depth=None):
    """Stacked ReLU layers carve exponentially many linear pieces."""
    depth = d.number("depth", depth, 5, low=1, high=12, integer=True)
    points = 2**depth * 4 + 1
    grid = np.linspace(0.0, 1.0, points)  # every kink k/2^depth falls on a grid point
    spacing = 1.0 / (points - 1)
    d.say(
        "One layer of two ReLU units computes the tent t(x) "
        "= 2·ReLU(x) - 4·ReLU(x - ½): up from 0 to 1, then back down."
    )
    values, pieces, curves = grid, [], {}
    for layer in range(1, depth + 1):
        values = tent(values)
        pieces.append(count_pieces(values, spacing))
        if layer <= 3:
            curves[plural(layer, "layer")] = values
    d.series("the stacked function on [0, 1]", curves, x=grid)
    layers = np.arange(1, depth + 1)
    shallow = 2 * layers + 1
    d.series(
        "linear pieces by depth", {"deep: 2 units per layer": pieces, "shallow, same units: at most": shallow}, x=layers
    )
    fitted = relu_fit(grid, values, np.linspace(0.0, 1.0, 2 * depth + 1)[:-1])
    rms = float(np.sqrt(np.mean((fitted - values) ** 2)))
    d.say(
        f"Each layer folds the interval onto itself and doubles the pieces: {depth} layers and {2 * depth} units give "
        f"{pieces[-1]} pieces. One hidden layer of {2 * depth} ReLU units has at most {2 * depth + 1}, and its best "
        f"least-squares fit to the {depth}-layer sawtooth still misses "
        f"by {rms:.3g} (root-mean-square) on values between 0 and 1."
    )
    return {"depths": layers, "deep_pieces": pieces, "shallow_max_pieces": shallow, "shallow_fit_rms": rms}


@demo("adversarial-fgsm")
def adversarial_fgsm(d: Demo, w=None, b=None, x=None, y=None, epsilon=None):
    """A small signed-gradient perturbation flips a linear classifier."""
    noise_rng = d.side_rng()
    W = d.array("w", w, lambda: kit.rounded(d.rng.normal(0, 1, 64)), ndim=1)
    if len(W) > 10000:
        raise DemoInputError("w may have at most 10000 entries")
    xs = d.array("x", x, lambda: kit.rounded(d.rng.uniform(0, 1, len(W))), ndim=1)
    kit.need_shape("x", xs, W.shape, "one entry per weight")
    d.require(bool(np.all((xs >= 0) & (xs <= 1))), "x must hold pixel values in [0, 1]")
    b = d.number(
        "b", b, lambda: round(float(-(W @ xs) + d.rng.choice([-1, 1]) * d.rng.uniform(1, 2)), 2), low=-1e6, high=1e6
    )
    score = float(W @ xs + b)
    label = d.number("y", y, 1 if score > 0 else 0, low=0, high=1, integer=True)
    l1 = float(np.sum(np.abs(W)))
    if l1 == 0:
        raise DemoInputError("w must have at least one non-zero weight, or no input change can move the score")
    needed = abs(score) / l1
    eps = d.number("epsilon", epsilon, lambda: math.ceil(1.5 * needed * 100) / 100, low=0.0, high=1e3)
    p = float(kit.sigmoid(score))
    d.say(
        f"A logistic classifier p = σ(w·x + b) on {len(W)} features in [0, "
        "1] (an 8x8 image when there are 64); this x scores "
        f"{score:.3g}, so p(class 1) = {p:.3g}, and its true label is {label}."
    )
    gradient = (p - label) * W  # ∂/∂x of the cross-entropy -[y·log p + (1 - y)·log(1 - p)]
    pushed = xs + eps * np.sign(gradient)
    adversarial = np.clip(pushed, 0.0, 1.0)  # still a valid image
    clipped = int(np.sum(adversarial != pushed))
    adv_score = float(W @ adversarial + b)
    d.say(
        "The gradient of the loss with respect to the input is (p - y)·w. "
        f"FGSM moves every feature by ε = {eps:g} in the "
        "direction of its sign, x + ε·sign((p - y)·w), "
        f"which would shift the score by ε·‖w‖₁ = {eps:g}·{l1:.3g} = {eps * l1:.3g}."
    )
    d.say(
        "Pixels must stay in [0, 1], so the attack clips: x' = clip(x + ε·sign((p - y)·w), 0, 1). "
        f"Here {clipped} of the {len(W)} features hit a bound, and the score moves by w·(x' - x) = "
        f"{adv_score - score:.3g}{' (clipping only ever shrinks the shift)' if clipped else ''}."
    )
    noise = eps * noise_rng.choice([-1.0, 1.0], len(W))
    random_score = float(W @ np.clip(xs + noise, 0.0, 1.0) + b)
    d.show("scores", {"clean": score, "FGSM": adv_score, "random ±ε": random_score})
    d.bars(
        "p(class 1)",
        ["clean", "FGSM", "random ±ε"],
        [p, float(kit.sigmoid(adv_score)), float(kit.sigmoid(random_score))],
    )
    flipped = (adv_score > 0) != (score > 0)
    d.say(
        f"No feature moved by more than {eps:g}, yet the decision {'flips' if flipped else 'holds'}: "
        f"before clipping, any ε above |score|/‖w‖₁ = {needed:.3g} "
        "would flip it. The same-size random ±ε noise, clipped the same way, moves the score "
        f"by only {random_score - score:.3g}, because random signs "
        "mostly cancel while the gradient's signs all push one way."
    )
    return {
        "score": score,
        "adversarial_score": adv_score,
        "probability": p,
        "adversarial_probability": float(kit.sigmoid(adv_score)),
        "input_gradient": gradient,
        "adversarial_input": adversarial,
        "clipped_features": clipped,
        "min_flip_epsilon": needed,
        "flipped": flipped,
    }


@demo("input-gradient-saliency")
def input_gradient_saliency(d: Demo, x=None, w1=None, b1=None, w2=None, b2=None):
    """The gradient of a small network's output with respect to its input as feature importance."""

    def draw_w1():
        W = d.rng.normal(0, 1, (8, 6)) / math.sqrt(6)
        W[:, 3:] *= 0.1  # the last three features hardly reach the hidden layer
        return kit.rounded(W, 3)

    xs = d.array("x", x, lambda: kit.rounded(d.rng.normal(0, 1, 6)), ndim=1)
    if len(xs) > 50:
        raise DemoInputError("x may have at most 50 features")
    W1, B1 = kit.read_layer(
        d,
        "w1",
        w1,
        "b1",
        b1,
        len(xs),
        draw_w1 if len(xs) == 6 else (lambda: kit.rounded(d.rng.normal(0, 1, (8, len(xs))), 3)),
        np.zeros,
    )
    W2, B2 = kit.read_layer(d, "w2", w2, "b2", b2, len(B1), lambda: kit.rounded(d.rng.normal(0, 1, len(B1)), 3), [0.0])
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
        f"Nudging {names[ranking[0]]} by 0.01 moves y by about "
        f"{0.01 * gradient[ranking[0]]:.3g}, the most of any feature; "
        f"{names[ranking[-1]]} matters least. It is a local, "
        "first-order explanation of this one prediction, not of the model."
    )
    return {
        "output": out,
        "gradient": gradient,
        "saliency": saliency,
        "gradient_x_input": gradient * xs,
        "ranking": ranking + 1,
    }
