"""Plain output (--plain, QUIZPREP_PLAIN=1): no boxes, no colour, no cursor movement, readable line by line."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.ui import plain_mode, set_plain

BOXES = re.compile("[\u2500-\u259f\u23a1-\u23a6]")  # box drawing, block elements, bracket pieces
ESCAPE = "\x1b"


@pytest.fixture(autouse=True)
def reset_plain():
    yield
    set_plain(None)


def run_coloured(*args: str, input: str | None = None, plain_env: bool = False):
    """The CLI with colour forced on (as in a terminal), so that any escape sequence would show."""
    env = {"COLUMNS": "100", "NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    if plain_env:
        env["QUIZPREP_PLAIN"] = "1"
    return CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)


SCREENS = [
    ["stats"],
    ["list", "--topic", "optimization"],
    ["topics"],
    ["show", "adam-optimizer"],
    ["demo", "early-stopping"],
    ["demo", "anchor-boxes"],
    ["config"],
    ["info"],
    [],
]


@pytest.mark.parametrize("args", SCREENS, ids=lambda args: " ".join(args) or "dashboard")
def test_plain_screens_have_no_boxes_and_no_escapes(args):
    coloured = run_coloured(*args)
    plain = run_coloured("--plain", *args)
    assert plain.exit_code == 0, plain.output
    assert ESCAPE not in plain.output
    assert not BOXES.search(plain.output), BOXES.findall(plain.output)[:5]
    if args in (["stats"], ["topics"], ["show", "adam-optimizer"], ["demo", "early-stopping"]):
        assert ESCAPE in coloured.output or BOXES.search(coloured.output)  # the check would see them


def test_the_environment_variable_turns_it_on():
    result = run_coloured("stats", plain_env=True)
    assert ESCAPE not in result.output and not BOXES.search(result.output)


def test_a_plain_review_session_reads_line_by_line():
    result = run_coloured("--plain", "review", "-n", "2", input=" \n3\n \n4\n")
    assert result.exit_code == 0, result.output
    assert ESCAPE not in result.output
    assert not BOXES.search(result.output)
    assert "Saved." in result.output


def test_a_plain_review_never_clears_the_screen(monkeypatch):
    seen = {}

    def fake_review(ctx, selection, limit, io, keep_going, scroll):
        seen["scroll"] = scroll
        from quizprep.session import Summary

        return Summary()

    monkeypatch.setattr("quizprep.modes.review.run_review", fake_review)
    run_coloured("--plain", "review")
    assert seen["scroll"] is True
    run_coloured("review")
    assert seen["scroll"] is False


def test_a_plain_quiz_and_interview_report():
    quiz = run_coloured("--plain", "quiz", "-n", "2", "--type", "mcq", "--seed", "4", input="a\nb\n")
    assert quiz.exit_code == 0, quiz.output
    interview = run_coloured("--plain", "interview", "-n", "1", "--seed", "2", input="softmax\n1\n")
    assert interview.exit_code == 0, interview.output
    for output in (quiz.output, interview.output):
        assert ESCAPE not in output and not BOXES.search(output)


def test_the_interview_countdown_is_one_line_not_a_redrawn_bar(monkeypatch):
    import time

    from rich.console import Console

    from quizprep.ui.terminal import TerminalIO

    console = Console(record=True, width=80, color_system=None)
    io = TerminalIO(console)
    typed = iter([(0.0, "an answer"), (5.0, "a slow answer")])

    def line(prompt):
        pause, text = next(typed)
        clock[0] += pause
        return text

    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(io, "line", line)
    set_plain(True)
    assert io.timed_line("Your answer: ", 3) == ("an answer", False)
    assert io.timed_line("Your answer: ", 3) == ("a slow answer", True)
    assert console.export_text() == ""  # no toolbar, no countdown redrawn under the answer


def test_the_plain_interview_says_the_time_allowed_once():
    result = run_coloured("--plain", "interview", "-n", "1", "--minutes", "2.5", "--seed", "2", input="x\n\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("You have 2 min 30 s") == 1  # the one line that gives the time allowed


def test_the_switch_follows_the_environment_until_set(monkeypatch):
    monkeypatch.setenv("QUIZPREP_PLAIN", "1")
    assert plain_mode()
    set_plain(False)
    assert not plain_mode()
    monkeypatch.setenv("QUIZPREP_PLAIN", "0")
    set_plain(None)
    assert not plain_mode()


def test_plain_answer_and_key_points_are_stacked_not_side_by_side():
    from quizprep.bank import load_bank
    from quizprep.questions import flashcard
    from quizprep.ui.session import reveal_view
    from tests.ui.rendering import rendered

    item = next(item for item in load_bank().items if len(item.key_points) >= 2)
    set_plain(True)
    lines = rendered(reveal_view(flashcard(item), 140), width=140).splitlines()
    assert "Answer" in [line.strip() for line in lines]
    assert "Did you cover…" in [line.strip() for line in lines]  # a heading of its own, below the answer
    first_point = next(i for i, line in enumerate(lines) if "☐" in line)
    assert first_point > lines.index(next(line for line in lines if line.strip() == "Did you cover…"))
    assert all(
        line.count("☐") <= 1 and not (line.strip() and "☐" in line and not line.strip().startswith("☐"))
        for line in lines
    )
