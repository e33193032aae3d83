"""The projected plan: days to the interview, what fits in a day's minutes, readiness by the closed form."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from fsrs.scheduler import DEFAULT_PARAMETERS as W

from quizprep import plan
from quizprep.api import Policy, Seconds

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=timezone.utc)


def forgetting(elapsed_days: float, stability: float) -> float:
    """FSRS-6 recall after `elapsed_days` at `stability`, written out independently."""
    factor = 0.9 ** (-1 / W[20]) - 1
    return (1 + factor * elapsed_days / stability) ** -W[20]


def test_one_day_of_two_minutes_introduces_two_of_three_items():
    interview = NOW + timedelta(hours=20)
    policy = Policy(interview_at=interview, daily_minutes=2, tz=timezone.utc, seconds=Seconds(new=60))
    projection = plan.project({"a": None, "b": None, "c": None}, policy, NOW, runs=1)
    assert [day.date for day in projection.days] == ["2026-12-06"]
    day = projection.days[0]
    assert (day.new, day.reviews, day.minutes) == (2, 0, 2)
    # two items seen once (stability w2) 20 hours before the interview, one unseen (counts 0)
    first_item = forgetting(20 / 24, W[2])
    second_item = forgetting((20 * 60 - 1) / (24 * 60), W[2])  # studied a minute later
    assert abs(day.readiness - (first_item + second_item) / 3) < 1e-9


def test_there_is_a_session_each_day_until_the_interview():
    policy = Policy(interview_at=NOW + timedelta(days=3, hours=1), daily_minutes=10, tz=timezone.utc)
    projection = plan.project({f"i{n}": None for n in range(40)}, policy, NOW, runs=2)
    assert [d.date for d in projection.days] == ["2026-12-06", "2026-12-07", "2026-12-08", "2026-12-09"]
    assert all(abs(d.minutes - 10) <= 1 for d in projection.days)
    readiness = [d.readiness for d in projection.days]
    assert readiness == sorted(readiness) and readiness[-1] == projection.readiness_at_interview


def test_more_minutes_reach_a_target_the_budget_misses():
    policy = Policy(interview_at=NOW + timedelta(days=7), daily_minutes=5, tz=timezone.utc)
    cards = {f"i{n}": None for n in range(60)}
    short = plan.project(cards, policy, NOW, runs=1)
    assert short.readiness_at_interview < 0.8
    needed = plan.minutes_needed(cards, policy, NOW, 0.8)
    assert needed is not None and needed > 5
    from dataclasses import replace

    enough = plan.project(cards, replace(policy, daily_minutes=needed), NOW, runs=1)
    assert enough.readiness_at_interview >= 0.8
    less = plan.project(cards, replace(policy, daily_minutes=needed - 5), NOW, runs=1)
    assert less.readiness_at_interview < 0.8  # the answer is the smallest multiple of five that works


def test_plan_command_prints_json_with_a_day_per_study_day(run):
    soon = (date.today() + timedelta(days=5)).isoformat()
    run("config", "daily-minutes", "10")
    result = run("plan", "--interview-date", soon, "--json", "--topic", "losses")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["daily_minutes"] == 10 and data["interview"].startswith(soon)
    assert 5 <= len(data["days"]) <= 6 and all(day["minutes"] <= 11 for day in data["days"])
    assert data["readiness_at_interview"] == data["days"][-1]["readiness"]


def test_plan_without_an_interview_says_how_to_set_one(run):
    result = run("plan")
    assert result.exit_code == 1
    assert "quizprep config interview-date" in result.stderr
