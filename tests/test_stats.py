"""Stats figures against a review history the test writes at fixed times."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from fsrs.scheduler import DEFAULT_PARAMETERS

from quizprep import store
from quizprep.api import Policy
from quizprep.bank import load_bank
from quizprep.questions import LETTERS
from quizprep.session import Recorder
from quizprep.stats import progress
from tests.helpers.quiz import planned

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc)

SOON = (date.today() + timedelta(days=18)).isoformat()  # an interview date the CLI accepts on any day


def write_history(conn, bank):
    """Item 0: answered on three consecutive days; item 1: once, wrongly, 10 days ago; item 2: once today."""
    first, second, third = bank.items[0], bank.items[1], bank.items[2]
    recorder = Recorder(conn, Policy(), "quiz")
    for days_ago, rating in ((2, 3), (1, 3), (0, 3)):
        recorder.record(first.id, rating, True, 1000, NOW - timedelta(days=days_ago, hours=1))
    recorder.record(second.id, 1, False, 1000, NOW - timedelta(days=10))
    recorder.record(third.id, 4, None, 1000, NOW - timedelta(hours=2))
    return first, second, third


def test_totals_topics_heatmap_and_forecast(tmp_path):
    bank = load_bank()
    conn = store.connect(tmp_path / "q.db")
    first, second, third = write_history(conn, bank)
    figures = progress(conn, bank, NOW, Policy())
    assert figures["total_reviews"] == 5
    assert figures["cards_seen"] == 3
    assert figures["due_now"] == 1  # item 1 failed ten days ago: its relearning step is long due
    topic = figures["topics"][first.topic]
    assert topic["seen"] == sum(1 for item in (first, second, third) if item.topic == first.topic)
    assert topic["reviews"] == sum(n for item, n in ((first, 3), (second, 1), (third, 1)) if item.topic == first.topic)
    days = {d["date"]: d["answers"] for d in figures["heatmap"]["days"]}
    assert len(days) == 84
    assert days["2026-11-21"] == 2 and days["2026-11-20"] == 1 and days["2026-11-19"] == 1 and days["2026-11-11"] == 1
    assert figures["heatmap"]["streak"] == 3
    assert figures["heatmap"]["active_days"] == 4
    forecast = figures["forecast"]
    assert [d["date"] for d in forecast][:2] == ["2026-11-21", "2026-11-22"]
    due_dates = [datetime.fromisoformat(store.card_row(conn, i.id).due).date() for i in (first, second, third)]
    for day in forecast:
        offset = (date.fromisoformat(day["date"]) - NOW.date()).days
        assert day["due"] == sum(1 for d in due_dates if max(0, (d - NOW.date()).days) == offset)
    assert figures["readiness"] is None
    json.dumps(figures)  # plain JSON throughout


def test_accuracy_and_lapses_per_topic(tmp_path):
    bank = load_bank()
    conn = store.connect(tmp_path / "q.db")
    item = bank.items[0]
    recorder = Recorder(conn, Policy(), "quiz")
    moment = NOW - timedelta(days=30)
    for rating, correct in ((3, True), (3, True), (3, True)):
        moment = datetime.fromisoformat(recorder.record(item.id, rating, correct, None, moment).card.due)
    recorder.record(item.id, 1, False, None, moment)  # a failed review: one lapse
    figures = progress(conn, bank, moment + timedelta(minutes=1), Policy())
    entry = figures["topics"][item.topic]
    assert entry["graded"] == 4 and entry["correct"] == 3 and entry["accuracy"] == 0.75
    assert entry["lapses"] == 1


def test_readiness_projects_fsrs_recall_to_the_interview(tmp_path):
    bank = load_bank()
    conn = store.connect(tmp_path / "q.db")
    item = bank.items[0]
    Recorder(conn, Policy(), "quiz").record(item.id, 3, True, None, NOW - timedelta(days=1))
    at = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
    figures = progress(conn, bank, NOW, Policy(interview_at=at))
    ready = figures["readiness"]
    # FSRS-6 closed form: a first Good gives stability w2; recall (1 + F t / S)^-w20 with F = 0.9^(-1/w20) - 1
    w2, w20 = DEFAULT_PARAMETERS[2], DEFAULT_PARAMETERS[20]
    elapsed_days = (at - (NOW - timedelta(days=1))).total_seconds() / 86400
    recall = (1 + (0.9 ** (-1 / w20) - 1) * elapsed_days / w2) ** -w20
    topic_items = len(bank.topics()[item.topic])
    assert ready["date"] == "2026-12-05"
    assert abs(ready["topics"][item.topic]["expected_recall"] - recall / topic_items) < 1e-4
    assert abs(ready["expected_recall"] - recall / len(bank.items)) < 1e-4
    assert ready["plan"] and ready["plan"][0]["gain"] >= ready["plan"][-1]["gain"]
    assert ready["plan"][0]["command"].startswith("quizprep ")


def test_stats_command_json_and_text(run):
    result = run("stats", "--json", "--interview-date", SOON)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert {"total_reviews", "cards_seen", "due_now", "topics", "heatmap", "forecast", "readiness"} <= set(figures)
    assert figures["readiness"]["date"] == SOON
    text = run("stats")
    assert text.exit_code == 0 and "By topic, weakest first" in text.stdout and "Due in the next 14 days" in text.stdout
    bad = run("stats", "--interview-date", "soon")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.stderr


def test_stats_json_counts_scripted_answers(run, quizprep_home):
    questions = planned("mcq", 3, seed=12)
    answers = "".join(f"{LETTERS[q.correct]}\n" for q in questions)
    run("quiz", "--type", "mcq", "-n", "3", "--seed", "12", input=answers)
    run("quiz", "--type", "flashcard", "-n", "1", "--seed", "13", input="\n1\n")
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["total_reviews"] == 4
    assert figures["cards_seen"] == len({q.key for q in questions} | {planned("flashcard", 1, 13)[0].key})
    assert figures["due_now"] == 0  # Good cards wait ten minutes, Again ones one minute
    assert sum(t["reviews"] for t in figures["topics"].values()) == 4
    topic = questions[0].topic
    assert figures["topics"][topic]["seen"] >= 1
