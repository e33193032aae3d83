"""Demos of the math-for-dl topic, each checked against an independent computation."""

from __future__ import annotations

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import approx


def test_matmul_matches_a_triple_loop():
    a = [[1.5, -2.0, 0.0], [3.0, 1.0, -1.0]]
    b = [[2.0, 1.0], [0.5, -1.0], [4.0, 2.0]]
    expected = [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(2)] for i in range(2)]
    assert run_demo("matmul", {"a": a, "b": b}).result == pytest.approx(np.array(expected))


def test_matmul_shape_mismatch_names_the_dimensions():
    with pytest.raises(DemoInputError, match="a has 3 columns but b has 2 rows"):
        run_demo("matmul", {"a": [[1, 2, 3]], "b": [[1], [2]]})


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
