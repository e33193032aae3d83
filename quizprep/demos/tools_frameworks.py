"""Demos for the tools and frameworks topic: computational graphs and tensor shapes."""

from __future__ import annotations

import numpy as np

from quizprep.demos.framework import Demo, DemoInputError, demo


@demo("tensor-rank")
def tensor_rank(d: Demo, shape=None):
    """Scalars, vectors, matrices and higher-rank tensors with their shapes."""
    dims = d.array("shape", shape, [2, 3, 4], ndim=1, integer=True)
    if dims.min() < 1:
        raise DemoInputError(f"shape must list positive sizes, like [2, 3, 4]; got {dims.tolist()}")
    if dims.size > 6 or int(np.prod(dims)) > 100_000:
        raise DemoInputError("shape must have at most 6 axes and at most 100000 elements")
    size = int(np.prod(dims))
    T = np.arange(size, dtype=float).reshape(tuple(int(n) for n in dims))
    rank = T.ndim
    d.say("Rank is the number of axes (indices needed to pick one element); shape is the size along each axis.")
    d.show(
        "examples",
        {
            "3.0": "rank 0, shape ()",
            "[1, 2, 3, 4, 5]": "rank 1, shape (5,)",
            "[[1, 2, 3], [4, 5, 6]]": "rank 2, shape (2, 3)",
            "your tensor": f"rank {rank}, shape {tuple(T.shape)}",
        },
    )
    corner = T[(0,) * (rank - 2)] if rank > 2 else T
    d.show("T[0, …, 0, :, :]" if rank > 2 else "T", corner, "A 2-D slice of the tensor (entries numbered 0, 1, 2, …).")
    product = " · ".join(str(int(n)) for n in dims)
    d.say(f"It holds {product} = {size} numbers; a reshape may change the shape but must keep that product.")
    u = d.rng.integers(1, 5, size=3).astype(float)
    v = d.rng.integers(1, 5, size=3).astype(float)
    M = np.outer(u, v)
    d.show("M = u vᵀ", M)
    matrix_rank = int(np.linalg.matrix_rank(M))
    d.say(
        f"Do not confuse the two ranks: M has tensor rank {M.ndim} (two axes), but its linear-algebra rank is "
        f"{matrix_rank}, because every row is a multiple of vᵀ. A batch of 32 RGB 224x224 images is rank 4: "
        "(32, 3, 224, 224) channels-first or (32, 224, 224, 3) channels-last."
    )
    return {"rank": rank, "shape": list(T.shape), "size": size, "matrix_rank_of_uvT": matrix_rank}


@demo("chain-rule-graph")
def chain_rule_graph(d: Demo, x=None, y=None, z=None, w=None):
    """Forward and backward passes through a small computational graph."""

    def draw():
        return float(d.rng.integers(-4, 5))

    x = d.number("x", x, draw, low=-1e6, high=1e6)
    y = d.number("y", y, draw, low=-1e6, high=1e6)
    z = d.number("z", z, draw, low=-1e6, high=1e6)
    w = d.number("w", w, draw, low=-1e6, high=1e6)
    d.say("The graph f = (x·y + z)·w has three nodes: a = x·y, then b = a + z, then f = b·w.")
    a = x * y
    b = a + z
    f = b * w
    d.show("forward pass", {"a = x·y": a, "b = a + z": b, "f = b·w": f})
    local = {"∂a/∂x = y": y, "∂a/∂y = x": x, "∂b/∂a": 1.0, "∂b/∂z": 1.0, "∂f/∂b = w": w, "∂f/∂w = b": b}
    d.show("local derivatives, each node on its own", local)
    df_db = w
    df_da = df_db * 1.0
    grads = {"x": df_da * y, "y": df_da * x, "z": df_db * 1.0, "w": b}
    d.say(
        f"Backward from ∂f/∂f = 1: ∂f/∂b = w = {df_db:g}; "
        f"the add node passes it on unchanged, so ∂f/∂a = ∂f/∂z = {df_da:g}; "
        "the multiply node swaps its inputs, "
        f"so ∂f/∂x = ∂f/∂a·y = {grads['x']:g} and ∂f/∂y = ∂f/∂a·x = {grads['y']:g}; ∂f/∂w = b = {b:g}."
    )
    d.show("gradients ∂f/∂(x, y, z, w)", grads)
    nudge = 1e-3
    d.say(
        f"Check: raising x by {nudge:g} moves f from {f:g} to {((x + nudge) * y + z) * w:.6g}, a change of about "
        f"{nudge:g}·{grads['x']:g} = {nudge * grads['x']:.3g}."
    )
    return {"forward": {"a": a, "b": b, "f": f}, "gradients": grads}
