"""Whatever is typed or piped at any prompt: a clean exit (0, 1 or 2), no traceback, no raw escape, a sound database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE = ["[/x]", "[/]", "[bold]", "\x1b]0;owned\x07", "\x1b[2J", "\x1b[A", "\u202e", "\x00", "\x9b31m", "🙂"]
COMMANDS = ["a", "b", "c", "d", "1", "2", "3", "4", "u", "s", "q", "", " ", "0.5", "1/4", "25%", "nan", "1e999"]
KINDS = ["mcq", "flashcard", "numeric"]

lines = st.lists(
    st.one_of(
        st.sampled_from(COMMANDS),
        st.sampled_from(HOSTILE),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    ),
    max_size=10,
)


def sound_database(db) -> int:
    """The number of answers, after checking every row is valid and every state points at its latest answer."""
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM review_log WHERE rating NOT BETWEEN 1 AND 4").fetchone()[0] == 0
        stale = conn.execute(
            "SELECT count(*) FROM card_state AS c "
            "WHERE c.last_log_id IS NOT (SELECT max(r.id) FROM review_log AS r WHERE r.item_id = c.item_id)"
        ).fetchone()[0]
        assert stale == 0
        return conn.execute("SELECT count(*) FROM review_log").fetchone()[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), typed=lines)
def test_any_typed_lines_end_cleanly(run, quizprep_home, kind, typed):
    before = sound_database(quizprep_home / "quizprep.db")
    result = run("quiz", "--type", kind, "-n", "2", "--seed", "3", input="\n".join(typed) + "\n")
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "unexpected problem" not in result.output, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    after = sound_database(quizprep_home / "quizprep.db")
    assert before <= after <= before + 2  # never more answers than questions


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), raw=st.binary(max_size=200), encoding=st.sampled_from(["utf-8", "ascii"]))
def test_any_piped_bytes_end_cleanly(tmp_path_factory, kind, raw, encoding):
    home = tmp_path_factory.mktemp("home")
    env = {**os.environ, "QUIZPREP_HOME": str(home), "NO_COLOR": "1", "PYTHONIOENCODING": encoding}
    env["PYTHONWARNINGS"] = "ignore"
    result = subprocess.run(
        [sys.executable, "-m", "quizprep", "quiz", "--type", kind, "-n", "2", "--seed", "3"],
        input=raw + b"\n\x1b[2J\xff\xfe[/x]\nq\n",
        capture_output=True,
        timeout=120,
        env=env,
    )
    assert result.returncode in (0, 1, 2), result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr and b"unexpected problem" not in result.stderr
    assert b"\x1b" not in result.stdout and b"\x1b" not in result.stderr
    assert sound_database(home / "quizprep.db") <= 2
