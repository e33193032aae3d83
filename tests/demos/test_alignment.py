"""Demos of the alignment topic, each checked against an independent plain-Python computation."""

from __future__ import annotations

import math
import random

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import sigmoid, softmax

# discounted-return


def test_discounted_return_user_case():
    result = run_demo("discounted-return", {"rewards": [1, 0, 2], "gamma": 0.5}).result
    assert result["returns"] == pytest.approx([1 + 0.25 * 2, 0.5 * 2, 2])


def test_discounted_return_default_is_the_forward_sum():
    run = run_demo("discounted-return", seed=4)
    r, g = run.params["rewards"], run.params["gamma"]
    expected = [sum(g**k * r[t + k] for k in range(len(r) - t)) for t in range(len(r))]
    assert run.result["returns"] == pytest.approx(expected)


def test_discounted_return_rejects_gamma_above_one():
    with pytest.raises(DemoInputError):
        run_demo("discounted-return", {"gamma": 1.5})


# gae-advantages


@pytest.mark.parametrize("gamma, lam", [(1.0, 0.95), (0.9, 0.5), (0.99, 0.0)])
def test_gae_is_the_weighted_sum_of_td_errors(gamma, lam):
    rewards, values = [0.0, 1.0, -0.5, 2.0], [0.3, 0.8, 0.1, 1.0, 0.4]
    result = run_demo("gae-advantages", {"rewards": rewards, "values": values, "gamma": gamma, "lam": lam}).result
    deltas = [rewards[t] + gamma * values[t + 1] - values[t] for t in range(4)]
    expected = [sum((gamma * lam) ** k * deltas[t + k] for k in range(4 - t)) for t in range(4)]
    assert result["deltas"] == pytest.approx(deltas)
    assert result["advantages"] == pytest.approx(expected)
    assert result["lambda0"] == pytest.approx(deltas)
    # λ = 1: discounted rewards plus the discounted bootstrap value, minus V(s_t)
    mc = [
        sum(gamma**k * rewards[t + k] for k in range(4 - t)) + gamma ** (4 - t) * values[4] - values[t]
        for t in range(4)
    ]
    assert result["lambda1"] == pytest.approx(mc)


def test_gae_rejects_values_of_the_wrong_length():
    with pytest.raises(DemoInputError, match="values needs 3 entries"):
        run_demo("gae-advantages", {"rewards": [0, 1], "values": [0.5, 0.5]})


# policy-gradient-baseline


def bandit_moments(logits, rewards, b):
    """Exact mean and total variance of one sample of (e_a - π)(r_a - b)."""
    pi = softmax(logits)
    k = len(pi)
    vectors = [[((1.0 if j == a else 0.0) - pi[j]) * (rewards[a] - b) for j in range(k)] for a in range(k)]
    mean = [sum(pi[a] * vectors[a][j] for a in range(k)) for j in range(k)]
    second = sum(pi[a] * sum(v * v for v in vectors[a]) for a in range(k))
    return mean, second - sum(m * m for m in mean)


def test_policy_gradient_estimates_are_unbiased_and_the_baseline_cuts_variance():
    logits, rewards = [0.2, -0.3, 0.6, 0.0], [3.0, 4.0, 7.0, 5.0]
    params = {"logits": logits, "rewards": rewards, "samples": 2, "trials": 4000}
    result = run_demo("policy-gradient-baseline", params, seed=1).result
    pi = softmax(logits)
    j = sum(p * r for p, r in zip(pi, rewards, strict=True))
    numeric = central_gradient(lambda z: sum(p * r for p, r in zip(softmax(z), rewards, strict=True)), logits)
    assert result["exact"] == pytest.approx(numeric, abs=1e-6)
    for estimate, baseline, variance in zip(result["means"], (0.0, round(j, 4)), result["variances"], strict=True):
        mean, var_one = bandit_moments(logits, rewards, baseline)
        assert mean == pytest.approx(numeric, abs=1e-6)  # unbiased in expectation
        standard_error = math.sqrt(var_one / (2 * 4000))
        assert max(abs(e - m) for e, m in zip(estimate, mean, strict=True)) < 5 * standard_error
        assert variance == pytest.approx(var_one / 2, rel=0.15)
    assert result["variances"][1] < result["variances"][0] / 10


def test_policy_gradient_rejects_mismatched_rewards():
    with pytest.raises(DemoInputError):
        run_demo("policy-gradient-baseline", {"logits": [0, 1], "rewards": [1, 2, 3]})


# ppo-clip


def ppo_by_cases(ratio, adv, eps):
    if adv >= 0:
        return min(ratio, 1 + eps) * adv  # only the upper clip can bind when Â > 0
    return max(ratio, 1 - eps) * adv  # only the lower clip can bind when Â < 0


@pytest.mark.parametrize(
    "ratio, adv, eps",
    [(1.3, 1.0, 0.2), (0.6, 1.0, 0.2), (0.6, -2.0, 0.2), (1.4, -2.0, 0.2), (1.05, 0.5, 0.1), (0.5, -1.0, 0.3)],
)
def test_ppo_objective_and_slope(ratio, adv, eps):
    result = run_demo("ppo-clip", {"ratio": ratio, "advantage": adv, "epsilon": eps}).result
    assert result["objective"] == pytest.approx(ppo_by_cases(ratio, adv, eps))
    h = 1e-6
    slope = (ppo_by_cases(ratio + h, adv, eps) - ppo_by_cases(ratio - h, adv, eps)) / (2 * h)
    assert result["slope"] == pytest.approx(slope, abs=1e-6)


def test_ppo_zero_gradient_cases():
    assert run_demo("ppo-clip", {"ratio": 1.5, "advantage": 1.0}).result["slope"] == 0
    assert run_demo("ppo-clip", {"ratio": 0.5, "advantage": -1.0}).result["slope"] == 0
    assert run_demo("ppo-clip", {"ratio": 1.5, "advantage": -1.0}).result["slope"] == -1.0


def test_ppo_rejects_epsilon_zero():
    with pytest.raises(DemoInputError):
        run_demo("ppo-clip", {"epsilon": 0})


# bradley-terry-reward


def test_bradley_terry_fit_is_a_stationary_point_of_the_loss():
    result = run_demo("bradley-terry-reward", {"steps": 3000}).result
    scores, winners, losers = result["fitted"], result["winners"], result["losers"]
    grad = [0.0] * len(scores)
    for w, lo in zip(winners, losers, strict=True):
        push = sigmoid(-(scores[w] - scores[lo]))  # d/dr_w of log(1 + e^-(r_w - r_l)) is -push
        grad[w] -= push / len(winners)
        grad[lo] += push / len(winners)
    assert max(abs(g) for g in grad) < 1e-6
    assert sum(scores) == pytest.approx(0.0, abs=1e-9)
    assert result["loss"][0] == pytest.approx(math.log(2))
    loss = sum(math.log1p(math.exp(-(scores[w] - scores[lo]))) for w, lo in zip(winners, losers, strict=True)) / len(
        winners
    )
    assert result["loss"][-1] == pytest.approx(loss)
    assert result["shift_gap"] < 1e-12


def test_bradley_terry_recovers_large_gaps():
    truth = [2.0, 0.0, -2.0]
    result = run_demo("bradley-terry-reward", {"true_rewards": truth, "comparisons": 5000, "steps": 2000}).result
    assert result["true_centred"] == pytest.approx(truth)
    assert result["fitted"] == pytest.approx(truth, abs=0.25)


def test_bradley_terry_needs_two_responses():
    with pytest.raises(DemoInputError):
        run_demo("bradley-terry-reward", {"true_rewards": [1.0]})


# kl-regularised-optimum


def test_kl_optimum_closed_form_and_implicit_reward():
    rewards, ref, beta = [1.0, 0.0, 3.0], [0.5, 0.3, 0.2], 0.7
    result = run_demo("kl-regularised-optimum", {"rewards": rewards, "ref_probs": ref, "beta": beta}).result
    weights = [p * math.exp(r / beta) for p, r in zip(ref, rewards, strict=True)]
    policy = [w / sum(weights) for w in weights]
    assert result["policy"] == pytest.approx(policy)
    assert result["log_z"] == pytest.approx(math.log(sum(weights)))
    kl = sum(p * math.log(p / q) for p, q in zip(policy, ref, strict=True))
    objective = sum(p * r for p, r in zip(policy, rewards, strict=True)) - beta * kl
    assert result["objective"] == pytest.approx(objective)
    # r - implicit reward is β log Z for every response
    assert [r - i for r, i in zip(rewards, result["implicit_reward"], strict=True)] == pytest.approx(
        [beta * math.log(sum(weights))] * 3
    )
    # no other distribution does better on E[r] - β·KL
    rng = random.Random(0)
    for _ in range(300):
        raw = [rng.random() + 1e-9 for _ in range(3)]
        q = [v / sum(raw) for v in raw]
        other = sum(a * r for a, r in zip(q, rewards, strict=True)) - beta * sum(
            a * math.log(a / b) for a, b in zip(q, ref, strict=True)
        )
        assert other <= objective + 1e-12


def test_kl_optimum_rejects_a_zero_reference_probability():
    with pytest.raises(DemoInputError):
        run_demo("kl-regularised-optimum", {"rewards": [1, 2], "ref_probs": [0.0, 1.0]})


# dpo-loss


def dpo(pc, pr, rc, rr, beta):
    return -math.log(sigmoid(beta * ((pc - rc) - (pr - rr))))


def test_dpo_default_by_hand():
    result = run_demo("dpo-loss").result
    assert result["margin"] == pytest.approx(0.1 * ((-39 + 40) - (-40.5 + 38)))
    assert result["loss"] == pytest.approx(dpo(-39, -40.5, -40, -38, 0.1))
    assert result["loss_both_down"] == pytest.approx(dpo(-40, -43.5, -40, -38, 0.1))


def test_dpo_gradients_match_finite_differences():
    point = {"policy_chosen": -12.0, "policy_rejected": -9.0, "ref_chosen": -10.0, "ref_rejected": -10.0, "beta": 0.5}
    result = run_demo("dpo-loss", point).result
    h = 1e-6
    grad_c = (dpo(-12 + h, -9, -10, -10, 0.5) - dpo(-12 - h, -9, -10, -10, 0.5)) / (2 * h)
    grad_r = (dpo(-12, -9 + h, -10, -10, 0.5) - dpo(-12, -9 - h, -10, -10, 0.5)) / (2 * h)
    assert result["grad_chosen"] == pytest.approx(grad_c, rel=1e-6)
    assert result["grad_rejected"] == pytest.approx(grad_r, rel=1e-6)
    assert result["loss"] == pytest.approx(math.log1p(math.exp(1.5)))  # margin 0.5·(-2 - 1) = -1.5


def test_dpo_rejects_a_positive_log_probability():
    with pytest.raises(DemoInputError):
        run_demo("dpo-loss", {"policy_chosen": 1.0})


# best-of-n-proxy


def expected_max(n, steps=20000):
    """∫ x·n·φ(x)·Φ(x)^(n-1) dx by the trapezoid rule on [-10, 10]."""
    h = 20 / steps
    total = 0.0
    for i in range(steps + 1):
        x = -10 + i * h
        phi = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        cdf = 0.5 * (1 + math.erf(x / math.sqrt(2)))
        weight = 0.5 if i in (0, steps) else 1.0
        total += weight * x * n * phi * cdf ** (n - 1)
    return total * h


def test_best_of_n_closed_form_and_simulation():
    result = run_demo("best-of-n-proxy", {"length_weight": 2.0, "n_max": 16, "trials": 4000}).result
    assert result["n"] == [1, 2, 4, 8, 16]
    spread = math.sqrt(5)
    assert expected_max(2) == pytest.approx(1 / math.sqrt(math.pi), abs=1e-6)
    for i, n in enumerate(result["n"]):
        e = expected_max(n)
        assert result["exact"]["quality"][i] == pytest.approx(e / spread, abs=1e-4)
        assert result["exact"]["proxy"][i] == pytest.approx(e * spread, abs=1e-4)
        assert result["quality"][i] == pytest.approx(e / spread, abs=0.06)
        assert result["length"][i] == pytest.approx(2 * e / spread, abs=0.06)
        assert result["kl_bound"][i] == pytest.approx(math.log(n) - (n - 1) / n)


def test_best_of_n_rejects_too_much_work():
    with pytest.raises(DemoInputError):
        run_demo("best-of-n-proxy", {"n_max": 1024, "trials": 20000})


# grpo-advantages


def test_grpo_advantages_by_hand():
    rewards = [[1, 0, 0, 1], [0.2, 0.4, 0.9, 0.5], [1, 1, 1, 1]]
    result = run_demo("grpo-advantages", {"rewards": rewards}).result
    for row, adv in zip(rewards, result["advantages"], strict=True):
        mean = sum(row) / len(row)
        std = math.sqrt(sum((r - mean) ** 2 for r in row) / len(row))
        expected = [0.0] * len(row) if std == 0 else [(r - mean) / std for r in row]
        assert adv == pytest.approx(expected)
    # binary rewards with pass rate 1/2: ±1
    assert result["advantages"][0] == pytest.approx([1, -1, -1, 1])


def test_grpo_binary_closed_form():
    result = run_demo("grpo-advantages", {"rewards": [[1, 0, 0, 0, 0]]}).result
    p = 0.2
    assert result["advantages"][0][0] == pytest.approx(math.sqrt((1 - p) / p))
    assert result["advantages"][0][1] == pytest.approx(-math.sqrt(p / (1 - p)))


def test_grpo_rejects_a_flat_list():
    with pytest.raises(DemoInputError):
        run_demo("grpo-advantages", {"rewards": [1, 0, 1]})


# red-team-rates


def binomial_cdf(k, n, p):
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def test_red_team_bounds():
    result = run_demo("red-team-rates").result
    assert result["attack_success_rate"] == 0
    assert result["attack_upper"] == pytest.approx(1 - 0.05 ** (1 / 100), rel=1e-9)
    assert result["over_refusal_rate"] == pytest.approx(12 / 200)
    assert binomial_cdf(12, 200, result["over_refusal_upper"]) == pytest.approx(0.05, abs=1e-9)


def test_red_team_user_case():
    result = run_demo("red-team-rates", {"failures": 3, "attempts": 50, "confidence": 0.9}).result
    assert result["attack_success_rate"] == pytest.approx(0.06)
    assert binomial_cdf(3, 50, result["attack_upper"]) == pytest.approx(0.1, abs=1e-9)


def test_red_team_rejects_more_failures_than_attempts():
    with pytest.raises(DemoInputError):
        run_demo("red-team-rates", {"failures": 11, "attempts": 10})


# kl-estimators


def test_kl_estimators_against_exact_moments():
    policy, ref = [1.0, 0.0, -1.0, 0.5], [0.5, 0.2, -0.5, 0.0]
    result = run_demo("kl-estimators", {"policy_logits": policy, "ref_logits": ref, "samples": 50000}, seed=2).result
    pi, q = softmax(policy), softmax(ref)
    log_rho = [math.log(b / a) for a, b in zip(pi, q, strict=True)]
    kl = sum(a * -lr for a, lr in zip(pi, log_rho, strict=True))
    assert result["exact"] == pytest.approx(kl)
    estimators = [
        [-lr for lr in log_rho],
        [0.5 * lr * lr for lr in log_rho],
        [math.exp(lr) - 1 - lr for lr in log_rho],
    ]
    for values, mean, std in zip(estimators, result["means"], result["stds"], strict=True):
        m = sum(a * v for a, v in zip(pi, values, strict=True))
        sd = math.sqrt(sum(a * (v - m) ** 2 for a, v in zip(pi, values, strict=True)))
        assert mean == pytest.approx(m, abs=5 * sd / math.sqrt(50000))
        assert std == pytest.approx(sd, rel=0.05)
    assert sum(a * v for a, v in zip(pi, estimators[2], strict=True)) == pytest.approx(kl)  # k3 is unbiased
    negative = sum(a for a, lr in zip(pi, log_rho, strict=True) if lr > 0)
    assert result["negative_share"] == pytest.approx(negative, abs=0.01)


def test_kl_estimators_reject_mismatched_logits():
    with pytest.raises(DemoInputError):
        run_demo("kl-estimators", {"policy_logits": [0, 1], "ref_logits": [0, 1, 2]})
