"""Demos of the regularization topic, each checked against an independent computation."""

from __future__ import annotations

import math
import statistics
from fractions import Fraction

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import dot, mean


def numpy_free_fit(xs, ys, degree):
    """Least-squares polynomial coefficients (constant first) from the normal equations, solved exactly."""
    xs, ys = [Fraction(str(v)) for v in xs], [Fraction(str(v)) for v in ys]
    size = degree + 1
    rows = [[sum(x ** (i + j) for x in xs) for j in range(size)] + [sum(y * x**i for x, y in zip(xs, ys))]
            for i in range(size)]  # fmt: skip
    for col in range(size):
        pivot = next(r for r in range(col, size) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(size):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return [float(rows[i][size] / rows[i][i]) for i in range(size)]


def line_fit(xs, ys):
    """Least-squares slope and intercept from the textbook sums."""
    mx, my = mean(xs), mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=False)) / sum((x - mx) ** 2 for x in xs)
    return slope, my - slope * mx


def series_step(result, label_start):
    return next(s for s in result.steps if s["kind"] == "series" and s["label"].startswith(label_start))


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
    assert result["train_error"][1] == pytest.approx(
        mean([(slope * a + intercept - b) ** 2 for a, b in zip(x, y, strict=False)])
    )
    assert result["val_error"][1] == pytest.approx(
        mean([(slope * a + intercept - b) ** 2 for a, b in zip(xv, yv, strict=False)])
    )
    assert result["train_error"][5] == pytest.approx(0.0, abs=1e-12)  # 6 points, degree 5: interpolation
    assert all(a >= b - 1e-12 for a, b in zip(result["train_error"], result["train_error"][1:], strict=False))
    assert result["best_degree"] == min(range(6), key=lambda k: result["val_error"][k])


def test_polynomial_fit_names_the_degrees_within_noise_of_the_best():
    run = run_demo("polynomial-fit", seed=0)
    out, params = run.result, run.params
    xv, yv = params["x_val"], params["y_val"]
    best = out["best_degree"]
    coefficients = numpy_free_fit(params["x"], params["y"], best)
    squared = [(sum(c * a**i for i, c in enumerate(coefficients)) - b) ** 2 for a, b in zip(xv, yv)]
    assert mean(squared) == pytest.approx(out["val_error"][best], rel=1e-6)
    noise = statistics.stdev(squared) / math.sqrt(len(xv))
    assert out["val_standard_error"] == pytest.approx(noise, rel=1e-6)
    close = [k for k, v in enumerate(out["val_error"]) if v <= out["val_error"][best] + noise]
    assert out["within_noise"] == close and len(close) > 1  # the default data has several tied degrees
    story = run.steps[-1]["text"]
    assert "cannot tell" in story and f"degree {close[0]}" in story


def test_polynomial_fit_rejects_too_high_a_degree():
    with pytest.raises(DemoInputError, match="max_degree can be at most 2"):
        run_demo("polynomial-fit", {"x": [0, 1, 2], "y": [0, 1, 4], "max_degree": 3})
    with pytest.raises(DemoInputError, match="give x and y together"):
        run_demo("polynomial-fit", {"x": [0, 1, 2]})


def test_dropout_scales_kept_units_and_preserves_the_mean():
    h = [1.0, 2.0, 0.5, 3.0]
    p, samples = 0.25, 20000
    result = run_demo("dropout", {"h": h, "p": p, "samples": samples}, seed=3).result
    for m, out, value in zip(result["mask"], result["output"], h, strict=False):
        assert m in (0.0, 1.0)
        assert out == pytest.approx(value / (1 - p) if m else 0.0)
    for avg, raw, value in zip(result["average"], result["average_unscaled"], h, strict=False):
        standard_error = value * math.sqrt(p / (1 - p)) / math.sqrt(samples)
        assert abs(avg - value) < 5 * standard_error
        assert raw == pytest.approx((1 - p) * avg)


def test_dropout_with_p_zero_is_the_identity_and_p_one_is_refused():
    h = [0.3, 1.2, 2.0]
    assert run_demo("dropout", {"h": h, "p": 0}).result["output"] == pytest.approx(h)
    with pytest.raises(DemoInputError, match="must be below 1"):
        run_demo("dropout", {"p": 1})


X_SMALL = [[1.0, 0.5, -1.0], [0.2, -1.5, 0.3], [-0.7, 0.8, 1.1], [1.4, 0.1, 0.6], [-1.2, -0.4, -0.9], [0.3, 1.7, -0.2]]


Y_SMALL = [2.1, -1.0, 0.4, 3.0, -2.2, 1.5]


def data_gradient(w, x=X_SMALL, y=Y_SMALL):
    """Gradient of (1/2N)·||Xw - y||² by loops."""
    n = len(y)
    residuals = [dot(row, w) - t for row, t in zip(x, y, strict=False)]
    return [sum(row[j] * r for row, r in zip(x, residuals, strict=False)) / n for j in range(len(w))]


def test_weight_decay_weights_zero_the_penalised_gradient():
    lambdas = [0.0, 0.5, 5.0]
    result = run_demo("weight-decay", {"x": X_SMALL, "y": Y_SMALL, "lambdas": lambdas}).result
    for lam, w in zip(lambdas, result["weights"], strict=False):
        gradient = [g + lam * wj for g, wj in zip(data_gradient(w), w, strict=False)]
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
    for g, wj in zip(data_gradient(w), w, strict=False):
        if wj != 0:
            assert g == pytest.approx(-lam * math.copysign(1.0, wj), abs=1e-6)
        else:
            assert abs(g) <= lam + 1e-9
    assert result["zeros_l1"] == sum(1 for v in w if v == 0)
    ridge = result["l2_weights"]
    assert [g + lam * v for g, v in zip(data_gradient(ridge), ridge, strict=False)] == pytest.approx(
        [0, 0, 0], abs=1e-9
    )


def test_l1_sparsity_is_soft_thresholding_for_an_orthonormal_design():
    # With XᵀX/N = I the lasso solution is sign(c)·max(|c| - λ, 0) with c = Xᵀy/N.
    r = math.sqrt(2)
    x = [[r, 0.0], [r, 0.0], [0.0, r], [0.0, r]]
    y = [1.0, 0.6, 0.2, -0.1]
    lam = 0.3
    result = run_demo("l1-sparsity", {"x": x, "y": y, "lam": lam, "steps": 200}).result
    c = [sum(row[j] * t for row, t in zip(x, y, strict=False)) / 4 for j in range(2)]
    expected = [math.copysign(max(abs(v) - lam, 0.0), v) for v in c]
    assert result["l1_weights"] == pytest.approx(expected, abs=1e-12)
    assert result["l1_weights"][1] == 0.0 and result["zeros_l1"] == 1


def test_early_stopping_follows_the_patience_rule_on_its_curves():
    patience = 15
    demo = run_demo("early-stopping", {"epochs": 150, "patience": patience}, seed=2)
    step = series_step(demo, "log10")
    train = [10**v for v in step["series"]["train"]]
    val = [10**v for v in step["series"]["validation"]]
    assert len(val) == 151
    assert all(
        a >= b * (1 - 1e-9) for a, b in zip(train, train[1:], strict=False)
    )  # gradient descent, small step: monotone
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


def test_mixup_blends_inputs_and_one_hot_labels():
    x1, x2 = [1.0, 0.0, 2.0], [0.0, 4.0, 2.0]
    result = run_demo("mixup", {"x1": x1, "x2": x2, "y1": 0, "y2": 3, "classes": 4, "lam": 0.7}).result
    assert result["x"] == pytest.approx([0.7 * a + 0.3 * b for a, b in zip(x1, x2, strict=False)])
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


def test_bootstrap_bagging_unique_share_and_variance_formula():
    n, resamples, rho = 1000, 50, 0.4
    result = run_demo("bootstrap-bagging", {"n": n, "resamples": resamples, "rho": rho}, seed=6).result
    assert result["expected_unique"] == pytest.approx(1 - (1 - 1 / n) ** n)
    assert mean(result["unique_share"]) == pytest.approx(1 - math.exp(-1), abs=0.01)  # the 63.2% rule
    first = result["first_resample"]
    assert len(first) == n and all(0 <= i < n for i in first)
    assert result["unique_share"][0] == pytest.approx(len(set(first)) / n)
    assert [a + b for a, b in zip(result["unique_share"], result["oob_share"], strict=False)] == pytest.approx(
        [1.0] * resamples
    )
    assert result["var_formula"] == pytest.approx(rho + (1 - rho) / resamples)
    assert result["var_average"] == pytest.approx(result["var_formula"], rel=0.06)
    assert result["var_single"] == pytest.approx(1.0, rel=0.06)


def test_bootstrap_bagging_rejects_bad_rho():
    with pytest.raises(DemoInputError, match="rho must be between 0.0 and 1.0"):
        run_demo("bootstrap-bagging", {"rho": 1.5})


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
    thresholds = [x[0] - 1] + [(a + b) / 2 for a, b in zip(x, x[1:], strict=False)]
    best = min(
        sum(w for w, xi, yi in zip(uniform, x, y, strict=False) if (s if xi > t else -s) != yi)
        for t in thresholds
        for s in (1, -1)
    )
    assert result["errors"][0] == pytest.approx(best)
    bound = 1.0
    for t in range(6):
        threshold, s = result["thresholds"][t], result["polarities"][t]
        guess = [s if xi > threshold else -s for xi in x]
        before, after = result["weights"][t], result["weights"][t + 1]
        eps = sum(w for w, g, yi in zip(before, guess, y, strict=False) if g != yi)
        assert result["errors"][t] == pytest.approx(eps)
        assert result["alphas"][t] == pytest.approx(0.5 * math.log((1 - eps) / eps))
        # After reweighting, the stump just used is no better than a coin flip.
        assert sum(w for w, g, yi in zip(after, guess, y, strict=False) if g != yi) == pytest.approx(0.5)
        assert sum(after) == pytest.approx(1.0)
        bound *= 2 * math.sqrt(eps * (1 - eps))
        assert result["train_error"][t] <= bound + 1e-12
    assert result["train_error"][-1] == 0.0


def test_adaboost_needs_plus_minus_one_labels():
    with pytest.raises(DemoInputError, match="labels -1 and \\+1 only"):
        run_demo("adaboost", {"x": [1, 2, 3], "y": [0, 1, 1]})
