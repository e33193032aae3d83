"""Demos for the CNN topic, one submodule per sub-theme: `convolution` (convolution, pooling, flattening, output
sizes and receptive fields) and `variants` (residual blocks, dilated, 1x1, depthwise-separable and transposed
convolutions, and parameter counts).
"""
