"""Drills for the diffusion topic: ᾱ_t and the signal-to-noise ratio from a few β values, a noised sample from
x_0, ε and ᾱ_t, and the classifier-free guidance combination of two noise predictions."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, paren, pick, rounded, vec


@drill("diffusion-alpha-bar-snr")
def diffusion_alpha_bar_snr(rng: np.random.Generator) -> Problem:
    """ᾱ_t and SNR from a few noise-schedule β values"""
    steps = pick(rng, [2, 3, 4])
    betas = [pick(rng, [0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]) for _ in range(steps)]
    betas.sort()  # schedules add more noise at later steps
    alpha_bar = math.prod(1 - b for b in betas)
    snr = alpha_bar / (1 - alpha_bar)
    listed = ", ".join(f"β_{i + 1} = {num(b)}" for i, b in enumerate(betas))
    factors = " · ".join(num(1 - b) for b in betas)
    return Problem(
        prompt=(
            f"A DDPM forward process has {listed}. What are ᾱ_{steps} = Π (1 − β_s) over s = 1..{steps}, and the "
            f"signal-to-noise ratio SNR = ᾱ_{steps} / (1 − ᾱ_{steps}) at t = {steps}? Give both separated by a "
            "semicolon, e.g. 0.5; 1 (3 decimals each)"
        ),
        answer=[alpha_bar, snr],
        solution=[
            f"ᾱ_{steps} = {factors} = {rounded(alpha_bar)}",
            f"SNR = {rounded(alpha_bar)} / (1 − {rounded(alpha_bar)}) = {rounded(snr)}",
            f"answer: {rounded(alpha_bar)}; {rounded(snr)}",
        ],
        **decimals(3),
        params={"betas": betas},
    )


@drill("diffusion-noised-sample")
def diffusion_noised_sample(rng: np.random.Generator) -> Problem:
    """A noised sample x_t from x_0, ε and ᾱ_t"""
    alpha_bar = pick(rng, [0.09, 0.25, 0.36, 0.5, 0.64, 0.81, 0.9])
    x0 = pick(rng, [-1.5, -1.0, -0.5, 0.4, 0.8, 1.2, 2.0])
    eps = pick(rng, [-1.6, -0.8, -0.3, 0.5, 1.1, 1.7])
    signal, noise = math.sqrt(alpha_bar), math.sqrt(1 - alpha_bar)
    x_t = signal * x0 + noise * eps
    return Problem(
        prompt=(
            f"In a DDPM, x_t = sqrt(ᾱ_t)·x_0 + sqrt(1 − ᾱ_t)·ε. With ᾱ_t = {num(alpha_bar)}, a pixel value "
            f"x_0 = {num(x0)} and noise ε = {num(eps)}, what is x_t? (3 decimals)"
        ),
        answer=[x_t],
        solution=[
            f"sqrt(ᾱ_t) = sqrt({num(alpha_bar)}) = {rounded(signal)}; sqrt(1 − ᾱ_t) = sqrt({num(1 - alpha_bar)}) = "
            f"{rounded(noise)}",
            f"x_t = {rounded(signal)}·{paren(x0)} + {rounded(noise)}·{paren(eps)} = {rounded(x_t)}",
        ],
        **decimals(3),
        params={"alpha_bar": alpha_bar, "x0": x0, "eps": eps},
    )


@drill("classifier-free-guidance-eps")
def classifier_free_guidance_eps(rng: np.random.Generator) -> Problem:
    """Classifier-free guidance: the combined noise prediction"""
    size = pick(rng, [2, 3])
    eps_u = [float(v) for v in rng.integers(-15, 16, size=size) / 10]
    eps_c = [float(v) for v in rng.integers(-15, 16, size=size) / 10]
    w = pick(rng, [1.5, 2.0, 3.0, 4.0, 5.0, 7.5])
    guided = [u + w * (c - u) for u, c in zip(eps_u, eps_c, strict=True)]
    steps = [
        f"{paren(u)} + {num(w)}·({paren(c)} − {paren(u)}) = {paren(u)} + {num(w)}·{paren(round(c - u, 10))} = "
        f"{rounded(g)}"
        for u, c, g in zip(eps_u, eps_c, guided, strict=True)
    ]
    return Problem(
        prompt=(
            f"A text-to-image diffusion model predicts the noise without the prompt as ε_u = {vec(eps_u)} and with "
            f"it as ε_c = {vec(eps_c)}. With classifier-free guidance ε̃ = ε_u + w·(ε_c − ε_u) and guidance scale "
            f"w = {num(w)} (in this convention w = 1 means no guidance), what is ε̃? Give its {size} entries in order, "
            "separated by semicolons (2 decimals each)"
        ),
        answer=guided,
        solution=[*steps, "answer: " + "; ".join(rounded(g) for g in guided)],
        **decimals(2),
        params={"eps_u": eps_u, "eps_c": eps_c, "w": w},
    )
