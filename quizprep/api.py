"""quizprep's scheduling library: what to study next, what an answer does, how much is remembered.

Three functions and two small value types make the whole surface::

    from quizprep.api import Policy, answer, next_item, recall

    policy = Policy(interview_at=interview, daily_minutes=30, tz=ZoneInfo("Europe/Berlin"))
    item = next_item(cards, now, policy, spent_today_s)     # an item id, or None: done for today
    cards[item] = answer(cards[item], rating, now, policy, duration_s)
    expected = sum(recall(state, interview, policy) for state in cards.values())

`cards` maps every item id of the selection to its `ItemState`, or to None for an item never
studied, in the order new items should be introduced. States are immutable and serialisable
(`to_json`/`from_json`, `to_dict`/`from_dict`) and convert to and from `fsrs.Card`
(`ItemState.from_card`, `state.to_card()`; `ItemState.from_card_json`, `state.to_card_json()`
without importing fsrs), so cards stored as fsrs JSON keep working.

With an interview ahead, `next_item` spends the time where it raises the expected number of items
recalled at the interview most (docs/scheduling.md gives the method); without one, or once it has
passed, it schedules as plain FSRS at the desired retention. Memory follows FSRS-6 (default
weights unless `parameters` gives 21 others); `answer` computes the same next state as
`fsrs.Scheduler(parameters, desired_retention, enable_fuzzing=False).review_card`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone, tzinfo

from quizprep.errors import QuizprepError
from quizprep.planner.memory import memory_for, parameter_problems
from quizprep.planner.state import ItemState, review_state

__all__ = ["ItemState", "Policy", "PolicyError", "Seconds", "answer", "next_item", "recall"]

# Expected recalled items gained per minute below which the planner stops for the day when there
# is no daily budget (chosen by simulation: scripts/simulate.py, docs/scheduling.md).
DEFAULT_MIN_GAIN_PER_MINUTE = 0.08


class PolicyError(QuizprepError, ValueError):
    """A scheduling setting or argument that cannot be used (the message names each bad value)."""


@dataclass(frozen=True)
class Seconds:
    """Expected seconds for a first look at an item, a successful recall, and a lapse (a failed
    recall, which takes longer: the answer has to be read again). Measured averages from the
    user's own review log can replace the defaults."""

    new: float = 60.0
    recall: float = 20.0
    lapse: float = 40.0


@dataclass(frozen=True)
class Policy:
    """How to schedule.

    interview_at: the interview moment (aware datetime, any zone), or None for plain FSRS.
    daily_minutes: study time per local day, or None: then, with an interview ahead, the day ends
        when the best item gains less than `min_gain_per_minute` expected recalled items per minute,
        and new items are spread evenly over the days left.
    desired_retention: recall probability FSRS aims for when there is no interview ahead.
    parameters: 21 FSRS-6 weights, or None for fsrs's defaults.
    tz: the user's zone; days (budget, daily limits) are local days there.
    seconds: expected durations (`Seconds`, or a dict with keys new/recall/lapse), None: 60/20/40.
    new_per_day, reviews_per_day: plain-FSRS daily limits (None: no limit); they do not apply
        while an interview is ahead, where time is the only limit.
    min_gain_per_minute: with an interview ahead, stop for the day when the best item gains less
        than this many expected recalled items per minute. None: 0.08 without a daily budget, 0
        with one (the budget is then spent in full). Set it to make a budget a ceiling instead.
    """

    interview_at: datetime | None = None
    daily_minutes: float | None = None
    desired_retention: float = 0.9
    parameters: tuple[float, ...] | None = None
    tz: tzinfo = timezone.utc
    seconds: Seconds | dict | None = None
    new_per_day: int | None = 20
    reviews_per_day: int | None = 200
    min_gain_per_minute: float | None = None
    durations: Seconds = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        problems = policy_problems(self)
        durations = seconds_from(self.seconds, problems)
        if problems:
            raise PolicyError("bad scheduling policy: " + "; ".join(problems))
        object.__setattr__(self, "durations", durations)
        if self.parameters is not None:
            object.__setattr__(self, "parameters", tuple(float(x) for x in self.parameters))


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def policy_problems(policy: Policy) -> list[str]:
    problems = []
    if policy.interview_at is not None and not is_aware(policy.interview_at):
        problems.append(f"interview_at must be an aware datetime (with a time zone), got {policy.interview_at!r}")
    if policy.daily_minutes is not None and not (is_number(policy.daily_minutes) and policy.daily_minutes > 0):
        problems.append(f"daily_minutes must be a positive number of minutes or None, got {policy.daily_minutes!r}")
    if not (is_number(policy.desired_retention) and 0 < policy.desired_retention < 1):
        problems.append(f"desired_retention must be between 0 and 1 (exclusive), got {policy.desired_retention!r}")
    if policy.parameters is not None:
        problems.extend(parameter_problems(policy.parameters))
    if not isinstance(policy.tz, tzinfo):
        problems.append(f"tz must be a tzinfo (e.g. zoneinfo.ZoneInfo('Europe/Paris')), got {policy.tz!r}")
    for name in ("new_per_day", "reviews_per_day"):
        value = getattr(policy, name)
        if value is not None and not (isinstance(value, int) and value >= 0):
            problems.append(f"{name} must be a whole number >= 0 or None, got {value!r}")
    gain = policy.min_gain_per_minute
    if gain is not None and not (is_number(gain) and gain >= 0):
        problems.append(f"min_gain_per_minute must be a number >= 0 or None, got {gain!r}")
    return problems


def seconds_from(value, problems: list[str]) -> Seconds:
    if value is None:
        return Seconds()
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"new", "recall", "lapse"})
        if unknown:
            problems.append(f"seconds has unknown keys {unknown} (use new, recall, lapse)")
            return Seconds()
        value = Seconds(**value)
    if not isinstance(value, Seconds):
        problems.append(f"seconds must be a Seconds, a dict or None, got {value!r}")
        return Seconds()
    for name in ("new", "recall", "lapse"):
        amount = getattr(value, name)
        if not (is_number(amount) and amount > 0):
            problems.append(f"seconds.{name} must be a positive number, got {amount!r}")
    return value


def is_aware(moment) -> bool:
    return isinstance(moment, datetime) and moment.tzinfo is not None and moment.utcoffset() is not None


def check_moment(name: str, moment) -> datetime:
    if not is_aware(moment):
        raise PolicyError(f"{name} must be an aware datetime (with a time zone), got {moment!r}")
    return moment


def day_start(now: datetime, zone: tzinfo) -> datetime:
    """Midnight that began the local day (in `zone`) containing `now`."""
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0, 0), tzinfo=zone)


def stopping_gain(policy: Policy) -> float:
    if policy.min_gain_per_minute is not None:
        return policy.min_gain_per_minute
    return 0.0 if policy.daily_minutes is not None else DEFAULT_MIN_GAIN_PER_MINUTE


def study_days_left(now: datetime, policy: Policy) -> int:
    """Local days from today up to the day before the interview's local day (at least 1)."""
    today = now.astimezone(policy.tz).date()
    return max((policy.interview_at.astimezone(policy.tz).date() - today).days, 1)


def next_item(cards: dict, now: datetime, policy: Policy, spent_today_s: float = 0.0):
    """The id of the item to study now, or None when today's study is done.

    cards: {item_id: ItemState, or None for an item never studied}, in the order new items are
        to be introduced. Nothing is kept between calls: call again after every answer.
    now: an aware datetime. spent_today_s: seconds studied since the local day began in policy.tz.

    With a daily budget, None comes once the budget is spent, and an item is only given while at
    least half its expected time remains (so the day may overrun by up to half an item's time).
    With an interview ahead, the item given is the one whose study now adds the most expected
    recall at the interview per expected second (a review that would add clearly more tomorrow is
    held back: docs/scheduling.md); None also comes when no item gains at least the
    stopping threshold (`Policy.min_gain_per_minute`: by default 0.08 items a minute without a
    budget, none with one). Without an interview (or after it): due learning steps, then due
    reviews (up to reviews_per_day), then new items (up to new_per_day, counted from the states'
    first reviews today), then learning steps due within 20 minutes; None when none remains.
    """
    from quizprep.planner.choose import Settings, pick_for_interview, pick_plain
    from quizprep.planner.columns import columns_for

    check_moment("now", now)
    if not (is_number(spent_today_s) and spent_today_s >= 0):
        raise PolicyError(f"spent_today_s must be a number of seconds >= 0, got {spent_today_s!r}")
    ahead = policy.interview_at is not None and now < policy.interview_at
    budget = None if policy.daily_minutes is None else policy.daily_minutes * 60.0 - spent_today_s
    settings = Settings(
        memory=memory_for(policy.parameters),
        now_ts=now.timestamp(),
        day_start_ts=day_start(now, policy.tz).timestamp(),
        target_ts=policy.interview_at.timestamp() if ahead else None,
        budget_left_s=budget,
        new_s=policy.durations.new,
        recall_s=policy.durations.recall,
        lapse_s=policy.durations.lapse,
        min_gain_per_minute=stopping_gain(policy),
        new_per_day=policy.new_per_day,
        reviews_per_day=policy.reviews_per_day,
        study_days_left=study_days_left(now, policy) if ahead else 1,
    )
    table = columns_for(cards, settings.memory)
    return pick_for_interview(table, settings) if ahead else pick_plain(table, settings)


def answer(
    state: ItemState | None, rating: int, now: datetime, policy: Policy, duration_s: float | None = None
) -> ItemState:
    """The item's state after it was rated `rating` (1 Again, 2 Hard, 3 Good, 4 Easy) at `now`.

    Same stability, difficulty, phase, step and due date as fsrs's Scheduler with fuzzing off and
    its default learning steps (1 and 10 minutes; 10 minutes to relearn). With an interview ahead
    the due date is only advisory: `next_item` decides. `duration_s` (how long the answer took) does
    not change the memory model; it is checked and otherwise left to the caller to log.
    """
    if rating not in (1, 2, 3, 4) or isinstance(rating, bool):
        raise PolicyError(f"rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy), got {rating!r}")
    check_moment("now", now)
    if duration_s is not None and not (is_number(duration_s) and duration_s >= 0):
        raise PolicyError(f"duration_s must be a number of seconds >= 0 or None, got {duration_s!r}")
    if state is not None and not isinstance(state, ItemState):
        raise PolicyError(f"state must be an ItemState or None, got {type(state).__name__}")
    memory = memory_for(policy.parameters)
    return review_state(state, int(rating), now.astimezone(timezone.utc), memory, policy.desired_retention)


def recall(state: ItemState | None, at: datetime, policy: Policy) -> float:
    """FSRS-6 probability of recalling the item at `at`: (1 + F t/S)^(-w20) with t the elapsed time
    in days (fractional, unlike fsrs's get_card_retrievability, which counts whole days) and
    F = 0.9^(-1/w20) - 1; 0.0 for an item never studied, 1.0 at or before its last review."""
    check_moment("at", at)
    if state is None:
        return 0.0
    elapsed = (at - state.last_review) / timedelta(days=1)
    return memory_for(policy.parameters).recall(elapsed, state.stability)
