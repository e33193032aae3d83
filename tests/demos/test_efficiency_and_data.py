"""Demos of the efficiency-and-data topic, each checked against an independent computation."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import softmax


def test_distillation_soft_targets_kl_and_gradient():
    teacher, student, T = [3.0, 1.0, 0.5, -1.0], [1.0, 2.0, 0.0, 0.5], 3.0
    result = run_demo(
        "distillation-soft-targets", {"teacher": teacher, "student": student, "temperature": T}, seed=0
    ).result

    for row, t in zip(result["soft_targets"], [1, 2, 4, 8, 16], strict=False):
        assert row == pytest.approx(softmax(teacher, t))

    def soft_loss(z):
        p, q = softmax(teacher, T), softmax(z, T)
        return T * T * sum(pi * math.log(pi / qi) for pi, qi in zip(p, q, strict=False))

    assert result["kl"] == pytest.approx(soft_loss(student) / T**2)
    assert result["grad"] == pytest.approx(central_gradient(soft_loss, student), abs=1e-6)
    entropies = result["entropy"]
    assert all(a < b for a, b in zip(entropies, entropies[1:], strict=False))


def test_distillation_gradient_at_high_temperature_matches_logit_matching():
    # Hinton et al.: for large T, the gradient of T²·KL tends to (centred student logits - centred teacher logits) / N.
    teacher, student = [2.0, -1.0, 0.5], [0.0, 1.0, -0.5]
    result = run_demo(
        "distillation-soft-targets", {"teacher": teacher, "student": student, "temperature": 500.0}, seed=0
    ).result
    centre = lambda z: [v - statistics.fmean(z) for v in z]  # noqa: E731
    expected = [(s - t) / 3 for s, t in zip(centre(student), centre(teacher), strict=False)]
    assert result["grad"] == pytest.approx(expected, abs=2e-3)


def test_magnitude_pruning_removes_the_smallest_weights():
    levels = [0.0, 0.5, 0.75, 0.9]
    result = run_demo("magnitude-pruning", {"sparsity": levels}, seed=6).result
    w = result["weights"]
    for s, pruned, kept in zip(levels, result["pruned_weights"], result["kept"], strict=False):
        zeros = [i for i, v in enumerate(pruned) if v == 0.0]
        assert len(zeros) == round(s * len(w)) and kept == len(w) - len(zeros)
        survivors = [i for i in range(len(w)) if i not in zeros]
        for i in survivors:
            assert pruned[i] == w[i]
        if zeros and survivors:
            assert max(abs(w[i]) for i in zeros) <= min(abs(w[i]) for i in survivors)


@pytest.mark.parametrize("seed", range(5))
def test_magnitude_pruning_keeps_accuracy_until_it_reaches_the_informative_weights(seed):
    result = run_demo("magnitude-pruning", {"sparsity": [0.0, 0.75, 0.95]}, seed=seed).result
    dense, three_quarters, extreme = result["accuracy"]
    assert three_quarters >= dense - 0.03  # 5 of 20 weights kept: exactly the informative ones, usually
    assert extreme < dense
    assert result["accuracy_refit"][2] >= extreme - 0.01


def test_int8_quantization_by_hand():
    result = run_demo("int8-quantization", {"x": [-1.0, 0.0, 2.0, 0.5], "outlier": 10.0}, seed=0).result
    scale = 3.0 / 255
    assert result["scale"] == pytest.approx(scale)
    assert result["zero_point"] == -43  # -128 - (-1)/s = -128 + 85
    codes = [max(-128, min(127, round(v / scale) - 43)) for v in [-1.0, 0.0, 2.0, 0.5]]
    assert result["q"] == codes == [-128, -43, 127, -1]
    back = [(q + 43) * scale for q in codes]
    assert result["dequantized"] == pytest.approx(back)
    assert result["dequantized"][1] == 0.0  # zero is exact
    assert result["max_error"] <= scale / 2 + 1e-12
    assert result["symmetric_scale"] == pytest.approx(2.0 / 127)
    assert result["outlier_scale"] == pytest.approx(11.0 / 255)
    assert result["outlier_max_error"] > result["max_error"]


@pytest.mark.parametrize("seed", range(5))
def test_int8_round_trip_error_is_at_most_half_a_step(seed):
    result = run_demo("int8-quantization", seed=seed).result
    assert result["max_error"] <= result["scale"] / 2 + 1e-12
    assert all(-128 <= q <= 127 for q in result["q"])


def test_int8_quantization_rejects_all_zeros():
    with pytest.raises(DemoInputError, match="all zeros"):
        run_demo("int8-quantization", {"x": [0, 0, 0]})


def _loop_cv(X, y, folds, k, mode):
    """The leakage demo's pipeline, written with loops: standardise, keep the top-k |correlation| features, nearest
    class mean."""
    n, p = len(X), len(X[0])
    size, extra, start, bounds = n // folds, n % folds, 0, []
    for f in range(folds):
        stop = start + size + (1 if f < extra else 0)
        bounds.append((start, stop))
        start = stop

    def column_stats(rows):
        means = [statistics.fmean(X[r][j] for r in rows) for j in range(p)]
        stds = [statistics.pstdev([X[r][j] for r in rows]) or 1.0 for j in range(p)]
        return means, stds

    def top_features(Z, rows):
        scores = []
        for j in range(p):
            col = [Z[r][j] for r in rows]
            labels = [y[r] for r in rows]
            mc, ml = statistics.fmean(col), statistics.fmean(labels)
            cov = sum((a - mc) * (b - ml) for a, b in zip(col, labels, strict=False))
            den = math.sqrt(sum((a - mc) ** 2 for a in col) * sum((b - ml) ** 2 for b in labels))
            scores.append(abs(cov) / den if den > 0 else 0.0)
        return sorted(range(p), key=lambda j: (-scores[j], j))[:k]

    accuracies = []
    everyone = list(range(n))
    for start, stop in bounds:
        val = list(range(start, stop))
        train = [r for r in everyone if r not in val]
        means, stds = column_stats(everyone if mode == "scale-all" else train)
        Z = [[(X[r][j] - means[j]) / stds[j] for j in range(p)] for r in range(n)]
        chosen = top_features(X, everyone) if mode == "select-all" else top_features(Z, train)
        centroids = {c: [statistics.fmean(Z[r][j] for r in train if y[r] == c) for j in chosen] for c in (0, 1)}
        hits = 0
        for r in val:
            dist = {c: sum((Z[r][j] - m) ** 2 for j, m in zip(chosen, centroids[c], strict=False)) for c in (0, 1)}
            hits += (1 if dist[1] < dist[0] else 0) == y[r]
        accuracies.append(hits / len(val))
    return statistics.fmean(accuracies)


def test_data_leakage_pipelines_match_a_loop():
    rng = np.random.default_rng(8)
    X = np.round(rng.normal(size=(16, 12)), 2).tolist()
    y = [int(v) for v in rng.permutation(np.arange(16) % 2)]
    result = run_demo("data-leakage", {"X": X, "y": y, "select": 3, "folds": 4, "duplicates": 0.25}, seed=0).result
    assert result["honest"] == pytest.approx(_loop_cv(X, y, 4, 3, "honest"))
    assert result["scaler_on_all_rows"] == pytest.approx(_loop_cv(X, y, 4, 3, "scale-all"))
    assert result["selection_on_all_rows"] == pytest.approx(_loop_cv(X, y, 4, 3, "select-all"))


def test_data_leakage_on_noise_inflates_only_the_leaky_scores():
    runs = [run_demo("data-leakage", seed=seed).result for seed in range(6)]
    assert statistics.fmean(r["selection_on_all_rows"] for r in runs) > 0.8
    assert abs(statistics.fmean(r["honest"] for r in runs) - 0.5) < 0.12
    assert statistics.fmean(r["duplicates_random_split"] - r["duplicates_group_split"] for r in runs) > 0.15


def test_data_leakage_rejects_labels_of_the_wrong_length():
    with pytest.raises(DemoInputError, match="one 0/1 label per row"):
        run_demo("data-leakage", {"X": [[1, 2], [3, 4], [5, 6], [7, 8]], "y": [0, 1]})


@pytest.mark.parametrize("seed", range(4))
def test_double_descent_peaks_at_the_interpolation_threshold(seed):
    result = run_demo("double-descent", seed=seed).result
    widths, train, test, norm = result["widths"], result["train_error"], result["test_error"], result["weight_norm"]
    n = 20
    assert n - 2 <= result["peak_width"] <= n + 1
    assert widths[test.index(max(test))] == result["peak_width"]
    # Nested feature sets: least-squares training error can only fall as features are added, and reaches 0 at p = n.
    under = [t for w, t in zip(widths, train, strict=False) if w <= n]
    assert all(b <= a + 1e-9 for a, b in zip(under, under[1:], strict=False))
    assert all(t < 1e-8 for w, t in zip(widths, train, strict=False) if w >= n)
    assert n - 2 <= widths[norm.index(max(norm))] <= n + 1
    assert test[-1] < max(test) / 10


def test_compute_optimal_scaling_matches_the_closed_form():
    E, A, B, a, b = 1.69, 406.4, 410.7, 0.34, 0.28
    budgets = [1e19, 1e21, 1e23]
    result = run_demo("compute-optimal-scaling", {"budgets": budgets}, seed=0).result
    # Setting dL/dN = 0 with D = C / 6N gives N* = G (C/6)^(b/(a+b)), G = (aA / (bB))^(1/(a+b)).
    G = (a * A / (b * B)) ** (1 / (a + b))
    for C, n_opt, d_opt, loss in zip(budgets, result["n_opt"], result["d_opt"], result["loss_opt"], strict=False):
        expected = G * (C / 6) ** (b / (a + b))
        assert n_opt == pytest.approx(expected, rel=1e-6)
        assert d_opt == pytest.approx(C / (6 * expected), rel=1e-6)
        assert loss == pytest.approx(E + A / expected**a + B / (C / (6 * expected)) ** b, rel=1e-9)
    assert result["slope_n"] == pytest.approx(b / (a + b), rel=1e-6)


def test_compute_optimal_scaling_rejects_tiny_budgets():
    with pytest.raises(DemoInputError, match="at least 1e6"):
        run_demo("compute-optimal-scaling", {"budgets": [100]})
