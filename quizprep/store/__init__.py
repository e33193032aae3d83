"""Review state in SQLite: opening the database, its identity and migrations, transactions.

    connect(path), open_state()   the database, migrated to the current schema
    transaction(conn)             BEGIN IMMEDIATE ... COMMIT; a refused write becomes WriteError
    WriteError, Conflict          a write the database refused; a change another session overtook
    migrations                    the schema, appended to, never edited
    queries                       every other SQL statement (re-exported here)

The database lives at `paths.db_path()`. It runs in WAL mode with foreign keys on
and a busy timeout, so a second terminal waits briefly instead of failing.
The schema is built by MIGRATIONS, a list that is only ever appended to: the
number applied is kept in `PRAGMA user_version`, and the file is marked as
quizprep's with `PRAGMA application_id` so that quizprep never alters a
database that is not its own.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quizprep.clock import utc_now
from quizprep.errors import QuizprepError
from quizprep.paths import new_backup_path
from quizprep.store.base import (
    CardRow,
    Conflict,
    Review,
    WriteError,
    database_file,
    failure_reason,
    iso,
    probe_write,
    refused,
    transaction,
)
from quizprep.store.migrations import MIGRATIONS, SCHEMA_VERSION

APPLICATION_ID = 0x51505250  # "QPRP"
BUSY_TIMEOUT_MS = 10_000


def open_state() -> sqlite3.Connection:
    """The user's own state database (`paths.db_path()`), created on first use."""
    from quizprep.paths import db_path

    return connect(db_path())


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
                backup(conn, new_backup_path(path, f"v{version}", utc_now()))
            _retry_while_locked(lambda: migrate(conn, version))
    except BaseException as exc:
        conn.close()
        if refused(exc):
            reason = failure_reason(exc)[0]
            raise QuizprepError(f"the state database {path} cannot be used: {reason}. It was not changed.") from exc
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
        except (sqlite3.OperationalError, WriteError) as exc:
            locked = exc.locked if isinstance(exc, WriteError) else failure_reason(exc)[1]
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _check_identity(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a quizprep database; refuse anything else without writing to it."""
    try:
        app_id, version, tables = _identity_snapshot(conn)
    except sqlite3.OperationalError as exc:  # the file may be fine; the disk or the permissions are not
        raise QuizprepError(
            f"the state database {path} cannot be read: {failure_reason(exc)[0]}. It was not changed."
        ) from None
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


def _identity_snapshot(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(application id, schema version, tables) read in one read transaction: another process
    creating the database at this moment must not be seen half done (tables, but no id yet)."""
    conn.execute("BEGIN")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    finally:
        conn.execute("ROLLBACK")
    return app_id, version, tables


def migrate(conn: sqlite3.Connection, current: int) -> None:
    """Apply the migrations after `current`, each in its own transaction with its version.

    The version is read again inside each transaction: two processes opening a new
    database at once must not both apply the same migration.
    """
    for number, (_name, sql) in enumerate(MIGRATIONS[current:], start=current + 1):
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


# The queries are part of the store's surface: `store.all_cards(conn)` and so on.
from quizprep.store.queries import (  # noqa: E402
    all_cards,
    answered_since,
    card_row,
    counts,
    due_counts,
    insert_history,
    log_entries,
    next_due,
    orphans,
    prune,
    record_answer,
    review_durations,
    reviews,
    save_answer,
    save_answer_over,
    seconds_since,
    settings_delete,
    settings_get,
    settings_put,
    undo_answer,
)

__all__ = [
    "APPLICATION_ID",
    "Conflict",
    "WriteError",
    "database_file",
    "failure_reason",
    "probe_write",
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "CardRow",
    "Review",
    "backup",
    "connect",
    "iso",
    "open_state",
    "transaction",
    "all_cards",
    "answered_since",
    "card_row",
    "counts",
    "due_counts",
    "insert_history",
    "log_entries",
    "next_due",
    "orphans",
    "prune",
    "record_answer",
    "review_durations",
    "reviews",
    "save_answer",
    "save_answer_over",
    "seconds_since",
    "settings_delete",
    "settings_get",
    "settings_put",
    "undo_answer",
]
