"""Demos of the diffusion topic, each checked against an independent plain-Python computation: schedule products,
Gaussian-mixture posteriors, finite differences, quadrature and closed-form flows."""

from __future__ import annotations

import math

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError


def linear_alpha_bars(steps):
    """ᾱ_1..ᾱ_T for β evenly spaced from 0.1/T to 20/T, by a running product."""
    low, high = 0.1 / steps, 20.0 / steps
    out, product = [], 1.0
    for i in range(steps):
        product *= 1 - (low + i * (high - low) / (steps - 1))
        out.append(product)
    return out


def mixture_log_density(x, alpha_bar, means, stds, weights):
    a = math.sqrt(alpha_bar)
    total = 0.0
    for m, s, w in zip(means, stds, weights, strict=True):
        v = alpha_bar * s * s + 1 - alpha_bar
        total += w / sum(weights) * math.exp(-((x - a * m) ** 2) / (2 * v)) / math.sqrt(2 * math.pi * v)
    return math.log(total)


def posterior_mean(x, alpha_bar, means, stds, weights):
    """E[x_0 | x_t = x] for a Gaussian mixture, from each component's Gaussian conditioning."""
    a = math.sqrt(alpha_bar)
    num = den = 0.0
    for m, s, w in zip(means, stds, weights, strict=True):
        v = alpha_bar * s * s + 1 - alpha_bar
        like = w * math.exp(-((x - a * m) ** 2) / (2 * v)) / math.sqrt(v)
        num += like * (m + a * s * s * (x - a * m) / v)
        den += like
    return num / den


def score(x, alpha_bar, means, stds, weights, h=1e-4):
    f = mixture_log_density
    return (f(x + h, alpha_bar, means, stds, weights) - f(x - h, alpha_bar, means, stds, weights)) / (2 * h)


def test_forward_closed_form_and_chain_statistics():
    run = run_demo("diffusion-forward", {}, 4)
    r, p = run.result, run.params
    alpha_bar = linear_alpha_bars(p["steps"])[p["t"] - 1]
    assert r["alpha_bar"] == pytest.approx(alpha_bar, rel=1e-12)
    for x0, eps, xt in zip(p["x0"], r["eps"], r["x_t"], strict=True):
        assert xt == pytest.approx(math.sqrt(alpha_bar) * x0 + math.sqrt(1 - alpha_bar) * eps, abs=1e-12)
    se = math.sqrt((1 - alpha_bar) / r["copies"])
    for x0, mean, var in zip(p["x0"], r["chain_mean"], r["chain_var"], strict=True):
        assert abs(mean - math.sqrt(alpha_bar) * x0) < 5 * se
        assert var == pytest.approx(1 - alpha_bar, rel=0.15)


def test_forward_user_parameters_and_bad_ones():
    r = run_demo("diffusion-forward", {"x0": [2.0], "t": 10, "steps": 100}, 1).result
    assert r["alpha_bar"] == pytest.approx(linear_alpha_bars(100)[9], rel=1e-12)
    with pytest.raises(DemoInputError, match="t must be between 1 and 100"):
        run_demo("diffusion-forward", {"t": 101, "steps": 100})
    with pytest.raises(DemoInputError, match="x0 must have between 1 and 8"):
        run_demo("diffusion-forward", {"x0": list(range(9))})


def cosine_alpha_bars(steps, s):
    f = [math.cos((t / steps + s) / (1 + s) * math.pi / 2) ** 2 for t in range(steps + 1)]
    out, product = [], 1.0
    for t in range(1, steps + 1):
        product *= 1 - min(1 - f[t] / f[t - 1], 0.999)
        out.append(product)
    return out


@pytest.mark.parametrize("params", [{}, {"steps": 200, "s": 0.02}])
def test_noise_schedules_match_loops(params):
    r = run_demo("noise-schedule", params).result
    steps, s = params.get("steps", 1000), params.get("s", 0.008)
    linear, cosine = linear_alpha_bars(steps), cosine_alpha_bars(steps, s)
    for t, lin, cos in zip(r["t"], r["linear"], r["cosine"], strict=True):
        assert lin == pytest.approx(linear[t - 1], rel=1e-9)
        assert cos == pytest.approx(cosine[t - 1], rel=1e-9, abs=1e-15)
    quiet = [sum(1 for a in linear if a / (1 - a) < 0.01), sum(1 for a in cosine if a / (1 - a) < 0.01)]
    assert r["quiet_steps"] == quiet
    assert quiet[0] > quiet[1]  # the linear schedule spends more of its steps near pure noise


def test_noise_schedule_rejects_too_few_steps():
    with pytest.raises(DemoInputError, match="steps must be between 10 and 4000"):
        run_demo("noise-schedule", {"steps": 5})


def test_ddpm_noise_prediction_is_the_scaled_score_and_x0_hat_the_posterior_mean():
    run = run_demo("ddpm-sampling", {}, 2)
    r, p = run.result, run.params
    bars = linear_alpha_bars(p["steps"])
    x, t = r["probe"]
    level = bars[t - 1]
    expected_eps = -math.sqrt(1 - level) * score(x, level, p["means"], p["stds"], p["weights"])
    assert r["eps_probe"] == pytest.approx(expected_eps, abs=1e-6)
    for row in r["track"]:
        a = bars[row["t"] - 1]
        assert row["x0_hat"] == pytest.approx(
            posterior_mean(row["x_t"], a, p["means"], p["stds"], p["weights"]), abs=1e-8
        )
    assert r["share"] == pytest.approx([0.5, 0.5], abs=0.1)


def test_ddpm_covers_user_modes_in_proportion():
    params = {"means": [-3, 1, 4], "stds": [0.2, 0.5, 0.3], "weights": [1, 2, 1], "n": 800, "steps": 200}
    r = run_demo("ddpm-sampling", params, 5).result
    assert r["share"] == pytest.approx([0.25, 0.5, 0.25], abs=0.08)


def test_ddpm_bad_mixtures():
    with pytest.raises(DemoInputError, match="stds has length 1 but must have length 2"):
        run_demo("ddpm-sampling", {"means": [0, 1], "stds": [0.3]})
    with pytest.raises(DemoInputError, match="stds must lie between 0.05 and 3"):
        run_demo("ddpm-sampling", {"means": [0], "stds": [0.0]})


def test_ddim_converges_to_the_exact_ode_map_for_gaussian_data():
    # For data N(m, s²) the probability-flow ODE keeps (x_t − sqrt(ᾱ)m)/sqrt(ᾱs² + 1 − ᾱ) fixed.
    m, s = 1.0, 0.5
    r = run_demo("ddim-sampling", {"means": [m], "stds": [s], "step_counts": [1, 3, 10, 100]}, 3).result
    a_T = linear_alpha_bars(1000)[-1]
    v_T = a_T * s * s + 1 - a_T
    for x_T, x0 in zip(r["x_T_first"], r["reference_first"], strict=True):
        assert x0 == pytest.approx(m + s / math.sqrt(v_T) * (x_T - math.sqrt(a_T) * m), abs=5e-3)
    assert r["errors"] == sorted(r["errors"], reverse=True)


def test_ddim_default_improves_with_steps_and_rejects_bad_counts():
    r = run_demo("ddim-sampling", {}, 0).result
    assert r["errors"][0] > 10 * r["errors"][-1]
    assert r["shares"][-1] > 0.95 and r["shares"][0] < 0.5
    with pytest.raises(DemoInputError, match="step_counts must be whole numbers between 1 and 1000"):
        run_demo("ddim-sampling", {"step_counts": [0, 5]})


def test_guidance_predictions_and_implicit_classifier():
    run = run_demo("classifier-free-guidance", {}, 1)
    r, p = run.result, run.params
    sep, std = p["separation"], p["std"]
    level = linear_alpha_bars(1000)[499]
    x = 0.2
    eps_u = -math.sqrt(1 - level) * score(x, level, [-sep, sep], [std, std], [0.5, 0.5])
    eps_c = -math.sqrt(1 - level) * score(x, level, [sep], [std], [1.0])
    assert r["eps_u"] == pytest.approx(eps_u, abs=1e-6)
    assert r["eps_c"] == pytest.approx(eps_c, abs=1e-6)

    def log_posterior(z):
        return (
            mixture_log_density(z, level, [sep], [std], [1.0])
            + math.log(0.5)
            - mixture_log_density(z, level, [-sep, sep], [std, std], [0.5, 0.5])
        )

    grad = (log_posterior(x + 1e-4) - log_posterior(x - 1e-4)) / 2e-4
    assert r["classifier_grad"] == pytest.approx(grad, abs=1e-6)
    assert eps_c - eps_u == pytest.approx(-math.sqrt(1 - level) * grad, abs=1e-6)
    for w, g in zip(p["scales"], r["guided"], strict=True):
        assert g == pytest.approx(eps_u + w * (eps_c - eps_u), abs=1e-6)


def test_guidance_samples_narrow_with_the_scale():
    r = run_demo("classifier-free-guidance", {"scales": [1, 2, 4], "separation": 2.0, "std": 0.5, "n": 600}, 2)
    share, mean, std = zip(*r.result["stats"], strict=True)
    assert mean[0] == pytest.approx(2.0, abs=0.1) and std[0] == pytest.approx(0.5, abs=0.06)
    assert std[0] > std[1] > std[2] and mean[0] < mean[1] < mean[2]
    with pytest.raises(DemoInputError, match="scales must lie between 0 and 20"):
        run_demo("classifier-free-guidance", {"scales": [-1]})


@pytest.mark.parametrize("params", [{}, {"x0": 2.0, "eps": 0.5, "error": 0.2}])
def test_v_prediction_closed_forms(params):
    run = run_demo("v-prediction", params)
    r, p = run.result, run.params
    for a_bar, xt, v, e_eps, e_v in zip(r["levels"], r["x_t"], r["v"], r["x0_error_eps"], r["x0_error_v"], strict=True):
        alpha, sigma = math.sqrt(a_bar), math.sqrt(1 - a_bar)
        assert xt == pytest.approx(alpha * p["x0"] + sigma * p["eps"], abs=1e-12)
        assert v == pytest.approx(alpha * p["eps"] - sigma * p["x0"], abs=1e-12)
        # an error δ in ε̂ moves x̂_0 = (x_t − σε̂)/α by σδ/α; an error δ in v̂ moves x̂_0 = αx_t − σv̂ by σδ
        assert e_eps == pytest.approx(sigma * p["error"] / alpha, rel=1e-12)
        assert e_v == pytest.approx(sigma * p["error"], rel=1e-12, abs=1e-15)
    with pytest.raises(DemoInputError, match="error must be between 0.0 and 5.0"):
        run_demo("v-prediction", {"error": -1})


def flow_velocity_by_quadrature(x, t, means, stds, weights):
    """E[x_1 − x_0 | x_t = x] with x_t = (1 − t)x_0 + t·x_1: integrate over x_1, then x_0 = (x − t·x_1)/(1 − t)."""
    num = den = 0.0
    step = 0.0005
    for i in range(int(16 / step)):
        x1 = -8 + (i + 0.5) * step
        prior = sum(
            w * math.exp(-((x1 - m) ** 2) / (2 * s * s)) / s for m, s, w in zip(means, stds, weights, strict=True)
        )
        like = math.exp(-((x - t * x1) ** 2) / (2 * (1 - t) ** 2))
        num += prior * like * x1
        den += prior * like
    return (num / den - x) / (1 - t)


def test_flow_matching_velocity_matches_quadrature():
    run = run_demo("flow-matching", {}, 6)
    r, p = run.result, run.params
    noise, data, x_half = r["pair"]
    assert x_half == pytest.approx(0.5 * noise + 0.5 * data, abs=1e-12)
    expected = flow_velocity_by_quadrature(x_half, 0.5, p["means"], p["stds"], p["weights"])
    assert r["velocity_at_pair"] == pytest.approx(expected, abs=1e-4)
    assert r["errors"] == sorted(r["errors"], reverse=True)


def test_flow_matching_gaussian_data_flows_affinely():
    # For data N(m, s²) and noise N(0, 1) on the straight path, the flow maps x_0 to m + s·x_0.
    r = run_demo("flow-matching", {"means": [1.5], "stds": [0.4], "step_counts": [1, 4]}, 2).result
    for x0, x1 in zip(r["x0_first"], r["reference_first"], strict=True):
        assert x1 == pytest.approx(1.5 + 0.4 * x0, abs=5e-3)
    with pytest.raises(DemoInputError, match="step_counts must be whole numbers between 1 and 500"):
        run_demo("flow-matching", {"step_counts": [2.5]})


def frechet_2x2(mu1, c1, mu2, c2):
    """Fréchet distance of 2-D Gaussians: Tr((Σ1Σ2)^½) = sqrt(tr(Σ1Σ2) + 2·sqrt(det(Σ1Σ2)))."""
    prod = [[sum(c1[i][k] * c2[k][j] for k in range(2)) for j in range(2)] for i in range(2)]
    tr, det = prod[0][0] + prod[1][1], prod[0][0] * prod[1][1] - prod[0][1] * prod[1][0]
    cross = math.sqrt(tr + 2 * math.sqrt(max(det, 0.0)))
    mean_part = sum((a - b) ** 2 for a, b in zip(mu1, mu2, strict=True))
    return mean_part + c1[0][0] + c1[1][1] + c2[0][0] + c2[1][1] - 2 * cross


@pytest.mark.parametrize("params", [{}, {"n": 20000, "shift": 1.0, "spread": 1.5}])
def test_fid_matches_the_2x2_closed_form(params):
    run = run_demo("fid-score", params, 3)
    r, p = run.result, run.params
    assert r["fid"] == pytest.approx(frechet_2x2(*r["real"], *r["fake"]), abs=1e-9)
    assert r["population_fid"] == pytest.approx(p["shift"] ** 2 + 2 * (1 - p["spread"]) ** 2, abs=1e-12)
    assert 0 < r["real_vs_real"] < r["fid"]
    if p["n"] == 20000:
        assert r["fid"] == pytest.approx(r["population_fid"], abs=0.08)
    with pytest.raises(DemoInputError, match="spread must be between 0.05 and 3.0"):
        run_demo("fid-score", {"spread": 0})


def test_latent_diffusion_cost_arithmetic():
    r = run_demo("latent-diffusion-cost").result
    assert r["pixel_values"] == 512 * 512 * 3 and r["latent_values"] == 64 * 64 * 4
    assert r["value_ratio"] == 48 and r["attention_ratio"] == 8**4
    r = run_demo("latent-diffusion-cost", {"size": 256, "factor": 4, "channels": 3, "steps": 10}).result
    assert r["value_ratio"] == 16
    assert r["attention_entries_per_run"] == [(256 * 256) ** 2 * 10, (64 * 64) ** 2 * 10]
    with pytest.raises(DemoInputError, match="size 500 must be a multiple of factor 8"):
        run_demo("latent-diffusion-cost", {"size": 500})


def test_timestep_embedding_formula_and_gap_only_similarity():
    r = run_demo("timestep-embedding", {"timesteps": [3, 4, 40, 41], "dim": 8}).result
    half = 4
    for t, row in zip([3, 4, 40, 41], r["embedding"], strict=True):
        freqs = [10000 ** (-i / half) for i in range(half)]
        assert row == pytest.approx([math.sin(t * f) for f in freqs] + [math.cos(t * f) for f in freqs], abs=1e-12)
    gap_one = sum(math.cos(10000 ** (-i / half)) for i in range(half)) / half
    assert r["cosine"][0][1] == pytest.approx(gap_one, abs=1e-12)
    assert r["cosine"][2][3] == pytest.approx(gap_one, abs=1e-12)
    with pytest.raises(DemoInputError, match="dim must be even"):
        run_demo("timestep-embedding", {"dim": 7})
