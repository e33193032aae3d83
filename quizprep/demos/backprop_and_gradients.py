"""Demos for the backpropagation and gradients topic: vanishing and exploding gradients, clipping, and gradients through
time."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


def angle_degrees(a: np.ndarray, b: np.ndarray) -> float:
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0:
        return 0.0
    return math.degrees(math.acos(max(-1.0, min(1.0, float(a @ b) / norms))))


def tiny_net_loss(X, y, W1, b1, w2, b2):
    """½·mean((w2·tanh(W1 x + b1) + b2 - y)²) over the rows of X."""
    out = np.tanh(X @ W1.T + b1) @ w2 + b2
    return 0.5 * float(np.mean((out - y) ** 2))


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
    """Backpropagated gradients of a tiny network against finite differences."""
    X = d.array("x", x, lambda: kit.rounded(d.rng.normal(0, 1, (4, 2))), ndim=2)
    Y = d.array("y", y, lambda: kit.rounded(d.rng.normal(0, 1, len(X))), ndim=1)
    if len(Y) != len(X) or len(X) > 100 or X.shape[1] > 10:
        raise DemoInputError(
            f"y must have one target per row of x ({len(X)}), with at most 100 rows and 10 columns in x"
        )
    W1, B1 = kit.read_layer(
        d,
        "w1",
        w1,
        "b1",
        b1,
        X.shape[1],
        lambda: kit.rounded(d.rng.normal(0, 1, (3, X.shape[1]))),
        lambda rows: kit.rounded(d.rng.normal(0, 0.5, rows)),
    )
    if W1.shape[0] > 10:
        raise DemoInputError("use at most 10 hidden units")
    W2, B2 = kit.read_layer(
        d, "w2", w2, "b2", b2, W1.shape[0], lambda: kit.rounded(d.rng.normal(0, 1, W1.shape[0])), [0.0]
    )
    if W2.shape[0] != 1:
        raise DemoInputError("w2 must be one row of weights: the network has a single output")
    eps = d.number("eps", eps, 1e-5, low=1e-10, high=0.1)
    params = {"W1": W1, "b1": B1, "w2": W2[0], "b2": float(B2[0])}
    d.say(
        f"A {X.shape[1]}-{W1.shape[0]}-1 network, ŷ = w2·tanh(W1·x + b1) "
        f"+ b2, on {len(X)} examples with loss L = ½·mean((ŷ - y)²)."
    )
    loss = tiny_net_loss(X, Y, *params.values())
    d.show("loss L", loss)
    backprop = kit.tiny_net_backprop(X, Y, *params.values())
    d.show("backprop gradients: δ = (ŷ - y)/n, then w2 ⊙ δ through tanh' = 1 - tanh²", backprop)
    numeric = central_differences(lambda W1, b1, w2, b2: tiny_net_loss(X, Y, W1, b1, w2, b2), params, eps)
    numeric = {"w1": numeric["W1"], "b1": numeric["b1"], "w2": numeric["w2"], "b2": numeric["b2"]}
    d.show(f"central differences (L(θ + ε) - L(θ - ε)) / 2ε with ε = {eps:g}", numeric)
    errors = relative_errors(backprop, numeric)
    buggy = relative_errors(kit.tiny_net_backprop(X, Y, *params.values(), buggy=True), numeric)
    d.show(
        "largest relative error |g_bp - g_num| / max(|g_bp|, |g_num|)",
        {"correct backprop": errors.max(), "backprop without tanh'": buggy.max()},
    )
    d.say(
        f"The correct backward pass agrees to {errors.max():.1e} "
        "(around 1e-7 or below means right), while leaving out the "
        f"tanh derivative gives {buggy.max():.2g}, the size of error that points to a bug. The check took "
        f"{2 * errors.size} forward passes for {errors.size} parameters; backprop needs one backward pass."
    )
    return {
        "loss": loss,
        "backprop": backprop,
        "max_relative_error": errors.max(),
        "buggy_max_relative_error": buggy.max(),
    }


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
    """The gradient shrinking through 20 sigmoid layers against ReLU."""
    depth, width, stack, xs = kit.read_stack(d, depth, width, weights, x, 20, 16, lambda n: math.sqrt(2.0 / n))
    d.say(
        f"Two stacks of {depth} layers, {width} units each, with the same weights (He scale, variance 2/{width}); "
        "one uses sigmoid, the other ReLU. The loss is the sum of the last layer's outputs."
    )
    sig = stack_weight_gradients(stack, xs, kit.sigmoid, lambda z: kit.sigmoid(z) * (1 - kit.sigmoid(z)))
    rel = stack_weight_gradients(stack, xs, kit.relu, lambda z: (z > 0).astype(float))
    layers = np.arange(1, depth + 1)
    d.series(
        "log10 ‖∂L/∂W‖ by layer (1 = next to the input)", {"sigmoid": kit.log10(sig), "ReLU": kit.log10(rel)}, x=layers
    )
    d.show(
        "gradient norm at the first and last layer",
        {"sigmoid": np.array([sig[0], sig[-1]]), "ReLU": np.array([rel[0], rel[-1]])},
    )
    d.say(
        "Going down the sigmoid stack every layer multiplies the gradient by σ'(z) "
        "≤ 0.25 times a weight matrix, so layer 1 "
        f"gets {sig[0] / sig[-1]:.2g} times the gradient of layer {depth}. "
        "ReLU passes a derivative of exactly 1 through "
        f"active units, so its ratio is {rel[0] / rel[-1]:.2g}: early layers still learn."
    )
    return {"layers": layers, "sigmoid": sig, "relu": rel}


@demo("exploding-gradient")
def exploding_gradient(d: Demo, matrix=None, steps=None, grad=None):
    """Gradients growing through repeated multiplication by a large recurrent matrix."""

    def draw():
        raw = d.rng.normal(0, 1, (4, 4))
        return kit.rounded(raw * 1.5 / np.max(np.abs(np.linalg.eigvals(raw))))

    W = d.array("matrix", matrix, draw, ndim=2)
    if W.shape[0] != W.shape[1] or W.shape[0] > 32:
        raise DemoInputError(
            f"matrix must be square (the recurrent weights map a state to a state), at most 32x32; got {W.shape}"
        )
    steps = d.number("steps", steps, 20, low=1, high=200, integer=True)
    g = d.array("grad", grad, lambda: np.ones(len(W)), ndim=1)
    kit.need_shape("grad", g, (len(W),), "one entry per state unit")
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
    d.series("log10 gradient norm by steps back in time", {"‖(Wᵀ)^k g‖": kit.log10(norms)}, x=np.arange(steps + 1))
    growth = norms[-1] / norms[-2] if norms[-2] > 0 else 0.0
    verdict = "explodes" if radius > 1 else "does not explode (spectral radius ≤ 1)"
    d.say(
        f"The norm goes from {norms[0]:.3g} to {norms[-1]:.3g} in "
        f"{steps} steps and the last step multiplies it by {growth:.3g}, "
        f"close to the spectral radius {radius:.3g}: the gradient {verdict}. A tanh between steps has derivative ≤ 1 "
        "and cannot cause this; the matrix does."
    )
    return {"norms": norms, "spectral_radius": radius, "last_growth": growth}


@demo("gradient-clipping")
def gradient_clipping(d: Demo, grad=None, threshold=None):
    """Rescale a gradient whose norm exceeds a threshold."""
    run_rng = d.side_rng()
    g = d.array("grad", grad, lambda: kit.rounded(d.rng.normal(0, 3, 4)), ndim=1)
    c = d.number("threshold", threshold, 1.0, low=1e-9, high=1e9)
    norm = float(np.linalg.norm(g))
    scale = min(1.0, c / norm) if norm > 0 else 1.0
    clipped = g * scale
    d.show("gradient g", g, text=f"‖g‖ = {norm:.4g}")
    if scale < 1:
        d.say(
            f"‖g‖ = {norm:.4g} exceeds the threshold {c:g}, so multiply every entry by {c:g}/{norm:.4g} = {scale:.4g}."
        )
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
    """Clipping a gradient by value turns its direction; clipping by norm keeps it."""

    def draw():
        g = d.rng.normal(0, 0.5, 3)
        g[d.rng.integers(3)] = d.rng.choice([-1, 1]) * d.rng.uniform(3, 6)  # one large component
        return kit.rounded(g)

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
        f"Clipping by value cut {cut} of {len(g)} entries to "
        f"±{c:g}{' and left the rest' if cut < len(g) else ''}, turning the step by "
        f"{value_angle:.3g}°; clipping by norm shrank every entry by the same factor, "
        f"so the direction is kept ({norm_angle:.3g}°)."
    )
    return {"by_value": by_value, "by_norm": by_norm, "angle_value_deg": value_angle, "angle_norm_deg": norm_angle}


def _scalar_rnn(xs: np.ndarray, w: float, u: float) -> np.ndarray:
    """States h_1..h_T of h_t = tanh(w h_(t-1) + u x_t) from h_0 = 0."""
    h, states = 0.0, []
    for x_t in xs:
        h = np.tanh(w * h + u * x_t)
        states.append(h)
    return np.array(states)


@demo("truncated-bptt")
def truncated_bptt(d: Demo, x=None, w=None, u=None, window=None):
    """The gradient reaching early time steps under full and truncated backpropagation through time."""
    xs = d.array("x", x, lambda: kit.rounded_normal(d, 12, 0.3, 2), ndim=1)
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
    d.say(
        f"A scalar RNN h_t = tanh({kit.fmt(w)} h_(t-1) + {kit.fmt(u)} x_t) "
        f"reads {steps} inputs; the loss is the last state, L = h_{steps}."
    )
    d.show(
        "h_t (forward pass, the same for both)",
        states,
        text="Truncation never changes the forward pass: the state is carried all the way.",
    )
    d.series(
        "|∂L/∂x_t| by step",
        {"full BPTT": np.abs(grad_x), f"truncated to {window} steps": np.abs(grad_x_cut)},
        x=np.arange(1, steps + 1),
    )
    d.show("∂L/∂x_t, full BPTT", grad_x)
    cut = steps - window
    if cut:
        d.say(
            f"Truncated, steps 1 to {cut} get exactly 0, though full BPTT still gives step 1 a "
            f"gradient of {kit.fmt(grad_x[0])}: no signal for dependencies longer than {window} steps."
        )
    d.say(
        f"∂L/∂w is {kit.fmt(dw_full)} in full and {kit.fmt(dw_cut)} truncated, "
        f"computed from only {window} of the {steps} steps."
    )
    return {"h": states, "grad_full": grad_x, "grad_truncated": grad_x_cut, "dw_full": dw_full, "dw_truncated": dw_cut}


def _random_orthogonal(d: Demo, size: int) -> np.ndarray:
    q, r = np.linalg.qr(d.rng.normal(size=(size, size)))
    return q * np.sign(np.diag(r))


@demo("rnn-gradient-through-time")
def rnn_gradient_through_time(d: Demo, radii=None, steps=None, size=None):
    """Gradient norm across time steps for recurrent matrices with spectral radius below and above 1."""
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
    labels = [f"ρ = {kit.fmt(r)}" for r in rhos]
    if len(set(labels)) < len(labels):
        raise DemoInputError(f"radii must differ from each other, not {kit.vec_text(rhos)}")
    d.say(
        "Backpropagating through h_t = W h_(t-1) + U x_t multiplies the gradient by W^T once per step; "
        f"here W = ρ·Q with Q a random {size}x{size} rotation."
    )
    d.series("gradient norm k steps back", dict(zip(labels, norms, strict=False)), x=np.arange(steps + 1))
    d.bars(f"gradient norm after {steps} steps", labels, norms[:, -1])
    parts = ", ".join(f"{kit.fmt(r)}^{steps} = {kit.fmt(n)}" for r, n in zip(rhos, norms[:, -1], strict=False))
    d.say(f"The norm is exactly ρ^k: {parts}; below 1 it vanishes, above 1 it explodes.")
    d.say(
        "A tanh layer multiplies in derivatives of at most 1, which only shrinks it more; "
        "clipping tames explosion, gating (LSTM, GRU) fights vanishing."
    )
    return {
        "steps_back": np.arange(steps + 1),
        "norms": {kit.fmt(r): curve for r, curve in zip(rhos, norms, strict=False)},
    }
