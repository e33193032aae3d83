"""Drill templates: generative and representation learning, smaller models, honest data (issue 9). Registered with @template from quizprep.drills.templates."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.templates import EXACT, _dec, _f, _p, _pick, _r, _vec, template


@template("int8-quantization-params")
def int8_quantization_params(rng: np.random.Generator) -> Problem:
    scale = _pick(rng, [0.01, 0.02, 0.025, 0.04, 0.05, 0.1, 0.2])
    zp = int(rng.integers(-100, 101))
    lo, hi = round(scale * (-128 - zp), 6), round(scale * (127 - zp), 6)
    code = int(rng.integers(-138, 138)) - zp  # round(x / s); now and then outside the range, so clamping matters
    frac = _pick(rng, [-0.4, -0.3, -0.2, 0.2, 0.3, 0.4])  # never near .5: no rounding-tie conventions involved
    x = round(scale * (code + frac), 6)
    raw = code + zp
    q = min(127, max(-128, raw))
    clamp = "" if q == raw else f", clamped to {q}"
    return Problem(
        name="int8-quantization-params",
        prompt=(
            f"A tensor's values are quantized to int8 (-128..127) with an affine map over the range [{_f(lo, 8)}, {_f(hi, 8)}]: "
            f"scale s = (max - min) / 255 and an integer zero point z chosen so that min maps to -128, and "
            f"q = round(x / s) + z, clamped to the int8 range. What are z and the code q of x = {_f(x, 8)}? (whole numbers)"
        ),
        answer=[float(zp), float(q)],
        solution=[
            f"s = ({_f(hi, 8)} - {_p(lo, 8)}) / 255 = {_f(scale)}",
            f"z = -128 - min / s = -128 - {_p(lo, 8)} / {_f(scale)} = {zp}",
            f"x / s = {_f(x, 8)} / {_f(scale)} = {_f(x / scale, 5)}, which rounds to {code}; q = {code} + {_p(zp)} = {raw}{clamp}",
        ],
        **EXACT,
        params={"min": lo, "max": hi, "x": x},
    )


@template("distillation-temperature")
def distillation_temperature(rng: np.random.Generator) -> Problem:
    logits = sorted((int(v) for v in rng.choice(np.arange(-2, 8), size=3, replace=False)), reverse=True)
    k = int(rng.integers(1, 3))  # a wrong class: the soft targets are about those
    T = _pick(rng, [2, 3, 4, 5, 10])
    hard = [math.exp(z) for z in logits]
    soft = [math.exp(z / T) for z in logits]
    p1, pT = hard[k] / sum(hard), soft[k] / sum(soft)
    scaled = ", ".join(_f(z / T, 4) for z in logits)
    return Problem(
        name="distillation-temperature",
        prompt=(
            f"A teacher's logits for three classes are z = {_vec(logits)}. For knowledge distillation its soft targets are "
            f"softmax(z / T). What probability does class {k + 1} get at T = 1, and at T = {T}? Give both. (3 decimals each)"
        ),
        answer=[p1, pT],
        solution=[
            f"T = 1: e^{logits[k]} / ({' + '.join(f'e^{z}' for z in logits)}) = {_r(hard[k])} / {_r(sum(hard))} = {p1:.4f}",
            f"T = {T}: z / T = ({scaled}); e^{_f(logits[k] / T, 4)} / Σ e^(z/T) = {_r(soft[k])} / {_r(sum(soft))} = {pT:.4f}",
            "a higher T flattens the distribution and lifts the wrong classes",
        ],
        **_dec(3),
        params={"logits": logits, "class": k + 1, "T": T},
    )


@template("infonce-loss")
def infonce_loss(rng: np.random.Generator) -> Problem:
    sims = [int(v) / 10 for v in rng.choice(np.arange(-5, 10), size=4, replace=False)]
    positive, negatives = sims[0], sims[1:]
    tau = _pick(rng, [0.1, 0.2, 0.25, 0.5, 1.0])
    logits = [s / tau for s in sims]
    total = sum(math.exp(v) for v in logits)
    loss = -logits[0] + math.log(total)
    return Problem(
        name="infonce-loss",
        prompt=(
            f"In a contrastive batch, an anchor has cosine similarity {_f(positive)} with its positive and "
            f"{', '.join(_f(s) for s in negatives)} with three negatives. With temperature τ = {_f(tau)}, what is the "
            f"anchor's InfoNCE loss -log(e^(s+/τ) / Σ e^(s/τ)) (natural log)? (3 decimals)"
        ),
        answer=[loss],
        solution=[
            f"divide by τ: positive {_f(logits[0], 4)}, negatives {', '.join(_f(v, 4) for v in logits[1:])}",
            f"Σ e^(s/τ) over all four = {_r(total)}",
            f"loss = -{_p(logits[0], 4)} + ln {_r(total)} = {loss:.4f}",
        ],
        **_dec(3),
        params={"positive": positive, "negatives": negatives, "tau": tau},
    )


@template("pruned-param-count")
def pruned_param_count(rng: np.random.Generator) -> Problem:
    n_in = _pick(rng, [64, 100, 128, 256, 512, 784])
    hidden = _pick(rng, [32, 64, 128, 256, 512])
    n_out = _pick(rng, [2, 10, 16, 100])
    weights = n_in * hidden
    # Fractions that leave a whole number of weights: every weight count here is a multiple of 16.
    sparsity = _pick(rng, [0.5, 0.75, 0.875, 0.9375] + ([0.8, 0.9, 0.95] if weights % 20 == 0 else []))
    removed = _pick(rng, [hidden // 4, hidden // 2, 3 * hidden // 4])
    kept = Fraction(weights) * (1 - Fraction(str(sparsity)))
    assert kept.denominator == 1
    kept_weights = int(kept)
    unstructured = kept_weights + hidden
    left = hidden - removed
    structured = (n_in + 1) * left + (left + 1) * n_out
    return Problem(
        name="pruned-param-count",
        prompt=(
            f"A network has a dense layer {n_in} → {hidden} followed by a dense layer {hidden} → {n_out}, both with biases. "
            f"(1) Unstructured magnitude pruning zeroes {_f(100 * sparsity)}% of the first layer's weights (not its biases): how many "
            f"non-zero parameters does the first layer keep? (2) Structured pruning instead removes {removed} of the {hidden} "
            f"hidden units entirely: how many parameters do the two layers have together? Give both. (whole numbers)"
        ),
        answer=[float(unstructured), float(structured)],
        solution=[
            f"(1) weights {n_in}·{hidden} = {weights}; keep {_f(1 - sparsity)} of them = {kept_weights}; plus {hidden} biases = {unstructured}",
            f"(2) {left} hidden units remain: layer 1 has ({n_in} + 1)·{left} = {(n_in + 1) * left}",
            f"layer 2 loses the matching inputs: ({left} + 1)·{n_out} = {(left + 1) * n_out}; total {structured}",
        ],
        **EXACT,
        params={"n_in": n_in, "hidden": hidden, "n_out": n_out, "sparsity": sparsity, "removed_units": removed},
    )


@template("beam-length-normalization")
def beam_length_normalization(rng: np.random.Generator) -> Problem:
    short = [_pick(rng, [0.4, 0.5, 0.6, 0.7]), _pick(rng, [0.5, 0.6, 0.7, 0.8])]
    long = [_pick(rng, [0.6, 0.7, 0.8, 0.9]) for _ in range(4)]
    alpha = _pick(rng, [0.6, 0.7, 0.8, 1.0])
    logp = [sum(math.log(p) for p in seq) for seq in (short, long)]
    scores = [lp / len(seq) ** alpha for lp, seq in zip(logp, (short, long))]
    return Problem(
        name="beam-length-normalization",
        prompt=(
            f"Beam search finished two hypotheses (each ending with </s>). Hypothesis A has 2 tokens with probabilities "
            f"{_vec(short)}; hypothesis B has 4 tokens with probabilities {_vec(long)}. With length normalisation "
            f"score = log P / L^α (natural log, L = number of tokens, α = {_f(alpha)}), what are the scores of A and B? "
            f"Give both. (3 decimals each)"
        ),
        answer=scores,
        solution=[
            f"log P(A) = {' + '.join(f'ln {_f(p)}' for p in short)} = {logp[0]:.4f}; log P(B) = {logp[1]:.4f}",
            f"A: {logp[0]:.4f} / 2^{_f(alpha)} = {logp[0]:.4f} / {_r(2**alpha)} = {scores[0]:.4f}",
            f"B: {logp[1]:.4f} / 4^{_f(alpha)} = {logp[1]:.4f} / {_r(4**alpha)} = {scores[1]:.4f}; the higher score wins",
        ],
        **_dec(3),
        params={"short": short, "long": long, "alpha": alpha},
    )
