"""The interview planner on small cases worked out here with plain-Python FSRS-6 formulas, run with
the columns as Python lists and as NumPy arrays; the two kinds agree on random selections."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS as W

from quizprep.api import ItemState, Policy, Seconds, answer, next_item
from quizprep.planner import arrays, choose, columns
from quizprep.planner.memory import memory_for

NOW = datetime(2026, 5, 4, 18, 0, tzinfo=timezone.utc)
F = 0.9 ** (-1 / W[20]) - 1


@pytest.fixture(autouse=True, params=["lists", "numpy"])
def kind(request):
    """Every test here runs with both kinds of columns."""
    with arrays.held_as(request.param):
        yield request.param


def forgetting(t, s):
    return (1 + F * t / s) ** -W[20]


def good_stability(d, s, r):
    return s * (1 + math.exp(W[8]) * (11 - d) * s ** -W[9] * (math.exp((1 - r) * W[10]) - 1))


def again_stability(d, s, r):
    long_term = W[11] * d ** -W[12] * ((s + 1) ** W[13] - 1) * math.exp((1 - r) * W[14])
    return min(long_term, s / math.exp(W[17] * W[18]))


def review_gain(s, d, days_ago, days_ahead):
    """Expected gain in recall at T from a review now (outcome Good with p, Again otherwise), and its cost."""
    p = forgetting(days_ago, s)
    r_whole = forgetting(math.floor(days_ago), s)
    good, again = good_stability(d, s, r_whole), again_stability(d, s, r_whole)
    after = p * forgetting(days_ahead, good) + (1 - p) * forgetting(days_ahead, again)
    return after - forgetting(days_ago + days_ahead, s), p * 20.0 + (1 - p) * 40.0


def value_per_second(s, d, days_ago, days_ahead, held=True):
    """The planner's score: the gain now, less twice what waiting a day would add to it (more than
    a day before T), per expected second."""
    gain, cost = review_gain(s, d, days_ago, days_ahead)
    if held and days_ahead > 1:
        tomorrow, _ = review_gain(s, d, days_ago + 1, days_ahead - 1)
        gain -= 2.0 * max(tomorrow - gain, 0.0)
    return gain / cost


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
    # one item answered Again an hour ago, the interview 20 hours away (no holding back in the last day)
    ahead = 20 / 24
    interview = NOW + timedelta(days=ahead)
    policy = Policy(interview_at=interview, min_gain_per_minute=0.0)
    state = answer(None, 1, NOW - timedelta(hours=1), policy)
    s = W[0]
    grown = s * math.exp(W[17] * (0 + W[18])) * s ** -W[19]  # Good, same day
    shrunk = s * math.exp(W[17] * (-2 + W[18])) * s ** -W[19]  # Again, same day
    p = forgetting(1 / 24, s)
    after = p * forgetting(ahead, max(grown, s)) + (1 - p) * forgetting(ahead, shrunk)
    gain_per_minute = (after - forgetting(ahead + 1 / 24, s)) / (p * 20 + (1 - p) * 40) * 60
    assert 0 < gain_per_minute < 0.05
    assert next_item({"x": state}, NOW, policy, 0.0) == "x"
    stingy = Policy(interview_at=interview, min_gain_per_minute=gain_per_minute * 1.01)
    assert next_item({"x": state}, NOW, stingy, 0.0) is None
    generous = Policy(interview_at=interview, min_gain_per_minute=gain_per_minute * 0.99)
    assert next_item({"x": state}, NOW, generous, 0.0) == "x"


def test_a_review_worth_more_tomorrow_waits_unless_the_budget_would_go_unused():
    spec = (2.3, 5.0, 0.5)  # seen twelve hours ago, ten days before the interview
    interview = NOW + timedelta(days=10)
    assert value_per_second(*spec, 10, held=False) > 0 > value_per_second(*spec, 10)
    cards = {"young": review_state(*spec)}
    assert next_item(cards, NOW, Policy(interview_at=interview, min_gain_per_minute=0.0)) is None
    assert next_item(cards, NOW, Policy(interview_at=interview, daily_minutes=20), 0.0) == "young"


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


def test_without_a_budget_new_items_are_spread_over_the_days_left():
    zone = ZoneInfo("Asia/Kolkata")
    now = datetime(2026, 5, 4, 20, 0, tzinfo=zone)
    interview = datetime(2026, 5, 9, 9, 0, tzinfo=zone)  # 4, 5, 6, 7, 8 May: five local days to study
    policy = Policy(interview_at=interview, tz=zone)
    cards = {f"i{k}": None for k in range(10)}
    shown = []
    while (key := next_item(cards, now, policy)) is not None:
        shown.append(key)
        cards[key] = answer(cards[key], 3, now, policy, 60.0)
        now += timedelta(minutes=1)
    # ceil(10 / 5) first looks; a same-day second look gains ~nothing (Good barely moves S)
    assert shown == ["i0", "i1"]
    # the next local day (after midnight in Kolkata, still 4 May in UTC): ceil(8 / 4) more
    tomorrow = datetime(2026, 5, 5, 0, 30, tzinfo=zone)
    assert tomorrow.astimezone(timezone.utc).day == 4
    assert next_item(cards, tomorrow, policy) == "i2"


def test_a_stopping_threshold_makes_the_budget_a_ceiling():
    interview = NOW + timedelta(days=AHEAD)
    cards = three_cards()
    del cards["fresh"]
    weak = value_per_second(*ITEMS["weak"], AHEAD) * 60
    strong = value_per_second(*ITEMS["strong"], AHEAD) * 60
    assert next_item(cards, NOW, Policy(interview_at=interview, daily_minutes=30), 0.0) == "weak"
    between = Policy(interview_at=interview, daily_minutes=30, min_gain_per_minute=(weak + strong) / 2)
    cards["weak"] = answer(cards["weak"], 3, NOW, between)
    # the weak item is done; the strong one gains less than the threshold: stop with budget left
    assert next_item(cards, NOW, between, 60.0) is None
    assert next_item(cards, NOW, Policy(interview_at=interview, daily_minutes=30), 60.0) == "strong"


def test_every_items_score_is_the_value_per_second_formula(kind):
    rng = random.Random(5)
    specs = [(rng.uniform(0.3, 80.0), rng.uniform(1.0, 10.0), rng.uniform(1.0, 45.0)) for _ in range(300)]
    cards = {f"i{k}": review_state(*spec) for k, spec in enumerate(specs)}
    cards.update({"new": None})
    memory, ahead = memory_for(None), 12.5
    settings = choose.Settings(
        memory=memory, now_ts=NOW.timestamp(), day_start_ts=NOW.timestamp() - 3600,
        target_ts=(NOW + timedelta(days=ahead)).timestamp(), budget_left_s=None, new_s=60.0, recall_s=20.0,
        lapse_s=40.0, min_gain_per_minute=0.0, new_per_day=None, reviews_per_day=None,
    )  # fmt: skip
    table = columns.build(list(cards), list(cards.values()), memory, arrays.columns_kind(len(cards)))
    assert type(table.kind).__name__ == {"lists": "ListColumns", "numpy": "NumpyColumns"}[kind]
    rows = table.kind.indices(table.seen)
    for _ in range(2):  # the second time from the remembered stabilities
        scores, costs = choose.review_scores(table, rows, settings)
        assert list(rows) == list(range(len(specs)))
        for (s, d, ago), score, cost in zip(specs, scores, costs):
            assert score == pytest.approx(value_per_second(s, d, ago, ahead), rel=1e-9, abs=1e-15)
            p = forgetting(ago, s)
            assert cost == pytest.approx(20.0 * p + 40.0 * (1 - p), rel=1e-12)


def test_ties_go_to_the_earliest_card(kind):
    state = review_state(3.0, 6.0, 6.25)
    twin = ItemState.from_dict(state.to_dict())  # equal, but another object
    cards = {"z": state, "m": twin, "a": state}
    assert next_item(cards, NOW, Policy(interview_at=NOW + timedelta(days=AHEAD))) == "z"
    assert next_item(cards, NOW, Policy()) == "z"  # all three due at the same moment
    assert next_item({"m": twin, "z": state}, NOW, Policy()) == "m"


def test_the_kind_follows_the_size_and_the_work_done(monkeypatch):
    monkeypatch.setattr(arrays, "_forced", None)
    monkeypatch.setattr(arrays, "_list_rows", 0)
    assert isinstance(arrays.columns_kind(561), arrays.ListColumns)
    assert isinstance(arrays.columns_kind(arrays.LIST_LIMIT), arrays.ListColumns)
    assert isinstance(arrays.columns_kind(arrays.LIST_LIMIT + 1), arrays.NumpyColumns)
    assert arrays._list_rows == 561 + arrays.LIST_LIMIT
    monkeypatch.setattr(arrays, "_list_rows", arrays.LIST_WORK - 560)
    assert isinstance(arrays.columns_kind(561), arrays.NumpyColumns)  # the import has paid off


ZONES = ("UTC", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Chatham", "Australia/Lord_Howe")


def random_policy(rng: random.Random, now: datetime) -> Policy:
    interview = rng.choice([None, now + timedelta(days=rng.uniform(0.1, 1.0)),
                            now + timedelta(days=rng.uniform(1.0, 40.0)), now - timedelta(days=1)])  # fmt: skip
    return Policy(
        interview_at=interview,
        daily_minutes=rng.choice([None, rng.uniform(3, 60)]),
        tz=ZoneInfo(rng.choice(ZONES)),
        seconds=rng.choice([None, Seconds(new=rng.uniform(20, 200), recall=rng.uniform(5, 30), lapse=45.0)]),
        new_per_day=rng.choice([None, 0, 3, 20]),
        reviews_per_day=rng.choice([None, 2, 200]),
        min_gain_per_minute=rng.choice([None, 0.0, rng.uniform(0.01, 0.3)]),
    )


def random_cards(rng: random.Random, now: datetime, policy: Policy) -> dict:
    """Unseen items, items studied over the last two months (some an hour ago), and repeated
    states under several ids, in a shuffled order."""
    states = []
    for _ in range(rng.randint(0, 50)):
        state, moment = None, now - timedelta(days=rng.choice([rng.uniform(0, 0.2), rng.uniform(0, 60)]))
        for _ in range(rng.randint(0, 5)):
            state = answer(state, rng.choice([1, 2, 3, 3, 4]), moment, policy)
            moment += timedelta(minutes=rng.choice([1, 10, 300, rng.uniform(600, 20000)]))
            if moment > now:
                break
        states.append(state)
    states += [rng.choice(states) for _ in range(len(states) // 5)]
    rng.shuffle(states)
    return {f"item{index}": state for index, state in enumerate(states)}


def session(cards: dict, now: datetime, policy: Policy, spent: float, seed: int) -> list:
    """The ids next_item gives over up to 15 answers (ratings drawn from `seed`), None at the end."""
    rng, cards, shown = random.Random(seed), dict(cards), []
    for _ in range(15):
        key = next_item(cards, now, policy, spent)
        shown.append(key)
        if key is None:
            break
        cards[key] = answer(cards[key], rng.choice([1, 3, 3, 4]), now, policy)
        seconds = rng.uniform(5, 90)
        now, spent = now + timedelta(seconds=seconds), spent + seconds
    return shown


def test_lists_and_numpy_give_the_same_items_on_random_selections(kind):
    rng = random.Random(2024)
    picked = {"interview": 0, "plain": 0, "none": 0}
    for case in range(120):
        now = NOW + timedelta(hours=rng.uniform(-500, 500))
        policy = random_policy(rng, now)
        cards = random_cards(rng, now, policy)
        spent = rng.choice([0.0, rng.uniform(0, 3600)])
        runs = {}
        for name in ("lists", "numpy"):
            with arrays.held_as(name):
                runs[name] = session(cards, now, policy, spent, seed=case)
        assert runs["lists"] == runs["numpy"], (case, policy)
        ahead = policy.interview_at is not None and policy.interview_at > now
        picked["interview" if ahead else "plain"] += sum(key is not None for key in runs["lists"])
        picked["none"] += runs["lists"][-1] is None
    # the cases reached both planners and their stopping rules many times
    assert min(picked.values()) >= 30, picked
