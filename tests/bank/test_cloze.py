"""The cloze field: which texts are well-formed gaps, how they show, and that the cached load agrees."""

from __future__ import annotations

import pytest

from quizprep.bank import cloze
from quizprep.bank.columns import from_rows
from quizprep.bank.validate import check_item, checked_items

BASE = {"id": "relu", "topic": "t", "difficulty": 1, "question": "ReLU of [...] is [...]", "answer": "0"}
GOOD = [
    "ReLU of {{c1::negative}} inputs is {{c2::zero::a number}}.",
    "{{c1::Adam}} keeps {{c1::two}} moment estimates",  # two gaps sharing a number
    "Attention scales by $\\frac{1}{\\sqrt{d}}$: {{c3::the key size::d}}",  # LaTeX }} outside a gap
    "{{c100::last}}",
]
BAD = [
    ("No gap at all.", "cloze has no gap"),
    ("{{c1:single colon}}", "cloze has no gap"),
    ("{{c0::zero}}", "gap numbers run from 1 to 100"),
    ("{{c101::far}}", "gap numbers run from 1 to 100"),
    ("{{c1::}} empty", "has no answer"),
    ("{{c1::::hint only}}", "has no answer"),
    ("{{c1::open", "is never closed"),
    ("{{c1::outer {{c2::inner}} }}", "gaps do not nest"),
    (" ".join(["{{c1::x}}"] * 101), "cloze has 101 gaps"),
    ("", "cloze is empty"),
    (["{{c1::x}}"], "cloze must be text"),
    ("{{c1::x}}" + "y" * 20_000, "characters long"),
]


def messages(data: dict) -> list[str]:
    return [message for _, _, message in check_item(data, 1, {}, 1, None)]


@pytest.mark.parametrize("text", GOOD)
def test_good_cloze_texts_pass_both_checks(text):
    data = {**BASE, "cloze": text}
    assert messages(data) == []
    items = checked_items(from_rows([(data, 1)]), None)
    assert items is not None and items[0].cloze == text


@pytest.mark.parametrize(("text", "fragment"), BAD)
def test_bad_cloze_texts_are_reported_and_never_pass_the_fast_path(text, fragment):
    data = {**BASE, "cloze": text}
    found = messages(data)
    assert any(fragment in message for message in found), found
    columns = from_rows([(data, 1)])
    assert columns is None or checked_items(columns, None) is None


def test_the_message_points_at_the_cloze_line():
    problems = check_item({**BASE, "cloze": "no gap"}, 1, {"cloze": 7}, 1, None)
    assert [(line, label) for line, label, _ in problems] == [(7, "relu")]


def test_a_gap_shows_its_hint_and_fills_the_others():
    text = "ReLU of {{c1::negative}} inputs is {{c2::zero::a number}}."
    assert cloze.numbers(text) == [1, 2]
    assert cloze.shown(text, 1) == "ReLU of [...] inputs is zero."
    assert cloze.shown(text, 2) == "ReLU of negative inputs is [a number]."
    assert cloze.blanked(text) == "ReLU of [...] inputs is [...]."
    assert cloze.filled(text) == "ReLU of negative inputs is zero."
    assert cloze.expected(text, 2) == "zero"


def test_gaps_sharing_a_number_hide_and_answer_together():
    text = "{{c1::Adam}} keeps {{c1::two}} moment estimates, {{c2::bias}}-corrected"
    assert cloze.shown(text, 1) == "[...] keeps [...] moment estimates, bias-corrected"
    assert cloze.expected(text, 1) == "Adam two"
