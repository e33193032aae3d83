"""Every demo: registered under its catalog name, deterministic per seed, plain JSON out, clear errors in."""

from __future__ import annotations

import json

import numpy as np
import pytest

from quizprep.demos import CATALOG, parse_params, run_demo
from quizprep.demos.framework import REGISTRY, DemoInputError, load_all
from quizprep.errors import BadValueError

load_all()
IMPLEMENTED = sorted(REGISTRY)


def test_every_catalog_demo_is_implemented():
    assert sorted(CATALOG) == IMPLEMENTED


def test_at_least_forty_demos():
    assert len(IMPLEMENTED) >= 40


@pytest.mark.parametrize("name", IMPLEMENTED)
def test_demo_is_deterministic_and_plain(name):
    first = run_demo(name, seed=7).to_dict()
    second = run_demo(name, seed=7).to_dict()
    assert first == second
    text = json.dumps(first, allow_nan=False)  # plain numbers only, no NumPy types, no NaN
    assert json.loads(text)["name"] == name
    assert first["steps"], "a demo explains itself in steps"
    assert any(step["kind"] == "text" for step in first["steps"]), "at least one sentence"


@pytest.mark.parametrize("name", IMPLEMENTED)
def test_demo_params_round_trip(name):
    """Running with the parameters a demo reports reproduces its result."""
    first = run_demo(name, seed=11)
    again = run_demo(name, first.params, seed=11)
    assert again.result == first.result


def test_unknown_parameter_names_the_allowed_ones():
    with pytest.raises(BadValueError, match="its parameters: logits"):
        run_demo("softmax", {"x": [1, 2]})


def test_unknown_demo_suggests():
    with pytest.raises(BadValueError, match="did you mean 'softmax'"):
        run_demo("sofmax")


def test_parse_params_reads_json():
    assert parse_params(["a=[[1, 2], [3, 4]]", "lr=0.5", "name=\"x\""]) == {"a": [[1, 2], [3, 4]], "lr": 0.5, "name": "x"}
    with pytest.raises(BadValueError, match="KEY=JSON"):
        parse_params(["novalue"])
    with pytest.raises(BadValueError, match="not valid JSON"):
        parse_params(["a=[1,"])


# The demos with fixed names and parameters, each against an independent computation.


def test_softmax_matches_a_hand_loop_and_survives_large_logits():
    logits = [1000.0, 1001.0, 1002.0]
    result = run_demo("softmax", {"logits": logits}).result
    shifted = [v - 1002.0 for v in logits]
    import math

    total = sum(math.exp(v) for v in shifted)
    assert result == pytest.approx([math.exp(v) / total for v in shifted], abs=1e-12)
    assert sum(result) == pytest.approx(1.0)


def test_matmul_matches_a_triple_loop():
    a = [[1.5, -2.0, 0.0], [3.0, 1.0, -1.0]]
    b = [[2.0, 1.0], [0.5, -1.0], [4.0, 2.0]]
    expected = [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(2)] for i in range(2)]
    assert run_demo("matmul", {"a": a, "b": b}).result == pytest.approx(np.array(expected))


def test_matmul_shape_mismatch_names_the_dimensions():
    with pytest.raises(DemoInputError, match="a has 3 columns but b has 2 rows"):
        run_demo("matmul", {"a": [[1, 2, 3]], "b": [[1], [2]]})


def test_gradient_descent_matches_the_closed_form():
    # On (θ - 3)², each step multiplies the distance to 3 by (1 - 2 lr).
    result = run_demo("gradient-descent", {"lr": 0.1, "steps": 5, "start": -2.0}).result
    expected = [3 + (-2.0 - 3) * (1 - 2 * 0.1) ** t for t in range(6)]
    assert result["iterates"] == pytest.approx(expected)
    assert result["losses"] == pytest.approx([(x - 3) ** 2 for x in expected])
    assert "θ" in result["function"]
