"""Demos of the optimization topic, each checked against an independent computation."""

from __future__ import annotations

import cmath
import math
import statistics
from itertools import product

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import flatten, rel_err, result


def test_gradient_descent_matches_the_closed_form():
    # On (θ - 3)², each step multiplies the distance to 3 by (1 - 2 lr).
    result = run_demo("gradient-descent", {"lr": 0.1, "steps": 5, "start": -2.0}).result
    expected = [3 + (-2.0 - 3) * (1 - 2 * 0.1) ** t for t in range(6)]
    assert result["iterates"] == pytest.approx(expected)
    assert result["losses"] == pytest.approx([(x - 3) ** 2 for x in expected])
    assert "θ" in result["function"]


def bowl_grad(curv, theta):
    return [a * t for a, t in zip(curv, theta, strict=False)]


def bowl(curv, theta):
    return 0.5 * sum(a * t * t for a, t in zip(curv, theta, strict=False))


def loop_plain(curv, theta, lr, steps):
    for _ in range(steps):
        theta = [t - lr * g for t, g in zip(theta, bowl_grad(curv, theta), strict=False)]
    return theta


def loop_momentum(curv, theta, lr, steps, beta=0.9):
    v = [0.0] * len(theta)
    losses = [bowl(curv, theta)]
    for _ in range(steps):
        v = [beta * vi + g for vi, g in zip(v, bowl_grad(curv, theta), strict=False)]
        theta = [t - lr * vi for t, vi in zip(theta, v, strict=False)]
        losses.append(bowl(curv, theta))
    return theta, v, losses


def loop_adagrad(curv, theta, lr, steps, eps=1e-8):
    total = [0.0] * len(theta)
    rates = []
    for _ in range(steps):
        g = bowl_grad(curv, theta)
        total = [s + gi * gi for s, gi in zip(total, g, strict=False)]
        rate = [lr / (math.sqrt(s) + eps) for s in total]
        theta = [t - r * gi for t, r, gi in zip(theta, rate, g, strict=False)]
        rates.append(rate)
    return theta, total, rates


def loop_rmsprop(curv, theta, lr, steps, rho=0.9, eps=1e-8):
    avg = [0.0] * len(theta)
    rates = []
    for _ in range(steps):
        g = bowl_grad(curv, theta)
        avg = [rho * s + (1 - rho) * gi * gi for s, gi in zip(avg, g, strict=False)]
        rate = [lr / (math.sqrt(s) + eps) for s in avg]
        theta = [t - r * gi for t, r, gi in zip(theta, rate, g, strict=False)]
        rates.append(rate)
    return theta, avg, rates


def loop_adam(curv, theta, lr, steps, b1=0.9, b2=0.999, eps=1e-8):
    m = [0.0] * len(theta)
    v = [0.0] * len(theta)
    record = {"m_hat": [], "v_hat": [], "update": []}
    for t in range(1, steps + 1):
        g = bowl_grad(curv, theta)
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g, strict=False)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g, strict=False)]
        m_hat = [mi / (1 - b1**t) for mi in m]
        v_hat = [vi / (1 - b2**t) for vi in v]
        update = [-lr * mh / (math.sqrt(vh) + eps) for mh, vh in zip(m_hat, v_hat, strict=False)]
        theta = [th + u for th, u in zip(theta, update, strict=False)]
        record["m_hat"].append(m_hat)
        record["v_hat"].append(v_hat)
        record["update"].append(update)
    return theta, record


def test_learning_rate_compare_matches_the_closed_form_of_the_bank_example():
    # J = ½·4·θ²: η = 0.1 shrinks θ by 0.6 per step, 0.4 flips it with -0.6, 0.6 multiplies it by -1.4.
    r = result("learning-rate-compare", {"lrs": [0.1, 0.4, 0.6], "curvature": 4, "start": 1.5, "steps": 7})
    assert r["factors"] == pytest.approx([0.6, -0.6, -1.4])
    expected = [1.5 * f**7 for f in (0.6, -0.6, -1.4)]
    assert r["final_theta"] == pytest.approx(expected)
    assert r["final_loss"] == pytest.approx([0.5 * 4 * t * t for t in expected])
    assert r["final_loss"][2] > 0.5 * 4 * 1.5**2  # the too-high rate diverges


def full_batch_loop(xs, ys, lr, epochs):
    w = b = 0.0
    n = len(xs)
    for _ in range(epochs):
        gw = sum((w * x + b - y) * x for x, y in zip(xs, ys, strict=False)) / n
        gb = sum(w * x + b - y for x, y in zip(xs, ys, strict=False)) / n
        w, b = w - lr * gw, b - lr * gb
    return w, b


def test_gd_variants_batch_matches_a_plain_loop_and_counts_updates():
    xs = [-1.0, -0.5, 0.2, 0.7, 1.0]
    ys = [-3.1, -2.0, -0.5, 0.3, 1.2]
    r = result("gd-variants", {"x": xs, "y": ys, "lr": 0.3, "epochs": 4, "batch_size": 2})
    w, b = full_batch_loop(xs, ys, 0.3, 4)
    assert r["weights"]["batch"] == pytest.approx([w, b])
    loss = 0.5 * sum((w * x + b - y) ** 2 for x, y in zip(xs, ys, strict=False)) / len(xs)
    assert r["epoch_losses"]["batch"][-1] == pytest.approx(loss)
    assert r["updates_per_epoch"] == [1, 3, 5]  # ceil(5 / 2) = 3 mini-batches


def test_gd_variants_mini_batch_of_everything_is_batch_and_sgd_on_identical_points_is_a_loop():
    xs, ys = [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]
    r = result("gd-variants", {"x": xs, "y": ys, "lr": 0.1, "epochs": 2, "batch_size": 3})
    assert r["weights"]["mini-batch"] == pytest.approx(r["weights"]["batch"])
    # With identical points the visiting order does not matter: SGD is 6 single-point steps.
    w = b = 0.0
    for _ in range(6):
        residual = w + b - 2.0
        w, b = w - 0.1 * residual, b - 0.1 * residual
    assert r["weights"]["stochastic"] == pytest.approx([w, b])


def test_batch_size_noise_spread_follows_sigma_over_root_b():
    xs = [0.1 * k - 2.0 for k in range(41)]
    ys = [1.5 * x + (0.3 if k % 2 else -0.3) for k, x in enumerate(xs)]
    r = result("batch-size-noise", {"x": xs, "y": ys, "w": 0.5, "batch_sizes": [1, 4, 16, 64], "trials": 4000}, seed=1)
    per_example = [(0.5 * x - y) * x for x, y in zip(xs, ys, strict=False)]
    sigma = statistics.pstdev(per_example)
    assert r["full_gradient"] == pytest.approx(statistics.fmean(per_example))
    assert r["example_std"] == pytest.approx(sigma)
    assert r["predicted_std"] == pytest.approx([sigma / math.sqrt(b) for b in (1, 4, 16, 64)])
    for measured, b in zip(r["measured_std"], (1, 4, 16, 64), strict=False):
        assert measured == pytest.approx(sigma / math.sqrt(b), rel=0.08)
    for mean in r["batch_means"]:
        assert mean == pytest.approx(statistics.fmean(per_example), abs=0.05)


def test_momentum_matches_plain_loops():
    params = {"lr": 0.015, "beta": 0.9, "steps": 50, "curvatures": [1, 100], "start": [-8.0, 1.0]}
    r = result("momentum", params)
    plain = loop_plain([1, 100], [-8.0, 1.0], 0.015, 50)
    # Plain descent has a closed form per coordinate: θᵢ(t) = θᵢ(0)·(1 - η·aᵢ)^t.
    assert plain == pytest.approx([-8.0 * (1 - 0.015) ** 50, 1.0 * (1 - 1.5) ** 50], abs=1e-12)
    assert r["plain_theta"] == pytest.approx(plain, abs=1e-12)
    theta, v, losses = loop_momentum([1, 100], [-8.0, 1.0], 0.015, 50)
    assert r["momentum_theta"] == pytest.approx(theta)
    assert r["velocity"] == pytest.approx(v)
    assert r["momentum_loss"] == pytest.approx(losses[-1])
    first = next(t for t, loss in enumerate(losses) if loss <= 1e-3 * losses[0])
    assert r["steps_to_0.1%"] == [None, first]
    assert r["momentum_loss"] < r["plain_loss"]


def test_adagrad_matches_a_loop_and_its_first_step_is_lr():
    r = result("adagrad", {"lr": 0.5, "steps": 12, "curvatures": [2, 50], "start": [3.0, -1.0], "eps": 1e-8})
    theta, total, rates = loop_adagrad([2, 50], [3.0, -1.0], 0.5, 12)
    assert r["theta"] == pytest.approx(theta)
    assert r["sum_sq"] == pytest.approx(total)
    assert r["last_effective_lr"] == pytest.approx(rates[-1])
    # Step 1: G = g², so the rate is η/|g| with g = (2·3, 50·(-1)).
    assert r["first_effective_lr"] == pytest.approx([0.5 / 6, 0.5 / 50])
    assert all(a >= b for a, b in zip(rates[0], rates[-1], strict=False))


def test_rmsprop_matches_a_loop_and_keeps_a_larger_rate_than_adagrad():
    params = {"lr": 0.05, "rho": 0.9, "steps": 40, "curvatures": [1, 100], "start": [-6.0, 1.0]}
    r = result("rmsprop", params)
    theta, avg, rates = loop_rmsprop([1, 100], [-6.0, 1.0], 0.05, 40)
    _, _, ada_rates = loop_adagrad([1, 100], [-6.0, 1.0], 0.05, 40)
    assert r["theta"] == pytest.approx(theta)
    assert r["mean_sq"] == pytest.approx(avg)
    assert r["last_effective_lr"] == pytest.approx(rates[-1])
    assert r["adagrad_last_effective_lr"] == pytest.approx(ada_rates[-1])
    assert r["last_effective_lr"][0] > r["adagrad_last_effective_lr"][0]


def test_adam_matches_a_loop_and_bias_correction_gives_a_sign_step_first():
    r = result("adam", {"lr": 0.1, "steps": 4, "curvatures": [1, 100], "start": [-6.0, 2.0]})
    theta, record = loop_adam([1, 100], [-6.0, 2.0], 0.1, 4)
    assert r["theta"] == pytest.approx(theta)
    assert flatten(r["m_hat"]) == pytest.approx(flatten(record["m_hat"]))
    assert flatten(r["v_hat"]) == pytest.approx(flatten(record["v_hat"]))
    assert flatten(r["update"]) == pytest.approx(flatten(record["update"]))
    # At t = 1, m̂ = g and v̂ = g², so the update is -η·sign(g) = (+0.1, -0.1).
    assert r["update"][0] == pytest.approx([0.1, -0.1], rel=1e-6)
    assert r["m_hat"][0] == pytest.approx([-6.0, 200.0])


def test_optimizer_race_final_losses_match_loops():
    lrs = [0.019, 0.015, 1.0, 0.1, 0.3]
    r = result("optimizer-race", {"lrs": lrs, "steps": 30, "curvatures": [1, 100], "start": [-6.0, 1.0]})
    curv, start = [1, 100], [-6.0, 1.0]
    finals = [
        loop_plain(curv, start, lrs[0], 30),
        loop_momentum(curv, start, lrs[1], 30)[0],
        loop_adagrad(curv, start, lrs[2], 30)[0],
        loop_rmsprop(curv, start, lrs[3], 30)[0],
        loop_adam(curv, start, lrs[4], 30)[0],
    ]
    assert r["optimizers"] == ["SGD", "momentum", "AdaGrad", "RMSprop", "Adam"]
    assert r["final_loss"] == pytest.approx([bowl(curv, t) for t in finals], abs=1e-12)


def test_lr_schedules_match_the_bank_numbers():
    r = result(
        "lr-schedules", {"lr0": 0.1, "epochs": 30, "step_every": 10, "step_gamma": 0.5, "exp_gamma": 0.9, "lr_min": 0.0}
    )
    assert r["constant"] == pytest.approx([0.1] * 31)
    assert r["step"][:30] == pytest.approx([0.1] * 10 + [0.05] * 10 + [0.025] * 10)
    assert r["exponential"][:3] == pytest.approx([0.1, 0.09, 0.081])
    assert r["exponential"][10] == pytest.approx(0.1 * 0.9**10)  # about 0.035
    assert r["cosine"] == pytest.approx([0.05 * (1 + math.cos(math.pi * t / 30)) for t in range(31)])
    assert r["cosine"][15] == pytest.approx(0.05)  # exactly halfway at T/2
    assert r["cosine"][30] == pytest.approx(0.0, abs=1e-15)


def test_lr_warmup_is_linear_then_cosine():
    r = result("lr-warmup", {"peak_lr": 0.002, "warmup_steps": 4, "total_steps": 12, "min_lr": 0.0002})
    expected = []
    for t in range(13):
        if t < 4:
            expected.append(0.002 * t / 4)
        else:
            expected.append(0.0002 + 0.0018 * 0.5 * (1 + math.cos(math.pi * (t - 4) / 8)))
    assert r["lr"] == pytest.approx(expected)
    assert max(r["lr"]) == pytest.approx(0.002) and r["lr"].index(max(r["lr"])) == 4


def test_optimization_bad_inputs_say_what_is_expected():
    with pytest.raises(DemoInputError, match="lrs must be one to six positive learning rates"):
        run_demo("learning-rate-compare", {"lrs": [0.1, -0.2]})
    with pytest.raises(DemoInputError, match="start must have one entry per curvature"):
        run_demo("momentum", {"curvatures": [1, 10], "start": [1, 2, 3]})
    with pytest.raises(DemoInputError, match="five positive learning rates"):
        run_demo("optimizer-race", {"lrs": [0.1, 0.1]})
    with pytest.raises(DemoInputError, match="x and y must have the same length"):
        run_demo("gd-variants", {"x": [1, 2], "y": [1]})


def apply_power(matrix, steps, vector):
    state = list(vector)
    for _ in range(steps):
        state = [matrix[0][0] * state[0] + matrix[0][1] * state[1], matrix[1][0] * state[0] + matrix[1][1] * state[1]]
    return state


def spectral_radius(matrix) -> float:
    trace = matrix[0][0] + matrix[1][1]
    det = matrix[0][0] * matrix[1][1] - matrix[0][1] * matrix[1][0]
    root = cmath.sqrt(trace * trace - 4 * det)
    return max(abs((trace + root) / 2), abs((trace - root) / 2))


def test_nesterov_and_heavy_ball_match_their_linear_maps():
    curv, start, lr, beta, steps = [1.0, 25.0], [-7.0, 1.2], 0.05, 0.9, 40
    out = result("nesterov-vs-momentum", {"curvatures": curv, "start": start, "lr": lr, "beta": beta, "steps": steps})
    for i, a in enumerate(curv):
        c = 1 - lr * a
        heavy = [[c, -lr * beta], [a, beta]]  # (θ, v) → (θ', v') with v' = βv + aθ, θ' = θ - ηv'
        ahead = [[c, -lr * beta * c], [a, beta * c]]  # v' = βv + a(θ - ηβv)
        assert out["heavy_ball_theta"][i] == pytest.approx(apply_power(heavy, steps, [start[i], 0.0])[0], abs=1e-12)
        assert out["nesterov_theta"][i] == pytest.approx(apply_power(ahead, steps, [start[i], 0.0])[0], abs=1e-12)
        assert out["heavy_ball_factors"][i] == pytest.approx(spectral_radius(heavy))
        assert out["nesterov_factors"][i] == pytest.approx(spectral_radius(ahead))
    # Heavy ball with complex eigenvalues shrinks by exactly √β per step; Nesterov does better on both axes here.
    assert out["heavy_ball_factors"] == pytest.approx([math.sqrt(beta)] * 2)
    assert max(out["nesterov_factors"]) < max(out["heavy_ball_factors"])
    assert out["nesterov_loss"] < out["heavy_ball_loss"]


def test_nesterov_reports_a_bad_start():
    with pytest.raises(DemoInputError, match="one entry per curvature"):
        run_demo("nesterov-vs-momentum", {"curvatures": [1, 10], "start": [1, 2, 3]})


def adam_loop(grads, w0, lr, lam, decoupled, b1=0.9, b2=0.999, eps=1e-8):
    w, m, v = w0, 0.0, 0.0
    for t, g_data in enumerate(grads, start=1):
        g = g_data if decoupled else g_data + lam * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        step = (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
        w = w - lr * step - (lr * lam * w if decoupled else 0.0)
    return w


def test_adamw_and_adam_l2_match_plain_loops():
    grads = [[3.0, 0.01], [-2.0, -0.02], [4.0, 0.005], [-1.0, 0.0], [0.5, -0.01]]
    params = {"grads": grads, "start": [1.0, -0.5], "lr": 0.1, "decay": 0.3}
    out = result("adamw-vs-l2", params)
    for i in range(2):
        column = [row[i] for row in grads]
        assert out["adam_l2"][i] == pytest.approx(adam_loop(column, params["start"][i], 0.1, 0.3, False), abs=1e-12)
        assert out["adamw"][i] == pytest.approx(adam_loop(column, params["start"][i], 0.1, 0.3, True), abs=1e-12)
        assert out["decay_only"][i] == pytest.approx(params["start"][i] * (1 - 0.03) ** 5)


def test_adamw_with_no_data_gradient_is_pure_exponential_decay_and_l2_is_not():
    out = result("adamw-vs-l2", {"grads": [[0.0, 0.0]] * 10, "start": [2.0, 0.01], "lr": 0.01, "decay": 0.5})
    assert out["adamw"] == pytest.approx([2.0 * 0.995**10, 0.01 * 0.995**10])
    # Under Adam + L2 the decay gradient λw is normalised away: each step moves w by about η whatever its size.
    assert out["adam_l2"][0] == pytest.approx(2.0 - 10 * 0.01, abs=1e-3)
    assert abs(out["adam_l2"][1]) < 0.005
    one = result("adamw-vs-l2", {"grads": [[0.0, 0.0]], "start": [2.0, 0.01], "lr": 0.01, "decay": 0.5})
    assert one["adam_l2"] == pytest.approx([2.0 - 0.01 * 1.0 / (1.0 + 1e-8), 0.01 - 0.01 * 0.005 / (0.005 + 1e-8)])


def test_adamw_grads_must_match_start():
    with pytest.raises(DemoInputError, match="one entry per column of grads"):
        run_demo("adamw-vs-l2", {"grads": [[1, 2]], "start": [1, 2, 3]})


def sgd_loop(xs, ys, lr, batch, epochs):
    w = b = 0.0
    for _ in range(epochs):
        for begin in range(0, len(xs), batch):
            rows = list(zip(xs[begin : begin + batch], ys[begin : begin + batch], strict=False))
            gw = sum((w * x + b - y) * x for x, y in rows) / len(rows)
            gb = sum((w * x + b - y) for x, y in rows) / len(rows)
            w, b = w - lr * gw, b - lr * gb
    return 0.5 * sum((w * x + b - y) ** 2 for x, y in zip(xs, ys, strict=False)) / len(xs)


def test_linear_scaling_rule_matches_a_plain_sgd_loop():
    first = run_demo("linear-scaling-rule", seed=4)
    xs, ys = first.params["x"], first.params["y"]
    out = first.result
    base, base_batch = first.params["base_lr"], first.params["base_batch"]
    for j, batch in enumerate(first.params["batch_sizes"]):
        k = batch / base_batch
        for rule, lr in (("same η", base), ("√k·η", base * math.sqrt(k)), ("k·η", base * k)):
            assert out["lrs"][rule][j] == pytest.approx(lr)
            assert out["final_loss"][rule][j] == pytest.approx(
                sgd_loop(xs, ys, lr, batch, first.params["epochs"]), rel=1e-9
            )
    n = len(xs)
    a, b, c = sum(x * x for x in xs) / n, sum(xs) / n, 1.0
    top = (a + c) / 2 + math.sqrt(((a - c) / 2) ** 2 + b * b)
    assert out["stability_limit"] == pytest.approx(2 / top)
    # The default story: the linear rule matches the small batch at 16 but overshoots at 64.
    assert out["final_loss"]["k·η"][1] < 2 * out["final_loss"]["k·η"][0]
    assert out["final_loss"]["k·η"][2] > out["final_loss"]["√k·η"][2]


def test_linear_scaling_rule_blames_the_stability_limit_not_missing_warmup():
    run = run_demo("linear-scaling-rule", seed=4)
    out = run.result
    linear_lr = out["lrs"]["k·η"][2]
    assert linear_lr > out["stability_limit"]  # the blow-up comes from η past 2/λ_max
    story = run.steps[-1]["text"]
    assert f"η = {linear_lr:.3g}" in story and "past that limit" in story
    assert "would not help" in story  # constant curvature: warmup cannot rescue an η past the limit
    assert "adds warmup" not in story


def test_linear_scaling_rejects_oversized_batches():
    with pytest.raises(DemoInputError, match="batch_sizes"):
        run_demo("linear-scaling-rule", {"x": [1, 2, 3, 4], "y": [1, 2, 3, 4], "base_batch": 1, "batch_sizes": [8]})


def logistic(w, xs, ys, lam):
    data = sum(
        math.log(1 + math.exp(-y * sum(a * b for a, b in zip(w, x, strict=False))))
        for x, y in zip(xs, ys, strict=False)
    ) / len(ys)
    return data + 0.5 * lam * sum(v * v for v in w)


def test_gradient_check_against_own_finite_differences():
    xs = [[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 0.1], [1.0, 1.0, 1.0]]
    ys = [1, -1, 1, -1]
    w = [0.3, -0.6, 0.9]
    out = result("gradient-check", {"x": xs, "y": ys, "w": w, "lam": 0.2})
    mine = central_gradient(lambda v: logistic(v, xs, ys, 0.2), w, 1e-6)
    assert out["analytic"] == pytest.approx(mine, abs=1e-8)
    assert out["numeric"] == pytest.approx(mine, abs=1e-8)
    assert out["max_rel_error"] < 1e-7
    buggy = [g - 0.2 * v for g, v in zip(mine, w, strict=False)]  # the same gradient without the penalty's λw
    assert out["buggy_max_rel_error"] == pytest.approx(
        max(rel_err(b, g) for b, g in zip(buggy, mine, strict=False)), rel=1e-5
    )
    assert out["buggy_max_rel_error"] > 1e-2
    # Central differences beat forward ones at their best epsilon.
    assert min(out["central_errors"]) < min(out["forward_errors"]) / 10


def test_gradient_check_labels_must_be_signs():
    with pytest.raises(DemoInputError, match="each -1 or 1"):
        run_demo("gradient-check", {"x": [[1, 2], [3, 4]], "y": [0, 1]})


def test_val_below_train_losses_and_dropout_expectation():
    first = run_demo("val-below-train", seed=5)
    out, params = first.result, first.params
    xs, ys, p = params["x"], params["y"], params["p"]
    half_n = len(xs) // 2
    w, b = out["weights"], out["bias"]

    def mse(rows, targets):
        return sum(
            (sum(a * c for a, c in zip(w, x, strict=False)) + b - y) ** 2 for x, y in zip(rows, targets, strict=False)
        ) / len(rows)

    assert out["train_eval"][-1] == pytest.approx(mse(xs[:half_n], ys[:half_n]))
    assert out["val"][-1] == pytest.approx(mse(xs[half_n:], ys[half_n:]))
    # Exact expectation over all 2^d keep/drop masks, each with its probability.
    expected = 0.0
    for mask in product([0, 1], repeat=len(w)):
        weight = math.prod((1 - p) if keep else p for keep in mask)
        loss = (
            sum(
                (sum(a * c * keep / (1 - p) for a, c, keep in zip(w, x, mask, strict=False)) + b - y) ** 2
                for x, y in zip(xs[:half_n], ys[:half_n], strict=False)
            )
            / half_n
        )
        expected += weight * loss
    assert out["expected_train_dropout"][-1] == pytest.approx(expected)
    assert out["dropout_penalty"] == pytest.approx(expected - out["train_eval"][-1])


@pytest.mark.parametrize("seed", range(5))
def test_logged_training_loss_sits_above_validation(seed):
    out = result("val-below-train", seed=seed)
    assert sum(a > v for a, v in zip(out["logged_train"], out["val"], strict=False)) >= len(out["val"]) - 1
    assert all(e > t for e, t in zip(out["expected_train_dropout"], out["train_eval"], strict=False))
