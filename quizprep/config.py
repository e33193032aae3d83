"""User settings, kept in the state database: daily limits, desired retention, the interview date."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from quizprep.errors import BadValueError


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
        from quizprep.bank.validate import suggest

        raise BadValueError(f"unknown setting '{name}'{suggest(name, SETTINGS)}; settings: {', '.join(SETTINGS)}")
    return SETTINGS[name]


def load(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every setting, parsed, with defaults for those never set."""
    stored = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    values = {}
    for name, setting in SETTINGS.items():
        values[name] = setting.parse(stored[name]) if name in stored else setting.default
    return values


def store(conn: sqlite3.Connection, name: str, text: str) -> Any:
    """Validate and save one setting; returns the parsed value."""
    from quizprep.store import transaction

    setting = check_name(name)
    value = setting.parse(text)
    with transaction(conn):
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (name, str(value)),
        )
    return value


def unset(conn: sqlite3.Connection, name: str) -> None:
    from quizprep.store import transaction

    check_name(name)
    with transaction(conn):
        conn.execute("DELETE FROM settings WHERE key = ?", (name,))
