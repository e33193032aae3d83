"""Demos of the training-practice topic, each checked against an independent computation."""

from __future__ import annotations

import math
import statistics

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import close_nested, dot, flatten, mean, result, tiny_net_loss


def column(rows, j):
    return [row[j] for row in rows]


def solve(matrix, rhs):
    """Gaussian elimination with partial pivoting."""
    n = len(rhs)
    a = [list(map(float, row)) + [float(r)] for row, r in zip(matrix, rhs, strict=False)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            for c in range(col, n + 1):
                a[r][c] -= factor * a[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (a[r][n] - sum(a[r][c] * x[c] for c in range(r + 1, n))) / a[r][r]
    return x


def test_batch_norm_matches_a_column_loop_with_the_biased_variance():
    x = [[1.0, 10.0, -3.0], [2.0, 14.0, 0.5], [4.0, 9.0, 2.0], [7.0, 11.0, 2.5]]
    eps = 1e-3
    result = run_demo("batch-norm", {"x": x, "eps": eps}).result
    for j in range(3):
        values = column(x, j)
        mu = sum(values) / len(values)
        var = sum((v - mu) ** 2 for v in values) / len(values)  # divide by N, not N - 1
        for i, v in enumerate(values):
            assert result[i][j] == pytest.approx((v - mu) / math.sqrt(var + eps), abs=1e-9)


def test_batch_norm_textbook_pair_and_default_batch():
    # Two values 1 and 3: mean 2, biased variance 1, so they become -1 and +1 (eps = 0).
    assert column(run_demo("batch-norm", {"x": [[1.0], [3.0]], "eps": 0}).result, 0) == pytest.approx([-1.0, 1.0])
    demo = run_demo("batch-norm", seed=4)
    x, eps = demo.params["x"], demo.params["eps"]
    for j in range(len(x[0])):
        values = column(x, j)
        mu = mean(values)
        var = mean([(v - mu) ** 2 for v in values])
        assert column(demo.result, j) == pytest.approx([(v - mu) / math.sqrt(var + eps) for v in values], abs=1e-6)


def test_batch_norm_rejects_bad_input():
    with pytest.raises(DemoInputError, match="x must be a matrix"):
        run_demo("batch-norm", {"x": [1, 2, 3]})
    with pytest.raises(DemoInputError, match="use eps > 0"):
        run_demo("batch-norm", {"x": [[1, 2], [1, 3]], "eps": 0})


def test_feature_scaling_matches_the_bank_example_and_a_loop():
    # The bank's example: ages 20, 35 and 80 become 0, 0.25 and 1.
    x = [[20.0, 1000.0], [35.0, 3000.0], [80.0, 2000.0]]
    result = run_demo("feature-scaling", {"x": x, "new": [50.0, 4000.0]}).result
    assert column(result["min_max"], 0) == pytest.approx([0.0, 0.25, 1.0])
    for j in range(2):
        values = column(x, j)
        mu = mean(values)
        sd = math.sqrt(mean([(v - mu) ** 2 for v in values]))
        assert column(result["z_scores"], j) == pytest.approx([(v - mu) / sd for v in values])
        assert result["new_z"][j] == pytest.approx(([50.0, 4000.0][j] - mu) / sd)
    assert result["new_min_max"] == pytest.approx([0.5, 1.5])  # 4000 lies beyond the training maximum


def test_feature_scaling_needs_matching_new_row():
    with pytest.raises(DemoInputError, match="one value per feature"):
        run_demo("feature-scaling", {"x": [[1, 2], [3, 4]], "new": [1, 2, 3]})


def score(a, b, peak):
    return 0.6 + 0.3 * math.exp(-(((a - peak) / 0.1) ** 2)) + 0.01 * b


def test_random_vs_grid_search_scores_match_the_formula():
    result = run_demo("random-vs-grid-search", {"side": 3, "peak": 0.3}, seed=5).result
    levels = [0.0, 0.5, 1.0]
    assert result["grid_best"] == pytest.approx(max(score(a, b, 0.3) for a in levels for b in levels))
    assert result["grid_best_point"] == pytest.approx([0.5, 1.0])
    points = result["random_points"]
    assert len(points) == 9 and len({round(p[0], 12) for p in points}) == 9  # 9 distinct values of a, not 3
    assert result["random_best"] == pytest.approx(max(score(a, b, 0.3) for a, b in points))


def objective(x):
    return 0.5 - 0.2 * math.exp(-(((x - 0.25) / 0.1) ** 2)) - 0.4 * math.exp(-(((x - 0.7) / 0.08) ** 2))


def test_bayesian_optimization_first_choice_matches_a_hand_gp():
    xs = [0.1, 0.5, 0.9]
    length, variance = 0.1, 0.04
    result = run_demo("bayesian-optimization", {"x_init": xs, "length_scale": length, "iterations": 1}).result
    ys = [objective(x) for x in xs]
    assert result["y_tried"][:3] == pytest.approx(ys)

    def k(a, b):
        return variance * math.exp(-0.5 * ((a - b) / length) ** 2)

    prior = mean(ys)
    K = [[k(a, b) + (1e-6 if i == j else 0.0) for j, b in enumerate(xs)] for i, a in enumerate(xs)]
    weights = solve(K, [y - prior for y in ys])
    best, best_x = -1.0, None
    for i in range(201):
        x = i / 200
        ks = [k(a, x) for a in xs]
        mu = prior + dot(ks, weights)
        sd = math.sqrt(max(variance - dot(ks, solve(K, ks)), 0.0))
        gain = min(ys) - mu
        if sd > 0:
            z = gain / sd
            ei = gain * 0.5 * (1 + math.erf(z / math.sqrt(2))) + sd * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        else:
            ei = max(gain, 0.0)
        if ei > best:
            best, best_x = ei, x
    assert result["x_tried"][3] == pytest.approx(best_x)
    assert result["y_tried"][3] == pytest.approx(objective(best_x))


def test_bayesian_optimization_finds_the_narrow_basin():
    for seed in range(5):
        result = run_demo("bayesian-optimization", seed=seed).result
        assert result["best_y"] < 0.15  # the global minimum is 0.1 at x = 0.7
        assert result["best_y"] == pytest.approx(min(objective(x) for x in result["x_tried"]))
    with pytest.raises(DemoInputError, match="between 0 and 1"):
        run_demo("bayesian-optimization", {"x_init": [0.2, 1.5]})


def test_successive_halving_budget_for_sixteen_configs():
    # 16 configs at 1 epoch, 8 resume to 2, 4 to 4, 2 to 8: 16 + 8 + 8 + 8 = 40 epochs, against 16 x 8 = 128.
    finals = [0.5 - 0.01 * i for i in range(16)]
    result = run_demo("successive-halving", {"final": finals, "speed": [0.0] * 16, "budget": 1}).result
    assert result["epochs_used"] == 40
    assert result["epochs_full"] == 128
    assert result["winner"] == result["true_best"] == 15


def test_successive_halving_matches_a_plain_loop_and_can_cut_a_slow_starter():
    demo = run_demo("successive-halving", seed=8)
    finals, speeds, epochs = demo.params["final"], demo.params["speed"], demo.params["budget"]
    alive = list(range(len(finals)))
    while len(alive) > 1:
        ranked = sorted(alive, key=lambda i: (finals[i] + speeds[i] / epochs, i))
        alive = sorted(ranked[: len(alive) // 2])
        epochs *= 2
    assert demo.result["winner"] == alive[0]
    # Config 0 ends better but starts far worse: one round at 1 epoch throws it away.
    result = run_demo("successive-halving", {"final": [0.2, 0.3], "speed": [1.0, 0.0], "budget": 1}).result
    assert (result["winner"], result["true_best"], result["epochs_used"]) == (1, 0, 2)
    with pytest.raises(DemoInputError, match="same length"):
        run_demo("successive-halving", {"final": [0.2, 0.3], "speed": [1.0]})


def test_epoch_batch_iteration_textbook_numbers():
    result = run_demo("epoch-batch-iteration", {"examples": 10000, "batch_size": 200, "epochs": 20}).result
    assert result["iterations_per_epoch"] == 50
    assert result["total_iterations"] == 1000
    assert result["last_batch"] == 200
    result = run_demo("epoch-batch-iteration", {"examples": 10100, "batch_size": 200, "epochs": 1}).result
    assert result["iterations_per_epoch"] == 51
    assert result["last_batch"] == 100
    assert result["iterations_per_epoch_drop_last"] == 50
    with pytest.raises(DemoInputError, match="batch_size must be a whole number"):
        run_demo("epoch-batch-iteration", {"batch_size": 2.5})


def test_transfer_learning_head_is_the_regularised_logistic_optimum():
    result = run_demo("transfer-learning", {"shots": 5}, seed=1).result
    features, labels = result["train_features"], result["train_labels"]
    assert sorted(labels) == [0.0] * 5 + [1.0] * 5
    w, b = result["head"][:2], result["head"][2]
    n, lam = len(labels), 0.01
    gradient = [0.0, 0.0, 0.0]
    for f, t in zip(features, labels, strict=False):
        p = 1 / (1 + math.exp(-(dot(w, f) + b)))
        gradient = [gradient[0] + (p - t) * f[0] / n, gradient[1] + (p - t) * f[1] / n, gradient[2] + (p - t) / n]
    gradient = [gradient[0] + lam * w[0], gradient[1] + lam * w[1], gradient[2]]
    assert gradient == pytest.approx([0.0, 0.0, 0.0], abs=1e-8)


def test_transfer_learning_frozen_features_beat_scratch_on_average():
    runs = [run_demo("transfer-learning", seed=s).result for s in range(10)]
    frozen = mean([r["frozen_accuracy"] for r in runs])
    scratch = mean([r["scratch_accuracy"] for r in runs])
    assert frozen > scratch
    assert frozen > 0.8


def test_scaled_gd_convergence_condition_numbers_and_fits():
    xs = [10.0, 12.0, 15.0, 18.0, 20.0, 25.0]
    ys = [28.0, 25.5, 22.1, 18.3, 16.4, 10.2]
    r = result("scaled-gd-convergence", {"x": [[v] for v in xs], "y": ys, "tol": 1e-3, "max_steps": 20000})
    n = len(xs)
    # Raw Hessian [[mean x², mean x], [mean x, 1]]: eigenvalues of a 2x2 matrix in closed form.
    a, b, c = sum(v * v for v in xs) / n, sum(xs) / n, 1.0
    tr, det = a + c, a * c - b * b
    high, low = (tr + math.sqrt(tr * tr - 4 * det)) / 2, (tr - math.sqrt(tr * tr - 4 * det)) / 2
    assert r["condition_raw"] == pytest.approx(high / low)
    # Standardised: the Hessian is the identity, so rate 1 reaches the optimum in one step.
    assert r["condition_scaled"] == pytest.approx(1.0)
    assert r["steps_scaled"] == 1
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sx = statistics.pstdev(xs)
    slope_z = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=False)) / n / sx
    assert r["scaled_fit"] == pytest.approx([slope_z, mean_y])
    # The raw run, repeated as a plain loop with the rate 1/λmax, needs the same number of steps.
    slope = slope_z / sx
    best = [slope, mean_y - slope * mean_x]

    def excess(p):
        loss = 0.5 * sum((p[0] * x + p[1] - y) ** 2 for x, y in zip(xs, ys, strict=False)) / n
        floor = 0.5 * sum((best[0] * x + best[1] - y) ** 2 for x, y in zip(xs, ys, strict=False)) / n
        return loss - floor

    p, start, steps = [0.0, 0.0], excess([0.0, 0.0]), 0
    while excess(p) > 1e-3 * start:
        gw = sum((p[0] * x + p[1] - y) * x for x, y in zip(xs, ys, strict=False)) / n
        gb = sum(p[0] * x + p[1] - y for x, y in zip(xs, ys, strict=False)) / n
        p = [p[0] - gw / high, p[1] - gb / high]
        steps += 1
    assert r["steps_raw"] == pytest.approx(steps, abs=1)  # ±1 for rounding right at the threshold
    assert r["steps_raw"] > 20 * r["steps_scaled"]


def test_zero_init_symmetry_units_stay_identical_and_first_gradient_matches_finite_differences():
    xs = [[0.5, -0.2], [-0.8, 0.4], [0.1, 0.9], [0.7, 0.7], [-0.3, -0.6]]
    ys = [0.2, -0.5, 0.8, 1.1, -0.4]
    r = result("zero-init-symmetry", {"x": xs, "y": ys, "init_value": 0.3, "lr": 0.5, "steps": 40})
    rows = r["equal_W1"]
    assert rows[0] == rows[1] == rows[2]
    assert r["unit_spread"]["equal"] == 0.0 and r["unit_spread"]["random"] > 0.0
    # First gradient at W1 = 0.3 everywhere, w2 = 0.3, biases 0, by central differences.
    flat = [0.3] * 6 + [0.0] * 3 + [0.3] * 3 + [0.0]
    numeric = central_gradient(lambda f: tiny_net_loss(f, xs, ys, 3), flat)
    assert flatten(r["first_grad_W1_equal"]) == pytest.approx(numeric[:6], abs=1e-8)
    # All zeros: W1 and w2 never move; b2 follows b ← b - η(b - mean y), so b_t = mean·(1 - (1 - η)^t).
    assert flatten(r["zero_W1"]) == [0.0] * 6 and r["zero_w2"] == [0.0] * 3
    assert r["zero_b2"] == pytest.approx(statistics.fmean(ys) * (1 - 0.5**40))


def test_init_scale_variance_ratio_is_n_sigma_squared_over_two():
    width = 256
    r = result("init-scale", {"depth": 4, "width": width, "batch": 256, "small_std": 0.05}, seed=2)
    for key, std in (("small", 0.05), ("xavier", math.sqrt(1 / width)), ("he", math.sqrt(2 / width))):
        spread = r[key]
        assert spread[0] ** 2 == pytest.approx(width * std**2, rel=0.1), key  # inputs N(0, 1), no ReLU before layer 1
        for before, after in zip(spread, spread[1:], strict=False):
            assert (after / before) ** 2 == pytest.approx(width * std**2 / 2, rel=0.15), key


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


def test_he_vs_xavier_variances_follow_the_closed_forms():
    r = run_demo("he-vs-xavier", {"depth": 8, "width": 384, "batch": 384}, seed=5).result
    # Layer 1 sees x ~ N(0, 1): Var(z) = n·Var(w)·E[x²] = 1 for Xavier, 2 for He.
    assert r["relu_xavier"][0] == pytest.approx(1.0, rel=0.05)
    assert r["relu_he"][0] == pytest.approx(2.0, rel=0.05)
    # ReLU halves the second moment: E[ReLU(z)²] = Var(z)/2.
    assert r["second_moment_ratio"]["ReLU"] == pytest.approx(0.5, abs=0.02)
    assert r["second_moment_ratio"]["tanh"] == pytest.approx(
        gaussian_expectation(lambda z: math.tanh(z) ** 2), abs=0.02
    )
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
    assert all(b < a for a, b in zip(r["tanh_xavier"], r["tanh_xavier"][1:], strict=False))
    assert r["tanh_xavier"][-1] < r["tanh_he"][-1]


def test_he_vs_xavier_tanh_gradients_grow_backward_under_he():
    # Forward, He + tanh settles at q* = 2·E[tanh(z)²]; backward, each layer multiplies the mean squared gradient
    # by n·v·E[tanh'(z)²] = 2·E[sech(z)⁴] at z ~ N(0, q*), which is above 1: the gradients grow towards the input.
    q = 1.0
    for _ in range(60):
        q = 2 * gaussian_expectation(lambda z: math.tanh(z) ** 2, var=q, steps=800)
    factor = 2 * gaussian_expectation(lambda z: (1 - math.tanh(z) ** 2) ** 2, var=q, steps=800)
    assert 1.05 < factor < 1.15
    run = run_demo("he-vs-xavier", {"depth": 12, "width": 384, "batch": 256}, seed=4)
    r = run.result
    assert r["gradient_growth_per_layer"]["tanh + He"] == pytest.approx(factor, rel=0.05)
    assert r["gradient_growth_per_layer"]["tanh + Xavier"] < 1 < r["gradient_growth_per_layer"]["tanh + He"]
    assert r["gradient_sq_tanh_he"][1] > r["gradient_sq_tanh_he"][-1]
    story = run.steps[-1]["text"]
    assert "not an explosion" not in story and "backward pass does grow" in story


def norm(values, eps):
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / len(values)
    return [(v - mean) / math.sqrt(var + eps) for v in values]


def test_layer_norm_vs_batch_norm_matches_loops():
    x = [[1.0, 4.0, -2.0], [3.0, 0.0, 5.0], [-1.0, 2.0, 2.0]]
    eps = 1e-5
    r = run_demo("layer-norm-vs-batch-norm", {"x": x, "eps": eps}, seed=1).result
    columns = [norm([row[j] for row in x], eps) for j in range(3)]
    assert close_nested(r["batch_norm"], [[columns[j][i] for j in range(3)] for i in range(3)])
    assert close_nested(r["layer_norm"], [norm(row, eps) for row in x])
    assert close_nested(r["rms_norm"], [[v / math.sqrt(sum(u * u for u in row) / 3 + eps) for v in row] for row in x])
    assert close_nested(r["ln_first_other_batch"], norm(x[0], eps))  # layer norm ignores the batch
    assert r["bn_first_alone"] == [0.0, 0.0, 0.0]  # a batch of one normalises to zero
    assert not close_nested(r["bn_first_other_batch"], r["batch_norm"][0], 1e-3)


def test_layer_norm_rejects_a_single_feature():
    with pytest.raises(DemoInputError, match="2 to 64 columns"):
        run_demo("layer-norm-vs-batch-norm", {"x": [[1.0], [2.0]]})


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
    assert close_nested(r["running_mean"], means) and close_nested(r["running_var"], variances)
    mu, sd = statistics.fmean(test), statistics.pstdev(test)
    assert close_nested(r["train_output"], [1.5 * (t - mu) / math.sqrt(sd**2 + 1e-5) + 0.5 for t in test])
    eval_out = [1.5 * (t - mean) / math.sqrt(var + 1e-5) + 0.5 for t in test]
    assert close_nested(r["eval_output"], eval_out)
    assert close_nested(r["single_eval"], eval_out[0])  # eval mode does not depend on the batch
    assert r["single_train"] == 0.5  # train mode with one example gives β


def test_batch_norm_inference_running_mean_converges_to_the_data_mean():
    rows = [[3.0 + (i % 3) - 1, 3.0 - (i % 3) + 1] for i in range(200)]  # every batch has mean 3
    r = run_demo("batch-norm-inference", {"batches": rows, "momentum": 0.1}).result
    assert r["running_mean"][9] == pytest.approx(3 * (1 - 0.9**10))
    assert r["running_mean"][-1] == pytest.approx(3.0, abs=1e-6)


def test_batch_norm_inference_needs_two_values_per_batch():
    with pytest.raises(DemoInputError, match="at least 2 values"):
        run_demo("batch-norm-inference", {"batches": [[1.0], [2.0]]})
