"""Property-based checks: random mutations of a good bank file always give a bank or a clean problem list,
quickly; the fast validator never accepts what the full one rejects; LaTeX never raises."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizprep.bank import validate_paths
from quizprep.bank.schema import FIELDS
from quizprep.bank.validate import all_valid, check_item
from quizprep.errors import Problem
from quizprep.latex import math_to_unicode, render_math_in_text
from tests.helpers.bank import item_yaml

GOOD = (
    item_yaml("first", tags="[a, b]", key_points="[one, two]", choices="{correct: c, wrong: [w1, w2, w3]}")
    + item_yaml("second", follow_ups="[first]", answer="'&ans $\\frac{1}{2}$'")
    + item_yaml("third", question="*ans")
).encode()
SNIPPETS = [
    b"&a ",
    b"*a",
    b"[",
    b"]",
    b"{",
    b"}",
    b": ",
    b"- ",
    b"\t",
    b"!!python/object:os.system ",
    b"<<: *a\n",
    b"\xff",
    b"\x00",
    b"\x1b",
    b"'",
    b'"',
    b"\n  ",
    b"? ",
    b"%YAML 1.1\n",
    b"---\n",
    b"|\n",
    b"&b [*b]",
    b"\\",
]
ALLOWED = {"first", "second", "third"}


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(GOOD)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(SNIPPETS) | st.binary(max_size=4))
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        else:
            data[at : at + len(piece)] = piece
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=mutated())
def test_mutated_banks_give_a_bank_or_clean_problems(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("mut")
    path = Path(folder) / "bank.yaml"
    path.write_bytes(raw)
    started = time.perf_counter()
    bank, problems = validate_paths([path])  # anything but a QuizprepError would fail the test here
    assert time.perf_counter() - started < 5
    if bank is None:
        assert problems and all(isinstance(p, Problem) for p in problems)
        for problem in problems:
            assert "\n" not in str(problem) and "\x1b" not in str(problem)
            assert problem.line >= 1
    else:
        assert problems == [] and len(bank.items) <= 3
    again_bank, again = validate_paths([path])  # the cached answer is the same answer
    assert again == problems and (again_bank is None) == (bank is None)


texts = st.one_of(st.text(max_size=12), st.sampled_from(["ok", "a-b", "000:1", " ", "", "x\x1b", "{" * 60, "q\u00a0r"]))
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2, 5), texts),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def item_dicts(draw) -> dict:
    data = {"id": "an-item", "topic": "topic", "difficulty": 2, "question": "q?", "answer": "a."}
    for name in draw(st.lists(st.sampled_from(FIELDS + ("extra",)), max_size=4)):
        data[name] = draw(values)
    if draw(st.booleans()):
        data["choices"] = {"correct": draw(texts), "wrong": draw(st.lists(texts, min_size=2, max_size=5))}
    return data


@settings(max_examples=400, deadline=None)
@given(items=st.lists(item_dicts(), min_size=1, max_size=4), demos=st.sampled_from([None, {"softmax"}]))
def test_the_fast_check_never_accepts_what_check_item_rejects(items, demos):
    full = [check_item(data, 1, {}, 1, demos) for data in items]
    if all_valid(items, demos):
        assert full == [[] for _ in items]
    if not any(full):
        assert isinstance(all_valid(items, demos), bool)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("\\{}[]()$^_&x ") + ["\\frac", "\\begin{cases}", "\\end{cases}", "\\sqrt", "\\hat"]),
        max_size=200,
    )
)
def test_latex_never_raises(pieces):
    text = "".join(pieces)
    assert isinstance(render_math_in_text(text), str)
    assert isinstance(math_to_unicode(text), str)
