"""Nothing reaches the terminal raw, and any terminal works: control characters, markup, encodings, narrow widths."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from quizprep.ui.console import Safe, safe
from tests.helpers.bank import log_rows

HOSTILE = "\x1b]0;owned\x07\x1b[2J[/x][bold]"


def test_safe_makes_every_control_character_visible_one_for_one():
    text = "a\x1bb\x07c\x7fd\x9be\u202ef\tg\nh\x00"
    assert safe(text) == "a␛b␇c␡d\ufffde\ufffdf\tg\nh␀"
    assert len(safe(text)) == len(text)
    assert safe("plain [bold] text · ✓") == "plain [bold] text · ✓"


def test_safe_renderables_keep_styling_but_not_escape_sequences():
    console = Console(width=40, force_terminal=True, color_system="standard", file=open(os.devnull, "w"))
    with console.capture() as captured:
        console.print(Safe(Panel(Text(HOSTILE, style="bold red"))))
    output = captured.get()
    assert "␛]0;owned" in output and "␛[2J[/x][bold]" in output  # (Rich itself drops the BEL)
    assert "\x1b[1m" in output  # Rich's own style codes are kept (bold; NO_COLOR drops the red)
    assert "\x1b]" not in output and "\x1b[2J" not in output and "\x07" not in output


@pytest.mark.parametrize(
    "args",
    [
        ("show", HOSTILE),
        ("demo", HOSTILE),
        ("drill", HOSTILE),
        ("list", "--topic", HOSTILE),
        ("list", "--bank", f"/nonexistent/{HOSTILE}.yaml"),
    ],
)
def test_error_reports_show_hostile_names_without_obeying_them(run, args):
    result = run(*args)
    assert result.exit_code in (1, 2), result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Traceback" not in result.output


def test_markup_and_escapes_typed_at_prompts_never_end_a_session(run, quizprep_home):
    noise = "\n".join(["[/x]", "[/]", "[bold]x[/bold]", "\x1b]0;owned\x07", "\x1b[2J", "[link=x]y[/link]"])
    result = run("quiz", "--type", "mcq", "-n", "1", "--seed", "4", input=f"{noise}\na\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Type A, B, C or D") == 6  # each refused, the session goes on
    assert "\x1b" not in result.output
    assert len(log_rows(quizprep_home)) == 1
    result = run("quiz", "--type", "flashcard", "-n", "1", "--seed", "4", input="[/x] \x1b[31m[/]\n3\n")
    assert result.exit_code == 0, result.output
    assert len(log_rows(quizprep_home)) == 2


def session(home, stdin: bytes, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "QUIZPREP_HOME": str(home), "NO_COLOR": "1", "PYTHONWARNINGS": "ignore", **env}
    return subprocess.run(
        [sys.executable, "-m", "quizprep", *args], input=stdin, capture_output=True, env=environment, timeout=120
    )


def answers(home) -> int:
    with sqlite3.connect(home / "quizprep.db") as conn:
        return conn.execute("SELECT count(*) FROM review_log").fetchone()[0]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_ascii_and_latin1_terminals_get_stand_ins_instead_of_a_crash(tmp_path, encoding):
    quiz = session(tmp_path, b"a\nb\nc\n", "quiz", "--type", "mcq", "-n", "3", "--seed", "2", PYTHONIOENCODING=encoding)
    cards = session(tmp_path, b"x\n3\ny\n1\n", "quiz", "--type", "flashcard", "-n", "2", "--seed", "2",
                    PYTHONIOENCODING=encoding)  # fmt: skip
    for result in (quiz, cards):
        assert result.returncode == 0, result.stderr.decode(encoding)
        text = result.stdout.decode(encoding)  # everything written is valid in the terminal's encoding
        assert "Saved." in text and "Session summary" in text
        assert "Traceback" not in result.stderr.decode(encoding)
    assert answers(tmp_path) == 5
    assert "+---" in quiz.stdout.decode(encoding)  # ASCII boxes, not box-drawing characters


def test_invalid_utf8_in_piped_answers_is_replaced_not_fatal(tmp_path):
    stdin = b"\xff\xfe\n\xc3\n a\x80\n\xed\xa0\x80\nb\n"
    result = session(tmp_path, stdin, "quiz", "--type", "mcq", "-n", "1", "--seed", "2", PYTHONIOENCODING="utf-8")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().count("is not an answer here") == 4
    assert answers(tmp_path) == 1


def test_a_dumb_twenty_column_terminal_works(tmp_path):
    result = session(tmp_path, b"a\nb\n", "quiz", "-n", "2", "--seed", "3", "--type", "mcq", COLUMNS="20", TERM="dumb")
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    assert "\x1b" not in result.stdout.decode()
    assert max(len(line) for line in lines if "Your answer" not in line) <= 20
    assert answers(tmp_path) == 2
