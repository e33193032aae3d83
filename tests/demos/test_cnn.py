"""Demos of the cnn topic, each checked against an independent computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import close, close_arrays, matvec, mean, random_grid, result


def residual_loss(x, weights, residual):
    h = list(x)
    for W in weights:
        a = [math.tanh(z) for z in matvec(W, h)]
        h = [hi + ai for hi, ai in zip(h, a, strict=False)] if residual else a
    return sum(h)


def test_residual_connection_input_gradients_match_finite_differences():
    weights = [[[0.2, -0.1, 0.3], [0.05, 0.25, -0.2], [-0.3, 0.1, 0.15]] for _ in range(4)]
    weights[1][0][2] = -0.35
    x = [0.5, -0.4, 0.9]
    r = result("residual-connection", {"depth": 4, "width": 3, "weights": weights, "x": x})
    for key, residual in (("plain_input_grad", False), ("residual_input_grad", True)):
        numeric = central_gradient(lambda v, residual=residual: residual_loss(v, weights, residual), x)
        assert r[key] == pytest.approx(numeric, abs=1e-8), key
    # ∂L/∂h at the top is the all-ones vector, of norm √width, in both stacks.
    assert r["plain_grad_norm"][-1] == pytest.approx(math.sqrt(3))
    assert r["residual_grad_norm"][-1] == pytest.approx(math.sqrt(3))
    assert r["residual_grad_norm"][0] > r["plain_grad_norm"][0]


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
        (
            [[1, 2, 3], [4, 5, 6]],
            [[1] * 3] * 4,
            0,
            "kernel is 4x3 but the padded image is only 2x3.*kernel height 4 > 2",
        ),
        (
            [[1, 2, 3], [4, 5, 6]],
            [[1] * 6] * 4,
            1,
            "kernel is 4x6 but the padded image is only 4x5.*kernel width 6 > 5",
        ),
    ],
)
def test_conv2d_kernel_larger_than_padded_image(image, kernel, padding, message):
    with pytest.raises(DemoInputError, match=message):
        run_demo("conv2d", {"image": image, "kernel": kernel, "padding": padding})


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
    params = {
        "size": size,
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
        "channels": channels,
        "filters": filters,
    }
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
    [
        ([3, 3, 3, 2, 3, 3], [1, 1, 1, 2, 1, 1]),
        ([3, 3, 3], [1, 1, 1]),
        ([7, 3, 3, 3], [2, 2, 1, 2]),
        ([5, 1, 2], [1, 3, 2]),
    ],
)
def test_receptive_field_matches_brute_force(kernels, strides):
    result = run_demo("receptive-field-growth", {"kernels": kernels, "strides": strides}).result
    assert result["receptive_field"] == brute_receptive_fields(kernels, strides)
    assert result["jump"] == list(np.cumprod(strides))


def test_receptive_field_three_3x3_layers_see_7x7():
    assert run_demo("receptive-field-growth", {"kernels": [3, 3, 3], "strides": [1, 1, 1]}).result[
        "receptive_field"
    ] == [3, 5, 7]
    with pytest.raises(DemoInputError, match="kernels has 2 layers but strides has 3"):
        run_demo("receptive-field-growth", {"kernels": [3, 3], "strides": [1, 1, 1]})


def loop_dilated_conv(image, kernel, stride, padding, dilation):
    h, w = len(image), len(image[0])
    kh, kw = len(kernel), len(kernel[0])

    def pixel(r, c):
        r, c = r - padding, c - padding
        return image[r][c] if 0 <= r < h and 0 <= c < w else 0.0

    span_h, span_w = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    out, top = [], 0
    while top + span_h <= h + 2 * padding:
        row, left = [], 0
        while left + span_w <= w + 2 * padding:
            row.append(
                sum(kernel[a][b] * pixel(top + a * dilation, left + b * dilation) for a in range(kh) for b in range(kw))
            )
            left += stride
        out.append(row)
        top += stride
    return out


def impulse_reach(kernel, dilations):
    """Push a unit impulse back through 1-D stride-1 layers with all-ones kernels.

    Which input offsets reach the output?"""
    signal = [1.0]
    for dil in dilations:
        taps = [0.0] * ((kernel - 1) * dil + 1)
        taps[::dil] = [1.0] * kernel
        signal = list(np.convolve(signal, taps))
    reached = [i for i, v in enumerate(signal) if v > 0]
    return max(reached) - min(reached) + 1, len(reached)


def conv_matrix(out_shape, in_shape, kernel, stride, padding):
    """The strided, padded cross-correlation from in_shape to out_shape as an explicit matrix, built entry by entry."""
    rows, cols = out_shape[0] * out_shape[1], in_shape[0] * in_shape[1]
    m = [[0.0] * cols for _ in range(rows)]
    k = len(kernel)
    for i in range(out_shape[0]):
        for j in range(out_shape[1]):
            for u in range(k):
                for v in range(k):
                    r, c = i * stride + u - padding, j * stride + v - padding
                    if 0 <= r < in_shape[0] and 0 <= c < in_shape[1]:
                        m[i * out_shape[1] + j][r * in_shape[1] + c] += kernel[u][v]
    return m


@pytest.mark.parametrize("stride, padding, dilation", [(1, 0, 2), (2, 1, 2), (1, 3, 3), (3, 2, 1), (2, 0, 4)])
def test_dilated_conv_matches_a_loop_and_the_size_formula(stride, padding, dilation):
    rng = np.random.default_rng(stride * 10 + padding + dilation)
    image = np.round(rng.normal(size=(11, 10)), 2).tolist()
    kernel = np.round(rng.normal(size=(3, 3)), 2).tolist()
    got = result(
        "dilated-conv", {"image": image, "kernel": kernel, "stride": stride, "padding": padding, "dilation": dilation}
    )
    expected = loop_dilated_conv(image, kernel, stride, padding, dilation)
    assert close_arrays(got["feature_map"], expected)
    k_eff = 3 + 2 * (dilation - 1)
    assert got["effective_kernel"] == [k_eff, k_eff]
    assert got["output_shape"] == [(11 + 2 * padding - k_eff) // stride + 1, (10 + 2 * padding - k_eff) // stride + 1]


def test_dilated_conv_equals_conv2d_with_a_zero_filled_kernel():
    image = [[float((3 * r + 5 * c) % 7) for c in range(9)] for r in range(9)]
    kernel = [[1.0, -2.0], [0.5, 3.0]]
    spread = [[1.0, 0.0, 0.0, -2.0], [0.0] * 4, [0.0] * 4, [0.5, 0.0, 0.0, 3.0]]
    got = result("dilated-conv", {"image": image, "kernel": kernel, "dilation": 3, "stride": 2, "padding": 1})
    assert close_arrays(
        got["feature_map"], result("conv2d", {"image": image, "kernel": spread, "stride": 2, "padding": 1})
    )


@pytest.mark.parametrize("layers, dilation", [(1, 2), (3, 2), (4, 3), (5, 2)])
def test_dilated_conv_receptive_fields_by_impulse(layers, dilation):
    got = result("dilated-conv", {"layers": layers, "dilation": dilation})
    for depth in range(1, layers + 1):
        assert got["receptive_field_doubling"][depth - 1] == impulse_reach(3, [2**i for i in range(depth)])[0]
        assert got["receptive_field_plain"][depth - 1] == impulse_reach(3, [1] * depth)[0]
    span, covered = impulse_reach(3, [dilation] * layers)
    assert (got["same_dilation_span"], got["same_dilation_covered"]) == (span, covered)
    assert covered < span  # a repeated dilation above 1 leaves holes
    assert (
        impulse_reach(3, [2**i for i in range(layers)])[1] == got["receptive_field_doubling"][-1]
    )  # doubling leaves none


@pytest.mark.parametrize("c_in, c_out, k, size", [(3, 8, 3, 8), (1, 1, 1, 1), (16, 4, 5, 9), (32, 32, 7, 16)])
def test_conv_param_count_closed_forms(c_in, c_out, k, size):
    got = result("conv-param-count", {"in_channels": c_in, "out_channels": c_out, "kernel": k, "size": size})
    assert got["weights"] == c_out * c_in * k * k
    assert got["biases"] == c_out
    assert got["total"] == (k * k * c_in + 1) * c_out
    out = size - k + 1
    assert got["dense_total"] == (size * size * c_in + 1) * (out * out * c_out)
    assert got["bias_change_after_batch_norm"] < 1e-9


def test_one_by_one_conv_is_a_matrix_per_pixel():
    x = [[[1, 2], [3, 4]], [[0, -1], [2, 5]], [[3, 3], [-2, 1]]]
    w = [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]]
    got = result("one-by-one-conv", {"x": x, "weights": w, "channels": 256, "squeeze": 64})
    expected = [[[sum(w[o][c] * x[c][i][j] for c in range(3)) for j in range(2)] for i in range(2)] for o in range(2)]
    assert close_arrays(got["output"], expected)
    assert got["parameters"] == 2 * 3 + 2
    assert got["plain_3x3"] == 589_824
    assert got["bottleneck"] == 69_632  # the ResNet-50 block 256 -> 64 -> 64 -> 256
    assert got["ratio"] == pytest.approx(589_824 / 69_632)


@pytest.mark.parametrize("c_in, c_out, k, size", [(8, 16, 3, 10), (32, 64, 3, 6), (4, 4, 5, 7), (1, 3, 1, 2)])
def test_depthwise_separable_counts(c_in, c_out, k, size):
    got = result("depthwise-separable", {"in_channels": c_in, "out_channels": c_out, "kernel": k, "size": size})
    assert got["standard_params"] == k * k * c_in * c_out
    assert got["separable_params"] == k * k * c_in + c_in * c_out
    assert got["ratio"] == pytest.approx(1 / c_out + 1 / k**2, abs=1e-12)
    out = size - k + 1
    assert got["standard_macs"] == k * k * c_in * c_out * out * out
    assert got["separable_macs"] == (k * k * c_in + c_in * c_out) * out * out
    assert got["output_shape"] == [c_out, out, out]
    assert got["max_difference"] < 1e-9


@pytest.mark.parametrize(
    "n, k, stride, padding", [(3, 3, 2, 0), (4, 4, 2, 1), (3, 2, 2, 0), (2, 3, 1, 1), (3, 5, 3, 1)]
)
def test_transposed_conv_is_the_transpose_of_a_strided_conv(n, k, stride, padding):
    rng = np.random.default_rng(n * 100 + k * 10 + stride)
    x = np.round(rng.normal(size=(n, n)), 2).tolist()
    w = np.round(rng.normal(size=(k, k)), 2).tolist()
    got = result("transposed-conv", {"x": x, "kernel": w, "stride": stride, "padding": padding})
    size = (n - 1) * stride - 2 * padding + k
    assert got["output_size"] == [size, size]
    m = conv_matrix((n, n), (size, size), w, stride, padding)  # strided conv: size x size -> n x n
    flat_x = [v for row in x for v in row]
    transposed = [sum(m[r][c] * flat_x[r] for r in range(n * n)) for c in range(size * size)]
    assert close_arrays(got["output"], np.reshape(transposed, (size, size)))
    left, right = got["adjoint_check"]
    assert left == pytest.approx(right, abs=1e-9)


@pytest.mark.parametrize(
    "k, stride, levels", [(3, 2, [1, 2, 4]), (4, 2, [4]), (2, 2, [1]), (3, 1, [9]), (5, 3, [1, 2, 4])]
)
def test_transposed_conv_overlap_pattern(k, stride, levels):
    got = result(
        "transposed-conv", {"x": np.ones((5, 5)).tolist(), "kernel": np.ones((k, k)).tolist(), "stride": stride}
    )
    # per axis an interior pixel is covered by ceil or floor of k / stride stamps; the 2-D count is the product
    assert got["interior_levels"] == levels
    assert got["resize_conv_levels"] == [k * k]
