"""The pager: used for output taller than the terminal, in a terminal only, never in plain mode."""

from __future__ import annotations

import io
import sys

import pytest
from rich.console import Console
from rich.text import Text

from quizprep.ui import set_plain
from quizprep.ui.console import page


@pytest.fixture
def pager_log(tmp_path, monkeypatch):
    """$PAGER is a script that keeps what it is given (and LESS as it saw it), so a test can read both."""
    log = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text(
        f"import os, sys\nopen({str(log)!r}, 'w').write(os.environ.get('LESS', '') + '\\n' + sys.stdin.read())\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PAGER", f"{sys.executable} {script}")
    monkeypatch.delenv("LESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")  # the tests' TERM=dumb would keep any pager away
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    yield log
    set_plain(None)


def terminal(height: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=60, height=height, color_system="standard"), buffer


def lines(count: int) -> Text:
    return Text("\n".join(f"line {n}" for n in range(count)), style="bold")


def test_taller_than_the_terminal_goes_through_the_pager_with_colours(pager_log):
    console, buffer = terminal(height=10)
    page(lines(30), console)
    less_flags, paged = pager_log.read_text().split("\n", 1)
    assert less_flags == "FRX"  # colours shown, quit at once if it fits, text left on screen
    assert "line 29" in paged and "\x1b[1m" in paged  # styles kept for `less -R`
    assert "line 29" not in buffer.getvalue()


def test_what_fits_is_printed_directly(pager_log):
    console, buffer = terminal(height=40)
    page(lines(30), console)
    assert not pager_log.exists()
    assert "line 29" in buffer.getvalue()


def test_never_into_a_pipe_or_in_plain_mode(pager_log, monkeypatch):
    piped = Console(file=io.StringIO(), width=60, height=10)  # not a terminal
    page(lines(30), piped)
    set_plain(True)
    console, buffer = terminal(height=10)
    page(lines(30), console)
    assert not pager_log.exists()
    assert "line 29" in buffer.getvalue()
