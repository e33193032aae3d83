"""The linalg, activations and losses demos, each against an independent computation.

References are plain-Python loops with the math module, closed forms, finite differences, or the worked
numbers in the bank's answers; never the NumPy expression a demo uses itself.
"""

from __future__ import annotations

import math

import pytest

from .numeric import central_difference

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError

TOL = 1e-6


def approx(expected):
    """pytest.approx to TOL, for numbers, lists and lists of lists."""
    if isinstance(expected, list) and any(isinstance(row, list) for row in expected):
        return [approx(row) for row in expected]
    return pytest.approx(expected, abs=TOL)


def step_value(result, label_start: str):
    """The value of the first step whose label starts with `label_start`."""
    for step in result.steps:
        if step["kind"] == "value" and step["label"].startswith(label_start):
            return step["value"]
    raise AssertionError(f"no step labelled {label_start!r}")


# linalg


def test_hadamard_matches_the_bank_example_and_a_loop():
    assert run_demo("hadamard", {"a": [[1, 2], [3, 4]], "b": [[5, 6], [7, 8]]}).result == [[5, 12], [21, 32]]
    a = [[1.5, -2.0, 0.25], [3.0, 7.0, -1.0]]
    b = [[2.0, 0.5, -4.0], [-1.0, 0.0, 3.0]]
    expected = [[a[i][j] * b[i][j] for j in range(3)] for i in range(2)]
    assert run_demo("hadamard", {"a": a, "b": b}).result == approx(expected)


def test_hadamard_shape_mismatch_is_a_clear_error():
    with pytest.raises(DemoInputError, match="same shape.*a is 2x3 but b is 3x2"):
        run_demo("hadamard", {"a": [[1, 2, 3], [4, 5, 6]], "b": [[1, 2], [3, 4], [5, 6]]})


def test_transpose_swaps_indices():
    a = [[1, 2, 3], [4, 5, 6]]
    expected = [[a[i][j] for i in range(2)] for j in range(3)]
    assert run_demo("transpose", {"a": a}).result == expected == [[1, 4], [2, 5], [3, 6]]
    assert run_demo("transpose", {"a": [1, 2, 3]}).result == [[1], [2], [3]]
    with pytest.raises(DemoInputError, match="vector or a matrix"):
        run_demo("transpose", {"a": [[[1, 2]], [[3, 4]]]})


def test_one_hot_matches_a_loop():
    labels, k = [2, 0, 1, 2], 4
    expected = [[1.0 if c == label else 0.0 for c in range(k)] for label in labels]
    assert run_demo("one-hot", {"labels": labels, "num_classes": k}).result == expected
    # Without num_classes the number of classes is the largest label plus one.
    assert run_demo("one-hot", {"labels": [1, 0]}).result == [[0, 1], [1, 0]]
    # Without labels they are drawn from the classes asked for.
    rows = run_demo("one-hot", {"num_classes": 2}, seed=5).result
    assert all(len(row) == 2 and sorted(row) == [0, 1] for row in rows)


def test_one_hot_rejects_bad_labels():
    with pytest.raises(DemoInputError, match="whole numbers"):
        run_demo("one-hot", {"labels": [0, 1.5], "num_classes": 3})
    with pytest.raises(DemoInputError, match=r"\[0, 3\); got 3"):
        run_demo("one-hot", {"labels": [0, 3], "num_classes": 3})
    with pytest.raises(DemoInputError, match="from 0 to num_classes - 1, not -1"):
        run_demo("one-hot", {"labels": [-1, 0], "num_classes": 3})


def test_tensor_rank_counts_axes_and_elements():
    shape = [2, 3, 4, 5]
    size = 1
    for n in shape:
        size *= n
    result = run_demo("tensor-rank", {"shape": shape}).result
    assert result["rank"] == len(shape) == 4
    assert result["shape"] == shape
    assert result["size"] == size == 120
    assert result["matrix_rank_of_uvT"] == 1  # an outer product of nonzero vectors has rank 1
    with pytest.raises(DemoInputError, match="positive sizes"):
        run_demo("tensor-rank", {"shape": [2, 0]})


def test_fft_two_tone_recovers_frequencies_and_amplitudes_exactly_without_noise():
    # A sine with a whole number of cycles lands in one bin with one-sided amplitude equal to its own.
    params = {"frequencies": [5, 12], "amplitudes": [1.5, 0.5], "samples": 64, "noise": 0}
    result = run_demo("fft-two-tone", params, seed=4).result
    assert result["frequencies"] == [5, 12]
    assert result["amplitudes"] == approx([1.5, 0.5])
    expected = [1.5 if f == 5 else 0.5 if f == 12 else 0.0 for f in range(33)]
    assert result["spectrum"] == approx(expected)


def test_fft_two_tone_finds_the_tones_through_noise_and_checks_its_inputs():
    result = run_demo("fft-two-tone", {"frequencies": [3, 20], "amplitudes": [1, 1], "noise": 0.3}, seed=1).result
    assert result["frequencies"] == [3, 20]
    assert result["amplitudes"] == pytest.approx([1, 1], abs=0.25)
    with pytest.raises(DemoInputError, match="from 1 to 31"):
        run_demo("fft-two-tone", {"frequencies": [5, 32], "samples": 64})


def test_fft_convolution_matches_direct_and_circular_loops():
    x = [1.0, 2.0, -1.0, 3.0, 0.5, 2.0]
    h = [0.5, -1.0, 2.0]
    n, k = len(x), len(h)
    linear = [sum(x[i] * h[j - i] for i in range(n) if 0 <= j - i < k) for j in range(n + k - 1)]
    circular = [sum(x[i] * h[(j - i) % n] for i in range(n) if (j - i) % n < k) for j in range(n)]
    result = run_demo("fft-convolution", {"signal": x, "kernel": h}).result
    assert result["direct"] == approx(linear)
    assert result["fft"] == approx(linear)
    assert result["circular"] == approx(circular)
    with pytest.raises(DemoInputError, match="must not be longer than signal"):
        run_demo("fft-convolution", {"signal": [1, 2], "kernel": [1, 2, 3]})


# activations


def logistic(v: float) -> float:
    return 1 / (1 + math.exp(-v))


def test_sigmoid_values_and_derivative():
    xs = [-5.0, -1.0, 0.0, 0.3, 2.0, 5.0]
    result = run_demo("sigmoid", {"x": xs})
    assert result.result == approx([logistic(v) for v in xs])
    slopes = step_value(result, "σ'(x)")
    assert slopes == approx([central_difference(logistic, v) for v in xs])
    assert slopes[2] == approx(0.25)
    assert slopes[5] == pytest.approx(0.0066, abs=1e-4)  # the bank's σ'(5) ≈ 0.0066
    # Large inputs give 0 and 1, not overflow or NaN.
    assert run_demo("sigmoid", {"x": [-800.0, 800.0]}).result == approx([0.0, 1.0])


def test_tanh_values_and_derivative():
    xs = [-3.0, -0.5, 0.0, 0.7, 2.0]
    result = run_demo("tanh", {"x": xs})
    assert result.result == approx([math.tanh(v) for v in xs])
    assert step_value(result, "tanh'(x)") == approx([central_difference(math.tanh, v) for v in xs])


def test_relu_values_and_derivative():
    xs = [-2.0, -0.5, 0.0, 0.5, 3.0]
    result = run_demo("relu", {"x": xs})
    assert result.result == [max(0.0, v) for v in xs]
    slopes = step_value(result, "ReLU'(x)")
    assert slopes == [1.0 if v > 0 else 0.0 for v in xs]
    for v, slope in zip(xs, slopes):
        if v != 0:
            assert slope == approx(central_difference(lambda t: max(0.0, t), v))
    # A feature map (matrix) works elementwise too.
    assert run_demo("relu", {"x": [[-1, 2], [3, -4]]}).result == [[0, 2], [3, 0]]
    with pytest.raises(DemoInputError, match="x must be a number, a vector"):
        run_demo("relu", {"x": [[[1]]]})


def test_leaky_relu_values_and_derivative():
    xs, alpha = [-3.0, -0.4, 0.5, 2.0], 0.2

    def leaky(v):
        return v if v > 0 else alpha * v

    result = run_demo("leaky-relu", {"x": xs, "alpha": alpha}).result
    assert result["values"] == approx([leaky(v) for v in xs])
    assert result["derivatives"] == approx([central_difference(leaky, v) for v in xs])
    with pytest.raises(DemoInputError, match="alpha must be between 0.0 and 1.0"):
        run_demo("leaky-relu", {"alpha": 2})


def test_step_function_values_and_zero_derivative():
    xs = [-1.0, -0.2, 0.0, 0.4, 3.0]

    def heaviside(v):
        return 1.0 if v >= 0 else 0.0

    result = run_demo("step-function", {"x": xs}).result
    assert result["values"] == [heaviside(v) for v in xs]
    assert result["derivatives"] == [0.0] * len(xs)
    assert [central_difference(heaviside, v) for v in xs if v != 0] == [0.0] * 4


def test_activation_compare_against_the_formulas():
    xs = [-2.0, -0.5, 0.5, 2.0]
    formulas = {
        "sigmoid": logistic,
        "tanh": math.tanh,
        "ReLU": lambda v: max(0.0, v),
        "leaky ReLU": lambda v: v if v > 0 else 0.01 * v,
        "ELU": lambda v: v if v > 0 else math.exp(v) - 1,
        "step": lambda v: 1.0 if v >= 0 else 0.0,
        "linear": lambda v: v,
    }
    result = run_demo("activation-compare", {"x": xs}).result
    assert sorted(result["values"]) == sorted(formulas)
    for name, f in formulas.items():
        assert result["values"][name] == approx([f(v) for v in xs]), name
        assert result["derivatives"][name] == approx([central_difference(f, v) for v in xs]), name


def test_neuron_matches_the_bank_example():
    # w = (0.5, -1), b = 0.2, x = (2, 1): z = 1 - 1 + 0.2 = 0.2, and ReLU gives 0.2.
    result = run_demo("neuron", {"x": [2, 1], "w": [0.5, -1], "b": 0.2}).result
    assert result["z"] == approx(0.2)
    assert result["ReLU"] == approx(0.2)
    assert result["sigmoid"] == approx(logistic(0.2))
    assert result["tanh"] == approx(math.tanh(0.2))
    assert result["step"] == 1.0
    with pytest.raises(DemoInputError, match="one weight per input: x has 2 entries but w has 3"):
        run_demo("neuron", {"x": [1, 2], "w": [1, 2, 3]})


# losses


def test_mse_matches_the_bank_example_and_a_loop():
    assert run_demo("mse", {"y_pred": [1, 3, 5], "y_true": [1, 2, 3]}).result == approx(5 / 3)
    pred, true = [0.5, -1.2, 3.3, 2.0], [1.0, -1.0, 2.5, 2.0]
    assert run_demo("mse", {"y_pred": pred, "y_true": true}).result == approx(sum((p - t) ** 2 for p, t in zip(pred, true)) / 4)


def test_mae_matches_the_bank_example_and_rejects_mismatched_shapes():
    # Errors (1, 1, 1, 10): MAE = 13/4.
    assert run_demo("mae", {"y_pred": [1, 1, 1, 10], "y_true": [0, 0, 0, 0]}).result == approx(3.25)
    pred, true = [0.5, -1.2, 3.3], [1.0, -1.0, 2.5]
    assert run_demo("mae", {"y_pred": pred, "y_true": true}).result == approx(sum(abs(p - t) for p, t in zip(pred, true)) / 3)
    with pytest.raises(DemoInputError, match="same shape: y_pred has shape \\(3,\\) but y_true has shape \\(2,\\)"):
        run_demo("mae", {"y_pred": [1, 2, 3], "y_true": [1, 2]})


def test_cross_entropy_matches_a_loop_and_known_values():
    logits = [[2.0, -1.0, 0.5], [0.1, 0.2, 0.3], [-3.0, 4.0, 1.0]]
    targets = [0, 2, 2]
    losses = [-math.log(math.exp(row[t]) / sum(math.exp(v) for v in row)) for row, t in zip(logits, targets)]
    assert run_demo("cross-entropy", {"logits": logits, "targets": targets}).result == approx(sum(losses) / 3)
    # Equal logits over C classes give ln C, even when they are huge.
    assert run_demo("cross-entropy", {"logits": [[0, 0, 0]], "targets": [1]}).result == approx(math.log(3))
    assert run_demo("cross-entropy", {"logits": [[1000, 1000], [-1000, -1000]], "targets": [1, 0]}).result == approx(math.log(2))
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
    expected = -sum(y * math.log(p) + (1 - y) * math.log(1 - p) for p, y in zip(probs, targets)) / 4
    assert run_demo("binary-cross-entropy", {"probs": probs, "targets": targets}).result == approx(expected)
    assert run_demo("binary-cross-entropy", {"probs": [0.9], "targets": [1]}).result == pytest.approx(0.105, abs=5e-4)
    # Probabilities of exactly 0 and 1 on the wrong side cost -ln(1e-7) each instead of infinity.
    assert run_demo("binary-cross-entropy", {"probs": [0.0, 1.0], "targets": [1, 0]}).result == approx(-math.log(1e-7))
    assert run_demo("binary-cross-entropy", {"probs": [1.0, 0.0], "targets": [1, 0]}).result == approx(-math.log(1 - 1e-7))


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

        residuals = [p - t for p, t in zip(pred, true)]
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
    expected = [max(0.0, 1 - y * s) for s, y in zip(scores, labels)]
    assert run_demo("hinge-loss", {"scores": scores, "labels": labels}).result["per_example"] == approx(expected)
    with pytest.raises(DemoInputError, match="labels must be -1 or \\+1"):
        run_demo("hinge-loss", {"scores": [1, 2], "labels": [0, 1]})


def test_kl_divergence_matches_a_loop_and_the_decomposition():
    p, q = [0.5, 0.3, 0.2], [0.25, 0.25, 0.5]
    result = run_demo("kl-divergence", {"p": p, "q": q}).result
    assert result["kl_pq"] == approx(sum(a * math.log(a / b) for a, b in zip(p, q)))
    assert result["kl_qp"] == approx(sum(b * math.log(b / a) for a, b in zip(p, q)))
    assert result["entropy_p"] == approx(-sum(a * math.log(a) for a in p))
    assert result["cross_entropy"] == approx(-sum(a * math.log(b) for a, b in zip(p, q)))
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
