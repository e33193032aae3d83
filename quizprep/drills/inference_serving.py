"""Drills for the inference-serving topic: KV-cache size, expected tokens per speculative-decoding round, weight
memory at several precisions, and how many tokens survive top-p filtering."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, GIB, decimals, num, pick, rounded
from quizprep.text import plural

CACHE_TYPES = [("float16", 2), ("bfloat16", 2), ("fp8", 1), ("float32", 4)]


@drill("kv-cache-gib")
def kv_cache_gib(rng: np.random.Generator) -> Problem:
    """KV-cache size in GiB with grouped-query attention"""
    layers = pick(rng, [24, 32, 40, 48, 80])
    heads = pick(rng, [32, 40, 64])
    kv_heads = pick(rng, [4, 8]) if heads != 40 else 8
    head_dim = pick(rng, [64, 128])
    tokens = pick(rng, [2048, 4096, 8192, 16384, 32768])
    batch = pick(rng, [1, 2, 8, 16, 32])
    dtype, width = pick(rng, CACHE_TYPES)
    per_token = 2 * layers * kv_heads * head_dim * width
    total = per_token * tokens * batch
    return Problem(
        prompt=(
            f"A decoder has {layers} layers with {heads} query heads and {kv_heads} key/value heads (grouped-query "
            f"attention), head size {head_dim}, and caches keys and values in {dtype} ({plural(width, 'byte')} "
            "each). How many GiB (2^30 bytes) does the KV cache take for a batch of "
            f"{plural(batch, 'sequence')} of {tokens} tokens? (2 decimals)"
        ),
        answer=[total / GIB],
        solution=[
            f"per token = 2 (K and V)·layers·KV heads·head size·bytes = 2·{layers}·{kv_heads}·{head_dim}·{width} = "
            f"{per_token:,} bytes (the query heads do not matter)",
            f"total = {per_token:,}·{tokens}·{batch} = {total:,} bytes",
            f"= {total:,} / 2^30 = {total / GIB:.2f} GiB",
        ],
        **decimals(2),
        params={
            "layers": layers,
            "heads": heads,
            "kv_heads": kv_heads,
            "head_dim": head_dim,
            "tokens": tokens,
            "batch": batch,
            "bytes": width,
        },
    )


@drill("speculative-tokens")
def speculative_tokens(rng: np.random.Generator) -> Problem:
    """Expected tokens and speed-up of speculative decoding"""
    alpha = pick(rng, [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9])
    k = pick(rng, [2, 3, 4, 5, 6, 8])
    cost = pick(rng, [0.02, 0.05, 0.1, 0.2])
    tokens = (1 - alpha ** (k + 1)) / (1 - alpha)
    speedup = tokens / (cost * k + 1)
    return Problem(
        prompt=(
            f"In speculative decoding a draft model proposes k = {k} tokens per round, each accepted independently "
            f"with probability α = {alpha:g} (the round stops at the first rejection, and the target model always adds "
            f"one token of its own). A draft step costs {cost:g} of a target step. Give the expected number of tokens "
            "per round and the expected speed-up over plain decoding, separated by a semicolon, e.g. 2.5; 1.8 "
            "(3 decimals each)"
        ),
        answer=[tokens, speedup],
        solution=[
            f"tokens = (1 − α^(k+1)) / (1 − α) = (1 − {alpha:g}^{k + 1}) / {num(1 - alpha)} = {rounded(tokens)}",
            f"a round costs k·c + 1 = {k}·{cost:g} + 1 = {num(k * cost + 1)} target steps",
            f"speed-up = {rounded(tokens)} / {num(k * cost + 1)} = {speedup:.3f}",
        ],
        **decimals(3),
        params={"alpha": alpha, "k": k, "cost": cost},
    )


@drill("weight-memory")
def weight_memory(rng: np.random.Generator) -> Problem:
    """Weight memory at fp16, int8 and int4 with group scales"""
    billions = pick(rng, [1.5, 3, 7, 8, 13, 34, 70])
    group = pick(rng, [32, 64, 128, 256])
    fp16 = billions * 2
    int8 = billions * 1
    int4 = billions * (4 + 16 / group) / 8
    return Problem(
        prompt=(
            f"A model has {billions:g} billion parameters. How many GB (10^9 bytes) do its weights take in fp16, in "
            f"int8, and in int4 with one fp16 scale per group of {group} weights (ignore everything else)? Give three "
            "numbers separated by semicolons, e.g. 14; 7; 3.61 (2 decimals each)"
        ),
        answer=[float(fp16), float(int8), float(int4)],
        solution=[
            f"fp16: {billions:g}·10^9·2 bytes = {num(fp16)} GB; int8: {billions:g}·10^9·1 byte = {num(int8)} GB",
            f"int4 with scales: 4 + 16/{group} = {num(4 + 16 / group)} bits per weight",
            f"{billions:g}·10^9·{num(4 + 16 / group)}/8 bytes = {int4:.2f} GB",
        ],
        **decimals(2),
        params={"billions": billions, "group": group},
    )


def friendly_distribution(rng: np.random.Generator, size: int) -> list[float]:
    """`size` probabilities in hundredths, all different and positive, summing to 1."""
    while True:
        cuts = np.sort(rng.choice(np.arange(1, 100), size=size - 1, replace=False))
        values = np.diff(np.concatenate([[0], cuts, [100]]))
        if len(set(values.tolist())) == size:
            return [int(v) / 100 for v in values]


@drill("top-p-survivors")
def top_p_survivors(rng: np.random.Generator) -> Problem:
    """How many tokens survive top-p (nucleus) filtering"""
    size = pick(rng, [5, 6, 7, 8])
    while True:
        probs = friendly_distribution(rng, size)
        p = pick(rng, [0.5, 0.6, 0.75, 0.8, 0.9, 0.95])
        totals = np.cumsum(sorted(probs, reverse=True))
        if np.all(np.abs(totals - p) > 0.005):  # no running total lands exactly on p
            break
    survivors = int(np.argmax(totals >= p)) + 1
    ordered = sorted(probs, reverse=True)
    return Problem(
        prompt=(
            f"The next-token probabilities are {', '.join(f'{v:g}' for v in probs)}. Top-p sampling with p = {p:g} "
            "keeps the smallest set of most probable tokens whose total reaches p. How many tokens survive? "
            "(whole number)"
        ),
        answer=[float(survivors)],
        solution=[
            f"sorted: {', '.join(f'{v:g}' for v in ordered)}",
            "running totals: " + ", ".join(f"{t:.2f}" for t in totals[:survivors]),
            f"the total first reaches {p:g} at token {survivors}, so {survivors} tokens survive",
        ],
        **EXACT,
        params={"probs": probs, "p": p},
    )
