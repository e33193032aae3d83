"""The training demos, each checked against an independent computation: closed forms, plain-Python loops,
optimality conditions and textbook numbers."""

from __future__ import annotations

import math

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError

# Plain-Python helpers (no NumPy), so the checks do not share code with the demos.


def column(rows, j):
    return [row[j] for row in rows]


def mean(values):
    return sum(values) / len(values)


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def solve(matrix, rhs):
    """Gaussian elimination with partial pivoting."""
    n = len(rhs)
    a = [list(map(float, row)) + [float(r)] for row, r in zip(matrix, rhs)]
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


def line_fit(xs, ys):
    """Least-squares slope and intercept from the textbook sums."""
    mx, my = mean(xs), mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return slope, my - slope * mx


def series_step(result, label_start):
    return next(s for s in result.steps if s["kind"] == "series" and s["label"].startswith(label_start))


# batch-norm


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


# feature-scaling


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


# data-scaling


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


# polynomial-fit


def test_polynomial_fit_matches_closed_forms_for_low_degrees():
    x = [-1.0, -0.6, -0.2, 0.1, 0.5, 0.9]
    y = [0.3, -0.4, 0.8, 0.2, 1.1, 0.7]
    xv = [-0.8, 0.0, 0.7]
    yv = [0.1, 0.5, 0.9]
    result = run_demo("polynomial-fit", {"x": x, "y": y, "x_val": xv, "y_val": yv, "max_degree": 5}).result
    ybar = mean(y)
    assert result["train_error"][0] == pytest.approx(mean([(v - ybar) ** 2 for v in y]))
    assert result["val_error"][0] == pytest.approx(mean([(v - ybar) ** 2 for v in yv]))
    slope, intercept = line_fit(x, y)
    assert result["train_error"][1] == pytest.approx(mean([(slope * a + intercept - b) ** 2 for a, b in zip(x, y)]))
    assert result["val_error"][1] == pytest.approx(mean([(slope * a + intercept - b) ** 2 for a, b in zip(xv, yv)]))
    assert result["train_error"][5] == pytest.approx(0.0, abs=1e-12)  # 6 points, degree 5: interpolation
    assert all(a >= b - 1e-12 for a, b in zip(result["train_error"], result["train_error"][1:]))
    assert result["best_degree"] == min(range(6), key=lambda k: result["val_error"][k])


def test_polynomial_fit_rejects_too_high_a_degree():
    with pytest.raises(DemoInputError, match="max_degree can be at most 2"):
        run_demo("polynomial-fit", {"x": [0, 1, 2], "y": [0, 1, 4], "max_degree": 3})
    with pytest.raises(DemoInputError, match="give x and y together"):
        run_demo("polynomial-fit", {"x": [0, 1, 2]})


# random-vs-grid-search


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


# bayesian-optimization


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


# successive-halving


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


# epoch-batch-iteration


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


# dropout


def test_dropout_scales_kept_units_and_preserves_the_mean():
    h = [1.0, 2.0, 0.5, 3.0]
    p, samples = 0.25, 20000
    result = run_demo("dropout", {"h": h, "p": p, "samples": samples}, seed=3).result
    for m, out, value in zip(result["mask"], result["output"], h):
        assert m in (0.0, 1.0)
        assert out == pytest.approx(value / (1 - p) if m else 0.0)
    for avg, raw, value in zip(result["average"], result["average_unscaled"], h):
        standard_error = value * math.sqrt(p / (1 - p)) / math.sqrt(samples)
        assert abs(avg - value) < 5 * standard_error
        assert raw == pytest.approx((1 - p) * avg)


def test_dropout_with_p_zero_is_the_identity_and_p_one_is_refused():
    h = [0.3, 1.2, 2.0]
    assert run_demo("dropout", {"h": h, "p": 0}).result["output"] == pytest.approx(h)
    with pytest.raises(DemoInputError, match="must be below 1"):
        run_demo("dropout", {"p": 1})


# weight-decay and l1-sparsity


X_SMALL = [[1.0, 0.5, -1.0], [0.2, -1.5, 0.3], [-0.7, 0.8, 1.1], [1.4, 0.1, 0.6], [-1.2, -0.4, -0.9], [0.3, 1.7, -0.2]]
Y_SMALL = [2.1, -1.0, 0.4, 3.0, -2.2, 1.5]


def data_gradient(w, x=X_SMALL, y=Y_SMALL):
    """Gradient of (1/2N)·||Xw - y||² by loops."""
    n = len(y)
    residuals = [dot(row, w) - t for row, t in zip(x, y)]
    return [sum(row[j] * r for row, r in zip(x, residuals)) / n for j in range(len(w))]


def test_weight_decay_weights_zero_the_penalised_gradient():
    lambdas = [0.0, 0.5, 5.0]
    result = run_demo("weight-decay", {"x": X_SMALL, "y": Y_SMALL, "lambdas": lambdas}).result
    for lam, w in zip(lambdas, result["weights"]):
        gradient = [g + lam * wj for g, wj in zip(data_gradient(w), w)]
        assert gradient == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
    norms = result["norms"]
    assert norms == pytest.approx([math.sqrt(dot(w, w)) for w in result["weights"]])
    assert norms[0] > norms[1] > norms[2]
    with pytest.raises(DemoInputError, match="x has 6 rows but y has 2 targets"):
        run_demo("weight-decay", {"x": X_SMALL, "y": [1, 2]})


def test_l1_sparsity_satisfies_the_lasso_optimality_conditions():
    lam = 0.3
    result = run_demo("l1-sparsity", {"x": X_SMALL, "y": Y_SMALL, "lam": lam, "steps": 5000}).result
    w = result["l1_weights"]
    for g, wj in zip(data_gradient(w), w):
        if wj != 0:
            assert g == pytest.approx(-lam * math.copysign(1.0, wj), abs=1e-6)
        else:
            assert abs(g) <= lam + 1e-9
    assert result["zeros_l1"] == sum(1 for v in w if v == 0)
    ridge = result["l2_weights"]
    assert [g + lam * v for g, v in zip(data_gradient(ridge), ridge)] == pytest.approx([0, 0, 0], abs=1e-9)


def test_l1_sparsity_is_soft_thresholding_for_an_orthonormal_design():
    # With XᵀX/N = I the lasso solution is sign(c)·max(|c| - λ, 0) with c = Xᵀy/N.
    r = math.sqrt(2)
    x = [[r, 0.0], [r, 0.0], [0.0, r], [0.0, r]]
    y = [1.0, 0.6, 0.2, -0.1]
    lam = 0.3
    result = run_demo("l1-sparsity", {"x": x, "y": y, "lam": lam, "steps": 200}).result
    c = [sum(row[j] * t for row, t in zip(x, y)) / 4 for j in range(2)]
    expected = [math.copysign(max(abs(v) - lam, 0.0), v) for v in c]
    assert result["l1_weights"] == pytest.approx(expected, abs=1e-12)
    assert result["l1_weights"][1] == 0.0 and result["zeros_l1"] == 1


# early-stopping


def test_early_stopping_follows_the_patience_rule_on_its_curves():
    patience = 15
    demo = run_demo("early-stopping", {"epochs": 150, "patience": patience}, seed=2)
    step = series_step(demo, "log10")
    train = [10**v for v in step["series"]["train"]]
    val = [10**v for v in step["series"]["validation"]]
    assert len(val) == 151
    assert all(a >= b * (1 - 1e-9) for a, b in zip(train, train[1:]))  # gradient descent, small step: monotone
    best, stop = 0, 150
    for epoch in range(1, 151):
        if val[epoch] < val[best]:
            best = epoch
        elif epoch - best >= patience:
            stop = epoch
            break
    result = demo.result
    assert (result["best_epoch"], result["stop_epoch"]) == (best, stop)
    assert result["val_loss_kept"] == pytest.approx(val[best], rel=1e-9)
    assert result["val_loss_last"] == pytest.approx(val[-1], rel=1e-9)
    assert result["val_loss_kept"] == pytest.approx(min(val[: stop + 1]), rel=1e-9)


def test_early_stopping_validation_curve_turns_up():
    turned = 0
    for seed in range(5):
        result = run_demo("early-stopping", seed=seed).result
        assert result["train_loss_last"] < result["train_loss_kept"]
        turned += result["val_loss_last"] > result["val_loss_kept"]
    assert turned >= 4


# k-fold-cv


def test_k_fold_cv_matches_a_plain_loop():
    x = [0.5, 3.1, 1.7, 4.4, 2.2, 5.0, 0.9, 3.8, 2.7, 4.9]
    y = [1.9, 7.4, 4.1, 9.6, 5.5, 10.7, 2.2, 8.9, 6.0, 9.8]
    result = run_demo("k-fold-cv", {"x": x, "y": y, "k": 3}).result
    assert result["folds"] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    scores = []
    for fold in result["folds"]:
        train = [i for i in range(10) if i not in fold]
        slope, intercept = line_fit([x[i] for i in train], [y[i] for i in train])
        scores.append(mean([(slope * x[i] + intercept - y[i]) ** 2 for i in fold]))
    assert result["scores"] == pytest.approx(scores)
    assert result["mean"] == pytest.approx(mean(scores))


def test_k_fold_cv_rejects_too_many_folds():
    with pytest.raises(DemoInputError, match="k must be between 2 and 4"):
        run_demo("k-fold-cv", {"x": [1, 2, 3, 4], "y": [1, 2, 3, 4], "k": 5})


# data-augmentation


def test_data_augmentation_transforms_match_index_loops():
    image = [[1, 2, 3], [4, 5, 6]]
    result = run_demo("data-augmentation", {"image": image, "shift": 1, "noise": 0}).result
    assert result["flipped"] == [[3, 2, 1], [6, 5, 4]]
    assert result["flipped_vertically"] == [[4, 5, 6], [1, 2, 3]]
    assert result["shifted"] == [[0, 1, 2], [0, 4, 5]]
    assert [v for row in result["noisy"] for v in row] == pytest.approx([1, 2, 3, 4, 5, 6])
    left = run_demo("data-augmentation", {"image": image, "shift": -2, "noise": 0}).result
    assert left["shifted"] == [[3, 0, 0], [6, 0, 0]]


def test_data_augmentation_noise_has_the_requested_spread():
    image = [[0.0] * 30 for _ in range(30)]
    noisy = run_demo("data-augmentation", {"image": image, "noise": 0.5}, seed=9).result["noisy"]
    values = [v for row in noisy for v in row]
    assert abs(mean(values)) < 0.06
    assert math.sqrt(mean([v * v for v in values])) == pytest.approx(0.5, rel=0.08)
    with pytest.raises(DemoInputError, match="shift must be between -2 and 2"):
        run_demo("data-augmentation", {"image": [[1, 2, 3]], "shift": 3})


# mixup


def test_mixup_blends_inputs_and_one_hot_labels():
    x1, x2 = [1.0, 0.0, 2.0], [0.0, 4.0, 2.0]
    result = run_demo("mixup", {"x1": x1, "x2": x2, "y1": 0, "y2": 3, "classes": 4, "lam": 0.7}).result
    assert result["x"] == pytest.approx([0.7 * a + 0.3 * b for a, b in zip(x1, x2)])
    assert result["y"] == pytest.approx([0.7, 0.0, 0.0, 0.3])
    assert sum(result["y"]) == pytest.approx(1.0)


def test_mixup_draws_lambda_in_the_unit_interval_and_checks_alpha():
    for seed in range(5):
        lam = run_demo("mixup", seed=seed).result["lam"]
        assert 0.0 <= lam <= 1.0
    with pytest.raises(DemoInputError, match="alpha must be positive"):
        run_demo("mixup", {"alpha": 0})
    with pytest.raises(DemoInputError, match="y2 must be between 0 and 2"):
        run_demo("mixup", {"y2": 3})


# transfer-learning


def test_transfer_learning_head_is_the_regularised_logistic_optimum():
    result = run_demo("transfer-learning", {"shots": 5}, seed=1).result
    features, labels = result["train_features"], result["train_labels"]
    assert sorted(labels) == [0.0] * 5 + [1.0] * 5
    w, b = result["head"][:2], result["head"][2]
    n, lam = len(labels), 0.01
    gradient = [0.0, 0.0, 0.0]
    for f, t in zip(features, labels):
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


# bootstrap-bagging


def test_bootstrap_bagging_unique_share_and_variance_formula():
    n, resamples, rho = 1000, 50, 0.4
    result = run_demo("bootstrap-bagging", {"n": n, "resamples": resamples, "rho": rho}, seed=6).result
    assert result["expected_unique"] == pytest.approx(1 - (1 - 1 / n) ** n)
    assert mean(result["unique_share"]) == pytest.approx(1 - math.exp(-1), abs=0.01)  # the 63.2% rule
    first = result["first_resample"]
    assert len(first) == n and all(0 <= i < n for i in first)
    assert result["unique_share"][0] == pytest.approx(len(set(first)) / n)
    assert [a + b for a, b in zip(result["unique_share"], result["oob_share"])] == pytest.approx([1.0] * resamples)
    assert result["var_formula"] == pytest.approx(rho + (1 - rho) / resamples)
    assert result["var_average"] == pytest.approx(result["var_formula"], rel=0.06)
    assert result["var_single"] == pytest.approx(1.0, rel=0.06)


def test_bootstrap_bagging_rejects_bad_rho():
    with pytest.raises(DemoInputError, match="rho must be between 0.0 and 1.0"):
        run_demo("bootstrap-bagging", {"rho": 1.5})


# adaboost


def test_adaboost_first_round_by_hand():
    # Labels + + - +: the best stump errs on one of four points, so ε = 1/4 and α = ½ ln 3.
    result = run_demo("adaboost", {"x": [1, 2, 3, 4], "y": [1, 1, -1, 1], "rounds": 1}).result
    assert result["errors"][0] == pytest.approx(0.25)
    assert result["alphas"][0] == pytest.approx(0.5 * math.log(3))
    weights = result["weights"][1]
    assert sorted(weights) == pytest.approx([1 / 6, 1 / 6, 1 / 6, 1 / 2])  # the mistake now carries half the weight


def test_adaboost_rounds_follow_the_textbook_properties():
    x = [1.0, 2.0, 3.5, 4.0, 5.5, 6.0, 7.5, 9.0]
    y = [1, 1, -1, -1, 1, 1, -1, -1]
    result = run_demo("adaboost", {"x": x, "y": y, "rounds": 6}).result
    uniform = [1 / 8] * 8
    thresholds = [x[0] - 1] + [(a + b) / 2 for a, b in zip(x, x[1:])]
    best = min(
        sum(w for w, xi, yi in zip(uniform, x, y) if (s if xi > t else -s) != yi) for t in thresholds for s in (1, -1)
    )
    assert result["errors"][0] == pytest.approx(best)
    bound = 1.0
    for t in range(6):
        threshold, s = result["thresholds"][t], result["polarities"][t]
        guess = [s if xi > threshold else -s for xi in x]
        before, after = result["weights"][t], result["weights"][t + 1]
        eps = sum(w for w, g, yi in zip(before, guess, y) if g != yi)
        assert result["errors"][t] == pytest.approx(eps)
        assert result["alphas"][t] == pytest.approx(0.5 * math.log((1 - eps) / eps))
        # After reweighting, the stump just used is no better than a coin flip.
        assert sum(w for w, g, yi in zip(after, guess, y) if g != yi) == pytest.approx(0.5)
        assert sum(after) == pytest.approx(1.0)
        bound *= 2 * math.sqrt(eps * (1 - eps))
        assert result["train_error"][t] <= bound + 1e-12
    assert result["train_error"][-1] == 0.0


def test_adaboost_needs_plus_minus_one_labels():
    with pytest.raises(DemoInputError, match="labels -1 and \\+1 only"):
        run_demo("adaboost", {"x": [1, 2, 3], "y": [0, 1, 1]})
