"""Demos of the sequence-models topic, each checked against an independent computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import close, mean, random_grid, sigmoid


def test_rnn_unroll_bank_example():
    result = run_demo("rnn-unroll").result  # W = 0.5, U = 1, b = 0, x = (1, 0, -1)
    h1 = math.tanh(1)
    h2 = math.tanh(0.5 * h1)
    h3 = math.tanh(0.5 * h2 - 1)
    assert close(result, [[h1], [h2], [h3]])
    assert [round(h, 3) for h in (h1, h2, h3)] == [0.762, 0.363, -0.674]


def test_rnn_unroll_vector_case_matches_a_loop():
    x = [[1.0, -0.5], [0.2, 0.3], [-1.0, 0.4], [0.0, 0.9]]
    w = [[0.3, -0.6, 0.1], [0.5, 0.2, -0.4], [0.0, 0.7, 0.2]]
    u = [[1.0, 0.5], [-0.3, 0.8], [0.2, -1.0]]
    b = [0.1, -0.2, 0.05]
    h0 = [0.5, 0.0, -0.5]
    h, expected = h0, []
    for x_t in x:
        h = [
            math.tanh(sum(w[r][c] * h[c] for c in range(3)) + sum(u[r][c] * x_t[c] for c in range(2)) + b[r])
            for r in range(3)
        ]
        expected.append(h)
    assert close(run_demo("rnn-unroll", {"x": x, "w": w, "u": u, "b": b, "h0": h0}).result, expected)
    with pytest.raises(DemoInputError, match="u is 3x3 but must be 3x2"):
        run_demo("rnn-unroll", {"x": x, "w": w, "u": w})


def test_lstm_step_matches_a_loop():
    run = run_demo("lstm-step", seed=4)
    p = run.params
    x, h, c, w, b = p["x"], p["h"], p["c"], p["w"], p["b"]
    n = len(h)
    joined = h + x
    z = [sum(w[r][j] * joined[j] for j in range(len(joined))) + b[r] for r in range(4 * n)]
    i = [sigmoid(z[r]) for r in range(n)]
    f = [sigmoid(z[n + r]) for r in range(n)]
    g = [math.tanh(z[2 * n + r]) for r in range(n)]
    o = [sigmoid(z[3 * n + r]) for r in range(n)]
    c_new = [f[r] * c[r] + i[r] * g[r] for r in range(n)]
    h_new = [o[r] * math.tanh(c_new[r]) for r in range(n)]
    for name, expected in {"i": i, "f": f, "g": g, "o": o, "c": c_new, "h": h_new}.items():
        assert close(run.result[name], expected), name
    assert b[n : 2 * n] == [1.0] * n  # forget bias starts at 1


def test_lstm_step_shape_error():
    with pytest.raises(DemoInputError, match="w is 4x3 but must be 4x2"):
        run_demo("lstm-step", {"x": [1.0], "h": [0.0], "c": [0.0], "w": [[1, 2, 3]] * 4})


def test_gru_step_matches_a_loop():
    run = run_demo("gru-step", {"b": [0.1, -0.2, 0.3, 0.0, 0.05, -0.1]}, seed=6)
    p = run.params
    x, h, w, u, b = p["x"], p["h"], p["w"], p["u"], p["b"]
    n, m = len(h), len(x)

    def pre(block, r, state):
        row = block * n + r
        return sum(w[row][j] * x[j] for j in range(m)) + sum(u[row][j] * state[j] for j in range(n)) + b[row]

    z = [sigmoid(pre(0, r, h)) for r in range(n)]
    reset = [sigmoid(pre(1, r, h)) for r in range(n)]
    rh = [reset[j] * h[j] for j in range(n)]
    cand = [math.tanh(pre(2, r, rh)) for r in range(n)]
    h_new = [(1 - z[r]) * h[r] + z[r] * cand[r] for r in range(n)]
    assert close(run.result["z"], z)
    assert close(run.result["r"], reset)
    assert close(run.result["candidate"], cand)
    assert close(run.result["h"], h_new)


def test_embedding_lookup_reads_rows():
    table = random_grid(8, 5, 3)
    result = run_demo("embedding-lookup", {"ids": [4, 0, 4, 2], "table": table}).result
    assert result["vectors"] == [table[4], table[0], table[4], table[2]]
    assert close(result["one_hot_product"], result["vectors"])
    with pytest.raises(DemoInputError, match="ids must lie between 0 and 4 .* got 5"):
        run_demo("embedding-lookup", {"ids": [1, 5], "table": table})


def test_sliding_window_forecast_against_normal_equations_and_naive_loop():
    series = [10 + 3 * math.sin(2 * math.pi * t / 8) + 0.2 * math.cos(1.7 * t) for t in range(30)]
    window = 3
    result = run_demo("sliding-window-forecast", {"series": series, "window": window, "split": 0.7}).result
    pairs = [(series[i : i + window] + [1.0], series[i + window]) for i in range(len(series) - window)]
    train = round(len(pairs) * 0.7)
    assert result["train_pairs"] == train and result["test_pairs"] == len(pairs) - train
    # Least squares from the normal equations X^T X c = X^T y, built entry by entry.
    n = window + 1
    xtx = [[sum(p[0][a] * p[0][b] for p in pairs[:train]) for b in range(n)] for a in range(n)]
    xty = [sum(p[0][a] * p[1] for p in pairs[:train]) for a in range(n)]
    coef = np.linalg.solve(np.array(xtx), np.array(xty))
    assert close(result["weights"], coef, 1e-5)
    test = pairs[train:]
    predictions = [sum(c * f for c, f in zip(coef, p[0], strict=False)) for p in test]
    assert close(result["predictions"], predictions, 1e-5)
    assert result["test_mse_model"] == pytest.approx(
        mean([(f - p[1]) ** 2 for f, p in zip(predictions, test, strict=False)]), abs=1e-6
    )
    assert result["test_mse_naive"] == pytest.approx(mean([(p[0][window - 1] - p[1]) ** 2 for p in test]), abs=1e-12)
    assert result["test_mse_model"] < result["test_mse_naive"]
    with pytest.raises(DemoInputError, match="need at least 4 training pairs"):
        run_demo("sliding-window-forecast", {"series": [1, 2, 3, 4, 5, 6], "window": 3})


def test_teacher_forcing_matches_the_markov_recurrence():
    vocab, length, error = 5, 12, 0.2
    result = run_demo(
        "teacher-forcing", {"vocab": vocab, "length": length, "error": error, "runs": 20000}, seed=5
    ).result
    on_track, expected = 1.0, []
    for _ in range(length):
        on_track = on_track * (1 - error) + (1 - on_track) * error / (vocab - 1)
        expected.append(on_track)
    assert result["free_accuracy_exact"] == pytest.approx(expected, abs=1e-12)
    band = 4 * math.sqrt(0.25 / 20000)
    assert all(abs(a - (1 - error)) < band for a in result["forced_accuracy"])
    assert all(abs(a - b) < band for a, b in zip(result["free_accuracy"], expected, strict=False))
    targets = result["targets"]
    assert all((b - a) % vocab == 1 for a, b in zip(targets, targets[1:], strict=False))


def test_teacher_forcing_without_errors_is_perfect_both_ways():
    result = run_demo("teacher-forcing", {"error": 0.0, "runs": 10}, seed=2).result
    assert result["forced_accuracy"] == [1.0] * 20 and result["free_accuracy"] == [1.0] * 20


START = [0.05, 0.45, 0.4, 0.1]


TABLE = [[0.2, 0.05, 0.05, 0.7], [0.7, 0.1, 0.1, 0.1], [0.75, 0.1, 0.1, 0.05]]


def sequence_logp(seq, start, table):
    total, previous = 0.0, None
    for token in seq:
        total += math.log(start[token] if previous is None else table[previous - 1][token])
        previous = token
    return total


def all_sequences(vocab, max_len):
    """Every sequence that ends with </s> (token 0) or reaches max_len, with no </s> inside."""
    out = []

    def extend(prefix):
        for token in range(vocab):
            seq = [*prefix, token]
            if token == 0 or len(seq) == max_len:
                out.append(seq)
            else:
                extend(seq)

    extend([])
    return out


def test_beam_search_against_greedy_and_exhaustive_search():
    result = run_demo("beam-search", {"beam": 2, "alpha": 1.0}, seed=0).result
    # Greedy by hand: the most likely next token each step.
    seq, previous = [], None
    while not seq or (seq[-1] != 0 and len(seq) < 4):
        row = START if previous is None else TABLE[previous - 1]
        previous = max(range(4), key=lambda t: row[t])
        seq.append(previous)
    assert result["greedy"] == seq == [1, 3, 0]  # A C </s>: 0.45 · 0.7 · 0.75
    assert result["greedy_logp"] == pytest.approx(math.log(0.45 * 0.7 * 0.75))
    every = all_sequences(4, 4)
    best = max(every, key=lambda s: sequence_logp(s, START, TABLE))
    assert result["exact"] == best == [2, 0]  # B </s>: 0.28 beats greedy's 0.236
    assert result["beam"] == best
    assert result["exact_logp"] == pytest.approx(math.log(0.28))
    for hyp, logp in zip(result["hypotheses"], result["hypothesis_logp"], strict=False):
        assert logp == pytest.approx(sequence_logp(hyp, START, TABLE))
    # Dividing by the length favours the longer A C </s>: log(0.23625)/3 > log(0.28)/2.
    assert result["beam_normalised"] == [1, 3, 0]
    assert result["exact_normalised"] == max(every, key=lambda s: sequence_logp(s, START, TABLE) / len(s))


def test_beam_width_one_is_greedy_and_a_wide_beam_is_exhaustive():
    narrow = run_demo("beam-search", {"beam": 1}, seed=0).result
    assert narrow["beam"] == narrow["greedy"] and len(narrow["hypotheses"]) == 1
    wide = run_demo("beam-search", {"beam": 1000, "max_len": 4}, seed=0).result
    assert sorted(map(tuple, wide["hypotheses"])) == sorted(map(tuple, all_sequences(4, 4)))


def test_beam_search_rejects_rows_that_are_not_distributions():
    with pytest.raises(DemoInputError, match="add up to 1"):
        run_demo("beam-search", {"start": [0.5, 0.6, 0.0, 0.0]})
    with pytest.raises(DemoInputError, match="table must be 2x3"):
        run_demo("beam-search", {"start": [0.2, 0.3, 0.5], "table": [[0.5, 0.5, 0.0]]})
