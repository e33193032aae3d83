"""LoRA exercises: references against the explicit low-rank update; wrong variants are caught."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def lora_no_scale(x, W, A, B, alpha):
    return x @ W + x @ A @ B


def lora_alpha_only(x, W, A, B, alpha):
    return x @ W + alpha * (x @ A @ B)


def lora_inverse_scale(x, W, A, B, alpha):
    return x @ W + (A.shape[1] / alpha) * (x @ A @ B)


def merge_in_place(W, A, B, alpha):
    W += (alpha / A.shape[1]) * (A @ B)
    return W


def merge_transposed(W, A, B, alpha):
    return W + (alpha / A.shape[1]) * (A @ B).T


def merge_no_scale(W, A, B, alpha):
    return W + A @ B


WRONG = {
    "lora_forward": [lora_no_scale, lora_alpha_only, lora_inverse_scale],
    "lora_merge": [merge_in_place, merge_transposed, merge_no_scale],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("llm-adaptation", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_lora_forward_equals_the_merged_layer():
    x = np.array([[1.0, 2.0]])
    W, A, B = np.eye(2), np.array([[1.0], [0.0]]), np.array([[0.0, 3.0]])
    # rank 1, alpha 2: the update is 2 · A @ B = [[0, 6], [0, 0]]
    assert reference("lora_forward")(x, W, A, B, 2.0).tolist() == [[1.0, 8.0]]
    assert reference("lora_merge")(W, A, B, 2.0).tolist() == [[1.0, 6.0], [0.0, 1.0]]
