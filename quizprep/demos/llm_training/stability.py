"""Demos of the LLM training topic on long, stable runs: learning-rate schedules, z-loss and QK-norm."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo

# Learning-rate schedules and stability


def warmup_cosine(steps: int, warmup: int, peak: float, final: float) -> np.ndarray:
    t = np.arange(steps)
    progress = np.clip((t - warmup) / max(1, steps - warmup), 0, 1)
    decay = final * peak + 0.5 * (peak - final * peak) * (1 + np.cos(np.pi * progress))
    return np.where(t < warmup, peak * (t + 1) / warmup, decay)


def warmup_stable_decay(steps: int, warmup: int, peak: float, final: float, decay_steps: int) -> np.ndarray:
    t = np.arange(steps)
    start = steps - decay_steps
    down = peak - (peak - final * peak) * np.clip((t - start + 1) / decay_steps, 0, 1)
    return np.where(t < warmup, peak * (t + 1) / warmup, np.where(t < start, peak, down))


def quadratic_loss_curve(rates: np.ndarray, curvature: np.ndarray, noise: float) -> np.ndarray:
    """Expected loss of SGD on 0.5·Σ h_i w_i² with gradient noise of variance noise·h_i, started at w_i² = 1.

    The second moment obeys v ← (1 - η h)² v + η² noise h exactly, so no sampling is needed."""
    v = np.ones_like(curvature)
    losses = np.empty(rates.size)
    for i, lr in enumerate(rates):
        v = (1 - lr * curvature) ** 2 * v + lr**2 * noise * curvature
        losses[i] = 0.5 * float(np.sum(curvature * v))
    return losses


@demo("llm-lr-schedules")
def llm_lr_schedules(d: Demo, steps=None, warmup=None, peak=None, final=None, decay=None):
    """Warmup plus cosine against warmup-stable-decay on a noisy quadratic, and a WSD run branched at half length."""
    steps = d.number("steps", steps, 2000, low=20, high=20000, integer=True)
    warmup = d.number("warmup", warmup, 100, low=1, high=steps // 4, integer=True)
    peak = d.number("peak", peak, 0.5, low=1e-4, high=1.9)
    final = d.number("final", final, 0.1, low=0.0, high=1.0)
    decay = d.number("decay", decay, 0.2, low=0.01, high=0.9)
    h, noise = np.logspace(-4, 0, 16), 0.03
    half = steps // 2
    rates = {
        "cosine": warmup_cosine(steps, warmup, peak, final),
        "WSD": warmup_stable_decay(steps, warmup, peak, final, max(1, round(decay * steps))),
        "cosine, half length": warmup_cosine(half, warmup, peak, final),
        "WSD branched at half": warmup_stable_decay(half, warmup, peak, final, max(1, round(decay * half))),
    }
    loss = {name: quadratic_loss_curve(r, h, noise) for name, r in rates.items()}
    d.say(
        f"SGD on a quadratic with curvatures from 0.0001 to 1 and noisy gradients, its expected loss computed exactly. "
        f"Both schedules warm up for {warmup} of {steps} steps to {kit.fmt(peak)} and end at {kit.fmt(final * peak)}; "
        f"WSD decays over its last {decay:.0%}."
    )
    every = max(1, steps // 60)
    x = np.arange(steps)[::every]
    d.series("learning rate", {n: rates[n][::every] for n in ("cosine", "WSD")}, x=x)
    d.series("log10 expected loss", {n: np.log10(loss[n][::every]) for n in ("cosine", "WSD")}, x=x)
    mid = {n: float(loss[n][half - 1]) for n in ("cosine", "WSD")}
    end = {n: float(v[-1]) for n, v in loss.items()}
    d.show(
        "loss at the half-way step: cosine, WSD",
        [round(mid["cosine"], 5), round(mid["WSD"], 5)],
        "Mid-run, WSD is still at its peak rate and its loss is "
        + ("higher." if mid["WSD"] > mid["cosine"] else "not higher."),
    )
    d.show(
        "final loss: cosine, WSD",
        [round(end["cosine"], 5), round(end["WSD"], 5)],
        f"WSD's loss falls {loss['WSD'][-round(decay * steps) - 1] / end['WSD']:.1f}-fold during its decay.",
    )
    d.show(
        "half-length runs: a fresh cosine run, WSD branched from the long run",
        [round(end["cosine, half length"], 5), round(end["WSD branched at half"], 5)],
        f"The branch reuses the long run's first {half - max(1, round(decay * half))} steps; only its decay is "
        "extra compute.",
    )
    return {"final_loss": end, "mid_loss": mid, "curvature": h, "noise": noise}


@demo("z-loss")
def z_loss(d: Demo, logits=None, offset=None, coef=None):
    """Logits drift together without changing the softmax; z-loss pulls log Z to 0; float16 round-off shows why."""
    offset = d.number("offset", offset, 30.0, low=-60000, high=60000)
    z = kit.vector(
        d, "logits", logits, lambda: kit.rounded(d.rng.normal(0, 2, size=6) + offset, 2), min_len=2, max_len=1000
    )
    coef = d.number("coef", coef, 1e-4, low=0.0, high=1.0)
    log_z = kit.log_sum_exp(z)
    probs = kit.softmax(z)
    penalty = coef * log_z**2
    grad = 2 * coef * log_z * probs
    d.say(f"Six output logits around {kit.fmt(float(np.mean(z)))}; the softmax only sees their differences.")
    d.show("logits", z)
    d.show("log Z and the z-loss coef·(log Z)²", [round(log_z, 4), penalty])
    d.show("gradient of the z-loss on the logits", grad, "It points along the probabilities and shrinks with log Z.")
    shifted = z - log_z
    d.show(
        "probabilities before and after subtracting log Z from every logit",
        [kit.rounded(probs, 4), kit.rounded(kit.softmax(shifted), 4)],
        f"Identical, and now log Z = {kit.log_sum_exp(shifted):.2g}: the penalty can be met without changing "
        "any prediction.",
    )
    offsets = np.array([0.0, 100.0, 1000.0, 3000.0])
    errors = []
    for shift in offsets:
        rounded = (z - z.mean() + shift).astype(np.float16).astype(float)
        errors.append(float(np.abs(kit.softmax(rounded) - probs).max()))
    d.bars(
        "largest probability error after storing the logits in float16, by common offset",
        [kit.fmt(o) for o in offsets],
        errors,
    )
    d.say(
        "The same logits, shifted to larger values, lose precision in float16: the spacing between representable "
        "numbers grows with magnitude, so drifting logits mean noisier probabilities."
    )
    return {
        "logits": z,
        "log_z": log_z,
        "z_loss": penalty,
        "grad": grad,
        "probs": probs,
        "offsets": offsets,
        "float16_errors": errors,
    }


@demo("qk-norm")
def qk_norm(d: Demo, dim=None, keys=None, scales=None):
    """Attention logits grow with the square of the activation scale and the softmax collapses; QK-norm holds them."""
    dim = d.number("dim", dim, 16, low=2, high=256, integer=True)
    n = d.number("keys", keys, 8, low=2, high=256, integer=True)
    scales = kit.vector(d, "scales", scales, [1.0, 2.0, 4.0, 8.0, 16.0], max_len=20)
    d.require(bool(np.all(scales > 0)), "scales must be positive")
    q, k = d.rng.normal(size=dim), d.rng.normal(size=(n, dim))
    plain_max, plain_entropy, normed_max, normed_entropy = [], [], [], []
    for s in scales:
        logits = (k * s) @ (q * s) / math.sqrt(dim)
        normed = kit.layer_norm(k * s, 1e-6) @ kit.layer_norm(q * s, 1e-6) / math.sqrt(dim)
        plain_max.append(float(np.abs(logits).max()))
        normed_max.append(float(np.abs(normed).max()))
        plain_entropy.append(float(kit.entropy(kit.softmax(logits))))
        normed_entropy.append(float(kit.entropy(kit.softmax(normed))))
    d.say(
        f"One query against {n} keys of size {dim}; the queries and keys are scaled up together, as when "
        "weights or activations grow during training."
    )
    d.series("largest |logit| by scale", {"plain": plain_max, "QK-norm": normed_max}, x=scales)
    d.series(
        f"attention entropy in nats (uniform = {math.log(n):.2f})",
        {"plain": plain_entropy, "QK-norm": normed_entropy},
        x=scales,
    )
    d.say(
        f"Without normalisation the largest logit grows from {plain_max[0]:.2f} to {plain_max[-1]:.1f} and the "
        f"entropy falls to {plain_entropy[-1]:.3f}: nearly one-hot. With QK-norm the logits stay at "
        f"{normed_max[-1]:.2f}, below the bound sqrt({dim}) = {math.sqrt(dim):.2f}."
    )
    return {
        "plain_max": plain_max,
        "plain_entropy": plain_entropy,
        "normed_max": normed_max,
        "normed_entropy": normed_entropy,
    }
