"""Optimisation practice, losses and numerics (issue 9): demos and drills against independent computations.

Demos are checked against closed forms, plain-Python loops of the textbook rules, finite differences, exact
enumeration, high-precision Decimal arithmetic and the struct module's own float16 and float32 rounding.
Drills are recomputed by hand from problem.params only.
"""

from __future__ import annotations

import cmath
import json
import math
import struct
from decimal import Decimal, getcontext
from itertools import product

import pytest

from .numeric import central_gradient

from quizprep.demos import run_demo
from quizprep.demos.catalog_practice import DEMOS as AREA_DEMOS
from quizprep.demos.framework import DemoInputError
from quizprep.drills import generate



def result(name, params=None, seed=0):
    return run_demo(name, params or {}, seed).result


# ---------------------------------------------------------------- plain-Python helpers


def half(x: float) -> float:
    """Round to IEEE float16 with the struct module (raises OverflowError past float16's range)."""
    return struct.unpack("<e", struct.pack("<e", x))[0]


def single(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def brain(x: float) -> float:
    """Round to bfloat16: 8 significant bits, nearest-even (Python's round), full float32 exponent range."""
    if x == 0:
        return 0.0
    mantissa, exponent = math.frexp(x)  # x = mantissa·2^exponent, 0.5 <= |mantissa| < 1
    return round(mantissa * 2**8) / 2**8 * 2.0**exponent


def rel_err(a: float, b: float) -> float:
    top = max(abs(a), abs(b))
    return abs(a - b) / top if top else 0.0


def matmul2(a, b):
    return [[sum(a[i][k] * b[k][j] for k in range(2)) for j in range(2)] for i in range(2)]


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


def softmax_list(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    return [v / sum(e) for v in e]


def decimal_lse(z) -> Decimal:
    getcontext().prec = 50
    return sum(Decimal(v).exp() for v in z).ln()


# ---------------------------------------------------------------- catalog


def test_area_demos_are_all_implemented():
    # Speed is measured by scripts/bench_demos.py, not asserted here: machines are noisy.
    for name in AREA_DEMOS:
        first = run_demo(name, seed=3).to_dict()
        assert 2 <= len(first["steps"]) <= 8, name
        json.dumps(first, allow_nan=False)


# ---------------------------------------------------------------- nesterov-vs-momentum


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


# ---------------------------------------------------------------- adamw-vs-l2


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


# ---------------------------------------------------------------- linear-scaling-rule


def sgd_loop(xs, ys, lr, batch, epochs):
    w = b = 0.0
    for _ in range(epochs):
        for begin in range(0, len(xs), batch):
            rows = list(zip(xs[begin : begin + batch], ys[begin : begin + batch]))
            gw = sum((w * x + b - y) * x for x, y in rows) / len(rows)
            gb = sum((w * x + b - y) for x, y in rows) / len(rows)
            w, b = w - lr * gw, b - lr * gb
    return 0.5 * sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


def test_linear_scaling_rule_matches_a_plain_sgd_loop():
    first = run_demo("linear-scaling-rule", seed=4)
    xs, ys = first.params["x"], first.params["y"]
    out = first.result
    base, base_batch = first.params["base_lr"], first.params["base_batch"]
    for j, batch in enumerate(first.params["batch_sizes"]):
        k = batch / base_batch
        for rule, lr in (("same η", base), ("√k·η", base * math.sqrt(k)), ("k·η", base * k)):
            assert out["lrs"][rule][j] == pytest.approx(lr)
            assert out["final_loss"][rule][j] == pytest.approx(sgd_loop(xs, ys, lr, batch, first.params["epochs"]), rel=1e-9)
    n = len(xs)
    a, b, c = sum(x * x for x in xs) / n, sum(xs) / n, 1.0
    top = (a + c) / 2 + math.sqrt(((a - c) / 2) ** 2 + b * b)
    assert out["stability_limit"] == pytest.approx(2 / top)
    # The default story: the linear rule matches the small batch at 16 but overshoots at 64.
    assert out["final_loss"]["k·η"][1] < 2 * out["final_loss"]["k·η"][0]
    assert out["final_loss"]["k·η"][2] > out["final_loss"]["√k·η"][2]


def test_linear_scaling_rejects_oversized_batches():
    with pytest.raises(DemoInputError, match="batch_sizes"):
        run_demo("linear-scaling-rule", {"x": [1, 2, 3, 4], "y": [1, 2, 3, 4], "base_batch": 1, "batch_sizes": [8]})


# ---------------------------------------------------------------- gradient-check


def logistic(w, xs, ys, lam):
    data = sum(math.log(1 + math.exp(-y * sum(a * b for a, b in zip(w, x)))) for x, y in zip(xs, ys)) / len(ys)
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
    buggy = [g - 0.2 * v for g, v in zip(mine, w)]  # the same gradient without the penalty's λw
    assert out["buggy_max_rel_error"] == pytest.approx(max(rel_err(b, g) for b, g in zip(buggy, mine)), rel=1e-5)
    assert out["buggy_max_rel_error"] > 1e-2
    # Central differences beat forward ones at their best epsilon.
    assert min(out["central_errors"]) < min(out["forward_errors"]) / 10


def test_gradient_check_labels_must_be_signs():
    with pytest.raises(DemoInputError, match="each -1 or 1"):
        run_demo("gradient-check", {"x": [[1, 2], [3, 4]], "y": [0, 1]})


# ---------------------------------------------------------------- val-below-train


def test_val_below_train_losses_and_dropout_expectation():
    first = run_demo("val-below-train", seed=5)
    out, params = first.result, first.params
    xs, ys, p = params["x"], params["y"], params["p"]
    half_n = len(xs) // 2
    w, b = out["weights"], out["bias"]

    def mse(rows, targets):
        return sum((sum(a * c for a, c in zip(w, x)) + b - y) ** 2 for x, y in zip(rows, targets)) / len(rows)

    assert out["train_eval"][-1] == pytest.approx(mse(xs[:half_n], ys[:half_n]))
    assert out["val"][-1] == pytest.approx(mse(xs[half_n:], ys[half_n:]))
    # Exact expectation over all 2^d keep/drop masks, each with its probability.
    expected = 0.0
    for mask in product([0, 1], repeat=len(w)):
        weight = math.prod((1 - p) if keep else p for keep in mask)
        loss = sum(
            (sum(a * c * keep / (1 - p) for a, c, keep in zip(w, x, mask)) + b - y) ** 2 for x, y in zip(xs[:half_n], ys[:half_n])
        ) / half_n
        expected += weight * loss
    assert out["expected_train_dropout"][-1] == pytest.approx(expected)
    assert out["dropout_penalty"] == pytest.approx(expected - out["train_eval"][-1])


@pytest.mark.parametrize("seed", range(5))
def test_logged_training_loss_sits_above_validation(seed):
    out = result("val-below-train", seed=seed)
    assert sum(a > v for a, v in zip(out["logged_train"], out["val"])) >= len(out["val"]) - 1
    assert all(e > t for e, t in zip(out["expected_train_dropout"], out["train_eval"]))


# ---------------------------------------------------------------- softmax-ce-gradient


def test_softmax_ce_gradient_is_p_minus_y():
    logits, label = [1.2, -0.4, 3.1, 0.0], 1
    out = result("softmax-ce-gradient", {"logits": logits, "label": label})

    def loss(z):
        return -math.log(softmax_list(z)[label])

    assert out["loss"] == pytest.approx(loss(logits))
    assert out["probs"] == pytest.approx(softmax_list(logits))
    assert out["analytic"] == pytest.approx(central_gradient(loss, logits, 1e-6), abs=1e-8)
    assert out["numeric"] == pytest.approx([q - (k == label) for k, q in enumerate(softmax_list(logits))], abs=1e-8)


def test_softmax_ce_label_must_be_a_class():
    with pytest.raises(DemoInputError, match="label must be between 0 and 2"):
        run_demo("softmax-ce-gradient", {"logits": [1, 2, 3], "label": 3})


# ---------------------------------------------------------------- log-sum-exp


def test_log_sum_exp_matches_high_precision_and_naive_overflows():
    logits = [1000.0, 1003.0, 998.0, 1001.5]
    out = result("log-sum-exp", {"logits": logits})
    exact = decimal_lse(logits)
    assert out["stable"] == pytest.approx(float(exact), abs=1e-9)
    assert out["naive"] is None and out["naive_shifted"] is None  # inf and -inf become null in JSON
    assert out["stable_shifted"] == pytest.approx(float(decimal_lse([v - 2003.0 for v in logits])), abs=1e-9)
    assert out["log_softmax"] == pytest.approx([float(Decimal(v) - exact) for v in logits], abs=1e-9)


def test_log_sum_exp_small_logits_agree_with_the_naive_formula():
    logits = [0.5, -1.0, 2.0]
    out = result("log-sum-exp", {"logits": logits})
    assert out["naive"] == pytest.approx(math.log(sum(math.exp(v) for v in logits)))
    assert out["stable"] == pytest.approx(out["naive"])


# ---------------------------------------------------------------- label-smoothing


def test_label_smoothing_target_gap_and_descent():
    k, eps, label, lr, steps = 4, 0.2, 2, 1.0, 300
    out = result("label-smoothing", {"classes": k, "epsilon": eps, "label": label, "lr": lr, "steps": steps})
    target = [eps / k + (1 - eps if i == label else 0.0) for i in range(k)]
    assert out["target"] == pytest.approx(target)
    assert out["optimal_gap"] == pytest.approx(math.log((1 - eps + eps / k) / (eps / k)))

    def descend(q):
        z = [0.0] * k
        for _ in range(steps):
            p = softmax_list(z)
            z = [zi - lr * (pi - qi) for zi, pi, qi in zip(z, p, q)]
        others = [v for i, v in enumerate(z) if i != label]
        return z[label] - sum(others) / len(others)

    hard = [1.0 if i == label else 0.0 for i in range(k)]
    assert out["gap_hard"] == pytest.approx(descend(hard))
    assert out["gap_smooth"] == pytest.approx(descend(target))
    assert out["gap_smooth"] == pytest.approx(out["optimal_gap"], abs=1e-4)
    assert out["gap_hard"] > out["gap_smooth"] + 1
    assert out["probs_smooth"] == pytest.approx(target, abs=1e-4)


# ---------------------------------------------------------------- focal-loss


def test_focal_loss_matches_the_formula():
    probs, labels, gamma, alpha = [0.9, 0.2, 0.05, 0.7], [1, 1, 0, 0], 2.0, 0.25
    out = result("focal-loss", {"probs": probs, "labels": labels, "gamma": gamma, "alpha": alpha})
    for i, (p, y) in enumerate(zip(probs, labels)):
        p_t = p if y else 1 - p
        a_t = alpha if y else 1 - alpha
        assert out["p_t"][i] == pytest.approx(p_t)
        assert out["ce"][i] == pytest.approx(-math.log(p_t))
        assert out["focal"][i] == pytest.approx(-a_t * (1 - p_t) ** gamma * math.log(p_t))
    easy = [i for i, (p, y) in enumerate(zip(probs, labels)) if (p if y else 1 - p) > 0.5]
    assert out["easy_share"]["focal"] == pytest.approx(sum(out["focal"][i] for i in easy) / sum(out["focal"]))


def test_focal_loss_with_gamma_zero_is_balanced_cross_entropy():
    out = result("focal-loss", {"probs": [0.3, 0.6], "labels": [1, 0], "gamma": 0, "alpha": 0.25})
    assert out["focal"] == pytest.approx([-0.25 * math.log(0.3), -0.75 * math.log(0.4)])


def test_focal_loss_rejects_probabilities_of_one():
    with pytest.raises(DemoInputError, match="strictly between 0 and 1"):
        run_demo("focal-loss", {"probs": [1.0], "labels": [1]})


# ---------------------------------------------------------------- float16


def test_fp16_loss_scaling_against_struct_rounding():
    grads = [3e-2, -4e-4, 2e-6, -5e-8, 3e-9, -1e-10]
    scale = 2.0**16
    out = result("fp16-loss-scaling", {"grads": grads, "scale": scale})
    plain = [half(g) for g in grads]
    rescued = [single(half(g * scale) / scale) for g in grads]
    assert out["float16"] == pytest.approx(plain, rel=1e-12, abs=0)
    assert out["scaled"] == pytest.approx(rescued, rel=1e-12, abs=0)
    assert out["zeros_float16"] == sum(v == 0 for v in plain) == 2
    assert out["zeros_scaled"] == 0
    assert out["rel_error_scaled"] == pytest.approx([rel_err(g, r) for g, r in zip(grads, rescued)])
    tried, s = [], 2.0**24
    while True:
        tried.append(s)
        try:
            [half(g * s) for g in grads]
            break
        except OverflowError:
            s /= 2
    assert out["dynamic_scales"] == tried and len(tried) > 1
    assert out["rel_error_bfloat16"] == pytest.approx([rel_err(g, brain(single(g))) for g in grads], abs=1e-12)
    assert max(out["rel_error_bfloat16"]) <= 2**-9


def test_fp16_master_weights_against_struct_rounding():
    w, delta, steps = 1.0, -1.5e-4, 50
    out = result("fp16-master-weights", {"w": w, "update": delta, "steps": steps})
    w16, wbf, w32 = half(w), brain(w), single(w)
    d16, dbf, d32 = half(delta), brain(single(delta)), single(delta)
    for _ in range(steps):
        w16 = half(w16 + d16)
        wbf = brain(single(wbf + dbf))
        w32 = single(w32 + d32)
    assert out["float16_only"] == w16 == 1.0
    assert out["bfloat16_only"] == wbf == 1.0
    assert out["float32_master"] == pytest.approx(w32, rel=1e-7)
    assert out["float32_master"] == pytest.approx(w + steps * delta, abs=1e-5)
    assert out["float16_copy"] == half(out["float32_master"])
    assert out["spacing"] == {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23}


def test_fp16_loss_scaling_rejects_zero_gradients():
    with pytest.raises(DemoInputError, match="nonzero"):
        run_demo("fp16-loss-scaling", {"grads": [0.0, 1e-3]})


# ---------------------------------------------------------------- drills: hand formulas from params


def label_smoothed_target(p):
    k, eps = p["classes"], p["epsilon"]
    return [1 - eps + eps / k, eps / k]


def focal_loss_value(p):
    p_t = p["p"] if p["y"] == 1 else 1 - p["p"]
    a_t = p["alpha"] if p["y"] == 1 else 1 - p["alpha"]
    ce = -math.log(p_t)
    return [a_t * (1 - p_t) ** p["gamma"] * ce, ce]


def adamw_step(p):
    decay = p["lr"] * p["lam"] * p["w"]
    return [decay, p["w"] - p["lr"] * p["m_hat"] / math.sqrt(p["v_hat"]) - decay]


def linear_scaled_lr(p):
    k = p["batch"] / p["base_batch"]
    return [p["base_lr"] * k, p["base_lr"] * math.sqrt(k), p["base_lr"] * k * p["step"] / p["warmup"]]


def gradient_check_error(p):
    g_num = (p["loss_plus"] - p["loss_minus"]) / (2 * p["h"])
    return [g_num, rel_err(p["backprop"], g_num)]


def log_sum_exp_value(p):
    lse = decimal_lse(p["logits"])
    return [float(lse), float(Decimal(p["logits"][p["class"] - 1]) - lse)]


EXPECTED = {
    "label-smoothed-target": label_smoothed_target,
    "focal-loss-value": focal_loss_value,
    "adamw-step": adamw_step,
    "linear-scaled-lr": linear_scaled_lr,
    "gradient-check-error": gradient_check_error,
    "log-sum-exp-value": log_sum_exp_value,
}


def test_log_sum_exp_drill_logits_really_overflow_or_underflow():
    for seed in range(20):
        logits = generate("log-sum-exp-value", seed).params["logits"]
        assert all(abs(v) > 745 for v in logits)  # e^±745 is past float64's range
