"""User settings, kept in the state database: daily limits, desired retention, the interview date."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
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


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("new-per-day", 20, _int_between(0, 1000), "new items introduced per day in review"),
        Setting("reviews-per-day", 200, _int_between(0, 10000), "most reviews shown per day in review"),
        Setting("desired-retention", 0.9, _retention, "the recall probability FSRS schedules for"),
        Setting("interview-date", None, parse_date, "your interview (YYYY-MM-DD): no interval runs past it"),
    )
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
    queries.settings_put(conn, name, str(value))
    return value


def unset(conn: sqlite3.Connection, name: str) -> None:
    check_name(name)
    queries.settings_delete(conn, name)


def change(conn: sqlite3.Connection, key: str | None, value: str | None, remove: bool) -> dict[str, Any]:
    """What `quizprep config [KEY [VALUE]] [--unset]` does; returns every setting afterwards."""
    if key is not None:
        check_name(key)
        if remove:
            unset(conn, key)
        elif value is not None:
            store(conn, key, value)
    return load(conn)


def rows(values: dict[str, Any], only: str | None = None) -> list[tuple[str, Any, Any, str]]:
    """(name, value, default, help) per setting, for the settings view."""
    return [
        (name, values[name], setting.default, setting.help)
        for name, setting in SETTINGS.items()
        if only is None or name == only
    ]
