"""Attention exercises: references against plain-Python loops; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def attention_no_scale(q, k, v, mask=None):
    return reference("attention")(q * math.sqrt(q.shape[-1]), k, v, mask)


def attention_mask_inverted(q, k, v, mask=None):
    return reference("attention")(q, k, v, None if mask is None else ~np.asarray(mask))


def attention_nan_rows(q, k, v, mask=None):
    s = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True) @ v


def attention_big_negative(q, k, v, mask=None):
    s = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -1e9)
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True) @ v


def causal_strict(length):
    return np.tril(np.ones((length, length), dtype=bool), -1)


def causal_upper(length):
    return np.triu(np.ones((length, length), dtype=bool))


def causal_float(length):
    return np.tril(np.ones((length, length)))


def split_plain_reshape(x, num_heads):
    b, length, d = x.shape
    return x.reshape(b, num_heads, length, d // num_heads)


def split_interleaved(x, num_heads):
    b, length, d = x.shape
    return x.reshape(b, length, d // num_heads, num_heads).transpose(0, 3, 1, 2)


def split_no_transpose(x, num_heads):
    b, length, d = x.shape
    return x.reshape(b, length, num_heads, d // num_heads)


def merge_plain_reshape(x):
    b, h, length, dh = x.shape
    return x.reshape(b, length, h * dh)


def merge_interleaved(x):
    b, h, length, dh = x.shape
    return x.transpose(0, 2, 3, 1).reshape(b, length, h * dh)


def merge_heads_last(x):
    b, h, length, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(b, length * h, dh).reshape(b, length, h * dh)[:, ::-1]


def pe_index_exponent(length, dim):
    pos = np.arange(length)[:, None]
    angles = pos / 10000.0 ** (np.arange(dim // 2) / dim)
    pe = np.empty((length, dim))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles)
    return pe


def pe_halves(length, dim):
    pos = np.arange(length)[:, None]
    angles = pos / 10000.0 ** (np.arange(0, dim, 2) / dim)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


def pe_from_one(length, dim):
    return reference("sinusoidal_positions")(length + 1, dim)[1:]


WRONG = {
    "attention": [attention_no_scale, attention_mask_inverted, attention_nan_rows, attention_big_negative],
    "causal_mask": [causal_strict, causal_upper, causal_float],
    "split_heads": [split_plain_reshape, split_interleaved, split_no_transpose],
    "merge_heads": [merge_plain_reshape, merge_interleaved, merge_heads_last],
    "sinusoidal_positions": [pe_index_exponent, pe_halves, pe_from_one],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("attention-transformers", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_attention_matches_a_plain_loop_with_a_mask():
    rng = np.random.default_rng(5)
    q, k, v = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    mask = [[True, False, False], [True, True, False], [False, False, False]]
    got = reference("attention")(q, k, v, np.array(mask))
    for i in range(3):
        scores = [sum(q[i, d] * k[j, d] for d in range(2)) / math.sqrt(2) for j in range(3)]
        weights = [math.exp(s) if mask[i][j] else 0.0 for j, s in enumerate(scores)]
        total = sum(weights) or 1.0
        expected = [sum(weights[j] / total * v[j, d] for j in range(3)) for d in range(2)]
        assert got[i].tolist() == pytest.approx(expected)


def test_heads_positions_and_masks_by_hand():
    x = np.arange(8.0).reshape(1, 2, 4)
    split = reference("split_heads")(x, 2)
    assert split[0, 1, 0].tolist() == [2.0, 3.0] and split[0, 0, 1].tolist() == [4.0, 5.0]
    assert np.array_equal(reference("merge_heads")(split), x)
    pe = reference("sinusoidal_positions")(3, 4)
    assert pe[2].tolist() == pytest.approx([math.sin(2), math.cos(2), math.sin(2 / 100), math.cos(2 / 100)])
    assert reference("causal_mask")(3).tolist() == [[True, False, False], [True, True, False], [True, True, True]]
