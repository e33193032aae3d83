"""Exercises for the tools-frameworks topic: reducing a broadcast gradient back to its input's shape."""

from __future__ import annotations

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "sum_to_shape",
    items=["computational-graph-dataflow", "tensor-rank-and-shape"],
    difficulty=2,
    hints=[
        "Broadcasting copied the input along some axes; its gradient sums over those same axes.",
        "First sum away the extra leading axes (grad.ndim - len(shape) of them).",
        "Then sum, with keepdims=True, every axis where shape has 1 but grad does not.",
    ],
)
def sum_to_shape(grad, shape):
    """The gradient of a broadcast input: sum a gradient back down to the shape the input had.

    grad: float array, the gradient of a result that NumPy broadcast from an input of shape `shape`.
    shape: tuple of ints that broadcasts to grad.shape. Returns a float array of exactly `shape` whose entries sum the
    grad entries each input entry was copied to. Do not change grad.
    """
    extra = grad.ndim - len(shape)
    out = grad.sum(axis=tuple(range(extra))) if extra else grad
    axes = tuple(i for i, size in enumerate(shape) if size == 1 and out.shape[i] != 1)
    return out.sum(axis=axes, keepdims=True) if axes else out.copy()


@hidden_tests("sum_to_shape")
def sum_to_shape_tests(rng):
    return [
        Case("bias over a batch", (normal(rng, 4, 3), (3,)), hint="sum over the leading batch axis"),
        Case("column vector", (normal(rng, 4, 3), (4, 1)), hint="keep the axis of size 1"),
        Case("scalar-like", (normal(rng, 2, 3), (1, 1)), hint="sum everything into shape (1, 1)"),
        Case("leading and kept axes", (normal(rng, 2, 3, 4, 5), (3, 1, 5)), hint="leading axes, then size-1 axes"),
        Case("same shape", (normal(rng, 2, 2), (2, 2)), hint="nothing to sum: return a copy"),
    ]
