"""Efficiency exercises: int8 quantisation and distillation against plain formulas; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def quant_per_tensor(x):
    scale = np.abs(x).max() / 127 if np.abs(x).max() > 0 else 1.0
    return np.clip(np.round(x / scale), -127, 127).astype(np.int8), np.full(len(x), scale)


def quant_truncate(x):
    q, scale = reference("quantize_int8")(x)
    return np.trunc(x / scale[:, None]).astype(np.int8), scale


def quant_128(x):
    peak = np.abs(x).max(1)
    scale = np.where(peak > 0, peak / 128, 1.0)
    return np.clip(np.round(x / scale[:, None]), -128, 127).astype(np.int8), scale


def quant_int64(x):
    q, scale = reference("quantize_int8")(x)
    return q.astype(np.int64), scale


def distill_no_t_squared(student_logits, teacher_logits, temperature):
    return reference("distillation_loss")(student_logits, teacher_logits, temperature) / temperature**2


def distill_reversed_kl(student_logits, teacher_logits, temperature):
    return reference("distillation_loss")(teacher_logits, student_logits, temperature)


def distill_no_temperature(student_logits, teacher_logits, temperature):
    return temperature**2 * reference("distillation_loss")(student_logits, teacher_logits, 1.0)


WRONG = {
    "quantize_int8": [quant_per_tensor, quant_truncate, quant_128, quant_int64],
    "distillation_loss": [distill_no_t_squared, distill_reversed_kl, distill_no_temperature],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("efficiency-and-data", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_quantisation_and_distillation_by_hand():
    q, scale = reference("quantize_int8")(np.array([[1.27, -0.5, 0.0]]))
    assert q.tolist() == [[127, -50, 0]] and q.dtype == np.int8
    assert scale.tolist() == pytest.approx([0.01])
    t = [math.exp(v / 2) for v in (2.0, 0.0)]
    s = [math.exp(v / 2) for v in (0.0, 1.0)]
    p = [v / sum(t) for v in t]
    qs = [v / sum(s) for v in s]
    kl = sum(a * math.log(a / b) for a, b in zip(p, qs, strict=True))
    got = reference("distillation_loss")(np.array([[0.0, 1.0]]), np.array([[2.0, 0.0]]), 2.0)
    assert got == pytest.approx(4 * kl)
