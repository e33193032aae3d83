"""Drills for the attention-transformers topic: attention weights and the memory of attention scores and KV caches."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import MIB, decimals, num, paren, pick, rounded, vec
from quizprep.text import plural

DTYPES = [("float32", 4), ("float16", 2), ("bfloat16", 2)]


@drill("attention-weight")
def attention_weight(rng: np.random.Generator) -> Problem:
    """An attention weight from a query and two keys"""
    q = [int(v) for v in rng.integers(-2, 3, size=4)]
    if not any(q):
        q[0] = 1
    k1 = [int(v) for v in rng.integers(-2, 3, size=4)]
    k2 = [int(v) for v in rng.integers(-2, 3, size=4)]
    d1 = sum(a * b for a, b in zip(q, k1, strict=False))
    d2 = sum(a * b for a, b in zip(q, k2, strict=False))
    s1, s2 = d1 / 2, d2 / 2
    alpha = 1 / (1 + math.exp(s2 - s1))
    return Problem(
        prompt=(
            f"Scaled dot-product attention: query q = {vec(q)}, keys k1 = {vec(k1)} and k2 = {vec(k2)} "
            f"(d_k = 4). What attention weight does q give to k1? (3 decimals)"
        ),
        answer=[alpha],
        solution=[
            f"q·k1 = {d1}, q·k2 = {d2}; divide by √d_k = 2: s1 = {num(s1)}, s2 = {num(s2)}",
            f"α1 = e^s1 / (e^s1 + e^s2) = 1 / (1 + e^({num(s2)} - {paren(s1)})) = {alpha:.4f}",
        ],
        **decimals(3),
        params={"q": q, "k1": k1, "k2": k2},
    )


@drill("kv-cache-memory")
def kv_cache_memory(rng: np.random.Generator) -> Problem:
    """KV-cache memory of a decoder in MiB"""
    layers = pick(rng, [12, 24, 28, 32, 40, 48])
    heads = pick(rng, [4, 8, 16, 32])
    head_dim = pick(rng, [64, 96, 128])
    dtype, width = pick(rng, DTYPES)
    tokens = pick(rng, [512, 1000, 2048, 4096, 8192])
    batch = pick(rng, [1, 2, 4, 8])
    per_token = 2 * layers * heads * head_dim * width
    total = per_token * tokens * batch
    mib = total / MIB
    return Problem(
        prompt=(
            f"A decoder has {layers} layers, "
            f"each with {heads} key/value heads of size {head_dim}, and caches keys and values "
            f"in {dtype}. How many MiB does the KV cache take for "
            f"a batch of {plural(batch, 'sequence')} "
            f"of {tokens} tokens (1 MiB = 2^20 bytes)? (2 decimals)"
        ),
        answer=[mib],
        solution=[
            (
                "per token = 2 (K and V)·layers·heads·head size·bytes = "
                f"2·{layers}·{heads}·{head_dim}·{width} = {per_token:,} bytes"
            ),
            f"total = {per_token:,}·{tokens}·{batch} = {total:,} bytes",
            f"= {total:,} / 1,048,576 = {rounded(mib)} MiB",
        ],
        **decimals(2),
        params={
            "layers": layers,
            "kv_heads": heads,
            "head_dim": head_dim,
            "dtype": dtype,
            "tokens": tokens,
            "batch": batch,
        },
    )


@drill("attention-score-memory")
def attention_score_memory(rng: np.random.Generator) -> Problem:
    """Memory of one layer's attention scores in MiB"""
    batch = pick(rng, [1, 2, 4, 8])
    heads = pick(rng, [8, 12, 16, 32])
    n = pick(rng, [500, 1024, 2048, 3000, 4096, 8192])
    dtype, width = pick(rng, DTYPES)
    count = batch * heads * n * n
    mib = count * width / MIB
    return Problem(
        prompt=(
            "Standard attention stores an n×n score matrix per head. "
            f"For a batch of {plural(batch, 'sequence')} "
            f"of n = {n} tokens and {heads} heads in {dtype}, how many MiB do one layer's score matrices take "
            f"(1 MiB = 2^20 bytes)? (2 decimals)"
        ),
        answer=[mib],
        solution=[
            f"entries = batch·heads·n² = {batch}·{heads}·{n}² = {count:,}",
            f"bytes = {count:,}·{width} ({dtype}) = {count * width:,}",
            f"MiB = {count * width:,} / 1,048,576 = {rounded(mib)}",
        ],
        **decimals(2),
        params={"batch": batch, "heads": heads, "n": n, "dtype": dtype},
    )
