"""The scheduler against the fsrs package itself, from fixed UTC times, and the interview-date policy."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from fsrs import Card, Rating, Scheduler

from quizprep import scheduler, store
from quizprep.scheduler import Policy
from quizprep.session import Recorder

START = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)


DEFAULT_POLICY = Policy()


def run_ratings(ratings, policy=DEFAULT_POLICY, gap=None):
    """Review a new card with each rating, each time at its due date (or after `gap`); return the due dates."""
    card = scheduler.new_card("item", START)
    now = START
    dues = []
    for rating in ratings:
        card = scheduler.review(card, rating, now, policy)
        dues.append(card.due)
        now = card.due if gap is None else now + gap
    return dues


def reference(ratings, retention=0.9):
    fsrs = Scheduler(desired_retention=retention, enable_fuzzing=False)
    card = Card(card_id=1, due=START)
    now = START
    dues = []
    for rating in ratings:
        card, _ = fsrs.review_card(card, Rating(rating), review_datetime=now)
        dues.append(card.due)
        now = card.due
    return dues


def test_intervals_match_the_fsrs_package():
    ratings = [3, 3, 3, 1, 3, 3, 4, 2, 3]
    assert run_ratings(ratings) == reference(ratings)
    assert run_ratings(ratings, Policy(desired_retention=0.8)) == reference(ratings, 0.8)


def test_whole_interval_sequence_for_good_answers():
    dues = run_ratings([3, 3, 3, 3, 3])
    steps = [dues[0] - START] + [b - a for a, b in zip(dues, dues[1:])]
    assert steps[0] == timedelta(minutes=10)  # second learning step
    assert all(step >= timedelta(days=1) for step in steps[1:])
    assert steps[1:] == sorted(steps[1:])  # each good review waits longer
    assert steps == [b - a for a, b in zip([START] + reference([3] * 5)[:-1], reference([3] * 5))]


def test_retrievability_falls_with_time():
    card = scheduler.review(scheduler.new_card("x", START), 4, START, Policy())
    values = [scheduler.retrievability(card, START + timedelta(days=d), Policy()) for d in (0, 5, 30, 200)]
    assert values[0] == 1.0
    assert values == sorted(values, reverse=True)
    assert scheduler.retrievability(scheduler.new_card("y", START), START, Policy()) == 0


def test_no_interval_runs_past_the_interview():
    policy = Policy(interview_date=date(2026, 1, 20))
    cutoff = datetime(2026, 1, 19, tzinfo=timezone.utc)
    card, now, reviewed_before = scheduler.new_card("x", START), START, []
    while now < cutoff:
        card = scheduler.review(card, 4 if reviewed_before else 3, now, policy)
        reviewed_before.append(card.due)
        now = card.due
    assert all(due <= cutoff for due in reviewed_before)
    assert reviewed_before[-1] == cutoff  # the long interval is pulled back to the eve of the interview
    assert len(reviewed_before) >= 3


def test_reviews_on_the_eve_schedule_normally():
    policy = Policy(interview_date=date(2026, 1, 20))
    card = scheduler.review(scheduler.new_card("x", START), 4, START, policy)
    eve = datetime(2026, 1, 19, 12, tzinfo=timezone.utc)
    after = scheduler.review(card, 3, eve, policy)
    plain = scheduler.review(card, 3, eve, Policy())
    assert after.due == plain.due and after.due > datetime(2026, 1, 20, tzinfo=timezone.utc)


def test_interview_cutoff_respects_the_local_day():
    zone = timezone(timedelta(hours=-8))
    policy = Policy(interview_date=date(2026, 1, 20), tz=zone)
    assert scheduler.interview_cutoff(policy) == datetime(2026, 1, 19, 8, tzinfo=timezone.utc)


def test_new_items_are_paced_to_finish_early():
    policy = Policy(interview_date=date(2026, 1, 15))
    # 14 days left, a quarter (4 days) kept spare: 10 days to introduce everything.
    assert scheduler.new_quota(20, 100, START, policy) == 20
    assert scheduler.new_quota(20, 300, START, policy) == 30
    assert scheduler.new_quota(5, 101, START, policy) == 11
    # Two days left: at least two spare days, so everything today.
    late = Policy(interview_date=date(2026, 1, 3))
    assert scheduler.new_quota(20, 70, START, late) == 70
    assert scheduler.new_quota(20, 70, START, Policy()) == 20


def test_recorder_stores_what_fsrs_computes(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    recorder = Recorder(conn, Policy(), "review")
    first = recorder.record("item-a", 3, None, 1500, START)
    later = datetime.fromisoformat(first.card.due)
    second = recorder.record("item-a", 1, None, 900, later)
    expected = reference([3, 1])
    assert [first.card.due, second.card.due] == [store.iso(d) for d in expected]
    assert store.card_row(conn, "item-a").reps == 2
    assert [r.rating for r in store.reviews(conn, "item-a")] == [3, 1]
    recorder.undo(second)
    assert store.card_row(conn, "item-a") == first.card
    assert [r.rating for r in store.reviews(conn, "item-a")] == [3]


def test_a_lapse_is_a_failed_review_card(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    recorder = Recorder(conn, Policy(), "review")
    now = START
    for rating in (3, 3):
        now = datetime.fromisoformat(recorder.record("item", rating, None, None, now).card.due)
    lapsed = recorder.record("item", 1, None, None, now)
    assert lapsed.card.state == scheduler.RELEARNING
    assert lapsed.card.lapses == 1
