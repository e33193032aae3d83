"""Drills of the cnn topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from tests.helpers.drills import hand_formula_test


def dilated_conv_output_size(p):
    span = (p["kernel"] - 1) * p["dilation"] + 1
    return [math.floor((p["size"] + 2 * p["padding"] - span) / p["stride"]) + 1]


def depthwise_separable_params(p):
    c_in, c_out, k = p["in_channels"], p["out_channels"], p["kernel"]
    return [c_out * c_in * k * k, c_in * k * k + c_out * c_in]


def transposed_conv_output_size(p):
    return [p["stride"] * (p["size"] - 1) + p["kernel"] - 2 * p["padding"] + p["output_padding"]]


def receptive_field_stack(p):
    # Walk backwards from one output unit: a window of w units of layer l covers (w - 1)·s + k units of layer l - 1.
    width = 1
    for k, s in reversed(p["layers"]):
        width = (width - 1) * s + k
    return [width]


def test_dilated_drill_known_case():
    # 3x3, dilation 2, padding 2, stride 1 keeps a 224 map at 224 ("same" padding for dilation 2)
    assert dilated_conv_output_size({"size": 224, "kernel": 3, "dilation": 2, "stride": 1, "padding": 2}) == [224]
    # the DCGAN/U-Net upsampler: kernel 4, stride 2, padding 1 doubles the size
    assert transposed_conv_output_size({"size": 16, "kernel": 4, "stride": 2, "padding": 1, "output_padding": 0}) == [
        32
    ]


def conv_output_size(p):
    return [math.floor((p["size"] + 2 * p["padding"] - p["kernel"]) / p["stride"]) + 1]


def conv_param_count(p):
    return [p["out_channels"] * (p["in_channels"] * p["kernel"] ** 2 + 1)]


def maxpool_values(p):
    x, s = p["x"], p["stride"]
    return [max(x[r * s + dr][c * s + dc] for dr in (0, 1) for dc in (0, 1)) for r in (0, 1) for c in (0, 1)]


EXPECTED = {
    "conv-output-size": conv_output_size,
    "conv-param-count": conv_param_count,
    "depthwise-separable-params": depthwise_separable_params,
    "dilated-conv-output-size": dilated_conv_output_size,
    "maxpool-values": maxpool_values,
    "receptive-field-stack": receptive_field_stack,
    "transposed-conv-output-size": transposed_conv_output_size,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
