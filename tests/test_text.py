"""Plurals and did-you-mean suggestions, one helper each."""

from __future__ import annotations

from quizprep.text import plural, suggest, unknown


def test_plural_says_one_question_and_many_questions():
    assert plural(1, "question") == "1 question"
    assert plural(0, "question") == "0 questions"
    assert plural(87, "question") == "87 questions"
    assert plural(2, "box", "boxes") == "2 boxes"


def test_suggest_names_the_closest_option_or_nothing():
    assert suggest("softmx", ["softmax", "sigmoid"]) == " (did you mean 'softmax'?)"
    assert suggest("zzz", ["softmax", "sigmoid"]) == ""


def test_unknown_builds_the_usage_message():
    message = unknown("drill", "adam-stp", ["adam-step", "mse-loss"], "`quizprep drill --list` shows them")
    assert message == "unknown drill 'adam-stp' (did you mean 'adam-step'?); `quizprep drill --list` shows them"
