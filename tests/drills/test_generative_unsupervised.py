"""Drills of the generative-unsupervised topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from tests.helpers.drills import hand_formula_test


def infonce_loss(p):
    tau = p["tau"]
    numerator = math.exp(p["positive"] / tau)
    return [-math.log(numerator / (numerator + sum(math.exp(s / tau) for s in p["negatives"])))]


def vae_kl_term(p):
    return [sum(0.5 * (m * m + s * s - 1) - math.log(s) for m, s in zip(p["mu"], p["sigma"], strict=False))]


EXPECTED = {
    "infonce-loss": infonce_loss,
    "vae-kl-term": vae_kl_term,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
