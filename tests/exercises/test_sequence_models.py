"""Sequence-model exercises: references against plain-Python steps; wrong variants are caught."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def rnn_no_recurrence(x, h0, W_x, W_h, b):
    return np.tanh(x @ W_x + h0[:, None, :] @ W_h + b)


def rnn_relu(x, h0, W_x, W_h, b):
    h, out = h0, []
    for t in range(x.shape[1]):
        h = np.maximum(x[:, t] @ W_x + h @ W_h + b, 0)
        out.append(h)
    return np.stack(out, 1)


def rnn_time_first(x, h0, W_x, W_h, b):
    return reference("rnn_forward")(x, h0, W_x, W_h, b).transpose(1, 0, 2)


def sig(z):
    return 1 / (1 + np.exp(-z))


def lstm_ifog(x, h, c, W, U, b):
    i, f, o, g = np.split(x @ W + h @ U + b, 4, axis=1)
    c2 = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c2), c2


def lstm_old_cell(x, h, c, W, U, b):
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c2 = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c), c2


def lstm_sigmoid_candidate(x, h, c, W, U, b):
    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c2 = sig(f) * c + sig(i) * sig(g)
    return sig(o) * np.tanh(c2), c2


def gru_swapped_interp(x, h, W, U, b_x, b_h):
    gx_r, gx_z, gx_n = np.split(x @ W + b_x, 3, axis=1)
    gh_r, gh_z, gh_n = np.split(h @ U + b_h, 3, axis=1)
    r, z = sig(gx_r + gh_r), sig(gx_z + gh_z)
    return z * np.tanh(gx_n + r * gh_n) + (1 - z) * h


def gru_reset_outside_bias(x, h, W, U, b_x, b_h):
    gx_r, gx_z, gx_n = np.split(x @ W + b_x, 3, axis=1)
    hr, hz, _ = np.split(h @ U + b_h, 3, axis=1)
    hn = h @ U[:, 2 * h.shape[1] :]
    r, z = sig(gx_r + hr), sig(gx_z + hz)
    n = np.tanh(gx_n + r * hn + b_h[2 * h.shape[1] :])
    return (1 - z) * n + z * h


def gru_order_zrn(x, h, W, U, b_x, b_h):
    gx_z, gx_r, gx_n = np.split(x @ W + b_x, 3, axis=1)
    gh_z, gh_r, gh_n = np.split(h @ U + b_h, 3, axis=1)
    r, z = sig(gx_r + gh_r), sig(gx_z + gh_z)
    return (1 - z) * np.tanh(gx_n + r * gh_n) + z * h


def embedding_fancy_index(ids, grad_out, vocab_size):
    grad = np.zeros((vocab_size, grad_out.shape[-1]))
    grad[ids.reshape(-1)] += grad_out.reshape(-1, grad_out.shape[-1])
    return grad


def embedding_assign(ids, grad_out, vocab_size):
    grad = np.zeros((vocab_size, grad_out.shape[-1]))
    grad[ids.reshape(-1)] = grad_out.reshape(-1, grad_out.shape[-1])
    return grad


def embedding_mean(ids, grad_out, vocab_size):
    grad = reference("embedding_backward")(ids, grad_out, vocab_size)
    counts = np.bincount(ids.reshape(-1), minlength=vocab_size)[:, None]
    return grad / np.maximum(counts, 1)


def beam_greedy(log_start, log_trans, width, length):
    seq = [int(np.argmax(log_start))]
    score = float(log_start[seq[0]])
    for _ in range(length - 1):
        nxt = int(np.argmax(log_trans[seq[-1]]))
        score += float(log_trans[seq[-1], nxt])
        seq.append(nxt)
    return np.array(seq), score


def beam_per_beam(log_start, log_trans, width, length):
    beams = [([int(t)], float(log_start[t])) for t in np.argsort(-log_start)[:width]]
    for _ in range(length - 1):
        new = []
        for seq, score in beams:
            best = np.argsort(-log_trans[seq[-1]])[:1]
            new += [(seq + [int(b)], score + float(log_trans[seq[-1], b])) for b in best]
        beams = sorted(new, key=lambda p: -p[1])[:width]
    return np.array(beams[0][0]), beams[0][1]


def beam_last_step_only(log_start, log_trans, width, length):
    beams = [([int(t)], float(log_start[t])) for t in np.argsort(-log_start)[:width]]
    for _ in range(length - 1):
        cands = [(seq + [b], float(log_trans[seq[-1], b])) for seq, _ in beams for b in range(len(log_start))]
        beams = sorted(cands, key=lambda p: -p[1])[:width]
    return np.array(beams[0][0]), beams[0][1]


WRONG = {
    "rnn_forward": [rnn_no_recurrence, rnn_relu, rnn_time_first],
    "lstm_cell": [lstm_ifog, lstm_old_cell, lstm_sigmoid_candidate],
    "gru_cell": [gru_swapped_interp, gru_reset_outside_bias, gru_order_zrn],
    "embedding_backward": [embedding_fancy_index, embedding_assign, embedding_mean],
    "beam_search": [beam_greedy, beam_per_beam, beam_last_step_only],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("sequence-models", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def logistic(v):
    return 1 / (1 + math.exp(-v))


def test_cells_match_scalar_formulas():
    """With one unit and one input the gates are plain numbers."""
    x, h, c = 0.5, -0.3, 0.8
    W, U, b = [0.1, -0.2, 0.3, 0.4], [0.5, 0.6, -0.7, 0.2], [0.0, 0.1, -0.1, 0.2]
    z = [x * W[k] + h * U[k] + b[k] for k in range(4)]
    c_new = logistic(z[1]) * c + logistic(z[0]) * math.tanh(z[2])
    h_new = logistic(z[3]) * math.tanh(c_new)
    got_h, got_c = reference("lstm_cell")(
        np.array([[x]]), np.array([[h]]), np.array([[c]]), np.array([W]), np.array([U]), np.array(b)
    )
    assert (float(got_h[0, 0]), float(got_c[0, 0])) == pytest.approx((h_new, c_new))
    Wg, Ug, bx, bh = [0.3, -0.1, 0.2], [0.4, 0.5, -0.6], [0.1, 0.0, 0.2], [0.0, -0.1, 0.3]
    r = logistic(x * Wg[0] + bx[0] + h * Ug[0] + bh[0])
    zz = logistic(x * Wg[1] + bx[1] + h * Ug[1] + bh[1])
    n = math.tanh(x * Wg[2] + bx[2] + r * (h * Ug[2] + bh[2]))
    got = reference("gru_cell")(
        np.array([[x]]), np.array([[h]]), np.array([Wg]), np.array([Ug]), np.array(bx), np.array(bh)
    )
    assert float(got[0, 0]) == pytest.approx((1 - zz) * n + zz * h)
    states = reference("rnn_forward")(
        np.array([[[1.0], [2.0]]]), np.zeros((1, 1)), np.array([[0.5]]), np.array([[0.3]]), np.zeros(1)
    )
    first = math.tanh(0.5)
    assert states[0, :, 0].tolist() == pytest.approx([first, math.tanh(1.0 + 0.3 * first)])


def test_embedding_gradient_and_wide_beam_by_enumeration():
    grad = reference("embedding_backward")(np.array([1, 1, 0]), np.array([[1.0], [2.0], [5.0]]), 3)
    assert grad[:, 0].tolist() == [5.0, 3.0, 0.0]
    rng = np.random.default_rng(8)
    start, trans = np.log(rng.dirichlet(np.ones(3))), np.log(rng.dirichlet(np.ones(3), size=3))
    best = max(itertools.product(range(3), repeat=3), key=lambda s: start[s[0]] + trans[s[0], s[1]] + trans[s[1], s[2]])
    tokens, score = reference("beam_search")(start, trans, 27, 3)
    assert tuple(tokens.tolist()) == best
    assert score == pytest.approx(start[best[0]] + trans[best[0], best[1]] + trans[best[1], best[2]])
