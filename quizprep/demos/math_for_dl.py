"""Demos for the math topic: matrix products, one-hot vectors and Fourier transforms."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo
from quizprep.text import plural


def _small_ints(d: Demo, shape: tuple[int, ...]) -> np.ndarray:
    return d.rng.integers(-3, 6, size=shape).astype(float)


@demo("matmul")
def matmul(d: Demo, a=None, b=None):
    """Multiply two matrices, showing how one entry is a row times a column."""
    A = d.array("a", a, lambda: _small_ints(d, (2, 3)))
    B = d.array("b", b, lambda: _small_ints(d, (3, 2)))
    if A.ndim > 2 or B.ndim > 2:
        raise DemoInputError("a and b must be vectors or matrices (at most 2-D)")
    inner_a = A.shape[-1]
    inner_b = B.shape[0]
    if inner_a != inner_b:
        what_a = f"a has {plural(inner_a, 'column')}" if A.ndim == 2 else f"a has length {inner_a}"
        what_b = f"b has {plural(inner_b, 'row')}" if B.ndim == 2 else f"b has length {inner_b}"
        raise DemoInputError(
            f"cannot multiply a {A.shape} by b {B.shape}: {what_a} but {what_b}; "
            "the inner dimensions must match (a's columns = b's rows)"
        )
    d.show("A", A)
    d.show("B", B)
    C = A @ B
    if A.ndim == 2 and B.ndim == 2:
        d.say(f"A is {A.shape[0]}x{A.shape[1]} and B is {B.shape[0]}x{B.shape[1]}, so AB is {A.shape[0]}x{B.shape[1]}.")
        terms = " + ".join(f"{A[0, k]:g}·{B[k, 0]:g}" for k in range(inner_a))
        d.say(f"Entry (1, 1) is row 1 of A dotted with column 1 of B: {terms} = {C[0, 0]:g}.")
    d.show("AB", C)
    return C


def _shape_text(array: np.ndarray) -> str:
    return "x".join(str(n) for n in array.shape) if array.ndim else "scalar"


@demo("hadamard")
def hadamard(d: Demo, a=None, b=None):
    """Multiply two same-shaped matrices entry by entry."""
    A = d.array("a", a, lambda: _small_ints(d, (2, 2)))
    B = d.array("b", b, lambda: _small_ints(d, A.shape))
    if A.ndim > 2 or B.ndim > 2:
        raise DemoInputError("a and b must be vectors or matrices (at most 2-D)")
    if A.shape != B.shape:
        raise DemoInputError(
            f"a and b must have the same shape for an entry-by-entry product: a is {_shape_text(A)} "
            f"but b is {_shape_text(B)} (for the row-times-column product see the matmul demo)"
        )
    d.show("A", A)
    d.show("B", B)
    C = A * B
    first = (0,) * A.ndim
    d.say(
        f"Each entry is the product of the two entries in the same place, e.g. the first one is "
        f"{kit.factor_text(A[first])}·{kit.factor_text(B[first])} = {C[first]:g}; "
        f"the result keeps the shape {_shape_text(A)}."
    )
    d.show("A ⊙ B", C)
    if A.ndim == 2 and A.shape[0] == A.shape[1]:
        d.show(
            "AB (matrix product, for contrast)",
            A @ B,
            "Not the same thing: each entry of AB sums a row times a column.",
        )
    return C


@demo("transpose")
def transpose(d: Demo, a=None):
    """Swap the rows and columns of a matrix."""
    A = d.array("a", a, lambda: _small_ints(d, (2, 3)))
    if A.ndim == 0 or A.ndim > 2:
        raise DemoInputError(
            f"a must be a vector or a matrix like [[1, 2, 3], [4, 5, 6]]; got an array of shape {A.shape}"
        )
    if A.ndim == 1:
        d.say(f"A vector is read as a 1x{A.size} row, so its transpose is a {A.size}x1 column.")
        A = A.reshape(1, -1)
    rows, cols = A.shape
    d.show("A", A)
    T = A.T
    d.say(f"Rows become columns: A is {rows}x{cols}, so Aᵀ is {cols}x{rows}, and (Aᵀ)ᵢⱼ = Aⱼᵢ.")
    d.show("Aᵀ", T)
    if rows > 1 or cols > 1:
        i, j = rows - 1, 0
        d.say(f"For example entry ({j + 1}, {i + 1}) of Aᵀ is entry ({i + 1}, {j + 1}) of A: {A[i, j]:g}.")
    gram = A @ T
    d.show(
        "A Aᵀ", gram, "A Aᵀ is symmetric: (A Aᵀ)ᵀ = (Aᵀ)ᵀ Aᵀ = A Aᵀ, since a product's transpose reverses the order."
    )
    return T


@demo("one-hot")
def one_hot(d: Demo, labels=None, num_classes=None):
    """Turn class labels into one-hot rows."""
    if labels is None:  # draw labels for the given (or default) number of classes
        k = d.number("num_classes", num_classes, 4, low=1, high=1000, integer=True)
        y = d.array("labels", labels, lambda: d.rng.integers(0, k, size=6), ndim=1, integer=True)
    else:  # by default, as many classes as the largest label needs
        y = d.array("labels", labels, None, ndim=1, integer=True)
        if y.min() < 0:
            raise DemoInputError(f"labels must be whole numbers from 0 to num_classes - 1, not {int(y.min())}")
        k = d.number("num_classes", num_classes, int(y.max()) + 1, low=1, high=1000, integer=True)
    if y.max() >= k:
        raise DemoInputError(f"labels must lie in [0, num_classes) = [0, {k}); got {int(y.max())}")
    d.show("labels", y)
    Y = np.zeros((y.size, k))
    Y[np.arange(y.size), y] = 1.0
    d.say(f"Each label becomes a row of {k} zeros with a single 1 at the label's index.")
    d.show("one-hot rows", Y)
    d.say(
        "Unlike the integers themselves, the rows imply no order: any two different classes are "
        f"√2 ≈ {np.sqrt(2):.4g} apart, so class 0 is as far from class 1 as from class {k - 1}."
    )
    d.bars("column sums = examples per class", [f"class {c}" for c in range(k)], Y.sum(axis=0))
    return Y


@demo("fft-two-tone")
def fft_two_tone(d: Demo, frequencies=None, amplitudes=None, samples=None, noise=None):
    """An FFT picks out the two frequencies in a two-tone signal."""
    n = d.number("samples", samples, 64, low=8, high=4096, integer=True)
    # Draw the phases and the noise first, so the parameters' defaults never shift them.
    phases = d.rng.uniform(0, 2 * np.pi, size=2)
    white = d.rng.standard_normal(n)
    top = n // 2 - 1  # highest frequency below Nyquist
    freqs = d.array(
        "frequencies",
        frequencies,
        lambda: np.sort(d.rng.choice(np.arange(1, top + 1), size=2, replace=False)),
        ndim=1,
        integer=True,
    )
    if freqs.size != 2 or freqs[0] == freqs[1] or freqs.min() < 1 or freqs.max() > top:
        raise DemoInputError(
            f"frequencies must be two different whole numbers from 1 to {top} (below half of samples = {n})"
        )
    amps = d.array("amplitudes", amplitudes, lambda: np.round(d.rng.uniform(0.5, 2.0, size=2), 1), ndim=1)
    if amps.size != 2 or amps.min() <= 0:
        raise DemoInputError("amplitudes must be two positive numbers, like [1.0, 0.5]")
    sigma = d.number("noise", noise, 0.2, low=0.0, high=10.0)

    t = np.arange(n) / n  # one second sampled n times, so FFT bin k is k Hz
    x = sum(a * np.sin(2 * np.pi * f * t + p) for a, f, p in zip(amps, freqs, phases, strict=False)) + sigma * white
    d.say(
        f"Sample one second {n} times: {amps[0]:g}·sin(2π·{freqs[0]}t) + {amps[1]:g}·sin(2π·{freqs[1]}t) "
        f"with random phases, plus noise of standard deviation {sigma:g}."
    )
    d.series("signal x(t)", {"x": x}, x=t)
    spectrum = np.abs(np.fft.rfft(x)) / n
    spectrum[1:-1] *= 2  # one-sided amplitude: a sine of amplitude a shows up as a in its bin
    d.series("amplitude by frequency (Hz)", {"|X(f)|": spectrum}, x=np.arange(spectrum.size))
    order = np.argsort(spectrum[1 : top + 1])[::-1][:2] + 1
    peaks = np.sort(order)
    d.show("two largest peaks (Hz)", peaks)
    d.show(
        "their amplitudes",
        spectrum[peaks],
        "A sine of amplitude a puts height a in its frequency's bin; noise only adds a low floor.",
    )
    back = np.fft.irfft(np.fft.rfft(x), n)
    d.say(
        f"The inverse FFT rebuilds the signal to within {np.max(np.abs(back - x)):.1e}: "
        "nothing was lost, only re-expressed."
    )
    return {"frequencies": peaks, "amplitudes": spectrum[peaks], "spectrum": spectrum}


@demo("fft-convolution")
def fft_convolution(d: Demo, signal=None, kernel=None):
    """Convolution through the FFT matches direct convolution once both are zero-padded."""
    x = d.array("signal", signal, lambda: _small_ints(d, (8,)), ndim=1)
    h = d.array("kernel", kernel, lambda: _small_ints(d, (3,)), ndim=1)
    n, k = x.size, h.size
    if k > n:
        raise DemoInputError(f"kernel (length {k}) must not be longer than signal (length {n})")
    if n > 4096:
        raise DemoInputError(f"signal must have at most 4096 samples, not {n}")
    d.show("signal x", x)
    d.show("kernel h", h)
    direct = np.convolve(x, h)
    d.show(f"direct convolution (length n + k - 1 = {n + k - 1})", direct, f"About n·k = {n * k} multiply-adds.")
    size = n + k - 1
    padded = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)
    d.say(
        f"Zero-pad both to {size} samples, multiply their FFTs point by point, and transform back: "
        f"the largest difference from the direct result is {np.max(np.abs(padded - direct)):.1e}."
    )
    circular = np.fft.irfft(np.fft.rfft(x) * np.fft.rfft(h, n), n)
    d.show(f"without padding (length {n})", circular)
    if k > 1:
        d.say(
            f"Without padding the DFT gives circular convolution: the last {k - 1} output value(s) wrap around "
            f"and are added to the first {k - 1}, e.g. "
            f"{direct[0]:g} + {kit.factor_text(direct[n])} = {circular[0]:.4g}."
        )
    return {"direct": direct, "fft": padded, "circular": circular}
