"""Drills for the tools-frameworks topic: memory of activation tensors."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, pick, rounded


@drill("tensor-memory")
def tensor_memory(rng: np.random.Generator) -> Problem:
    """Memory of an activation tensor in MiB"""
    batch = pick(rng, [8, 16, 32, 64, 128])
    channels = pick(rng, [3, 16, 32, 64, 128, 256])
    size = pick(rng, [7, 14, 28, 32, 56, 64, 112, 224])
    dtype, width = pick(rng, [("float32", 4), ("float16", 2), ("bfloat16", 2), ("float64", 8)])
    count = batch * channels * size * size
    mib = count * width / 2**20
    return Problem(
        prompt=(
            f"An activation tensor of shape ({batch}, {channels}, {size}, {size}) is stored as {dtype}. "
            f"How many MiB does it take (1 MiB = 2^20 = 1,048,576 bytes)? (2 decimals)"
        ),
        answer=[mib],
        solution=[
            f"elements = {batch}·{channels}·{size}·{size} = {count:,}",
            f"bytes = {count:,}·{width} ({dtype}) = {count * width:,}",
            f"MiB = {count * width:,} / 1,048,576 = {rounded(mib)}",
        ],
        **decimals(2),
        params={"shape": [batch, channels, size, size], "dtype": dtype},
    )
