"""The algorithms in quizprep.demos.kit that demos share, each against a plain-Python computation."""

from __future__ import annotations

import itertools
import math
import struct

import numpy as np
import pytest

from quizprep.demos import kit
from tests.helpers.reference import close_arrays, decode_fp8


def test_dead_units_are_those_never_positive_on_the_batch():
    X = [[0.5, 1.0], [1.0, 0.0], [0.0, 2.0]]
    W = [[1.0, 1.0], [-1.0, -2.0], [0.5, -1.0], [0.0, 0.0]]
    b = [-0.2, 0.1, 0.4, 0.0]
    expected = [all(sum(w * x for w, x in zip(row, xs)) + bias <= 0 for xs in X) for row, bias in zip(W, b)]
    assert expected == [False, True, False, True]
    assert kit.dead_units(np.array(X), np.array(W), np.array(b)).tolist() == expected


START = [0.1, 0.5, 0.4]  # </s>, A, B
TABLE = [[0.6, 0.1, 0.3], [0.2, 0.4, 0.4]]  # after A, after B


def sequence_logp(seq):
    """log P of a token sequence, multiplying the table's probabilities by hand."""
    total, previous = 0.0, None
    for token in seq:
        probs = START if previous is None else TABLE[previous - 1]
        total += math.log(probs[token])
        previous = token
    return total


def plain_beam(width, max_len):
    """Beam search written with lists: extend, sort by log P, keep `width`, retire those that end with </s>."""
    live, done = [((), 0.0)], []
    for _ in range(max_len):
        grown = sorted(
            ((seq + (t,), sequence_logp(seq + (t,))) for seq, _ in live for t in range(3)), key=lambda h: -h[1]
        )[:width]
        live = [h for h in grown if h[0][-1] != 0]
        done += [h for h in grown if h[0][-1] == 0]
        if not live:
            break
    return done + live


@pytest.mark.parametrize("width", [1, 2, 3])
def test_beam_decode_matches_a_plain_beam(width):
    got = kit.beam_decode(np.log(START), np.log(TABLE), width, 3)
    want = plain_beam(width, 3)
    assert [seq for seq, _ in got] == [seq for seq, _ in want]
    assert [logp for _, logp in got] == pytest.approx([logp for _, logp in want])


def test_every_sequence_lists_all_complete_sequences_and_their_probabilities():
    got = dict(kit.every_sequence(np.log(START), np.log(TABLE), 3))
    want = {}
    for length in (1, 2, 3):
        for seq in itertools.product(range(3), repeat=length):
            ends = seq[-1] == 0 or length == 3
            if ends and 0 not in seq[:-1]:
                want[seq] = sequence_logp(seq)
    assert got.keys() == want.keys()
    assert [got[s] for s in want] == pytest.approx(list(want.values()))
    # sequences ending in </s> plus those cut at the limit carry all the probability mass
    assert sum(math.exp(v) for v in want.values()) == pytest.approx(1.0)


def test_length_normalised():
    assert kit.length_normalised(-6.0, 4, 0.5) == pytest.approx(-6.0 / 2.0)
    assert kit.length_normalised(-6.0, 4, 0.0) == -6.0


def plain_autoencoder(X, E, D, lr, steps, noises=None, decay=False):
    """Gradient descent on mean((x_clean - D E x_in)²) with loops; gradients written out entry by entry."""
    n, p, k = len(X), len(X[0]), len(E)
    E, D = [row[:] for row in E], [row[:] for row in D]
    losses = []
    for t in range(steps):
        inputs = X if noises is None else [[a + b for a, b in zip(r, s)] for r, s in zip(X, noises[t])]
        codes = [[sum(E[j][i] * x[i] for i in range(p)) for j in range(k)] for x in inputs]
        res = [[X[m][i] - sum(D[i][j] * codes[m][j] for j in range(k)) for i in range(p)] for m in range(n)]
        losses.append(sum(v * v for row in res for v in row) / (n * p))
        gD = [[-2 / (n * p) * sum(res[m][i] * codes[m][j] for m in range(n)) for j in range(k)] for i in range(p)]
        back = [[sum(D[i][j] * res[m][i] for i in range(p)) for j in range(k)] for m in range(n)]
        gE = [[-2 / (n * p) * sum(back[m][j] * inputs[m][i] for m in range(n)) for i in range(p)] for j in range(k)]
        eta = lr * (1 - t / steps) if decay else lr
        D = [[D[i][j] - eta * gD[i][j] for j in range(k)] for i in range(p)]
        E = [[E[j][i] - eta * gE[j][i] for i in range(p)] for j in range(k)]
    return E, D, losses


def test_train_linear_autoencoder_matches_a_plain_loop():
    X = [[1.0, -0.5, 0.2], [-0.3, 0.8, -0.1], [-0.7, -0.3, -0.1]]
    E0 = [[0.1, -0.2, 0.05]]
    D0 = [[0.3], [0.1], [-0.2]]
    E, D, losses = kit.train_linear_autoencoder(np.array(X), np.array(E0), np.array(D0), 0.4, 5)
    pE, pD, plosses = plain_autoencoder(X, E0, D0, 0.4, 5)
    assert losses.tolist() == pytest.approx(plosses)
    assert E.tolist() == [pytest.approx(row) for row in pE]
    assert D.tolist() == [pytest.approx(row) for row in pD]
    assert plosses[-1] < plosses[0]


def test_denoising_training_draws_fresh_noise_each_step_and_decays_the_step():
    X = [[1.0, -0.5], [-0.3, 0.8], [-0.7, -0.3]]
    E0, D0 = [[0.2, -0.1]], [[0.3], [0.1]]
    draws = np.random.default_rng(5)
    noises = [(0.4 * draws.normal(size=(3, 2))).tolist() for _ in range(4)]
    E, D, losses = kit.train_linear_autoencoder(
        np.array(X), np.array(E0), np.array(D0), 0.5, 4, noise=0.4, rng=np.random.default_rng(5), decay=True
    )
    pE, pD, plosses = plain_autoencoder(X, E0, D0, 0.5, 4, noises=noises, decay=True)
    assert losses.tolist() == pytest.approx(plosses)
    assert E.tolist() == [pytest.approx(row) for row in pE]


def test_confusion_counts_and_class_report():
    labels = [0, 1, 2, 2, 1, 0, 2, 1]
    preds = [0, 2, 2, 1, 1, 0, 2, 0]
    counts = [[0] * 3 for _ in range(3)]
    for y, p in zip(labels, preds):
        counts[y][p] += 1
    M = kit.confusion_counts(np.array(labels), np.array(preds), 3)
    assert M.tolist() == counts
    report = kit.class_report(M)
    assert report["accuracy"] == pytest.approx(sum(y == p for y, p in zip(labels, preds)) / len(labels))
    for c in range(3):
        tp = sum(y == c and p == c for y, p in zip(labels, preds))
        fp = sum(y != c and p == c for y, p in zip(labels, preds))
        fn = sum(y == c and p != c for y, p in zip(labels, preds))
        assert report["precision"][c] == pytest.approx(tp / (tp + fp))
        assert report["recall"][c] == pytest.approx(tp / (tp + fn))
        assert report["f1"][c] == pytest.approx(2 * tp / (2 * tp + fp + fn))
    assert report["macro_f1"] == pytest.approx(sum(report["f1"]) / 3)


def test_class_report_marks_undefined_precision():
    report = kit.class_report(np.array([[3, 0], [2, 0]]))  # class 1 never predicted
    assert math.isnan(report["precision"][1])
    assert report["recall"][1] == 0.0
    assert report["recall"][0] == 1.0  # the specificity


def test_som_update_moves_every_unit_by_its_neighbourhood_weight():
    grid = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    weights = [[0.0, 0.0], [1.0, 0.0], [0.2, 0.9], [1.0, 1.0]]
    x = [0.3, 0.7]
    lr, sigma = 0.5, 0.8
    dist = [sum((a - b) ** 2 for a, b in zip(w, x)) for w in weights]
    winner = dist.index(min(dist))
    h = [math.exp(-sum((a - b) ** 2 for a, b in zip(g, grid[winner])) / (2 * sigma**2)) for g in grid]
    moved = [[w + lr * hj * (xi - w) for w, xi in zip(row, x)] for row, hj in zip(weights, h)]
    new, got_winner, got_h = kit.som_update(np.array(weights), np.array(grid), np.array(x), lr, sigma)
    assert got_winner == winner == 2
    assert got_h.tolist() == pytest.approx(h)
    assert new.tolist() == [pytest.approx(row) for row in moved]
    assert weights[0] == [0.0, 0.0]  # the input is left alone


# Quantization grids


def test_quantize_matches_a_loop():
    x = np.array([[0.3, -1.2, 0.05, 0.9], [2.0, 0.1, -0.4, 0.0]])
    got = kit.quantize(x, 4, 2)
    for r in range(2):
        for start in (0, 2):
            chunk = x[r, start : start + 2]
            scale = max(abs(v) for v in chunk) / 7
            for c in range(2):
                assert got[r, start + c] == pytest.approx(round(chunk[c] / scale) * scale)
    assert close_arrays(kit.quantize(x, 8), np.round(x / (2.0 / 127)) * (2.0 / 127))


def test_fp8_grids_match_bit_decoding():
    e4m3 = sorted(decode_fp8(b, 4) for b in range(127))  # 0x7F is E4M3's NaN
    e5m2 = sorted(decode_fp8(b, 5) for b in range(124))  # 0x7C and above are infinities and NaNs
    assert kit.fp8_grid(4, 3).tolist() == e4m3 and e4m3[-1] == 448.0 and len(e4m3) == 127
    assert kit.fp8_grid(5, 2).tolist() == e5m2 and e5m2[-1] == 57344.0 and e5m2[1] == 2.0**-16
    assert struct.calcsize("e") == 2  # the standard library knows fp16, not fp8: hence the hand decoding


def test_round_to_grid_picks_the_nearest_fp8_value_and_saturates():
    e4m3 = kit.fp8_grid(4, 3)
    x = [0.3, -5.1, 1000.0, 1e-4, 17.0, 1.06, -1.07, 0.0009, 0.0011]
    nearest = [math.copysign(min(e4m3.tolist(), key=lambda g, v=v: abs(g - min(abs(v), 448))), v) for v in x]
    assert kit.round_to_grid(np.array(x), e4m3).tolist() == nearest
    assert nearest[-4:] == [1.0, -1.125, 0.0, 2.0**-9]


def test_round_to_grid_breaks_ties_towards_the_smaller_magnitude():
    grid = np.array([0.0, 1.0, 2.0, 4.0])
    assert kit.round_to_grid(np.array([0.5, -1.5, 3.0, 3.1, 9.0]), grid).tolist() == [0.0, -1.0, 2.0, 4.0, 4.0]


def test_relative_rms():
    error, reference = np.array([0.1, -0.2]), np.array([1.0, 2.0])
    assert kit.relative_rms(error, reference) == pytest.approx(math.sqrt((0.01 + 0.04) / (1 + 4)))


# Small shared helpers


def test_unit_rows_scales_rows_to_length_one_and_leaves_zero_rows():
    m = np.array([[3.0, 4.0], [0.0, 0.0], [-1.0, 1.0]])
    assert close_arrays(kit.unit_rows(m), [[0.6, 0.8], [0.0, 0.0], [-1 / math.sqrt(2), 1 / math.sqrt(2)]])


def test_layer_norm_centres_and_scales_each_row():
    x = np.array([[1.0, 2.0, 6.0], [0.5, 0.5, 2.0]])
    for row, got in zip(x.tolist(), kit.layer_norm(x, eps=1e-3), strict=True):
        mean = sum(row) / 3
        var = sum((v - mean) ** 2 for v in row) / 3
        assert close_arrays(got, [(v - mean) / math.sqrt(var + 1e-3) for v in row])


def test_gelu_is_x_times_the_normal_cdf():
    xs = [-3.0, -0.5, 0.0, 1.2]
    assert close_arrays(kit.gelu(np.array(xs)), [x * 0.5 * (1 + math.erf(x / math.sqrt(2))) for x in xs])


def test_kl_divergence_skips_zero_probabilities_and_is_infinite_off_the_support():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])
    assert kit.kl_divergence(p, q) == pytest.approx(0.5 * math.log(2) * 2)
    assert kit.kl_divergence(q, p) == math.inf


def test_words_are_lowercase_letter_and_digit_runs():
    assert kit.words("Remote work: 3 days/week, OK?") == ["remote", "work", "3", "days", "week", "ok"]


def test_text_param_records_the_text_and_rejects_bad_values():
    from quizprep.demos.framework import Demo, DemoInputError

    d = Demo(rng=np.random.default_rng(0))
    assert kit.text_param(d, "word", None, "unhappiness", max_len=16) == "unhappiness"
    assert d.params["word"] == "unhappiness"
    with pytest.raises(DemoInputError, match="between 1 and 4 characters"):
        kit.text_param(d, "word", "hello", "x", max_len=4)
    with pytest.raises(DemoInputError, match="must be a text in quotes"):
        kit.text_param(d, "word", 12, "x")
