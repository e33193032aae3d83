"""Demos of the tools-frameworks topic, each checked against an independent computation."""

from __future__ import annotations

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.numeric import central_gradient
from tests.helpers.reference import result


def test_tensor_rank_counts_axes_and_elements():
    shape = [2, 3, 4, 5]
    size = 1
    for n in shape:
        size *= n
    result = run_demo("tensor-rank", {"shape": shape}).result
    assert result["rank"] == len(shape) == 4
    assert result["shape"] == shape
    assert result["size"] == size == 120
    assert result["matrix_rank_of_uvT"] == 1  # an outer product of nonzero vectors has rank 1
    with pytest.raises(DemoInputError, match="positive sizes"):
        run_demo("tensor-rank", {"shape": [2, 0]})


def test_chain_rule_graph_matches_closed_form_and_finite_differences():
    r = result("chain-rule-graph", {"x": 3, "y": -4, "z": 2, "w": -1.5})
    assert r["forward"] == pytest.approx({"a": -12, "b": -10, "f": 15})
    assert r["gradients"] == pytest.approx({"x": -1.5 * -4, "y": -1.5 * 3, "z": -1.5, "w": -10})

    def f(v):
        return (v[0] * v[1] + v[2]) * v[3]

    numeric = central_gradient(f, [3.0, -4.0, 2.0, -1.5])
    assert [r["gradients"][k] for k in "xyzw"] == pytest.approx(numeric, abs=1e-6)
