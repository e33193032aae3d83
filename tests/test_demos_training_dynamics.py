"""The optimisation and network demos, each checked against an independent computation.

Gradients are checked against central finite differences of plain-Python forward passes or against
closed forms; optimiser runs against plain-Python loops of the textbook update rules.
"""

from __future__ import annotations

import math
import statistics

import pytest

from .numeric import central_gradient

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError


def result(name, params=None, seed=0):
    return run_demo(name, params or {}, seed).result


# ---------------------------------------------------------------- plain-Python helpers


def matvec(m, v):
    return [sum(a * b for a, b in zip(row, v)) for row in m]


def transpose(m):
    return [list(col) for col in zip(*m)]


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def flatten(m):
    return [x for row in m for x in row]


def bowl_grad(curv, theta):
    return [a * t for a, t in zip(curv, theta)]


def bowl(curv, theta):
    return 0.5 * sum(a * t * t for a, t in zip(curv, theta))


def loop_plain(curv, theta, lr, steps):
    for _ in range(steps):
        theta = [t - lr * g for t, g in zip(theta, bowl_grad(curv, theta))]
    return theta


def loop_momentum(curv, theta, lr, steps, beta=0.9):
    v = [0.0] * len(theta)
    losses = [bowl(curv, theta)]
    for _ in range(steps):
        v = [beta * vi + g for vi, g in zip(v, bowl_grad(curv, theta))]
        theta = [t - lr * vi for t, vi in zip(theta, v)]
        losses.append(bowl(curv, theta))
    return theta, v, losses


def loop_adagrad(curv, theta, lr, steps, eps=1e-8):
    total = [0.0] * len(theta)
    rates = []
    for _ in range(steps):
        g = bowl_grad(curv, theta)
        total = [s + gi * gi for s, gi in zip(total, g)]
        rate = [lr / (math.sqrt(s) + eps) for s in total]
        theta = [t - r * gi for t, r, gi in zip(theta, rate, g)]
        rates.append(rate)
    return theta, total, rates


def loop_rmsprop(curv, theta, lr, steps, rho=0.9, eps=1e-8):
    avg = [0.0] * len(theta)
    rates = []
    for _ in range(steps):
        g = bowl_grad(curv, theta)
        avg = [rho * s + (1 - rho) * gi * gi for s, gi in zip(avg, g)]
        rate = [lr / (math.sqrt(s) + eps) for s in avg]
        theta = [t - r * gi for t, r, gi in zip(theta, rate, g)]
        rates.append(rate)
    return theta, avg, rates


def loop_adam(curv, theta, lr, steps, b1=0.9, b2=0.999, eps=1e-8):
    m = [0.0] * len(theta)
    v = [0.0] * len(theta)
    record = {"m_hat": [], "v_hat": [], "update": []}
    for t in range(1, steps + 1):
        g = bowl_grad(curv, theta)
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        m_hat = [mi / (1 - b1**t) for mi in m]
        v_hat = [vi / (1 - b2**t) for vi in v]
        update = [-lr * mh / (math.sqrt(vh) + eps) for mh, vh in zip(m_hat, v_hat)]
        theta = [th + u for th, u in zip(theta, update)]
        record["m_hat"].append(m_hat)
        record["v_hat"].append(v_hat)
        record["update"].append(update)
    return theta, record


# ---------------------------------------------------------------- learning rates and gradient descent variants


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
        gw = sum((w * x + b - y) * x for x, y in zip(xs, ys)) / n
        gb = sum(w * x + b - y for x, y in zip(xs, ys)) / n
        w, b = w - lr * gw, b - lr * gb
    return w, b


def test_gd_variants_batch_matches_a_plain_loop_and_counts_updates():
    xs = [-1.0, -0.5, 0.2, 0.7, 1.0]
    ys = [-3.1, -2.0, -0.5, 0.3, 1.2]
    r = result("gd-variants", {"x": xs, "y": ys, "lr": 0.3, "epochs": 4, "batch_size": 2})
    w, b = full_batch_loop(xs, ys, 0.3, 4)
    assert r["weights"]["batch"] == pytest.approx([w, b])
    loss = 0.5 * sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
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
    per_example = [(0.5 * x - y) * x for x, y in zip(xs, ys)]
    sigma = statistics.pstdev(per_example)
    assert r["full_gradient"] == pytest.approx(statistics.fmean(per_example))
    assert r["example_std"] == pytest.approx(sigma)
    assert r["predicted_std"] == pytest.approx([sigma / math.sqrt(b) for b in (1, 4, 16, 64)])
    for measured, b in zip(r["measured_std"], (1, 4, 16, 64)):
        assert measured == pytest.approx(sigma / math.sqrt(b), rel=0.08)
    for mean in r["batch_means"]:
        assert mean == pytest.approx(statistics.fmean(per_example), abs=0.05)


# ---------------------------------------------------------------- optimisers


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
    assert all(a >= b for a, b in zip(rates[0], rates[-1]))


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
    r = result("lr-schedules", {"lr0": 0.1, "epochs": 30, "step_every": 10, "step_gamma": 0.5, "exp_gamma": 0.9, "lr_min": 0.0})
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
    slope_z = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / n / sx
    assert r["scaled_fit"] == pytest.approx([slope_z, mean_y])
    # The raw run, repeated as a plain loop with the rate 1/λmax, needs the same number of steps.
    slope = slope_z / sx
    best = [slope, mean_y - slope * mean_x]

    def excess(p):
        loss = 0.5 * sum((p[0] * x + p[1] - y) ** 2 for x, y in zip(xs, ys)) / n
        floor = 0.5 * sum((best[0] * x + best[1] - y) ** 2 for x, y in zip(xs, ys)) / n
        return loss - floor

    p, start, steps = [0.0, 0.0], excess([0.0, 0.0]), 0
    while excess(p) > 1e-3 * start:
        gw = sum((p[0] * x + p[1] - y) * x for x, y in zip(xs, ys)) / n
        gb = sum(p[0] * x + p[1] - y for x, y in zip(xs, ys)) / n
        p = [p[0] - gw / high, p[1] - gb / high]
        steps += 1
    assert r["steps_raw"] == pytest.approx(steps, abs=1)  # ±1 for rounding right at the threshold
    assert r["steps_raw"] > 20 * r["steps_scaled"]


def test_optimization_bad_inputs_say_what_is_expected():
    with pytest.raises(DemoInputError, match="lrs must be one to six positive learning rates"):
        run_demo("learning-rate-compare", {"lrs": [0.1, -0.2]})
    with pytest.raises(DemoInputError, match="start must have one entry per curvature"):
        run_demo("momentum", {"curvatures": [1, 10], "start": [1, 2, 3]})
    with pytest.raises(DemoInputError, match="five positive learning rates"):
        run_demo("optimizer-race", {"lrs": [0.1, 0.1]})
    with pytest.raises(DemoInputError, match="x and y must have the same length"):
        run_demo("gd-variants", {"x": [1, 2], "y": [1]})


# ---------------------------------------------------------------- networks


def test_perceptron_matches_a_plain_loop_and_stays_under_the_novikoff_bound():
    xs = [[2.0, 1.0], [1.5, 2.5], [-1.0, -0.5], [-2.0, 1.0], [0.5, 3.0], [-0.5, -2.0]]
    ys = [1, 1, -1, -1, 1, -1]
    r = result("perceptron", {"x": xs, "y": ys, "lr": 1, "max_epochs": 20})
    w, b, mistakes = [0.0, 0.0], 0.0, []
    for _ in range(20):
        count = 0
        for (x1, x2), y in zip(xs, ys):
            if y * (w[0] * x1 + w[1] * x2 + b) <= 0:
                w, b, count = [w[0] + y * x1, w[1] + y * x2], b + y, count + 1
        mistakes.append(count)
        if count == 0:
            break
    assert r["w"] == pytest.approx(w) and r["b"] == pytest.approx(b)
    assert r["mistakes_per_epoch"] == mistakes
    assert r["converged"] and r["correct"] == 6
    assert r["updates"] <= r["novikoff_bound"]
    # Labels 0/1 mean the same as -1/+1.
    again = result("perceptron", {"x": xs, "y": [1, 1, 0, 0, 1, 0], "lr": 1, "max_epochs": 20})
    assert again["w"] == r["w"]


def test_perceptron_never_settles_on_xor():
    r = result("perceptron", {"x": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [-1, 1, 1, -1], "max_epochs": 30})
    assert not r["converged"] and r["correct"] < 4
    assert all(m > 0 for m in r["mistakes_per_epoch"])


def test_mlp_forward_matches_the_bank_example_and_hand_loops():
    r = result("mlp-forward", {"x": [1, 2], "w1": [[1, 0], [-1, 1]], "b1": [0, -2], "w2": [2, 3], "b2": 0.5})
    assert r["z1"] == pytest.approx([1, -1])
    assert r["h"] == pytest.approx([1, 0])
    assert r["output"] == pytest.approx(2.5)
    x, w1, b1 = [0.5, -1.0, 2.0], [[1, 2, 0], [0, -1, 1], [3, 0, -2], [-1, 1, 1]], [0.5, -0.5, 0, 1]
    w2, b2 = [[1, -1, 2, 0.5], [0, 1, 1, -2]], [0.1, -0.2]
    r = result("mlp-forward", {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2})
    h = [max(0.0, z + b) for z, b in zip(matvec(w1, x), b1)]
    assert r["h"] == pytest.approx(h)
    assert r["output"] == pytest.approx([o + b for o, b in zip(matvec(w2, h), b2)])


def test_xor_hidden_layer_linear_fails_and_hidden_layer_solves():
    r = result("xor-hidden-layer")
    # The least-squares plane through XOR is flat at the mean, 0.5 (by symmetry of the four points).
    assert r["linear_fit"] == pytest.approx([0.5] * 4)
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    hidden = [[sig(20 * a + 20 * b - 10), sig(-20 * a - 20 * b + 30)] for a, b in inputs]
    output = [sig(20 * h1 + 20 * h2 - 30) for h1, h2 in hidden]
    assert flatten(r["hidden"]) == pytest.approx(flatten(hidden))
    assert r["output"] == pytest.approx(output)
    assert r["predictions"] == [0, 1, 1, 0] and r["correct"] == 4


def tiny_net_loss(flat, xs, ys, hidden):
    k = len(xs[0])
    W1 = [flat[i * k : (i + 1) * k] for i in range(hidden)]
    b1 = flat[hidden * k : hidden * k + hidden]
    w2 = flat[hidden * k + hidden : hidden * k + 2 * hidden]
    b2 = flat[-1]
    total = 0.0
    for x, y in zip(xs, ys):
        h = [math.tanh(z + b) for z, b in zip(matvec(W1, x), b1)]
        total += 0.5 * (sum(a * b for a, b in zip(w2, h)) + b2 - y) ** 2
    return total / len(xs)


def test_backprop_check_gradients_match_independent_finite_differences():
    xs = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.0, 1.2]]
    ys = [0.3, -0.5, 1.0, 0.2]
    w1, b1, w2, b2 = [[0.4, -0.6], [1.1, 0.2], [-0.3, 0.9]], [0.1, -0.2, 0.05], [0.7, -1.2, 0.5], 0.3
    r = result("backprop-check", {"x": xs, "y": ys, "w1": w1, "b1": b1, "w2": w2, "b2": b2})
    flat = flatten(w1) + b1 + w2 + [b2]
    numeric = central_gradient(lambda f: tiny_net_loss(f, xs, ys, 3), flat)
    got = r["backprop"]
    assert flatten(got["w1"]) + got["b1"] + got["w2"] + [got["b2"]] == pytest.approx(numeric, abs=1e-8)
    assert r["loss"] == pytest.approx(tiny_net_loss(flat, xs, ys, 3))
    assert r["max_relative_error"] < 1e-6
    assert r["buggy_max_relative_error"] > 1e-2


def test_chain_rule_graph_matches_closed_form_and_finite_differences():
    r = result("chain-rule-graph", {"x": 3, "y": -4, "z": 2, "w": -1.5})
    assert r["forward"] == pytest.approx({"a": -12, "b": -10, "f": 15})
    assert r["gradients"] == pytest.approx({"x": -1.5 * -4, "y": -1.5 * 3, "z": -1.5, "w": -10})
    def f(v):
        return (v[0] * v[1] + v[2]) * v[3]

    numeric = central_gradient(f, [3.0, -4.0, 2.0, -1.5])
    assert [r["gradients"][k] for k in "xyzw"] == pytest.approx(numeric, abs=1e-6)


def test_universal_approximation_one_unit_is_the_best_line_and_more_units_beat_interpolation():
    r = result("universal-approximation", {"coefficients": [1.0], "units": [1, 4, 16]})
    grid = [math.pi * i / 200 for i in range(201)]
    target = [math.sin(x) for x in grid]
    # One unit ReLU(x - 0) = x on [0, π]: the fit is the least-squares line.
    mx, my = statistics.fmean(grid), statistics.fmean(target)
    slope = sum((x - mx) * (y - my) for x, y in zip(grid, target)) / sum((x - mx) ** 2 for x in grid)
    line = [my + slope * (x - mx) for x in grid]
    assert r["rms_error"][0] == pytest.approx(math.sqrt(statistics.fmean([(a - b) ** 2 for a, b in zip(line, target)])))
    # n units span every continuous piecewise-linear function with kinks at π·j/n, including the
    # interpolant of sin through those points, so the least-squares error is no larger than it.
    for n, rms in zip((4, 16), r["rms_error"][1:]):
        knots = [math.pi * j / n for j in range(n + 1)]

        def interp(x):
            j = min(int(x / (math.pi / n)), n - 1)
            t = (x - knots[j]) / (knots[j + 1] - knots[j])
            return (1 - t) * math.sin(knots[j]) + t * math.sin(knots[j + 1])

        interp_rms = math.sqrt(statistics.fmean([(interp(x) - y) ** 2 for x, y in zip(grid, target)]))
        assert rms <= interp_rms + 1e-12
    assert r["rms_error"][0] > r["rms_error"][1] > r["rms_error"][2]


def test_depth_efficiency_doubles_pieces_per_layer():
    r = result("depth-efficiency", {"depth": 6})
    assert r["deep_pieces"] == [2**k for k in range(1, 7)]
    assert r["shallow_max_pieces"] == [2 * k + 1 for k in range(1, 7)]
    assert r["shallow_fit_rms"] > 0.1


def stack_loss(flat, x, depth, width, act):
    h = list(x)
    for layer in range(depth):
        W = [flat[(layer * width + i) * width : (layer * width + i + 1) * width] for i in range(width)]
        h = [act(z) for z in matvec(W, h)]
    return sum(h)


def frobenius_by_layer(grads, depth, width):
    size = width * width
    return [math.sqrt(sum(g * g for g in grads[k * size : (k + 1) * size])) for k in range(depth)]


def test_vanishing_gradient_norms_match_finite_differences():
    weights = [[[0.9, -0.7], [0.4, 1.1]], [[-1.2, 0.5], [0.8, 0.6]], [[0.3, 1.4], [-0.9, 0.7]]]
    x = [0.8, 0.5]
    r = result("vanishing-gradient", {"depth": 3, "width": 2, "weights": weights, "x": x})
    flat = [v for m in weights for row in m for v in row]
    for name, act in (("sigmoid", sig), ("relu", lambda z: max(0.0, z))):
        numeric = central_gradient(lambda f: stack_loss(f, x, 3, 2, act), flat)
        assert r[name] == pytest.approx(frobenius_by_layer(numeric, 3, 2), rel=1e-5), name


def test_vanishing_gradient_default_sigmoid_shrinks_and_relu_does_not():
    r = result("vanishing-gradient", seed=5)
    assert len(r["sigmoid"]) == 20
    assert r["sigmoid"][0] / r["sigmoid"][-1] < 1e-5
    assert r["relu"][0] / r["relu"][-1] > 1e-2


def test_exploding_gradient_diagonal_matrix_closed_form():
    r = result("exploding-gradient", {"matrix": [[2, 0], [0, 0.5]], "steps": 6, "grad": [1, 1]})
    assert r["norms"] == pytest.approx([math.sqrt(4**k + 0.25**k) for k in range(7)])
    assert r["spectral_radius"] == pytest.approx(2.0)
    m = [[1.1, 0.4], [-0.3, 0.9]]
    r = result("exploding-gradient", {"matrix": m, "steps": 5, "grad": [0.5, -1.0]})
    g, norms = [0.5, -1.0], [math.hypot(0.5, -1.0)]
    for _ in range(5):
        g = matvec(transpose(m), g)
        norms.append(math.hypot(*g))
    assert r["norms"] == pytest.approx(norms)
    # Eigenvalues of [[1.1, 0.4], [-0.3, 0.9]]: 1 ± i·sqrt(0.11), modulus sqrt(1.11).
    assert r["spectral_radius"] == pytest.approx(math.sqrt(1.11))


def test_gradient_clipping_bank_example():
    r = result("gradient-clipping", {"grad": [3, 4], "threshold": 1})
    assert r["norm"] == pytest.approx(5.0)
    assert r["scale"] == pytest.approx(0.2)
    assert r["clipped"] == pytest.approx([0.6, 0.8])
    assert r["clipped_norm"] == pytest.approx(1.0)
    small = result("gradient-clipping", {"grad": [0.3, -0.4], "threshold": 1})
    assert small["clipped"] == pytest.approx([0.3, -0.4]) and small["scale"] == 1.0


def test_clip_value_vs_norm_bank_example():
    r = result("clip-value-vs-norm", {"grad": [3, 4], "threshold": 1})
    assert r["by_value"] == pytest.approx([1, 1])
    assert r["by_norm"] == pytest.approx([0.6, 0.8])
    assert r["angle_value_deg"] == pytest.approx(math.degrees(math.atan2(4, 3)) - 45.0)  # about 8.13°
    assert r["angle_norm_deg"] == pytest.approx(0.0, abs=1e-6)


def residual_loss(x, weights, residual):
    h = list(x)
    for W in weights:
        a = [math.tanh(z) for z in matvec(W, h)]
        h = [hi + ai for hi, ai in zip(h, a)] if residual else a
    return sum(h)


def test_residual_connection_input_gradients_match_finite_differences():
    weights = [[[0.2, -0.1, 0.3], [0.05, 0.25, -0.2], [-0.3, 0.1, 0.15]] for _ in range(4)]
    weights[1][0][2] = -0.35
    x = [0.5, -0.4, 0.9]
    r = result("residual-connection", {"depth": 4, "width": 3, "weights": weights, "x": x})
    for key, residual in (("plain_input_grad", False), ("residual_input_grad", True)):
        numeric = central_gradient(lambda v: residual_loss(v, weights, residual), x)
        assert r[key] == pytest.approx(numeric, abs=1e-8), key
    # ∂L/∂h at the top is the all-ones vector, of norm √width, in both stacks.
    assert r["plain_grad_norm"][-1] == pytest.approx(math.sqrt(3))
    assert r["residual_grad_norm"][-1] == pytest.approx(math.sqrt(3))
    assert r["residual_grad_norm"][0] > r["plain_grad_norm"][0]


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
        for before, after in zip(spread, spread[1:]):
            assert (after / before) ** 2 == pytest.approx(width * std**2 / 2, rel=0.15), key


def test_adversarial_fgsm_gradient_and_score_shift():
    w = [0.8, -1.2, 0.5, 2.0, -0.3]
    x = [0.2, 0.7, 0.4, 0.1, 0.9]
    b, y, eps = 0.6, 1, 0.3
    r = result("adversarial-fgsm", {"w": w, "b": b, "x": x, "y": y, "epsilon": eps})
    score = sum(wi * xi for wi, xi in zip(w, x)) + b

    def loss(v):  # binary cross-entropy for label 1
        return -math.log(sig(sum(wi * vi for wi, vi in zip(w, v)) + b))

    assert r["input_gradient"] == pytest.approx(central_gradient(loss, x), abs=1e-7)
    l1 = sum(abs(wi) for wi in w)
    assert r["score"] == pytest.approx(score)
    assert r["adversarial_score"] == pytest.approx(score - eps * l1)
    assert r["min_flip_epsilon"] == pytest.approx(abs(score) / l1)
    assert r["flipped"] == (eps > abs(score) / l1)
    assert r["adversarial_probability"] == pytest.approx(sig(score - eps * l1))


def test_input_gradient_saliency_matches_finite_differences():
    x = [0.5, -1.0, 2.0]
    w1 = [[0.3, -0.2, 0.1], [0.5, 0.4, -0.3], [-0.6, 0.2, 0.05], [0.1, -0.7, 0.2]]
    b1, w2, b2 = [0.1, 0.0, -0.2, 0.3], [1.0, -0.5, 0.8, 0.6], 0.2

    def out(v):
        h = [math.tanh(z + bb) for z, bb in zip(matvec(w1, v), b1)]
        return sum(a * c for a, c in zip(w2, h)) + b2

    r = result("input-gradient-saliency", {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2})
    numeric = central_gradient(out, x)
    assert r["output"] == pytest.approx(out(x))
    assert r["gradient"] == pytest.approx(numeric, abs=1e-8)
    assert r["saliency"] == pytest.approx([abs(g) for g in numeric], abs=1e-8)
    assert r["ranking"] == [i + 1 for i in sorted(range(3), key=lambda i: -abs(numeric[i]))]


def test_network_bad_inputs_say_what_is_expected():
    with pytest.raises(DemoInputError, match="w1 must be a matrix with 2 columns"):
        run_demo("mlp-forward", {"x": [1, 2], "w1": [[1, 2, 3]]})
    with pytest.raises(DemoInputError, match=r"weights must have shape \(3, 2, 2\)"):
        run_demo("vanishing-gradient", {"depth": 3, "width": 2, "weights": [[[1, 0], [0, 1]]]})
    with pytest.raises(DemoInputError, match="matrix must be square"):
        run_demo("exploding-gradient", {"matrix": [[1, 2, 3], [4, 5, 6]]})
    with pytest.raises(DemoInputError, match="y must hold labels -1 and \\+1"):
        run_demo("perceptron", {"x": [[0, 1], [1, 0]], "y": [2, -1]})
    with pytest.raises(DemoInputError, match="give the labels y"):
        run_demo("perceptron", {"x": [[0, 1], [1, 0]]})
