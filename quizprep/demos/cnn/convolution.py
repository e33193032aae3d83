"""Demos of the convolution itself: a kernel sliding over an image, pooling, flattening, output sizes and
receptive fields."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo
from quizprep.text import plural

# The 4 x 4 map of the max-pooling and average-pooling bank items.
BANK_MAP = [[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]]


VERTICAL_EDGE = [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]


def output_length(size: int, kernel: int, stride: int, padding: int = 0) -> int:
    """floor((size + 2 padding - kernel) / stride) + 1, the length along one axis."""
    return (size + 2 * padding - kernel) // stride + 1


def windows(x: np.ndarray, height: int, width: int, stride: int) -> np.ndarray:
    """Every height x width window of x, starting every `stride` rows and columns.

    Shape (out_h, out_w, height, width)."""
    return sliding_window_view(x, (height, width))[::stride, ::stride]


def _edge_image(d: Demo) -> np.ndarray:
    """A 5 x 6 image, dark on the left and bright on the right, with small random texture."""
    image = d.rng.integers(0, 3, size=(5, 6)).astype(float)
    image[:, 3:] += 6
    return image


@demo("conv2d")
def conv2d(d: Demo, image=None, kernel=None, stride=None, padding=None):
    """Slide a kernel over an image (cross-correlation, stride, zero padding)."""
    x = d.array("image", image, lambda: _edge_image(d), ndim=2)
    w = d.array("kernel", kernel, VERTICAL_EDGE, ndim=2)
    stride = d.number("stride", stride, 1, low=1, high=100, integer=True)
    padding = d.number("padding", padding, 0, low=0, high=100, integer=True)
    height, width = x.shape
    kh, kw = w.shape
    padded_h, padded_w = height + 2 * padding, width + 2 * padding
    if kh > padded_h or kw > padded_w:
        too_big = f"kernel height {kh} > {padded_h}" if kh > padded_h else f"kernel width {kw} > {padded_w}"
        raise DemoInputError(
            f"the kernel is {kh}x{kw} but the padded image is only {padded_h}x{padded_w} "
            f"(image {height}x{width} plus padding {padding} on each side): {too_big}; "
            "use a smaller kernel or more padding"
        )
    padded = np.pad(x, padding)  # zeros all round
    feature_map = np.einsum("ijkl,kl->ij", windows(padded, kh, kw, stride), w)

    d.show(f"image ({height}x{width})", x)
    d.show(f"kernel ({kh}x{kw})", w)
    if padding:
        d.show(f"image with {plural(padding, 'ring')} of zeros", padded)
    out_h, out_w = feature_map.shape
    d.say(
        f"Output size: height floor(({height} + 2·{padding} - {kh})/{stride}) + 1 = {out_h}, "
        f"width floor(({width} + 2·{padding} - {kw})/{stride}) + 1 = {out_w}."
    )
    patch = padded[:kh, :kw]
    if kh * kw <= 9:
        terms = " + ".join(f"{kit.fmt(w[a, b])}·{kit.fmt(patch[a, b])}" for a in range(kh) for b in range(kw))
        d.say(
            "Entry (1, 1) lays the kernel, unflipped, "
            f"on the top-left window and sums the products: {terms} = {kit.fmt(feature_map[0, 0])}."
        )
    else:
        d.say(
            "Entry (1, 1) lays the kernel, unflipped, "
            f"on the top-left window and sums the {kh * kw} products: {kit.fmt(feature_map[0, 0])}."
        )
    d.show(
        f"feature map ({out_h}x{out_w})",
        feature_map,
        text=f"The window moves {plural(stride, 'pixel')} at a time.",
    )
    top = np.unravel_index(np.argmax(feature_map), feature_map.shape)
    d.say(
        f"The same {kh * kw} weights are used at all {out_h * out_w} positions; the strongest response, "
        f"{kit.fmt(feature_map[top])} at ({top[0] + 1}, {top[1] + 1}), "
        "marks where the image looks most like the kernel."
    )
    return feature_map


def _pooling_params(d: Demo, x, size, stride) -> tuple[np.ndarray, int, int]:
    grid = d.array("x", x, BANK_MAP, ndim=2)
    size = d.number("size", size, 2, low=1, high=100, integer=True)
    stride = d.number("stride", stride, size, low=1, high=100, integer=True)
    height, width = grid.shape
    if size > height or size > width:
        side = f"height {height}" if size > height else f"width {width}"
        raise DemoInputError(
            f"a {size}x{size} window does not fit in x of shape {height}x{width}: "
            f"size {size} > {side}; pooling uses no padding"
        )
    return grid, size, stride


def _size_sentence(shape: tuple[int, int], size: int, stride: int) -> str:
    height, width = shape
    out_h, out_w = output_length(height, size, stride), output_length(width, size, stride)
    overlap = " Windows overlap because the stride is smaller than the window." if stride < size else ""
    return (
        f"A {size}x{size} window every {plural(stride, 'step')} gives floor(({height} - "
        f"{size})/{stride}) + 1 = {out_h} rows and floor(({width} - {size})/{stride}) + 1 = {out_w} columns.{overlap}"
    )


@demo("max-pool")
def max_pool(d: Demo, x=None, size=None, stride=None):
    """Take the maximum of each pooling window of a feature map."""
    grid, size, stride = _pooling_params(d, x, size, stride)
    views = windows(grid, size, size, stride)
    pooled = views.max(axis=(2, 3))
    d.show("x", grid)
    d.say(_size_sentence(grid.shape, size, stride))
    first = grid[:size, :size]
    d.say(
        f"The top-left window holds {', '.join(kit.fmt(v) for v in first.ravel())}; "
        f"its largest value, {kit.fmt(pooled[0, 0])}, is kept."
    )
    d.show("max-pooled", pooled)
    wins = np.zeros_like(grid, dtype=int)
    for i in range(pooled.shape[0]):
        for j in range(pooled.shape[1]):
            a, b = np.unravel_index(np.argmax(views[i, j]), (size, size))
            wins[i * stride + a, j * stride + b] += 1
    d.show(
        "windows each entry wins",
        wins,
        text=(
            "In backpropagation only these winners receive gradient; "
            "every other entry gets zero, and there are no weights to learn."
        ),
    )
    return pooled


@demo("avg-pool")
def avg_pool(d: Demo, x=None, size=None, stride=None):
    """Average pooling of a feature map."""
    grid, size, stride = _pooling_params(d, x, size, stride)
    views = windows(grid, size, size, stride)
    pooled = views.mean(axis=(2, 3))
    d.show("x", grid)
    d.say(_size_sentence(grid.shape, size, stride))
    first = grid[:size, :size]
    d.say(
        f"The top-left window holds {', '.join(kit.fmt(v) for v in first.ravel())}; "
        f"their mean is {kit.fmt(pooled[0, 0])}."
    )
    d.show(
        "average-pooled",
        pooled,
        text=f"Each input in a window gets 1/{size * size} of that window's gradient, so every entry learns.",
    )
    d.show(
        "max-pooled, for comparison",
        views.max(axis=(2, 3)),
        text="Max pooling keeps only the strongest response in each window.",
    )
    overall = float(grid.mean())
    d.show(
        "global average pool",
        overall,
        text=f"Averaging the whole {grid.shape[0]}x{grid.shape[1]} map leaves one number per channel.",
    )
    return {"pooled": pooled, "global_average": overall}


@demo("flatten")
def flatten(d: Demo, x=None, units=None):
    """Flatten a stack of feature maps into one vector for a dense layer."""
    stack = d.array("x", x, lambda: d.rng.integers(0, 10, size=(2, 2, 3)).astype(float))
    units = d.number("units", units, 4, low=1, high=100000, integer=True)
    if stack.ndim == 2:
        stack = stack[np.newaxis]
    if stack.ndim != 3:
        raise DemoInputError(
            "x must be a stack of feature maps (channels x height x width) "
            f"or one map; got an array of shape {stack.shape}"
        )
    channels, height, width = stack.shape
    vector = stack.reshape(-1)
    length = vector.size
    d.show(f"feature maps ({channels} x {height} x {width})", {f"channel {c + 1}": stack[c] for c in range(channels)})
    d.say(
        "Flattening reads channel 1 row by row, then channel 2, and so on: "
        f"{channels}·{height}·{width} = {length} values, none changed."
    )
    d.show(f"flattened ({length})", vector)
    c, i, j = channels - 1, height - 1, 0
    position = c * height * width + i * width + j
    d.say(
        f"Entry (channel {c + 1}, row {i + 1}, column {j + 1}) = {kit.fmt(stack[c, i, j])} "
        f"lands at position {position + 1} = {c}·{height * width} + {i}·{width} + {j} + 1."
    )
    weights = length * units + units
    d.say(
        f"Flatten has no parameters, but a dense layer of {units} units "
        f"after it needs {length}·{units} + {units} = {weights} of them."
    )
    return {"vector": vector, "length": length, "dense_parameters": weights}


@demo("conv-output-size")
def conv_output_size(d: Demo, size=None, kernel=None, stride=None, padding=None, channels=None, filters=None):
    """Output size of a convolution from input size, kernel, stride and padding."""
    size = d.number("size", size, 32, low=1, high=100000, integer=True)
    kernel = d.number("kernel", kernel, 5, low=1, high=100000, integer=True)
    stride = d.number("stride", stride, 1, low=1, high=100000, integer=True)
    padding = d.number("padding", padding, 0, low=0, high=100000, integer=True)
    channels = d.number("channels", channels, 3, low=1, high=100000, integer=True)
    filters = d.number("filters", filters, 6, low=1, high=100000, integer=True)
    if kernel > size + 2 * padding:
        raise DemoInputError(
            f"kernel {kernel} is larger than the padded input {size} "
            f"+ 2·{padding} = {size + 2 * padding}; no window fits"
        )
    out = output_length(size, kernel, stride, padding)
    span = size - kernel + 2 * padding
    d.say(f"O = floor((W - K + 2P)/S) + 1 = floor(({size} - {kernel} + 2·{padding})/{stride}) + 1 = {out}.")
    if span % stride:
        d.say(
            f"{span} is not a multiple of {stride}, so the last {plural(span % stride, 'column')} "
            "of the padded input never start a window: floor drops them."
        )
    d.show(
        "output shape (height, width, depth)",
        [out, out, filters],
        text=f"The depth is the number of kernels, {filters}, not the input's {channels} channels.",
    )
    params = kernel * kernel * channels * filters + filters
    d.say(
        f"Parameters: {kernel}·{kernel}·{channels}·{filters} weights "
        f"+ {filters} biases = {params}, whatever the image size."
    )
    strides = sorted({1, 2, 3, 4, stride})
    d.bars(
        "output width by stride",
        [f"stride {s}" for s in strides],
        [output_length(size, kernel, s, padding) for s in strides],
    )
    if kernel % 2 == 1:
        d.say(f"With stride 1, 'same' padding P = (K - 1)/2 = {(kernel - 1) // 2} keeps the width at {size}.")
    return {"output_size": out, "output_shape": [out, out, filters], "parameters": params}


@demo("receptive-field-growth")
def receptive_field_growth(d: Demo, kernels=None, strides=None):
    """The receptive field of stacked 3x3 convolutions, strides and pooling, layer by layer."""
    ks = d.array("kernels", kernels, [3, 3, 3, 2, 3, 3], ndim=1, integer=True)
    ss = d.array("strides", strides, [1, 1, 1, 2, 1, 1], ndim=1, integer=True)
    if len(ks) != len(ss):
        raise DemoInputError(f"kernels has {len(ks)} layers but strides has {len(ss)}; give one stride per layer")
    if len(ks) > 50:
        raise DemoInputError(f"at most 50 layers, not {len(ks)}")
    if ks.min() < 1 or ss.min() < 1:
        raise DemoInputError("kernel sizes and strides must be at least 1")
    field, jump = 1, 1
    fields, jumps = [], []
    for k, s in zip(ks, ss, strict=False):
        field += (int(k) - 1) * jump  # k - 1 more input steps, each `jump` pixels apart
        jump *= int(s)
        fields.append(field)
        jumps.append(jump)
    layers = np.arange(1, len(ks) + 1)
    d.say(
        "Each layer adds (k - 1) steps of its input, and one step of that input spans `jump` pixels: "
        "r ← r + (k - 1)·jump, then jump ← jump·stride."
    )
    d.show("per layer: kernel, stride, jump, receptive field", np.column_stack([ks, ss, jumps, fields]))
    d.series(
        "receptive field width by layer", {"this stack": fields, "3x3 stride-1 layers only": 1 + 2 * layers}, x=layers
    )
    run = 0
    while run < len(ks) and ss[run] == 1 and ks[run] == ks[0]:
        run += 1
    k0 = int(ks[0])
    if run >= 2 and k0 > 1:
        r = fields[run - 1]
        d.say(
            f"The first {run} stride-1 {k0}x{k0} layers see {r}x{r}, as one {r}x{r} kernel would, "
            f"with {run * k0 * k0} instead of {r * r} weights per channel pair and {run - 1} extra nonlinearities."
        )
    growth = f"; past the strides each later layer adds (k - 1)·{jumps[-1]} pixels, not k - 1" if jumps[-1] > 1 else ""
    d.say(f"After {len(ks)} layers one unit sees {fields[-1]}x{fields[-1]} input pixels{growth}.")
    return {"receptive_field": fields, "jump": jumps}
