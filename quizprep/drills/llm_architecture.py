"""Drills for the llm-architecture topic: grouped-query cache savings, decoder parameter counts, FLOPs per token,
the SwiGLU hidden width, and total against active parameters of a mixture of experts."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, GIB, decimals, num, pick, rounded
from quizprep.text import plural

# (name, layers, d_model, parameters) of a few decoder shapes, parameters in billions
SHAPES = [("1.3B", 24, 2048, 1.3), ("7B", 32, 4096, 6.7), ("13B", 40, 5120, 13.0), ("70B", 80, 8192, 70.0)]


@drill("gqa-cache-saving")
def gqa_cache_saving(rng: np.random.Generator) -> Problem:
    """KV-cache saving of grouped-query attention"""
    layers = pick(rng, [32, 40, 48, 64, 80])
    heads = pick(rng, [32, 48, 64])
    kv_heads = pick(rng, [1, 2, 4, 8])
    head_dim = pick(rng, [64, 128])
    tokens = pick(rng, [2048, 4096, 8192, 32768])
    batch = pick(rng, [1, 4, 8, 16])
    factor = heads / kv_heads
    per_head = 2 * layers * head_dim * 2 * tokens * batch  # bytes per key/value head over the whole batch
    saved = (heads - kv_heads) * per_head / GIB
    return Problem(
        prompt=(
            f"A decoder with {layers} layers has {heads} query heads of size {head_dim} and caches keys and values in "
            f"16-bit floats. It switches from multi-head attention ({heads} key/value heads) to grouped-query "
            f"attention with {plural(kv_heads, 'key/value head')}. By what factor does the KV cache "
            "shrink, and "
            f"how many GiB (2^30 bytes) does it save for a batch of {plural(batch, 'sequence')} of "
            f"{tokens} tokens? Give two numbers separated by a semicolon, e.g. 4; 12.5 (2 decimals each)"
        ),
        answer=[float(factor), float(saved)],
        solution=[
            f"factor = query heads / KV heads = {heads} / {kv_heads} = {num(factor)}",
            f"one KV head over the batch = 2·layers·head size·2 bytes·tokens·batch = 2·{layers}·{head_dim}·2·{tokens}·"
            f"{batch} = {per_head:,} bytes",
            f"saved = ({heads} − {kv_heads})·{per_head:,} / 2^30 = {saved:.2f} GiB",
        ],
        **decimals(2),
        params={
            "layers": layers,
            "heads": heads,
            "kv_heads": kv_heads,
            "head_dim": head_dim,
            "tokens": tokens,
            "batch": batch,
        },
    )


@drill("decoder-param-count")
def decoder_param_count(rng: np.random.Generator) -> Problem:
    """Parameters of a decoder from width, depth and vocabulary"""
    d = pick(rng, [512, 768, 1024, 1536, 2048, 2560, 4096])
    layers = pick(rng, [6, 12, 24, 32, 48])
    vocab = pick(rng, [32000, 50257, 65536, 128256])
    tied = bool(pick(rng, [True, False]))
    body = 12 * layers * d * d
    embedding = vocab * d * (1 if tied else 2)
    millions = (body + embedding) / 1e6
    return Problem(
        prompt=(
            f"A GPT-style decoder has d_model = {d}, {layers} layers, an MLP of width 4·d_model and a vocabulary of "
            f"{vocab} tokens; the output layer is {'tied to' if tied else 'separate from'} the input embedding. "
            "Counting 12·d² weights per layer plus the embedding matrices (ignore biases, norms and positions), "
            "how many million parameters does it have? (2 decimals)"
        ),
        answer=[float(millions)],
        solution=[
            f"layers: 12·L·d² = 12·{layers}·{d}² = {body:,}",
            f"embeddings: {'V·d' if tied else '2·V·d'} = {embedding:,}",
            f"total = {body + embedding:,} = {millions:.2f} million",
        ],
        **decimals(2),
        params={"d_model": d, "layers": layers, "vocab": vocab, "tied": tied},
    )


@drill("flops-per-token")
def flops_per_token(rng: np.random.Generator) -> Problem:
    """Forward FLOPs for one generated token"""
    name, layers, d, billions = pick(rng, SHAPES)
    position = pick(rng, [512, 2048, 4096, 8192])
    weights = 2 * billions * 1e9
    attention = 4 * layers * position * d
    gflops = (weights + attention) / 1e9
    return Problem(
        prompt=(
            f"A {name} decoder ({billions:g} billion parameters, {layers} layers, d_model = {d}) generates a token "
            "that "
            f"attends to {position} cached positions. Count 2 FLOPs per parameter for the matrix products and "
            f"4·layers·positions·d_model for the attention scores and weighted sums. How many GFLOPs (10^9) does this "
            "token's forward pass take? (2 decimals)"
        ),
        answer=[float(gflops)],
        solution=[
            f"matrix products: 2·N = 2·{billions:g}·10^9 = {num(weights / 1e9)} GFLOPs",
            f"attention: 4·{layers}·{position}·{d} = {attention:,} = {rounded(attention / 1e9)} GFLOPs",
            f"total = {gflops:.2f} GFLOPs",
        ],
        **decimals(2),
        params={"layers": layers, "d_model": d, "billions": billions, "position": position},
    )


@drill("swiglu-hidden-width")
def swiglu_hidden_width(rng: np.random.Generator) -> Problem:
    """SwiGLU hidden width that matches a 4d MLP"""
    d = pick(rng, [1024, 2048, 3072, 4096, 5120, 6656, 8192])
    multiple = pick(rng, [64, 128, 256])
    hidden = multiple * -(-8 * d // (3 * multiple))  # 8d/3 rounded up to a multiple
    return Problem(
        prompt=(
            f"A SwiGLU feed-forward block (three d × h matrices) should have as many weights as a plain MLP of width "
            f"4d (two matrices), for d = {d}. Take h = 8d/3 and round it up to the next multiple of {multiple}. "
            "What is h? (whole number)"
        ),
        answer=[float(hidden)],
        solution=[
            f"3·d·h = 8·d² gives h = 8d/3 = 8·{d}/3 = {rounded(8 * d / 3)}",
            f"rounded up to a multiple of {multiple}: {hidden}",
        ],
        **EXACT,
        params={"d_model": d, "multiple": multiple},
    )


@drill("moe-active-params")
def moe_active_params(rng: np.random.Generator) -> Problem:
    """Total and active parameters of a mixture of experts"""
    shared = pick(rng, [1.2, 1.6, 2.5, 5.0])
    layers = pick(rng, [24, 32, 48, 60])
    experts = pick(rng, [8, 16, 64])
    k = pick(rng, [1, 2, 4]) if experts > 8 else pick(rng, [1, 2])
    expert_millions = pick(rng, [44.0, 88.0, 117.5, 176.2])
    total = shared + layers * experts * expert_millions / 1000
    active = shared + layers * k * expert_millions / 1000
    return Problem(
        prompt=(
            f"A mixture-of-experts decoder has {shared:g} billion shared parameters (attention, embeddings, norms) and "
            f"{layers} MoE layers, each with {experts} experts of {expert_millions:g} million parameters; each token "
            "is "
            f"routed to {plural(k, 'expert')} per layer. Give the total and the active parameters per token "
            "in billions, separated by a semicolon, e.g. 46.7; 12.9 (2 decimals each)"
        ),
        answer=[float(total), float(active)],
        solution=[
            f"total = {shared:g} + {layers}·{experts}·{expert_millions:g}M = {total:.2f} billion",
            f"active = {shared:g} + {layers}·{k}·{expert_millions:g}M = {active:.2f} billion",
        ],
        **decimals(2),
        params={
            "shared_billions": shared,
            "layers": layers,
            "experts": experts,
            "k": k,
            "expert_millions": expert_millions,
        },
    )
