"""The vision and sequence demos against independent computations: plain loops, closed forms, finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError

TOL = 1e-6


def random_grid(seed: int, rows: int, cols: int, scale: float = 3.0) -> list[list[float]]:
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(0, scale, size=(rows, cols)), 3).tolist()


def close(actual, expected, tol: float = TOL) -> bool:
    return np.asarray(actual, dtype=float).shape == np.asarray(expected, dtype=float).shape and np.allclose(actual, expected, atol=tol, rtol=0)


# Plain-Python references.


def loop_conv2d(image, kernel, stride, padding):
    height, width = len(image), len(image[0])
    kh, kw = len(kernel), len(kernel[0])

    def pixel(r, c):  # the zero-padded image
        r, c = r - padding, c - padding
        return image[r][c] if 0 <= r < height and 0 <= c < width else 0.0

    out = []
    top = 0
    while top + kh <= height + 2 * padding:
        row = []
        left = 0
        while left + kw <= width + 2 * padding:
            row.append(sum(kernel[a][b] * pixel(top + a, left + b) for a in range(kh) for b in range(kw)))
            left += stride
        out.append(row)
        top += stride
    return out


def loop_pool(x, size, stride, reduce):
    out = []
    top = 0
    while top + size <= len(x):
        row = []
        left = 0
        while left + size <= len(x[0]):
            row.append(reduce([x[top + a][left + b] for a in range(size) for b in range(size)]))
            left += stride
        out.append(row)
        top += stride
    return out


def mean(values):
    return sum(values) / len(values)


def loop_attention(q, k, v):
    d_k = len(k[0])
    out, all_weights = [], []
    for query in q:
        scores = [sum(a * b for a, b in zip(query, key)) / math.sqrt(d_k) for key in k]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        weights = [e / sum(exps) for e in exps]
        all_weights.append(weights)
        out.append([sum(weights[j] * v[j][c] for j in range(len(v))) for c in range(len(v[0]))])
    return out, all_weights


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


# conv2d


@pytest.mark.parametrize(
    "rows, cols, kernel_shape, stride, padding",
    [
        (5, 5, (3, 3), 1, 0),
        (6, 9, (3, 3), 2, 1),  # non-square image, stride and padding
        (7, 4, (2, 3), 2, 0),  # non-square kernel
        (6, 9, (4, 4), 3, 2),  # stride 3, two rings of zeros
        (3, 3, (5, 5), 1, 1),  # kernel exactly as big as the padded image
    ],
)
def test_conv2d_matches_a_loop(rows, cols, kernel_shape, stride, padding):
    image = random_grid(rows * 10 + cols, rows, cols)
    kernel = random_grid(kernel_shape[0] + 100, *kernel_shape, scale=1.0)
    result = run_demo("conv2d", {"image": image, "kernel": kernel, "stride": stride, "padding": padding}).result
    expected = loop_conv2d(image, kernel, stride, padding)
    assert close(result, expected)
    assert len(result) == (rows + 2 * padding - kernel_shape[0]) // stride + 1
    assert len(result[0]) == (cols + 2 * padding - kernel_shape[1]) // stride + 1


def test_conv2d_is_cross_correlation_not_flipped_convolution():
    # A kernel with a single 1 in its top-left corner picks the top-left pixel of each window.
    image = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    result = run_demo("conv2d", {"image": image, "kernel": [[1, 0], [0, 0]]}).result
    assert result == [[1, 2], [4, 5]]


def test_conv2d_default_matches_a_loop():
    run = run_demo("conv2d", seed=5)
    p = run.params
    assert close(run.result, loop_conv2d(p["image"], p["kernel"], p["stride"], p["padding"]))


@pytest.mark.parametrize(
    "image, kernel, padding, message",
    [
        ([[1, 2, 3], [4, 5, 6]], [[1] * 3] * 4, 0, "kernel is 4x3 but the padded image is only 2x3.*kernel height 4 > 2"),
        ([[1, 2, 3], [4, 5, 6]], [[1] * 6] * 4, 1, "kernel is 4x6 but the padded image is only 4x5.*kernel width 6 > 5"),
    ],
)
def test_conv2d_kernel_larger_than_padded_image(image, kernel, padding, message):
    with pytest.raises(DemoInputError, match=message):
        run_demo("conv2d", {"image": image, "kernel": kernel, "padding": padding})


# Pooling


BANK_MAP = [[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]]


def test_max_pool_bank_example():
    assert run_demo("max-pool", {"x": BANK_MAP, "size": 2, "stride": 2}).result == [[6, 5], [3, 4]]


@pytest.mark.parametrize("rows, cols, size, stride", [(7, 6, 3, 2), (5, 8, 2, 1), (9, 5, 3, 3), (6, 7, 4, 3)])
def test_max_pool_matches_a_loop_with_overlap_and_floor(rows, cols, size, stride):
    x = random_grid(rows + cols, rows, cols)
    result = run_demo("max-pool", {"x": x, "size": size, "stride": stride}).result
    assert close(result, loop_pool(x, size, stride, max))


def test_max_pool_window_too_big():
    with pytest.raises(DemoInputError, match="3x3 window does not fit in x of shape 2x4: size 3 > height 2"):
        run_demo("max-pool", {"x": [[1, 2, 3, 4], [5, 6, 7, 8]], "size": 3})


def test_avg_pool_bank_example_and_global_average():
    result = run_demo("avg-pool", {"x": BANK_MAP}).result
    assert result["pooled"] == [[3.5, 2.0], [1.5, 2.5]]
    assert result["global_average"] == pytest.approx(38 / 16)


@pytest.mark.parametrize("rows, cols, size, stride", [(7, 6, 3, 2), (4, 9, 2, 1)])
def test_avg_pool_matches_a_loop(rows, cols, size, stride):
    x = random_grid(rows * cols, rows, cols)
    result = run_demo("avg-pool", {"x": x, "size": size, "stride": stride}).result
    assert close(result["pooled"], loop_pool(x, size, stride, mean))
    assert result["global_average"] == pytest.approx(mean([v for row in x for v in row]))


# Flatten, output sizes, receptive fields


def test_flatten_order_and_the_bank_dense_layer():
    stack = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]
    result = run_demo("flatten", {"x": stack, "units": 5}).result
    expected = [stack[c][i][j] for c in range(3) for i in range(2) for j in range(2)]
    assert result["vector"] == expected
    assert result["length"] == 12
    assert result["dense_parameters"] == 12 * 5 + 5
    big = run_demo("flatten", {"x": np.zeros((64, 7, 7)).tolist(), "units": 128}).result
    assert big["length"] == 3136 and big["dense_parameters"] == 401_536


def test_flatten_rejects_a_vector():
    with pytest.raises(DemoInputError, match="stack of feature maps"):
        run_demo("flatten", {"x": [1, 2, 3]})


def count_windows(size, kernel, stride, padding):
    count, start = 0, 0
    while start + kernel <= size + 2 * padding:
        count += 1
        start += stride
    return count


@pytest.mark.parametrize(
    "size, kernel, stride, padding, channels, filters",
    [(32, 5, 1, 0, 3, 6), (227, 11, 4, 0, 3, 96), (7, 3, 2, 1, 16, 8), (10, 4, 3, 0, 1, 1)],
)
def test_conv_output_size_counts_window_positions(size, kernel, stride, padding, channels, filters):
    params = {"size": size, "kernel": kernel, "stride": stride, "padding": padding, "channels": channels, "filters": filters}
    result = run_demo("conv-output-size", params).result
    out = count_windows(size, kernel, stride, padding)
    assert result["output_size"] == out
    assert result["output_shape"] == [out, out, filters]
    assert result["parameters"] == kernel * kernel * channels * filters + filters


def test_conv_output_size_textbook_values():
    assert run_demo("conv-output-size").result == {"output_size": 28, "output_shape": [28, 28, 6], "parameters": 456}
    assert run_demo("conv-output-size", {"size": 227, "kernel": 11, "stride": 4}).result["output_size"] == 55


def brute_receptive_fields(kernels, strides):
    """Follow output unit 0 back through the layers in 1-D: which input pixels can reach it?"""
    fields = []
    for depth in range(1, len(kernels) + 1):
        units = {0}
        for layer in range(depth - 1, -1, -1):
            units = {u * strides[layer] + t for u in units for t in range(kernels[layer])}
        fields.append(max(units) - min(units) + 1)
    return fields


@pytest.mark.parametrize(
    "kernels, strides",
    [([3, 3, 3, 2, 3, 3], [1, 1, 1, 2, 1, 1]), ([3, 3, 3], [1, 1, 1]), ([7, 3, 3, 3], [2, 2, 1, 2]), ([5, 1, 2], [1, 3, 2])],
)
def test_receptive_field_matches_brute_force(kernels, strides):
    result = run_demo("receptive-field-growth", {"kernels": kernels, "strides": strides}).result
    assert result["receptive_field"] == brute_receptive_fields(kernels, strides)
    assert result["jump"] == list(np.cumprod(strides))


def test_receptive_field_three_3x3_layers_see_7x7():
    assert run_demo("receptive-field-growth", {"kernels": [3, 3, 3], "strides": [1, 1, 1]}).result["receptive_field"] == [3, 5, 7]
    with pytest.raises(DemoInputError, match="kernels has 2 layers but strides has 3"):
        run_demo("receptive-field-growth", {"kernels": [3, 3], "strides": [1, 1, 1]})


# Attention and masks


@pytest.mark.parametrize("n_q, n_k, d_k, d_v", [(3, 4, 4, 3), (2, 5, 3, 4), (1, 1, 2, 1), (4, 3, 6, 2)])
def test_attention_matches_a_loop(n_q, n_k, d_k, d_v):
    q, k, v = random_grid(1, n_q, d_k, 1.5), random_grid(2, n_k, d_k, 1.5), random_grid(3, n_k, d_v)
    expected, _ = loop_attention(q, k, v)
    assert close(run_demo("attention", {"q": q, "k": k, "v": v}).result, expected)


def test_attention_default_matches_a_loop_and_shows_the_weights():
    run = run_demo("attention", seed=9)
    p = run.params
    expected, weights = loop_attention(p["q"], p["k"], p["v"])
    assert close(run.result, expected)
    shown = next(step for step in run.steps if step["kind"] == "value" and step["label"].startswith("attention weights"))
    assert close(shown["value"], weights)


def test_attention_bank_example_single_query():
    # q = (1, 0, 1, 0) against k1 = q and k2 = (0, 1, 0, 1): scaled scores 1 and 0, weights e/(e + 1) and 1/(e + 1).
    v = [[10.0, 0.0], [0.0, 10.0]]
    result = run_demo("attention", {"q": [1, 0, 1, 0], "k": [[1, 0, 1, 0], [0, 1, 0, 1]], "v": v}).result
    w1 = math.e / (math.e + 1)
    assert w1 == pytest.approx(0.731, abs=1e-3)
    assert close(result, [10 * w1, 10 * (1 - w1)])


def test_attention_shape_errors_name_the_dimensions():
    with pytest.raises(DemoInputError, match="q has width 3 but k has width 4"):
        run_demo("attention", {"q": [[1, 2, 3]], "k": [[1, 2, 3, 4]], "v": [[1]]})
    with pytest.raises(DemoInputError, match="k has 2 rows .* but v has 3 rows"):
        run_demo("attention", {"q": [[1, 2]], "k": [[1, 2], [3, 4]], "v": [[1], [2], [3]]})


def test_causal_mask_matches_a_loop():
    scores = random_grid(4, 5, 5, 2.0)
    result = run_demo("causal-mask", {"scores": scores}).result
    for i in range(5):
        exps = [math.exp(scores[i][j]) for j in range(i + 1)]
        expected = [e / sum(exps) for e in exps] + [0.0] * (4 - i)
        assert close(result["weights"][i], expected)
        assert result["mask"][i] == [1] * (i + 1) + [0] * (4 - i)
    with pytest.raises(DemoInputError, match="square.*got 2x3"):
        run_demo("causal-mask", {"scores": [[1, 2, 3], [4, 5, 6]]})


def test_positional_encoding_formula_and_distance_only_dot_products():
    result = run_demo("positional-encoding", {"length": 6, "dim": 6}).result
    for p in range(6):
        for i in range(3):
            angle = p / 10000 ** (2 * i / 6)
            assert result["encoding"][p][2 * i] == pytest.approx(math.sin(angle), abs=TOL)
            assert result["encoding"][p][2 * i + 1] == pytest.approx(math.cos(angle), abs=TOL)
    expected = [sum(math.cos(k / 10000 ** (2 * i / 6)) for i in range(3)) for k in range(6)]
    assert close(result["dot_by_distance"], expected)
    with pytest.raises(DemoInputError, match="dim must be even"):
        run_demo("positional-encoding", {"dim": 5})


# Recurrent cells


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
        h = [math.tanh(sum(w[r][c] * h[c] for c in range(3)) + sum(u[r][c] * x_t[c] for c in range(2)) + b[r]) for r in range(3)]
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
    i = [sig(z[r]) for r in range(n)]
    f = [sig(z[n + r]) for r in range(n)]
    g = [math.tanh(z[2 * n + r]) for r in range(n)]
    o = [sig(z[3 * n + r]) for r in range(n)]
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

    z = [sig(pre(0, r, h)) for r in range(n)]
    reset = [sig(pre(1, r, h)) for r in range(n)]
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


# Gradients through time


def scalar_rnn_last_state(x, w_early, w_late, u, split):
    """h_T of h_t = tanh(w h_(t-1) + u x_t), using w_early for steps before `split` and w_late after."""
    h = 0.0
    for t, x_t in enumerate(x):
        h = math.tanh((w_early if t < split else w_late) * h + u * x_t)
    return h


def test_truncated_bptt_against_finite_differences():
    x = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.6, -0.1, 0.05, 0.3]
    w, u, window = 1.1, 0.8, 3
    result = run_demo("truncated-bptt", {"x": x, "w": w, "u": u, "window": window}).result
    eps = 1e-6
    T = len(x)
    for t in range(T):
        up = x[:t] + [x[t] + eps] + x[t + 1 :]
        down = x[:t] + [x[t] - eps] + x[t + 1 :]
        numeric = (scalar_rnn_last_state(up, w, w, u, 0) - scalar_rnn_last_state(down, w, w, u, 0)) / (2 * eps)
        assert result["grad_full"][t] == pytest.approx(numeric, abs=1e-7)
        assert result["grad_truncated"][t] == (pytest.approx(numeric, abs=1e-7) if t >= T - window else 0.0)
    full_dw = (scalar_rnn_last_state(x, w + eps, w + eps, u, 0) - scalar_rnn_last_state(x, w - eps, w - eps, u, 0)) / (2 * eps)
    assert result["dw_full"] == pytest.approx(full_dw, abs=1e-7)
    # Truncation treats the state entering the last `window` steps as a constant: only those steps' w moves.
    cut_dw = (scalar_rnn_last_state(x, w, w + eps, u, T - window) - scalar_rnn_last_state(x, w, w - eps, u, T - window)) / (2 * eps)
    assert result["dw_truncated"] == pytest.approx(cut_dw, abs=1e-7)
    h, states = 0.0, []
    for x_t in x:
        h = math.tanh(w * h + u * x_t)
        states.append(h)
    assert close(result["h"], states)


def test_rnn_gradient_norms_follow_radius_powers():
    result = run_demo("rnn-gradient-through-time", {"radii": [0.5, 0.9, 1.0, 1.25], "steps": 25, "size": 5}).result
    assert result["steps_back"] == list(range(26))
    for label, rho in [("0.5", 0.5), ("0.9", 0.9), ("1", 1.0), ("1.25", 1.25)]:
        assert result["norms"][label] == pytest.approx([rho**k for k in range(26)], rel=1e-9)
    with pytest.raises(DemoInputError, match="spectral radius"):
        run_demo("rnn-gradient-through-time", {"radii": [0.0, 1.0]})


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
    predictions = [sum(c * f for c, f in zip(coef, p[0])) for p in test]
    assert close(result["predictions"], predictions, 1e-5)
    assert result["test_mse_model"] == pytest.approx(mean([(f - p[1]) ** 2 for f, p in zip(predictions, test)]), abs=1e-6)
    assert result["test_mse_naive"] == pytest.approx(mean([(p[0][window - 1] - p[1]) ** 2 for p in test]), abs=1e-12)
    assert result["test_mse_model"] < result["test_mse_naive"]
    with pytest.raises(DemoInputError, match="need at least 4 training pairs"):
        run_demo("sliding-window-forecast", {"series": [1, 2, 3, 4, 5, 6], "window": 3})
