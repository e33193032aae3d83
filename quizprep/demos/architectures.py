"""Demos: CNN arithmetic, attention and transformers (issue 9) (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from quizprep.demos.framework import Demo, DemoInputError, demo

SOBEL_X = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _int(value: float) -> str:
    return f"{int(value):,}"


def _paren(value: float) -> str:
    text = _fmt(value)
    return f"({text})" if text.startswith("-") else text


def _vec(values) -> str:
    return "[" + ", ".join(_fmt(v) for v in np.ravel(values)) + "]"


def side_rng(d: Demo) -> np.random.Generator:
    """A generator for randomness that is not a parameter, split off before any parameter is read,
    so that passing the reported parameters back in reproduces the same run."""
    return np.random.default_rng(int(d.rng.integers(2**63)))


def need(condition: bool, message: str) -> None:
    if not condition:
        raise DemoInputError(message)


def row_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def entropy(p: np.ndarray) -> np.ndarray:
    """Shannon entropy in nats of each row of p (0 log 0 = 0)."""
    safe = np.where(p > 0, p, 1.0)
    return -(p * np.log(safe)).sum(axis=-1)


# ---------------------------------------------------------------- convolution arithmetic


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
            out += w[a, b] * xp[top : top + (out_h - 1) * stride + 1 : stride, left : left + (out_w - 1) * stride + 1 : stride]
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
    x = d.array("image", image, lambda: d.rng.integers(0, 5, size=(9, 9)), ndim=2)
    w = d.array("kernel", kernel, SOBEL_X, ndim=2)
    dil = d.number("dilation", dilation, 2, low=1, high=20, integer=True)
    stride = d.number("stride", stride, 1, low=1, high=20, integer=True)
    padding = d.number("padding", padding, 0, low=0, high=20, integer=True)
    layers = d.number("layers", layers, 4, low=1, high=10, integer=True)
    need(max(x.shape) <= 64, f"image is at most 64x64 in this demo; got {x.shape[0]}x{x.shape[1]}")
    need(max(w.shape) <= 11, f"kernel is at most 11x11 in this demo; got {w.shape[0]}x{w.shape[1]}")
    kh, kw = w.shape
    eh, ew = effective_kernel(kh, dil), effective_kernel(kw, dil)
    ph, pw = x.shape[0] + 2 * padding, x.shape[1] + 2 * padding
    need(
        eh <= ph and ew <= pw,
        f"with dilation {dil} the {kh}x{kw} kernel spans {eh}x{ew}, more than the padded image {ph}x{pw}; "
        "use a smaller dilation or more padding",
    )
    feature_map = dilated_conv2d(x, w, stride, padding, dil)
    out_h, out_w = feature_map.shape

    d.say(f"Dilation {dil} leaves {dil - 1} gap{'s' if dil != 2 else ''} between kernel taps, so a {kh}-tap kernel spans k + (k - 1)(d - 1) = {kh} + {kh - 1}·{dil - 1} = {eh} pixels.")
    d.show(f"the {kh}x{kw} kernel spread over {eh}x{ew}", spread_kernel(w, dil), text=f"Still {kh * kw} weights: the zeros are gaps, not parameters.")
    d.say(f"Output height = floor((n + 2p - k_eff)/s) + 1 = floor(({x.shape[0]} + 2·{padding} - {eh})/{stride}) + 1 = {out_h}; width {out_w}.")
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
        text=f"With dilations {', '.join(map(str, doubling))} the field doubles each layer; without, it grows by {k - 1}.",
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
    aux = side_rng(d)
    c_in = d.number("in_channels", in_channels, 3, low=1, high=32, integer=True)
    c_out = d.number("out_channels", out_channels, 8, low=1, high=32, integer=True)
    k = d.number("kernel", kernel, 3, low=1, high=7, integer=True)
    size = d.number("size", size, 8, low=1, high=16, integer=True)
    need(k <= size, f"kernel {k} does not fit in a {size}x{size} input; use size >= kernel")
    weights = c_out * c_in * k * k
    total = weights + c_out
    out = size - k + 1

    d.show("weight tensor shape (C_out, C_in, k, k)", [c_out, c_in, k, k], text=f"{c_out}·{c_in}·{k}·{k} = {_int(weights)} weights, plus one bias per output channel: {c_out}.")
    d.say(f"Total (k·k·C_in + 1)·C_out = ({k}·{k}·{c_in} + 1)·{c_out} = {_int(total)}, whatever the image size.")

    x = np.round(aux.normal(0.0, 1.0, size=(4, c_in, size, size)), 2)
    w = np.round(aux.normal(0.0, 0.5, size=(c_out, c_in, k, k)), 2)
    b = np.round(aux.normal(0.0, 1.0, size=c_out), 2)
    y = conv_batch(x, w) + b[None, :, None, None]
    patch = x[0, :, :k, :k]
    d.say(
        f"Output (channel 1, row 1, column 1) of image 1 reads {c_in}·{k}·{k} = {c_in * k * k} inputs and one bias: "
        f"Σ w·x + b = {_fmt(float((w[0] * patch).sum()))} + {_paren(b[0])} = {_fmt(y[0, 0, 0, 0])}; all {out * out} positions reuse those weights."
    )

    n_in, n_out = size * size * c_in, out * out * c_out
    dense = (n_in + 1) * n_out
    d.bars(
        f"parameters to map {size}x{size}x{c_in} to {out}x{out}x{c_out}",
        ["this conv layer", "a dense layer"],
        [total, dense],
        text=f"A dense layer needs (n_in + 1)·n_out = ({n_in} + 1)·{n_out} = {_int(dense)}: one weight per input-output pair plus a bias per output.",
    )
    change = float(np.abs(batch_norm(y) - batch_norm(y - b[None, :, None, None])).max())
    d.say(
        f"Batch norm subtracts each channel's mean, so the bias cancels: with and without it the normalised outputs differ by at most {change:.1e}. "
        f"A conv followed by batch norm drops its bias and saves {c_out} parameters; the norm's β plays that role."
    )
    return {"weights": weights, "biases": c_out, "total": total, "dense_total": dense, "first_output": float(y[0, 0, 0, 0]), "bias_change_after_batch_norm": change}


@demo("one-by-one-conv")
def one_by_one_conv(d: Demo, x=None, weights=None, channels=None, squeeze=None):
    maps = d.array("x", x, lambda: d.rng.integers(0, 4, size=(3, 3, 3)))
    need(maps.ndim == 3, f"x must be a stack of maps (channels x height x width); got an array of shape {maps.shape}")
    c_in, height, width = maps.shape
    W = d.array("weights", weights, lambda: np.round(d.rng.normal(0.0, 0.5, size=(2, c_in)), 1), ndim=2)
    need(W.shape[1] == c_in, f"weights has {W.shape[1]} columns but x has {c_in} channels: a 1x1 kernel holds one weight per input channel")
    channels = d.number("channels", channels, 256, low=1, high=4096, integer=True)
    squeeze = d.number("squeeze", squeeze, 64, low=1, high=4096, integer=True)
    c_out = W.shape[0]

    out = np.einsum("oc,chw->ohw", W, maps)
    d.show(f"x ({c_in} channels of {height}x{width})", {f"channel {c + 1}": maps[c] for c in range(c_in)})
    d.show(f"1x1 kernels ({c_out} out x {c_in} in)", W)
    pixel = maps[:, 0, 0]
    d.say(f"At every pixel the {c_in} channel values form a vector; pixel (1, 1) holds {_vec(pixel)} and W times it gives {_vec(W @ pixel)}.")
    d.show(f"output ({c_out} channels)", {f"channel {o + 1}": out[o] for o in range(c_out)}, text="No neighbour is ever read: the spatial pattern is kept and only the channels are mixed.")
    d.say(f"So a 1x1 conv is one dense layer shared by all {height * width} pixels, with {c_out}·{c_in} + {c_out} = {c_out * c_in + c_out} parameters; a ReLU after it adds a nonlinearity per pixel.")

    plain = 9 * channels * channels
    bottleneck = channels * squeeze + 9 * squeeze * squeeze + squeeze * channels
    d.bars(
        f"weights of a block on {channels} channels",
        [f"3x3, {channels} -> {channels}", f"1x1 -> {squeeze}, 3x3, 1x1 -> {channels}"],
        [plain, bottleneck],
        text=f"9·{channels}² = {_int(plain)} against {channels}·{squeeze} + 9·{squeeze}² + {squeeze}·{channels} = {_int(bottleneck)} (biases left out).",
    )
    d.say(f"The 1x1 layers squeeze the channels before the costly 3x3 and expand them after: {plain / bottleneck:.1f} times fewer weights.")
    return {"output": np.round(out, 12), "parameters": c_out * c_in + c_out, "plain_3x3": plain, "bottleneck": bottleneck, "ratio": plain / bottleneck}


@demo("depthwise-separable")
def depthwise_separable(d: Demo, in_channels=None, out_channels=None, kernel=None, size=None):
    aux = side_rng(d)
    c_in = d.number("in_channels", in_channels, 8, low=1, high=64, integer=True)
    c_out = d.number("out_channels", out_channels, 16, low=1, high=64, integer=True)
    k = d.number("kernel", kernel, 3, low=1, high=7, integer=True)
    size = d.number("size", size, 10, low=1, high=16, integer=True)
    need(k <= size, f"kernel {k} does not fit in a {size}x{size} input; use size >= kernel")
    out = size - k + 1

    standard = k * k * c_in * c_out
    depthwise, pointwise = k * k * c_in, c_in * c_out
    separable = depthwise + pointwise
    ratio = separable / standard
    formula = 1 / c_out + 1 / (k * k)
    d.say(
        f"A standard {k}x{k} conv from {c_in} to {c_out} channels has k²·C_in·C_out = {_int(standard)} weights. "
        f"The separable version filters each channel alone ({k}·{k}·{c_in} = {depthwise}) and then mixes channels with a 1x1 conv ({c_in}·{c_out} = {pointwise})."
    )
    d.show("separable / standard", ratio, text=f"= 1/C_out + 1/k² = 1/{c_out} + 1/{k * k} = {_fmt(formula)} (biases left out).")
    macs_standard = standard * out * out
    macs_separable = separable * out * out
    d.bars(f"multiply-adds on a {size}x{size} input ({out}x{out} outputs)", ["standard", "depthwise-separable"], [macs_standard, macs_separable])

    x = aux.normal(0.0, 1.0, size=(1, c_in, size, size))
    D = aux.normal(0.0, 1.0, size=(c_in, k, k))
    P = aux.normal(0.0, 1.0, size=(c_out, c_in))
    views = sliding_window_view(x, (k, k), axis=(2, 3))
    depth_out = np.einsum("bcijuv,cuv->bcij", views, D)
    sep_out = np.einsum("oc,bcij->boij", P, depth_out)
    std_out = conv_batch(x, aux.normal(0.0, 1.0, size=(c_out, c_in, k, k)))
    d.show("output shapes: standard, separable", [list(std_out.shape[1:]), list(sep_out.shape[1:])], text="Same shape (C_out, H', W'): the separable block is a drop-in replacement.")
    factored = P[:, :, None, None] * D[None, :, :, :]
    difference = float(np.abs(conv_batch(x, factored) - sep_out).max())
    d.say(
        f"It equals a standard conv whose kernel for (out o, in c) is P[o, c]·D[c]: the outputs agree to {difference:.1e}. "
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
    """Each input pixel adds x[i, j]·w into the output at (i·stride, j·stride); then `padding` is cropped from every side."""
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
    aux = side_rng(d)
    grid = d.array("x", x, lambda: d.rng.integers(1, 4, size=(3, 3)), ndim=2)
    w = d.array("kernel", kernel, np.ones((3, 3)), ndim=2)
    stride = d.number("stride", stride, 2, low=1, high=8, integer=True)
    padding = d.number("padding", padding, 0, low=0, high=8, integer=True)
    need(max(grid.shape) <= 16, f"x is at most 16x16 in this demo; got {grid.shape[0]}x{grid.shape[1]}")
    need(w.shape[0] == w.shape[1] and w.shape[0] <= 9, f"kernel must be square and at most 9x9; got {w.shape[0]}x{w.shape[1]}")
    k = w.shape[0]
    n_h, n_w = grid.shape
    out_h, out_w = (n_h - 1) * stride + k - 2 * padding, (n_w - 1) * stride + k - 2 * padding
    need(out_h >= 1 and out_w >= 1, f"padding {padding} crops away the whole {(n_h - 1) * stride + k}-pixel output; use less padding")

    up = transposed_conv2d(grid, w, stride, padding)
    d.show(f"x ({n_h}x{n_w})", grid)
    d.show(f"kernel ({k}x{k})", w)
    d.say(f"Output size O = (n - 1)·s - 2p + k = ({n_h} - 1)·{stride} - 2·{padding} + {k} = {out_h} (height), {out_w} (width).")
    d.say(f"Each input pixel stamps its value times the kernel onto the output, the stamps {stride} pixel{'s' if stride > 1 else ''} apart; where stamps overlap they add.")
    d.show(f"upsampled ({out_h}x{out_w})", up)

    ones = np.ones((n_h, n_w))
    flat = transposed_conv2d(ones, w, stride, 0)
    levels = sorted({round(float(v), 6) for v in interior(flat, k - 1).ravel()})
    d.show("a constant input of ones, upsampled the same way (before cropping)", flat)
    if len(levels) > 1:
        d.say(
            f"Away from the border a flat input should give a flat output, yet it alternates between {', '.join(_fmt(v) for v in levels)}: "
            f"with kernel {k} and stride {stride} the stamps overlap unevenly, the source of checkerboard artifacts."
        )
    elif levels:
        d.say(f"Away from the border the flat input stays flat at {_fmt(levels[0])}: this kernel overlaps evenly (kernel {k}, stride {stride}).")
    else:
        d.say("This input is too small to have pixels away from the border; try a larger x to see the overlap pattern.")
    pad = (k - 1) // 2
    resized = np.kron(ones, np.ones((stride, stride)))
    smooth = strided_conv2d(resized, w, 1, pad)
    smooth_levels = sorted({round(float(v), 6) for v in interior(smooth, pad).ravel()})
    d.say(
        f"Resize-then-conv (nearest-neighbour upsampling by {stride}, then an ordinary conv with the same kernel) maps the flat input to "
        f"{', '.join(_fmt(v) for v in smooth_levels)} everywhere away from the border: no uneven overlap by construction."
    )

    y = np.round(aux.normal(0.0, 1.0, size=up.shape), 2)
    conv_y = strided_conv2d(y, w, stride, padding)
    left = float((conv_y * grid).sum()) if conv_y.shape == grid.shape else float("nan")
    right = float((y * up).sum())
    if conv_y.shape == grid.shape:
        d.say(f"It is the transpose of a stride-{stride} conv with the same kernel: for a random y, ⟨conv(y), x⟩ = {_fmt(left)} and ⟨y, convT(x)⟩ = {_fmt(right)}.")
    return {"output": up, "output_size": [out_h, out_w], "interior_levels": levels, "resize_conv_levels": smooth_levels, "adjoint_check": [left, right]}


# ---------------------------------------------------------------- attention


@demo("attention-scaling")
def attention_scaling(d: Demo, dims=None, keys=None, samples=None):
    aux = side_rng(d)
    widths = d.array("dims", dims, [4, 16, 64, 256, 512], ndim=1, integer=True)
    keys = d.number("keys", keys, 8, low=2, high=64, integer=True)
    samples = d.number("samples", samples, 1000, low=100, high=20000, integer=True)
    need(widths.min() >= 1 and widths.max() <= 4096, "dims must be head sizes between 1 and 4096")
    need(widths.size <= 8, f"at most 8 head sizes, not {widths.size}")
    need(samples * int(widths.sum()) <= 2_000_000, f"samples x sum(dims) = {samples * int(widths.sum()):,} is too much work; keep it under 2,000,000")

    var_raw, var_scaled, ent_raw, ent_scaled, top_raw, top_scaled, jac_raw, jac_scaled = ([] for _ in range(8))
    trials = 100
    for dk in widths:
        dk = int(dk)
        q = aux.standard_normal(size=(samples, dk))
        k = aux.standard_normal(size=(samples, dk))
        dots = np.einsum("ij,ij->i", q, k)
        var_raw.append(float(dots.var()))
        var_scaled.append(float((dots / math.sqrt(dk)).var()))
        query = aux.standard_normal(size=(trials, dk))
        key_set = aux.standard_normal(size=(trials, keys, dk))
        scores = np.einsum("td,tkd->tk", query, key_set)
        for scale, ents, tops, jacs in ((1.0, ent_raw, top_raw, jac_raw), (math.sqrt(dk), ent_scaled, top_scaled, jac_scaled)):
            p = row_softmax(scores / scale)
            ents.append(float(entropy(p).mean()))
            tops.append(float(p.max(axis=1).mean()))
            jacobian = np.einsum("ti,ij->tij", p, np.eye(keys)) - p[:, :, None] * p[:, None, :]
            jacs.append(float(np.sqrt((jacobian**2).sum(axis=(1, 2))).mean()))

    d.say("If query and key entries are independent with mean 0 and variance 1, q·k is a sum of d_k products of variance 1, so Var(q·k) = d_k.")
    d.show(f"d_k, Var(q·k), Var(q·k/√d_k) over {samples} pairs", np.column_stack([widths, np.round(var_raw, 2), np.round(var_scaled, 3)]))
    xs = [int(v) for v in widths]
    d.series(
        f"mean entropy of the softmax over {keys} keys (nats)",
        {"unscaled": ent_raw, "scaled by √d_k": ent_scaled},
        x=xs,
        text=f"The most spread-out weighting has entropy ln {keys} = {_fmt(math.log(keys))}; unscaled scores push it towards 0, a one-hot choice.",
    )
    d.series("mean largest weight", {"unscaled": top_raw, "scaled by √d_k": top_scaled}, x=xs)
    d.series(
        "mean size of the softmax Jacobian (Frobenius norm)",
        {"unscaled": jac_raw, "scaled by √d_k": jac_scaled},
        x=xs,
        text="A nearly one-hot softmax has a nearly zero Jacobian, so little gradient reaches the queries and keys.",
    )
    d.say(f"At d_k = {xs[-1]} the unscaled softmax puts {_fmt(top_raw[-1])} on its top key on average; dividing by √{xs[-1]} keeps it at {_fmt(top_scaled[-1])}, about where d_k = {xs[0]} was.")
    return {
        "dims": xs,
        "variance_raw": var_raw,
        "variance_scaled": var_scaled,
        "entropy_raw": ent_raw,
        "entropy_scaled": ent_scaled,
        "max_entropy": math.log(keys),
        "jacobian_norm_raw": jac_raw,
        "jacobian_norm_scaled": jac_scaled,
    }


def blockwise_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, block: int) -> tuple[np.ndarray, int]:
    """Exact softmax(QK^T/√d)V one block x block tile of scores at a time, with a running max and sum per query
    (the online softmax FlashAttention uses). Returns the output and the largest score tile held."""
    n, dim = Q.shape
    out = np.zeros((n, V.shape[1]))
    largest = 0
    for q0 in range(0, n, block):
        q = Q[q0 : q0 + block]
        running_max = np.full(len(q), -np.inf)
        running_sum = np.zeros(len(q))
        acc = np.zeros((len(q), V.shape[1]))
        for k0 in range(0, K.shape[0], block):
            tile = q @ K[k0 : k0 + block].T / math.sqrt(dim)
            largest = max(largest, tile.size)
            new_max = np.maximum(running_max, tile.max(axis=1))
            rescale = np.exp(running_max - new_max)
            e = np.exp(tile - new_max[:, None])
            running_sum = running_sum * rescale + e.sum(axis=1)
            acc = acc * rescale[:, None] + e @ V[k0 : k0 + block]
            running_max = new_max
        out[q0 : q0 + block] = acc / running_sum[:, None]
    return out, largest


@demo("attention-cost")
def attention_cost(d: Demo, lengths=None, heads=None, head_dim=None, bytes_per_value=None, n=None, block=None):
    aux = side_rng(d)
    ns = d.array("lengths", lengths, [512, 1024, 2048, 4096, 8192, 16384], ndim=1, integer=True)
    heads = d.number("heads", heads, 16, low=1, high=256, integer=True)
    head_dim = d.number("head_dim", head_dim, 64, low=1, high=1024, integer=True)
    width = d.number("bytes_per_value", bytes_per_value, 2, low=1, high=8, integer=True)
    n = d.number("n", n, 12, low=2, high=256, integer=True)
    block = d.number("block", block, 4, low=1, high=256, integer=True)
    need(ns.min() >= 1 and ns.size <= 12, "lengths must be at most 12 positive sequence lengths")

    lengths_list = [int(v) for v in ns]
    score_mib = [heads * m * m * width / 2**20 for m in lengths_list]
    qkv_mib = [3 * heads * m * head_dim * width / 2**20 for m in lengths_list]
    d.say(f"Each head scores every query against every key: an n x n matrix, so one layer holds heads·n²·bytes = {heads}·n²·{width} bytes of scores per sequence.")
    d.series("MiB per layer and sequence", {"score matrices": score_mib, "Q, K and V": qkv_mib}, x=lengths_list, text="Doubling n quadruples the scores but only doubles Q, K and V.")
    d.show(
        "n, score MiB, Q/K/V MiB",
        np.column_stack([lengths_list, np.round(score_mib, 2), np.round(qkv_mib, 2)]),
        text=f"Time grows the same way: QK^T and the weighted sum each take n²·{head_dim} multiply-adds per head.",
    )

    Q = aux.normal(size=(n, 4))
    K = aux.normal(size=(n, 4))
    V = aux.normal(size=(n, 4))
    full = row_softmax(Q @ K.T / 2.0) @ V
    tiled, largest = blockwise_attention(Q, K, V, block)
    difference = float(np.abs(full - tiled).max())
    d.say(
        f"The quadratic memory is not needed for an exact answer: with {n} tokens, tiles of {block} x {block} scores and a running max and sum per query "
        f"give the same output to {difference:.1e}, holding {largest} scores at a time instead of {n * n}."
    )
    d.say("That is FlashAttention's trick (done in fast on-chip memory); it keeps the n² arithmetic, whereas sparse, local or linear attention change the computation to cut it.")
    return {"lengths": lengths_list, "score_mib": score_mib, "qkv_mib": qkv_mib, "max_difference": difference, "largest_tile": largest, "full_entries": n * n}


class TinyDecoder:
    """A toy decoder: token plus position embeddings, single-head causal self-attention layers with residuals, a linear head.
    It counts the multiply-adds it performs."""

    def __init__(self, rng: np.random.Generator, vocab: int, dim: int, layers: int, max_len: int):
        self.E = rng.normal(size=(vocab, dim))
        self.P = rng.normal(scale=0.5, size=(max_len, dim))
        scale = 1 / math.sqrt(dim)
        self.W = [[rng.normal(scale=scale, size=(dim, dim)) for _ in range(4)] for _ in range(layers)]  # q, k, v, out
        self.U = rng.normal(scale=scale, size=(dim, vocab))
        self.dim, self.vocab = dim, vocab
        self.macs = 0

    def forward(self, tokens: list[int]) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Run the whole sequence with a causal mask; return the last position's logits and every layer's K and V."""
        t, dim = len(tokens), self.dim
        h = self.E[tokens] + self.P[:t]
        kv = []
        mask = np.triu(np.ones((t, t), dtype=bool), 1)
        for wq, wk, wv, wo in self.W:
            q, k, v = h @ wq, h @ wk, h @ wv
            scores = np.where(mask, -np.inf, q @ k.T / math.sqrt(dim))
            h = h + (row_softmax(scores) @ v) @ wo
            kv.append((k, v))
            self.macs += 4 * t * dim * dim + 2 * t * t * dim
        self.macs += dim * self.vocab
        return h[-1] @ self.U, kv

    def step(self, token: int, position: int, cache: list[list[np.ndarray]]) -> np.ndarray:
        """One new token: compute its own q, k, v per layer, append k and v to the cache, attend over the cache."""
        dim = self.dim
        h = self.E[token] + self.P[position]
        for layer, (wq, wk, wv, wo) in enumerate(self.W):
            q, k, v = h @ wq, h @ wk, h @ wv
            keys = np.vstack([cache[layer][0], k])
            values = np.vstack([cache[layer][1], v])
            cache[layer] = [keys, values]
            weights = row_softmax(keys @ q / math.sqrt(dim))
            h = h + (weights @ values) @ wo
            t = len(keys)
            self.macs += 4 * dim * dim + 2 * t * dim
        self.macs += dim * self.vocab
        return h @ self.U


@demo("kv-cache")
def kv_cache(d: Demo, prompt=None, steps=None, layers=None, dim=None, vocab=None, example=None):
    aux = side_rng(d)
    vocab = d.number("vocab", vocab, 16, low=2, high=1000, integer=True)
    tokens = d.array("prompt", prompt, lambda: d.rng.integers(0, vocab, size=3), ndim=1, integer=True)
    steps = d.number("steps", steps, 6, low=1, high=40, integer=True)
    layers = d.number("layers", layers, 2, low=1, high=8, integer=True)
    dim = d.number("dim", dim, 8, low=1, high=64, integer=True)
    config = d.array("example", example, [32, 32, 128, 2, 4096], ndim=1, integer=True)
    need(config.size == 5 and config.min() >= 1, "example is [layers, kv heads, head size, bytes per value, tokens], all positive")
    need(tokens.size <= 40, f"the prompt has at most 40 tokens, not {tokens.size}")
    bad = [int(t) for t in tokens if not 0 <= t < vocab]
    need(not bad, f"prompt tokens must lie between 0 and {vocab - 1}; got {bad[0] if bad else ''}")
    prompt_list = [int(t) for t in tokens]
    model = TinyDecoder(aux, vocab, dim, layers, len(prompt_list) + steps)

    seq, plain_tokens, plain_logits, plain_macs = list(prompt_list), [], [], []
    for _ in range(steps):
        before = model.macs
        logits, _ = model.forward(seq)
        plain_macs.append(model.macs - before)
        plain_logits.append(logits)
        seq.append(int(np.argmax(logits)))
        plain_tokens.append(seq[-1])

    cached_tokens, cached_logits, cached_macs = [], [], []
    before = model.macs
    logits, kv = model.forward(prompt_list)  # prefill: the prompt in one pass, keeping every layer's K and V
    cache = [[k, v] for k, v in kv]
    cached_macs.append(model.macs - before)
    for i in range(steps):
        if i:
            before = model.macs
            logits = model.step(cached_tokens[-1], len(prompt_list) + i - 1, cache)
            cached_macs.append(model.macs - before)
        cached_logits.append(logits)
        cached_tokens.append(int(np.argmax(logits)))
    difference = float(np.abs(np.array(plain_logits) - np.array(cached_logits)).max())

    d.say(f"A toy decoder ({layers} layers, width {dim}, {vocab} tokens) continues the prompt {prompt_list} greedily for {steps} steps, once recomputing everything and once with a cache.")
    d.show("generated tokens: without cache, with cache", [plain_tokens, cached_tokens], text=f"Identical; the logits differ by at most {difference:.1e}.")
    d.say("Causal masking means earlier positions never change when a token is added, so their keys and values can be stored instead of recomputed.")
    d.series("multiply-adds per generated token", {"recompute all": plain_macs, "with KV cache": cached_macs}, x=list(range(1, steps + 1)),
             text="Step 1 is the prefill of the prompt; after it each step projects one token and reads the cache.")
    d.say(f"Total: {_int(sum(plain_macs))} multiply-adds without the cache, {_int(sum(cached_macs))} with it ({sum(plain_macs) / sum(cached_macs):.1f} times fewer).")
    d.show("cache shape per layer: keys and values (tokens x width)", [layers, 2, len(cache[0][0]), dim])
    n_layers, kv_heads, head_size, width, context = (int(v) for v in config)
    per_token = 2 * n_layers * kv_heads * head_size * width
    total_mib = per_token * context / 2**20
    d.say(
        f"Memory per token = 2 (K and V)·layers·heads·head size·bytes = 2·{n_layers}·{kv_heads}·{head_size}·{width} = {_int(per_token)} bytes; "
        f"{_int(context)} tokens take {_fmt(total_mib)} MiB per sequence."
    )
    return {
        "tokens_without_cache": plain_tokens,
        "tokens_with_cache": cached_tokens,
        "max_logit_difference": difference,
        "macs_without_cache": plain_macs,
        "macs_with_cache": cached_macs,
        "bytes_per_token": per_token,
        "cache_mib": total_mib,
    }


def rope_angles(dim: int, base: float) -> np.ndarray:
    return base ** (-np.arange(0, dim, 2) / dim)


def rope_rotate(x: np.ndarray, position: float, theta: np.ndarray) -> np.ndarray:
    """Rotate each pair (x[2i], x[2i+1]) by the angle position·theta[i]."""
    angle = position * theta
    cos, sin = np.cos(angle), np.sin(angle)
    even, odd = x[0::2], x[1::2]
    out = np.empty_like(x, dtype=float)
    out[0::2] = even * cos - odd * sin
    out[1::2] = even * sin + odd * cos
    return out


def sinusoid(position: float, dim: int, base: float) -> np.ndarray:
    freqs = rope_angles(dim, base)
    pe = np.empty(dim)
    pe[0::2] = np.sin(position * freqs)
    pe[1::2] = np.cos(position * freqs)
    return pe


@demo("rope")
def rope(d: Demo, q=None, k=None, positions=None, shifts=None, base=None):
    qv = d.array("q", q, lambda: np.round(d.rng.normal(size=8), 1), ndim=1)
    kv = d.array("k", k, lambda: np.round(d.rng.normal(size=qv.size), 1), ndim=1)
    pos = d.array("positions", positions, [6, 2], ndim=1, integer=True)
    shifts = d.number("shifts", shifts, 8, low=1, high=200, integer=True)
    base = d.number("base", base, 10000.0, low=2.0, high=1e7)
    need(qv.size % 2 == 0, f"q must have an even length (RoPE rotates pairs of entries), not {qv.size}")
    need(kv.size == qv.size, f"q has {qv.size} entries but k has {kv.size}; they are dotted together")
    need(pos.size == 2, f"positions is [query position, key position], not {pos.size} numbers")
    dim = qv.size
    m, n = int(pos[0]), int(pos[1])
    theta = rope_angles(dim, base)

    d.say(f"RoPE cuts q and k into {dim // 2} pairs and rotates pair i by the angle position·θ_i, with θ_i = {_fmt(base) if base < 1e4 or base != int(base) else _int(base)}^(-2i/{dim}).")
    d.show("θ_i (radians per position)", theta)
    q_rot = rope_rotate(qv, m, theta)
    d.show(f"q, and q rotated for position {m}", np.vstack([qv, q_rot]), text=f"A rotation keeps the length: |q| = {_fmt(np.linalg.norm(qv))}, |R q| = {_fmt(np.linalg.norm(q_rot))}.")

    offsets = list(range(shifts + 1))
    rotary = [float(rope_rotate(qv, m + s, theta) @ rope_rotate(kv, n + s, theta)) for s in offsets]
    additive = [float((qv + sinusoid(m + s, dim, base)) @ (kv + sinusoid(n + s, dim, base))) for s in offsets]
    d.series(
        f"score of query at {m}+s and key at {n}+s, by shift s",
        {"RoPE": rotary, "added sinusoids": additive},
        x=offsets,
        text=f"RoPE's score stays {_fmt(rotary[0])} at every shift: it sees only the distance {m - n}. Adding encodings leaves terms that depend on the absolute positions.",
    )
    distances = list(range(-shifts, shifts + 1))
    by_distance = [float(rope_rotate(qv, r, theta) @ kv) for r in distances]
    d.series("RoPE score by relative distance m - n", {"q·k": by_distance}, x=distances)
    d.say("The rotation is applied to queries and keys in every layer (values are left alone), adds no parameters, and R_m q · R_n k = q · R_(n-m) k.")
    return {"theta": theta, "scores_by_shift": rotary, "additive_scores_by_shift": additive, "distances": distances, "scores_by_distance": by_distance}


@demo("weight-tying")
def weight_tying(d: Demo, vocab=None, dim=None, token=None, target=None, example=None):
    aux = side_rng(d)
    vocab = d.number("vocab", vocab, 8, low=2, high=200, integer=True)
    dim = d.number("dim", dim, 4, low=1, high=64, integer=True)
    token = d.number("token", token, lambda: int(d.rng.integers(vocab)), low=0, high=vocab - 1, integer=True)
    target = d.number("target", target, lambda: int(d.rng.integers(vocab)), low=0, high=vocab - 1, integer=True)
    sizes = d.array("example", example, [50257, 768], ndim=1, integer=True)
    need(sizes.size == 2 and sizes.min() >= 1, "example is [vocabulary size, model width], both positive")
    E = np.round(aux.normal(size=(vocab, dim)), 2)
    W = aux.normal(scale=1 / math.sqrt(dim), size=(dim, dim))

    untied, tied = 2 * vocab * dim, vocab * dim
    big_v, big_d = (int(v) for v in sizes)
    d.say(f"Untied, the input embedding and the output projection are two {vocab} x {dim} matrices ({untied} weights); tied, one matrix E serves both ({tied}).")
    d.say(f"At GPT-2 small's scale ({_int(big_v)} tokens, width {big_d}) tying saves {_int(big_v * big_d)} parameters.")
    d.show(f"E ({vocab} x {dim})", E)
    x = E[token]
    h = np.tanh(W @ x)
    logits = E @ h
    p = row_softmax(logits)
    d.show(f"hidden state h after reading token {token}", h)
    d.show("logits = E h", logits, text="Logit j is the dot product of h with token j's own embedding: the model predicts tokens whose vectors point where h points.")
    d.bars("next-token probabilities", [f"token {j}" for j in range(vocab)], p)

    delta = p.copy()
    delta[target] -= 1.0
    output_grad = np.outer(delta, h)  # dL/dE through the logits
    input_grad = np.zeros_like(E)
    input_grad[token] = W.T @ ((1 - h**2) * (E.T @ delta))  # dL/dE through the lookup
    rows_out = int((np.abs(output_grad).sum(axis=1) > 0).sum())
    rows_in = int((np.abs(input_grad).sum(axis=1) > 0).sum())
    d.say(
        f"With target {target}, the output side sends a gradient to {rows_out} of {vocab} rows of E, the lookup to just {rows_in} (row {token}); "
        "tied, every token's vector learns at every step, rare ones included."
    )
    return {
        "untied_params": untied,
        "tied_params": tied,
        "saved": tied,
        "example_saved": big_v * big_d,
        "embedding": E,
        "hidden": h,
        "logits": logits,
        "output_grad": output_grad,
        "rows_updated_output": rows_out,
        "rows_updated_input": rows_in,
    }


# ---------------------------------------------------------------- tokenization

BPE_WORDS = ["low", "lower", "lowest", "new", "newer", "newest", "wide", "wider", "widest"]
BPE_UNSEEN = ["slowest", "renewer", "zest"]
END = "_"


def apply_merge(symbols: list[str], pair: tuple[str, str]) -> list[str]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def learn_bpe(counts: dict[str, int], merges: int) -> tuple[list[tuple[str, str]], list[int], dict[str, list[str]], list[int], list[int]]:
    """Greedy BPE: repeatedly merge the most frequent adjacent pair (ties: the alphabetically first pair)."""
    words = {w: list(w) + [END] for w in counts}
    vocab = {s for symbols in words.values() for s in symbols}
    learned, pair_counts, vocab_sizes, totals = [], [], [len(vocab)], [sum(len(words[w]) * c for w, c in counts.items())]
    for _ in range(merges):
        pairs: Counter = Counter()
        for w, c in counts.items():
            symbols = words[w]
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] += c
        if not pairs or max(pairs.values()) == 0:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        learned.append(best)
        pair_counts.append(pairs[best])
        words = {w: apply_merge(s, best) for w, s in words.items()}
        vocab.add(best[0] + best[1])
        vocab_sizes.append(len(vocab))
        totals.append(sum(len(words[w]) * c for w, c in counts.items()))
    return learned, pair_counts, words, vocab_sizes, totals


def encode(word: str, learned: list[tuple[str, str]], alphabet: set[str]) -> list[str]:
    symbols = [ch if ch in alphabet else "[UNK]" for ch in word] + [END]
    for pair in learned:
        symbols = apply_merge(symbols, pair)
    return symbols


@demo("bpe-merges")
def bpe_merges(d: Demo, counts=None, merges=None):
    freq = d.array("counts", counts, [5, 2, 3, 6, 3, 4, 3, 2, 2], ndim=1, integer=True)
    merges = d.number("merges", merges, 10, low=1, high=40, integer=True)
    need(freq.size == len(BPE_WORDS), f"counts gives one frequency for each of the {len(BPE_WORDS)} words {', '.join(BPE_WORDS)}; got {freq.size} numbers")
    need(freq.min() >= 0 and freq.max() <= 1000 and freq.sum() > 0, "counts must be whole numbers between 0 and 1000, not all zero")
    corpus = {w: int(c) for w, c in zip(BPE_WORDS, freq) if c > 0}
    learned, pair_counts, words, vocab_sizes, totals = learn_bpe(corpus, merges)
    alphabet = {ch for w in corpus for ch in w} | {END}

    d.bars("word counts in the tiny corpus", list(corpus), list(corpus.values()))
    d.say(f"Start from characters plus an end-of-word mark '{END}': a vocabulary of {vocab_sizes[0]} symbols. Each round merges the adjacent pair seen most often, weighted by word count.")
    d.bars("merges in order, with their counts", [f"{i + 1}. {a} + {b}" for i, (a, b) in enumerate(learned)], pair_counts)
    d.series("as merges are learned", {"vocabulary size": vocab_sizes, "tokens in the corpus": totals}, x=list(range(len(vocab_sizes))),
             text="Every merge adds one symbol and shortens the text: a larger vocabulary means shorter sequences.")
    d.say("Words now split as: " + "; ".join(f"{w} → {' '.join(words[w])}" for w in corpus) + ".")
    unseen = {w: encode(w, learned, alphabet) for w in BPE_UNSEEN}
    d.say(
        "Unseen words reuse the learned pieces: " + "; ".join(f"{w} → {' '.join(s)}" for w, s in unseen.items())
        + ". A letter never seen in training becomes [UNK]; byte-level BPE starts from the 256 bytes, so nothing is ever unknown."
    )
    return {
        "merges": [f"{a}+{b}" for a, b in learned],
        "merge_counts": pair_counts,
        "vocab_sizes": vocab_sizes,
        "corpus_tokens": totals,
        "tokenized": {w: words[w] for w in corpus},
        "unseen": unseen,
    }
