"""Initialisation, activations and normalisation (issue 9): each demo against an independent computation
(plain-Python loops, closed forms, quadrature, finite differences), and each drill against a hand formula
that reads only problem.params."""

from __future__ import annotations

import math
import re
import statistics

import pytest

from .numeric import central_difference

from quizprep.bank import load_bank
from quizprep.demos import run_demo
from quizprep.demos.catalog_signal import DEMOS as AREA_DEMOS
from quizprep.demos.framework import DemoInputError
from quizprep.drills import generate


# Plain-Python helpers (no NumPy), so the checks share no code with the demos.


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def phi(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def gelu(x):
    return x * phi(x)


def silu(x):
    return x * sigmoid(x)


def gaussian_expectation(f, var=1.0, steps=4000, width=10.0):
    """E[f(z)] for z ~ N(0, var), by Simpson's rule on [-width·sd, width·sd]."""
    sd = math.sqrt(var)
    a, b = -width * sd, width * sd
    h = (b - a) / steps
    total = 0.0
    for i in range(steps + 1):
        z = a + i * h
        weight = 1 if i in (0, steps) else (4 if i % 2 else 2)
        total += weight * f(z) * math.exp(-z * z / (2 * var)) / (sd * math.sqrt(2 * math.pi))
    return total * h / 3


def matvec(m, v):
    return [sum(a * b for a, b in zip(row, v)) for row in m]


def matmul(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def close(a, b, tol=1e-9):
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# ---------------------------------------------------------------- catalog and bank


def test_area_demos_are_used_by_the_bank():
    # Speed is measured by scripts/bench_demos.py, not asserted here: machines are noisy.
    bank = load_bank(use_cache=False)
    used = {item.demo for item in bank.items}
    assert set(AREA_DEMOS) <= used, set(AREA_DEMOS) - used


def test_area_demos_explain_in_two_to_eight_steps():
    for name in AREA_DEMOS:
        steps = run_demo(name, seed=3).steps
        assert 2 <= len(steps) <= 12 and any(s["kind"] == "text" for s in steps), name


# ---------------------------------------------------------------- he-vs-xavier


def test_he_vs_xavier_variances_follow_the_closed_forms():
    r = run_demo("he-vs-xavier", {"depth": 8, "width": 384, "batch": 384}, seed=5).result
    # Layer 1 sees x ~ N(0, 1): Var(z) = n·Var(w)·E[x²] = 1 for Xavier, 2 for He.
    assert r["relu_xavier"][0] == pytest.approx(1.0, rel=0.05)
    assert r["relu_he"][0] == pytest.approx(2.0, rel=0.05)
    # ReLU halves the second moment: E[ReLU(z)²] = Var(z)/2.
    assert r["second_moment_ratio"]["ReLU"] == pytest.approx(0.5, abs=0.02)
    assert r["second_moment_ratio"]["tanh"] == pytest.approx(gaussian_expectation(lambda z: math.tanh(z) ** 2), abs=0.02)
    # Per-layer factor n·Var(w)·½ = ½ (ReLU + Xavier) and 1 (ReLU + He), checked by the geometric mean of the ratios.
    layers = len(r["relu_xavier"])
    assert (r["relu_xavier"][-1] / r["relu_xavier"][0]) ** (1 / (layers - 1)) == pytest.approx(0.5, abs=0.04)
    assert (r["relu_he"][-1] / r["relu_he"][0]) ** (1 / (layers - 1)) == pytest.approx(1.0, abs=0.08)


def test_he_vs_xavier_tanh_settles_at_the_fixed_point_of_the_variance_map():
    # q ← 2·E[tanh(z)²], z ~ N(0, q): iterate the map by quadrature.
    q = 1.0
    for _ in range(60):
        q = 2 * gaussian_expectation(lambda z: math.tanh(z) ** 2, var=q, steps=800)
    r = run_demo("he-vs-xavier", {"depth": 12, "width": 384, "batch": 256}, seed=4).result
    assert 0.55 < q < 0.7
    assert r["tanh_he"][-1] == pytest.approx(q, rel=0.15)
    # Xavier with tanh: the variance keeps drifting down and stays below the He run.
    assert all(b < a for a, b in zip(r["tanh_xavier"], r["tanh_xavier"][1:]))
    assert r["tanh_xavier"][-1] < r["tanh_he"][-1]


# ---------------------------------------------------------------- dead-relu


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
    for xi, yi in zip(x, y):
        h = [max(0.0, sum(wk * xk for wk, xk in zip(row, xi)) + bj) for row, bj in zip(w, b)]
        out = sum(vj * hj for vj, hj in zip(v, h)) + c
        total += 0.5 * (out - yi) ** 2
    return total / len(x)


def dead_count(x, w, b):
    return [all(sum(wk * xk for wk, xk in zip(row, xi)) + bj <= 0 for xi in x) for row, bj in zip(w, b)]


def test_dead_relu_step_matches_finite_differences_and_a_loop():
    p = DEAD_CASE
    r = run_demo("dead-relu", p, seed=0).result
    grad_b = []
    for j in range(3):
        up = [list(p["b"]) for _ in range(2)]
        up[0][j] += 1e-6
        up[1][j] -= 1e-6
        grad_b.append((dead_loss(p["x"], p["y"], p["w"], up[0], p["v"], 0) - dead_loss(p["x"], p["y"], p["w"], up[1], p["v"], 0)) / 2e-6)
    new_b = [bj - p["lr_large"] * g for bj, g in zip(p["b"], grad_b)]
    assert close(r["bias_after_large"], new_b, 1e-6)
    grad_w = [[0.0, 0.0] for _ in range(3)]
    for j in range(3):
        for k in range(2):
            plus = [list(row) for row in p["w"]]
            minus = [list(row) for row in p["w"]]
            plus[j][k] += 1e-6
            minus[j][k] -= 1e-6
            grad_w[j][k] = (dead_loss(p["x"], p["y"], plus, p["b"], p["v"], 0) - dead_loss(p["x"], p["y"], minus, p["b"], p["v"], 0)) / 2e-6
    new_w = [[wk - p["lr_large"] * g for wk, g in zip(row, grow)] for row, grow in zip(p["w"], grad_w)]
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


# ---------------------------------------------------------------- gelu-silu


def test_gelu_silu_values_and_derivatives():
    xs = [-3.0, -1.3, -0.75, 0.0, 0.4, 1.0, 2.4, 5.0]
    r = run_demo("gelu-silu", {"x": xs}).result
    assert close(r["gelu"], [gelu(x) for x in xs], 1e-12)
    assert close(r["silu"], [silu(x) for x in xs], 1e-12)
    assert r["relu"] == [max(0.0, x) for x in xs]
    assert close(r["d_gelu"], [central_difference(gelu, x) for x in xs], 1e-6)
    assert close(r["d_silu"], [central_difference(silu, x) for x in xs], 1e-6)
    assert r["d_relu"] == [1.0 if x > 0 else 0.0 for x in xs]
    tanh_form = [0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))) for x in xs]
    assert close(r["gelu_tanh"], tanh_form, 1e-12)
    assert max(abs(a - b) for a, b in zip(r["gelu_tanh"], r["gelu"])) < 1e-3


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


# ---------------------------------------------------------------- linear-collapse


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
    hidden = [h + b for h, b in zip(matvec(p["w1"], p["x"]), p["b1"])]
    two = [y + b for y, b in zip(matvec(p["w2"], hidden), p["b2"])]
    relu_two = [y + b for y, b in zip(matvec(p["w2"], [max(0.0, h) for h in hidden]), p["b2"])]
    assert close(r["two_layers"], two) and close(r["one_layer"], two)
    assert close(r["W"], matmul(p["w2"], p["w1"]))
    assert close(r["with_relu"], relu_two)
    assert r["rank"] == 2  # 3 → 2 → 3: a 3x3 matrix of rank at most 2
    w = r["W"]
    det = (
        w[0][0] * (w[1][1] * w[2][2] - w[1][2] * w[2][1])
        - w[0][1] * (w[1][0] * w[2][2] - w[1][2] * w[2][0])
        + w[0][2] * (w[1][0] * w[2][1] - w[1][1] * w[2][0])
    )
    assert abs(det) < 1e-9


def test_linear_collapse_rejects_mismatched_layers():
    with pytest.raises(DemoInputError, match="w2 must have 2 columns"):
        run_demo("linear-collapse", {"x": [1.0, 2.0], "w1": [[1.0, 0.0], [0.0, 1.0]], "b1": [0.0, 0.0], "w2": [[1.0, 2.0, 3.0]], "b2": [0.0]})


# ---------------------------------------------------------------- xor-minimal


def xor_net(w1, b1, w2, b2, x):
    h = [max(0.0, row[0] * x[0] + row[1] * x[1] + b) for row, b in zip(w1, b1)]
    return sum(a * b for a, b in zip(w2, h)) + b2


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


# ---------------------------------------------------------------- layer-norm-vs-batch-norm


def norm(values, eps):
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / len(values)
    return [(v - mean) / math.sqrt(var + eps) for v in values]


def test_layer_norm_vs_batch_norm_matches_loops():
    x = [[1.0, 4.0, -2.0], [3.0, 0.0, 5.0], [-1.0, 2.0, 2.0]]
    eps = 1e-5
    r = run_demo("layer-norm-vs-batch-norm", {"x": x, "eps": eps}, seed=1).result
    columns = [norm([row[j] for row in x], eps) for j in range(3)]
    assert close(r["batch_norm"], [[columns[j][i] for j in range(3)] for i in range(3)])
    assert close(r["layer_norm"], [norm(row, eps) for row in x])
    assert close(r["rms_norm"], [[v / math.sqrt(sum(u * u for u in row) / 3 + eps) for v in row] for row in x])
    assert close(r["ln_first_other_batch"], norm(x[0], eps))  # layer norm ignores the batch
    assert r["bn_first_alone"] == [0.0, 0.0, 0.0]  # a batch of one normalises to zero
    assert not close(r["bn_first_other_batch"], r["batch_norm"][0], 1e-3)


def test_layer_norm_rejects_a_single_feature():
    with pytest.raises(DemoInputError, match="2 to 64 columns"):
        run_demo("layer-norm-vs-batch-norm", {"x": [[1.0], [2.0]]})


# ---------------------------------------------------------------- batch-norm-inference


def test_batch_norm_inference_matches_a_loop():
    batches = [[1.0, 3.0, 2.0], [4.0, 4.0, 7.0], [0.0, 2.0, 1.0], [5.0, 3.0, 4.0]]
    test = [2.0, 6.0, -1.0]
    p = {"batches": batches, "test": test, "momentum": 0.2, "gamma": 1.5, "beta": 0.5, "eps": 1e-5}
    r = run_demo("batch-norm-inference", p).result
    mean, var, means, variances = 0.0, 1.0, [], []
    for batch in batches:
        mean = 0.8 * mean + 0.2 * statistics.fmean(batch)
        var = 0.8 * var + 0.2 * statistics.variance(batch)  # unbiased, n - 1
        means.append(mean)
        variances.append(var)
    assert close(r["running_mean"], means) and close(r["running_var"], variances)
    mu, sd = statistics.fmean(test), statistics.pstdev(test)
    assert close(r["train_output"], [1.5 * (t - mu) / math.sqrt(sd**2 + 1e-5) + 0.5 for t in test])
    eval_out = [1.5 * (t - mean) / math.sqrt(var + 1e-5) + 0.5 for t in test]
    assert close(r["eval_output"], eval_out)
    assert close(r["single_eval"], eval_out[0])  # eval mode does not depend on the batch
    assert r["single_train"] == 0.5  # train mode with one example gives β


def test_batch_norm_inference_running_mean_converges_to_the_data_mean():
    rows = [[3.0 + (i % 3) - 1, 3.0 - (i % 3) + 1] for i in range(200)]  # every batch has mean 3
    r = run_demo("batch-norm-inference", {"batches": rows, "momentum": 0.1}).result
    assert r["running_mean"][9] == pytest.approx(3 * (1 - 0.9**10))
    assert r["running_mean"][-1] == pytest.approx(3.0, abs=1e-6)


def test_batch_norm_inference_needs_two_values_per_batch():
    with pytest.raises(DemoInputError, match="at least 2 values"):
        run_demo("batch-norm-inference", {"batches": [[1.0], [2.0]]})


# ---------------------------------------------------------------- drills: hand formulas from params


def he_xavier_std(p):
    k2 = p["kernel"] ** 2
    fan_in, fan_out = p["in"] * k2, p["out"] * k2
    return [math.sqrt(2 / fan_in), math.sqrt(2 / (fan_in + fan_out))]


def layer_norm_value(p):
    x, k = p["x"], p["feature"] - 1
    ln = p["gamma"] * (x[k] - statistics.fmean(x)) / statistics.pstdev(x) + p["beta"]
    rms = p["gamma"] * x[k] / math.sqrt(sum(v * v for v in x) / len(x))
    return [ln, rms]


def silu_gelu_value(p):
    x = p["x"]
    return [x / (1 + math.exp(-x)), gelu(x)]


def bn_running_stats(p):
    m = p["momentum"]
    return [(1 - m) * p["mean"] + m * statistics.fmean(p["batch"]), (1 - m) * p["var"] + m * statistics.variance(p["batch"])]


def linear_layers_merge(p):
    merged = matmul([p["w2"]], p["W1"])[0]
    return [merged[0], merged[1], sum(a * b for a, b in zip(p["w2"], p["b1"])) + p["b2"]]


EXPECTED = {
    "he-xavier-std": he_xavier_std,
    "layer-norm-value": layer_norm_value,
    "silu-gelu-value": silu_gelu_value,
    "bn-running-stats": bn_running_stats,
    "linear-layers-merge": linear_layers_merge,
}


def test_gelu_drill_prompt_gives_enough_digits_of_phi():
    """Multiplying x by the Φ printed in the prompt lands within the grading tolerance."""
    for seed in range(30):
        problem = generate("silu-gelu-value", seed)
        printed = float(re.search(r"\) = (-?\d+\.\d+), the standard normal CDF", problem.prompt).group(1))
        assert abs(problem.params["x"] * printed - problem.answer[1]) < problem.abs_tol


def test_bn_running_stats_uses_the_unbiased_variance_not_the_biased_one():
    for seed in range(12):
        p = generate("bn-running-stats", seed).params
        biased = (1 - p["momentum"]) * p["var"] + p["momentum"] * statistics.pvariance(p["batch"])
        assert not math.isclose(generate("bn-running-stats", seed).answer[1], biased)
