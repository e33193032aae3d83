"""Optimizer exercises: references against plain-Python updates; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def adam_no_bias_correction(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param - lr * m / (np.sqrt(v) + eps), m, v


def adam_eps_inside(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return param - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


def adam_returns_corrected(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1**t)
    v = (beta2 * v + (1 - beta2) * grad**2) / (1 - beta2**t)
    return param - lr * m / (np.sqrt(v) + eps), m, v


def adam_t_from_zero(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return reference("adam_step")(param, grad, m, v, t + 1, lr, beta1, beta2, eps)


def adamw_as_l2(param, grad, m, v, t, lr=1e-3, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    return reference("adam_step")(param, grad + weight_decay * param, m, v, t, lr, beta1, beta2, eps)


def adamw_no_lr_on_decay(param, grad, m, v, t, lr=1e-3, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    p, m, v = reference("adam_step")(param, grad, m, v, t, lr, beta1, beta2, eps)
    return p - weight_decay * param, m, v


def adamw_decay_after(param, grad, m, v, t, lr=1e-3, weight_decay=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    p, m, v = reference("adam_step")(param, grad, m, v, t, lr, beta1, beta2, eps)
    return p * (1 - lr * weight_decay), m, v


def momentum_dampened(param, grad, velocity, lr, momentum=0.9, nesterov=False):
    velocity = momentum * velocity + (1 - momentum) * grad
    return param - lr * (grad + momentum * velocity if nesterov else velocity), velocity


def momentum_ignores_nesterov(param, grad, velocity, lr, momentum=0.9, nesterov=False):
    velocity = momentum * velocity + grad
    return param - lr * velocity, velocity


def momentum_lr_in_velocity(param, grad, velocity, lr, momentum=0.9, nesterov=False):
    velocity = momentum * velocity + lr * grad
    return param - (lr * grad + momentum * velocity if nesterov else velocity), velocity


WRONG = {
    "adam_step": [adam_no_bias_correction, adam_eps_inside, adam_returns_corrected, adam_t_from_zero],
    "adamw_step": [adamw_as_l2, adamw_no_lr_on_decay, adamw_decay_after],
    "sgd_momentum_step": [momentum_dampened, momentum_ignores_nesterov, momentum_lr_in_velocity],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("optimization", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_adam_two_steps_by_hand():
    p, m, v = 1.0, 0.0, 0.0
    arrays = (np.array([1.0]), np.zeros(1), np.zeros(1))
    for t, g in ((1, 0.5), (2, -0.2)):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p -= 0.01 * (m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.999**t)) + 1e-8)
        arrays = reference("adam_step")(arrays[0], np.array([g]), arrays[1], arrays[2], t, lr=0.01)
    assert float(arrays[0][0]) == pytest.approx(p)
    w, *_ = reference("adamw_step")(np.array([2.0]), np.zeros(1), np.zeros(1), np.zeros(1), 1, 0.1, 0.5)
    assert float(w[0]) == pytest.approx(2.0 - 0.1 * 0.5 * 2.0)
    new_p, vel = reference("sgd_momentum_step")(np.array([1.0]), np.array([2.0]), np.array([1.0]), 0.1, 0.9, True)
    assert float(vel[0]) == pytest.approx(2.9) and float(new_p[0]) == pytest.approx(1.0 - 0.1 * (2.0 + 0.9 * 2.9))
