"""Demos of the losses topic, each checked against an independent computation."""

from __future__ import annotations

import math
import struct
from decimal import Decimal

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_difference, central_gradient
from tests.helpers.reference import approx, decimal_lse, rel_err, result, softmax, step_value


def test_mse_matches_the_bank_example_and_a_loop():
    assert run_demo("mse", {"y_pred": [1, 3, 5], "y_true": [1, 2, 3]}).result == approx(5 / 3)
    pred, true = [0.5, -1.2, 3.3, 2.0], [1.0, -1.0, 2.5, 2.0]
    assert run_demo("mse", {"y_pred": pred, "y_true": true}).result == approx(
        sum((p - t) ** 2 for p, t in zip(pred, true, strict=False)) / 4
    )


def test_cross_entropy_matches_a_loop_and_known_values():
    logits = [[2.0, -1.0, 0.5], [0.1, 0.2, 0.3], [-3.0, 4.0, 1.0]]
    targets = [0, 2, 2]
    losses = [
        -math.log(math.exp(row[t]) / sum(math.exp(v) for v in row)) for row, t in zip(logits, targets, strict=False)
    ]
    assert run_demo("cross-entropy", {"logits": logits, "targets": targets}).result == approx(sum(losses) / 3)
    # Equal logits over C classes give ln C, even when they are huge.
    assert run_demo("cross-entropy", {"logits": [[0, 0, 0]], "targets": [1]}).result == approx(math.log(3))
    assert run_demo("cross-entropy", {"logits": [[1000, 1000], [-1000, -1000]], "targets": [1, 0]}).result == approx(
        math.log(2)
    )
    # The bank's example: probabilities (0.7, 0.2, 0.1), first class correct, loss -ln 0.7 ≈ 0.357.
    logs = [math.log(0.7), math.log(0.2), math.log(0.1)]
    assert run_demo("cross-entropy", {"logits": [logs], "targets": [0]}).result == pytest.approx(0.357, abs=5e-4)


def test_cross_entropy_gradient_rows_are_p_minus_y_over_n():
    logits, targets = [[1.0, 2.0, 0.0], [0.5, -0.5, 1.5]], [1, 0]

    def mean_loss(z):
        return sum(-z[i][t] + math.log(sum(math.exp(v) for v in z[i])) for i, t in enumerate(targets)) / 2

    grad = step_value(run_demo("cross-entropy", {"logits": logits, "targets": targets}), "∂loss/∂z")
    for i in range(2):
        for j in range(3):
            bumped = [row[:] for row in logits]
            bumped[i][j] += 1e-6
            lowered = [row[:] for row in logits]
            lowered[i][j] -= 1e-6
            assert grad[i][j] == approx((mean_loss(bumped) - mean_loss(lowered)) / 2e-6)


def test_cross_entropy_rejects_bad_targets():
    with pytest.raises(DemoInputError, match=r"class indices in \[0, 3\)"):
        run_demo("cross-entropy", {"logits": [[1, 2, 3]], "targets": [3]})
    with pytest.raises(DemoInputError, match="2 rows but 1 targets"):
        run_demo("cross-entropy", {"logits": [[1, 2], [3, 4]], "targets": [0]})


def test_binary_cross_entropy_matches_a_loop_and_clips():
    probs, targets = [0.9, 0.2, 0.6, 0.05], [1, 0, 0, 1]
    expected = -sum(y * math.log(p) + (1 - y) * math.log(1 - p) for p, y in zip(probs, targets, strict=False)) / 4
    assert run_demo("binary-cross-entropy", {"probs": probs, "targets": targets}).result == approx(expected)
    assert run_demo("binary-cross-entropy", {"probs": [0.9], "targets": [1]}).result == pytest.approx(0.105, abs=5e-4)
    # Probabilities of exactly 0 and 1 on the wrong side cost -ln(1e-7) each instead of infinity.
    assert run_demo("binary-cross-entropy", {"probs": [0.0, 1.0], "targets": [1, 0]}).result == approx(-math.log(1e-7))
    assert run_demo("binary-cross-entropy", {"probs": [1.0, 0.0], "targets": [1, 0]}).result == approx(
        -math.log(1 - 1e-7)
    )


def test_binary_cross_entropy_rejects_bad_input():
    with pytest.raises(DemoInputError, match="targets must be 0 or 1"):
        run_demo("binary-cross-entropy", {"probs": [0.5, 0.5], "targets": [-1, 1]})
    with pytest.raises(DemoInputError, match="probs must be probabilities between 0 and 1"):
        run_demo("binary-cross-entropy", {"probs": [1.3, 0.5], "targets": [1, 0]})


def test_huber_loss_matches_the_piecewise_formula():
    pred, true = [0.5, 3.0, -2.0, 1.0], [0.0, 0.0, 0.0, 1.2]
    for delta in (1.0, 2.5):

        def huber(r, delta=delta):
            return 0.5 * r * r if abs(r) <= delta else delta * (abs(r) - 0.5 * delta)

        residuals = [p - t for p, t in zip(pred, true, strict=False)]
        result = run_demo("huber-loss", {"y_pred": pred, "y_true": true, "delta": delta}).result
        assert result["per_example"] == approx([huber(r) for r in residuals])
        assert result["loss"] == approx(sum(huber(r) for r in residuals) / 4)
        assert result["derivative"] == approx([central_difference(huber, r) for r in residuals])


def test_hinge_loss_matches_the_bank_example():
    # y = +1 with scores 2, 0.3 and -1 costs 0, 0.7 and 2.
    result = run_demo("hinge-loss", {"scores": [2, 0.3, -1], "labels": [1, 1, 1]}).result
    assert result["per_example"] == approx([0, 0.7, 2])
    assert result["loss"] == approx(2.7 / 3)
    scores, labels = [0.4, -2.0, 1.5], [-1, -1, 1]
    expected = [max(0.0, 1 - y * s) for s, y in zip(scores, labels, strict=False)]
    assert run_demo("hinge-loss", {"scores": scores, "labels": labels}).result["per_example"] == approx(expected)
    with pytest.raises(DemoInputError, match="labels must be -1 or \\+1"):
        run_demo("hinge-loss", {"scores": [1, 2], "labels": [0, 1]})


def test_kl_divergence_matches_a_loop_and_the_decomposition():
    p, q = [0.5, 0.3, 0.2], [0.25, 0.25, 0.5]
    result = run_demo("kl-divergence", {"p": p, "q": q}).result
    assert result["kl_pq"] == approx(sum(a * math.log(a / b) for a, b in zip(p, q, strict=False)))
    assert result["kl_qp"] == approx(sum(b * math.log(b / a) for a, b in zip(p, q, strict=False)))
    assert result["entropy_p"] == approx(-sum(a * math.log(a) for a in p))
    assert result["cross_entropy"] == approx(-sum(a * math.log(b) for a, b in zip(p, q, strict=False)))
    # A zero in p: 0·log 0 counts 0 one way, and the other way round the divergence is infinite (JSON null).
    result = run_demo("kl-divergence", {"p": [0.5, 0.5, 0.0], "q": [0.25, 0.25, 0.5]}).result
    assert result["kl_pq"] == approx(math.log(2))
    assert result["kl_qp"] is None
    with pytest.raises(DemoInputError, match="sum to 1"):
        run_demo("kl-divergence", {"p": [0.5, 0.6], "q": [0.5, 0.5]})


def test_loss_outlier_mean_median_and_shares():
    y = [1, 2, 3, 4, 100]
    result = run_demo("loss-outlier", {"y_true": y}).result
    assert result["mean"] == approx(22.0)
    assert result["median"] == approx(3.0)
    assert result["mean_without"] == approx(2.5)
    assert result["median_without"] == approx(2.5)
    errors = [abs(v - 3) for v in y]  # 2, 1, 0, 1, 97 around the median
    assert result["mse_share"] == approx(97**2 / sum(e * e for e in errors))
    assert result["mae_share"] == approx(97 / sum(errors))


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


def test_softmax_ce_gradient_is_p_minus_y():
    logits, label = [1.2, -0.4, 3.1, 0.0], 1
    out = result("softmax-ce-gradient", {"logits": logits, "label": label})

    def loss(z):
        return -math.log(softmax(z)[label])

    assert out["loss"] == pytest.approx(loss(logits))
    assert out["probs"] == pytest.approx(softmax(logits))
    assert out["analytic"] == pytest.approx(central_gradient(loss, logits, 1e-6), abs=1e-8)
    assert out["numeric"] == pytest.approx([q - (k == label) for k, q in enumerate(softmax(logits))], abs=1e-8)


def test_softmax_ce_label_must_be_a_class():
    with pytest.raises(DemoInputError, match="label must be between 0 and 2"):
        run_demo("softmax-ce-gradient", {"logits": [1, 2, 3], "label": 3})


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


def test_label_smoothing_target_gap_and_descent():
    k, eps, label, lr, steps = 4, 0.2, 2, 1.0, 300
    out = result("label-smoothing", {"classes": k, "epsilon": eps, "label": label, "lr": lr, "steps": steps})
    target = [eps / k + (1 - eps if i == label else 0.0) for i in range(k)]
    assert out["target"] == pytest.approx(target)
    assert out["optimal_gap"] == pytest.approx(math.log((1 - eps + eps / k) / (eps / k)))

    def descend(q):
        z = [0.0] * k
        for _ in range(steps):
            p = softmax(z)
            z = [zi - lr * (pi - qi) for zi, pi, qi in zip(z, p, q, strict=False)]
        others = [v for i, v in enumerate(z) if i != label]
        return z[label] - sum(others) / len(others)

    hard = [1.0 if i == label else 0.0 for i in range(k)]
    assert out["gap_hard"] == pytest.approx(descend(hard))
    assert out["gap_smooth"] == pytest.approx(descend(target))
    assert out["gap_smooth"] == pytest.approx(out["optimal_gap"], abs=1e-4)
    assert out["gap_hard"] > out["gap_smooth"] + 1
    assert out["probs_smooth"] == pytest.approx(target, abs=1e-4)


def test_focal_loss_matches_the_formula():
    probs, labels, gamma, alpha = [0.9, 0.2, 0.05, 0.7], [1, 1, 0, 0], 2.0, 0.25
    out = result("focal-loss", {"probs": probs, "labels": labels, "gamma": gamma, "alpha": alpha})
    for i, (p, y) in enumerate(zip(probs, labels, strict=False)):
        p_t = p if y else 1 - p
        a_t = alpha if y else 1 - alpha
        assert out["p_t"][i] == pytest.approx(p_t)
        assert out["ce"][i] == pytest.approx(-math.log(p_t))
        assert out["focal"][i] == pytest.approx(-a_t * (1 - p_t) ** gamma * math.log(p_t))
    easy = [i for i, (p, y) in enumerate(zip(probs, labels, strict=False)) if (p if y else 1 - p) > 0.5]
    assert out["easy_share"]["focal"] == pytest.approx(sum(out["focal"][i] for i in easy) / sum(out["focal"]))


def test_focal_loss_with_gamma_zero_is_balanced_cross_entropy():
    out = result("focal-loss", {"probs": [0.3, 0.6], "labels": [1, 0], "gamma": 0, "alpha": 0.25})
    assert out["focal"] == pytest.approx([-0.25 * math.log(0.3), -0.75 * math.log(0.4)])


def test_focal_loss_rejects_probabilities_of_one():
    with pytest.raises(DemoInputError, match="strictly between 0 and 1"):
        run_demo("focal-loss", {"probs": [1.0], "labels": [1]})


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
    assert out["rel_error_scaled"] == pytest.approx([rel_err(g, r) for g, r in zip(grads, rescued, strict=False)])
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
