"""Demos of the activations topic, each checked against an independent computation."""

from __future__ import annotations

import math

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from quizprep.errors import BadValueError
from tests.helpers.numeric import central_difference
from tests.helpers.reference import approx, close_nested, gelu, matmul, matvec, sigmoid, step_value


def test_unknown_parameter_names_the_allowed_ones():
    with pytest.raises(BadValueError, match="its parameters: logits"):
        run_demo("softmax", {"x": [1, 2]})


def test_softmax_matches_a_hand_loop_and_survives_large_logits():
    logits = [1000.0, 1001.0, 1002.0]
    result = run_demo("softmax", {"logits": logits}).result
    shifted = [v - 1002.0 for v in logits]
    import math

    total = sum(math.exp(v) for v in shifted)
    assert result == pytest.approx([math.exp(v) / total for v in shifted], abs=1e-12)
    assert sum(result) == pytest.approx(1.0)


def test_sigmoid_values_and_derivative():
    xs = [-5.0, -1.0, 0.0, 0.3, 2.0, 5.0]
    result = run_demo("sigmoid", {"x": xs})
    assert result.result == approx([sigmoid(v) for v in xs])
    slopes = step_value(result, "σ'(x)")
    assert slopes == approx([central_difference(sigmoid, v) for v in xs])
    assert slopes[2] == approx(0.25)
    assert slopes[5] == pytest.approx(0.0066, abs=1e-4)  # the bank's σ'(5) ≈ 0.0066
    # Large inputs give 0 and 1, not overflow or NaN.
    assert run_demo("sigmoid", {"x": [-800.0, 800.0]}).result == approx([0.0, 1.0])


def test_tanh_values_and_derivative():
    xs = [-3.0, -0.5, 0.0, 0.7, 2.0]
    result = run_demo("tanh", {"x": xs})
    assert result.result == approx([math.tanh(v) for v in xs])
    assert step_value(result, "tanh'(x)") == approx([central_difference(math.tanh, v) for v in xs])


def test_relu_values_and_derivative():
    xs = [-2.0, -0.5, 0.0, 0.5, 3.0]
    result = run_demo("relu", {"x": xs})
    assert result.result == [max(0.0, v) for v in xs]
    slopes = step_value(result, "ReLU'(x)")
    assert slopes == [1.0 if v > 0 else 0.0 for v in xs]
    for v, slope in zip(xs, slopes, strict=False):
        if v != 0:
            assert slope == approx(central_difference(lambda t: max(0.0, t), v))
    # A feature map (matrix) works elementwise too.
    assert run_demo("relu", {"x": [[-1, 2], [3, -4]]}).result == [[0, 2], [3, 0]]
    with pytest.raises(DemoInputError, match="x must be a number, a vector"):
        run_demo("relu", {"x": [[[1]]]})


def test_leaky_relu_values_and_derivative():
    xs, alpha = [-3.0, -0.4, 0.5, 2.0], 0.2

    def leaky(v):
        return v if v > 0 else alpha * v

    result = run_demo("leaky-relu", {"x": xs, "alpha": alpha}).result
    assert result["values"] == approx([leaky(v) for v in xs])
    assert result["derivatives"] == approx([central_difference(leaky, v) for v in xs])
    with pytest.raises(DemoInputError, match="alpha must be between 0.0 and 1.0"):
        run_demo("leaky-relu", {"alpha": 2})


def test_step_function_values_and_zero_derivative():
    xs = [-1.0, -0.2, 0.0, 0.4, 3.0]

    def heaviside(v):
        return 1.0 if v >= 0 else 0.0

    result = run_demo("step-function", {"x": xs}).result
    assert result["values"] == [heaviside(v) for v in xs]
    assert result["derivatives"] == [0.0] * len(xs)
    assert [central_difference(heaviside, v) for v in xs if v != 0] == [0.0] * 4


def test_activation_compare_against_the_formulas():
    xs = [-2.0, -0.5, 0.5, 2.0]
    formulas = {
        "sigmoid": sigmoid,
        "tanh": math.tanh,
        "ReLU": lambda v: max(0.0, v),
        "leaky ReLU": lambda v: v if v > 0 else 0.01 * v,
        "ELU": lambda v: v if v > 0 else math.exp(v) - 1,
        "step": lambda v: 1.0 if v >= 0 else 0.0,
        "linear": lambda v: v,
    }
    result = run_demo("activation-compare", {"x": xs}).result
    assert sorted(result["values"]) == sorted(formulas)
    for name, f in formulas.items():
        assert result["values"][name] == approx([f(v) for v in xs]), name
        assert result["derivatives"][name] == approx([central_difference(f, v) for v in xs]), name


def silu(x):
    return x * sigmoid(x)


DEAD_CASE = {
    "x": [[0.2, 0.9], [0.7, 0.1], [0.5, 0.5], [1.0, 0.3]],
    "y": [3.0, 4.0, 3.5, 5.0],
    "w": [[0.5, -0.2], [0.3, 0.4], [-0.1, 0.6]],
    "b": [0.5, 0.5, 0.5],
    "v": [0.4, -0.7, -0.3],
    "c": 0.0,
    "lr_small": 0.01,
    "lr_large": 4.0,
}


def dead_loss(x, y, w, b, v, c):
    total = 0.0
    for xi, yi in zip(x, y, strict=False):
        h = [
            max(0.0, sum(wk * xk for wk, xk in zip(row, xi, strict=False)) + bj) for row, bj in zip(w, b, strict=False)
        ]
        out = sum(vj * hj for vj, hj in zip(v, h, strict=False)) + c
        total += 0.5 * (out - yi) ** 2
    return total / len(x)


def dead_count(x, w, b):
    return [
        all(sum(wk * xk for wk, xk in zip(row, xi, strict=False)) + bj <= 0 for xi in x)
        for row, bj in zip(w, b, strict=False)
    ]


def test_dead_relu_step_matches_finite_differences_and_a_loop():
    p = DEAD_CASE
    r = run_demo("dead-relu", p, seed=0).result
    grad_b = []
    for j in range(3):
        up = [list(p["b"]) for _ in range(2)]
        up[0][j] += 1e-6
        up[1][j] -= 1e-6
        grad_b.append(
            (dead_loss(p["x"], p["y"], p["w"], up[0], p["v"], 0) - dead_loss(p["x"], p["y"], p["w"], up[1], p["v"], 0))
            / 2e-6
        )
    new_b = [bj - p["lr_large"] * g for bj, g in zip(p["b"], grad_b, strict=False)]
    assert close_nested(r["bias_after_large"], new_b, 1e-6)
    grad_w = [[0.0, 0.0] for _ in range(3)]
    for j in range(3):
        for k in range(2):
            plus = [list(row) for row in p["w"]]
            minus = [list(row) for row in p["w"]]
            plus[j][k] += 1e-6
            minus[j][k] -= 1e-6
            grad_w[j][k] = (
                dead_loss(p["x"], p["y"], plus, p["b"], p["v"], 0) - dead_loss(p["x"], p["y"], minus, p["b"], p["v"], 0)
            ) / 2e-6
    new_w = [
        [wk - p["lr_large"] * g for wk, g in zip(row, grow, strict=False)]
        for row, grow in zip(p["w"], grad_w, strict=False)
    ]
    dead = dead_count(p["x"], new_w, new_b)
    # Every prediction starts too low and the inputs are ≥ 0, so the units with v < 0 are pushed down.
    assert dead == [False, True, True]
    assert r["dead_before"] == 0 and r["dead_after_small"] == 0
    assert r["dead_after_large"] == 2 and r["dead_units_large"] == [1, 2]
    assert r["next_unit_gradient"][1] == 0 and r["next_unit_gradient"][2] == 0
    assert r["next_unit_gradient"][0] > 0


def test_dead_relu_default_run_kills_units_and_they_get_no_gradient():
    for seed in range(5):
        r = run_demo("dead-relu", seed=seed).result
        assert r["dead_after_large"] >= 1
        for j in r["dead_units_large"]:
            assert r["next_unit_gradient"][j] == 0


def test_dead_relu_rejects_mismatched_output_weights():
    with pytest.raises(DemoInputError, match="one output weight per hidden unit"):
        run_demo("dead-relu", {**DEAD_CASE, "v": [1.0, 2.0]})


def test_gelu_silu_values_and_derivatives():
    xs = [-3.0, -1.3, -0.75, 0.0, 0.4, 1.0, 2.4, 5.0]
    r = run_demo("gelu-silu", {"x": xs}).result
    assert close_nested(r["gelu"], [gelu(x) for x in xs], 1e-12)
    assert close_nested(r["silu"], [silu(x) for x in xs], 1e-12)
    assert r["relu"] == [max(0.0, x) for x in xs]
    assert close_nested(r["d_gelu"], [central_difference(gelu, x) for x in xs], 1e-6)
    assert close_nested(r["d_silu"], [central_difference(silu, x) for x in xs], 1e-6)
    assert r["d_relu"] == [1.0 if x > 0 else 0.0 for x in xs]
    tanh_form = [0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))) for x in xs]
    assert close_nested(r["gelu_tanh"], tanh_form, 1e-12)
    assert max(abs(a - b) for a, b in zip(r["gelu_tanh"], r["gelu"], strict=False)) < 1e-3


def test_gelu_silu_minima_match_the_textbook_values():
    r = run_demo("gelu-silu", seed=0).result
    gx, gv = r["gelu_min"]
    sx, sv = r["silu_min"]
    assert gx == pytest.approx(-0.7518, abs=1e-3) and gv == pytest.approx(-0.1700, abs=1e-3)
    assert sx == pytest.approx(-1.2785, abs=1e-3) and sv == pytest.approx(-0.2785, abs=1e-3)
    assert abs(central_difference(gelu, gx)) < 1e-6 and abs(central_difference(silu, sx)) < 1e-6
    # The derivative peaks the answers quote: GELU' at √2 and SiLU' near 2.4.
    assert central_difference(gelu, math.sqrt(2)) == pytest.approx(1.129, abs=1e-3)
    assert max(central_difference(silu, 2 + i / 100) for i in range(100)) == pytest.approx(1.0998, abs=1e-3)


def test_gelu_silu_rejects_huge_inputs():
    with pytest.raises(DemoInputError, match="between -50 and 50"):
        run_demo("gelu-silu", {"x": [1.0, 100.0]})


def test_linear_collapse_matches_loops_for_the_bank_example():
    p = {"x": [1.0, 1.0], "w1": [[1.0, -1.0], [2.0, 0.0]], "b1": [1.0, 0.0], "w2": [[3.0, 1.0]], "b2": [-2.0]}
    r = run_demo("linear-collapse", p).result
    assert r["W"] == [[5.0, -3.0]] and r["b"] == [1.0]  # the item linear-collapse-worked-example
    assert r["two_layers"] == [3.0] and r["one_layer"] == [3.0]
    assert r["rank"] == 1


def test_linear_collapse_random_layers_and_rank():
    p = {
        "x": [0.5, -1.5, 2.0],
        "w1": [[1.0, 0.0, 2.0], [-1.0, 3.0, 0.5]],
        "b1": [0.25, -1.0],
        "w2": [[2.0, -1.0], [0.0, 1.5], [1.0, 1.0]],
        "b2": [0.0, 1.0, -2.0],
    }
    r = run_demo("linear-collapse", p).result
    hidden = [h + b for h, b in zip(matvec(p["w1"], p["x"]), p["b1"], strict=False)]
    two = [y + b for y, b in zip(matvec(p["w2"], hidden), p["b2"], strict=False)]
    relu_two = [y + b for y, b in zip(matvec(p["w2"], [max(0.0, h) for h in hidden]), p["b2"], strict=False)]
    assert close_nested(r["two_layers"], two) and close_nested(r["one_layer"], two)
    assert close_nested(r["W"], matmul(p["w2"], p["w1"]))
    assert close_nested(r["with_relu"], relu_two)
    assert r["rank"] == 2  # 3 → 2 → 3: a 3x3 matrix of rank at most 2
    w = r["W"]
    det = (
        w[0][0] * (w[1][1] * w[2][2] - w[1][2] * w[2][1])
        - w[0][1] * (w[1][0] * w[2][2] - w[1][2] * w[2][0])
        + w[0][2] * (w[1][0] * w[2][1] - w[1][1] * w[2][0])
    )
    assert abs(det) < 1e-9


def test_linear_collapse_rejects_mismatched_layers():
    with pytest.raises(DemoInputError, match="w2 must be a matrix with 2 columns"):
        run_demo(
            "linear-collapse",
            {"x": [1.0, 2.0], "w1": [[1.0, 0.0], [0.0, 1.0]], "b1": [0.0, 0.0], "w2": [[1.0, 2.0, 3.0]], "b2": [0.0]},
        )


def xor_net(w1, b1, w2, b2, x):
    h = [max(0.0, row[0] * x[0] + row[1] * x[1] + b) for row, b in zip(w1, b1, strict=False)]
    return sum(a * b for a, b in zip(w2, h, strict=False)) + b2


def test_xor_minimal_default_weights_are_exact():
    r = run_demo("xor-minimal", seed=3).result
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert r["output"] == [xor_net([[1, 1], [1, 1]], [0, -1], [1, -2], 0, x) for x in inputs] == [0.0, 1.0, 1.0, 0.0]
    assert r["correct"] == 4
    assert r["single_unit_best"] <= 3  # a monotone function of one linear score cannot separate XOR
    assert r["single_unit_best"] == 3


def test_xor_minimal_wrong_output_weights_get_three():
    r = run_demo("xor-minimal", {"w2": [1.0, -1.0]}, seed=3).result
    assert r["output"] == [0.0, 1.0, 1.0, 1.0]
    assert r["correct"] == 3


def test_xor_minimal_single_unit_never_solves_xor():
    for seed in range(5):
        assert run_demo("xor-minimal", {"trials": 5000}, seed=seed).result["single_unit_best"] <= 3


def test_xor_minimal_rejects_wrong_output_length():
    with pytest.raises(DemoInputError, match="one weight per hidden unit"):
        run_demo("xor-minimal", {"w2": [1.0, -2.0, 3.0]})
