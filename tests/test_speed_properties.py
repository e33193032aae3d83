"""What keeps quizprep fast, checked without timing anything: lazy imports, the cache, indexed queries."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from quizprep import store

HEAVY = ("numpy", "fsrs", "genanki", "prompt_toolkit", "markdown_it")


def imported_modules(args: list[str], home, stdin: str = "", env: dict | None = None) -> set[str]:
    env = {**os.environ, "QUIZPREP_HOME": str(home), "NO_COLOR": "1", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "quizprep", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
    )
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["quiz", "--help"], ["list"], ["topics"], ["validate"], [], ["--plain"]]
)
def test_no_heavy_module_at_start_up(args, quizprep_home):
    loaded = imported_modules(args, quizprep_home)
    assert "typer" in loaded  # the trace worked
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}


def test_the_dashboard_reads_no_yaml_once_its_summary_is_kept(quizprep_home):
    imported_modules(["config", "new-per-day", "20"], quizprep_home)  # a state database, as after the first answer
    first = imported_modules([], quizprep_home)
    assert "quizprep.dashboard" in first
    again = imported_modules([], quizprep_home)
    assert "quizprep.dashboard" in again and "yaml" not in again  # ids from the summary, not the bank


def test_shell_completion_imports_nothing_heavy(quizprep_home):
    env = {"_QUIZPREP_COMPLETE": "complete_bash", "COMP_WORDS": "quizprep list --topic optim", "COMP_CWORD": "3"}
    loaded = imported_modules([], quizprep_home, env=env)
    assert "quizprep.options" in loaded
    assert not {name for name in loaded if name.split(".")[0] in HEAVY}


def test_first_question_needs_no_numpy(quizprep_home):
    loaded = imported_modules(["quiz", "--type", "mcq", "--seed", "1"], quizprep_home, stdin="q\n")
    assert "quizprep.session" in loaded
    assert not {name for name in loaded if name.split(".")[0] in ("numpy", "genanki", "prompt_toolkit")}


def test_a_demo_does_import_numpy(quizprep_home):
    assert "numpy" in imported_modules(["demo", "softmax", "--json"], quizprep_home)


@pytest.mark.parametrize(
    "sql, index",
    [
        ("SELECT count(*) FROM card_state WHERE due <= ?", "card_state_due"),
        ("SELECT min(due) FROM card_state WHERE due > ?", "card_state_due"),
        ("SELECT count(*) FROM review_log WHERE reviewed_at >= ?", "review_log_time"),
    ],
)
def test_hot_queries_use_an_index(tmp_path, sql, index):
    conn = store.connect(tmp_path / "q.db")
    plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, ("2026-01-01",)))
    assert f"INDEX {index}" in plan and "SCAN" not in plan


def test_todays_new_items_query_walks_only_todays_rows(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    rows = [(f"item-{n % 50}", f"2025-{1 + n % 12:02d}-01T00:00:00", 3, "quiz") for n in range(2000)]
    conn.executemany(
        "INSERT INTO card_state (item_id, card_json, due, state, updated_at) "
        "VALUES (?, '{}', '2026', 2, '2025') ON CONFLICT DO NOTHING",
        [(r[0],) for r in rows],
    )
    conn.executemany("INSERT INTO review_log (item_id, reviewed_at, rating, mode) VALUES (?, ?, ?, ?)", rows)
    conn.execute("ANALYZE")
    sql = """
        SELECT count(DISTINCT r.item_id) FROM review_log AS r INDEXED BY review_log_time
        WHERE r.reviewed_at >= ?
          AND NOT EXISTS (SELECT 1 FROM review_log AS p WHERE p.item_id = r.item_id AND p.reviewed_at < ?)
    """
    plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, ("2026", "2026")))
    assert "SEARCH r USING INDEX review_log_time" in plan and "SCAN" not in plan
    assert store.answered_since(conn, "2025-12-01T00:00:00") == (sum(1 for r in rows if r[1] >= "2025-12-01"), 0)
