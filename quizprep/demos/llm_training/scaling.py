"""Demos of the LLM training topic on compute: scaling laws, training FLOPs and the cost of over-training,
emergent abilities and the critical batch size."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.efficiency_and_data import CHINCHILLA, scaling_loss
from quizprep.demos.framework import Demo, demo

# Scaling laws and compute


@demo("scaling-power-law")
def scaling_power_law(d: Demo, exponent=None, n_c=None, noise=None):
    """Losses following L = (N_c/N)^alpha lie on a line in log-log axes; a fit recovers alpha and extrapolates."""
    alpha = d.number("exponent", exponent, 0.076, low=0.001, high=2)
    n_c = d.number("n_c", n_c, 8.8e13, low=1e3, high=1e20)
    noise = d.number("noise", noise, 0.01, low=0.0, high=0.2)
    sizes = np.logspace(6, 9, 7)
    loss = (n_c / sizes) ** alpha * np.exp(d.rng.normal(0, noise, size=sizes.size))
    slope, intercept = np.polyfit(np.log(sizes), np.log(loss), 1)
    d.say(
        f"Seven small models from 1e6 to 1e9 parameters, with losses from L = ({n_c:.3g}/N)^{kit.fmt(alpha)} "
        f"times noise of {kit.fmt(noise)} in log space."
    )
    d.series("ln L against ln N: a straight line", {"ln L": np.log(loss)}, x=np.log(sizes))
    fitted = -slope
    big = np.array([1e10, 1e11])
    predicted = np.exp(intercept + slope * np.log(big))
    d.show("fitted exponent (the negative slope)", round(float(fitted), 4), f"The true exponent is {kit.fmt(alpha)}.")
    d.show(
        "predicted and true loss at 1e10 and 1e11 parameters",
        [kit.rounded(predicted, 4), kit.rounded((n_c / big) ** alpha, 4)],
    )
    d.say(
        f"Each tenfold increase in N multiplies the loss by 10^-{fitted:.3f} = {10**-fitted:.3f}: steady, small gains."
    )
    return {"sizes": sizes, "loss": loss, "fitted_exponent": float(fitted), "predicted": predicted}


@demo("training-flops-count")
def training_flops_count(d: Demo, width=None, tokens=None, layers=None, d_model=None, context=None):
    """Count the multiply-adds of a small MLP's forward and backward passes, then apply 6ND to a full-size model."""
    width = d.number("width", width, 8, low=1, high=64, integer=True)
    tokens = d.number("tokens", tokens, 16, low=1, high=256, integer=True)
    X = d.rng.normal(size=(tokens, width))
    W1, W2 = d.rng.normal(size=(width, 4 * width)), d.rng.normal(size=(4 * width, width))
    counted = {"forward": 0, "backward": 0}

    def matmul(a, b, phase):
        counted[phase] += 2 * a.shape[0] * a.shape[1] * b.shape[1]  # one multiply and one add per term
        return a @ b

    H = matmul(X, W1, "forward")
    Y = matmul(np.maximum(H, 0), W2, "forward")
    dY = np.ones_like(Y)
    matmul(np.maximum(H, 0).T, dY, "backward")  # gradient of W2
    dH = matmul(dY, W2.T, "backward") * (H > 0)  # gradient passed back to the hidden layer
    matmul(X.T, dH, "backward")  # gradient of W1
    matmul(dH, W1.T, "backward")  # gradient passed back to the input
    params = W1.size + W2.size
    per_token = {k: v / tokens for k, v in counted.items()}
    d.say(
        f"An MLP block {width} -> {4 * width} -> {width} ({params} weights) runs forward and backward on {tokens} "
        "tokens."
    )
    d.show(
        "FLOPs per token: forward, backward",
        [per_token["forward"], per_token["backward"]],
        f"That is {per_token['forward'] / params:g} per weight forward and {per_token['backward'] / params:g} "
        "backward, 6 in all.",
    )
    layers = d.number("layers", layers, 32, low=1, high=200, integer=True)
    d_model = d.number("d_model", d_model, 4096, low=64, high=65536, integer=True)
    context = d.number("context", context, 4096, low=1, high=1_000_000, integer=True)
    n = 12 * layers * d_model**2  # attention 4d² + MLP 8d² per layer, embeddings left out
    attention = 2 * layers * context * d_model  # extra forward FLOPs per token for scores and the weighted sum
    d.show(
        "full-size model: parameters N, forward 2N and attention extra per token",
        [float(n), float(2 * n), float(attention)],
        f"The attention term adds {attention / (2 * n):.1%} to the forward pass at a context of {context} tokens.",
    )
    return {
        "forward_per_token": per_token["forward"],
        "backward_per_token": per_token["backward"],
        "params": params,
        "model_params": float(n),
        "attention_share": attention / (2 * n),
    }


@demo("overtraining-lifetime-cost")
def overtraining_lifetime_cost(d: Demo, budget=None, served=None):
    """Smaller models trained longer to the same loss as the compute-optimal one: training plus inference FLOPs."""
    budget = d.number("budget", budget, 1e22, low=1e15, high=1e27)
    served = d.number("served", served, 2e12, low=0.0, high=1e16)
    E, A, B, a, b = (CHINCHILLA[k] for k in ("E", "A", "B", "alpha", "beta"))
    g = (a * A / (b * B)) ** (1 / (a + b))
    n_opt = g * (budget / 6) ** (b / (a + b))  # closed-form minimiser of the fitted loss at C = 6ND
    d_opt = budget / (6 * n_opt)
    target = float(scaling_loss(n_opt, d_opt, E, A, B, a, b))
    d.say(
        f"Under the Chinchilla fit, {budget:.3g} training FLOPs are best spent on N = {n_opt:.3g} parameters and "
        f"D = {d_opt:.3g} tokens, reaching a loss of {target:.4f}. Smaller models can reach it with more data."
    )
    factors = np.array([1.0, 0.75, 0.5, 0.35, 0.25])
    sizes = factors * n_opt
    gap = target - E - A / sizes**a
    data = (B / gap) ** (1 / b)
    train, infer = 6 * sizes * data, 2 * sizes * served
    labels = [f"{f:g}x" for f in factors]
    d.show("tokens needed per parameter for the same loss", kit.rounded(data / sizes, 1))
    d.bars("training FLOPs relative to the optimum", labels, kit.rounded(train / budget, 3))
    d.bars(
        f"training plus inference FLOPs for {served:.3g} served tokens, relative",
        labels,
        kit.rounded((train + infer) / budget, 3),
    )
    best = int(np.argmin(train + infer))
    d.say(
        f"With that much inference the cheapest choice over the model's life is the {labels[best]} model, "
        f"trained on {data[best] / sizes[best]:.0f} tokens per parameter."
    )
    return {
        "n_opt": n_opt,
        "d_opt": d_opt,
        "target_loss": target,
        "sizes": sizes,
        "tokens": data,
        "training_flops": train,
        "total_flops": train + infer,
        "best": best,
    }


# Emergence and batch size


@demo("emergence-exact-match")
def emergence_exact_match(d: Demo, length=None, test_size=None):
    """Per-token accuracy improving smoothly with scale looks like a sudden jump under an exact-match metric."""
    length = d.number("length", length, 10, low=1, high=50, integer=True)
    test_size = d.number("test_size", test_size, 100, low=1, high=100000, integer=True)
    log_compute = np.linspace(20, 25, 11)
    per_token = 0.5 + 0.48 * (log_compute - 20) / 5  # a straight line in log compute
    exact = per_token**length
    d.say(
        f"Per-token accuracy rises in equal steps from {per_token[0]:.2f} to {per_token[-1]:.2f} as compute grows "
        f"a hundred-thousandfold; an answer of {length} tokens is right only if every token is."
    )
    d.series("accuracy by log10 compute", {"per token": per_token, f"exact match (p^{length})": exact}, x=log_compute)
    jumps = np.diff(exact)
    d.show(
        "exact-match gain per step of compute",
        kit.rounded(jumps, 4),
        f"The last step gains {jumps[-1] / max(jumps[0], 1e-12):.0f} times as much as the first.",
    )
    measured_at = np.array([0, 4, 7, 10])
    measured = d.rng.binomial(test_size, exact[measured_at]) / test_size
    d.show(
        f"measured exact match of four model sizes on {test_size} test items",
        [[float(log_compute[i]), float(m)] for i, m in zip(measured_at, measured, strict=True)],
        "Four sparse, noisy points: easy to read as 'nothing, nothing, then suddenly'.",
    )
    return {"log_compute": log_compute, "per_token": per_token, "exact_match": exact, "measured": measured}


@demo("critical-batch-size")
def critical_batch_size(d: Demo, noise_scale=None, min_steps=None, dim=None):
    """Steps and examples needed by batch size, S = S_min(1 + B_noise/B), and an estimate of the noise scale."""
    b_noise = d.number("noise_scale", noise_scale, 256.0, low=1.0, high=1e7)
    s_min = d.number("min_steps", min_steps, 10000.0, low=1.0, high=1e9)
    dim = d.number("dim", dim, 50, low=1, high=500, integer=True)
    batches = 2.0 ** np.arange(4, 15)
    steps = s_min * (1 + b_noise / batches)
    examples = batches * steps
    e_min = s_min * b_noise
    d.say(
        f"With a noise scale of {kit.fmt(b_noise)}, reaching a target loss needs at least {kit.fmt(s_min)} steps "
        f"(huge batches) or {e_min:.4g} examples (tiny batches); the critical batch is E_min/S_min = "
        f"{kit.fmt(b_noise)}."
    )
    d.series(
        "steps and examples relative to their minimum, by log2 batch",
        {"S/S_min": steps / s_min, "E/E_min": examples / e_min},
        x=np.log2(batches),
    )
    product = (steps / s_min - 1) * (examples / e_min - 1)
    d.show("(S/S_min - 1)(E/E_min - 1) for every batch", kit.rounded(product, 6))
    sigma = 1.0
    gradient = np.full(dim, math.sqrt(dim * sigma**2 / b_noise / dim))  # |G|² = tr(Σ)/B_noise
    per_example = gradient + d.rng.normal(0, sigma, size=(4000, dim))
    mean = per_example.mean(axis=0)
    trace = float(per_example.var(axis=0, ddof=1).sum())
    g2 = float(mean @ mean) - trace / len(per_example)  # remove the noise that the sample mean still carries
    estimate = trace / g2 if g2 > 0 else float("inf")
    d.show(
        "noise scale estimated from 4,000 per-example gradients: tr(Σ)/|G|²",
        round(estimate, 1),
        f"The true value is {kit.fmt(b_noise)}.",
    )
    return {"batches": batches, "steps": steps, "examples": examples, "product": product, "estimate": estimate}
