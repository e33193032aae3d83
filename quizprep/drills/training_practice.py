"""Drills for the training-practice topic: iterations per epoch, batch and layer normalisation, and initialisation
scales."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, decimals, num, paren, pick, rounded, vec


@drill("iterations-per-epoch")
def iterations_per_epoch(rng: np.random.Generator) -> Problem:
    """Iterations per epoch and in total, rounding up"""
    batch = pick(rng, [16, 32, 50, 64, 100, 128, 256])
    full = int(rng.integers(10, 400))
    rest = int(rng.integers(1, batch))
    n = batch * full + rest
    epochs = int(rng.integers(2, 21))
    per_epoch = full + 1
    return Problem(
        prompt=(
            f"A training set has {n} examples, the batch size is {batch}, and the last, smaller batch of each "
            f"epoch is kept. How many iterations (optimizer steps) are there in one epoch, and in {epochs} epochs? "
            f"(whole numbers)"
        ),
        answer=[float(per_epoch), float(per_epoch * epochs)],
        solution=[
            f"per epoch = ceil(N / B) = ceil({n} / {batch}) = ceil({num(n / batch, 7)}) = {per_epoch}",
            f"{epochs} epochs = {epochs}·{per_epoch} = {per_epoch * epochs} (round up each epoch, not the total)",
        ],
        **EXACT,
        params={"n": n, "batch": batch, "epochs": epochs},
    )


@drill("batchnorm-value")
def batchnorm_value(rng: np.random.Generator) -> Problem:
    """Batch norm's output for one value of a batch"""
    x = [int(v) for v in rng.integers(-2, 9, size=4)]
    if len(set(x)) == 1:
        x[0] += 2
    k = int(rng.integers(0, 4))
    gamma = pick(rng, [0.5, 1.0, 1.5, 2.0, 3.0])
    beta = pick(rng, [-1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    mean = sum(x) / 4
    var = sum((v - mean) ** 2 for v in x) / 4
    xhat = (x[k] - mean) / math.sqrt(var)
    y = gamma * xhat + beta
    return Problem(
        prompt=(
            f"In training mode, batch norm sees one feature take the values {vec(x)} across a batch of 4. "
            f"With γ = {num(gamma)}, β = {num(beta)}, ε = 0 and the biased variance (divide by 4), what is the "
            f"output for example {k + 1} (value {x[k]})? (3 decimals)"
        ),
        answer=[y],
        solution=[
            f"μ = ({' + '.join(paren(v) for v in x)}) / 4 = {num(mean)}",
            f"σ² = mean of (x - μ)² = ({' + '.join(num((v - mean) ** 2) for v in x)}) / 4 = {num(var)}",
            f"x̂ = (x - μ) / √σ² = ({x[k]} - {paren(mean)}) / {rounded(math.sqrt(var))} = {rounded(xhat)}",
            f"y = γ·x̂ + β = {num(gamma)}·{rounded(xhat, paren=True)} + {paren(beta)} = {rounded(y)}",
        ],
        **decimals(3),
        params={"x": x, "index": k + 1, "gamma": gamma, "beta": beta},
    )


@drill("he-xavier-std")
def he_xavier_std(rng: np.random.Generator) -> Problem:
    """He and Xavier weight standard deviations"""
    if rng.random() < 0.5:
        layer, kernel = "dense", 1
        n_in = pick(rng, [64, 100, 128, 256, 300, 400, 512, 784, 1024])
        n_out = pick(rng, [10, 32, 64, 100, 128, 256, 512])
        what = f"A dense layer maps {n_in} inputs to {n_out} outputs."
        fans = f"fan_in = {n_in}, fan_out = {n_out}"
    else:
        layer = "conv"
        kernel = pick(rng, [3, 5])
        n_in = pick(rng, [3, 16, 32, 64, 128])
        n_out = pick(rng, [16, 32, 64, 128, 256])
        what = f"A {kernel}x{kernel} convolution has {n_in} input channels and {n_out} output channels."
        fans = f"fan_in = {n_in}·{kernel}² = {n_in * kernel**2}, fan_out = {n_out}·{kernel}² = {n_out * kernel**2}"
    fan_in, fan_out = n_in * kernel**2, n_out * kernel**2
    he = math.sqrt(2 / fan_in)
    xavier = math.sqrt(2 / (fan_in + fan_out))
    return Problem(
        prompt=(
            f"{what} Its weights are drawn from a zero-mean normal distribution. What standard deviation does "
            f"(1) He initialisation, √(2/fan_in), and (2) Xavier (Glorot) initialisation, √(2/(fan_in + fan_out)), "
            f"give? For a convolution fan_in = in_channels·k² and fan_out = out_channels·k². (4 decimals each)"
        ),
        answer=[he, xavier],
        solution=[
            fans,
            f"He: std = √(2 / fan_in) = √(2 / {fan_in}) = {he:.5f}",
            f"Xavier: std = √(2 / (fan_in + fan_out)) = √(2 / {fan_in + fan_out}) = {xavier:.5f}",
        ],
        **decimals(4),
        params={"layer": layer, "in": n_in, "out": n_out, "kernel": kernel},
    )


def _token(rng: np.random.Generator) -> list[int]:
    x = [int(v) for v in rng.integers(-3, 8, size=4)]
    if len(set(x)) == 1:
        x[0] += 3
    return x


@drill("layer-norm-value")
def layer_norm_value(rng: np.random.Generator) -> Problem:
    """Layer norm and RMSNorm of one feature"""
    x = _token(rng)
    k = int(rng.integers(0, 4))
    gamma = pick(rng, [0.5, 1.0, 1.5, 2.0])
    beta = pick(rng, [-1.0, -0.5, 0.0, 0.5, 1.0])
    mean = sum(x) / 4
    var = sum((v - mean) ** 2 for v in x) / 4
    ln = gamma * (x[k] - mean) / math.sqrt(var) + beta
    ms = sum(v * v for v in x) / 4
    rms = gamma * x[k] / math.sqrt(ms)
    return Problem(
        prompt=(
            f"One token's hidden vector is x = {vec(x)}. Take ε = 0 and gain γ = {num(gamma)} for every feature. "
            f"(1) What does layer norm, with shift β = {num(beta)}, output for feature {k + 1} (counting from 1)? "
            f"(2) What does RMSNorm (same γ, no shift) output for it? (3 decimals each)"
        ),
        answer=[ln, rms],
        solution=[
            f"mean = {num(mean)}, variance = mean of (x - mean)² = {num(var)}",
            (
                f"layer norm: γ·(x - mean)/√var + β = {num(gamma)}·({x[k]} - "
                f"{paren(mean)})/{rounded(math.sqrt(var))} + {paren(beta)} = {rounded(ln)}"
            ),
            (
                f"mean of x² = {num(ms)}; RMSNorm: γ·x/√(mean x²) "
                f"= {num(gamma)}·{paren(x[k])}/{rounded(math.sqrt(ms))} = {rounded(rms)}"
            ),
        ],
        **decimals(3),
        params={"x": x, "feature": k + 1, "gamma": gamma, "beta": beta},
    )


@drill("bn-running-stats")
def bn_running_stats(rng: np.random.Generator) -> Problem:
    """Batch norm's running mean and variance update"""
    batch = [int(v) for v in rng.integers(-2, 10, size=4)]
    if len(set(batch)) == 1:
        batch[0] += 2
    old_mean = pick(rng, [-1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 4.0])
    old_var = pick(rng, [0.5, 1.0, 2.0, 4.0, 6.0])
    momentum = pick(rng, [0.1, 0.2, 0.01])
    mu = sum(batch) / 4
    unbiased = sum((v - mu) ** 2 for v in batch) / 3
    new_mean = (1 - momentum) * old_mean + momentum * mu
    new_var = (1 - momentum) * old_var + momentum * unbiased
    return Problem(
        prompt=(
            "A batch-norm layer's running statistics for one feature "
            f"are mean {num(old_mean)} and variance {num(old_var)}. "
            f"A training batch brings the values {vec(batch)}. "
            f"With PyTorch's rule (momentum {num(momentum)} is the weight "
            f"of the new batch; the running variance uses the unbiased batch variance), what are the new running mean "
            f"and running variance? (3 decimals each)"
        ),
        answer=[new_mean, new_var],
        solution=[
            f"batch mean = {num(mu)}; unbiased variance = sum of (x - mean)² / 3 = {rounded(unbiased)}",
            f"mean: (1 - {num(momentum)})·{paren(old_mean)} + {num(momentum)}·{paren(mu)} = {rounded(new_mean)}",
            (
                f"variance: (1 - {num(momentum)})·{num(old_var)} + "
                f"{num(momentum)}·{rounded(unbiased)} = {rounded(new_var)}"
            ),
        ],
        **decimals(3),
        params={"batch": batch, "mean": old_mean, "var": old_var, "momentum": momentum},
    )
