"""The command-line options several commands share: one name, one meaning and one check each, everywhere.

Values are parsed and range-checked by typer at the edge (a bad value is a usage
error, exit 2, naming what is allowed), so the core never parses option text.

The `complete_*` functions give the shell's tab completion its candidates. They run
only when the shell asks (`_QUIZPREP_COMPLETE` set), read the cheap indexes (demo,
drill and exercise catalogs; the bank through its parse cache) and never fail: a
broken bank just completes nothing.
"""

from __future__ import annotations

import enum
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

MAX_SEED = 2**31 - 1


def matching(incomplete: str, candidates) -> list:
    """Candidates (names, or (name, help) pairs) starting with `incomplete`; if none does, those containing it."""
    pairs = [c if isinstance(c, tuple) else (c, "") for c in candidates]
    chosen = [pair for pair in pairs if pair[0].startswith(incomplete)]
    chosen = chosen or [pair for pair in pairs if incomplete and incomplete in pair[0]]
    return [pair if pair[1] else pair[0] for pair in chosen]


def _completion_bank(ctx: typer.Context):
    """The banks the command would load (bundled, $QUIZPREP_BANK, --bank so far), from the parse cache."""
    from quizprep.bank import load_bank
    from quizprep.errors import QuizprepError

    try:
        return load_bank(list(ctx.params.get("bank") or []))
    except (QuizprepError, OSError):
        return None


def complete_topics(ctx: typer.Context, incomplete: str) -> list:
    bank = _completion_bank(ctx)
    return matching(incomplete, sorted(bank.topics()) if bank else [])


def complete_tags(ctx: typer.Context, incomplete: str) -> list:
    bank = _completion_bank(ctx)
    return matching(incomplete, sorted(bank.tags()) if bank else [])


def complete_ids(ctx: typer.Context, incomplete: str) -> list:
    bank = _completion_bank(ctx)
    return matching(incomplete, [item.id for item in bank.items] if bank else [])


def complete_demos(incomplete: str) -> list:
    from quizprep.demos import CATALOG

    return matching(incomplete, list(CATALOG.items()))


def complete_drills(incomplete: str) -> list:
    from quizprep.drills import CATALOG

    return matching(incomplete, [(name, title) for name, (title, _topic) in CATALOG.items()])


def complete_exercises(incomplete: str) -> list:
    from quizprep.exercises import CATALOG

    return matching(incomplete, [(name, entry[3]) for name, entry in CATALOG.items()])


def complete_settings(incomplete: str) -> list:
    from quizprep.config import SETTINGS

    return matching(incomplete, [(name, setting.help) for name, setting in SETTINGS.items()])


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
    cloze = "cloze"


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
        autocompletion=complete_topics,
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        metavar="TAG",
        help="Only items with this tag (repeatable).",
        show_default=False,
        autocompletion=complete_tags,
    ),
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
