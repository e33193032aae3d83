"""An answer is saved or the user is told it was not: full disk, read-only, I/O errors and locks held by others."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quizprep import session, store
from tests.helpers.bank import log_rows

QUIZ = ("quiz", "--type", "mcq", "-n", "2", "--seed", "4")


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


def break_writes(monkeypatch, trigger: str, message: str) -> None:
    real = store.open_state
    monkeypatch.setattr(store, "open_state", lambda: Faulty(real(), trigger, message))


def answered_part(output: str) -> str:
    """What came after the first answer was typed."""
    return output.split("Your answer (A, B, C or D): ", 1)[1]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("database or disk is full", "the disk is full"),
        ("attempt to write a readonly database", "the database is read-only"),
        ("disk I/O error", "a disk I/O error"),
    ],
)
def test_an_answer_that_cannot_be_saved_is_reported_unsaved_and_exits_1(
    run, quizprep_home, monkeypatch, message, reason
):
    break_writes(monkeypatch, "INSERT INTO review_log", message)
    result = run(*QUIZ, input="a\nb\n")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Error: your last answer was not saved: {reason} (")
    assert "Answers confirmed as 'Saved.' before it are kept." in result.stderr
    assert "Saved." not in result.stdout and "Correct" not in result.stdout and "Not quite" not in result.stdout
    assert "unexpected" not in result.stderr and "Traceback" not in result.output
    assert log_rows(quizprep_home) == []


def test_a_read_only_database_is_refused_before_any_question(run, quizprep_home, monkeypatch):
    real = store.open_state

    def query_only():
        conn = real()
        conn.execute("PRAGMA query_only = 1")
        return conn

    monkeypatch.setattr(store, "open_state", query_only)
    result = run(*QUIZ, input="a\nb\n")
    assert result.exit_code == 1, result.output
    assert "no answer could be saved: the database is read-only" in result.stderr
    assert "nothing was asked" in result.stderr
    assert "Question 1" not in result.stdout
    assert log_rows(quizprep_home) == []


def hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the write lock for `seconds`; returns once the lock is held."""
    script = (
        "import sqlite3, sys, time\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('BEGIN EXCLUSIVE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "conn.execute('COMMIT')\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_locked_database_makes_the_answer_wait_then_land(run, quizprep_home):
    assert run("config").exit_code == 0  # the database exists, migrated
    holder = hold_lock(quizprep_home / "quizprep.db", 3)
    started = time.monotonic()
    result = run(*QUIZ, input="a\nq\n")
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert result.exit_code == 0, result.output
    after = answered_part(result.stdout)
    assert after.count("Waiting for another quizprep session") == 1
    assert after.index("Waiting for another quizprep session") < after.index("Saved.")
    assert waited > 1.5
    assert len(log_rows(quizprep_home)) == 1


def test_a_lock_held_past_the_wait_is_reported_unsaved(run, quizprep_home, monkeypatch):
    monkeypatch.setattr(session, "SAVE_WAIT_SECONDS", 1.5)
    assert run("config").exit_code == 0
    holder = hold_lock(quizprep_home / "quizprep.db", 6)
    try:
        result = run(*QUIZ, input="a\nq\n")
    finally:
        holder.wait(timeout=30)
    assert result.exit_code == 1, result.output
    assert "Waiting for another quizprep session" in result.stdout
    assert "Saved." not in result.stdout
    assert (
        "your last answer was not saved: another quizprep session kept the database locked for over 1.5 s"
        in result.stderr
    )
    assert log_rows(quizprep_home) == []


def test_the_catch_all_names_the_problem_and_promises_only_what_it_knows(run, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("\x1b]0;owned\x07boom [/x]")

    monkeypatch.setattr("quizprep.modes.quiz.run_quiz", broken)
    monkeypatch.delenv("QUIZPREP_DEBUG", raising=False)
    result = run(*QUIZ, input="a\n")
    assert result.exit_code == 1
    assert "quizprep hit an unexpected problem: RuntimeError: ␛]0;owned␇boom [/x]. This is a bug" in result.stderr
    assert "Answers confirmed as 'Saved.' are kept" in result.stderr
    assert "Nothing you already answered is lost" not in result.stderr
    assert "\x1b" not in result.stderr


def fill(folder: Path) -> None:
    """Write zeros into `folder` until the file system says it is full."""
    filler = open(folder / "filler", "wb", buffering=0)
    try:
        while True:
            filler.write(b"\0" * 4096)
    except OSError:
        pass
    finally:
        filler.close()


@pytest.mark.skipif(sys.platform != "linux" or os.geteuid() != 0, reason="mounting a small tmpfs needs Linux and root")
def test_a_really_full_disk_mid_session_loses_the_answer_loudly(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        env = {**os.environ, "QUIZPREP_HOME": str(mount / "home"), "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
        quiz = subprocess.Popen(
            [sys.executable, "-m", "quizprep", *QUIZ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        deadline = time.monotonic() + 60
        while not (mount / "home" / "quizprep.db-wal").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the session is at its first prompt
        fill(mount)
        out, err = quiz.communicate(b"a\nq\n", timeout=60)
        rows = sqlite3.connect(mount / "home" / "quizprep.db").execute("SELECT count(*) FROM review_log").fetchone()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
    assert quiz.returncode == 1, err.decode()
    assert b"your last answer was not saved: " in err, err.decode()
    assert b"the disk is full" in err or b"a disk I/O error" in err, err.decode()
    assert b"Saved." not in out
    assert rows == (0,)
