"""Demos of convolution variants and what they cost: residual connections, dilated, 1x1, depthwise-separable
and transposed convolutions, and parameter counts."""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo
from quizprep.text import plural


def block_gradients(stack: np.ndarray, xs: np.ndarray, residual: bool) -> np.ndarray:
    """∂L/∂hₗ for l = 0 … depth, for h ← tanh(W h) or h ← h + tanh(W h), with L = sum of the last h."""
    hs, activations = [xs], []
    for W in stack:
        a = np.tanh(W @ hs[-1])
        activations.append(a)
        hs.append(hs[-1] + a if residual else a)
    grads = [np.ones_like(xs)]
    for layer in range(len(stack) - 1, -1, -1):
        through = stack[layer].T @ (grads[-1] * (1 - activations[layer] ** 2))
        grads.append(grads[-1] + through if residual else through)
    return np.array(grads[::-1])


@demo("residual-connection")
def residual_connection(d: Demo, depth=None, width=None, gain=None, weights=None, x=None):
    """Gradient size through a deep stack with and without skip connections."""
    gain = d.number("gain", gain, 0.5, low=0.0, high=10.0)
    depth, width, stack, xs = kit.read_stack(d, depth, width, weights, x, 30, 8, lambda n: gain / math.sqrt(n))
    d.say(
        f"{depth} layers of {width} tanh units with small weights "
        f"(std {gain:g}/√{width}): a plain stack h ← tanh(W·h), "
        "and a residual stack h ← h + tanh(W·h) with the same weights. The loss is the sum of the last h."
    )
    plain = block_gradients(stack, xs, residual=False)
    skip = block_gradients(stack, xs, residual=True)
    plain_norm, skip_norm = np.linalg.norm(plain, axis=1), np.linalg.norm(skip, axis=1)
    layers = np.arange(depth + 1)
    d.series(
        "log10 ‖∂L/∂h‖ by layer (0 = the input)",
        {"plain": kit.log10(plain_norm), "residual": kit.log10(skip_norm)},
        x=layers,
    )
    d.say(
        "A residual block's Jacobian is I + ∂F/∂h, so the backward pass always keeps the identity term; "
        "a plain layer's Jacobian is only ∂F/∂h, and small weights make it shrink the gradient every layer."
    )
    d.show("gradient norm reaching the input", {"plain": plain_norm[0], "residual": skip_norm[0]})
    d.say(
        f"At the input the plain stack's gradient is {plain_norm[0]:.2g}, the residual stack's {skip_norm[0]:.3g} "
        f"(the top layer gets {plain_norm[-1]:.3g} in both)."
    )
    return {
        "plain_grad_norm": plain_norm,
        "residual_grad_norm": skip_norm,
        "plain_input_grad": plain[0],
        "residual_input_grad": skip[0],
    }


SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]


def _paren(value: float) -> str:
    text = kit.fmt(value)
    return f"({text})" if text.startswith("-") else text


def effective_kernel(kernel: int, dilation: int) -> int:
    """The span of a dilated kernel: k taps with dilation - 1 gaps between neighbours."""
    return kernel + (kernel - 1) * (dilation - 1)


def conv_length(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    return (size + 2 * padding - effective_kernel(kernel, dilation)) // stride + 1


def dilated_conv2d(x: np.ndarray, w: np.ndarray, stride: int, padding: int, dilation: int) -> np.ndarray:
    """Cross-correlation with zero padding, stride and dilation, one kernel tap at a time."""
    xp = np.pad(x, padding)
    kh, kw = w.shape
    out_h = conv_length(x.shape[0], kh, stride, padding, dilation)
    out_w = conv_length(x.shape[1], kw, stride, padding, dilation)
    out = np.zeros((out_h, out_w))
    for a in range(kh):
        for b in range(kw):
            top, left = a * dilation, b * dilation
            out += (
                w[a, b]
                * xp[top : top + (out_h - 1) * stride + 1 : stride, left : left + (out_w - 1) * stride + 1 : stride]
            )
    return out


def spread_kernel(w: np.ndarray, dilation: int) -> np.ndarray:
    """The dilated kernel written out as an ordinary kernel with zeros in the gaps."""
    kh, kw = w.shape
    out = np.zeros((effective_kernel(kh, dilation), effective_kernel(kw, dilation)))
    out[::dilation, ::dilation] = w
    return out


def stack_offsets(kernel: int, dilations: list[int]) -> set[int]:
    """The input offsets (along one axis) that reach one output unit through stride-1 layers with these dilations."""
    offsets = {0}
    for dil in dilations:
        offsets = {o + j * dil for o in offsets for j in range(kernel)}
    return offsets


@demo("dilated-conv")
def dilated_conv(d: Demo, image=None, kernel=None, dilation=None, stride=None, padding=None, layers=None):
    """A dilated convolution: effective kernel, output size, and receptive fields of dilated stacks."""
    x = d.array("image", image, lambda: d.rng.integers(0, 5, size=(9, 9)), ndim=2)
    w = d.array("kernel", kernel, SOBEL_X, ndim=2)
    dil = d.number("dilation", dilation, 2, low=1, high=20, integer=True)
    stride = d.number("stride", stride, 1, low=1, high=20, integer=True)
    padding = d.number("padding", padding, 0, low=0, high=20, integer=True)
    layers = d.number("layers", layers, 4, low=1, high=10, integer=True)
    d.require(max(x.shape) <= 64, f"image is at most 64x64 in this demo; got {x.shape[0]}x{x.shape[1]}")
    d.require(max(w.shape) <= 11, f"kernel is at most 11x11 in this demo; got {w.shape[0]}x{w.shape[1]}")
    kh, kw = w.shape
    eh, ew = effective_kernel(kh, dil), effective_kernel(kw, dil)
    ph, pw = x.shape[0] + 2 * padding, x.shape[1] + 2 * padding
    d.require(
        eh <= ph and ew <= pw,
        f"with dilation {dil} the {kh}x{kw} kernel spans {eh}x{ew}, more than the padded image {ph}x{pw}; "
        "use a smaller dilation or more padding",
    )
    feature_map = dilated_conv2d(x, w, stride, padding, dil)
    out_h, out_w = feature_map.shape

    d.say(
        f"Dilation {dil} leaves {plural(dil - 1, 'gap')} between kernel taps, "
        f"so a {kh}-tap kernel spans k + (k - 1)(d - 1) = {kh} + {kh - 1}·{dil - 1} = {eh} pixels."
    )
    d.show(
        f"the {kh}x{kw} kernel spread over {eh}x{ew}",
        spread_kernel(w, dil),
        text=f"Still {kh * kw} weights: the zeros are gaps, not parameters.",
    )
    d.say(
        "Output height = floor((n + 2p - k_eff)/s) "
        f"+ 1 = floor(({x.shape[0]} + 2·{padding} - {eh})/{stride}) + 1 = {out_h}; width {out_w}."
    )
    d.show(f"image ({x.shape[0]}x{x.shape[1]})", x)
    d.show(f"feature map ({out_h}x{out_w})", feature_map)

    k = kh
    doubling = [2**i for i in range(layers)]
    doubling_fields = [1 + (k - 1) * (2 ** (i + 1) - 1) for i in range(layers)]
    plain_fields = [1 + (i + 1) * (k - 1) for i in range(layers)]
    d.series(
        f"receptive field of stacked stride-1 {k}-tap layers",
        {"dilations 1, 2, 4, ...": doubling_fields, "no dilation": plain_fields},
        x=list(range(1, layers + 1)),
        text=(
            f"With dilations {', '.join(map(str, doubling))} the field doubles each layer; "
            f"without, it grows by {k - 1}."
        ),
    )
    same = stack_offsets(k, [dil] * layers)
    span = max(same) - min(same) + 1
    d.say(
        f"Repeating dilation {dil} in all {layers} layers spans {span} pixels but reaches only {len(same)} of them"
        + (": the rest fall in the gaps (gridding), which the doubling schedule avoids." if len(same) < span else ".")
    )
    return {
        "effective_kernel": [eh, ew],
        "output_shape": [out_h, out_w],
        "feature_map": feature_map,
        "receptive_field_doubling": doubling_fields,
        "receptive_field_plain": plain_fields,
        "same_dilation_span": span,
        "same_dilation_covered": len(same),
    }


def conv_batch(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Valid stride-1 cross-correlation: x (batch, C_in, H, W), w (C_out, C_in, k, k) -> (batch, C_out, H', W')."""
    k = w.shape[-1]
    views = sliding_window_view(x, (k, k), axis=(2, 3))  # (batch, C_in, H', W', k, k)
    return np.einsum("bcijuv,ocuv->boij", views, w)


def batch_norm(y: np.ndarray) -> np.ndarray:
    """Training-mode batch norm per channel over batch and positions, no affine part."""
    mean = y.mean(axis=(0, 2, 3), keepdims=True)
    var = y.var(axis=(0, 2, 3), keepdims=True)
    return (y - mean) / np.sqrt(var + 1e-5)


@demo("conv-param-count")
def conv_param_count(d: Demo, in_channels=None, out_channels=None, kernel=None, size=None):
    """Counting a conv layer's weights and biases against a dense layer, and the bias batch norm makes redundant."""
    aux = d.side_rng()
    c_in = d.number("in_channels", in_channels, 3, low=1, high=32, integer=True)
    c_out = d.number("out_channels", out_channels, 8, low=1, high=32, integer=True)
    k = d.number("kernel", kernel, 3, low=1, high=7, integer=True)
    size = d.number("size", size, 8, low=1, high=16, integer=True)
    d.require(k <= size, f"kernel {k} does not fit in a {size}x{size} input; use size >= kernel")
    weights = c_out * c_in * k * k
    total = weights + c_out
    out = size - k + 1

    d.show(
        "weight tensor shape (C_out, C_in, k, k)",
        [c_out, c_in, k, k],
        text=f"{c_out}·{c_in}·{k}·{k} = {kit.thousands(weights)} weights, plus one bias per output channel: {c_out}.",
    )
    d.say(
        f"Total (k·k·C_in + 1)·C_out = ({k}·{k}·{c_in} + 1)·{c_out} = {kit.thousands(total)}, whatever the image size."
    )

    x = np.round(aux.normal(0.0, 1.0, size=(4, c_in, size, size)), 2)
    w = np.round(aux.normal(0.0, 0.5, size=(c_out, c_in, k, k)), 2)
    b = np.round(aux.normal(0.0, 1.0, size=c_out), 2)
    y = conv_batch(x, w) + b[None, :, None, None]
    patch = x[0, :, :k, :k]
    d.say(
        f"Output (channel 1, row 1, column 1) of image 1 reads {c_in}·{k}·{k} = {c_in * k * k} inputs and one bias: "
        f"Σ w·x + b = {kit.fmt(float((w[0] * patch).sum()))} + {_paren(b[0])} = {kit.fmt(y[0, 0, 0, 0])}; "
        f"all {out * out} positions reuse those weights."
    )

    n_in, n_out = size * size * c_in, out * out * c_out
    dense = (n_in + 1) * n_out
    d.bars(
        f"parameters to map {size}x{size}x{c_in} to {out}x{out}x{c_out}",
        ["this conv layer", "a dense layer"],
        [total, dense],
        text=(
            f"A dense layer needs (n_in + 1)·n_out = ({n_in} + 1)·{n_out} = {kit.thousands(dense)}: "
            "one weight per input-output pair plus a bias per output."
        ),
    )
    change = float(np.abs(batch_norm(y) - batch_norm(y - b[None, :, None, None])).max())
    d.say(
        "Batch norm subtracts each channel's mean, so the bias cancels: "
        f"with and without it the normalised outputs differ by at most {change:.1e}. "
        f"A conv followed by batch norm drops its bias and saves {c_out} parameters; the norm's β plays that role."
    )
    return {
        "weights": weights,
        "biases": c_out,
        "total": total,
        "dense_total": dense,
        "first_output": float(y[0, 0, 0, 0]),
        "bias_change_after_batch_norm": change,
    }


@demo("one-by-one-conv")
def one_by_one_conv(d: Demo, x=None, weights=None, channels=None, squeeze=None):
    """A 1x1 convolution mixes channels pixel by pixel; a bottleneck of them saves weights."""
    maps = d.array("x", x, lambda: d.rng.integers(0, 4, size=(3, 3, 3)))
    d.require(
        maps.ndim == 3, f"x must be a stack of maps (channels x height x width); got an array of shape {maps.shape}"
    )
    c_in, height, width = maps.shape
    W = d.array("weights", weights, lambda: np.round(d.rng.normal(0.0, 0.5, size=(2, c_in)), 1), ndim=2)
    d.require(
        W.shape[1] == c_in,
        f"weights has {W.shape[1]} columns but x has {c_in} channels: a 1x1 kernel holds one weight per input channel",
    )
    channels = d.number("channels", channels, 256, low=1, high=4096, integer=True)
    squeeze = d.number("squeeze", squeeze, 64, low=1, high=4096, integer=True)
    c_out = W.shape[0]

    out = np.einsum("oc,chw->ohw", W, maps)
    d.show(f"x ({c_in} channels of {height}x{width})", {f"channel {c + 1}": maps[c] for c in range(c_in)})
    d.show(f"1x1 kernels ({c_out} out x {c_in} in)", W)
    pixel = maps[:, 0, 0]
    d.say(
        f"At every pixel the {c_in} channel values form a vector; pixel (1, 1) "
        f"holds {kit.vec_text(pixel)} and W times it gives {kit.vec_text(W @ pixel)}."
    )
    d.show(
        f"output ({c_out} channels)",
        {f"channel {o + 1}": out[o] for o in range(c_out)},
        text="No neighbour is ever read: the spatial pattern is kept and only the channels are mixed.",
    )
    d.say(
        f"So a 1x1 conv is one dense layer shared by all {height * width} pixels, with {c_out}·{c_in} "
        f"+ {c_out} = {c_out * c_in + c_out} parameters; a ReLU after it adds a nonlinearity per pixel."
    )

    plain = 9 * channels * channels
    bottleneck = channels * squeeze + 9 * squeeze * squeeze + squeeze * channels
    d.bars(
        f"weights of a block on {channels} channels",
        [f"3x3, {channels} -> {channels}", f"1x1 -> {squeeze}, 3x3, 1x1 -> {channels}"],
        [plain, bottleneck],
        text=(
            f"9·{channels}² = {kit.thousands(plain)} against {channels}·{squeeze} + 9·{squeeze}² "
            f"+ {squeeze}·{channels} = {kit.thousands(bottleneck)} (biases left out)."
        ),
    )
    d.say(
        "The 1x1 layers squeeze the channels before the costly 3x3 and expand them after: "
        f"{plain / bottleneck:.1f} times fewer weights."
    )
    return {
        "output": np.round(out, 12),
        "parameters": c_out * c_in + c_out,
        "plain_3x3": plain,
        "bottleneck": bottleneck,
        "ratio": plain / bottleneck,
    }


@demo("depthwise-separable")
def depthwise_separable(d: Demo, in_channels=None, out_channels=None, kernel=None, size=None):
    """Depthwise-separable against standard convolution: parameters, multiply-adds, same output shape."""
    aux = d.side_rng()
    c_in = d.number("in_channels", in_channels, 8, low=1, high=64, integer=True)
    c_out = d.number("out_channels", out_channels, 16, low=1, high=64, integer=True)
    k = d.number("kernel", kernel, 3, low=1, high=7, integer=True)
    size = d.number("size", size, 10, low=1, high=16, integer=True)
    d.require(k <= size, f"kernel {k} does not fit in a {size}x{size} input; use size >= kernel")
    out = size - k + 1

    standard = k * k * c_in * c_out
    depthwise, pointwise = k * k * c_in, c_in * c_out
    separable = depthwise + pointwise
    ratio = separable / standard
    formula = 1 / c_out + 1 / (k * k)
    d.say(
        f"A standard {k}x{k} conv from {c_in} to {c_out} channels "
        f"has k²·C_in·C_out = {kit.thousands(standard)} weights. "
        f"The separable version filters each channel alone ({k}·{k}·{c_in} = {depthwise}) "
        f"and then mixes channels with a 1x1 conv ({c_in}·{c_out} = {pointwise})."
    )
    d.show(
        "separable / standard",
        ratio,
        text=f"= 1/C_out + 1/k² = 1/{c_out} + 1/{k * k} = {kit.fmt(formula)} (biases left out).",
    )
    macs_standard = standard * out * out
    macs_separable = separable * out * out
    d.bars(
        f"multiply-adds on a {size}x{size} input ({out}x{out} outputs)",
        ["standard", "depthwise-separable"],
        [macs_standard, macs_separable],
    )

    x = aux.normal(0.0, 1.0, size=(1, c_in, size, size))
    D = aux.normal(0.0, 1.0, size=(c_in, k, k))
    P = aux.normal(0.0, 1.0, size=(c_out, c_in))
    views = sliding_window_view(x, (k, k), axis=(2, 3))
    depth_out = np.einsum("bcijuv,cuv->bcij", views, D)
    sep_out = np.einsum("oc,bcij->boij", P, depth_out)
    std_out = conv_batch(x, aux.normal(0.0, 1.0, size=(c_out, c_in, k, k)))
    d.show(
        "output shapes: standard, separable",
        [list(std_out.shape[1:]), list(sep_out.shape[1:])],
        text="Same shape (C_out, H', W'): the separable block is a drop-in replacement.",
    )
    factored = P[:, :, None, None] * D[None, :, :, :]
    difference = float(np.abs(conv_batch(x, factored) - sep_out).max())
    d.say(
        "It equals a standard conv whose kernel for (out o, in c) "
        f"is P[o, c]·D[c]: the outputs agree to {difference:.1e}. "
        "So it is a restricted standard conv, cheaper because each kernel is a scaled copy of one per-channel filter."
    )
    return {
        "standard_params": standard,
        "separable_params": separable,
        "ratio": ratio,
        "formula_ratio": formula,
        "standard_macs": macs_standard,
        "separable_macs": macs_separable,
        "output_shape": list(sep_out.shape[1:]),
        "max_difference": difference,
    }


def transposed_conv2d(x: np.ndarray, w: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """Each input pixel adds x[i, j]·w into the output at (i·stride, j·stride); then `padding` is cropped from every
    side."""
    n_h, n_w = x.shape
    kh, kw = w.shape
    full = np.zeros(((n_h - 1) * stride + kh, (n_w - 1) * stride + kw))
    for i in range(n_h):
        for j in range(n_w):
            full[i * stride : i * stride + kh, j * stride : j * stride + kw] += x[i, j] * w
    return full[padding : full.shape[0] - padding, padding : full.shape[1] - padding]


def strided_conv2d(y: np.ndarray, w: np.ndarray, stride: int, padding: int) -> np.ndarray:
    views = sliding_window_view(np.pad(y, padding), w.shape)[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", views, w)


def interior(values: np.ndarray, margin: int) -> np.ndarray:
    return values[margin : values.shape[0] - margin, margin : values.shape[1] - margin]


@demo("transposed-conv")
def transposed_conv(d: Demo, x=None, kernel=None, stride=None, padding=None):
    """Upsampling with a transposed convolution: output size, overlapping stamps and checkerboards."""
    aux = d.side_rng()
    grid = d.array("x", x, lambda: d.rng.integers(1, 4, size=(3, 3)), ndim=2)
    w = d.array("kernel", kernel, np.ones((3, 3)), ndim=2)
    stride = d.number("stride", stride, 2, low=1, high=8, integer=True)
    padding = d.number("padding", padding, 0, low=0, high=8, integer=True)
    d.require(max(grid.shape) <= 16, f"x is at most 16x16 in this demo; got {grid.shape[0]}x{grid.shape[1]}")
    d.require(
        w.shape[0] == w.shape[1] and w.shape[0] <= 9,
        f"kernel must be square and at most 9x9; got {w.shape[0]}x{w.shape[1]}",
    )
    k = w.shape[0]
    n_h, n_w = grid.shape
    out_h, out_w = (n_h - 1) * stride + k - 2 * padding, (n_w - 1) * stride + k - 2 * padding
    d.require(
        out_h >= 1 and out_w >= 1,
        f"padding {padding} crops away the whole {(n_h - 1) * stride + k}-pixel output; use less padding",
    )

    up = transposed_conv2d(grid, w, stride, padding)
    d.show(f"x ({n_h}x{n_w})", grid)
    d.show(f"kernel ({k}x{k})", w)
    d.say(
        f"Output size O = (n - 1)·s - 2p + k = ({n_h} - 1)·{stride} "
        f"- 2·{padding} + {k} = {out_h} (height), {out_w} (width)."
    )
    d.say(
        "Each input pixel stamps its value times the kernel onto the output, "
        f"the stamps {plural(stride, 'pixel')} apart; where stamps overlap they add."
    )
    d.show(f"upsampled ({out_h}x{out_w})", up)

    ones = np.ones((n_h, n_w))
    flat = transposed_conv2d(ones, w, stride, 0)
    levels = sorted({round(float(v), 6) for v in interior(flat, k - 1).ravel()})
    d.show("a constant input of ones, upsampled the same way (before cropping)", flat)
    if len(levels) > 1:
        d.say(
            "Away from the border a flat input should give a flat output, "
            f"yet it alternates between {', '.join(kit.fmt(v) for v in levels)}: "
            f"with kernel {k} and stride {stride} the stamps overlap unevenly, the source of checkerboard artifacts."
        )
    elif levels:
        d.say(
            f"Away from the border the flat input stays flat at {kit.fmt(levels[0])}: "
            f"this kernel overlaps evenly (kernel {k}, stride {stride})."
        )
    else:
        d.say("This input is too small to have pixels away from the border; try a larger x to see the overlap pattern.")
    pad = (k - 1) // 2
    resized = np.kron(ones, np.ones((stride, stride)))
    smooth = strided_conv2d(resized, w, 1, pad)
    smooth_levels = sorted({round(float(v), 6) for v in interior(smooth, pad).ravel()})
    d.say(
        f"Resize-then-conv (nearest-neighbour upsampling by {stride}, "
        "then an ordinary conv with the same kernel) maps the flat input to "
        f"{', '.join(kit.fmt(v) for v in smooth_levels)} everywhere away from the border: "
        "no uneven overlap by construction."
    )

    y = np.round(aux.normal(0.0, 1.0, size=up.shape), 2)
    conv_y = strided_conv2d(y, w, stride, padding)
    left = float((conv_y * grid).sum()) if conv_y.shape == grid.shape else float("nan")
    right = float((y * up).sum())
    if conv_y.shape == grid.shape:
        d.say(
            f"It is the transpose of a stride-{stride} conv with the same kernel: "
            f"for a random y, ⟨conv(y), x⟩ = {kit.fmt(left)} and ⟨y, convT(x)⟩ = {kit.fmt(right)}."
        )
    return {
        "output": up,
        "output_size": [out_h, out_w],
        "interior_levels": levels,
        "resize_conv_levels": smooth_levels,
        "adjoint_check": [left, right],
    }
