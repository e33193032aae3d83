"""Every SQL statement quizprep runs on its state, except the schema itself (see `migrations`).

Each function takes an open connection; those that write open their own
transaction unless their name says the caller holds one.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from quizprep.store.base import CardRow, Conflict, Review, iso, transaction

CARD_COLUMNS = "item_id, card_json, due, state, reps, lapses, last_log_id"


def record_answer(conn: sqlite3.Connection, card: CardRow, review: Review, now: str) -> int:
    """Save an item's new state and append its review-log row in one transaction; returns the log row id."""
    with transaction(conn):
        return save_answer(conn, card, review, now)


def save_answer(conn: sqlite3.Connection, card: CardRow, review: Review, now: str) -> int:
    """The writes of one answer, whatever state was stored before, for a caller that holds the transaction."""
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
    return _append_log(conn, review)


def save_answer_over(
    conn: sqlite3.Connection, previous: CardRow | None, card: CardRow, review: Review, now: str
) -> int:
    """The writes of one answer as a compare-and-swap, for a caller that holds the transaction.

    `previous` is the stored row the new state was computed from (None: the item had none).
    If the stored row is no longer that one, Conflict is raised and the caller must roll back.
    """
    values = (card.card_json, card.due, card.state, card.reps, card.lapses, now)
    if previous is None:
        conn.execute(
            "INSERT INTO card_state (card_json, due, state, reps, lapses, updated_at, item_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO NOTHING",
            (*values, card.item_id),
        )
    else:
        conn.execute(
            "UPDATE card_state SET card_json = ?, due = ?, state = ?, reps = ?, lapses = ?, updated_at = ? "
            "WHERE item_id = ? AND card_json = ? AND last_log_id IS ?",
            (*values, card.item_id, previous.card_json, previous.last_log_id),
        )
    if conn.execute("SELECT changes()").fetchone()[0] != 1:
        raise Conflict(f"the stored state of '{card.item_id}' changed while this answer was being saved")
    return _append_log(conn, review)


def _append_log(conn: sqlite3.Connection, review: Review) -> int:
    """The review-log row of an answer, and the item's state marked as coming from it."""
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
    conn.execute("UPDATE card_state SET last_log_id = ? WHERE item_id = ?", (cursor.lastrowid, review.item_id))
    return cursor.lastrowid


def card_row(conn: sqlite3.Connection, item_id: str) -> CardRow | None:
    row = conn.execute(f"SELECT {CARD_COLUMNS} FROM card_state WHERE item_id = ?", (item_id,)).fetchone()
    return CardRow(*row) if row else None


def reviews(conn: sqlite3.Connection, item_id: str | None = None) -> list[Review]:
    """Review-log rows, oldest first; all of them, or one item's."""
    sql = "SELECT item_id, reviewed_at, rating, mode, correct, answer_ms FROM review_log"
    args: tuple = ()
    if item_id is not None:
        sql += " WHERE item_id = ?"
        args = (item_id,)
    rows = conn.execute(sql + " ORDER BY reviewed_at, id", args).fetchall()
    return [Review(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5]) for r in rows]


def all_cards(conn: sqlite3.Connection) -> dict[str, CardRow]:
    """Every stored card state, by item id (drills use 'drill:NAME')."""
    rows = conn.execute(f"SELECT {CARD_COLUMNS} FROM card_state").fetchall()
    return {row[0]: CardRow(*row) for row in rows}


def undo_answer(conn: sqlite3.Connection, log_id: int, item_id: str, previous: CardRow | None) -> None:
    """Remove one review-log row and put the item's state back as it was, in one transaction.

    Only while that answer is still the item's latest, from any terminal: otherwise Conflict
    says why, and nothing is changed.
    """
    with transaction(conn):
        _check_undoable(conn, log_id, item_id, previous)
        conn.execute("DELETE FROM review_log WHERE id = ? AND item_id = ?", (log_id, item_id))
        if previous is None:
            conn.execute("DELETE FROM card_state WHERE item_id = ?", (item_id,))
            return
        conn.execute(
            "UPDATE card_state SET card_json = ?, due = ?, state = ?, reps = ?, lapses = ?, "
            "last_log_id = (SELECT max(id) FROM review_log WHERE item_id = ?) WHERE item_id = ?",
            (previous.card_json, previous.due, previous.state, previous.reps, previous.lapses, item_id, item_id),
        )


def _check_undoable(conn: sqlite3.Connection, log_id: int, item_id: str, previous: CardRow | None) -> None:
    if conn.execute("SELECT 1 FROM review_log WHERE id = ? AND item_id = ?", (log_id, item_id)).fetchone() is None:
        raise Conflict("that answer is no longer in the log (another session removed it); nothing was undone")
    later = conn.execute("SELECT 1 FROM review_log WHERE item_id = ? AND id > ?", (item_id, log_id)).fetchone()
    if later is not None:
        raise Conflict("another session answered this item since; nothing was undone")
    stored = conn.execute("SELECT last_log_id FROM card_state WHERE item_id = ?", (item_id,)).fetchone()
    if stored is None or stored[0] != log_id:
        raise Conflict("this item's schedule was changed since by another session; nothing was undone")
    if previous is None:
        earlier = conn.execute("SELECT 1 FROM review_log WHERE item_id = ? AND id < ?", (item_id, log_id)).fetchone()
        if earlier is not None:
            raise Conflict("another session answered this item before this one was saved; nothing was undone")


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


def due_counts(conn: sqlite3.Connection, now: datetime) -> tuple[int, int, str | None]:
    """(due now, due in the next 24 hours, the first due moment after that or None)."""
    moment, tomorrow = iso(now), iso(now + timedelta(days=1))
    due_now = conn.execute("SELECT count(*) FROM card_state WHERE due <= ?", (moment,)).fetchone()[0]
    day = conn.execute("SELECT count(*) FROM card_state WHERE due > ? AND due <= ?", (moment, tomorrow)).fetchone()[0]
    later = conn.execute("SELECT min(due) FROM card_state WHERE due > ?", (tomorrow,)).fetchone()[0]
    return due_now, day, later


def next_due(conn: sqlite3.Connection, now: datetime) -> str | None:
    """The earliest due moment after `now`, as stored, or None."""
    return conn.execute("SELECT min(due) FROM card_state WHERE due > ?", (iso(now),)).fetchone()[0]


def log_entries(conn: sqlite3.Connection) -> list[tuple[str, str, int | None]]:
    """(item id, reviewed at, correct) of every answer, for the progress figures."""
    return conn.execute("SELECT item_id, reviewed_at, correct FROM review_log").fetchall()


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """(answers in the log, items with a stored state)."""
    answers = conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
    items = conn.execute("SELECT count(*) FROM card_state").fetchone()[0]
    return answers, items


def settings_get(conn: sqlite3.Connection) -> dict[str, str]:
    """Every stored setting as text, by name."""
    return dict(conn.execute("SELECT key, value FROM settings").fetchall())


def settings_put(conn: sqlite3.Connection, name: str, text: str) -> None:
    with transaction(conn):
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (name, text),
        )


def settings_delete(conn: sqlite3.Connection, name: str) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM settings WHERE key = ?", (name,))


def review_durations(conn: sqlite3.Connection, limit: int = 2000) -> dict[str, list[int]]:
    """Answer times (ms) of the latest review-mode answers, by kind: 'new' (an item's first answer),
    'recall' (a later answer rated Hard or better) and 'lapse' (a later answer rated Again)."""
    rows = conn.execute(
        """
        SELECT r.rating, r.answer_ms,
               NOT EXISTS (SELECT 1 FROM review_log AS p WHERE p.item_id = r.item_id AND p.id < r.id) AS first
        FROM review_log AS r
        WHERE r.mode = 'review' AND r.answer_ms IS NOT NULL
        ORDER BY r.id DESC LIMIT ?
        """,
        (limit,),
    ).fetchall()
    durations: dict[str, list[int]] = {"new": [], "recall": [], "lapse": []}
    for rating, answer_ms, first in rows:
        kind = "new" if first else ("lapse" if rating == 1 else "recall")
        durations[kind].append(answer_ms)
    return durations


def seconds_since(conn: sqlite3.Connection, since: str) -> float:
    """Seconds of answering recorded since `since` (answers without a time count nothing)."""
    total = conn.execute(
        "SELECT coalesce(sum(answer_ms), 0) FROM review_log WHERE reviewed_at >= ? AND answer_ms IS NOT NULL",
        (since,),
    ).fetchone()[0]
    return total / 1000


def insert_history(conn: sqlite3.Connection, card: CardRow, history: list[Review]) -> None:
    """An item's state and its imported review-log rows, for a caller that holds the transaction."""
    conn.execute(
        "INSERT INTO card_state (item_id, card_json, due, state, reps, lapses, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (card.item_id, card.card_json, card.due, card.state, card.reps, card.lapses, history[-1].reviewed_at),
    )
    for review in history:
        _append_log(conn, review)
