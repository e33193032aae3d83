"""What every part of the store shares: the row types, the one timestamp format, the transaction and its errors.

A write the database refuses (read-only file, full disk, I/O error, a lock held
past the busy timeout) comes out of `transaction` as WriteError, a QuizprepError
whose message says what happened and that nothing of that write was kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from quizprep.errors import QuizprepError


@dataclass
class Review:
    """One answer, as the review log keeps it."""

    item_id: str
    reviewed_at: str
    rating: int
    mode: str
    correct: bool | None = None
    answer_ms: int | None = None

    def to_dict(self) -> dict:
        return {
            "item_id": self.item_id,
            "reviewed_at": self.reviewed_at,
            "rating": self.rating,
            "mode": self.mode,
            "correct": self.correct,
            "answer_ms": self.answer_ms,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Review:
        return cls(
            **{key: data.get(key) for key in ("item_id", "reviewed_at", "rating", "mode", "correct", "answer_ms")}
        )


@dataclass
class CardRow:
    """An item's scheduling state as stored; `last_log_id` is the review-log row it came from."""

    item_id: str
    card_json: str
    due: str
    state: int
    reps: int = 0
    lapses: int = 0
    last_log_id: int | None = None


class WriteError(QuizprepError):
    """The database refused a write; `reason` says why in words, `locked` whether waiting could help."""

    def __init__(self, reason: str, locked: bool = False, where: str = ""):
        place = f" ({where})" if where else ""
        super().__init__(f"the state database{place} could not be written: {reason}; nothing of that change was kept")
        self.reason = reason
        self.locked = locked


class Conflict(QuizprepError):
    """A change refused because another session changed the same item since."""


def failure_reason(exc: BaseException) -> tuple[str, bool]:
    """(what went wrong, in words; whether another process holding the lock explains it) for an SQLite error."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "another quizprep session is holding the database", True
    for words, reason in (
        (("readonly", "read-only"), "the database is read-only"),
        (("full",), "the disk is full"),
        (("i/o",), "a disk I/O error"),
        (("unable to open",), "the database file cannot be opened"),
        (("malformed", "not a database"), "the database file is damaged"),
    ):
        if any(word in text for word in words):
            return reason, False
    return f"the database reported '{exc}'", False


def write_error(conn: sqlite3.Connection, exc: BaseException) -> WriteError:
    reason, locked = failure_reason(exc)
    return WriteError(reason, locked, database_file(conn))


def database_file(conn: sqlite3.Connection) -> str:
    """The file behind a connection, or '' when it cannot be told."""
    try:
        return conn.execute("PRAGMA database_list").fetchone()[2] or ""
    except sqlite3.Error:
        return ""


def refused(exc: BaseException) -> bool:
    """An error that says the write could not happen, as opposed to a bug such as a broken constraint."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: a write lock taken up front avoids deadlocks.

    A write the database refuses, at BEGIN, inside or at COMMIT, is raised as WriteError.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        if refused(exc):
            raise write_error(conn, exc) from exc
        raise
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        rollback(conn)
        if refused(exc):
            raise write_error(conn, exc) from exc
        raise


def probe_write(conn: sqlite3.Connection) -> None:
    """Raise WriteError now if the database cannot take a write (read-only file or connection); changes nothing.

    The probe rewrites `user_version` with its own value and rolls back: a read-only
    database refuses even that, while BEGIN alone can pass on a file opened read-only.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"PRAGMA user_version = {version}")
    except sqlite3.Error as exc:
        if refused(exc):
            raise write_error(conn, exc) from exc
        raise
    finally:
        rollback(conn)


def rollback(conn: sqlite3.Connection) -> None:
    """End an open transaction; SQLite may already have rolled it back after a full disk or an I/O error."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def iso(moment) -> str:
    """The one timestamp format stored: ISO 8601 in UTC to the microsecond, so text order is time order."""
    from datetime import timezone

    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
