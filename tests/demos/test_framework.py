"""Every demo: registered once in the module of its bank topic, deterministic per seed, plain JSON out,
reproducible from the parameters it reports; parameter parsing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from quizprep.bank import load_bank
from quizprep.demos import CATALOG, INDEX, parse_params, run_demo
from quizprep.demos.framework import REGISTRY, load_all, topic_modules
from quizprep.errors import BadValueError

ROOT = Path(__file__).resolve().parents[2]
IMPLEMENTED = sorted(load_all())
MAX_STEPS = 12  # a demo is a short walk through one computation, not a lecture


def test_every_indexed_demo_is_implemented():
    assert sorted(CATALOG) == IMPLEMENTED == sorted(REGISTRY)


def test_at_least_forty_demos():
    assert len(IMPLEMENTED) >= 40


def test_every_demo_module_is_named_after_a_bank_topic():
    for module in topic_modules():
        assert (ROOT / "question_bank" / f"{module.replace('_', '-')}.yaml").is_file(), module


def test_every_demo_is_used_by_the_bank_and_lives_with_a_topic_that_uses_it():
    uses: dict[str, Counter] = {}
    for item in load_bank(use_cache=False).items:
        if item.demo:
            uses.setdefault(item.demo, Counter())[item.topic] += 1
    assert set(IMPLEMENTED) <= set(uses), set(IMPLEMENTED) - set(uses)
    for name in IMPLEMENTED:
        topic = INDEX[name][0]
        assert uses[name][topic] == max(uses[name].values()), (name, topic, dict(uses[name]))


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
def test_demo_explains_itself_in_a_few_steps(name):
    steps = run_demo(name, seed=3).steps
    assert 2 <= len(steps) <= MAX_STEPS, name
    assert any(step["kind"] == "text" for step in steps), name


@pytest.mark.parametrize("seed", [2, 9, 11])
@pytest.mark.parametrize("name", IMPLEMENTED)
def test_demo_params_round_trip(name, seed):
    """Running with the parameters a demo reports reproduces its result."""
    first = run_demo(name, seed=seed)
    again = run_demo(name, first.params, seed=seed)
    assert again.result == first.result


def test_unknown_demo_suggests():
    with pytest.raises(BadValueError, match="did you mean 'softmax'"):
        run_demo("sofmax")


def test_parse_params_reads_json():
    assert parse_params(["a=[[1, 2], [3, 4]]", "lr=0.5", 'name="x"']) == {"a": [[1, 2], [3, 4]], "lr": 0.5, "name": "x"}
    with pytest.raises(BadValueError, match="KEY=JSON"):
        parse_params(["novalue"])
    with pytest.raises(BadValueError, match="not valid JSON"):
        parse_params(["a=[1,"])


def test_set_values_are_bounded_and_finite():
    from quizprep.demos import MAX_SET_DEPTH, nesting

    assert nesting('[[1, 2], [3]]') == 2 and nesting('"[[[["') == 0
    assert nesting('["a\\"[[[", [[1]]]') == 3  # an escaped quote does not end the string
    for raw, message in [
        ("x=NaN", "NaN is not a number"),
        ("x=[1, -Infinity]", "-Infinity is not a number"),
        ("x=" + "[" * (MAX_SET_DEPTH + 1) + "]" * (MAX_SET_DEPTH + 1), "nest deeper"),
        ("x=" + "1" * 1_000_001, "the limit is 1,000,000"),
    ]:
        with pytest.raises(BadValueError, match=message):
            parse_params([raw])


def test_an_array_over_the_limit_is_refused_not_computed():
    from quizprep.demos.framework import MAX_ARRAY, DemoInputError

    with pytest.raises(DemoInputError, match=f"at most {MAX_ARRAY:,}"):
        run_demo("softmax", {"logits": [1.0] * (MAX_ARRAY + 1)})
