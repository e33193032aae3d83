"""Drills for the sequence-models topic: recurrent layer sizes and length-normalised beam scores."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, decimals, num, pick, rounded, vec
from quizprep.text import plural


@drill("rnn-param-count")
def rnn_param_count(rng: np.random.Generator) -> Problem:
    """Parameters of an RNN, GRU or LSTM layer"""
    cell, gates = pick(rng, [("simple RNN", 1), ("GRU", 3), ("LSTM", 4)])
    n_in = pick(rng, [16, 32, 50, 64, 100, 128, 300])
    hidden = pick(rng, [16, 32, 64, 128, 256])
    per_gate = hidden * n_in + hidden * hidden + hidden
    total = gates * per_gate
    what = "block" if gates == 1 else "gate (or candidate) block"
    return Problem(
        prompt=(
            f"A single-layer {cell} has input size {n_in} and hidden size {hidden}. Counting one bias vector per "
            f"{what} (PyTorch keeps two; ignore that), how many trainable parameters does it have? (whole number)"
        ),
        answer=[float(total)],
        solution=[
            (
                f"{'an' if cell == 'LSTM' else 'a'} {cell} has {plural(gates, 'block')}, "
                "each with W (h×x), U (h×h) and b (h)"
            ),
            f"per block = {hidden}·{n_in} + {hidden}·{hidden} + {hidden} = {per_gate}",
            f"total = {gates}·{per_gate} = {total}",
        ],
        **EXACT,
        params={"cell": cell, "gates": gates, "input_size": n_in, "hidden_size": hidden},
    )


@drill("beam-length-normalization")
def beam_length_normalization(rng: np.random.Generator) -> Problem:
    """Length-normalised beam scores of two hypotheses"""
    short = [pick(rng, [0.4, 0.5, 0.6, 0.7]), pick(rng, [0.5, 0.6, 0.7, 0.8])]
    long = [pick(rng, [0.6, 0.7, 0.8, 0.9]) for _ in range(4)]
    alpha = pick(rng, [0.6, 0.7, 0.8, 1.0])
    logp = [sum(math.log(p) for p in seq) for seq in (short, long)]
    scores = [lp / len(seq) ** alpha for lp, seq in zip(logp, (short, long), strict=False)]
    return Problem(
        prompt=(
            "Beam search finished two hypotheses (each ending with </s>). "
            "Hypothesis A has 2 tokens with probabilities "
            f"{vec(short)}; hypothesis B has 4 tokens with probabilities {vec(long)}. With length normalisation "
            "score = log P / L^α (natural log, L = number of tokens, "
            f"α = {num(alpha)}), what are the scores of A and B? "
            f"(3 decimals each)"
        ),
        answer=scores,
        solution=[
            f"log P(A) = {' + '.join(f'ln {num(p)}' for p in short)} = {logp[0]:.4f}; log P(B) = {logp[1]:.4f}",
            f"A: {logp[0]:.4f} / 2^{num(alpha)} = {logp[0]:.4f} / {rounded(2**alpha)} = {scores[0]:.4f}",
            (
                f"B: {logp[1]:.4f} / 4^{num(alpha)} = {logp[1]:.4f} / "
                f"{rounded(4**alpha)} = {scores[1]:.4f}; the higher score wins"
            ),
        ],
        **decimals(3),
        params={"short": short, "long": long, "alpha": alpha},
    )
