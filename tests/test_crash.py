"""Real processes: a session killed with SIGKILL keeps every answer given; two sessions at once both finish."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest


def quiz_process(home, *args):
    env = {**os.environ, "QUIZPREP_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "quizprep", "quiz", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def answers_in(db) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT count(*) FROM review_log").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is a POSIX signal")
def test_kill_9_mid_session_loses_no_answer(tmp_path):
    db = tmp_path / "quizprep.db"
    proc = quiz_process(tmp_path, "--type", "flashcard", "-n", "5", "--seed", "3")
    proc.stdin.write(b"first attempt\n3\nsecond attempt\n2\nthird attempt\n")  # two answers, a third half-given
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while answers_in(db) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in conn.execute("SELECT rating FROM review_log ORDER BY id")] == [3, 2]
        assert conn.execute("SELECT count(*) FROM card_state").fetchone()[0] == 2


def test_two_sessions_at_once_keep_every_answer(tmp_path):
    script = b"".join(b"attempt\n%d\n" % (1 + n % 4) for n in range(8))
    first = quiz_process(tmp_path, "--type", "flashcard", "-n", "8", "--seed", "1")
    second = quiz_process(tmp_path, "--type", "flashcard", "-n", "8", "--seed", "2")
    out = [proc.communicate(script, timeout=120) for proc in (first, second)]
    assert first.returncode == 0, out[0][1].decode()
    assert second.returncode == 0, out[1][1].decode()
    assert answers_in(tmp_path / "quizprep.db") == 16
