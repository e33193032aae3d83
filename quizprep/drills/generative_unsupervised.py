"""Drills for the generative-unsupervised topic: the VAE KL term and the InfoNCE loss."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import decimals, num, paren, pick, rounded, vec


@drill("vae-kl-term")
def vae_kl_term(rng: np.random.Generator) -> Problem:
    """A VAE's KL term for a 2-d Gaussian latent"""
    mu = [int(v) / 2 for v in rng.integers(-4, 5, size=2)]
    sigma = [pick(rng, [0.5, 1.0, 1.5, 2.0]) for _ in range(2)]
    terms = [0.5 * (m * m + s * s - 1 - math.log(s * s)) for m, s in zip(mu, sigma, strict=False)]
    total = sum(terms)
    lines = [
        f"dim {i + 1}: ½({num(m * m)} + {num(s * s)} - 1 - ln {num(s * s)}) = {term:.4f}"
        for i, (m, s, term) in enumerate(zip(mu, sigma, terms, strict=False))
    ]
    return Problem(
        prompt=(
            f"A VAE encoder outputs μ = {vec(mu)} and σ = {vec(sigma)} for a 2-d latent: q(z|x) = N(μ, diag σ²). "
            f"What is KL(q || N(0, I)) in nats? (3 decimals)"
        ),
        answer=[total],
        solution=["KL = Σ ½(μ² + σ² - 1 - ln σ²) over latent dimensions", *lines, f"KL = {total:.4f}"],
        **decimals(3),
        params={"mu": mu, "sigma": sigma},
    )


@drill("infonce-loss")
def infonce_loss(rng: np.random.Generator) -> Problem:
    """InfoNCE loss of one anchor in a batch"""
    sims = [int(v) / 10 for v in rng.choice(np.arange(-5, 10), size=4, replace=False)]
    positive, negatives = sims[0], sims[1:]
    tau = pick(rng, [0.1, 0.2, 0.25, 0.5, 1.0])
    logits = [s / tau for s in sims]
    total = sum(math.exp(v) for v in logits)
    loss = -logits[0] + math.log(total)
    return Problem(
        prompt=(
            f"In a contrastive batch, an anchor has cosine similarity {num(positive)} with its positive and "
            f"{', '.join(num(s) for s in negatives)} with three negatives. "
            f"With temperature τ = {num(tau)}, what is the "
            f"anchor's InfoNCE loss -log(e^(s+/τ) / Σ e^(s/τ)) (natural log)? (3 decimals)"
        ),
        answer=[loss],
        solution=[
            f"divide by τ: positive {num(logits[0], 4)}, negatives {', '.join(num(v, 4) for v in logits[1:])}",
            f"Σ e^(s/τ) over all four = {rounded(total)}",
            f"loss = -{paren(logits[0], 4)} + ln {rounded(total)} = {loss:.4f}",
        ],
        **decimals(3),
        params={"positive": positive, "negatives": negatives, "tau": tau},
    )
