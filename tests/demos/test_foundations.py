"""Demos of the foundations topic, each checked against an independent computation."""

from __future__ import annotations

import math
import statistics

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import approx, flatten, matvec, result, sigmoid


def test_neuron_matches_the_bank_example():
    # w = (0.5, -1), b = 0.2, x = (2, 1): z = 1 - 1 + 0.2 = 0.2, and ReLU gives 0.2.
    result = run_demo("neuron", {"x": [2, 1], "w": [0.5, -1], "b": 0.2}).result
    assert result["z"] == approx(0.2)
    assert result["ReLU"] == approx(0.2)
    assert result["sigmoid"] == approx(sigmoid(0.2))
    assert result["tanh"] == approx(math.tanh(0.2))
    assert result["step"] == 1.0
    with pytest.raises(DemoInputError, match="one weight per input: x has 2 entries but w has 3"):
        run_demo("neuron", {"x": [1, 2], "w": [1, 2, 3]})


def test_data_scaling_line_plateaus_at_its_closed_form_bias():
    # Best straight line to sin(3x) on uniform [-1, 1]: slope E[x sin 3x] / E[x²], intercept 0.
    e_x_sin = math.sin(3) / 9 - math.cos(3) / 3
    slope = e_x_sin / (1 / 3)
    e_sin2 = 0.5 - math.sin(6) / 12
    bias = e_sin2 - slope**2 / 3
    result = run_demo("data-scaling", {"sizes": [10, 100, 2000], "noise": 0.3}, seed=1).result
    assert result["simple_error"][-1] == pytest.approx(bias, rel=0.05)
    assert result["flexible_error"][-1] < 0.02 < bias  # the flexible model keeps improving past the line


def test_data_scaling_noise_free_flexible_model_fits_the_curve():
    result = run_demo("data-scaling", {"sizes": [2000], "noise": 0}, seed=2).result
    assert result["flexible_error"][0] < 1e-3
    with pytest.raises(DemoInputError, match="between 2 and 5000"):
        run_demo("data-scaling", {"sizes": [1, 10]})


def test_perceptron_matches_a_plain_loop_and_stays_under_the_novikoff_bound():
    xs = [[2.0, 1.0], [1.5, 2.5], [-1.0, -0.5], [-2.0, 1.0], [0.5, 3.0], [-0.5, -2.0]]
    ys = [1, 1, -1, -1, 1, -1]
    r = result("perceptron", {"x": xs, "y": ys, "lr": 1, "max_epochs": 20})
    w, b, mistakes = [0.0, 0.0], 0.0, []
    for _ in range(20):
        count = 0
        for (x1, x2), y in zip(xs, ys, strict=False):
            if y * (w[0] * x1 + w[1] * x2 + b) <= 0:
                w, b, count = [w[0] + y * x1, w[1] + y * x2], b + y, count + 1
        mistakes.append(count)
        if count == 0:
            break
    assert r["w"] == pytest.approx(w) and r["b"] == pytest.approx(b)
    assert r["mistakes_per_epoch"] == mistakes
    assert r["converged"] and r["correct"] == 6
    assert r["updates"] <= r["novikoff_bound"]
    # Labels 0/1 mean the same as -1/+1.
    again = result("perceptron", {"x": xs, "y": [1, 1, 0, 0, 1, 0], "lr": 1, "max_epochs": 20})
    assert again["w"] == r["w"]


def test_perceptron_never_settles_on_xor():
    r = result("perceptron", {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [-1, 1, 1, -1], "max_epochs": 30})
    assert not r["converged"] and r["correct"] < 4
    assert all(m > 0 for m in r["mistakes_per_epoch"])


def test_mlp_forward_matches_the_bank_example_and_hand_loops():
    r = result("mlp-forward", {"x": [1, 2], "w1": [[1, 0], [-1, 1]], "b1": [0, -2], "w2": [2, 3], "b2": 0.5})
    assert r["z1"] == pytest.approx([1, -1])
    assert r["h"] == pytest.approx([1, 0])
    assert r["output"] == pytest.approx(2.5)
    x, w1, b1 = [0.5, -1.0, 2.0], [[1, 2, 0], [0, -1, 1], [3, 0, -2], [-1, 1, 1]], [0.5, -0.5, 0, 1]
    w2, b2 = [[1, -1, 2, 0.5], [0, 1, 1, -2]], [0.1, -0.2]
    r = result("mlp-forward", {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2})
    h = [max(0.0, z + b) for z, b in zip(matvec(w1, x), b1, strict=False)]
    assert r["h"] == pytest.approx(h)
    assert r["output"] == pytest.approx([o + b for o, b in zip(matvec(w2, h), b2, strict=False)])


def test_xor_hidden_layer_linear_fails_and_hidden_layer_solves():
    r = result("xor-hidden-layer")
    # The least-squares plane through XOR is flat at the mean, 0.5 (by symmetry of the four points).
    assert r["linear_fit"] == pytest.approx([0.5] * 4)
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    hidden = [[sigmoid(20 * a + 20 * b - 10), sigmoid(-20 * a - 20 * b + 30)] for a, b in inputs]
    output = [sigmoid(20 * h1 + 20 * h2 - 30) for h1, h2 in hidden]
    assert flatten(r["hidden"]) == pytest.approx(flatten(hidden))
    assert r["output"] == pytest.approx(output)
    assert r["predictions"] == [0, 1, 1, 0] and r["correct"] == 4


def test_universal_approximation_one_unit_is_the_best_line_and_more_units_beat_interpolation():
    r = result("universal-approximation", {"coefficients": [1.0], "units": [1, 4, 16]})
    grid = [math.pi * i / 200 for i in range(201)]
    target = [math.sin(x) for x in grid]
    # One unit ReLU(x - 0) = x on [0, π]: the fit is the least-squares line.
    mx, my = statistics.fmean(grid), statistics.fmean(target)
    slope = sum((x - mx) * (y - my) for x, y in zip(grid, target, strict=False)) / sum((x - mx) ** 2 for x in grid)
    line = [my + slope * (x - mx) for x in grid]
    assert r["rms_error"][0] == pytest.approx(
        math.sqrt(statistics.fmean([(a - b) ** 2 for a, b in zip(line, target, strict=False)]))
    )
    # n units span every continuous piecewise-linear function with kinks at π·j/n, including the
    # interpolant of sin through those points, so the least-squares error is no larger than it.
    for n, rms in zip((4, 16), r["rms_error"][1:], strict=False):
        knots = [math.pi * j / n for j in range(n + 1)]

        def interp(x, n=n, knots=knots):
            j = min(int(x / (math.pi / n)), n - 1)
            t = (x - knots[j]) / (knots[j + 1] - knots[j])
            return (1 - t) * math.sin(knots[j]) + t * math.sin(knots[j + 1])

        interp_rms = math.sqrt(statistics.fmean([(interp(x) - y) ** 2 for x, y in zip(grid, target, strict=False)]))
        assert rms <= interp_rms + 1e-12
    assert r["rms_error"][0] > r["rms_error"][1] > r["rms_error"][2]


def test_depth_efficiency_doubles_pieces_per_layer():
    r = result("depth-efficiency", {"depth": 6})
    assert r["deep_pieces"] == [2**k for k in range(1, 7)]
    assert r["shallow_max_pieces"] == [2 * k + 1 for k in range(1, 7)]
    assert r["shallow_fit_rms"] > 0.1


def test_adversarial_fgsm_gradient_and_score_shift():
    w = [0.8, -1.2, 0.5, 2.0, -0.3]
    x = [0.2, 0.7, 0.4, 0.1, 0.9]
    b, y, eps = 0.6, 1, 0.3
    r = result("adversarial-fgsm", {"w": w, "b": b, "x": x, "y": y, "epsilon": eps})
    score = sum(wi * xi for wi, xi in zip(w, x, strict=False)) + b

    def loss(v):  # binary cross-entropy for label 1
        return -math.log(sigmoid(sum(wi * vi for wi, vi in zip(w, v, strict=False)) + b))

    assert r["input_gradient"] == pytest.approx(central_gradient(loss, x), abs=1e-7)
    l1 = sum(abs(wi) for wi in w)
    assert r["score"] == pytest.approx(score)
    # label 1: the loss rises where w·x falls, so each feature steps by -ε·sign(w), then is clipped to [0, 1]
    pushed = [xi - eps * math.copysign(1.0, wi) for wi, xi in zip(w, x)]
    moved = [min(1.0, max(0.0, v)) for v in pushed]
    assert moved == pytest.approx([0.0, 1.0, 0.1, 0.0, 1.0])
    assert r["adversarial_input"] == pytest.approx(moved)
    assert r["clipped_features"] == sum(not 0.0 <= v <= 1.0 for v in pushed) >= 3
    adv = sum(wi * xi for wi, xi in zip(w, moved)) + b
    assert r["adversarial_score"] == pytest.approx(adv)
    assert adv > score - eps * l1  # clipping shrinks the shift the unclipped step would give
    assert r["min_flip_epsilon"] == pytest.approx(abs(score) / l1)
    assert r["flipped"] == ((adv > 0) != (score > 0))
    assert r["adversarial_probability"] == pytest.approx(sigmoid(adv))
    assert all(0.0 <= v <= 1.0 for v in r["adversarial_input"])


def test_adversarial_fgsm_refuses_pixels_outside_the_unit_interval():
    with pytest.raises(DemoInputError, match=r"\[0, 1\]"):
        result("adversarial-fgsm", {"w": [1.0, -1.0], "x": [0.5, 1.5]})


def test_input_gradient_saliency_matches_finite_differences():
    x = [0.5, -1.0, 2.0]
    w1 = [[0.3, -0.2, 0.1], [0.5, 0.4, -0.3], [-0.6, 0.2, 0.05], [0.1, -0.7, 0.2]]
    b1, w2, b2 = [0.1, 0.0, -0.2, 0.3], [1.0, -0.5, 0.8, 0.6], 0.2

    def out(v):
        h = [math.tanh(z + bb) for z, bb in zip(matvec(w1, v), b1, strict=False)]
        return sum(a * c for a, c in zip(w2, h, strict=False)) + b2

    r = result("input-gradient-saliency", {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2})
    numeric = central_gradient(out, x)
    assert r["output"] == pytest.approx(out(x))
    assert r["gradient"] == pytest.approx(numeric, abs=1e-8)
    assert r["saliency"] == pytest.approx([abs(g) for g in numeric], abs=1e-8)
    assert r["ranking"] == [i + 1 for i in sorted(range(3), key=lambda i: -abs(numeric[i]))]


def test_network_bad_inputs_say_what_is_expected():
    with pytest.raises(DemoInputError, match="w1 must be a matrix with 2 columns"):
        run_demo("mlp-forward", {"x": [1, 2], "w1": [[1, 2, 3]]})
    with pytest.raises(DemoInputError, match=r"weights must have shape \(3, 2, 2\)"):
        run_demo("vanishing-gradient", {"depth": 3, "width": 2, "weights": [[[1, 0], [0, 1]]]})
    with pytest.raises(DemoInputError, match="matrix must be square"):
        run_demo("exploding-gradient", {"matrix": [[1, 2, 3], [4, 5, 6]]})
    with pytest.raises(DemoInputError, match="y must hold labels -1 and \\+1"):
        run_demo("perceptron", {"x": [[0, 1], [1, 0]], "y": [2, -1]})
    with pytest.raises(DemoInputError, match="give the labels y"):
        run_demo("perceptron", {"x": [[0, 1], [1, 0]]})
