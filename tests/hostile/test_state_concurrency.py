"""Two terminals on one database: both answers land, the card follows the later one, undo takes back only its own."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone

from quizprep import store
from quizprep.api import Policy
from quizprep.session import Recorder

FLASHCARDS = ("quiz", "--type", "flashcard", "-n", "2", "--seed", "5")


def terminal(home):
    env = {**os.environ, "QUIZPREP_HOME": str(home), "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen(
        [sys.executable, "-m", "quizprep", *FLASHCARDS],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def rows(db) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT id, item_id, rating FROM review_log ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            return []


def wait_for(db, count: int) -> list[tuple]:
    deadline = time.monotonic() + 60
    while len(rows(db)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return rows(db)


def last_log_id(db, item: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT last_log_id FROM card_state WHERE item_id = ?", (item,)).fetchone()[0]


def test_undo_in_one_terminal_never_touches_the_other_terminals_later_answer(tmp_path):
    db = tmp_path / "quizprep.db"
    first, second = terminal(tmp_path), terminal(tmp_path)
    try:
        first.stdin.write(b"attempt\n2\n")
        first.stdin.flush()
        assert len(wait_for(db, 1)) == 1
        second.stdin.write(b"attempt\n4\n")
        second.stdin.flush()
        both = wait_for(db, 2)
        assert [rating for _, _, rating in both] == [2, 4] and both[0][1] == both[1][1]  # the same item, twice
        item = both[0][1]
        assert last_log_id(db, item) == both[1][0]  # the card follows the later answer
        out_first, _ = first.communicate(b"u\nq\n", timeout=60)
        assert b"Not undone: another session answered this item since; nothing was undone." in out_first
        assert rows(db) == both
        assert last_log_id(db, item) == both[1][0]
        out_second, _ = second.communicate(b"u\nq\n", timeout=60)
        assert b"Undone" in out_second
        assert rows(db) == both[:1]  # only its own answer went; the first terminal's stays
        assert last_log_id(db, item) == both[0][0]
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.kill()
    assert (first.returncode, second.returncode) == (0, 0)


def test_two_recorders_on_one_item_both_land_and_the_card_reflects_the_later(tmp_path):
    path = tmp_path / "q.db"
    one = Recorder(store.connect(path), Policy(), "quiz")
    two = Recorder(store.connect(path), Policy(), "review")
    start = datetime(2026, 11, 21, 10, tzinfo=timezone.utc)
    a = one.record("softmax", 3, None, 1000, start)
    b = two.record("softmax", 1, None, 1000, start.replace(minute=5))
    assert b.previous == a.card.__class__(**{**a.card.__dict__, "last_log_id": a.log_id})  # B computed from A's row
    stored = store.card_row(one.conn, "softmax")
    assert (stored.card_json, stored.reps, stored.last_log_id) == (b.card.card_json, 2, b.log_id)
    assert [r.rating for r in store.reviews(one.conn, "softmax")] == [3, 1]
