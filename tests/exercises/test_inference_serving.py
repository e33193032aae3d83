"""Inference exercises: references against plain sorting and a full recomputation; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def top_k_argsort(logits, k):
    out = np.full_like(logits, -np.inf)
    idx = np.argsort(-logits, axis=-1)[..., :k]
    np.put_along_axis(out, idx, np.take_along_axis(logits, idx, -1), -1)
    return out


def top_k_zero_fill(logits, k):
    f = reference("top_k_filter")(logits, k)
    return np.where(np.isinf(f), 0.0, f)


def top_k_off_by_one(logits, k):
    return reference("top_k_filter")(logits, k + 1)


def top_p_includes_crossing_twice(logits, p):
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    order = np.argsort(-probs, 1)
    ranked = np.take_along_axis(probs, order, 1)
    keep = np.zeros_like(logits, dtype=bool)
    np.put_along_axis(keep, order, np.cumsum(ranked, 1) <= p, 1)
    return np.where(keep, logits, -np.inf)


def top_p_unsorted(logits, p):
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    before = np.cumsum(probs, 1) - probs
    return np.where(before < p, logits, -np.inf)


def top_p_on_logits(logits, p):
    order = np.argsort(-logits, 1)
    ranked = np.take_along_axis(logits, order, 1)
    keep = np.zeros_like(logits, dtype=bool)
    np.put_along_axis(keep, order, (np.cumsum(ranked, 1) - ranked) < p, 1)
    return np.where(keep, logits, -np.inf)


def kv_cache_only_past(x, W_q, W_k, W_v, k_cache, v_cache):
    out, keys, values = reference("kv_cache_step")(x, W_q, W_k, W_v, k_cache, v_cache)
    if k_cache.shape[1] == 0:
        return out, keys, values
    q = x @ W_q
    s = np.einsum("bd,btd->bt", q, k_cache) / math.sqrt(q.shape[1])
    w = np.exp(s - s.max(1, keepdims=True))
    return np.einsum("bt,btd->bd", w / w.sum(1, keepdims=True), v_cache), keys, values


def kv_cache_model_scale(x, W_q, W_k, W_v, k_cache, v_cache):
    scale = math.sqrt(W_q.shape[1] / W_q.shape[0])
    return reference("kv_cache_step")(x, W_q * scale, W_k, W_v, k_cache, v_cache)


def kv_cache_prepends(x, W_q, W_k, W_v, k_cache, v_cache):
    out, keys, values = reference("kv_cache_step")(x, W_q, W_k, W_v, k_cache, v_cache)
    return out, np.roll(keys, 1, axis=1), np.roll(values, 1, axis=1)


WRONG = {
    "top_k_filter": [top_k_argsort, top_k_zero_fill, top_k_off_by_one],
    "top_p_filter": [top_p_includes_crossing_twice, top_p_unsorted, top_p_on_logits],
    "kv_cache_step": [kv_cache_only_past, kv_cache_model_scale, kv_cache_prepends],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("inference-serving", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_filters_by_hand():
    assert reference("top_k_filter")(np.array([1.0, 3.0, 2.0]), 2).tolist() == [-math.inf, 3.0, 2.0]
    kept = reference("top_p_filter")(np.log(np.array([[0.2, 0.5, 0.3]])), 0.6)
    assert np.isfinite(kept).tolist() == [[False, True, True]]


def test_kv_cache_steps_equal_full_causal_attention():
    rng = np.random.default_rng(10)
    xs, wq, wk, wv = (
        rng.normal(size=(1, 4, 5)),
        rng.normal(size=(5, 3)),
        rng.normal(size=(5, 3)),
        rng.normal(size=(5, 3)),
    )
    keys, values = np.zeros((1, 0, 3)), np.zeros((1, 0, 3))
    outs = []
    for t in range(4):
        out, keys, values = reference("kv_cache_step")(xs[:, t], wq, wk, wv, keys, values)
        outs.append(out[0])
    q, k, v = xs[0] @ wq, xs[0] @ wk, xs[0] @ wv
    for t in range(4):
        scores = [math.exp(float(q[t] @ k[j]) / math.sqrt(3)) for j in range(t + 1)]
        expected = sum(s * v[j] for j, s in enumerate(scores)) / sum(scores)
        assert outs[t].tolist() == pytest.approx(expected.tolist())
