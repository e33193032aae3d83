"""Demos of the generative-unsupervised topic, each checked against an independent computation."""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError


def rows_of(matrix) -> list[list[float]]:
    return [list(map(float, row)) for row in matrix]


def covariance(rows: list[list[float]], ddof: int) -> tuple[list[float], list[list[float]]]:
    """Mean and covariance by plain loops, divided by n - ddof."""
    n, p = len(rows), len(rows[0])
    mean = [sum(r[j] for r in rows) / n for j in range(p)]
    cov = [[sum((r[a] - mean[a]) * (r[b] - mean[b]) for r in rows) / (n - ddof) for b in range(p)] for a in range(p)]
    return mean, cov


def eigen_2x2(cov: list[list[float]]) -> tuple[float, float]:
    """Eigenvalues of a symmetric 2x2 matrix, largest first, in closed form."""
    a, b, c = cov[0][0], cov[0][1], cov[1][1]
    middle, radius = (a + c) / 2, math.sqrt(((a - c) / 2) ** 2 + b * b)
    return middle + radius, middle - radius


def sample(seed: int, n: int, p: int, scales: list[float]) -> list[list[float]]:
    """n points whose spreads along p random orthogonal directions are roughly the given scales."""
    rng = np.random.default_rng(seed)
    rotation, _ = np.linalg.qr(rng.normal(size=(p, p)))
    return rows_of(rng.normal(size=(n, p)) * np.array(scales) @ rotation.T + 1.0)


def test_linear_autoencoder_reaches_the_closed_form_pca_error_in_2d():
    data = sample(1, 30, 2, [2.0, 0.5])
    _, cov = covariance(data, ddof=0)
    big, small = eigen_2x2(cov)
    result = run_demo("linear-autoencoder", {"data": data, "code_size": 1, "steps": 600}).result
    # Keeping one direction loses the smaller variance, averaged over the 2 features.
    assert result["pca_error"] == pytest.approx(small / 2, rel=1e-9)
    assert result["variances"] == pytest.approx([big, small], rel=1e-9)
    assert result["autoencoder_error"] >= result["pca_error"] * (1 - 1e-9)
    assert result["autoencoder_error"] == pytest.approx(result["pca_error"], rel=0.01)
    assert result["initial_error"] > result["autoencoder_error"]


def test_linear_autoencoder_in_4d_matches_the_discarded_eigenvalues():
    data = sample(2, 50, 4, [3.0, 1.5, 0.3, 0.1])
    _, cov = covariance(data, ddof=0)
    eigenvalues = sorted(np.linalg.eigvalsh(np.array(cov)), reverse=True)
    result = run_demo("linear-autoencoder", {"data": data, "code_size": 2}).result
    assert result["pca_error"] == pytest.approx((eigenvalues[2] + eigenvalues[3]) / 4, rel=1e-9)
    assert result["pca_error"] * (1 - 1e-9) <= result["autoencoder_error"] <= result["pca_error"] * 1.01
    assert result["subspace_angle_degrees"] < 1.0


def test_linear_autoencoder_on_exactly_planar_data_loses_nothing():
    # Points on the line t·(1, 2, -1) + (0, 1, 0): one code number describes them exactly.
    data = [[t, 1 + 2 * t, -t] for t in (-2.0, -1.0, -0.5, 0.0, 0.5, 1.5, 3.0)]
    result = run_demo("linear-autoencoder", {"data": data, "code_size": 1}).result
    assert result["pca_error"] == pytest.approx(0.0, abs=1e-12)
    assert result["autoencoder_error"] < 1e-6


def test_linear_autoencoder_rejects_a_vector():
    with pytest.raises(DemoInputError, match="must be a matrix like"):
        run_demo("linear-autoencoder", {"data": [1, 2, 3]})
    with pytest.raises(DemoInputError, match="code_size must be between 1 and 3"):
        run_demo("linear-autoencoder", {"data": [[1, 2, 3], [4, 5, 7]], "code_size": 4})


def denoising_optimum(data: list[list[float]], sigma: float, k: int) -> float:
    _, cov = covariance(data, ddof=0)
    values = sorted(np.linalg.eigvalsh(np.array(cov)), reverse=True)
    kept = sum(lam * sigma**2 / (lam + sigma**2) for lam in values[:k])
    return (kept + sum(values[k:])) / len(values)


def expected_denoising_error(data: list[list[float]], W: list[list[float]], sigma: float) -> float:
    """E over the noise of mean (x - W(x + ε))² per number, for centred x: ‖x - Wx‖² plus σ²‖W‖², by loops."""
    mean, _ = covariance(data, ddof=0)
    n, p = len(data), len(mean)
    total = 0.0
    for row in data:
        x = [row[j] - mean[j] for j in range(p)]
        for i in range(p):
            total += (x[i] - sum(W[i][j] * x[j] for j in range(p))) ** 2
    return (total / n + sigma**2 * sum(w * w for line in W for w in line)) / p


@pytest.mark.parametrize(("code_size", "slack"), [(1, 0.01), (2, 0.01), (4, 0.03)])
def test_denoising_autoencoder_reaches_the_shrinkage_optimum(code_size, slack):
    data = sample(3, 60, 4, [2.0, 1.0, 0.2, 0.05])
    sigma = 0.6
    result = run_demo("denoising-autoencoder", {"data": data, "noise": sigma, "code_size": code_size}, seed=5).result
    best = denoising_optimum(data, sigma, code_size)
    assert result["optimal_error"] == pytest.approx(best, rel=1e-9)
    recomputed = expected_denoising_error(data, result["weights"], sigma)
    assert result["expected_error"] == pytest.approx(recomputed, rel=1e-9)
    assert best * (1 - 1e-9) <= recomputed <= best * (1 + slack)
    # On a fresh noisy copy the input is off by about σ² per number; with a code of 2 or more the output by much less.
    assert result["input_error"] == pytest.approx(sigma**2, rel=0.25)
    if code_size >= 2:
        assert result["output_error"] < 0.6 * result["input_error"]


def test_denoising_autoencoder_with_a_full_width_code_does_not_learn_the_identity():
    data = sample(4, 60, 3, [2.0, 1.0, 0.5])
    sigma = 1.0
    W = np.array(
        run_demo("denoising-autoencoder", {"data": data, "noise": sigma, "code_size": 3}, seed=1).result["weights"]
    )
    _, cov = covariance(data, ddof=0)
    values = np.linalg.eigvalsh(np.array(cov))
    # The optimum is Σ(Σ + σ²I)⁻¹, whose trace is Σ λ/(λ + σ²) < 3.
    assert np.trace(W) == pytest.approx(sum(lam / (lam + sigma**2) for lam in values), abs=0.03)
    assert np.trace(W) < 2.5


def test_boltzmann_energies_and_probabilities_by_brute_force():
    W = [[1.0, -2.0], [0.5, 0.3], [-1.5, 0.8]]
    b = [0.2, -0.4, 0.1]
    c = [-0.3, 0.6]
    result = run_demo("boltzmann-energy", {"weights": W, "visible_bias": b, "hidden_bias": c}).result
    states = result["states"]
    assert len(states) == 32 and len({tuple(s) for s in states}) == 32

    def energy(v, h):
        return (
            -sum(v[i] * W[i][j] * h[j] for i in range(3) for j in range(2))
            - sum(b[i] * v[i] for i in range(3))
            - sum(c[j] * h[j] for j in range(2))
        )

    Z = sum(
        math.exp(-energy(v, h))
        for v in itertools.product([0, 1], repeat=3)
        for h in itertools.product([0, 1], repeat=2)
    )
    assert result["partition_function"] == pytest.approx(Z, rel=1e-12)
    assert result["log_partition_function"] == pytest.approx(math.log(Z), rel=1e-12)
    for state, e, p in zip(states, result["energies"], result["probabilities"], strict=False):
        v, h = state[:3], state[3:]
        assert e == pytest.approx(energy(v, h), abs=1e-12)
        assert p == pytest.approx(math.exp(-energy(v, h)) / Z, rel=1e-12)
    # States are listed counting up in binary, visible units first: p(v) sums each block of 4 hidden states.
    for index, v in enumerate(itertools.product([0, 1], repeat=3)):
        joint = {h: math.exp(-energy(v, h)) / Z for h in itertools.product([0, 1], repeat=2)}
        marginal = sum(joint.values())
        assert result["visible_marginal"][index] == pytest.approx(marginal, rel=1e-12)
        for j in range(2):
            on = sum(p for h, p in joint.items() if h[j] == 1)
            assert result["hidden_given_visible"][index][j] == pytest.approx(on / marginal, rel=1e-12)


def test_boltzmann_with_zero_parameters_is_uniform():
    result = run_demo(
        "boltzmann-energy", {"weights": [[0, 0], [0, 0]], "visible_bias": [0, 0], "hidden_bias": [0, 0]}
    ).result
    assert result["partition_function"] == pytest.approx(16.0)
    assert result["probabilities"] == pytest.approx([1 / 16] * 16)


def test_boltzmann_bias_length_is_checked():
    with pytest.raises(DemoInputError, match="hidden_bias must have one entry per hidden unit"):
        run_demo("boltzmann-energy", {"weights": [[1, 2], [3, 4]], "visible_bias": [0, 0], "hidden_bias": [0, 0, 0]})


def normal_pdf(x: float, mean: float, std: float) -> float:
    return math.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def midpoint_integral(f, low: float, high: float, cells: int) -> float:
    width = (high - low) / cells
    return sum(f(low + (i + 0.5) * width) for i in range(cells)) * width


def test_gan_value_matches_a_midpoint_integral_and_the_jsd_identity():
    md, sd, mg, sg = 0.0, 1.0, 1.5, 0.7
    result = run_demo("gan-discriminator", {"data_mean": md, "data_std": sd, "gen_mean": mg, "gen_std": sg}).result
    for x, d_star in zip(result["x"], result["d_star"], strict=False):
        pd, pg = normal_pdf(x, md, sd), normal_pdf(x, mg, sg)
        assert d_star == pytest.approx(pd / (pd + pg), rel=1e-9)

    def value_integrand(x):
        pd, pg = normal_pdf(x, md, sd), normal_pdf(x, mg, sg)
        return pd * math.log(pd / (pd + pg)) + pg * math.log(pg / (pd + pg))

    def jsd_integrand(x):
        pd, pg = normal_pdf(x, md, sd), normal_pdf(x, mg, sg)
        m = (pd + pg) / 2
        return 0.5 * pd * math.log(pd / m) + 0.5 * pg * math.log(pg / m)

    value = midpoint_integral(value_integrand, -12, 12, 20000)
    jsd = midpoint_integral(jsd_integrand, -12, 12, 20000)
    assert result["value"] == pytest.approx(value, abs=1e-6)
    assert result["jsd"] == pytest.approx(jsd, abs=1e-6)
    assert result["value"] == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-6)
    assert -math.log(4) < result["value"] < 0


def test_gan_with_a_perfect_generator_gives_one_half_and_minus_log_4():
    result = run_demo("gan-discriminator", {"data_mean": 2.0, "data_std": 0.5, "gen_mean": 2.0, "gen_std": 0.5}).result
    assert result["d_star"] == pytest.approx([0.5] * len(result["d_star"]))
    assert result["value"] == pytest.approx(-math.log(4), abs=1e-9)
    assert result["jsd"] == pytest.approx(0.0, abs=1e-9)


def test_gan_with_disjoint_distributions_saturates_at_log_2():
    result = run_demo("gan-discriminator", {"data_mean": 0.0, "data_std": 1.0, "gen_mean": 60.0, "gen_std": 1.0}).result
    assert result["jsd"] == pytest.approx(math.log(2), abs=1e-9)
    assert result["value"] == pytest.approx(0.0, abs=1e-9)


def test_gan_std_must_be_positive():
    with pytest.raises(DemoInputError, match="data_std must be between"):
        run_demo("gan-discriminator", {"data_std": 0})


def lloyd(points, centroids, max_iter):
    centroids = [list(c) for c in centroids]
    history, converged = [], False

    def nearest(x):
        best, best_d = 0, None
        for j, c in enumerate(centroids):
            dist = sum((a - b) ** 2 for a, b in zip(x, c, strict=False))
            if best_d is None or dist < best_d:
                best, best_d = j, dist
        return best, best_d

    for _ in range(max_iter):
        assigned = [nearest(x) for x in points]
        history.append(sum(dist for _, dist in assigned))
        moved = []
        for j, c in enumerate(centroids):
            members = [x for x, (label, _) in zip(points, assigned, strict=False) if label == j]
            moved.append([sum(col) / len(members) for col in zip(*members, strict=False)] if members else c)
        if moved == centroids:
            converged = True
            break
        centroids = moved
    labels = [nearest(x)[0] for x in points]
    return centroids, labels, history, converged


@pytest.mark.parametrize(
    "start",
    [
        [[0.0, 0.0], [5.0, 5.0], [0.0, 5.0]],
        [[1.0, 1.0], [1.2, 1.1], [100.0, 100.0]],  # the far centroid never wins a point and stays put
    ],
)
def test_kmeans_matches_a_plain_lloyd_loop(start):
    rng = np.random.default_rng(8)
    centres = np.array([[0.0, 0.0], [6.0, 5.0], [0.0, 6.0]])
    points = rows_of(np.round(np.repeat(centres, 7, axis=0) + rng.normal(0, 1.0, size=(21, 2)), 2))
    result = run_demo("kmeans", {"points": points, "centroids": start, "max_iter": 50}).result
    centroids, labels, history, converged = lloyd(points, start, 50)
    assert result["centroids"] == pytest.approx(np.array(centroids), abs=1e-12)
    assert result["labels"] == labels
    assert result["inertia"] == pytest.approx(history, abs=1e-9)
    assert result["converged"] is converged
    assert all(a >= b - 1e-12 for a, b in zip(history, history[1:], strict=False))


def test_kmeans_centroids_must_match_k():
    with pytest.raises(DemoInputError, match="centroids must be a 2x2 matrix"):
        run_demo("kmeans", {"points": [[0, 0], [1, 1], [2, 2]], "k": 2, "centroids": [[0, 0, 0], [1, 1, 1]]})


def test_pca_components_are_covariance_eigenvectors():
    data = sample(6, 40, 3, [3.0, 1.0, 0.4])
    n = len(data)
    mean, cov = covariance(data, ddof=1)
    result = run_demo("pca", {"data": data, "n_components": 2}).result
    assert result["mean"] == pytest.approx(mean)
    components, variances = result["components"], result["variances"]
    assert variances == sorted(variances, reverse=True)
    for v, lam in zip(components, variances, strict=False):
        Cv = [sum(cov[a][b] * v[b] for b in range(3)) for a in range(3)]
        assert Cv == pytest.approx([lam * x for x in v], abs=1e-9)
        assert sum(x * x for x in v) == pytest.approx(1.0)
    for u, v in itertools.combinations(components, 2):
        assert sum(a * b for a, b in zip(u, v, strict=False)) == pytest.approx(0.0, abs=1e-12)
    # Power iteration finds the top direction; the demo makes each direction's largest entry positive.
    v = [1.0, 1.0, 1.0]
    for _ in range(500):
        w = [sum(cov[a][b] * v[b] for b in range(3)) for a in range(3)]
        norm = math.sqrt(sum(x * x for x in w))
        v = [x / norm for x in w]
    if max(v, key=abs) < 0:
        v = [-x for x in v]
    assert components[0] == pytest.approx(v, abs=1e-8)
    trace = sum(cov[i][i] for i in range(3))
    assert result["explained_ratio"] == pytest.approx([lam / trace for lam in variances])
    # Reconstruction from the top two directions leaves the third eigenvalue as error per example.
    residual = 0.0
    for row in data:
        x = [row[j] - mean[j] for j in range(3)]
        recon = [0.0, 0.0, 0.0]
        for comp in components[:2]:
            score = sum(a * b for a, b in zip(x, comp, strict=False))
            recon = [r + score * c for r, c in zip(recon, comp, strict=False)]
        residual += sum((a - b) ** 2 for a, b in zip(x, recon, strict=False))
    assert result["residual_variance"] == pytest.approx(residual / (n - 1))
    assert result["residual_variance"] == pytest.approx(variances[2])


def test_pca_2d_eigenvalues_in_closed_form():
    data = [[1.0, 2.0], [2.0, 3.5], [3.0, 3.9], [4.0, 6.2], [5.0, 6.8]]
    _, cov = covariance(data, ddof=1)
    result = run_demo("pca", {"data": data, "n_components": 1}).result
    assert result["variances"] == pytest.approx(list(eigen_2x2(cov)))


def som_by_hand(points, weights, rows, cols, epochs, lr, radius):
    W = [list(w) for w in weights]
    grid = [(i, j) for i in range(rows) for j in range(cols)]

    def grid_d2(a, b):
        return (grid[a][0] - grid[b][0]) ** 2 + (grid[a][1] - grid[b][1]) ** 2

    def ranked(x):
        return sorted(range(len(W)), key=lambda u: (sum((a - b) ** 2 for a, b in zip(x, W[u], strict=False)), u))

    def quantisation():
        return sum(
            math.sqrt(sum((a - b) ** 2 for a, b in zip(x, W[ranked(x)[0]], strict=False))) for x in points
        ) / len(points)

    errors = [quantisation()]
    total = epochs * len(points)
    first_winner = None
    for t in range(total):
        frac = t / total
        eta = lr * (1 - frac)
        sigma = radius * (1 - frac) + 0.5 * frac
        x = points[t % len(points)]
        winner = ranked(x)[0]
        if first_winner is None:
            first_winner = winner
        for u in range(len(W)):
            h = math.exp(-grid_d2(u, winner) / (2 * sigma**2))
            W[u] = [w + eta * h * (a - w) for w, a in zip(W[u], x, strict=False)]
        if (t + 1) % len(points) == 0:
            errors.append(quantisation())
    topographic = sum(grid_d2(*ranked(x)[:2]) > 1 for x in points) / len(points)
    return W, errors, topographic, first_winner


def test_self_organizing_map_matches_hand_updates():
    rng = np.random.default_rng(9)
    points = rows_of(np.round(rng.uniform(0, 1, size=(12, 2)), 2))
    weights = rows_of(np.round(0.5 + rng.normal(0, 0.05, size=(6, 2)), 3))
    params = {"points": points, "weights": weights, "rows": 2, "cols": 3, "epochs": 5, "lr": 0.4, "radius": 1.5}
    result = run_demo("self-organizing-map", params).result
    W, errors, topographic, first_winner = som_by_hand(points, weights, 2, 3, 5, 0.4, 1.5)
    assert result["weights"] == pytest.approx(np.array(W), abs=1e-12)
    assert result["quantization_error"] == pytest.approx(errors, abs=1e-12)
    assert result["topographic_error"] == pytest.approx(topographic)
    assert result["first_winner"] == first_winner
    assert errors[-1] < errors[0]


def test_self_organizing_map_weights_must_fit_the_grid():
    with pytest.raises(DemoInputError, match="weights must be a 4x2 matrix"):
        run_demo("self-organizing-map", {"points": [[0, 0], [1, 1]], "rows": 2, "cols": 2, "weights": [[0, 0]]})


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
    assert max(abs(g - d) for g, d in zip(result["balanced_final"], result["p_data"], strict=False)) < 0.02


def test_infonce_matches_a_loop():
    anchors = [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]]
    positives = [[1.0, 1.0, 0.0], [0.0, 1.0, 0.5], [1.0, 0.0, 1.0]]
    tau = 0.5
    result = run_demo(
        "contrastive-infonce", {"anchors": anchors, "positives": positives, "temperature": tau}, seed=0
    ).result

    def unit(v):
        norm = math.sqrt(sum(x * x for x in v))
        return [x / norm for x in v]

    a, p = [unit(v) for v in anchors], [unit(v) for v in positives]
    sim = [[sum(x * y for x, y in zip(ai, pj, strict=False)) for pj in p] for ai in a]
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


def test_gan_mode_collapse_rejects_modes_outside_the_bins():
    with pytest.raises(DemoInputError, match="whole bin numbers between 0 and 23"):
        run_demo("gan-mode-collapse", {"modes": [3, 30]})
