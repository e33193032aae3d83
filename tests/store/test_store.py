"""The SQLite state: migrations on an empty and an older database, pragmas, identity checks, writes."""

from __future__ import annotations

import sqlite3

import pytest

from quizprep import store
from quizprep.errors import QuizprepError
from quizprep.paths import db_path


def test_migrations_on_an_empty_database(quizprep_home):
    path = db_path()
    assert path == quizprep_home / "quizprep.db"
    conn = store.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS) == store.SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == store.BUSY_TIMEOUT_MS
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"card_state", "review_log", "settings"}
    columns = [r[1] for r in conn.execute("PRAGMA table_info(review_log)")]
    assert columns == ["id", "item_id", "reviewed_at", "rating", "correct", "answer_ms", "mode"]
    conn.close()


def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "q.db"
    store.connect(path).close()
    conn = store.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    assert not list(tmp_path.glob("*.bak"))


def test_older_schema_is_migrated_forward_with_a_backup(tmp_path):
    path = tmp_path / "q.db"
    old = sqlite3.connect(path, isolation_level=None)
    for statement in store._statements(store.MIGRATIONS[0][1]):
        old.execute(statement)
    old.execute(f"PRAGMA application_id = {store.APPLICATION_ID}")
    old.execute("PRAGMA user_version = 1")
    old.close()
    conn = store.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    (backup,) = tmp_path.glob("q.db.v1.*.bak")
    assert backup.exists()
    with sqlite3.connect(backup) as kept:
        assert kept.execute("PRAGMA user_version").fetchone()[0] == 1


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "q.db"
    with sqlite3.connect(path) as newer:
        newer.execute(f"PRAGMA application_id = {store.APPLICATION_ID}")
        newer.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(QuizprepError, match="newer than this quizprep knows"):
        store.connect(path)
    assert path.read_bytes() == before


def test_garbage_file_is_refused_untouched(tmp_path):
    path = tmp_path / "q.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(QuizprepError, match="is not a quizprep database"):
        store.connect(path)
    assert path.read_bytes() == before


def test_someone_elses_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "q.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
        other.execute("INSERT INTO notes VALUES ('mine')")
    before = path.read_bytes()
    with pytest.raises(QuizprepError, match="did not create"):
        store.connect(path)
    assert path.read_bytes() == before


def test_record_answer_writes_state_and_log_together(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    card = store.CardRow("softmax-function", '{"state": 1}', "2026-11-21T10:10:00+00:00", 1, reps=1, lapses=0)
    review = store.Review("softmax-function", "2026-11-21T10:00:00+00:00", 3, "quiz", correct=True, answer_ms=4200)
    store.record_answer(conn, card, review, now="2026-11-21T10:00:00+00:00")
    card2 = store.CardRow("softmax-function", '{"state": 2}', "2026-11-24T10:00:00+00:00", 2, reps=2, lapses=0)
    review2 = store.Review("softmax-function", "2026-11-21T10:10:00+00:00", 1, "review")
    store.record_answer(conn, card2, review2, now="2026-11-21T10:10:00+00:00")
    card2.last_log_id = 2  # the state remembers the log row it came from
    assert store.card_row(conn, "softmax-function") == card2
    assert store.reviews(conn) == [review, review2]
    assert [r.to_dict() for r in store.reviews(conn, "softmax-function")][0]["correct"] is True
    assert store.Review.from_dict(review.to_dict()) == review


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    card = store.CardRow("item", "{}", "2026-11-21T10:00:00+00:00", 1)
    bad = store.Review("item", "2026-11-21T10:00:00+00:00", 9, "quiz")  # rating out of range
    with pytest.raises(sqlite3.IntegrityError):
        store.record_answer(conn, card, bad, now="2026-11-21T10:00:00+00:00")
    assert store.card_row(conn, "item") is None
    assert store.reviews(conn) == []


def test_log_rows_need_an_item_state(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO review_log (item_id, reviewed_at, rating, mode) VALUES ('ghost', '2026-01-01', 3, 'quiz')"
        )


def test_commands_refuse_a_corrupt_database_and_leave_it_alone(run, quizprep_home):
    quizprep_home.mkdir(parents=True, exist_ok=True)
    path = quizprep_home / "quizprep.db"
    path.write_bytes(b"\x00garbage\xff" * 500)
    before = path.read_bytes()
    for args in (("quiz", "-n", "1"), ("review",), ("stats",), ("config",)):
        result = run(*args, input="q\n")
        assert result.exit_code == 1, result.output
        assert "is not a quizprep database" in result.stderr
        assert "Traceback" not in result.output
    assert path.read_bytes() == before
