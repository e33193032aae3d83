"""Drill templates: initialisation, activations and normalisation (issue 9). Registered with @template from quizprep.drills.templates."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.templates import EXACT, _dec, _f, _p, _pick, _r, _vec, template


@template("he-xavier-std")
def he_xavier_std(rng: np.random.Generator) -> Problem:
    if rng.random() < 0.5:
        layer, kernel = "dense", 1
        n_in = _pick(rng, [64, 100, 128, 256, 300, 400, 512, 784, 1024])
        n_out = _pick(rng, [10, 32, 64, 100, 128, 256, 512])
        what = f"A dense layer maps {n_in} inputs to {n_out} outputs."
        fans = f"fan_in = {n_in}, fan_out = {n_out}"
    else:
        layer = "conv"
        kernel = _pick(rng, [3, 5])
        n_in = _pick(rng, [3, 16, 32, 64, 128])
        n_out = _pick(rng, [16, 32, 64, 128, 256])
        what = f"A {kernel}x{kernel} convolution has {n_in} input channels and {n_out} output channels."
        fans = f"fan_in = {n_in}·{kernel}² = {n_in * kernel**2}, fan_out = {n_out}·{kernel}² = {n_out * kernel**2}"
    fan_in, fan_out = n_in * kernel**2, n_out * kernel**2
    he = math.sqrt(2 / fan_in)
    xavier = math.sqrt(2 / (fan_in + fan_out))
    return Problem(
        name="he-xavier-std",
        prompt=(
            f"{what} Its weights are drawn from a zero-mean normal distribution. What standard deviation does "
            f"(1) He initialisation and (2) Xavier (Glorot) initialisation give? (4 decimals each)"
        ),
        answer=[he, xavier],
        solution=[
            fans,
            f"He: std = √(2 / fan_in) = √(2 / {fan_in}) = {he:.5f}",
            f"Xavier: std = √(2 / (fan_in + fan_out)) = √(2 / {fan_in + fan_out}) = {xavier:.5f}",
        ],
        **_dec(4),
        params={"layer": layer, "in": n_in, "out": n_out, "kernel": kernel},
    )


def _token(rng: np.random.Generator) -> list[int]:
    x = [int(v) for v in rng.integers(-3, 8, size=4)]
    if len(set(x)) == 1:
        x[0] += 3
    return x


@template("layer-norm-value")
def layer_norm_value(rng: np.random.Generator) -> Problem:
    x = _token(rng)
    k = int(rng.integers(0, 4))
    gamma = _pick(rng, [0.5, 1.0, 1.5, 2.0])
    beta = _pick(rng, [-1.0, -0.5, 0.0, 0.5, 1.0])
    mean = sum(x) / 4
    var = sum((v - mean) ** 2 for v in x) / 4
    ln = gamma * (x[k] - mean) / math.sqrt(var) + beta
    ms = sum(v * v for v in x) / 4
    rms = gamma * x[k] / math.sqrt(ms)
    return Problem(
        name="layer-norm-value",
        prompt=(
            f"One token's hidden vector is x = {_vec(x)}. Take ε = 0 and gain γ = {_f(gamma)} for every feature. "
            f"(1) What does layer norm, with shift β = {_f(beta)}, output for feature {k + 1}? "
            f"(2) What does RMSNorm (same γ, no shift) output for it? (3 decimals each)"
        ),
        answer=[ln, rms],
        solution=[
            f"mean = {_f(mean)}, variance = mean of (x - mean)² = {_f(var)}",
            f"layer norm: γ·(x - mean)/√var + β = {_f(gamma)}·({x[k]} - {_p(mean)})/{_r(math.sqrt(var))} + {_p(beta)} = {_r(ln)}",
            f"mean of x² = {_f(ms)}; RMSNorm: γ·x/√(mean x²) = {_f(gamma)}·{_p(x[k])}/{_r(math.sqrt(ms))} = {_r(rms)}",
        ],
        **_dec(3),
        params={"x": x, "feature": k + 1, "gamma": gamma, "beta": beta},
    )


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


@template("silu-gelu-value")
def silu_gelu_value(rng: np.random.Generator) -> Problem:
    x = _pick(rng, [v / 4 for v in range(-12, 13) if v != 0])
    sig = 1 / (1 + math.exp(-x))
    phi = _normal_cdf(x)
    silu = x * sig
    gelu = x * phi
    return Problem(
        name="silu-gelu-value",
        prompt=(
            f"What do (1) SiLU (Swish with β = 1) and (2) exact GELU output at x = {_f(x)}? For GELU you may use "
            f"Φ({_f(x)}) = {phi:.4f}, the standard normal CDF. (3 decimals each)"
        ),
        answer=[silu, gelu],
        solution=[
            f"SiLU(x) = x·σ(x) = {_f(x)}·1/(1 + e^{_p(-x)}) = {_f(x)}·{sig:.4f} = {silu:.4f}",
            f"GELU(x) = x·Φ(x) = {_f(x)}·{phi:.4f} = {gelu:.4f}",
        ],
        **_dec(3),
        params={"x": x},
    )


@template("bn-running-stats")
def bn_running_stats(rng: np.random.Generator) -> Problem:
    batch = [int(v) for v in rng.integers(-2, 10, size=4)]
    if len(set(batch)) == 1:
        batch[0] += 2
    old_mean = _pick(rng, [-1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 4.0])
    old_var = _pick(rng, [0.5, 1.0, 2.0, 4.0, 6.0])
    momentum = _pick(rng, [0.1, 0.2, 0.01])
    mu = sum(batch) / 4
    unbiased = sum((v - mu) ** 2 for v in batch) / 3
    new_mean = (1 - momentum) * old_mean + momentum * mu
    new_var = (1 - momentum) * old_var + momentum * unbiased
    return Problem(
        name="bn-running-stats",
        prompt=(
            f"A batch-norm layer's running statistics for one feature are mean {_f(old_mean)} and variance {_f(old_var)}. "
            f"A training batch brings the values {_vec(batch)}. With PyTorch's rule (momentum {_f(momentum)} is the weight "
            f"of the new batch; the running variance uses the unbiased batch variance), what are the new running mean "
            f"and running variance? (3 decimals each)"
        ),
        answer=[new_mean, new_var],
        solution=[
            f"batch mean = {_f(mu)}; unbiased variance = sum of (x - mean)² / 3 = {_r(unbiased)}",
            f"mean: (1 - {_f(momentum)})·{_p(old_mean)} + {_f(momentum)}·{_p(mu)} = {_r(new_mean)}",
            f"variance: (1 - {_f(momentum)})·{_f(old_var)} + {_f(momentum)}·{_r(unbiased)} = {_r(new_var)}",
        ],
        **_dec(3),
        params={"batch": batch, "mean": old_mean, "var": old_var, "momentum": momentum},
    )


@template("linear-layers-merge")
def linear_layers_merge(rng: np.random.Generator) -> Problem:
    W1 = [[int(v) for v in rng.integers(-3, 4, size=2)] for _ in range(2)]
    b1 = [int(v) for v in rng.integers(-2, 3, size=2)]
    w2 = [int(v) for v in rng.integers(-3, 4, size=2)]
    if w2 == [0, 0]:
        w2[0] = 1
    b2 = int(rng.integers(-3, 4))
    W = [w2[0] * W1[0][j] + w2[1] * W1[1][j] for j in range(2)]
    b = w2[0] * b1[0] + w2[1] * b1[1] + b2
    return Problem(
        name="linear-layers-merge",
        prompt=(
            f"A layer h = W1·x + b1 with W1 = [[{W1[0][0]}, {W1[0][1]}], [{W1[1][0]}, {W1[1][1]}]] and b1 = {_vec(b1)} feeds, "
            f"with no activation, the output y = w2·h + b2 with w2 = {_vec(w2)} and b2 = {b2}. The pair equals one "
            f"layer y = w·x + b. Give the two entries of w, then b. (whole numbers)"
        ),
        answer=[float(W[0]), float(W[1]), float(b)],
        solution=[
            f"w = w2·W1 = ({w2[0]}·{_p(W1[0][0])} + {_p(w2[1])}·{_p(W1[1][0])}, {w2[0]}·{_p(W1[0][1])} + {_p(w2[1])}·{_p(W1[1][1])})"
            f" = ({W[0]}, {W[1]})",
            f"b = w2·b1 + b2 = {w2[0]}·{_p(b1[0])} + {_p(w2[1])}·{_p(b1[1])} + {_p(b2)} = {b}",
        ],
        **EXACT,
        params={"W1": W1, "b1": b1, "w2": w2, "b2": b2},
    )
