"""Session views: built from plain values, shown as text (bank text is never read as markup)."""

from __future__ import annotations

import io

from rich.console import Console

from quizprep.bank import Item
from quizprep.questions import flashcard
from quizprep.ui.session import describe_wait, question_view, saved_note


def rendered(renderable, width: int = 100) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return buffer.getvalue()


def test_saved_note_keeps_its_first_letter_after_a_lead():
    text = saved_note(60, lead="Covered 2/5 key points.").plain
    assert text == "Covered 2/5 key points. Saved. Next review in 1 min."


def test_waits_read_as_a_person_would_say_them():
    assert [describe_wait(s) for s in (5, 600, 7200, 86400, 3 * 86400)] == [
        "now",
        "in 10 min",
        "in 2 h",
        "in 1 day",
        "in 3 days",
    ]


def test_markup_in_bank_text_is_shown_literally():
    item = Item(id="x", topic="[bold red]topic[/]", difficulty=1, question="What is [b]this[/b]?", answer="It is. Yes.")
    screen = rendered(question_view(flashcard(item), "Question 1 of 3"))
    assert "[bold red]topic[/]" in screen
    assert "What is [b]this[/b]?" in screen
