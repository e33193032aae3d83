"""Drills for the efficient-training topic: ZeRO memory per GPU, the pipeline bubble, gradient accumulation steps,
ring all-reduce traffic and model FLOPs utilisation."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, decimals, num, pick


@drill("zero-memory-per-gpu")
def zero_memory_per_gpu(rng: np.random.Generator) -> Problem:
    """Model-state memory per GPU under ZeRO stage 0, 1, 2 or 3"""
    n = pick(rng, [1.3, 7, 7.5, 13, 30, 70])
    gpus = pick(rng, [8, 16, 64, 128, 256])
    stage = int(rng.integers(0, 4))
    psi = n * 1e9
    per_gpu = [16 * psi, 4 * psi + 12 * psi / gpus, 2 * psi + 14 * psi / gpus, 16 * psi / gpus][stage]
    rule = [
        "16Ψ (nothing sharded)",
        "4Ψ + 12Ψ/N (optimizer states sharded)",
        "2Ψ + 14Ψ/N (optimizer states and gradients sharded)",
        "16Ψ/N (everything sharded)",
    ][stage]
    return Problem(
        prompt=(
            f"A {num(n)}-billion-parameter model is trained with mixed-precision Adam on {gpus} data-parallel GPUs "
            "with ZeRO stage " + str(stage) + ". Count 16 bytes per parameter: 2 for the 16-bit weights, 2 for the "
            "16-bit gradients and 12 for the optimizer states (float32 master weights, momentum and variance), and "
            "ignore activations and buffers. How much model-state memory does each GPU hold, in GB (10^9 bytes)? "
            "(2 decimals)"
        ),
        answer=[per_gpu / 1e9],
        solution=[
            f"Ψ = {num(n)}e9 parameters, N = {gpus} GPUs; stage {stage} keeps {rule}",
            f"= {per_gpu:.6g} bytes = {per_gpu / 1e9:.3f} GB",
        ],
        **decimals(2),
        params={"params_billion": n, "gpus": gpus, "stage": stage},
    )


@drill("pipeline-bubble")
def pipeline_bubble(rng: np.random.Generator) -> Problem:
    """The idle share of a GPipe pipeline"""
    p = pick(rng, [2, 4, 8, 16])
    m = pick(rng, [4, 8, 16, 32, 64])
    bubble = (p - 1) / (m + p - 1)
    return Problem(
        prompt=(
            f"A model is split into {p} pipeline stages and each batch into {m} micro-batches, scheduled GPipe-style "
            "(all forwards, then all backwards). What fraction of the total step time is each GPU idle, as a number "
            "between 0 and 1? (3 decimals)"
        ),
        answer=[bubble],
        solution=[
            f"the pipeline fills and drains over p - 1 = {p - 1} of the m + p - 1 = {m + p - 1} slots of each phase",
            f"bubble = (p - 1)/(m + p - 1) = {p - 1}/{m + p - 1} = {bubble:.4f}",
        ],
        **decimals(3),
        params={"stages": p, "micro_batches": m},
    )


@drill("grad-accum-steps")
def grad_accum_steps(rng: np.random.Generator) -> Problem:
    """Gradient accumulation steps for a target global batch"""
    micro = pick(rng, [1, 2, 4, 8, 16])
    dp = pick(rng, [8, 16, 32, 64])
    steps = pick(rng, [2, 4, 8, 16])
    seq = pick(rng, [2048, 4096])
    global_batch = micro * dp * steps
    return Problem(
        prompt=(
            f"You want a global batch of {global_batch} sequences of {seq} tokens. Each of {dp} data-parallel GPUs "
            f"fits micro-batches of {micro} sequences. How many gradient accumulation steps does each optimizer step "
            "need, and how many tokens does one optimizer step process, in units of 1024 tokens? Give both, "
            "separated by a semicolon, e.g. 4; 2048. (whole numbers)"
        ),
        answer=[float(steps), float(global_batch * seq // 1024)],
        solution=[
            f"global batch = micro-batch × GPUs × accumulation steps, so steps = {global_batch} / ({micro} × {dp}) "
            f"= {steps}",
            f"tokens per step = {global_batch} × {seq} = {global_batch * seq} = 1024 × {global_batch * seq // 1024}",
        ],
        **EXACT,
        params={"global_batch": global_batch, "micro_batch": micro, "gpus": dp, "seq": seq},
    )


@drill("ring-allreduce-bytes")
def ring_allreduce_bytes(rng: np.random.Generator) -> Problem:
    """Ring all-reduce traffic and time per GPU"""
    params = pick(rng, [0.125, 0.35, 1.3, 7, 13])
    width = pick(rng, [2, 4])
    n = pick(rng, [4, 8, 16, 64])
    bandwidth = pick(rng, [25, 50, 100, 400])
    size = params * 1e9 * width
    sent = 2 * (n - 1) / n * size
    return Problem(
        prompt=(
            f"Data-parallel training of a {num(params)}-billion-parameter model all-reduces {width}-byte gradients "
            f"across {n} GPUs with a ring all-reduce. How many GB (10^9 bytes) does each GPU send per step, and how "
            f"many milliseconds does that take at {bandwidth} GB/s per GPU (ignore latency)? Give both, separated by "
            "a semicolon, e.g. 12.34; 45.67. (2 decimals each)"
        ),
        answer=[sent / 1e9, sent / (bandwidth * 1e9) * 1000],
        solution=[
            f"buffer S = {num(params)}e9 × {width} bytes = {size / 1e9:g} GB",
            f"sent = 2(n - 1)/n × S = 2 × {n - 1}/{n} × {size / 1e9:g} = {sent / 1e9:.3f} GB",
            f"time = {sent / 1e9:.3f} / {bandwidth} s = {sent / (bandwidth * 1e9) * 1000:.2f} ms",
        ],
        **decimals(2),
        params={"params_billion": params, "bytes_per_value": width, "gpus": n, "bandwidth_gbs": bandwidth},
    )


@drill("mfu-from-throughput")
def mfu_from_throughput(rng: np.random.Generator) -> Problem:
    """Model FLOPs utilisation from measured tokens per second"""
    n = pick(rng, [1, 7, 13, 70])
    gpus = pick(rng, [64, 128, 256, 512])
    gpu, peak = pick(rng, [("A100", 312), ("H100", 989)])
    target = float(rng.uniform(0.25, 0.55))
    rate = float(round(target * gpus * peak * 1e12 / (6 * n * 1e9), -3))  # a plausible throughput, rounded
    mfu = 6 * n * 1e9 * rate / (gpus * peak * 1e12)
    return Problem(
        prompt=(
            f"A {n}-billion-parameter model trains at {rate:.0f} tokens per second on {gpus} {gpu} GPUs ({peak} "
            "TFLOP/s bf16 peak each). Counting 6N FLOPs per token and ignoring attention, what is its model FLOPs "
            "utilisation, as a number between 0 and 1? (3 decimals)"
        ),
        answer=[mfu],
        solution=[
            f"model FLOP/s = 6 × {n}e9 × {rate:.0f} = {6 * n * 1e9 * rate:.4g}",
            f"peak = {gpus} × {peak}e12 = {gpus * peak * 1e12:.4g} FLOP/s",
            f"MFU = {6 * n * 1e9 * rate:.4g} / {gpus * peak * 1e12:.4g} = {mfu:.4f}",
        ],
        **decimals(3),
        params={"params_billion": n, "tokens_per_second": rate, "gpus": gpus, "peak_tflops": peak},
    )
