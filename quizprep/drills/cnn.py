"""Drills for the cnn topic: convolution output sizes, parameter counts, pooling and receptive fields."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, num, pick, rows


@drill("conv-output-size")
def conv_output_size(rng: np.random.Generator) -> Problem:
    """Convolution output size with stride and padding"""
    size = pick(rng, [28, 32, 37, 48, 56, 64, 96, 112, 128, 224, 227])
    k = pick(rng, [1, 2, 3, 5, 7, 11])
    s = pick(rng, [1, 2, 3, 4])
    pad = pick(rng, [0, 1, 2, 3])
    out = (size + 2 * pad - k) // s + 1
    return Problem(
        prompt=(
            f"A convolution with a {k}×{k} kernel, stride {s} and zero padding {pad} on every side is applied "
            f"to a {size}×{size} input. What is the output's height? (whole number)"
        ),
        answer=[float(out)],
        solution=[
            "out = floor((n + 2p - k) / s) + 1",
            f"= floor(({size} + 2·{pad} - {k}) / {s}) + 1 = floor({num((size + 2 * pad - k) / s, 5)}) + 1 = {out}",
        ],
        **EXACT,
        params={"size": size, "kernel": k, "stride": s, "padding": pad},
    )


@drill("conv-param-count")
def conv_param_count(rng: np.random.Generator) -> Problem:
    """Parameters of a conv layer with bias"""
    c_in = pick(rng, [1, 3, 8, 16, 32, 64])
    c_out = pick(rng, [8, 16, 32, 64, 128])
    k = pick(rng, [1, 3, 5, 7])
    size = pick(rng, [28, 32, 64, 224])
    weights = k * k * c_in * c_out
    total = weights + c_out
    return Problem(
        prompt=(
            f"A Conv2d layer maps {c_in} input channels to {c_out} output channels with {k}×{k} kernels and a bias, "
            f"on {size}×{size} images. How many trainable parameters does it have? (whole number)"
        ),
        answer=[float(total)],
        solution=[
            f"weights = k·k·C_in·C_out = {k}·{k}·{c_in}·{c_out} = {weights}; biases = C_out = {c_out}",
            f"total = {weights} + {c_out} = {total} (the image size does not matter)",
        ],
        **EXACT,
        params={"in_channels": c_in, "out_channels": c_out, "kernel": k, "image_size": size},
    )


@drill("maxpool-values")
def maxpool_values(rng: np.random.Generator) -> Problem:
    """Max pooling a small feature map"""
    n, stride = pick(rng, [(4, 2), (3, 1)])
    x = rng.integers(0, 10, size=(n, n))
    windows = [[x[r * stride : r * stride + 2, c * stride : c * stride + 2] for c in range(2)] for r in range(2)]
    out = [[int(w.max()) for w in row] for row in windows]
    lines = [
        f"output row {r + 1}: "
        + ", ".join(f"max({', '.join(str(int(v)) for v in w.ravel())}) = {out[r][c]}" for c, w in enumerate(windows[r]))
        for r in range(2)
    ]
    return Problem(
        prompt=(
            f"Max pooling with a 2×2 window, stride {stride} and no padding is applied to the {n}×{n} input "
            f"{rows(x)} (rows top to bottom). The output is 2×2: "
            "give its 4 values row by row (top left, top right, bottom left, bottom right). "
            f"(whole numbers)"
        ),
        answer=[float(v) for row in out for v in row],
        solution=[f"output size = ({n} - 2) / {stride} + 1 = 2; each output takes the max of one 2×2 window", *lines],
        **EXACT,
        params={"x": x.tolist(), "stride": stride},
    )


@drill("dilated-conv-output-size")
def dilated_conv_output_size(rng: np.random.Generator) -> Problem:
    """Output size of a dilated convolution"""
    size = pick(rng, [56, 64, 65, 100, 128, 129, 224, 257])
    k = pick(rng, [3, 5, 7])
    dil = pick(rng, [2, 3, 4, 6])
    s = pick(rng, [1, 1, 2, 3])
    pad = pick(rng, [0, 1, 2, 4, 6])
    eff = k + (k - 1) * (dil - 1)
    span = size + 2 * pad - eff
    out = span // s + 1
    return Problem(
        prompt=(
            f"A {k}×{k} convolution with dilation {dil}, stride {s} and zero padding {pad} on every side is applied "
            f"to a {size}×{size} input. What is the output's height? (whole number)"
        ),
        answer=[float(out)],
        solution=[
            f"effective kernel = k + (k - 1)(d - 1) = {k} + {k - 1}·{dil - 1} = {eff}",
            f"out = floor((n + 2p - k_eff) / s) + 1 = floor(({size} + 2·{pad} - {eff}) / {s}) + 1",
            f"= floor({num(span / s, 5)}) + 1 = {out}",
        ],
        **EXACT,
        params={"size": size, "kernel": k, "dilation": dil, "stride": s, "padding": pad},
    )


@drill("depthwise-separable-params")
def depthwise_separable_params(rng: np.random.Generator) -> Problem:
    """Weights of a standard and a depthwise-separable conv"""
    c_in = pick(rng, [16, 24, 32, 64, 128])
    c_out = pick(rng, [32, 48, 64, 128, 256])
    k = pick(rng, [3, 5])
    standard = k * k * c_in * c_out
    depthwise, pointwise = k * k * c_in, c_in * c_out
    separable = depthwise + pointwise
    return Problem(
        prompt=(
            f"A standard {k}×{k} convolution maps {c_in} channels to {c_out}. "
            "How many weights does it have, and how many "
            f"does a depthwise-separable replacement ({k}×{k} depthwise, then 1×1 pointwise) have? Ignore biases. "
            f"(whole numbers)"
        ),
        answer=[float(standard), float(separable)],
        solution=[
            f"standard = k·k·C_in·C_out = {k}·{k}·{c_in}·{c_out} = {standard:,}",
            f"depthwise = k·k·C_in = {depthwise:,}; pointwise = C_in·C_out = {pointwise:,}; separable = {separable:,}",
            f"ratio = {separable:,} / {standard:,} = {separable / standard:.4f} = 1/{c_out} + 1/{k * k}",
        ],
        **EXACT,
        params={"in_channels": c_in, "out_channels": c_out, "kernel": k},
    )


@drill("transposed-conv-output-size")
def transposed_conv_output_size(rng: np.random.Generator) -> Problem:
    """Output size of a transposed convolution"""
    size = pick(rng, [4, 7, 8, 13, 14, 16, 28, 32])
    k, s, pad = pick(rng, [(4, 2, 1), (3, 2, 1), (2, 2, 0), (3, 1, 1), (5, 2, 2), (4, 4, 0), (3, 3, 0), (5, 3, 1)])
    extra = pick(rng, [0, 0, 1]) if s > 1 else 0
    out = (size - 1) * s - 2 * pad + k + extra
    return Problem(
        prompt=(
            f"A transposed convolution with a {k}×{k} kernel, stride {s}, padding {pad} and output padding {extra} "
            f"(no dilation) is applied to a {size}×{size} feature map. What is the output's height? (whole number)"
        ),
        answer=[float(out)],
        solution=[
            "out = (n - 1)·s - 2p + k + output_padding",
            f"= ({size} - 1)·{s} - 2·{pad} + {k} + {extra} = {(size - 1) * s} - {2 * pad} + {k} + {extra} = {out}",
        ],
        **EXACT,
        params={"size": size, "kernel": k, "stride": s, "padding": pad, "output_padding": extra},
    )


@drill("receptive-field-stack")
def receptive_field_stack(rng: np.random.Generator) -> Problem:
    """Receptive field of a stack of strided layers"""
    count = int(rng.integers(3, 6))
    layers = [pick(rng, [(3, 1), (3, 1), (3, 2), (2, 2), (5, 1), (5, 2), (7, 2), (1, 1)]) for _ in range(count)]
    if all(s == 1 for _, s in layers):
        layers[1] = (3, 2)
    field, jump = 1, 1
    fields, jumps = [field], [jump]
    for k, s in layers:
        field += (k - 1) * jump
        jump *= s
        fields.append(field)
        jumps.append(jump)
    shown = ", ".join(f"({k}, {s})" for k, s in layers)
    return Problem(
        prompt=(
            "Layers with no dilation are applied in this order, "
            f"given as (kernel, stride): {shown}. How many input pixels "
            f"wide is the receptive field of one unit of the last layer? (whole number)"
        ),
        answer=[float(field)],
        solution=[
            "start r = 1, j = 1; for each layer r ← r + (k - 1)·j, then j ← j·s",
            "r: " + " → ".join(str(v) for v in fields),
            "j: " + " → ".join(str(v) for v in jumps) + f"; the receptive field is {field} pixels wide",
        ],
        **EXACT,
        params={"layers": [[k, s] for k, s in layers]},
    )
