"""Coding-exercise practice: the pure choices (list, due, rating), the workspace file, and the loop in a pipe."""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from quizprep.exercises import CATALOG, card_id, list_exercises, solution, stub, workspace_file
from quizprep.files import FileRefused
from quizprep.modes.code import editor_command, rating_for, run_code
from quizprep.store import CardRow
from quizprep.ui.terminal import LineIO
from tests.helpers.bank import log_rows

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def row(name: str, due: datetime) -> CardRow:
    return CardRow(card_id(name), "{}", due.isoformat(), 2)


def test_rating_rule():
    assert [rating_for(True, 1, 0), rating_for(True, 1, 1), rating_for(True, 3, 0), rating_for(False, 2, 0)] == [
        3,
        2,
        2,
        1,
    ]


def test_list_shows_new_due_and_later():
    states = {
        card_id("softmax"): row("softmax", NOW - timedelta(days=1)),
        card_id("gelu"): row("gelu", NOW + timedelta(days=3)),
    }
    rows = {r.name: r for r in list_exercises(states, NOW, "activations")}
    assert (rows["softmax"].due, rows["gelu"].due) == ("due", "2026-03-04")
    assert {r.due for r in list_exercises({}, NOW)} == {"new"} and len(list_exercises({}, NOW)) == len(CATALOG)


def test_due_exercise_prefers_overdue_then_easy_new_then_soonest():
    from quizprep.exercises import due_exercise

    states = {
        card_id("gelu"): row("gelu", NOW - timedelta(hours=1)),
        card_id("softmax"): row("softmax", NOW - timedelta(days=2)),
    }
    assert due_exercise(states, NOW, "activations") == "softmax"
    later = {card_id(n): row(n, NOW + timedelta(days=i + 1)) for i, n in enumerate(["softmax", "gelu"])}
    assert due_exercise(later, NOW, "activations") == "softmax"
    assert due_exercise({}, NOW, "cnn") == "max_pool2d"  # the only easy one of the topic


def test_unknown_topic_is_a_usage_error():
    from quizprep.errors import BadValueError
    from quizprep.exercises import due_exercise

    with pytest.raises(BadValueError, match="did you mean 'cnn'"):
        due_exercise({}, NOW, "cnm")


def test_editor_comes_from_visual_then_editor():
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vi"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "nano"}) == ["nano"] and editor_command({}) is None


def test_workspace_file_keeps_work_and_refuses_links(quizprep_home, tmp_path):
    path = workspace_file("softmax")
    assert path == quizprep_home / "code" / "softmax.py" and path.read_text() == stub("softmax")
    path.write_text("my attempt")
    assert workspace_file("softmax").read_text() == "my attempt"
    fresh = workspace_file("softmax", fresh=True)
    assert fresh.read_text() == stub("softmax")
    assert (quizprep_home / "code" / "softmax.previous.py").read_text() == "my attempt"
    target = tmp_path / "elsewhere.py"
    target.write_text("keep")
    os.symlink(target, quizprep_home / "code" / "gelu.py")
    with pytest.raises(FileRefused, match="not a regular file"):
        workspace_file("gelu")
    with pytest.raises(FileRefused, match="symbolic link"):
        workspace_file("gelu", fresh=True)
    assert target.read_text() == "keep"


def practise(name: str, commands: str, edit=None):
    from quizprep.context import Context

    out = io.StringIO()
    console = Console(file=out, width=100, no_color=True)
    ctx = Context(now=NOW, tz=timezone.utc)
    practice = run_code(ctx, name, None, LineIO(console, io.StringIO(commands)), edit=edit, clock=lambda: NOW)
    return practice, out.getvalue()


def solve(path):
    path.write_text(solution(path.stem))
    return ""


def test_first_run_pass_is_good_and_shows_both_solutions(quizprep_home):
    practice, shown = practise("softmax", "\n", edit=solve)
    assert (practice.passed, practice.runs, practice.rating) == (True, 1, 3)
    assert log_rows(quizprep_home) == [("code:softmax", 3, 1, "code")]
    assert "all 9 cases passed" in shown and "reference solution" in shown and "Rated Good" in shown


def test_a_pass_after_a_hint_and_a_failed_run_is_hard(quizprep_home):
    def later(path):
        return ""

    practice, shown = practise("gelu", "\nh\n", edit=later)
    assert practice.runs == 1 and not practice.passed  # the stub fails; then a hint; then end of input
    assert "Hint 1 of 2" in shown and log_rows(quizprep_home) == []
    solve(quizprep_home / "code" / "gelu.py")
    # a fresh session rewrites the stub: solve it again after one failing run and a hint
    edits = iter([lambda p: "", solve])
    practice, _ = practise("gelu", "\nh\ne\n\n", edit=lambda p: next(edits)(p))
    assert (practice.passed, practice.runs, practice.hints, practice.rating) == (True, 2, 1, 2)
    assert log_rows(quizprep_home) == [("code:gelu", 2, 1, "code")]


def test_giving_up_is_again_and_quitting_records_nothing(quizprep_home):
    practice, shown = practise("iou", "g\n")
    assert (practice.gave_up, practice.rating) == (True, 1) and "Gave up" in shown
    quit_practice, _ = practise("nms", "q\n")
    assert quit_practice.rating is None
    assert log_rows(quizprep_home) == [("code:iou", 1, 0, "code")]
    assert "code" in shown and str(quizprep_home / "code" / "iou.py") in shown.replace("\n", "")
