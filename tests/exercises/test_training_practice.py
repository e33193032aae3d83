"""Training-practice exercises: references against plain-Python statistics; wrong variants are caught."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def bn_unbiased(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta


def bn_eps_outside(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / (x.std(0) + eps) + beta


def bn_wrong_axis(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + eps) + beta


def running_biased(running_mean, running_var, x, momentum=0.1):
    return (1 - momentum) * running_mean + momentum * x.mean(0), (1 - momentum) * running_var + momentum * x.var(0)


def running_momentum_swapped(running_mean, running_var, x, momentum=0.1):
    return momentum * running_mean + (1 - momentum) * x.mean(0), momentum * running_var + (1 - momentum) * x.var(
        0, ddof=1
    )


def running_in_place(running_mean, running_var, x, momentum=0.1):
    running_mean *= 1 - momentum
    running_mean += momentum * x.mean(0)
    running_var *= 1 - momentum
    running_var += momentum * x.var(0, ddof=1)
    return running_mean, running_var


def ln_batch_axis(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta


def ln_no_eps(x, gamma, beta, eps=1e-5):
    return gamma * (x - x.mean(-1, keepdims=True)) / x.std(-1, keepdims=True) + beta


def ln_no_affine(x, gamma, beta, eps=1e-5):
    return (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps)


def rms_centred(x, gamma, eps=1e-6):
    c = x - x.mean(-1, keepdims=True)
    return c / np.sqrt(np.mean(c**2, -1, keepdims=True) + eps) * gamma


def rms_eps_outside(x, gamma, eps=1e-6):
    return x / (np.sqrt(np.mean(x**2, -1, keepdims=True)) + eps) * gamma


def rms_sum(x, gamma, eps=1e-6):
    return x / np.sqrt(np.sum(x**2, -1, keepdims=True) + eps) * gamma


WRONG = {
    "batch_norm_train": [bn_unbiased, bn_eps_outside, bn_wrong_axis],
    "batch_norm_running_stats": [running_biased, running_momentum_swapped, running_in_place],
    "layer_norm": [ln_batch_axis, ln_no_eps, ln_no_affine],
    "rms_norm": [rms_centred, rms_eps_outside, rms_sum],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("training-practice", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_norms_match_the_statistics_module():
    column = [1.0, 4.0, 2.0, 7.0]
    mean, var = statistics.fmean(column), statistics.pvariance(column)
    expected = [(v - mean) / math.sqrt(var + 1e-5) for v in column]
    x = np.array(column)[:, None]
    assert reference("batch_norm_train")(x, np.ones(1), np.zeros(1))[:, 0].tolist() == pytest.approx(expected)
    assert reference("layer_norm")(x.T, np.ones(4), np.zeros(4))[0].tolist() == pytest.approx(expected)
    rms = math.sqrt(sum(v * v for v in column) / 4 + 1e-6)
    assert reference("rms_norm")(x.T, np.ones(4))[0].tolist() == pytest.approx([v / rms for v in column])
    new_mean, new_var = reference("batch_norm_running_stats")(np.zeros(1), np.ones(1), x, 0.1)
    assert float(new_mean[0]) == pytest.approx(0.1 * mean)
    assert float(new_var[0]) == pytest.approx(0.9 + 0.1 * statistics.variance(column))
