"""Demos of the backprop-and-gradients topic, each checked against an independent computation."""

from __future__ import annotations

import math

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import close, flatten, matvec, result, sigmoid, tiny_net_loss, transpose


def test_backprop_check_gradients_match_independent_finite_differences():
    xs = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.0, 1.2]]
    ys = [0.3, -0.5, 1.0, 0.2]
    w1, b1, w2, b2 = [[0.4, -0.6], [1.1, 0.2], [-0.3, 0.9]], [0.1, -0.2, 0.05], [0.7, -1.2, 0.5], 0.3
    r = result("backprop-check", {"x": xs, "y": ys, "w1": w1, "b1": b1, "w2": w2, "b2": b2})
    flat = flatten(w1) + b1 + w2 + [b2]
    numeric = central_gradient(lambda f: tiny_net_loss(f, xs, ys, 3), flat)
    got = r["backprop"]
    assert flatten(got["w1"]) + got["b1"] + got["w2"] + [got["b2"]] == pytest.approx(numeric, abs=1e-8)
    assert r["loss"] == pytest.approx(tiny_net_loss(flat, xs, ys, 3))
    assert r["max_relative_error"] < 1e-6
    assert r["buggy_max_relative_error"] > 1e-2


def stack_loss(flat, x, depth, width, act):
    h = list(x)
    for layer in range(depth):
        W = [flat[(layer * width + i) * width : (layer * width + i + 1) * width] for i in range(width)]
        h = [act(z) for z in matvec(W, h)]
    return sum(h)


def frobenius_by_layer(grads, depth, width):
    size = width * width
    return [math.sqrt(sum(g * g for g in grads[k * size : (k + 1) * size])) for k in range(depth)]


def test_vanishing_gradient_norms_match_finite_differences():
    weights = [[[0.9, -0.7], [0.4, 1.1]], [[-1.2, 0.5], [0.8, 0.6]], [[0.3, 1.4], [-0.9, 0.7]]]
    x = [0.8, 0.5]
    r = result("vanishing-gradient", {"depth": 3, "width": 2, "weights": weights, "x": x})
    flat = [v for m in weights for row in m for v in row]
    for name, act in (("sigmoid", sigmoid), ("relu", lambda z: max(0.0, z))):
        numeric = central_gradient(lambda f, act=act: stack_loss(f, x, 3, 2, act), flat)
        assert r[name] == pytest.approx(frobenius_by_layer(numeric, 3, 2), rel=1e-5), name


def test_vanishing_gradient_default_sigmoid_shrinks_and_relu_does_not():
    r = result("vanishing-gradient", seed=5)
    assert len(r["sigmoid"]) == 20
    assert r["sigmoid"][0] / r["sigmoid"][-1] < 1e-5
    assert r["relu"][0] / r["relu"][-1] > 1e-2


def test_exploding_gradient_diagonal_matrix_closed_form():
    r = result("exploding-gradient", {"matrix": [[2, 0], [0, 0.5]], "steps": 6, "grad": [1, 1]})
    assert r["norms"] == pytest.approx([math.sqrt(4**k + 0.25**k) for k in range(7)])
    assert r["spectral_radius"] == pytest.approx(2.0)
    m = [[1.1, 0.4], [-0.3, 0.9]]
    r = result("exploding-gradient", {"matrix": m, "steps": 5, "grad": [0.5, -1.0]})
    g, norms = [0.5, -1.0], [math.hypot(0.5, -1.0)]
    for _ in range(5):
        g = matvec(transpose(m), g)
        norms.append(math.hypot(*g))
    assert r["norms"] == pytest.approx(norms)
    # Eigenvalues of [[1.1, 0.4], [-0.3, 0.9]]: 1 ± i·sqrt(0.11), modulus sqrt(1.11).
    assert r["spectral_radius"] == pytest.approx(math.sqrt(1.11))


def test_gradient_clipping_bank_example():
    r = result("gradient-clipping", {"grad": [3, 4], "threshold": 1})
    assert r["norm"] == pytest.approx(5.0)
    assert r["scale"] == pytest.approx(0.2)
    assert r["clipped"] == pytest.approx([0.6, 0.8])
    assert r["clipped_norm"] == pytest.approx(1.0)
    small = result("gradient-clipping", {"grad": [0.3, -0.4], "threshold": 1})
    assert small["clipped"] == pytest.approx([0.3, -0.4]) and small["scale"] == 1.0


def test_clip_value_vs_norm_bank_example():
    r = result("clip-value-vs-norm", {"grad": [3, 4], "threshold": 1})
    assert r["by_value"] == pytest.approx([1, 1])
    assert r["by_norm"] == pytest.approx([0.6, 0.8])
    assert r["angle_value_deg"] == pytest.approx(math.degrees(math.atan2(4, 3)) - 45.0)  # about 8.13°
    assert r["angle_norm_deg"] == pytest.approx(0.0, abs=1e-6)


def scalar_rnn_last_state(x, w_early, w_late, u, split):
    """h_T of h_t = tanh(w h_(t-1) + u x_t), using w_early for steps before `split` and w_late after."""
    h = 0.0
    for t, x_t in enumerate(x):
        h = math.tanh((w_early if t < split else w_late) * h + u * x_t)
    return h


def test_truncated_bptt_against_finite_differences():
    x = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.6, -0.1, 0.05, 0.3]
    w, u, window = 1.1, 0.8, 3
    result = run_demo("truncated-bptt", {"x": x, "w": w, "u": u, "window": window}).result
    eps = 1e-6
    T = len(x)
    for t in range(T):
        up = x[:t] + [x[t] + eps] + x[t + 1 :]
        down = x[:t] + [x[t] - eps] + x[t + 1 :]
        numeric = (scalar_rnn_last_state(up, w, w, u, 0) - scalar_rnn_last_state(down, w, w, u, 0)) / (2 * eps)
        assert result["grad_full"][t] == pytest.approx(numeric, abs=1e-7)
        assert result["grad_truncated"][t] == (pytest.approx(numeric, abs=1e-7) if t >= T - window else 0.0)
    full_dw = (scalar_rnn_last_state(x, w + eps, w + eps, u, 0) - scalar_rnn_last_state(x, w - eps, w - eps, u, 0)) / (
        2 * eps
    )
    assert result["dw_full"] == pytest.approx(full_dw, abs=1e-7)
    # Truncation treats the state entering the last `window` steps as a constant: only those steps' w moves.
    cut_dw = (
        scalar_rnn_last_state(x, w, w + eps, u, T - window) - scalar_rnn_last_state(x, w, w - eps, u, T - window)
    ) / (2 * eps)
    assert result["dw_truncated"] == pytest.approx(cut_dw, abs=1e-7)
    h, states = 0.0, []
    for x_t in x:
        h = math.tanh(w * h + u * x_t)
        states.append(h)
    assert close(result["h"], states)


def test_rnn_gradient_norms_follow_radius_powers():
    result = run_demo("rnn-gradient-through-time", {"radii": [0.5, 0.9, 1.0, 1.25], "steps": 25, "size": 5}).result
    assert result["steps_back"] == list(range(26))
    for label, rho in [("0.5", 0.5), ("0.9", 0.9), ("1", 1.0), ("1.25", 1.25)]:
        assert result["norms"][label] == pytest.approx([rho**k for k in range(26)], rel=1e-9)
    with pytest.raises(DemoInputError, match="spectral radius"):
        run_demo("rnn-gradient-through-time", {"radii": [0.0, 1.0]})
