"""Drills of the sequence-models topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from tests.helpers.drills import hand_formula_test


def beam_length_normalization(p):
    def score(probs):
        return math.log(math.prod(probs)) / len(probs) ** p["alpha"]

    return [score(p["short"]), score(p["long"])]


def rnn_param_count(p):
    gates = {"simple RNN": 1, "GRU": 3, "LSTM": 4}[p["cell"]]
    x, h = p["input_size"], p["hidden_size"]
    return [gates * h * (x + h + 1)]


EXPECTED = {
    "beam-length-normalization": beam_length_normalization,
    "rnn-param-count": rnn_param_count,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
