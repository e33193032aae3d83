"""Independent numeric references the tests share: central finite differences in plain Python."""

from __future__ import annotations


def central_difference(f, x: float, h: float = 1e-6) -> float:
    """df/dx at x for a function of one number."""
    return (f(x + h) - f(x - h)) / (2 * h)


def central_gradient(f, values: list[float], eps: float = 1e-6) -> list[float]:
    """The gradient of f(list) with respect to each entry of the flat list `values`."""
    grads = []
    for i in range(len(values)):
        up, down = list(values), list(values)
        up[i] += eps
        down[i] -= eps
        grads.append((f(up) - f(down)) / (2 * eps))
    return grads
