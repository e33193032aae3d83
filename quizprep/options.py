"""The command-line options several commands share: one name, one meaning and one check each, everywhere.

Values are parsed and range-checked by typer at the edge (a bad value is a usage
error, exit 2, naming what is allowed), so the core never parses option text.
"""

from __future__ import annotations

import enum
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

MAX_SEED = 2**31 - 1


class Difficulty(str, enum.Enum):
    fundamentals = "1"
    practitioner = "2"
    advanced = "3"


class ExportFormat(str, enum.Enum):
    markdown = "markdown"
    json = "json"
    anki = "anki"


class QuestionType(str, enum.Enum):
    mcq = "mcq"
    flashcard = "flashcard"
    numeric = "numeric"


BankOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--bank",
        "-b",
        metavar="PATH",
        show_default=False,
        help="Extra bank (a YAML file or a folder), loaded beside the bundled bank. "
        "Repeatable; also read from $QUIZPREP_BANK.",
    ),
]
TopicOption = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        "-t",
        metavar="TOPIC",
        help="Only this topic (repeatable). `quizprep topics` lists them.",
        show_default=False,
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option("--tag", metavar="TAG", help="Only items with this tag (repeatable).", show_default=False),
]
DifficultyOption = Annotated[
    list[Difficulty] | None,
    typer.Option(
        "--difficulty",
        "-d",
        metavar="1|2|3",
        show_default=False,
        help="Only this difficulty: 1 fundamentals, 2 practitioner, 3 advanced (repeatable).",
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed",
        min=0,
        max=MAX_SEED,
        show_default=False,
        help="Seed for what is asked and in which order: the same seed gives the same session (printed when drawn).",
    ),
]


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"expected a date as YYYY-MM-DD, like 2026-12-20, not {text!r}") from None


InterviewDateOption = Annotated[
    date | None,
    typer.Option(
        "--interview-date",
        parser=_date,
        metavar="YYYY-MM-DD",
        show_default=False,
        help="Plan for this interview date (default: `quizprep config interview-date`).",
    ),
]


def _minutes(text: str) -> float:
    """Minutes per question: a finite number from MIN_MINUTES to MAX_MINUTES (typer's own range lets NaN through)."""
    try:
        value = float(text)
    except ValueError:
        raise typer.BadParameter(
            f"expected a number of minutes from {MIN_MINUTES:g} to {MAX_MINUTES:g}, not {text!r}"
        ) from None
    if not MIN_MINUTES <= value <= MAX_MINUTES:  # also false for NaN
        raise typer.BadParameter(f"expected a number of minutes from {MIN_MINUTES:g} to {MAX_MINUTES:g}, not {text}")
    return value


MIN_MINUTES, MAX_MINUTES = 0.25, 60.0
MinutesOption = Annotated[
    float,
    typer.Option(
        "--minutes", "-m", parser=_minutes, metavar="MINUTES", help="Time per question, in minutes (0.25 to 60)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document and nothing else.")]
