"""Exercises for the backprop-and-gradients topic: a linear layer's backward pass, backprop through a two-layer
MLP, numerical gradients, and clipping by the global norm."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case, normal


@exercise(
    "linear_backward",
    items=["backprop-steps", "chain-rule-in-backprop", "transpose-in-backward-pass"],
    difficulty=1,
    returns=("grad_x", "grad_w", "grad_b"),
    hints=[
        "With y = x @ w + b: grad_x = grad_out @ w.T and grad_w = x.T @ grad_out (check the shapes).",
        "The bias is added to every row, so its gradient sums grad_out over the batch (axis 0).",
    ],
)
def linear_backward(x, w, grad_out):
    """Backward pass of a linear layer y = x @ w + b.

    x: float array (N, D_in). w: float array (D_in, D_out). grad_out: dL/dy, float array (N, D_out).
    Returns (grad_x, grad_w, grad_b): dL/dx (N, D_in), dL/dw (D_in, D_out) and dL/db (D_out,).
    Do not change the inputs.
    """
    return grad_out @ w.T, x.T @ grad_out, grad_out.sum(axis=0)


@hidden_tests("linear_backward")
def linear_backward_tests(rng):
    return [
        Case("batch", (normal(rng, 4, 3), normal(rng, 3, 2), normal(rng, 4, 2)), hint="grad_x = grad_out @ w.T"),
        Case(
            "batch of one",
            (normal(rng, 1, 5), normal(rng, 5, 3), normal(rng, 1, 3)),
            hint="the bias gradient is still a vector (D_out,)",
        ),
        Case(
            "square weights",
            (normal(rng, 3, 3), normal(rng, 3, 3), normal(rng, 3, 3)),
            hint="with square shapes a missing transpose still fits: check the formulas",
        ),
        Case(
            "wide",
            (normal(rng, 6, 2), normal(rng, 2, 7), normal(rng, 6, 7)),
            hint="sum the bias gradient over the batch, not the features",
        ),
    ]


@exercise(
    "mlp_backward",
    items=["backpropagation-overview", "backprop-steps", "chain-rule-in-backprop"],
    difficulty=2,
    returns=("loss", "grad_W1", "grad_b1", "grad_W2", "grad_b2"),
    hints=[
        "Forward: a = x@W1 + b1, h = max(a, 0), out = h@W2 + b2, loss = sum((out - y)²) / (2N).",
        "d_out = (out - y) / N; grad_W2 = h.T @ d_out; grad_b2 = d_out summed over the batch.",
        "d_h = d_out @ W2.T; d_a = d_h · (a > 0); then grad_W1 = x.T @ d_a and grad_b1 = d_a summed over the batch.",
    ],
)
def mlp_backward(x, W1, b1, W2, b2, y):
    """Loss and gradients of a two-layer ReLU network with a squared-error loss.

    x: float array (N, D). W1: (D, H). b1: (H,). W2: (H, K). b2: (K,). y: targets, float array (N, K).
    Forward: a = x @ W1 + b1, h = relu(a), out = h @ W2 + b2, loss = sum((out - y)²) / (2·N).
    Returns (loss, grad_W1, grad_b1, grad_W2, grad_b2), loss a float and each gradient the shape of its parameter.
    Take relu'(0) = 0. Do not change the inputs.
    """
    n = x.shape[0]
    a = x @ W1 + b1
    h = np.maximum(a, 0.0)
    out = h @ W2 + b2
    loss = float(np.sum((out - y) ** 2) / (2 * n))
    d_out = (out - y) / n
    d_a = (d_out @ W2.T) * (a > 0)
    return loss, x.T @ d_a, d_a.sum(axis=0), h.T @ d_out, d_out.sum(axis=0)


@hidden_tests("mlp_backward")
def mlp_backward_tests(rng):
    def net(n, d, h, k):
        return (
            normal(rng, n, d),
            normal(rng, d, h),
            normal(rng, h, scale=0.5),
            normal(rng, h, k),
            normal(rng, k),
            normal(rng, n, k),
        )

    return [
        Case("small", net(4, 3, 5, 2), hint="backpropagate through the ReLU with the mask a > 0"),
        Case("batch of one", net(1, 2, 3, 1), hint="the loss divides by 2N"),
        Case("wider", net(8, 4, 6, 3), hint="bias gradients sum over the batch"),
        Case(
            "dead units",
            (
                normal(rng, 3, 2),
                normal(rng, 2, 4),
                np.full(4, -20.0),
                normal(rng, 4, 2),
                normal(rng, 2),
                normal(rng, 3, 2),
            ),
            hint="units that are off pass no gradient back",
        ),
    ]


def cubic_sum(x):
    return float(np.sum(x**3))


def coupled(x):
    return float(np.sum(np.sin(x) * np.roll(x, 1)) + np.prod(x[:2]) ** 2)


@exercise(
    "numerical_gradient",
    items=["gradient-checking", "finite-difference-step-size", "gradient-check-thresholds"],
    difficulty=2,
    hints=[
        "Central difference: (f(x + eps·e_i) - f(x - eps·e_i)) / (2·eps), one coordinate i at a time.",
        "Walk every index of x with np.ndindex(x.shape) (x may be 2-D), and restore x[i] after each probe.",
        "The central difference is second-order accurate; the one-sided (f(x + eps) - f(x)) / eps is not.",
    ],
)
def numerical_gradient(f, x, eps=1e-6):
    """The gradient of a scalar function by central finite differences.

    f: a function of a float array that returns a float. x: float array of any shape. eps: the step.
    Returns a float array of x's shape whose entry i is (f(x + eps·e_i) - f(x - eps·e_i)) / (2·eps), with e_i the
    unit array at index i. x must hold its original values when the function returns.
    """
    grad = np.zeros_like(x, dtype=float)
    probe = x.astype(float)
    for index in np.ndindex(x.shape):
        saved = probe[index]
        probe[index] = saved + eps
        up = f(probe)
        probe[index] = saved - eps
        down = f(probe)
        probe[index] = saved
        grad[index] = (up - down) / (2 * eps)
    return grad


@hidden_tests("numerical_gradient")
def numerical_gradient_tests(rng):
    cubic, mixed = {"f": "sum(x**3)"}, {"f": "sum(sin(x)·roll(x, 1)) + (x[0]·x[1])²"}
    return [
        Case(
            "cubic, vector",
            (cubic_sum, np.array([1.0, -2.0, 0.5])),
            rtol=1e-6,
            atol=1e-6,
            shown=cubic,
            hint="central difference, one coordinate at a time",
        ),
        Case(
            "coupled, matrix",
            (coupled, normal(rng, 2, 3)),
            rtol=1e-6,
            atol=1e-6,
            shown=mixed,
            hint="x may be 2-D: loop over np.ndindex(x.shape)",
        ),
        Case(
            "large step",
            (cubic_sum, np.array([2.0, -1.0])),
            {"eps": 1e-2},
            rtol=1e-9,
            atol=1e-9,
            shown=cubic,
            hint="(f(x+eps) - f(x-eps)) / (2 eps): the one-sided difference is off by about eps·f''",
        ),
        Case(
            "single element",
            (cubic_sum, np.array([[3.0]])),
            {"eps": 1e-3},
            rtol=1e-9,
            atol=1e-9,
            shown=cubic,
            hint="the same shape as x",
        ),
    ]


@exercise(
    "clip_grad_global_norm",
    items=["gradient-clipping-by-norm", "exploding-gradients"],
    difficulty=1,
    returns=("clipped", "total_norm"),
    hints=[
        "The global norm is sqrt of the sum of squares of every entry of every gradient together.",
        "scale = max_norm / (total_norm + 1e-6); multiply every gradient by it only when it is below 1.",
        "Return new arrays; keep the direction of the whole gradient (one scale for all arrays).",
    ],
)
def clip_grad_global_norm(grads, max_norm):
    """Clip a list of gradients by their global L2 norm, as torch.nn.utils.clip_grad_norm_ does.

    grads: list of float arrays of any shapes. max_norm: float > 0.
    total_norm = sqrt(sum of squares of all entries of all arrays). With scale = max_norm / (total_norm + 1e-6), every
    array is multiplied by scale when scale < 1, and left as it is otherwise.
    Returns (clipped, total_norm): a new list of arrays (same shapes) and the norm before clipping as a float.
    Do not change the input arrays.
    """
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        return [g * scale for g in grads], total
    return [g.copy() for g in grads], total


@hidden_tests("clip_grad_global_norm")
def clip_grad_global_norm_tests(rng):
    return [
        Case("clipped", ([np.array([3.0, 4.0]), np.array([[12.0]])], 1.0), hint="norm of everything together: 13"),
        Case("below the limit", ([normal(rng, 3), normal(rng, 2, 2)], 100.0), hint="small gradients are unchanged"),
        Case(
            "several arrays",
            ([normal(rng, 4, 3, scale=5.0), normal(rng, 3), normal(rng, 2, 2, 2)], 2.0),
            hint="one scale for every array, not one per array",
        ),
        Case("single array", ([normal(rng, 5, scale=10.0)], 0.5), hint="scale = max_norm / (norm + 1e-6)"),
    ]
