"""Drills for the LLM training topic: perplexity from a loss, training FLOPs and days, Chinchilla-optimal sizes,
and tokens and steps per epoch."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, decimals, num, pick


@drill("perplexity-from-loss")
def perplexity_from_loss(rng: np.random.Generator) -> Problem:
    """Perplexity from a mean token loss, in nats or bits"""
    loss = round(float(rng.uniform(1.5, 4.0)), 2)
    unit = pick(rng, ["nats", "bits"])
    if unit == "nats":
        ppl, other, other_unit = math.exp(loss), loss / math.log(2), "bits"
        steps = [
            f"perplexity = e^{num(loss)} = {ppl:.4f}",
            f"in bits: {num(loss)} / ln 2 = {num(loss)} / 0.6931 = {other:.4f}",
        ]
    else:
        ppl, other, other_unit = 2.0**loss, loss * math.log(2), "nats"
        steps = [
            f"perplexity = 2^{num(loss)} = {ppl:.4f}",
            f"in nats: {num(loss)} × ln 2 = {num(loss)} × 0.6931 = {other:.4f}",
        ]
    return Problem(
        prompt=(
            f"A language model's mean cross-entropy on held-out text is {num(loss)} {unit} per token. What is its "
            f"per-token perplexity, and what is the same loss in {other_unit} per token? Give both, separated by a "
            "semicolon, e.g. 12.34; 5.67. (2 decimals each)"
        ),
        answer=[ppl, other],
        solution=steps,
        **decimals(2),
        params={"loss": loss, "unit": unit},
    )


@drill("training-flops-days")
def training_flops_days(rng: np.random.Generator) -> Problem:
    """Training FLOPs by 6ND and the days it takes on a GPU cluster"""
    n = pick(rng, [1, 3, 7, 13, 34, 70])
    tokens = pick(rng, [300, 1000, 1400, 2000, 3000])
    gpus = pick(rng, [256, 512, 1024, 2048])
    gpu, peak = pick(rng, [("A100", 312), ("H100", 989)])
    mfu = pick(rng, [0.3, 0.4, 0.5])
    flops = 6 * n * 1e9 * tokens * 1e9
    rate = gpus * peak * 1e12 * mfu
    days = flops / rate / 86400
    return Problem(
        prompt=(
            f"You train a {n}-billion-parameter transformer on {tokens} billion tokens with {gpus} {gpu} GPUs "
            f"({peak} TFLOP/s bf16 peak each) at {num(100 * mfu)}% model FLOPs utilisation. Using C = 6ND, how many "
            "training FLOPs is that, in units of 10^21, and how many days does it take? Give both, separated by a "
            "semicolon, e.g. 12.34; 4.56. (2 decimals each)"
        ),
        answer=[flops / 1e21, days],
        solution=[
            f"C = 6 × {n}e9 × {tokens}e9 = {flops:.4g} FLOPs = {flops / 1e21:.2f} × 10^21",
            f"cluster rate = {gpus} × {peak}e12 × {num(mfu)} = {rate:.4g} FLOP/s",
            f"time = {flops:.4g} / {rate:.4g} = {flops / rate:.4g} s = {days:.4g} days",
        ],
        **decimals(2),
        params={"params_billion": n, "tokens_billion": tokens, "gpus": gpus, "peak_tflops": peak, "mfu": mfu},
    )


@drill("chinchilla-optimal-size")
def chinchilla_optimal_size(rng: np.random.Generator) -> Problem:
    """Compute-optimal parameters and tokens for a FLOP budget"""
    mantissa = pick(rng, [1, 2, 3, 5, 6])
    exponent = pick(rng, [21, 22, 23, 24])
    budget = mantissa * 10.0**exponent
    n = math.sqrt(budget / 120)
    return Problem(
        prompt=(
            f"You have a training budget of {mantissa}e{exponent} FLOPs. Using C = 6ND and Chinchilla's rule of thumb "
            "of D = 20N tokens per parameter, what model size N (billions of parameters) and how many training "
            "tokens D (billions) are compute-optimal? Give both, separated by a semicolon, e.g. 12.34; 246.8. "
            "(2 decimals each)"
        ),
        answer=[n / 1e9, 20 * n / 1e9],
        solution=[
            "C = 6N·20N = 120N², so N = sqrt(C / 120)",
            f"N = sqrt({mantissa}e{exponent} / 120) = {n:.4g} = {n / 1e9:.2f} billion",
            f"D = 20N = {20 * n:.4g} = {20 * n / 1e9:.2f} billion tokens",
        ],
        **decimals(2),
        params={"budget": budget},
    )


@drill("tokens-per-epoch-steps")
def tokens_per_epoch_steps(rng: np.random.Generator) -> Problem:
    """Tokens in a text corpus and optimizer steps per epoch"""
    size_gb = pick(rng, [20, 50, 100, 200, 500])
    per_token = pick(rng, [3.5, 4.0, 4.5])
    batch = pick(rng, [256, 512, 1024])
    seq = pick(rng, [1024, 2048, 4096])
    tokens = Fraction(size_gb * 10**9) / Fraction(str(per_token))
    per_step = batch * seq
    steps = math.ceil(tokens / per_step)
    millions = round(tokens / 10**6)
    return Problem(
        prompt=(
            f"A cleaned text corpus holds {size_gb} GB (10^9 bytes) and the tokenizer averages {num(per_token)} bytes "
            f"per token. Training uses batches of {batch} sequences of {seq} tokens. How many tokens does one epoch "
            "hold, in millions rounded to the nearest million, and how many optimizer steps does one epoch take, "
            "rounded up? Give both, separated by a semicolon, e.g. 12345; 678. (whole numbers)"
        ),
        answer=[float(millions), float(steps)],
        solution=[
            f"tokens = {size_gb}e9 / {num(per_token)} = {float(tokens):.6g} ≈ {millions} million",
            f"tokens per step = {batch} × {seq} = {per_step}",
            f"steps = {float(tokens):.6g} / {per_step} = {float(tokens / per_step):.2f}, rounded up to {steps}",
        ],
        **EXACT,
        params={"size_gb": size_gb, "bytes_per_token": per_token, "batch": batch, "seq": seq},
    )
