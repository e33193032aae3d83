"""Drill templates: CNN arithmetic, attention and transformers (issue 9). Registered with @template from quizprep.drills.templates."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.templates import EXACT, _dec, _f, _pick, _r, template

DTYPES = [("float32", 4), ("float16", 2), ("bfloat16", 2)]
MIB = 2**20


@template("dilated-conv-output-size")
def dilated_conv_output_size(rng: np.random.Generator) -> Problem:
    size = _pick(rng, [56, 64, 65, 100, 128, 129, 224, 257])
    k = _pick(rng, [3, 5, 7])
    dil = _pick(rng, [2, 3, 4, 6])
    s = _pick(rng, [1, 1, 2, 3])
    pad = _pick(rng, [0, 1, 2, 4, 6])
    eff = k + (k - 1) * (dil - 1)
    span = size + 2 * pad - eff
    out = span // s + 1
    return Problem(
        name="dilated-conv-output-size",
        prompt=(
            f"A {k}×{k} convolution with dilation {dil}, stride {s} and zero padding {pad} on every side is applied "
            f"to a {size}×{size} input. What is the output's height? (whole number)"
        ),
        answer=[float(out)],
        solution=[
            f"effective kernel = k + (k - 1)(d - 1) = {k} + {k - 1}·{dil - 1} = {eff}",
            f"out = floor((n + 2p - k_eff) / s) + 1 = floor(({size} + 2·{pad} - {eff}) / {s}) + 1",
            f"= floor({_f(span / s, 5)}) + 1 = {out}",
        ],
        **EXACT,
        params={"size": size, "kernel": k, "dilation": dil, "stride": s, "padding": pad},
    )


@template("depthwise-separable-params")
def depthwise_separable_params(rng: np.random.Generator) -> Problem:
    c_in = _pick(rng, [16, 24, 32, 64, 128])
    c_out = _pick(rng, [32, 48, 64, 128, 256])
    k = _pick(rng, [3, 5])
    standard = k * k * c_in * c_out
    depthwise, pointwise = k * k * c_in, c_in * c_out
    separable = depthwise + pointwise
    return Problem(
        name="depthwise-separable-params",
        prompt=(
            f"A standard {k}×{k} convolution maps {c_in} channels to {c_out}. How many weights does it have, and how many "
            f"does a depthwise-separable replacement ({k}×{k} depthwise, then 1×1 pointwise) have? Ignore biases. "
            f"Give both. (whole numbers)"
        ),
        answer=[float(standard), float(separable)],
        solution=[
            f"standard = k·k·C_in·C_out = {k}·{k}·{c_in}·{c_out} = {standard:,}",
            f"depthwise = k·k·C_in = {depthwise:,}; pointwise = C_in·C_out = {pointwise:,}; separable = {separable:,}",
            f"ratio = {separable:,} / {standard:,} = {separable / standard:.4f} = 1/{c_out} + 1/{k * k}",
        ],
        **EXACT,
        params={"in_channels": c_in, "out_channels": c_out, "kernel": k},
    )


@template("transposed-conv-output-size")
def transposed_conv_output_size(rng: np.random.Generator) -> Problem:
    size = _pick(rng, [4, 7, 8, 13, 14, 16, 28, 32])
    k, s, pad = _pick(rng, [(4, 2, 1), (3, 2, 1), (2, 2, 0), (3, 1, 1), (5, 2, 2), (4, 4, 0), (3, 3, 0), (5, 3, 1)])
    extra = _pick(rng, [0, 0, 1]) if s > 1 else 0
    out = (size - 1) * s - 2 * pad + k + extra
    return Problem(
        name="transposed-conv-output-size",
        prompt=(
            f"A transposed convolution with a {k}×{k} kernel, stride {s}, padding {pad} and output padding {extra} "
            f"(no dilation) is applied to a {size}×{size} feature map. What is the output's height? (whole number)"
        ),
        answer=[float(out)],
        solution=[
            "out = (n - 1)·s - 2p + k + output_padding",
            f"= ({size} - 1)·{s} - 2·{pad} + {k} + {extra} = {(size - 1) * s} - {2 * pad} + {k} + {extra} = {out}",
        ],
        **EXACT,
        params={"size": size, "kernel": k, "stride": s, "padding": pad, "output_padding": extra},
    )


@template("kv-cache-memory")
def kv_cache_memory(rng: np.random.Generator) -> Problem:
    layers = _pick(rng, [12, 24, 28, 32, 40, 48])
    heads = _pick(rng, [4, 8, 16, 32])
    head_dim = _pick(rng, [64, 96, 128])
    dtype, width = _pick(rng, DTYPES)
    tokens = _pick(rng, [512, 1000, 2048, 4096, 8192])
    batch = _pick(rng, [1, 2, 4, 8])
    per_token = 2 * layers * heads * head_dim * width
    total = per_token * tokens * batch
    mib = total / MIB
    return Problem(
        name="kv-cache-memory",
        prompt=(
            f"A decoder has {layers} layers, each with {heads} key/value heads of size {head_dim}, and caches keys and values "
            f"in {dtype}. How many MiB does the KV cache take for a batch of {batch} sequence{'s' if batch > 1 else ''} "
            f"of {tokens} tokens (1 MiB = 2^20 bytes)? (2 decimals)"
        ),
        answer=[mib],
        solution=[
            f"per token = 2 (K and V)·layers·heads·head size·bytes = 2·{layers}·{heads}·{head_dim}·{width} = {per_token:,} bytes",
            f"total = {per_token:,}·{tokens}·{batch} = {total:,} bytes",
            f"= {total:,} / 1,048,576 = {_r(mib)} MiB",
        ],
        **_dec(2),
        params={"layers": layers, "kv_heads": heads, "head_dim": head_dim, "dtype": dtype, "tokens": tokens, "batch": batch},
    )


@template("attention-score-memory")
def attention_score_memory(rng: np.random.Generator) -> Problem:
    batch = _pick(rng, [1, 2, 4, 8])
    heads = _pick(rng, [8, 12, 16, 32])
    n = _pick(rng, [500, 1024, 2048, 3000, 4096, 8192])
    dtype, width = _pick(rng, DTYPES)
    count = batch * heads * n * n
    mib = count * width / MIB
    return Problem(
        name="attention-score-memory",
        prompt=(
            f"Standard attention stores an n×n score matrix per head. For a batch of {batch} sequence{'s' if batch > 1 else ''} "
            f"of n = {n} tokens and {heads} heads in {dtype}, how many MiB do one layer's score matrices take "
            f"(1 MiB = 2^20 bytes)? (2 decimals)"
        ),
        answer=[mib],
        solution=[
            f"entries = batch·heads·n² = {batch}·{heads}·{n}² = {count:,}",
            f"bytes = {count:,}·{width} ({dtype}) = {count * width:,}",
            f"MiB = {count * width:,} / 1,048,576 = {_r(mib)}",
        ],
        **_dec(2),
        params={"batch": batch, "heads": heads, "n": n, "dtype": dtype},
    )


@template("receptive-field-stack")
def receptive_field_stack(rng: np.random.Generator) -> Problem:
    count = int(rng.integers(3, 6))
    layers = [_pick(rng, [(3, 1), (3, 1), (3, 2), (2, 2), (5, 1), (5, 2), (7, 2), (1, 1)]) for _ in range(count)]
    if all(s == 1 for _, s in layers):
        layers[1] = (3, 2)
    field, jump = 1, 1
    fields, jumps = [field], [jump]
    for k, s in layers:
        field += (k - 1) * jump
        jump *= s
        fields.append(field)
        jumps.append(jump)
    shown = ", ".join(f"({k}, {s})" for k, s in layers)
    return Problem(
        name="receptive-field-stack",
        prompt=(
            f"Layers with no dilation are applied in this order, given as (kernel, stride): {shown}. How many input pixels "
            f"wide is the receptive field of one unit of the last layer? (whole number)"
        ),
        answer=[float(field)],
        solution=[
            "start r = 1, j = 1; for each layer r ← r + (k - 1)·j, then j ← j·s",
            "r: " + " → ".join(str(v) for v in fields),
            "j: " + " → ".join(str(v) for v in jumps) + f"; the receptive field is {field} pixels wide",
        ],
        **EXACT,
        params={"layers": [[k, s] for k, s in layers]},
    )
