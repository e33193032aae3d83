"""The dashboard of a bare `quizprep`: today's figures (pure, fixed clock) and the command as a user runs it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from fsrs.scheduler import DEFAULT_PARAMETERS

from quizprep.api import Policy
from quizprep.dashboard import SUMMARY_NAME, next_step, today_figures
from quizprep.paths import cache_dir, db_path
from quizprep.planner.state import ItemState
from quizprep.scheduler import LEARNING, REVIEW
from tests.helpers.bank import item_yaml

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def state(stability: float, days_ago: float, due_in_days: float, phase: int = REVIEW, first_days_ago=None):
    last = NOW - timedelta(days=days_ago)
    first = NOW - timedelta(days=first_days_ago if first_days_ago is not None else days_ago)
    return ItemState(
        stability, 5.0, phase, None if phase == REVIEW else 0, last, NOW + timedelta(days=due_in_days), first
    )


def fsrs6_recall(elapsed_days: float, stability: float) -> float:
    """FSRS-6's forgetting curve, written out from its formula with fsrs's default decay."""
    decay = DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (-1 / decay) - 1
    return (1 + factor * elapsed_days / stability) ** (-decay)


def test_counts_due_new_and_streak_without_an_interview():
    cards = {
        "a": state(3.0, 4, -1),  # due yesterday
        "b": state(0.1, 0.01, -0.001, phase=LEARNING, first_days_ago=0.01),  # a learning step due, first seen today
        "c": state(10.0, 2, 8),  # not due
        "d": None,
        "e": None,
        "f": None,
    }
    per_day = Counter({NOW.date(): 4, NOW.date() - timedelta(days=1): 2, NOW.date() - timedelta(days=3): 5})
    policy = Policy(new_per_day=2, tz=timezone.utc)
    figures = today_figures(cards, per_day, NOW, policy, spent_s=0.0)
    assert (figures["due_now"], figures["learning_due"], figures["seen"], figures["unseen"]) == (2, 1, 3, 3)
    assert figures["new_today"] == 1  # 2 a day, and "b" was first studied today
    assert figures["streak"] == 2  # today and yesterday; the day before had no answers
    assert figures["answered_today"] == 4
    assert figures["interview"] is None
    assert figures["next_due"] == (NOW + timedelta(days=8)).isoformat(timespec="minutes")
    assert figures["next"] == {"command": "quizprep review", "why": "2 cards due now"}


def test_readiness_is_the_banks_expected_recall_at_the_interview():
    interview = datetime(2026, 3, 24, 9, 0, tzinfo=timezone.utc)
    cards = {"a": state(5.0, 1, 4), "b": state(40.0, 10, 30), "c": None, "d": None}
    policy = Policy(interview_at=interview, tz=timezone.utc)
    figures = today_figures(cards, Counter(), NOW, policy, spent_s=0.0)
    expected = (fsrs6_recall(14.875, 5.0) + fsrs6_recall(23.875, 40.0)) / 4  # days from last review to interview
    assert abs(figures["interview"]["readiness"] - expected) < 1e-4
    assert figures["interview"]["days"] == (date(2026, 3, 24) - date(2026, 3, 10)).days
    assert figures["new_today"] is None  # with an interview ahead the planner, not a daily limit, decides
    assert figures["next"]["command"] == "quizprep review"


def test_next_step_follows_the_day():
    base = {
        "first_run": False,
        "due_now": 0,
        "unseen": 5,
        "new_today": 0,
        "interview": None,
        "minutes_today": None,
    }
    assert next_step({**base, "first_run": True})["command"] == "quizprep quiz -n 5"
    assert next_step({**base, "new_today": 3})["why"] == "3 new items to learn today"
    assert next_step(base)["command"] == "quizprep drill"
    assert next_step({**base, "unseen": 0})["command"] == "quizprep interview"
    close = {"days": 1, "readiness": 0.5}
    assert next_step({**base, "interview": close})["command"] == "quizprep interview"
    assert next_step({**base, "interview": close, "due_now": 4})["command"] == "quizprep review"
    far = {"days": 30, "readiness": 0.5}
    spent = {"daily": 30.0, "spent": 31.0}
    assert next_step({**base, "interview": far})["command"] == "quizprep review"
    assert next_step({**base, "interview": far, "minutes_today": spent})["command"] == "quizprep interview"


def test_first_run_explains_the_modes_and_creates_no_database(run):
    result = run()
    assert result.exit_code == 0, result.output
    for mode in ("quiz", "review", "drill", "code", "interview"):
        assert f"quizprep {mode}" in result.stdout
    assert "Next: quizprep quiz -n 5" in result.stdout
    assert not db_path().exists()  # nothing was answered, so nothing is kept


def test_dashboard_after_some_study(run):
    run("config", "new-per-day", "7")
    quiz = run("quiz", "--type", "flashcard", "-n", "2", "--seed", "3", input=" \n3\n \n1\n")
    assert quiz.exit_code == 0, quiz.output
    result = run()
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:] if line.startswith("  ")}
    assert lines["new"].split()[2] == "5"  # 7 a day, 2 first seen today
    assert "1 day · 2 answers today" in lines["streak"]
    assert "Next: quizprep review" in result.stdout


def test_interview_date_shows_days_and_readiness(run):
    run("config", "interview-date", (date.today() + timedelta(days=20)).isoformat())
    result = run()
    assert result.exit_code == 0, result.output
    assert "in 20 days" in result.stdout or "in 19 days" in result.stdout or "in 21 days" in result.stdout
    assert "readiness 0.0%" in result.stdout  # nothing studied yet: nothing expected to be recalled


def not_yet_seen(stdout: str) -> int:
    """M from the dashboard's line 'new today  N (of M not yet seen)'."""
    return int(re.search(r"of (\d+) not yet seen", stdout).group(1))


def test_ids_summary_follows_the_bank(run, write_bank, monkeypatch):
    path = write_bank("mine.yaml", item_yaml("my-first-item"))
    monkeypatch.setenv("QUIZPREP_BANK", str(path))
    run("config", "new-per-day", "1000")
    before = not_yet_seen(run().stdout)
    assert (cache_dir() / SUMMARY_NAME).exists()
    path.write_text(item_yaml("my-first-item") + item_yaml("my-second-item"), encoding="utf-8")
    assert not_yet_seen(run().stdout) == before + 1
    (cache_dir() / SUMMARY_NAME).write_text('{"stamp": "forged", "ids": ["x"]}', encoding="utf-8")
    assert not_yet_seen(run().stdout) == before + 1  # a summary for other files is not used
