"""The scheduling adapter: stored rows to planner states and back, the policy from settings, answer times."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler

from quizprep import store
from quizprep.api import Policy, Seconds, answer
from quizprep.scheduler import MIN_TIMED_ANSWERS, Plan, card_json, card_number, expected_seconds, make_policy, state_of
from quizprep.session import Recorder

START = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def row_for(key: str, state) -> store.CardRow:
    return store.CardRow(key, card_json(key, state), store.iso(state.due), state.phase)


def test_stored_state_round_trips_with_its_first_review():
    state = answer(None, 3, START, Policy(), 12.0)
    again = state_of(row_for("item", state))
    assert again.stability == state.stability and again.difficulty == state.difficulty
    assert again.first_review == START and again.last_review == START and again.due == state.due


def test_stored_json_is_an_fsrs_card_that_fsrs_reads():
    state = answer(None, 3, START, Policy(), None)
    data = json.loads(card_json("item", state))
    card = Card.from_json(card_json("item", state))
    assert data["card_id"] == card_number("item") == card.card_id
    assert card.stability == state.stability and card.due == state.due


def test_rows_written_by_earlier_versions_still_read():
    card, _ = Scheduler(enable_fuzzing=False).review_card(Card(card_id=7, due=START), Rating.Good, START)
    old = store.CardRow("old", card.to_json(), store.iso(card.due), int(card.state))
    state = state_of(old)
    assert state.stability == card.stability and state.first_review is None
    assert state_of(None) is None


def test_recorder_saves_what_the_api_computes(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    recorder = Recorder(conn, Policy(), "review")
    recorder.record("x", 3, None, 4000, START)
    recorder.record("x", 1, None, 9000, START + timedelta(days=3))
    expected = answer(answer(None, 3, START, Policy()), 1, START + timedelta(days=3), Policy())
    stored = state_of(store.card_row(conn, "x"))
    assert (stored.stability, stored.difficulty, stored.phase) == (
        expected.stability,
        expected.difficulty,
        expected.phase,
    )
    assert stored.first_review == START


def test_policy_puts_the_interview_at_its_local_time():
    plan = Plan(interview_date=date(2026, 12, 20), interview_time=time(14, 0), daily_minutes=30)
    policy = make_policy(plan, ZoneInfo("Asia/Kolkata"))
    assert policy.interview_at == datetime(2026, 12, 20, 8, 30, tzinfo=timezone.utc)  # 14:00 IST is 08:30 UTC
    assert policy.daily_minutes == 30 and make_policy(Plan(), timezone.utc).interview_at is None


def test_own_answer_times_replace_the_defaults_only_when_there_are_enough():
    few = expected_seconds({"new": [30_000] * (MIN_TIMED_ANSWERS - 1), "recall": [], "lapse": []})
    assert few == Seconds()
    many = expected_seconds({"new": [30_000, 50_000] * MIN_TIMED_ANSWERS, "recall": [8_000] * MIN_TIMED_ANSWERS})
    assert many.new == 40.0 and many.recall == 8.0 and many.lapse == Seconds().lapse
