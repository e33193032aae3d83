"""The interview planner on small cases worked out here with plain-Python FSRS-6 formulas."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from fsrs.scheduler import DEFAULT_PARAMETERS as W

from quizprep.api import ItemState, Policy, Seconds, answer, next_item
from quizprep.planner import columns

NOW = datetime(2026, 5, 4, 18, 0, tzinfo=timezone.utc)
F = 0.9 ** (-1 / W[20]) - 1


def forgetting(t, s):
    return (1 + F * t / s) ** -W[20]


def good_stability(d, s, r):
    return s * (1 + math.exp(W[8]) * (11 - d) * s ** -W[9] * (math.exp((1 - r) * W[10]) - 1))


def again_stability(d, s, r):
    long_term = W[11] * d ** -W[12] * ((s + 1) ** W[13] - 1) * math.exp((1 - r) * W[14])
    return min(long_term, s / math.exp(W[17] * W[18]))


def value_per_second(s, d, days_ago, days_ahead, recall_s=20.0, lapse_s=40.0):
    """Expected gain in recall at T from a review now (outcome Good with p, Again otherwise), per second."""
    p = forgetting(days_ago, s)
    r_whole = forgetting(math.floor(days_ago), s)
    after = p * forgetting(days_ahead, good_stability(d, s, r_whole)) + (1 - p) * forgetting(
        days_ahead, again_stability(d, s, r_whole)
    )
    gain = after - forgetting(days_ago + days_ahead, s)
    return gain / (p * recall_s + (1 - p) * lapse_s)


def review_state(s, d, days_ago):
    last = NOW - timedelta(days=days_ago)
    return ItemState(stability=s, difficulty=d, phase=2, step=None, last_review=last, due=last + timedelta(days=3))


# Three items: a weak one seen long ago, a strong one seen recently, one never seen.
ITEMS = {"weak": (3.0, 6.0, 6.25), "strong": (30.0, 3.0, 2.25)}
AHEAD = 5.0


def three_cards():
    cards = {key: review_state(*spec) for key, spec in ITEMS.items()}
    cards["fresh"] = None
    return cards


def expected_choice(new_s: float) -> str:
    values = {key: value_per_second(s, d, ago, AHEAD) for key, (s, d, ago) in ITEMS.items()}
    values["fresh"] = forgetting(AHEAD, W[2]) / new_s  # a first look counted as a Good answer
    return max(values, key=values.get)


def test_three_items_choice_follows_the_value_per_second_formula():
    interview = NOW + timedelta(days=AHEAD)
    cheap_new = Policy(interview_at=interview, daily_minutes=30)
    dear_new = Policy(interview_at=interview, daily_minutes=30, seconds=Seconds(new=400.0))
    # the two cost settings must lead to different picks, or the test would not tell them apart
    assert expected_choice(60.0) != expected_choice(400.0)
    assert next_item(three_cards(), NOW, cheap_new, 0.0) == expected_choice(60.0) == "fresh"
    assert next_item(three_cards(), NOW, dear_new, 0.0) == expected_choice(400.0)


def test_review_against_review_by_formula():
    interview = NOW + timedelta(days=AHEAD)
    cards = three_cards()
    del cards["fresh"]
    weak, strong = (value_per_second(*ITEMS[key], AHEAD) for key in ("weak", "strong"))
    assert weak > strong > 0
    assert next_item(cards, NOW, Policy(interview_at=interview), 0.0) == "weak"


def test_same_day_second_look_uses_short_term_stability():
    # one item answered Again an hour ago: its value comes from the same-day stability rule
    interview = NOW + timedelta(days=2)
    policy = Policy(interview_at=interview, min_gain_per_minute=0.0)
    state = answer(None, 1, NOW - timedelta(hours=1), policy)
    s = W[0]
    grown = s * math.exp(W[17] * (0 + W[18])) * s ** -W[19]  # Good, same day (growth above 1 here)
    p = forgetting(1 / 24, s)
    after = p * forgetting(2, max(grown, s)) + (1 - p) * forgetting(2, s * math.exp(W[17] * (-2 + W[18])) * s ** -W[19])
    gain_per_minute = (after - forgetting(2 + 1 / 24, s)) / (p * 20 + (1 - p) * 40) * 60
    assert 0 < gain_per_minute < 0.05
    assert next_item({"x": state}, NOW, policy, 0.0) == "x"
    stingy = Policy(interview_at=interview, min_gain_per_minute=gain_per_minute * 1.01)
    assert next_item({"x": state}, NOW, stingy, 0.0) is None
    generous = Policy(interview_at=interview, min_gain_per_minute=gain_per_minute * 0.99)
    assert next_item({"x": state}, NOW, generous, 0.0) == "x"


def test_budget_spent_gives_none():
    policy = Policy(interview_at=NOW + timedelta(days=3), daily_minutes=10)
    assert next_item(three_cards(), NOW, policy, 600.0) is None
    assert next_item(three_cards(), NOW, policy, 900.0) is None
    assert next_item(three_cards(), NOW, policy, 0.0) is not None


def test_half_cost_rule_at_the_end_of_the_day():
    policy = Policy(interview_at=NOW + timedelta(days=AHEAD), daily_minutes=10)
    # 25 s left: a first look (60 s) no longer fits, a review (20-40 s expected) still may
    p = forgetting(6.25, 3.0)
    weak_cost = 20 * p + 40 * (1 - p)
    assert weak_cost <= 50
    assert next_item(three_cards(), NOW, policy, 600 - 25.0) == "weak"
    # 8 s left: less than half of any item's expected time
    assert next_item(three_cards(), NOW, policy, 600 - 8.0) is None


def test_interview_boundary_across_time_zones():
    kolkata, los_angeles = ZoneInfo("Asia/Kolkata"), ZoneInfo("America/Los_Angeles")
    interview = datetime(2026, 5, 10, 9, 30, tzinfo=kolkata)
    cards = {"due": review_state(3.0, 6.0, 6.25), "fresh": None}
    policy = Policy(interview_at=interview, daily_minutes=30, tz=los_angeles, new_per_day=5)
    before = (interview - timedelta(minutes=1)).astimezone(los_angeles)
    after = (interview + timedelta(minutes=1)).astimezone(los_angeles)
    # a minute before T, a first look (recall 1.0 at T) beats a review; after T, plain FSRS puts the due review first
    assert forgetting(1 / 1440, W[2]) / 60 > value_per_second(3.0, 6.0, 6.25, 1 / 1440)
    assert next_item(cards, before, policy, 0.0) == "fresh"
    assert next_item(cards, after, policy, 0.0) == "due"
    assert next_item(cards, interview, policy, 0.0) == "due"


def test_columns_cache_agrees_with_a_fresh_build():
    rng = random.Random(7)
    policy = Policy(interview_at=NOW + timedelta(days=9), daily_minutes=60)
    cards = {f"i{k}": None for k in range(40)}
    now = NOW
    for _ in range(120):
        cached = next_item(cards, now, policy, 0.0)
        columns._cached = None
        assert next_item(cards, now, policy, 0.0) == cached
        cards[cached] = answer(cards[cached], rng.choice([1, 3, 3]), now, policy)
        now += timedelta(minutes=rng.choice([1, 30, 600]))


def test_planner_spends_on_recall_at_the_date_not_on_learning_steps():
    # one day, a budget for five first looks: five different items, no step repeats
    policy = Policy(interview_at=NOW + timedelta(days=10), daily_minutes=5)
    cards = {f"i{k}": None for k in range(20)}
    now, spent, shown = NOW, 0.0, []
    while (key := next_item(cards, now, policy, spent)) is not None:
        shown.append(key)
        cards[key] = answer(cards[key], 3, now, policy, 60.0)
        now += timedelta(seconds=60)
        spent += 60.0
    assert shown == ["i0", "i1", "i2", "i3", "i4"]
