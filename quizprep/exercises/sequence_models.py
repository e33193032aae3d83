"""Exercises for the sequence-models topic: an RNN over time, LSTM and GRU cells, the embedding gradient and beam
search."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, ints, normal


@exercise(
    "rnn_forward",
    items=["rnn-recurrence-formula", "recurrent-neural-network"],
    difficulty=1,
    hints=[
        "h_t = tanh(x_t @ W_x + h_{t-1} @ W_h + b), starting from h0, one time step after the other.",
        "Time is axis 1 of x: x[:, t, :]. Collect every h_t and stack them on axis 1.",
    ],
)
def rnn_forward(x, h0, W_x, W_h, b):
    """A vanilla tanh RNN run over a batch of sequences, returning every hidden state.

    x: float array (N, T, D). h0: float array (N, H). W_x: (D, H). W_h: (H, H). b: (H,).
    h_t = tanh(x[:, t] @ W_x + h_{t-1} @ W_h + b) for t = 0 … T-1, with h_{-1} = h0.
    Returns a float array (N, T, H) holding h_0 … h_{T-1}. Do not change the inputs.
    """
    h = h0
    states = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ W_x + h @ W_h + b)
        states.append(h)
    return np.stack(states, axis=1)


@hidden_tests("rnn_forward")
def rnn_forward_tests(rng):
    def inputs(n, t, d, h):
        return normal(rng, n, t, d), normal(rng, n, h), normal(rng, d, h), normal(rng, h, h, scale=0.5), normal(rng, h)

    return [
        Case("short", inputs(2, 3, 4, 5), hint="feed each step's hidden state into the next"),
        Case("one step", inputs(3, 1, 2, 2), hint="h_0 uses h0 as the previous state"),
        Case("batch of one, long", inputs(1, 7, 3, 4), hint="time is axis 1 of x and of the result"),
    ]


@exercise(
    "lstm_cell",
    items=["lstm-cell", "lstm-gradient-flow", "lstm-against-gradient-problems"],
    difficulty=2,
    returns=("h", "c"),
    hints=[
        "z = x @ W + h @ U + b has 4H columns: input gate i, forget gate f, candidate g, output gate o, in that order.",
        "i, f, o go through the sigmoid and g through tanh.",
        "c_new = f·c + i·g, then h_new = o·tanh(c_new).",
    ],
)
def lstm_cell(x, h, c, W, U, b):
    """One step of an LSTM cell, gates in PyTorch's order (input, forget, cell candidate, output).

    x: float array (N, D). h, c: float arrays (N, H), the previous hidden and cell states.
    W: (D, 4H). U: (H, 4H). b: (4H,). z = x @ W + h @ U + b, split into four blocks of H columns i, f, g, o;
    i, f, o = sigmoid, g = tanh; c_new = f·c + i·g; h_new = o·tanh(c_new).
    Returns (h_new, c_new), both (N, H). Do not change the inputs.
    """
    z = x @ W + h @ U + b
    i, f, g, o = np.split(z, 4, axis=1)
    c_new = 1.0 / (1.0 + np.exp(-f)) * c + 1.0 / (1.0 + np.exp(-i)) * np.tanh(g)
    return 1.0 / (1.0 + np.exp(-o)) * np.tanh(c_new), c_new


@hidden_tests("lstm_cell")
def lstm_cell_tests(rng):
    def inputs(n, d, hid):
        return (
            normal(rng, n, d),
            normal(rng, n, hid),
            normal(rng, n, hid),
            normal(rng, d, 4 * hid),
            normal(rng, hid, 4 * hid),
            normal(rng, 4 * hid),
        )

    return [
        Case("small", inputs(2, 3, 2), hint="gate order i, f, g, o"),
        Case("batch of one", inputs(1, 4, 3), hint="c_new = f·c + i·g"),
        Case("wider", inputs(4, 2, 5), hint="h_new = o·tanh(c_new), using the new cell state"),
    ]


@exercise(
    "gru_cell",
    items=["gru-cell", "lstm-vs-gru"],
    difficulty=2,
    hints=[
        "gx = x @ W + b_x and gh = h @ U + b_h, each split into r, z, n blocks of H columns.",
        "r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r·gh_n): the reset gate scales gh_n, bias included.",
        "h_new = (1 - z)·n + z·h: z keeps the old state.",
    ],
)
def gru_cell(x, h, W, U, b_x, b_h):
    """One step of a GRU cell, as PyTorch's GRUCell computes it (gates r, z, n).

    x: float array (N, D). h: float array (N, H). W: (D, 3H). U: (H, 3H). b_x, b_h: (3H,).
    gx = x @ W + b_x and gh = h @ U + b_h, each split into blocks r, z, n of H columns;
    r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), n = tanh(gx_n + r·gh_n), h_new = (1 - z)·n + z·h.
    Returns h_new, (N, H). Do not change the inputs.
    """
    gx_r, gx_z, gx_n = np.split(x @ W + b_x, 3, axis=1)
    gh_r, gh_z, gh_n = np.split(h @ U + b_h, 3, axis=1)
    r = 1.0 / (1.0 + np.exp(-(gx_r + gh_r)))
    z = 1.0 / (1.0 + np.exp(-(gx_z + gh_z)))
    n = np.tanh(gx_n + r * gh_n)
    return (1.0 - z) * n + z * h


@hidden_tests("gru_cell")
def gru_cell_tests(rng):
    def inputs(n, d, hid):
        return (
            normal(rng, n, d),
            normal(rng, n, hid),
            normal(rng, d, 3 * hid),
            normal(rng, hid, 3 * hid),
            normal(rng, 3 * hid),
            normal(rng, 3 * hid),
        )

    return [
        Case("small", inputs(2, 3, 2), hint="gate order r, z, n"),
        Case("batch of one", inputs(1, 2, 4), hint="r multiplies h @ U_n + b_hn (its bias too)"),
        Case("wider", inputs(3, 4, 3), hint="h_new = (1 - z)·n + z·h"),
    ]


@exercise(
    "embedding_backward",
    items=["embedding-layer", "embedding-fine-tuning"],
    difficulty=2,
    hints=[
        "Row v of the gradient is the sum of grad_out over every position whose id is v.",
        "grad[ids] += grad_out loses repeated ids (each is written once); np.add.at(grad, ids, grad_out) adds all.",
        "Rows of ids that never appear stay zero; the result is (vocab_size, D).",
    ],
)
def embedding_backward(ids, grad_out, vocab_size):
    """The gradient of an embedding table from the gradient of its lookups.

    ids: int array of any shape, values in [0, vocab_size). grad_out: float array (*ids.shape, D), dL/d(table[ids]).
    Returns dL/dtable, a float array (vocab_size, D): row v sums grad_out at every position whose id is v (a repeated
    id adds up), and rows never looked up are zero. Do not change the inputs.
    """
    grad = np.zeros((vocab_size, grad_out.shape[-1]), dtype=grad_out.dtype)
    np.add.at(grad, ids.reshape(-1), grad_out.reshape(-1, grad_out.shape[-1]))
    return grad


@hidden_tests("embedding_backward")
def embedding_backward_tests(rng):
    return [
        Case("distinct ids", (np.array([2, 0]), normal(rng, 2, 3), 4), hint="each id's row gets its gradient"),
        Case("repeated ids", (np.array([1, 1, 3, 1]), normal(rng, 4, 2), 5), hint="repeated ids add: use np.add.at"),
        Case(
            "batch of sequences",
            (ints(rng, 6, 3, 5), normal(rng, 3, 5, 4), 6),
            hint="ids may be 2-D: flatten ids and the gradient's leading axes",
        ),
        Case("unused rows", (np.array([0]), normal(rng, 1, 3), 3), hint="rows never looked up stay zero"),
    ]


@exercise(
    "beam_search",
    items=["beam-search-decoding", "decoding-greedy-beam-sampling", "beam-search-for-llms"],
    difficulty=3,
    returns=("tokens", "score"),
    hints=[
        "Start with the `width` best first tokens by log_start; each later step extends every beam by every token.",
        "A candidate's score is its beam's score plus log_trans[last token, next token]; keep the `width` best "
        "candidates over all beams together, not `width` per beam.",
        "Scores are sums of log-probabilities; after `length` tokens return the best beam and its score.",
    ],
)
def beam_search(log_start, log_trans, width, length):
    """Beam search over a bigram model for the most likely sequence of a fixed length.

    log_start: float array (V,), log P(first token). log_trans: float array (V, V), log_trans[a, b] = log P(next is b
    | previous is a). width: beams kept after each step (≥ 1). length: tokens in a sequence (≥ 1).
    The score of a sequence is the sum of its log-probabilities. Start from the `width` best first tokens; at each
    later step extend every beam by every token and keep the `width` best candidates overall. The inputs have no
    ties. Returns (tokens, score): the best final sequence as an int array (length,) and its score as a float.
    """
    order = np.argsort(-log_start)[:width]
    beams = [([int(t)], float(log_start[t])) for t in order]
    for _ in range(length - 1):
        candidates = [
            (seq + [b], score + float(log_trans[seq[-1], b])) for seq, score in beams for b in range(len(log_start))
        ]
        candidates.sort(key=lambda pair: -pair[1])
        beams = candidates[:width]
    best, score = max(beams, key=lambda pair: pair[1])
    return np.array(best), score


@hidden_tests("beam_search")
def beam_search_tests(rng):
    start = np.log(np.array([0.5, 0.4, 0.1]))
    trans = np.log(np.array([[0.35, 0.35, 0.3], [0.9, 0.05, 0.05], [0.2, 0.3, 0.5]]))

    def model(v):
        logits = normal(rng, v + 1, v, scale=2.0)
        logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return logp[0], logp[1:]

    return [
        Case("greedy loses", (start, trans, 2, 2), hint="a weaker first token can lead to a better sequence"),
        Case("width 1 is greedy", (start, trans, 1, 3), hint="width 1 keeps only the best extension"),
        Case("one token", (start, trans, 2, 1), hint="length 1: the best first token"),
        Case("random model", (*model(5), 3, 4), hint="keep the `width` best over all beams, not per beam"),
        Case("wide beam", (*model(4), 16, 3), hint="a beam as wide as every sequence finds the exact best"),
    ]
