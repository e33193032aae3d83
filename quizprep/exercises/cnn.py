"""Exercises for the cnn topic: 2-D convolution, max pooling, im2col and transposed convolution."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "conv2d",
    items=["convolutional-layer", "conv-output-size", "conv-parameter-sharing"],
    difficulty=2,
    hints=[
        "Output size: H_out = (H + 2·padding - kH) // stride + 1, and the same for the width.",
        "Pad with zeros on all four sides first: np.pad(image, ((0, 0), (0, 0), (p, p), (p, p))).",
        "Output (n, o, i, j) is the sum of the window padded[n, :, i·s : i·s+kH, j·s : j·s+kW] times kernel[o]; "
        "the kernel is not flipped (cross-correlation).",
    ],
)
def conv2d(image, kernel, stride=1, padding=0):
    """2-D convolution of a batch, as deep-learning frameworks compute it (cross-correlation: no kernel flip).

    image: float array (N, C_in, H, W). kernel: float array (C_out, C_in, kH, kW). No bias.
    stride: step between windows (both directions). padding: zeros added on all four sides (may exceed the kernel).
    Returns a float array (N, C_out, H_out, W_out), H_out = (H + 2·padding - kH) // stride + 1 (W likewise), with
    out[n, o, i, j] = sum over c, a, b of padded[n, c, i·stride + a, j·stride + b] · kernel[o, c, a, b].
    Do not change the inputs.
    """
    p = padding
    padded = np.pad(image, ((0, 0), (0, 0), (p, p), (p, p)))
    n, _, h, w = padded.shape
    c_out, _, kh, kw = kernel.shape
    h_out, w_out = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, c_out, h_out, w_out), dtype=np.result_type(image, kernel))
    for i in range(h_out):
        for j in range(w_out):
            window = padded[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", window, kernel)
    return out


@hidden_tests("conv2d")
def conv2d_tests(rng):
    return [
        Case(
            "3x3 on 4x4",
            (normal(rng, 1, 1, 4, 4), normal(rng, 1, 1, 3, 3)),
            hint="slide the kernel without flipping it",
        ),
        Case(
            "asymmetric kernel",
            (np.arange(16.0).reshape(1, 1, 4, 4), np.array([[[[1.0, 0.0], [0.0, -1.0]]]])),
            hint="cross-correlation: kernel[0, 0] meets the window's top-left (no flip)",
        ),
        Case(
            "channels in and out",
            (normal(rng, 2, 3, 5, 6), normal(rng, 4, 3, 3, 2)),
            hint="sum over the input channels; one output map per kernel",
        ),
        Case(
            "stride 2",
            (normal(rng, 1, 2, 7, 7), normal(rng, 3, 2, 3, 3)),
            {"stride": 2},
            hint="H_out = (H + 2p - k) // stride + 1",
        ),
        Case(
            "padding 1",
            (normal(rng, 2, 1, 4, 5), normal(rng, 2, 1, 3, 3)),
            {"padding": 1},
            hint="pad p zeros on each side, top and bottom, left and right",
        ),
        Case(
            "padding larger than the kernel",
            (normal(rng, 1, 1, 2, 3), normal(rng, 1, 1, 2, 2)),
            {"padding": 3},
            hint="the output grows by 2·padding: windows may hold only zeros",
        ),
        Case(
            "stride and padding",
            (normal(rng, 2, 2, 6, 5), normal(rng, 2, 2, 3, 3)),
            {"stride": 2, "padding": 1},
            hint="pad first, then step by the stride",
        ),
    ]


@exercise(
    "max_pool2d",
    items=["max-pooling", "conv-output-size"],
    difficulty=1,
    hints=[
        "H_out = (H - size) // stride + 1: windows that do not fit are dropped.",
        "Output (n, c, i, j) is the max of x[n, c, i·stride : i·stride+size, j·stride : j·stride+size].",
    ],
)
def max_pool2d(x, size, stride):
    """Max pooling over square windows of each channel, without padding.

    x: float array (N, C, H, W). size: the window's height and width. stride: step between windows.
    Returns a float array (N, C, H_out, W_out) with H_out = (H - size) // stride + 1 (W likewise); windows may
    overlap when stride < size. Do not change x.
    """
    n, c, h, w = x.shape
    h_out, w_out = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.empty((n, c, h_out, w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size].max(axis=(2, 3))
    return out


@hidden_tests("max_pool2d")
def max_pool2d_tests(rng):
    return [
        Case("2x2 stride 2", (np.arange(16.0).reshape(1, 1, 4, 4), 2, 2), hint="the maximum of each 2x2 block"),
        Case(
            "negative values",
            (-np.abs(normal(rng, 2, 3, 4, 4)) - 1.0, 2, 2),
            hint="start from the window's values, not from 0",
        ),
        Case("odd size, dropped edge", (normal(rng, 1, 2, 5, 7), 2, 2), hint="(H - size) // stride + 1 windows"),
        Case("overlapping windows", (normal(rng, 2, 1, 5, 5), 3, 1), hint="stride 1 with size 3: windows overlap"),
        Case("stride larger than size", (normal(rng, 1, 1, 7, 7), 2, 3), hint="step by the stride, not the size"),
    ]


@exercise(
    "im2col",
    items=["convolutional-layer", "conv-parameter-sharing"],
    difficulty=3,
    hints=[
        "One row per output position, ordered by (n, i, j); one column per kernel entry, ordered by (c, a, b).",
        "Pad first, then copy padded[n, :, i·s : i·s+kh, j·s : j·s+kw].reshape(-1) into row (n·H_out + i)·W_out + j.",
        "Check: im2col(x) @ kernel.reshape(C_out, -1).T, reshaped and transposed, equals the convolution.",
    ],
)
def im2col(x, kh, kw, stride=1, padding=0):
    """Unfold every convolution window of a batch into one row of a matrix (so convolution is a matrix product).

    x: float array (N, C, H, W). kh, kw: window height and width. stride, padding: as in conv2d (zero padding on
    all four sides). With H_out = (H + 2·padding - kh) // stride + 1 (W_out likewise), returns a float array
    (N·H_out·W_out, C·kh·kw): row (n·H_out + i)·W_out + j holds the window at output position (i, j) of image n,
    flattened in (c, a, b) order, i.e. padded[n, :, i·stride : i·stride + kh, j·stride : j·stride + kw].reshape(-1).
    Do not change x.
    """
    p = padding
    padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    n, c, h, w = padded.shape
    h_out, w_out = (h - kh) // stride + 1, (w - kw) // stride + 1
    cols = np.empty((n, h_out, w_out, c * kh * kw), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            cols[:, i, j, :] = padded[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw].reshape(n, -1)
    return cols.reshape(n * h_out * w_out, c * kh * kw)


@hidden_tests("im2col")
def im2col_tests(rng):
    return [
        Case("one channel", (np.arange(9.0).reshape(1, 1, 3, 3), 2, 2), hint="row per window, read row by row"),
        Case("two channels", (normal(rng, 1, 2, 3, 4), 2, 2), hint="columns in (channel, row, column) order"),
        Case("batch and stride", (normal(rng, 2, 3, 5, 5), 3, 3), {"stride": 2}, hint="rows ordered by (n, i, j)"),
        Case("padding", (normal(rng, 1, 1, 3, 3), 3, 3), {"padding": 1}, hint="pad with zeros on all four sides"),
        Case(
            "rectangular window",
            (normal(rng, 2, 2, 4, 5), 2, 3),
            {"stride": 1, "padding": 1},
            hint="kh rows and kw columns per window",
        ),
    ]


@exercise(
    "conv_transpose2d",
    items=["transposed-conv-output-size", "checkerboard-artifacts", "upsampling-methods"],
    difficulty=3,
    hints=[
        "Output size without padding: (H - 1)·stride + kH, and the same for the width.",
        "Each input pixel x[n, c, i, j] adds x[n, c, i, j]·kernel[c, o] into the output block starting at "
        "(i·stride, j·stride): scatter and add, where convolution gathers.",
        "The kernel's layout is (C_in, C_out, kH, kW): the first axis meets the input channels.",
    ],
)
def conv_transpose2d(x, kernel, stride=1):
    """2-D transposed convolution ("deconvolution") without padding, as PyTorch's ConvTranspose2d computes it.

    x: float array (N, C_in, H, W). kernel: float array (C_in, C_out, kH, kW) (input channels first). No bias.
    Returns a float array (N, C_out, (H - 1)·stride + kH, (W - 1)·stride + kW) where every input pixel scatters:
    out[n, o, i·stride + a, j·stride + b] += sum over c of x[n, c, i, j] · kernel[c, o, a, b]. Do not change the inputs.
    """
    n, _, h, w = x.shape
    _, c_out, kh, kw = kernel.shape
    out = np.zeros((n, c_out, (h - 1) * stride + kh, (w - 1) * stride + kw), dtype=np.result_type(x, kernel))
    for i in range(h):
        for j in range(w):
            block = np.einsum("nc,coab->noab", x[:, :, i, j], kernel)
            out[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw] += block
    return out


@hidden_tests("conv_transpose2d")
def conv_transpose2d_tests(rng):
    return [
        Case(
            "one pixel", (np.array([[[[2.0]]]]), np.arange(4.0).reshape(1, 1, 2, 2)), hint="a pixel stamps the kernel"
        ),
        Case("stride 1 overlap", (normal(rng, 1, 1, 3, 3), normal(rng, 1, 1, 2, 2)), hint="overlapping stamps add up"),
        Case(
            "stride 2",
            (normal(rng, 2, 2, 3, 2), normal(rng, 2, 3, 3, 3)),
            {"stride": 2},
            hint="(H - 1)·stride + kH rows",
        ),
        Case(
            "channels",
            (normal(rng, 1, 3, 2, 2), normal(rng, 3, 2, 2, 2)),
            {"stride": 2},
            hint="kernel[c, o]: input channel first, then output channel",
        ),
        Case(
            "asymmetric kernel",
            (normal(rng, 1, 1, 2, 3), normal(rng, 1, 1, 2, 3)),
            {"stride": 3},
            hint="no flip, and no overlap when stride ≥ kernel size",
        ),
    ]
