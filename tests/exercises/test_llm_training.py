"""LLM-training exercises: the schedule and perplexity against plain-Python formulas; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def lr_warmup_from_zero(steps, total_steps, warmup_steps, base_lr, min_lr=0.0):
    out = reference("warmup_cosine_lr")(steps, total_steps, warmup_steps, base_lr, min_lr)
    return np.where(np.asarray(steps) < warmup_steps, base_lr * np.asarray(steps) / warmup_steps, out)


def lr_no_floor(steps, total_steps, warmup_steps, base_lr, min_lr=0.0):
    return reference("warmup_cosine_lr")(steps, total_steps, warmup_steps, base_lr, 0.0)


def lr_uncapped(steps, total_steps, warmup_steps, base_lr, min_lr=0.0):
    s = np.asarray(steps)
    progress = np.maximum((s - warmup_steps) / (total_steps - warmup_steps), 0)
    cosine = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * progress))
    return np.where(s < warmup_steps, base_lr * (s + 1) / warmup_steps, cosine)


def lr_progress_over_total(steps, total_steps, warmup_steps, base_lr, min_lr=0.0):
    s = np.asarray(steps)
    progress = np.clip(s / total_steps, 0, 1)
    cosine = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * progress))
    return np.where(s < warmup_steps, base_lr * (s + 1) / warmup_steps, cosine)


def ppl_mean_of_sequences(log_probs, mask):
    per = np.exp(-(log_probs * mask).sum(1) / mask.sum(1))
    return float(per.mean())


def ppl_padding_counted(log_probs, mask):
    return float(np.exp(-np.sum(log_probs * mask) / mask.size))


def ppl_no_mask(log_probs, mask):
    return float(np.exp(-np.mean(log_probs)))


WRONG = {
    "warmup_cosine_lr": [lr_warmup_from_zero, lr_no_floor, lr_uncapped, lr_progress_over_total],
    "perplexity": [ppl_mean_of_sequences, ppl_padding_counted, ppl_no_mask],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("llm-training", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def plain_lr(step, total, warmup, base, low):
    if step < warmup:
        return base * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / (total - warmup))
    return low + 0.5 * (base - low) * (1 + math.cos(math.pi * progress))


def test_schedule_and_perplexity_by_hand():
    steps = list(range(25))
    got = reference("warmup_cosine_lr")(np.array(steps), 20, 4, 0.1, 0.01).tolist()
    assert got == pytest.approx([plain_lr(s, 20, 4, 0.1, 0.01) for s in steps])
    log_probs = np.log(np.array([[0.5, 0.25], [0.125, 0.9]]))
    mask = np.array([[True, True], [True, False]])
    assert reference("perplexity")(log_probs, mask) == pytest.approx(
        math.exp((math.log(2) + math.log(4) + math.log(8)) / 3)
    )
