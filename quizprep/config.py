"""User settings, kept in the state database: daily limits, retention, the interview, the budget, FSRS parameters."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from quizprep.errors import BadValueError
from quizprep.store import queries
from quizprep.text import unknown


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise BadValueError(f"expected a whole number from {low} to {high}, not {text!r}") from None
        if not low <= value <= high:
            raise BadValueError(f"expected a whole number from {low} to {high}, not {value}")
        return value

    return parse


def _retention(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadValueError(f"expected a probability from 0.70 to 0.99, like 0.9, not {text!r}") from None
    if not 0.7 <= value <= 0.99:
        raise BadValueError(f"expected a probability from 0.70 to 0.99, like 0.9, not {value}")
    return value


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadValueError(f"expected a date as YYYY-MM-DD, like 2026-12-05, not {text!r}") from None


def parse_time(text: str) -> time:
    try:
        moment = time.fromisoformat(text.strip())
    except ValueError:
        raise BadValueError(f"expected a time of day as HH:MM, like 14:00, not {text!r}") from None
    return moment.replace(second=0, microsecond=0, tzinfo=None)


def parse_minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadValueError(f"expected minutes a day from 5 to 600, like 30, not {text!r}") from None
    if not 5 <= value <= 600:  # also refuses NaN
        raise BadValueError(f"expected minutes a day from 5 to 600, like 30, not {value:g}")
    return value


def parse_parameters(text: str) -> tuple[float, ...]:
    """21 FSRS-6 weights as a JSON list, each within fsrs's bounds."""
    import json

    from quizprep.planner.memory import parameter_problems

    try:
        values = json.loads(text)
    except ValueError:
        raise BadValueError("expected 21 FSRS-6 parameters as a JSON list, like [0.212, 1.2931, ...]") from None
    if not isinstance(values, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        raise BadValueError("expected 21 FSRS-6 parameters as a JSON list of numbers")
    problems = parameter_problems(values)
    if problems:
        raise BadValueError("; ".join(problems))
    return tuple(float(v) for v in values)


def show_parameters(values: tuple[float, ...]) -> str:
    import json

    return json.dumps(list(values))


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("new-per-day", 20, _int_between(0, 1000), "new items introduced per day in review"),
        Setting("reviews-per-day", 200, _int_between(0, 10000), "most reviews shown per day in review"),
        Setting("desired-retention", 0.9, _retention, "the recall probability FSRS schedules for"),
        Setting("interview-date", None, parse_date, "your interview (YYYY-MM-DD): study is planned towards it"),
        Setting("interview-time", time(9, 0), parse_time, "the interview's time of day (HH:MM, local)"),
        Setting(
            "daily-minutes",
            None,
            parse_minutes,
            "minutes of study a day towards the interview (unset: the planner decides)",
        ),
        Setting(
            "fsrs-parameters",
            None,
            parse_parameters,
            "FSRS-6 parameters fitted by `quizprep optimize` (unset: defaults)",
        ),
    )
}
# How a setting's value is written back as text (str() for the rest).
SHOWN: dict[str, Callable[[Any], str]] = {
    "fsrs-parameters": show_parameters,
    "interview-time": lambda moment: moment.strftime("%H:%M"),
    "daily-minutes": lambda minutes: f"{minutes:g}",
}


def check_name(name: str) -> Setting:
    if name not in SETTINGS:
        raise BadValueError(unknown("setting", name, SETTINGS, f"settings: {', '.join(SETTINGS)}"))
    return SETTINGS[name]


def load(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every setting, parsed, with defaults for those never set."""
    stored = queries.settings_get(conn)
    values = {}
    for name, setting in SETTINGS.items():
        values[name] = setting.parse(stored[name]) if name in stored else setting.default
    return values


def store(conn: sqlite3.Connection, name: str, text: str) -> Any:
    """Validate and save one setting; returns the parsed value."""
    setting = check_name(name)
    value = setting.parse(text)
    queries.settings_put(conn, name, as_text(name, value))
    return value


def as_text(name: str, value: Any) -> str:
    return SHOWN.get(name, str)(value)


def unset(conn: sqlite3.Connection, name: str) -> None:
    check_name(name)
    queries.settings_delete(conn, name)


def change(conn: sqlite3.Connection, key: str | None, value: str | None, remove: bool, today: date) -> dict[str, Any]:
    """What `quizprep config [KEY [VALUE]] [--unset]` does; returns every setting afterwards.

    An interview date must lie from `today` to five years ahead."""
    if key is not None:
        check_name(key)
        if remove:
            unset(conn, key)
        elif value is not None:
            if key == "interview-date":
                from quizprep.clock import check_interview_date

                check_interview_date(parse_date(value), today)
            store(conn, key, value)
    return load(conn)


def rows(values: dict[str, Any], only: str | None = None) -> list[tuple[str, Any, Any, str]]:
    """(name, value, default, help) per setting, for the settings view."""
    return [
        (name, _shown(name, values[name]), _shown(name, setting.default), setting.help)
        for name, setting in SETTINGS.items()
        if only is None or name == only or (only, name) == ("interview-date", "interview-time")
    ]


def as_json(values: dict[str, Any]) -> dict[str, Any]:
    """Settings as JSON values: numbers stay numbers, the rest is text (None when unset)."""
    return {
        name: value if value is None or isinstance(value, (int, float)) else as_text(name, value)
        for name, value in values.items()
    }


def _shown(name: str, value: Any) -> Any:
    return None if value is None else as_text(name, value)
