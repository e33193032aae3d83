"""Coding exercises: write a NumPy function from its docstring, graded by hidden tests, scheduled by FSRS.

    CATALOG                            name -> (topic, difficulty, items, summary): plain data, no NumPy
    card_id(name) -> "code:NAME"       each exercise is one FSRS card
    list_exercises(states, now)        rows for `quizprep code --list`, with each card's due state
    due_exercise(states, now, topic)   the exercise to practise next
    stub(name), solution(name)         the starting file, and the reference's source
    workspace_file(name, fresh)        the user's file under the data folder (data_dir()/code/NAME.py)
    check_file(name, path, timeout)    grade a file in a separate, limited process -> CheckReport

An exercise is a reference solution registered with `@exercise(...)` in the module of its bank topic, with
`@hidden_tests(...)` building its cases (see `framework`); `python -m quizprep.exercises --write-index`
refreshes the index. Grading never imports the user's code into this process (see `sandbox`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from quizprep.errors import BadValueError, QuizprepError
from quizprep.exercises._index import EXERCISES as CATALOG
from quizprep.text import unknown

__all__ = [
    "CARD_PREFIX",
    "CATALOG",
    "CheckReport",
    "ExerciseRow",
    "Failure",
    "card_id",
    "check_file",
    "due_exercise",
    "list_exercises",
    "solution",
    "stub",
    "workspace_file",
]
CARD_PREFIX = "code:"
MAX_FILE_BYTES = 1_000_000
LIST_HINT = "`quizprep code --list` shows them"


def card_id(name: str) -> str:
    return f"{CARD_PREFIX}{name}"


def check_name(name: str) -> str:
    if name not in CATALOG:
        raise BadValueError(unknown("exercise", name, CATALOG, LIST_HINT))
    return name


@dataclass
class ExerciseRow:
    """One line of the exercise list."""

    name: str
    topic: str
    difficulty: int
    due: str  # "new", "due", or the day it is due (YYYY-MM-DD)
    summary: str

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "topic": self.topic,
            "difficulty": self.difficulty,
            "due": self.due,
            "summary": self.summary,
        }


def due_state(row, now: datetime) -> str:
    """'new' without a card, 'due' when its day has come, else the date it is due."""
    if row is None:
        return "new"
    return "due" if datetime.fromisoformat(row.due) <= now else row.due[:10]


def list_exercises(states: dict, now: datetime, topic: str | None = None) -> list[ExerciseRow]:
    """Every exercise (of one topic, if given) with its due state; `states` maps card ids to stored rows."""
    names = names_in(topic)
    return [
        ExerciseRow(n, CATALOG[n][0], CATALOG[n][1], due_state(states.get(card_id(n)), now), CATALOG[n][3])
        for n in names
    ]


def names_in(topic: str | None) -> list[str]:
    if topic is None:
        return list(CATALOG)
    topics = sorted({entry[0] for entry in CATALOG.values()})
    if topic not in topics:
        raise BadValueError(unknown("exercise topic", topic, topics, LIST_HINT))
    return [name for name, entry in CATALOG.items() if entry[0] == topic]


def due_exercise(states: dict, now: datetime, topic: str | None = None) -> str:
    """The most overdue exercise; without one due, the easiest new one; else the one due soonest."""
    names = names_in(topic)
    due = [(states[card_id(n)].due, n) for n in names if card_id(n) in states]
    overdue = sorted(pair for pair in due if datetime.fromisoformat(pair[0]) <= now)
    if overdue:
        return overdue[0][1]
    new = sorted((CATALOG[n][1], n) for n in names if card_id(n) not in states)
    if new:
        return new[0][1]
    return min(due)[1]


def stub(name: str) -> str:
    """The file a user starts from: imports, signature, the full specification, no body."""
    from quizprep.exercises import framework

    return framework.stub_source(framework.load_one(check_name(name)))


def solution(name: str) -> str:
    """The reference solution's source, runnable as a file of its own."""
    from quizprep.exercises import framework

    return framework.solution_source(framework.load_one(check_name(name)))


def workspace_file(name: str, fresh: bool = False) -> Path:
    """The user's file for `name` under the data folder, holding the stub if it did not exist.

    With `fresh`, a new stub replaces the file and the previous attempt is kept beside it as NAME.previous.py.
    Writes go through `files.write_file`: atomic, regular files only (a link, FIFO or folder is refused).
    """
    from quizprep.files import FileRefused, write_file
    from quizprep.paths import data_dir

    folder = data_dir() / "code"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizprepError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    path = folder / f"{check_name(name)}.py"
    exists = os.path.lexists(path)
    if exists and not fresh:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, "is not a regular file; remove it and try again")
        return path
    if exists:
        old = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        if old.strip() and old != stub(name):
            write_file(folder / f"{name}.previous.py", old, force=True)
    write_file(path, stub(name), force=True)
    return path


@dataclass
class Failure:
    """One failed case, as shown to the user and in `--json`."""

    case: str
    input: str
    expected: str
    got: str
    message: str
    hint: str = ""

    def to_dict(self) -> dict:
        return {
            "case": self.case,
            "input": self.input,
            "expected": self.expected,
            "got": self.got,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class CheckReport:
    """The outcome of grading one file: cases passed of the total, each failure, or why the run failed."""

    exercise: str
    passed: int
    total: int
    failures: list[Failure] = field(default_factory=list)
    error: str = ""  # the run itself failed: time-out, crash, the file did not load
    traceback: str = ""
    output: str = ""  # what the user's code printed, cut to a few kilobytes
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error and self.total > 0 and self.passed == self.total

    def to_dict(self) -> dict:
        return {
            "exercise": self.exercise,
            "ok": self.ok,
            "passed": self.passed,
            "total": self.total,
            "failures": [failure.to_dict() for failure in self.failures],
            "error": self.error,
            "traceback": self.traceback,
            "output": self.output,
            "seconds": round(self.seconds, 2),
        }


def check_file(name: str, path: Path | str, timeout: float = 10.0, memory: int | None = None) -> CheckReport:
    """Run the hidden tests of `name` on the function in `path`, in a separate process with limits."""
    from quizprep.exercises import sandbox

    check_name(name)
    if not timeout > 0:
        raise BadValueError(f"the time limit must be more than 0 seconds, not {timeout}")
    path = readable_source(Path(path))
    run = sandbox.run(name, path, timeout, memory if memory is not None else sandbox.DEFAULT_MEMORY)
    return report_from_run(name, run, timeout)


def readable_source(path: Path) -> Path:
    """The file, resolved, if it is a regular file of reasonable size (a FIFO would hang the import)."""
    from quizprep.files import FileRefused, kind_of_mode, megabytes

    try:
        info = os.stat(path)
    except OSError as exc:
        raise QuizprepError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(path, f"is {kind_of_mode(info.st_mode)}, not a Python file")
    if info.st_size > MAX_FILE_BYTES:
        raise FileRefused(
            path, f"is {megabytes(info.st_size)}; an exercise file is at most {megabytes(MAX_FILE_BYTES)}"
        )
    return path.resolve()


def report_from_run(name: str, run, timeout: float) -> CheckReport:
    """Turn what the child left behind into a CheckReport, naming time-outs and crashes in words."""
    data = run.report or {}
    cases = data.get("cases", [])
    failures = [
        Failure(c["case"], c["input"], c["expected"], c["got"], c["message"], c.get("hint", ""))
        for c in cases
        if not c["ok"]
    ]
    output = run.output + ("\n… (output cut)" if run.output_truncated else "")
    report = CheckReport(
        name, sum(c["ok"] for c in cases), data.get("total", 0), failures, output=output, seconds=run.seconds
    )
    error = data.get("error")
    if error:
        report.error, report.traceback = error["message"], error.get("traceback", "")
    elif run.timed_out:
        report.error = f"timed out after {timeout:g} s{during(cases, report.total)} (an endless loop?)"
    elif run.report is None or len(cases) < report.total or run.returncode != 0:
        report.error = ended_early(run.returncode) + during(cases, report.total)
    return report


def during(cases: list, total: int) -> str:
    return f" during case {len(cases) + 1} of {total}" if total and len(cases) < total else ""


def ended_early(returncode: int | None) -> str:
    """Why the child stopped, in words: a signal (a crash, or the memory limit) or an exit code."""
    import signal

    if returncode is not None and returncode < 0:
        try:
            sig = signal.Signals(-returncode).name
        except ValueError:
            sig = f"signal {-returncode}"
        causes = {"SIGSEGV": "a segmentation fault", "SIGKILL": "killed (out of memory?)", "SIGABRT": "aborted"}
        return f"the process crashed: {causes.get(sig, sig)} ({sig})"
    return f"the process ended with exit code {returncode} before reporting (os._exit? a crash?)"


def for_item(item_id: str) -> list[str]:
    """The exercises that practise a bank item, by name (from the index: no NumPy)."""
    return [name for name, entry in CATALOG.items() if item_id in entry[2]]
