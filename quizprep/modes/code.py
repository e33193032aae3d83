"""Coding exercises: pick the due exercise, hand the user its stub, run the hidden tests on demand, rate the result.

    rating_for(passed, runs, hints) -> 1..3      the pure rating rule
    editor_command(environ) -> list | None      $VISUAL or $EDITOR, split like a shell would
    run_code(ctx, name, topic, io, ...)          the practice loop -> Practice

Each exercise is one FSRS card ("code:NAME") recorded through `session.Recorder` in mode "code": all tests passed on
the first run without hints is Good, passed after hints or several runs is Hard, giving up is Again. Quitting
before either records nothing. In a pipe, commands are read as lines.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from quizprep.clock import utc_now
from quizprep.context import Context
from quizprep.scheduler import AGAIN, GOOD, HARD
from quizprep.ui.terminal import LineIO

COMMANDS = {"": "run", "r": "run", "h": "hint", "e": "edit", "g": "give up", "q": "quit", "s": "give up"}


@dataclass
class Practice:
    """How one exercise went."""

    name: str
    path: Path
    runs: int = 0
    hints: int = 0
    passed: bool = False
    gave_up: bool = False
    rating: int | None = None  # None when the user quit before passing or giving up
    seconds: float = 0.0
    due: str | None = None  # when the card comes back, as stored

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "path": str(self.path),
            "runs": self.runs,
            "hints": self.hints,
            "passed": self.passed,
            "gave_up": self.gave_up,
            "rating": self.rating,
            "seconds": round(self.seconds, 1),
            "due": self.due,
        }


def rating_for(passed: bool, runs: int, hints: int) -> int:
    """Good for a first-run pass without hints, Hard for a pass after hints or retries, Again otherwise."""
    if not passed:
        return AGAIN
    return GOOD if runs == 1 and hints == 0 else HARD


def editor_command(environ: dict | None = None) -> list[str] | None:
    """The user's editor from $VISUAL, else $EDITOR, as an argument list; None when neither is set."""
    environ = os.environ if environ is None else environ
    text = (environ.get("VISUAL") or environ.get("EDITOR") or "").strip()
    return shlex.split(text) if text else None


def open_in_editor(command: list[str], path: Path) -> str:
    """Run the editor on `path` and wait for it; '' on success, else what went wrong (shown, not raised)."""
    try:
        status = subprocess.call([*command, str(path)])
    except OSError as exc:
        return f"could not start the editor {command[0]!r}: {exc.strerror or exc}"
    return "" if status == 0 else f"the editor exited with status {status}"


def choose_exercise(ctx: Context, conn, name: str | None, topic: str | None) -> str:
    from quizprep import store
    from quizprep.exercises import check_name, due_exercise

    if name is not None:
        return check_name(name)
    return due_exercise(store.all_cards(conn), ctx.now, topic)


def run_code(
    ctx: Context,
    name: str | None,
    topic: str | None,
    io: LineIO,
    *,
    timeout: float = 10.0,
    edit: Callable[[Path], str] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Practice:
    """Practise one exercise (the one named, else the due one) until it passes, the user gives up or quits.

    `edit(path)` opens the file and returns an error text or ''; by default $VISUAL/$EDITOR in a terminal, and no
    editor in a pipe (the path is shown instead).
    """
    from quizprep.exercises import CATALOG, workspace_file
    from quizprep.session import Recorder
    from quizprep.ui import code as views

    if edit is None and io.interactive and (command := editor_command()):
        edit = editor_for(command)
    with ctx.state() as conn:
        policy = ctx.policy(conn)
        chosen = choose_exercise(ctx, conn, name, topic)
        practice = Practice(chosen, workspace_file(chosen, fresh=True))
        topic_name, difficulty, _items, summary = CATALOG[chosen]
        io.show(views.practice_header(chosen, topic_name, difficulty, summary, str(practice.path)))
        started = clock()
        if edit is not None:
            note = edit(practice.path)
            if note:
                io.show(views.note_view(note))
        finished = loop(practice, io, edit, timeout)
        practice.seconds = (clock() - started).total_seconds()
        if finished:
            practice.rating = rating_for(practice.passed, practice.runs, practice.hints)
            answer_ms = int(practice.seconds * 1000)
            saved = Recorder(conn, policy, "code").record(
                card_key(chosen), practice.rating, practice.passed, answer_ms, clock()
            )
            practice.due = saved.card.due
            show_solution(io, practice)
    return practice


def card_key(name: str) -> str:
    from quizprep.exercises import card_id

    return card_id(name)


def editor_for(command: list[str]) -> Callable[[Path], str]:
    return lambda path: open_in_editor(command, path)


def loop(practice: Practice, io: LineIO, edit: Callable[[Path], str] | None, timeout: float) -> bool:
    """Read commands until the tests pass or the user gives up (True), or quits (False)."""
    from quizprep.exercises import CATALOG, check_file
    from quizprep.ui import code as views

    hints = hint_texts(practice.name)
    while True:
        key = io.key(views.commands_prompt(edit is not None, practice.hints, len(hints)))
        if key is None:
            return False
        command = COMMANDS.get(key.strip().lower())
        if command == "quit":
            return False
        if command == "give up":
            practice.gave_up = True
            return True
        if command == "hint":
            io.show(views.hint_view(practice.hints, hints))
            practice.hints = min(practice.hints + 1, len(hints))
        elif command == "edit" and edit is not None:
            note = edit(practice.path)
            if note:
                io.show(views.note_view(note))
        elif command == "run":
            report = check_file(practice.name, practice.path, timeout)
            practice.runs += 1
            io.show(views.report_view(report.to_dict(), CATALOG[practice.name][3]))
            if report.ok:
                practice.passed = True
                return True
        else:
            io.show(views.note_view(f"unknown command {key.strip()[:20]!r}"))


def hint_texts(name: str) -> list[str]:
    from quizprep.exercises import framework

    return list(framework.load_one(name).hints)


def show_solution(io: LineIO, practice: Practice) -> None:
    from quizprep.exercises import solution
    from quizprep.ui import code as views

    try:
        mine = practice.path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        mine = ""
    width = getattr(io.console, "width", 100)
    io.show(views.outcome_view(practice.to_dict()))
    io.show(views.solution_view(mine, solution(practice.name), width))
