"""The cloze form of a question and the lenient grader of typed answers."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizprep.bank import Item
from quizprep.modes.quiz import quiz_questions
from quizprep.questions import cloze, cloze_expected, cloze_keys, cloze_prompt, cloze_sentence, grade_typed

ITEM = Item(
    "adam-moments",
    "optimization",
    2,
    "[...] keeps [...] moment estimates",
    "Adam keeps two moment estimates",
    cloze="{{c1::Adam}} keeps {{c2::two::how many}} moment estimates",
)


@given(st.text(min_size=1).filter(str.strip))
def test_the_exact_answer_always_passes(answer):
    assert grade_typed(answer, answer)
    assert grade_typed(f"  {answer}\n", answer)  # as typed at a prompt, with spaces around


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("adam", "Adam"),
        ("  Adam.  ", "Adam"),
        ("heavy ball", "heavy-ball"),
        ("heavy   ball", "heavy ball"),
        ("Cafe", "café"),
        ("naive bayes", "Naïve Bayes"),
        ("softmx", "softmax"),  # a letter left out
        ("softmaxx", "softmax"),  # one too many
        ("sofrmax", "softmax"),  # one wrong
        ("sfotmax", "softmax"),  # two neighbours swapped
        ("two", "two"),
        ("?", "?"),
    ],
)
def test_lenient_grading_accepts(given, expected):
    assert grade_typed(given, expected)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", "Adam"),
        ("   ", "Adam"),
        ("Adan", "Adam"),  # under five letters no typo is forgiven
        ("tow", "two"),
        ("sftmx", "softmax"),  # two letters left out
        ("xoftmay", "softmax"),  # two wrong
        ("0.5", "05"),  # punctuation separates, never vanishes
        ("relu", "softmax"),
    ],
)
def test_lenient_grading_refuses(given, expected):
    assert not grade_typed(given, expected)


def test_a_cloze_question_asks_one_gap_under_its_own_key():
    first, second = cloze(ITEM, 1), cloze(ITEM, 2)
    assert (first.kind, first.key, second.key) == ("cloze", "adam-moments", "adam-moments#c2")
    assert cloze_prompt(first) == "[...] keeps two moment estimates"
    assert cloze_prompt(second) == "Adam keeps [how many] moment estimates"
    assert (cloze_expected(first), cloze_expected(second)) == ("Adam", "two")
    assert cloze_sentence(second) == "Adam keeps two moment estimates"
    assert cloze_keys(ITEM) == ["adam-moments", "adam-moments#c2"]


def test_a_mixed_quiz_asks_cloze_items_as_cloze_and_flashcards_when_asked():
    plain = Item("plain", "optimization", 1, "Q?", "A.")
    mixed = quiz_questions([ITEM, plain], [], None, 2, random.Random(4))
    kinds = {question.item.id: question.kind for question in mixed}
    assert kinds == {"adam-moments": "cloze", "plain": "flashcard"}
    gaps = {quiz_questions([ITEM], [], None, 1, random.Random(seed))[0].gap for seed in range(30)}
    assert gaps == {1, 2}
    assert quiz_questions([ITEM], [], "flashcard", 1, random.Random(1))[0].kind == "flashcard"
