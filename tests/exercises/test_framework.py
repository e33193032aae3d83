"""The exercise registry, its generated index, the stubs and the solutions shown to users."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest

import quizprep.exercises
from quizprep.exercises import CATALOG, card_id, framework, kit, solution, stub
from quizprep.exercises.framework import INDEX_COMMAND, index_source

REQUIRED = {
    "softmax": "(x, axis=-1)",
    "cross_entropy": "(logits, targets)",
    "bce_with_logits": "(logits, targets)",
    "conv2d": "(image, kernel, stride=1, padding=0)",
    "max_pool2d": "(x, size, stride)",
    "batch_norm_train": "(x, gamma, beta, eps=1e-05)",
    "layer_norm": "(x, gamma, beta, eps=1e-05)",
    "attention": "(q, k, v, mask=None)",
    "linear_backward": "(x, w, grad_out)",
    "adam_step": "(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08)",
    "lstm_cell": "(x, h, c, W, U, b)",
    "iou": "(box_a, box_b)",
    "nms": "(boxes, scores, iou_threshold)",
    "rope": "(x, positions, base=10000.0)",
    "lora_forward": "(x, W, A, B, alpha)",
    "top_k_filter": "(logits, k)",
    "numerical_gradient": "(f, x, eps=1e-06)",
}


def test_index_is_up_to_date():
    path = Path(quizprep.exercises.__file__).with_name("_index.py")
    assert path.read_text(encoding="utf-8") == index_source(), (
        f"quizprep/exercises/_index.py is stale: run `{INDEX_COMMAND}`"
    )


def test_enough_exercises_over_enough_topics_with_the_required_signatures():
    registry = framework.load_all()
    assert len(registry) >= 40
    assert len({ex.topic for ex in registry.values()}) >= 12
    for name, signature in REQUIRED.items():
        assert str(inspect.signature(registry[name].func)) == signature


def test_every_exercise_names_real_bank_items_of_a_real_topic():
    from quizprep.bank import load_bank

    bank = load_bank([])
    for name, (topic, difficulty, items, summary) in CATALOG.items():
        assert topic in bank.topics(), f"{name}: unknown topic {topic}"
        assert all(item in bank.by_id for item in items), f"{name}: unknown items {items}"
        assert difficulty in (1, 2, 3) and summary


def test_every_exercise_has_hints_and_at_least_three_cases():
    for name, ex in framework.load_all().items():
        cases = ex.cases(np.random.default_rng(ex.seed()))
        assert len(ex.hints) >= 2, name
        assert len(cases) >= 3 and len({c.name for c in cases}) == len(cases), name
        assert all(c.hint for c in cases), f"{name}: every case names the concept it tests"


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_stub_holds_the_spec_and_raises(name):
    source = stub(name)
    tree = ast.parse(source)
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert [f.name for f in functions] == [name]
    assert ast.get_docstring(functions[0]) == inspect.getdoc(framework.load_one(name).func)
    namespace: dict = {}
    exec(compile(source, f"{name}.py", "exec"), namespace)
    failures = [r for r in kit.grade(framework.load_one(name), namespace[name]) if not r["ok"]]
    assert failures and all("NotImplementedError" in r["message"] for r in failures)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_the_solution_shown_is_complete_on_its_own(name):
    namespace: dict = {}
    exec(compile(solution(name), f"{name}.py", "exec"), namespace)
    assert set(namespace) - {"__builtins__"} == {"np", name}
    assert all(r["ok"] for r in kit.grade(framework.load_one(name), namespace[name]))


def test_card_ids_and_unknown_names():
    from quizprep.errors import BadValueError

    assert card_id("softmax") == "code:softmax"
    with pytest.raises(BadValueError, match="did you mean 'softmax'"):
        stub("sofmax")


def test_a_failure_names_the_case_input_expected_got_and_the_concept():
    def no_max(x, axis=-1):
        e = np.exp(x)
        return e / e.sum(axis=axis, keepdims=True)

    results = kit.grade(framework.load_one("softmax"), no_max)
    large = next(r for r in results if r["case"] == "large logits")
    assert not large["ok"] and "1000" in large["input"] and "nan" in large["got"]
    assert "0.66524" in large["expected"] and "overflow" in large["message"] and "maximum" in large["hint"]


def test_in_place_changes_wrong_dtypes_and_shapes_are_reported():
    ex = framework.load_one("softmax")

    def in_place(x, axis=-1):
        x -= x.max(axis=axis, keepdims=True)
        np.exp(x, out=x)
        x /= x.sum(axis=axis, keepdims=True)
        return x

    messages = [r["message"] for r in kit.grade(ex, in_place) if not r["ok"]]
    assert messages and all("in place" in m for m in messages)
    lists = kit.grade(ex, lambda x, axis=-1: ex.func(x, axis).tolist())
    assert all("NumPy array" in r["message"] for r in lists)
    flat = kit.grade(ex, lambda x, axis=-1: ex.func(x, axis).ravel())
    assert any("wrong shape" in r["message"] for r in flat)
    doubles = kit.grade(ex, lambda x, axis=-1: ex.func(x.astype(np.float64), axis))
    assert any("wrong dtype: expected float32, got float64" in r["message"] for r in doubles)
