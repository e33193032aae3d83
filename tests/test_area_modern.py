"""Issue 9, area "modern": demos and drills for generative/representation learning, smaller models and honest data.

Each demo's result is checked against an independent computation (closed forms, plain loops, finite differences,
exhaustive search); each drill's answer is recomputed by hand from problem.params.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.catalog_modern import DEMOS as MODERN_DEMOS
from quizprep.demos.framework import DemoInputError
from quizprep.drills import generate
from quizprep.drills.catalog_modern import CATALOG as MODERN_DRILLS


# Drills: hand formulas from the textbook definitions, reading only problem.params.


def int8_quantization_params(p):
    scale = (p["max"] - p["min"]) / 255
    zero_point = round(-128 - p["min"] / scale)
    q = max(-128, min(127, round(p["x"] / scale) + zero_point))
    return [zero_point, q]


def distillation_temperature(p):
    def prob(T):
        exps = [math.exp(z / T) for z in p["logits"]]
        return exps[p["class"] - 1] / sum(exps)

    return [prob(1), prob(p["T"])]


def infonce_loss(p):
    tau = p["tau"]
    numerator = math.exp(p["positive"] / tau)
    return [-math.log(numerator / (numerator + sum(math.exp(s / tau) for s in p["negatives"])))]


def pruned_param_count(p):
    n_in, h, n_out = p["n_in"], p["hidden"], p["n_out"]
    kept = n_in * h - n_in * h * p["sparsity"]
    assert abs(kept - round(kept)) < 1e-9, "the pruned fraction leaves a whole number of weights"
    left = h - p["removed_units"]
    return [round(kept) + h, n_in * left + left + left * n_out + n_out]


def beam_length_normalization(p):
    def score(probs):
        return math.log(math.prod(probs)) / len(probs) ** p["alpha"]

    return [score(p["short"]), score(p["long"])]


EXPECTED = {
    "int8-quantization-params": int8_quantization_params,
    "distillation-temperature": distillation_temperature,
    "infonce-loss": infonce_loss,
    "pruned-param-count": pruned_param_count,
    "beam-length-normalization": beam_length_normalization,
}


def test_int8_drill_never_sits_on_a_rounding_tie_and_sometimes_clamps():
    clamped = 0
    for seed in range(200):
        p = generate("int8-quantization-params", seed).params
        scale = (p["max"] - p["min"]) / 255
        assert abs(abs(p["x"] / scale - math.floor(p["x"] / scale)) - 0.5) >= 0.09
        assert abs(-128 - p["min"] / scale - round(-128 - p["min"] / scale)) < 1e-6  # the zero point is exact
        clamped += not -128 < round(p["x"] / scale) + round(-128 - p["min"] / scale) < 127
    assert 0 < clamped < 40


# Demos


def test_catalog_names_are_implemented():
    # Speed is measured by scripts/bench_demos.py, not asserted here: machines are noisy.
    for name in MODERN_DEMOS:
        assert run_demo(name, seed=1).name == name


def test_vae_reparam_is_unbiased_with_the_closed_form_spreads():
    mu, sigma, c = 0.7, 1.5, -0.5
    result = run_demo("vae-reparam", {"mu": mu, "sigma": sigma, "c": c, "samples": 1, "trials": 50000}, seed=3).result
    a = mu - c
    assert result["exact"] == pytest.approx([2 * a, 2 * sigma])
    # Per-sample estimators, with eps ~ N(0, 1) and z = mu + sigma eps:
    #   reparam d/dmu = 2(a + sigma eps): sd 2 sigma.  reparam d/dsigma = 2(a + sigma eps) eps: variance 4a² + 8 sigma².
    #   score d/dmu = (a + sigma eps)² eps / sigma: E[g²] = (a⁴ + 18 a² sigma² + 15 sigma⁴) / sigma², mean 2a.
    assert result["reparam_std"][0] == pytest.approx(2 * sigma, rel=0.03)
    assert result["reparam_std"][1] == pytest.approx(math.sqrt(4 * a * a + 8 * sigma * sigma), rel=0.03)
    score_var = (a**4 + 18 * a * a * sigma**2 + 15 * sigma**4) / sigma**2 - 4 * a * a
    assert result["score_std"][0] == pytest.approx(math.sqrt(score_var), rel=0.08)
    for key, std in [("reparam_mean", "reparam_std"), ("score_mean", "score_std")]:
        for i in range(2):
            assert abs(result[key][i] - result["exact"][i]) < 4 * result[std][i] / math.sqrt(50000)
    assert result["score_std"][0] > 2 * result["reparam_std"][0]


def test_vae_reparam_average_over_samples_shrinks_the_spread():
    few = run_demo("vae-reparam", {"mu": 0.0, "sigma": 1.0, "c": 1.0, "samples": 1, "trials": 4000}, seed=1).result
    many = run_demo("vae-reparam", {"mu": 0.0, "sigma": 1.0, "c": 1.0, "samples": 25, "trials": 4000}, seed=1).result
    assert many["reparam_std"][0] == pytest.approx(few["reparam_std"][0] / 5, rel=0.1)


@pytest.mark.parametrize("seed", range(4))
def test_gan_mode_collapse_data_and_the_two_regimes(seed):
    result = run_demo("gan-mode-collapse", seed=seed).result
    bins, modes = 24, [4, 12, 20]
    raw = [sum(math.exp(-0.5 * (x - m) ** 2) for m in modes) + 1e-3 for x in range(bins)]
    assert result["p_data"] == pytest.approx([v / sum(raw) for v in raw], rel=1e-9)
    assert sum(result["hard_final"]) == pytest.approx(1.0)
    for row in result["hard_mode_mass"]:
        assert sum(row) == pytest.approx(1.0)
    concentrated = sum(max(row) > 0.9 for row in result["hard_mode_mass"])
    assert concentrated >= len(result["hard_mode_mass"]) - 1  # nearly every round sits on one mode
    favourites = {row.index(max(row)) for row in result["hard_mode_mass"]}
    assert len(favourites) >= 2  # and it hops between modes
    # With small balanced steps the generator reaches the fixed point p_g = p_data, where D* = 1/2 everywhere.
    assert result["balanced_mode_mass"] == pytest.approx(result["data_mode_mass"], abs=0.01)
    assert max(abs(g - d) for g, d in zip(result["balanced_final"], result["p_data"])) < 0.02


def test_teacher_forcing_matches_the_markov_recurrence():
    vocab, length, error = 5, 12, 0.2
    result = run_demo("teacher-forcing", {"vocab": vocab, "length": length, "error": error, "runs": 20000}, seed=5).result
    on_track, expected = 1.0, []
    for _ in range(length):
        on_track = on_track * (1 - error) + (1 - on_track) * error / (vocab - 1)
        expected.append(on_track)
    assert result["free_accuracy_exact"] == pytest.approx(expected, abs=1e-12)
    band = 4 * math.sqrt(0.25 / 20000)
    assert all(abs(a - (1 - error)) < band for a in result["forced_accuracy"])
    assert all(abs(a - b) < band for a, b in zip(result["free_accuracy"], expected))
    targets = result["targets"]
    assert all((b - a) % vocab == 1 for a, b in zip(targets, targets[1:]))


def test_teacher_forcing_without_errors_is_perfect_both_ways():
    result = run_demo("teacher-forcing", {"error": 0.0, "runs": 10}, seed=2).result
    assert result["forced_accuracy"] == [1.0] * 20 and result["free_accuracy"] == [1.0] * 20


START = [0.05, 0.45, 0.4, 0.1]
TABLE = [[0.2, 0.05, 0.05, 0.7], [0.7, 0.1, 0.1, 0.1], [0.75, 0.1, 0.1, 0.05]]


def sequence_logp(seq, start, table):
    total, previous = 0.0, None
    for token in seq:
        total += math.log(start[token] if previous is None else table[previous - 1][token])
        previous = token
    return total


def all_sequences(vocab, max_len):
    """Every sequence that ends with </s> (token 0) or reaches max_len, with no </s> inside."""
    out = []

    def extend(prefix):
        for token in range(vocab):
            seq = [*prefix, token]
            if token == 0 or len(seq) == max_len:
                out.append(seq)
            else:
                extend(seq)

    extend([])
    return out


def test_beam_search_against_greedy_and_exhaustive_search():
    result = run_demo("beam-search", {"beam": 2, "alpha": 1.0}, seed=0).result
    # Greedy by hand: the most likely next token each step.
    seq, previous = [], None
    while not seq or (seq[-1] != 0 and len(seq) < 4):
        row = START if previous is None else TABLE[previous - 1]
        previous = max(range(4), key=lambda t: row[t])
        seq.append(previous)
    assert result["greedy"] == seq == [1, 3, 0]  # A C </s>: 0.45 · 0.7 · 0.75
    assert result["greedy_logp"] == pytest.approx(math.log(0.45 * 0.7 * 0.75))
    every = all_sequences(4, 4)
    best = max(every, key=lambda s: sequence_logp(s, START, TABLE))
    assert result["exact"] == best == [2, 0]  # B </s>: 0.28 beats greedy's 0.236
    assert result["beam"] == best
    assert result["exact_logp"] == pytest.approx(math.log(0.28))
    for hyp, logp in zip(result["hypotheses"], result["hypothesis_logp"]):
        assert logp == pytest.approx(sequence_logp(hyp, START, TABLE))
    # Dividing by the length favours the longer A C </s>: log(0.23625)/3 > log(0.28)/2.
    assert result["beam_normalised"] == [1, 3, 0]
    assert result["exact_normalised"] == max(every, key=lambda s: sequence_logp(s, START, TABLE) / len(s))


def test_beam_width_one_is_greedy_and_a_wide_beam_is_exhaustive():
    narrow = run_demo("beam-search", {"beam": 1}, seed=0).result
    assert narrow["beam"] == narrow["greedy"] and len(narrow["hypotheses"]) == 1
    wide = run_demo("beam-search", {"beam": 1000, "max_len": 4}, seed=0).result
    assert sorted(map(tuple, wide["hypotheses"])) == sorted(map(tuple, all_sequences(4, 4)))


def test_beam_search_rejects_rows_that_are_not_distributions():
    with pytest.raises(DemoInputError, match="add up to 1"):
        run_demo("beam-search", {"start": [0.5, 0.6, 0.0, 0.0]})
    with pytest.raises(DemoInputError, match="table must be 2x3"):
        run_demo("beam-search", {"start": [0.2, 0.3, 0.5], "table": [[0.5, 0.5, 0.0]]})


def test_infonce_matches_a_loop():
    anchors = [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]]
    positives = [[1.0, 1.0, 0.0], [0.0, 1.0, 0.5], [1.0, 0.0, 1.0]]
    tau = 0.5
    result = run_demo("contrastive-infonce", {"anchors": anchors, "positives": positives, "temperature": tau}, seed=0).result

    def unit(v):
        norm = math.sqrt(sum(x * x for x in v))
        return [x / norm for x in v]

    a, p = [unit(v) for v in anchors], [unit(v) for v in positives]
    sim = [[sum(x * y for x, y in zip(ai, pj)) for pj in p] for ai in a]
    np.testing.assert_allclose(result["similarity"], sim, rtol=1e-12)
    rows = [-sim[i][i] / tau + math.log(sum(math.exp(s / tau) for s in sim[i])) for i in range(3)]
    cols = [-sim[j][j] / tau + math.log(sum(math.exp(sim[i][j] / tau) for i in range(3))) for j in range(3)]
    assert result["losses"] == pytest.approx(rows)
    assert result["loss"] == pytest.approx(statistics.fmean(rows))
    assert result["symmetric_loss"] == pytest.approx((statistics.fmean(rows) + statistics.fmean(cols)) / 2)
    assert result["top1_accuracy"] == pytest.approx(1.0)


def test_infonce_tends_to_log_n_at_high_temperature_and_rejects_mismatched_shapes():
    result = run_demo("contrastive-infonce", {"temperature": 100.0}, seed=3).result
    assert result["loss"] == pytest.approx(math.log(6), abs=0.02)
    with pytest.raises(DemoInputError, match="same shape as anchors"):
        run_demo("contrastive-infonce", {"anchors": [[1, 0], [0, 1]], "positives": [[1, 0, 0], [0, 1, 0]]})


def test_distillation_soft_targets_kl_and_gradient():
    teacher, student, T = [3.0, 1.0, 0.5, -1.0], [1.0, 2.0, 0.0, 0.5], 3.0
    result = run_demo("distillation-soft-targets", {"teacher": teacher, "student": student, "temperature": T}, seed=0).result

    def softmax(z, t):
        exps = [math.exp(v / t) for v in z]
        return [e / sum(exps) for e in exps]

    for row, t in zip(result["soft_targets"], [1, 2, 4, 8, 16]):
        assert row == pytest.approx(softmax(teacher, t))

    def soft_loss(z):
        p, q = softmax(teacher, T), softmax(z, T)
        return T * T * sum(pi * math.log(pi / qi) for pi, qi in zip(p, q))

    assert result["kl"] == pytest.approx(soft_loss(student) / T**2)
    h = 1e-6
    numeric = []
    for i in range(4):
        up, down = list(student), list(student)
        up[i] += h
        down[i] -= h
        numeric.append((soft_loss(up) - soft_loss(down)) / (2 * h))
    assert result["grad"] == pytest.approx(numeric, abs=1e-6)
    entropies = result["entropy"]
    assert all(a < b for a, b in zip(entropies, entropies[1:]))


def test_distillation_gradient_at_high_temperature_matches_logit_matching():
    # Hinton et al.: for large T, the gradient of T²·KL tends to (centred student logits - centred teacher logits) / N.
    teacher, student = [2.0, -1.0, 0.5], [0.0, 1.0, -0.5]
    result = run_demo("distillation-soft-targets", {"teacher": teacher, "student": student, "temperature": 500.0}, seed=0).result
    centre = lambda z: [v - statistics.fmean(z) for v in z]  # noqa: E731
    expected = [(s - t) / 3 for s, t in zip(centre(student), centre(teacher))]
    assert result["grad"] == pytest.approx(expected, abs=2e-3)


def test_magnitude_pruning_removes_the_smallest_weights():
    levels = [0.0, 0.5, 0.75, 0.9]
    result = run_demo("magnitude-pruning", {"sparsity": levels}, seed=6).result
    w = result["weights"]
    for s, pruned, kept in zip(levels, result["pruned_weights"], result["kept"]):
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
    """The leakage demo's pipeline, written with loops: standardise, keep the top-k |correlation| features, nearest class mean."""
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
            cov = sum((a - mc) * (b - ml) for a, b in zip(col, labels))
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
            dist = {c: sum((Z[r][j] - m) ** 2 for j, m in zip(chosen, centroids[c])) for c in (0, 1)}
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
    under = [t for w, t in zip(widths, train) if w <= n]
    assert all(b <= a + 1e-9 for a, b in zip(under, under[1:]))
    assert all(t < 1e-8 for w, t in zip(widths, train) if w >= n)
    assert n - 2 <= widths[norm.index(max(norm))] <= n + 1
    assert test[-1] < max(test) / 10


def test_compute_optimal_scaling_matches_the_closed_form():
    E, A, B, a, b = 1.69, 406.4, 410.7, 0.34, 0.28
    budgets = [1e19, 1e21, 1e23]
    result = run_demo("compute-optimal-scaling", {"budgets": budgets}, seed=0).result
    # Setting dL/dN = 0 with D = C / 6N gives N* = G (C/6)^(b/(a+b)), G = (aA / (bB))^(1/(a+b)).
    G = (a * A / (b * B)) ** (1 / (a + b))
    for C, n_opt, d_opt, loss in zip(budgets, result["n_opt"], result["d_opt"], result["loss_opt"]):
        expected = G * (C / 6) ** (b / (a + b))
        assert n_opt == pytest.approx(expected, rel=1e-6)
        assert d_opt == pytest.approx(C / (6 * expected), rel=1e-6)
        assert loss == pytest.approx(E + A / expected**a + B / (C / (6 * expected)) ** b, rel=1e-9)
    assert result["slope_n"] == pytest.approx(b / (a + b), rel=1e-6)


def test_compute_optimal_scaling_rejects_tiny_budgets():
    with pytest.raises(DemoInputError, match="at least 1e6"):
        run_demo("compute-optimal-scaling", {"budgets": [100]})


def test_gan_mode_collapse_rejects_modes_outside_the_bins():
    with pytest.raises(DemoInputError, match="whole bin numbers between 0 and 23"):
        run_demo("gan-mode-collapse", {"modes": [3, 30]})


def test_every_new_demo_round_trips_its_params():
    for name in MODERN_DEMOS:
        for seed in (2, 9):
            first = run_demo(name, seed=seed)
            assert run_demo(name, first.params, seed=seed).result == first.result, name


def test_drills_are_reachable_from_the_bank_topics():
    from pathlib import Path

    topics = {p.stem for p in (Path(__file__).resolve().parent.parent / "question_bank").glob("*.yaml")}
    assert {topic for _, topic in MODERN_DRILLS.values()} <= topics

