"""The store under faults and rivals: refused writes as WriteError, compare-and-swap saves, guarded undo."""

from __future__ import annotations

import sqlite3

import pytest

from quizprep import store
from quizprep.store.migrations import MIGRATIONS


class Faulty:
    """A connection whose statements containing `trigger` fail with SQLite's own error text."""

    def __init__(self, conn: sqlite3.Connection, trigger: str, message: str):
        self.conn, self.trigger, self.message = conn, trigger, message

    def execute(self, sql: str, *args):
        if self.trigger in sql:
            raise sqlite3.OperationalError(self.message)
        return self.conn.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def card(item: str, text: str = "{}") -> store.CardRow:
    return store.CardRow(item, text, "2026-11-21T10:00:00.000000+00:00", 1, reps=1)


def review(item: str, at: str = "2026-11-21T10:00:00.000000+00:00", rating: int = 3) -> store.Review:
    return store.Review(item, at, rating, "quiz")


@pytest.mark.parametrize(
    ("message", "reason", "locked"),
    [
        ("database or disk is full", "the disk is full", False),
        ("attempt to write a readonly database", "the database is read-only", False),
        ("disk I/O error", "a disk I/O error", False),
        ("database is locked", "another quizprep session is holding the database", True),
    ],
)
def test_refused_writes_become_write_errors_and_leave_nothing(tmp_path, message, reason, locked):
    conn = store.connect(tmp_path / "q.db")
    faulty = Faulty(conn, "INSERT INTO review_log", message)
    with pytest.raises(store.WriteError) as caught:
        store.record_answer(faulty, card("item"), review("item"), now="2026-11-21T10:00:00+00:00")
    assert (caught.value.reason, caught.value.locked) == (reason, locked)
    assert str(caught.value) == (
        f"the state database ({tmp_path / 'q.db'}) could not be written: {reason}; nothing of that change was kept"
    )
    assert not conn.in_transaction
    assert store.card_row(conn, "item") is None and store.reviews(conn) == []


def test_a_failed_commit_is_rolled_back_and_the_connection_stays_usable(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    faulty = Faulty(conn, "COMMIT", "disk I/O error")
    with pytest.raises(store.WriteError, match="a disk I/O error"):
        store.record_answer(faulty, card("item"), review("item"), now="2026-11-21T10:00:00+00:00")
    assert not conn.in_transaction
    assert store.reviews(conn) == []
    store.record_answer(conn, card("item"), review("item"), now="2026-11-21T10:00:00+00:00")
    assert len(store.reviews(conn)) == 1


def test_a_broken_constraint_is_still_a_bug_not_a_write_error(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    with pytest.raises(sqlite3.IntegrityError):
        store.record_answer(conn, card("item"), review("item", rating=7), now="2026-11-21T10:00:00+00:00")


def test_probe_write_refuses_a_read_only_connection_and_changes_nothing(tmp_path):
    path = tmp_path / "q.db"
    store.connect(path).close()
    before = path.read_bytes()
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(store.WriteError, match="the database is read-only"):
        store.probe_write(read_only)
    query_only = store.connect(path)
    query_only.execute("PRAGMA query_only = 1")
    with pytest.raises(store.WriteError, match="the database is read-only"):
        store.probe_write(query_only)
    writable = store.connect(path)
    store.probe_write(writable)
    assert not writable.in_transaction
    assert writable.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    for conn in (read_only, query_only, writable):
        conn.close()
    assert path.read_bytes() == before


def test_saving_over_a_row_that_changed_is_a_conflict(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    first = store.record_answer(conn, card("item", '{"a": 1}'), review("item"), now="t1")
    stale = store.card_row(conn, "item")
    assert stale.last_log_id == first
    second = store.record_answer(conn, card("item", '{"a": 2}'), review("item"), now="t2")
    with pytest.raises(store.Conflict):
        with store.transaction(conn):
            store.save_answer_over(conn, stale, card("item", '{"a": 3}'), review("item"), "t3")
    with pytest.raises(store.Conflict):
        with store.transaction(conn):
            store.save_answer_over(conn, None, card("item", '{"a": 3}'), review("item"), "t3")
    assert store.card_row(conn, "item").card_json == '{"a": 2}'
    assert store.card_row(conn, "item").last_log_id == second
    assert len(store.reviews(conn)) == 2
    with store.transaction(conn):
        third = store.save_answer_over(
            conn, store.card_row(conn, "item"), card("item", '{"a": 3}'), review("item"), "t"
        )
    assert (store.card_row(conn, "item").card_json, store.card_row(conn, "item").last_log_id) == ('{"a": 3}', third)


def two_answers(tmp_path):
    """Terminal A answers an item, then terminal B answers it: (a, b, A's log id, the row before A, B's log id)."""
    path = tmp_path / "q.db"
    a, b = store.connect(path), store.connect(path)
    with store.transaction(a):
        a_id = store.save_answer_over(a, None, card("item", '{"by": "A"}'), review("item", "2026-11-21T10:00:00"), "t")
    before_b = store.card_row(b, "item")
    with store.transaction(b):
        b_id = store.save_answer_over(
            b, before_b, card("item", '{"by": "B"}'), review("item", "2026-11-21T10:05:00"), "t"
        )
    return a, b, a_id, before_b, b_id


def test_undo_is_refused_when_another_session_answered_the_item_since(tmp_path):
    a, b, a_id, _, b_id = two_answers(tmp_path)
    with pytest.raises(store.Conflict, match="another session answered this item since; nothing was undone"):
        store.undo_answer(a, a_id, "item", None)
    assert [r.reviewed_at for r in store.reviews(a, "item")] == ["2026-11-21T10:00:00", "2026-11-21T10:05:00"]
    assert store.card_row(a, "item").card_json == '{"by": "B"}'
    assert store.card_row(a, "item").last_log_id == b_id


def test_undo_of_the_latest_answer_restores_the_earlier_sessions_state(tmp_path):
    a, b, a_id, before_b, b_id = two_answers(tmp_path)
    store.undo_answer(b, b_id, "item", before_b)
    assert [r.reviewed_at for r in store.reviews(a, "item")] == ["2026-11-21T10:00:00"]
    assert store.card_row(a, "item").card_json == '{"by": "A"}'
    assert store.card_row(a, "item").last_log_id == a_id
    store.undo_answer(a, a_id, "item", None)  # now A's answer is the latest again
    assert store.card_row(a, "item") is None and store.reviews(a) == []


def test_undo_of_a_row_that_is_gone_or_whose_state_moved_on_is_refused(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    log_id = store.record_answer(conn, card("item"), review("item"), now="t")
    with pytest.raises(store.Conflict, match="no longer in the log"):
        store.undo_answer(conn, log_id + 1, "item", None)
    conn.execute("UPDATE card_state SET last_log_id = NULL")  # as a script writing the state would leave it
    with pytest.raises(store.Conflict, match="schedule was changed since"):
        store.undo_answer(conn, log_id, "item", None)
    assert len(store.reviews(conn)) == 1


def test_the_last_review_migration_links_existing_states_to_their_latest_log_row(tmp_path):
    path = tmp_path / "q.db"
    old = sqlite3.connect(path, isolation_level=None)
    for _, sql in MIGRATIONS[:2]:
        for statement in store._statements(sql):
            old.execute(statement)
    old.execute(f"PRAGMA application_id = {store.APPLICATION_ID}")
    old.execute("PRAGMA user_version = 2")
    old.execute(
        "INSERT INTO card_state VALUES ('x', '{}', '2026', 1, 2, 0, '2026'), ('y', '{}', '2026', 1, 1, 0, '2026')"
    )
    old.execute("INSERT INTO review_log (item_id, reviewed_at, rating, mode) VALUES ('x', 'a', 3, 'quiz')")
    old.execute("INSERT INTO review_log (item_id, reviewed_at, rating, mode) VALUES ('y', 'b', 3, 'quiz')")
    old.execute("INSERT INTO review_log (item_id, reviewed_at, rating, mode) VALUES ('x', 'c', 3, 'quiz')")
    old.close()
    conn = store.connect(path)
    assert {key: row.last_log_id for key, row in store.all_cards(conn).items()} == {"x": 3, "y": 2}
    assert len(list(tmp_path.glob("q.db.v2.*.bak"))) == 1
