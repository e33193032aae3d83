"""Drills for the llm-adaptation topic: LoRA's trainable parameters and their share of a matrix, and the memory
of QLoRA fine-tuning."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, pick, rounded

TARGETS = {
    "q_v": "the query and value projections",
    "attention": "the query, key, value and output projections",
    "all": "the four attention projections and both MLP matrices",
}


@drill("lora-trainable-params")
def lora_trainable_params(rng: np.random.Generator) -> Problem:
    """LoRA's trainable parameters in a transformer"""
    d = pick(rng, [768, 1024, 2048, 4096, 5120])
    d_ff = 4 * d
    layers = pick(rng, [12, 24, 32, 40])
    r = pick(rng, [4, 8, 16, 32, 64])
    target = pick(rng, list(TARGETS))
    attention_one = r * (d + d)
    mlp_one = r * (d + d_ff)
    per_layer = {"q_v": 2 * attention_one, "attention": 4 * attention_one, "all": 4 * attention_one + 2 * mlp_one}[
        target
    ]
    total = layers * per_layer
    steps = [f"one {d}×{d} attention matrix: r·(d_in + d_out) = {r}·({d} + {d}) = {attention_one}"]
    if target == "all":
        steps.append(f"one MLP matrix ({d}×{d_ff} or {d_ff}×{d}): {r}·({d} + {d_ff}) = {mlp_one}")
    count = {"q_v": "2 attention matrices", "attention": "4 attention matrices", "all": "4 attention + 2 MLP matrices"}
    steps += [
        f"per layer ({count[target]}): {per_layer}",
        f"× {layers} layers = {total} = {rounded(total / 1e6)} million",
    ]
    return Problem(
        prompt=(
            f"A transformer has {layers} layers. In each, the query, key, value and output projections are {d}×{d} "
            f"matrices and the MLP has an up-projection {d}→{d_ff} and a down-projection {d_ff}→{d}. LoRA of rank "
            f"r = {r} is applied to {TARGETS[target]} in every layer (no biases). How many trainable parameters "
            "does LoRA add, in millions? (3 decimals)"
        ),
        answer=[total / 1e6],
        solution=steps,
        **decimals(3),
        params={"d_model": d, "d_ff": d_ff, "layers": layers, "rank": r, "target": target},
    )


@drill("lora-share-of-full")
def lora_share_of_full(rng: np.random.Generator) -> Problem:
    """LoRA's share of one matrix's parameters"""
    d_in, d_out = pick(rng, [(768, 768), (1024, 4096), (4096, 4096), (4096, 11008), (5120, 5120), (8192, 1024)])
    r = pick(rng, [2, 4, 8, 16, 32, 64])
    lora = r * (d_in + d_out)
    full = d_in * d_out
    share = 100 * lora / full
    return Problem(
        prompt=(
            f"A weight matrix maps {d_in} inputs to {d_out} outputs (shape {d_out}×{d_in}). LoRA of rank r = {r} "
            "trains A (r×d_in) and B (d_out×r) instead of the matrix. What percentage of the matrix's parameter "
            "count does LoRA train? Type the number of percent without the % sign, e.g. 0.391 for 0.391% (3 decimals)"
        ),
        answer=[share],
        solution=[
            f"LoRA: r·(d_in + d_out) = {r}·({d_in} + {d_out}) = {lora}",
            f"matrix: d_in·d_out = {d_in}·{d_out} = {full}",
            f"share = 100·{lora} / {full} = {rounded(share)}%",
        ],
        **decimals(3),
        params={"d_in": d_in, "d_out": d_out, "rank": r},
    )


@drill("qlora-memory")
def qlora_memory(rng: np.random.Generator) -> Problem:
    """Memory of a 4-bit base model plus LoRA training state"""
    billions = pick(rng, [1, 3, 7, 8, 13, 34, 70])
    millions = pick(rng, [10, 20, 40, 80, 160])
    base = billions * 1e9 * 0.5 / 1e9
    adapters = millions * 1e6 * 12 / 1e9
    total = base + adapters
    return Problem(
        prompt=(
            f"QLoRA fine-tunes a {billions}-billion-parameter model whose frozen weights are stored in 4 bits each, "
            f"with {millions} million LoRA parameters. Each LoRA parameter costs 12 bytes: a bf16 weight (2), a bf16 "
            "gradient (2) and Adam's two fp32 moments (8). Ignore quantization constants and activations; "
            "1 GB = 10^9 bytes. What are the base weights' memory and the total, in GB? Give both, separated by a "
            "semicolon, e.g. 3.5; 3.98 (2 decimals each)"
        ),
        answer=[base, total],
        solution=[
            f"base: {billions}·10^9 weights × 0.5 byte = {num(base)} GB",
            f"LoRA: {millions}·10^6 × 12 bytes = {num(adapters)} GB",
            f"total = {num(base)} + {num(adapters)} = {num(total)} GB",
        ],
        **decimals(2),
        params={"params_billion": billions, "lora_million": millions},
    )
