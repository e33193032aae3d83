"""Drills for the efficiency-and-data topic: int8 quantization, distillation temperatures and pruned parameter
counts."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, decimals, num, paren, pick, rounded, vec


@drill("int8-quantization-params")
def int8_quantization_params(rng: np.random.Generator) -> Problem:
    """Int8 zero point and code of a value"""
    scale = pick(rng, [0.01, 0.02, 0.025, 0.04, 0.05, 0.1, 0.2])
    zp = int(rng.integers(-100, 101))
    lo, hi = round(scale * (-128 - zp), 6), round(scale * (127 - zp), 6)
    code = int(rng.integers(-138, 138)) - zp  # round(x / s); now and then outside the range, so clamping matters
    frac = pick(rng, [-0.4, -0.3, -0.2, 0.2, 0.3, 0.4])  # never near .5: no rounding-tie conventions involved
    x = round(scale * (code + frac), 6)
    raw = code + zp
    q = min(127, max(-128, raw))
    clamp = "" if q == raw else f", clamped to {q}"
    return Problem(
        prompt=(
            "A tensor's values are quantized to int8 (-128..127) "
            f"with an affine map over the range [{num(lo, 8)}, {num(hi, 8)}]: "
            f"scale s = (max - min) / 255 and an integer zero point z chosen so that min maps to -128, and "
            "q = round(x / s) + z, clamped to the int8 range. "
            f"What are z and the code q of x = {num(x, 8)}? (whole numbers)"
        ),
        answer=[float(zp), float(q)],
        solution=[
            f"s = ({num(hi, 8)} - {paren(lo, 8)}) / 255 = {num(scale)}",
            f"z = -128 - min / s = -128 - {paren(lo, 8)} / {num(scale)} = {zp}",
            (
                f"x / s = {num(x, 8)} / {num(scale)} = {num(x / scale, 5)}, "
                f"which rounds to {code}; q = {code} + {paren(zp)} = {raw}{clamp}"
            ),
        ],
        **EXACT,
        params={"min": lo, "max": hi, "x": x},
    )


@drill("distillation-temperature")
def distillation_temperature(rng: np.random.Generator) -> Problem:
    """A distillation soft target at temperature T"""
    logits = sorted((int(v) for v in rng.choice(np.arange(-2, 8), size=3, replace=False)), reverse=True)
    k = int(rng.integers(1, 3))  # a wrong class: the soft targets are about those
    T = pick(rng, [2, 3, 4, 5, 10])
    hard = [math.exp(z) for z in logits]
    soft = [math.exp(z / T) for z in logits]
    p1, pT = hard[k] / sum(hard), soft[k] / sum(soft)
    scaled = ", ".join(num(z / T, 4) for z in logits)
    return Problem(
        prompt=(
            f"A teacher's logits for three classes are z = {vec(logits)}. "
            "For knowledge distillation its soft targets are "
            f"softmax(z / T). What probability does class {k + 1} (counting from 1, "
            f"logit {num(logits[k])}) get at T = 1, "
            f"and at T = {T}? (3 decimals each)"
        ),
        answer=[p1, pT],
        solution=[
            (
                f"T = 1: e^{logits[k]} / ({' + '.join(f'e^{z}' for z in logits)}) "
                f"= {rounded(hard[k])} / {rounded(sum(hard))} = {p1:.4f}"
            ),
            (
                f"T = {T}: z / T = ({scaled}); e^{num(logits[k] / T, 4)} / Σ e^(z/T) "
                f"= {rounded(soft[k])} / {rounded(sum(soft))} = {pT:.4f}"
            ),
            "a higher T flattens the distribution and lifts the wrong classes",
        ],
        **decimals(3),
        params={"logits": logits, "class": k + 1, "T": T},
    )


@drill("pruned-param-count")
def pruned_param_count(rng: np.random.Generator) -> Problem:
    """Parameters left after unstructured and structured pruning"""
    n_in = pick(rng, [64, 100, 128, 256, 512, 784])
    hidden = pick(rng, [32, 64, 128, 256, 512])
    n_out = pick(rng, [2, 10, 16, 100])
    weights = n_in * hidden
    # Fractions that leave a whole number of weights: every weight count here is a multiple of 16.
    sparsity = pick(rng, [0.5, 0.75, 0.875, 0.9375] + ([0.8, 0.9, 0.95] if weights % 20 == 0 else []))
    removed = pick(rng, [hidden // 4, hidden // 2, 3 * hidden // 4])
    kept = Fraction(weights) * (1 - Fraction(str(sparsity)))
    assert kept.denominator == 1
    kept_weights = int(kept)
    unstructured = kept_weights + hidden
    left = hidden - removed
    structured = (n_in + 1) * left + (left + 1) * n_out
    return Problem(
        prompt=(
            f"A network has a dense layer {n_in} → {hidden} followed "
            f"by a dense layer {hidden} → {n_out}, both with biases. "
            f"(1) Unstructured magnitude pruning zeroes {num(100 * sparsity)}% "
            "of the first layer's weights (not its biases): how many "
            "non-zero parameters does the first layer keep? (2) "
            f"Structured pruning instead removes {removed} of the {hidden} "
            f"hidden units entirely: how many parameters do the two layers have together? (whole numbers)"
        ),
        answer=[float(unstructured), float(structured)],
        solution=[
            (
                f"(1) weights {n_in}·{hidden} = {weights}; "
                f"keep {num(1 - sparsity)} of them = {kept_weights}; plus {hidden} biases = {unstructured}"
            ),
            f"(2) {left} hidden units remain: layer 1 has ({n_in} + 1)·{left} = {(n_in + 1) * left}",
            f"layer 2 loses the matching inputs: ({left} + 1)·{n_out} = {(left + 1) * n_out}; total {structured}",
        ],
        **EXACT,
        params={"n_in": n_in, "hidden": hidden, "n_out": n_out, "sparsity": sparsity, "removed_units": removed},
    )
