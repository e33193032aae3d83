"""CNN exercises: references against plain-Python loops; wrong variants are caught."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def conv_flipped(image, kernel, stride=1, padding=0):
    return reference("conv2d")(image, kernel[:, :, ::-1, ::-1], stride, padding)


def conv_pad_one_side(image, kernel, stride=1, padding=0):
    p = padding
    padded = np.pad(image, ((0, 0), (0, 0), (p, 0), (p, 0)))
    return reference("conv2d")(padded, kernel, stride, 0)


def conv_no_plus_one(image, kernel, stride=1, padding=0):
    out = reference("conv2d")(image, kernel, stride, padding)
    return out[:, :, :-1, :-1] if stride > 1 else out


def conv_pad_minus_one(image, kernel, stride=1, padding=0):
    return reference("conv2d")(image, kernel, stride, max(padding - 1, 0))


def pool_from_zero(x, size, stride):
    return np.maximum(reference("max_pool2d")(x, size, stride), 0.0)


def pool_stride_is_size(x, size, stride):
    return reference("max_pool2d")(x, size, size)


def pool_mean(x, size, stride):
    n, c, h, w = x.shape
    ho, wo = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.empty((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = x[:, :, i * stride : i * stride + size, j * stride : j * stride + size].mean(axis=(2, 3))
    return out


def im2col_channel_last(x, kh, kw, stride=1, padding=0):
    cols = reference("im2col")(x, kh, kw, stride, padding)
    c = x.shape[1]
    return cols.reshape(-1, c, kh * kw).transpose(0, 2, 1).reshape(cols.shape)


def im2col_columns_first(x, kh, kw, stride=1, padding=0):
    p = padding
    padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    n, c, h, w = padded.shape
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    rows = [
        padded[b, :, i * stride : i * stride + kh, j * stride : j * stride + kw].reshape(-1)
        for b in range(n)
        for j in range(wo)
        for i in range(ho)
    ]
    return np.array(rows)


def im2col_no_padding(x, kh, kw, stride=1, padding=0):
    return reference("im2col")(x, kh, kw, stride, 0)


def tconv_swapped_layout(x, kernel, stride=1):
    return reference("conv_transpose2d")(x, kernel.transpose(1, 0, 2, 3), stride)


def tconv_flipped(x, kernel, stride=1):
    return reference("conv_transpose2d")(x, kernel[:, :, ::-1, ::-1], stride)


def tconv_overwrite(x, kernel, stride=1):
    n, _, h, w = x.shape
    _, co, kh, kw = kernel.shape
    out = np.zeros((n, co, (h - 1) * stride + kh, (w - 1) * stride + kw))
    for i in range(h):
        for j in range(w):
            out[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw] = np.einsum(
                "nc,coab->noab", x[:, :, i, j], kernel
            )
    return out


WRONG = {
    "conv2d": [conv_flipped, conv_pad_one_side, conv_no_plus_one, conv_pad_minus_one],
    "max_pool2d": [pool_from_zero, pool_stride_is_size, pool_mean],
    "im2col": [im2col_channel_last, im2col_columns_first, im2col_no_padding],
    "conv_transpose2d": [tconv_swapped_layout, tconv_flipped, tconv_overwrite],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("cnn", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def plain_conv(image, kernel, stride, padding):
    """Six nested loops over plain lists."""
    n, c, h, w = len(image), len(image[0]), len(image[0][0]), len(image[0][0][0])
    co, kh, kw = len(kernel), len(kernel[0][0]), len(kernel[0][0][0])

    def at(b, ch, i, j):
        i, j = i - padding, j - padding
        return image[b][ch][i][j] if 0 <= i < h and 0 <= j < w else 0.0

    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    return [
        [
            [
                [
                    sum(
                        at(b, ch, i * stride + a, j * stride + d) * kernel[o][ch][a][d]
                        for ch in range(c)
                        for a in range(kh)
                        for d in range(kw)
                    )
                    for j in range(wo)
                ]
                for i in range(ho)
            ]
            for o in range(co)
        ]
        for b in range(n)
    ]


def test_conv2d_and_im2col_match_plain_loops():
    rng = np.random.default_rng(3)
    image, kernel = rng.normal(size=(2, 2, 5, 4)), rng.normal(size=(3, 2, 3, 2))
    expected = plain_conv(image.tolist(), kernel.tolist(), 2, 1)
    assert np.allclose(reference("conv2d")(image, kernel, 2, 1), expected)
    cols = reference("im2col")(image, 3, 2, 2, 1)
    via_cols = (cols @ kernel.reshape(3, -1).T).reshape(2, 3, 3, 3).transpose(0, 3, 1, 2)
    assert np.allclose(via_cols, expected)


def test_pool_and_transposed_conv_by_hand():
    x = np.array([[[[1.0, 5.0, 2.0], [3.0, -1.0, 0.0], [4.0, 2.0, 8.0]]]])
    assert reference("max_pool2d")(x, 2, 1).tolist() == [[[[5.0, 5.0], [4.0, 8.0]]]]
    # the transposed convolution is the adjoint of the convolution: <conv(a), b> = <a, convT(b)>
    rng = np.random.default_rng(4)
    a, kernel, b = rng.normal(size=(1, 2, 7, 7)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=(1, 3, 3, 3))
    left = np.sum(reference("conv2d")(a, kernel, 2) * b)
    right = np.sum(a * reference("conv_transpose2d")(b, kernel, 2))
    assert left == pytest.approx(right)
