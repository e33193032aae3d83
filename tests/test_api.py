"""quizprep.api: answers against fsrs's Scheduler, recall against the closed form, plain-FSRS order
(with the planner's columns as lists and as NumPy arrays), state storage forms, policy checks, local
days, and planning the bundled bank's size without NumPy."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from quizprep.api import ItemState, Policy, PolicyError, Seconds, answer, next_item, recall
from quizprep.errors import QuizprepError
from quizprep.planner import arrays

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
CUSTOM = (
    0.4, 1.2, 3.1, 15.0, 7.0, 0.6, 2.0, 0.01, 1.5, 0.2, 0.9,
    1.9, 0.1, 0.3, 2.0, 0.5, 2.2, 0.4, 0.2, 0.1, 0.3,
)  # fmt: skip
GAPS = [timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=5), timedelta(days=1, hours=3), timedelta(days=9)]


@pytest.fixture(params=["lists", "numpy"])
def both_kinds(request):
    """Run the test with the planner's columns as Python lists, then as NumPy arrays."""
    with arrays.held_as(request.param):
        yield


def same_card(state: ItemState, card: Card) -> bool:
    mine = state.to_card(card.card_id)
    return (
        (mine.state, mine.step, mine.due, mine.last_review) == (card.state, card.step, card.due, card.last_review)
        and mine.stability == pytest.approx(card.stability, rel=1e-12)
        and mine.difficulty == pytest.approx(card.difficulty, rel=1e-12)
    )


@pytest.mark.parametrize("parameters", [None, CUSTOM])
@pytest.mark.parametrize("retention", [0.8, 0.9, 0.95])
def test_answer_agrees_with_fsrs_scheduler(parameters, retention):
    rng = random.Random(f"{parameters is None}{retention}")
    reference = Scheduler(parameters or DEFAULT_PARAMETERS, desired_retention=retention, enable_fuzzing=False)
    policy = Policy(desired_retention=retention, parameters=parameters)
    for _ in range(40):
        card, state, now = Card(card_id=11, due=START), None, START
        for _ in range(10):
            rating = rng.choice([1, 2, 3, 3, 4])
            card, _ = reference.review_card(card, Rating(rating), review_datetime=now)
            state = answer(state, rating, now, policy, 12.5)
            assert same_card(state, card), (state, card)
            now += rng.choice(GAPS)


def test_answer_takes_any_zone_and_keeps_the_first_review():
    paris = ZoneInfo("Europe/Paris")
    first = answer(None, 3, START.astimezone(paris), Policy())
    later = answer(first, 3, (START + timedelta(days=3)).astimezone(paris), Policy())
    assert first.last_review == START and first.last_review.tzinfo == timezone.utc
    assert later.first_review == START
    assert later.last_review == START + timedelta(days=3)


def test_recall_is_the_closed_form_forgetting_curve():
    state = answer(None, 3, START, Policy())
    s, decay = DEFAULT_PARAMETERS[2], DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (-1 / decay) - 1
    for hours in (0, 6, 30, 24 * 7, 24 * 40):
        t = hours / 24
        assert recall(state, START + timedelta(hours=hours), Policy()) == pytest.approx(
            (1 + factor * t / s) ** -decay, rel=1e-12
        )
    assert recall(state, START + timedelta(days=s), Policy()) == pytest.approx(0.9, rel=1e-12)
    assert recall(None, START, Policy()) == 0.0


def test_custom_parameters_change_the_results():
    custom = Policy(parameters=CUSTOM)
    default_state, custom_state = answer(None, 3, START, Policy()), answer(None, 3, START, custom)
    assert default_state.stability == DEFAULT_PARAMETERS[2] and custom_state.stability == CUSTOM[2]
    week = START + timedelta(days=7)
    decay = CUSTOM[20]
    expected = (1 + (0.9 ** (-1 / decay) - 1) * 7 / CUSTOM[2]) ** -decay
    assert recall(custom_state, week, custom) == pytest.approx(expected, rel=1e-12)
    assert recall(custom_state, week, custom) != pytest.approx(recall(custom_state, week, Policy()))


def test_state_round_trips_through_json_and_fsrs_cards():
    state = answer(answer(None, 3, START, Policy()), 1, START + timedelta(days=4), Policy())
    assert ItemState.from_json(state.to_json()) == state
    assert ItemState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    card = state.to_card(99)
    back = ItemState.from_card(Card.from_json(card.to_json()), first_review=state.first_review)
    assert (back.stability, back.difficulty, back.phase, back.step, back.due, back.last_review) == (
        state.stability, state.difficulty, state.phase, state.step, state.due, state.last_review,
    )  # fmt: skip
    assert back.card_id == 99 and back.first_review == START


def test_cards_stored_by_fsrs_keep_working():
    reference = Scheduler(enable_fuzzing=False)
    card, _ = reference.review_card(Card(card_id=5, due=START), Rating.Good, review_datetime=START)
    card, _ = reference.review_card(card, Rating.Good, review_datetime=START + timedelta(minutes=10))
    stored = card.to_json()  # what the CLI keeps in SQLite today
    state = ItemState.from_card(Card.from_json(stored))
    later = START + timedelta(days=5)
    expected, _ = reference.review_card(Card.from_json(stored), Rating.Again, review_datetime=later)
    assert same_card(answer(state, 1, later, Policy()), expected)
    assert ItemState.from_card(Card(card_id=1, due=START)) is None  # never reviewed: unseen


def test_card_json_is_read_and_written_without_fsrs_in_the_same_layout():
    reference = Scheduler(enable_fuzzing=False)
    card, _ = reference.review_card(Card(card_id=77, due=START), Rating.Hard, review_datetime=START)
    state = ItemState.from_card_json(card.to_json())
    assert json.loads(state.to_card_json()) == card.to_dict()
    assert Card.from_json(state.to_card_json(card_id=5)).card_id == 5
    assert ItemState.from_card_json(Card(card_id=3, due=START).to_json()) is None


@pytest.mark.usefixtures("both_kinds")
def test_plain_fsrs_order_without_a_date():
    now = START + timedelta(days=10)
    learning = answer(None, 3, now - timedelta(minutes=30), Policy())  # step due 10 minutes after
    review = answer(answer(None, 3, START, Policy()), 3, START + timedelta(minutes=10), Policy())
    assert review.phase == 2 and review.due <= now and learning.phase == 1 and learning.due <= now
    cards = {"fresh": None, "review": review, "learning": learning}
    policy = Policy()
    assert next_item(cards, now, policy) == "learning"
    cards["learning"] = answer(learning, 3, now, policy)
    assert next_item(cards, now, policy) == "review"
    cards["review"] = answer(review, 3, now, policy)
    assert next_item(cards, now, policy) == "fresh"
    assert next_item(cards, now, Policy(new_per_day=0)) is None


@pytest.mark.usefixtures("both_kinds")
def test_new_items_are_limited_per_local_day():
    zone = ZoneInfo("Asia/Kolkata")  # UTC+5:30
    now = datetime(2026, 6, 1, 12, 0, tzinfo=zone)
    policy = Policy(new_per_day=1, tz=zone)
    far = datetime(2026, 9, 1, tzinfo=timezone.utc)
    # first reviewed 00:15 local today: today's one new item is used up
    today = replace_due(answer(None, 4, datetime(2026, 6, 1, 0, 15, tzinfo=zone), policy), far)
    assert next_item({"a": today, "b": None}, now, policy) is None
    # first reviewed 23:45 local yesterday (already 1 June in UTC+14, still 31 May here)
    yesterday = replace_due(answer(None, 4, datetime(2026, 5, 31, 23, 45, tzinfo=zone), policy), far)
    assert next_item({"a": yesterday, "b": None}, now, policy) == "b"
    # the same moments seen from UTC: both fall on 31 May, a day before `now`'s UTC day
    assert next_item({"a": today, "b": None}, now, Policy(new_per_day=1)) == "b"


@pytest.mark.usefixtures("both_kinds")
def test_daily_budget_and_the_local_day_in_los_angeles():
    zone = ZoneInfo("America/Los_Angeles")
    policy = Policy(daily_minutes=2, tz=zone, new_per_day=None)
    cards = {f"i{k}": None for k in range(5)}
    now = datetime(2026, 3, 8, 23, 0, tzinfo=zone)  # the day clocks go forward: 23 hours long
    spent, shown = 0.0, 0
    while (key := next_item(cards, now, policy, spent)) is not None:
        cards[key] = answer(cards[key], 3, now, policy, 60.0)
        now, spent, shown = now + timedelta(seconds=60), spent + 60.0, shown + 1
    assert shown == 2 and next_item(cards, now, policy, 120.0) is None
    # after local midnight the caller restarts the count and the budget is there again;
    # the first item's 10-minute learning step is due by then and goes before new items
    assert next_item(cards, datetime(2026, 3, 9, 0, 5, tzinfo=zone), policy, 0.0) == "i0"


def replace_due(state: ItemState, due: datetime) -> ItemState:
    return ItemState.from_dict({**state.to_dict(), "due": due.isoformat()})


def test_policy_reports_every_bad_value_at_once():
    with pytest.raises(PolicyError) as caught:
        Policy(
            interview_at=datetime(2026, 6, 1, 9, 0),
            daily_minutes=0,
            desired_retention=1.0,
            parameters=[0.1] * 20,
            seconds={"new": -1},
        )
    message = str(caught.value)
    for fragment in ("interview_at must be an aware datetime", "daily_minutes must be a positive",
                     "desired_retention must be between 0 and 1", "21 parameters", "seconds.new"):  # fmt: skip
        assert fragment in message
    assert isinstance(caught.value, QuizprepError) and isinstance(caught.value, ValueError)


def test_parameters_out_of_bounds_are_named():
    bad = list(DEFAULT_PARAMETERS)
    bad[4] = 20.0
    with pytest.raises(PolicyError, match=r"parameters\[4\] = 20.0 is outside \[1.0, 10.0\]"):
        Policy(parameters=bad)


def test_seconds_as_a_dict_and_naive_now_rejected():
    assert Policy(seconds={"new": 90, "recall": 15, "lapse": 30}).durations == Seconds(90, 15, 30)
    with pytest.raises(PolicyError, match="now must be an aware datetime"):
        next_item({}, datetime(2026, 1, 1), Policy())
    with pytest.raises(PolicyError, match="rating must be 1"):
        answer(None, 5, START, Policy())


NO_NUMPY_RUN = """
import sys
from datetime import datetime, timedelta, timezone
from quizprep.api import Policy, answer, next_item
now = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
policy = Policy(interview_at=now + timedelta(days=20), daily_minutes=30)
cards = dict.fromkeys(f"i{k}" for k in range(561))
for k in range(0, 561, 2):
    cards[f"i{k}"] = answer(answer(None, 3, now - timedelta(days=k % 40 + 1), policy), 3,
                            now - timedelta(days=k % 40 + 1, minutes=-10), policy)
print(next_item(cards, now, policy, 0.0), next_item(cards, now, Policy(), 0.0), "numpy" in sys.modules)
"""


def test_the_bundled_bank_size_is_planned_without_numpy():
    result = subprocess.run([sys.executable, "-c", NO_NUMPY_RUN], capture_output=True, text=True, check=True)
    interview_pick, plain_pick, numpy_loaded = result.stdout.split()
    # both planners ran: plain FSRS gives a due review (the studied items are the even ones)
    assert interview_pick.startswith("i") and 0 <= int(interview_pick[1:]) < 561, result.stdout
    assert plain_pick.startswith("i") and int(plain_pick[1:]) % 2 == 0, result.stdout
    assert numpy_loaded == "False"
