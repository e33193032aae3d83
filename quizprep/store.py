"""Review state in SQLite: the connection, the schema's migrations, and writing an answer.

The database lives at `paths.db_path()`. It runs in WAL mode with foreign keys on
and a busy timeout, so a second terminal waits briefly instead of failing.
The schema is built by MIGRATIONS, a list that is only ever appended to: the
number applied is kept in `PRAGMA user_version`, and the file is marked as
quizprep's with `PRAGMA application_id` so that quizprep never alters a
database that is not its own.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from quizprep.errors import QuizprepError

APPLICATION_ID = 0x51505250  # "QPRP"
BUSY_TIMEOUT_MS = 10_000

# (name, SQL). Append only: a migration that has shipped is never edited.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "card state and review log",
        """
        CREATE TABLE card_state (
            item_id    TEXT PRIMARY KEY,
            card_json  TEXT NOT NULL,        -- the fsrs Card, as fsrs serialises it
            due        TEXT NOT NULL,        -- ISO 8601, UTC
            state      INTEGER NOT NULL,     -- fsrs State: 1 learning, 2 review, 3 relearning
            reps       INTEGER NOT NULL DEFAULT 0 CHECK (reps >= 0),
            lapses     INTEGER NOT NULL DEFAULT 0 CHECK (lapses >= 0),
            updated_at TEXT NOT NULL
        );
        CREATE INDEX card_state_due ON card_state (due);
        CREATE TABLE review_log (
            id          INTEGER PRIMARY KEY,
            item_id     TEXT NOT NULL REFERENCES card_state (item_id) ON DELETE CASCADE,
            reviewed_at TEXT NOT NULL,       -- ISO 8601, UTC
            rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            correct     INTEGER CHECK (correct IN (0, 1)),  -- NULL when self-rated
            answer_ms   INTEGER CHECK (answer_ms >= 0),
            mode        TEXT NOT NULL
        );
        CREATE INDEX review_log_item_time ON review_log (item_id, reviewed_at);
        CREATE INDEX review_log_time ON review_log (reviewed_at);
        """,
    ),
    (
        "settings",
        """
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


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
        return cls(**{key: data.get(key) for key in ("item_id", "reviewed_at", "rating", "mode", "correct", "answer_ms")})


@dataclass
class CardRow:
    """An item's scheduling state as stored."""

    item_id: str
    card_json: str
    due: str
    state: int
    reps: int = 0
    lapses: int = 0


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at `path`, migrated to the current schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        version = _check_identity(conn, path)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _retry_while_locked(lambda: _use_wal(conn))
        conn.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            if version > 0:
                backup(conn, path.with_name(f"{path.name}.v{version}.bak"))
            _retry_while_locked(lambda: migrate(conn, version))
    except BaseException:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """WAL is a property of the file: set it once; a second process finds it already on."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")


def _retry_while_locked(action, seconds: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """Run `action`, retrying while another process holds the lock.

    Switching the journal mode can report 'database is locked' at once, without
    waiting on the busy timeout, when two processes create the database together.
    """
    import time

    deadline = time.monotonic() + seconds
    delay = 0.01
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _check_identity(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a quizprep database; refuse anything else without writing to it."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise QuizprepError(
            f"{path} is not a quizprep database ({exc}). Move it aside or set QUIZPREP_HOME to another folder; "
            "quizprep has not changed it."
        ) from None
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables > 0):
        raise QuizprepError(
            f"{path} is an SQLite database that quizprep did not create. Move it aside or set QUIZPREP_HOME "
            "to another folder; quizprep has not changed it."
        )
    if version > SCHEMA_VERSION:
        raise QuizprepError(
            f"{path} has schema version {version}, newer than this quizprep knows ({SCHEMA_VERSION}). "
            "Upgrade quizprep (pip install -U quizprep); the database has not been changed."
        )
    return version


def migrate(conn: sqlite3.Connection, current: int) -> None:
    """Apply the migrations after `current`, each in its own transaction with its version.

    The version is read again inside each transaction: two processes opening a new
    database at once must not both apply the same migration.
    """
    for number, (name, sql) in enumerate(MIGRATIONS[current:], start=current + 1):
        with transaction(conn):
            if conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {number}")


def _statements(sql: str) -> list[str]:
    """A migration script as single statements (migrations keep `;` and `--` out of string literals)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [statement.strip() for statement in code.split(";") if statement.strip()]


def backup(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the database to `target` before a migration changes it."""
    destination = sqlite3.connect(target)
    try:
        conn.backup(destination)
    finally:
        destination.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: a write lock taken up front avoids deadlocks."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def record_answer(conn: sqlite3.Connection, card: CardRow, review: Review, now: str) -> int:
    """Save an item's new state and append its review-log row in one transaction; returns the log row id."""
    with transaction(conn):
        return save_answer(conn, card, review, now)


def save_answer(conn: sqlite3.Connection, card: CardRow, review: Review, now: str) -> int:
    """The two writes of one answer, for a caller that holds the transaction."""
    conn.execute(
        """
        INSERT INTO card_state (item_id, card_json, due, state, reps, lapses, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (item_id) DO UPDATE SET
            card_json = excluded.card_json, due = excluded.due, state = excluded.state,
            reps = excluded.reps, lapses = excluded.lapses, updated_at = excluded.updated_at
        """,
        (card.item_id, card.card_json, card.due, card.state, card.reps, card.lapses, now),
    )
    cursor = conn.execute(
        "INSERT INTO review_log (item_id, reviewed_at, rating, correct, answer_ms, mode) VALUES (?, ?, ?, ?, ?, ?)",
        (
            review.item_id,
            review.reviewed_at,
            review.rating,
            None if review.correct is None else int(review.correct),
            review.answer_ms,
            review.mode,
        ),
    )
    return cursor.lastrowid


def card_row(conn: sqlite3.Connection, item_id: str) -> CardRow | None:
    row = conn.execute(
        "SELECT item_id, card_json, due, state, reps, lapses FROM card_state WHERE item_id = ?", (item_id,)
    ).fetchone()
    return CardRow(*row) if row else None


def reviews(conn: sqlite3.Connection, item_id: str | None = None) -> list[Review]:
    """Review-log rows, oldest first; all of them, or one item's."""
    sql = "SELECT item_id, reviewed_at, rating, mode, correct, answer_ms FROM review_log"
    args: tuple = ()
    if item_id is not None:
        sql += " WHERE item_id = ?"
        args = (item_id,)
    rows = conn.execute(sql + " ORDER BY reviewed_at, id", args).fetchall()
    return [
        Review(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5])
        for r in rows
    ]


def all_cards(conn: sqlite3.Connection) -> dict[str, CardRow]:
    """Every stored card state, by item id (drills use 'drill:NAME')."""
    rows = conn.execute("SELECT item_id, card_json, due, state, reps, lapses FROM card_state").fetchall()
    return {row[0]: CardRow(*row) for row in rows}


def undo_answer(conn: sqlite3.Connection, log_id: int, item_id: str, previous: CardRow | None) -> None:
    """Remove one review-log row and put the item's state back as it was, in one transaction."""
    with transaction(conn):
        conn.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
        if previous is None:
            conn.execute("DELETE FROM card_state WHERE item_id = ?", (item_id,))
        else:
            conn.execute(
                "UPDATE card_state SET card_json = ?, due = ?, state = ?, reps = ?, lapses = ? WHERE item_id = ?",
                (previous.card_json, previous.due, previous.state, previous.reps, previous.lapses, item_id),
            )


def answered_since(conn: sqlite3.Connection, since: str) -> tuple[int, int]:
    """(answers since `since`, items whose first answer ever came since `since`): today's review and new counts."""
    answers = conn.execute("SELECT count(*) FROM review_log WHERE reviewed_at >= ?", (since,)).fetchone()[0]
    new = conn.execute(
        """
        SELECT count(DISTINCT r.item_id) FROM review_log AS r INDEXED BY review_log_time
        WHERE r.reviewed_at >= ?
          AND NOT EXISTS (SELECT 1 FROM review_log AS p WHERE p.item_id = r.item_id AND p.reviewed_at < ?)
        """,
        (since, since),
    ).fetchone()[0]
    return answers, new


def iso(moment) -> str:
    """The one timestamp format stored: ISO 8601 in UTC to the microsecond, so text order is time order."""
    from datetime import timezone

    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def orphans(conn: sqlite3.Connection, known: set[str]) -> list[tuple[str, int, str]]:
    """(item id, answers, last answer) for stored items that are not in `known`."""
    rows = conn.execute(
        """
        SELECT c.item_id, count(r.id), max(r.reviewed_at)
        FROM card_state AS c LEFT JOIN review_log AS r ON r.item_id = c.item_id
        GROUP BY c.item_id ORDER BY c.item_id
        """
    ).fetchall()
    return [(item_id, answers, last or "") for item_id, answers, last in rows if item_id not in known]


def prune(conn: sqlite3.Connection, item_ids: list[str]) -> int:
    """Delete the state (and, by cascade, the review log) of these items, in one transaction."""
    with transaction(conn):
        for item_id in item_ids:
            conn.execute("DELETE FROM card_state WHERE item_id = ?", (item_id,))
    return len(item_ids)
