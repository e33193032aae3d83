"""The study plan to the interview, projected day by day with the planner and its own memory model.

    project(cards, policy, start, runs, seed) -> Projection: per day the minutes, new items, reviews
        and readiness (expected share of the selection recalled at the interview if study stopped
        that evening), averaged over a few simulated learners whose answers follow the model's
        own recall probabilities
    minutes_needed(cards, policy, start, target) -> minutes a day that reach `target`, or None

Pure: the clock (`start`) and the randomness (`seed`) are passed in. The projection assumes one
session a day at the time of day of `start`, as long as the planner gives cards.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

MAX_CARDS_A_DAY = 2000  # a bound on the work of one simulated day, whatever the budget


@dataclass
class Day:
    date: str
    minutes: float = 0.0
    new: float = 0.0
    reviews: float = 0.0
    readiness: float = 0.0

    def to_dict(self) -> dict:
        return {
            "date": self.date,
            "minutes": round(self.minutes, 1),
            "new": round(self.new, 1),
            "reviews": round(self.reviews, 1),
            "readiness": round(self.readiness, 4),
        }


@dataclass
class Projection:
    interview: str
    daily_minutes: float | None
    readiness_now: float
    days: list[Day] = field(default_factory=list)
    target: float = 0.9
    minutes_for_target: float | None = None  # set when the budget falls short of the target

    @property
    def readiness_at_interview(self) -> float:
        return self.days[-1].readiness if self.days else self.readiness_now

    def to_dict(self) -> dict:
        return {
            "interview": self.interview,
            "daily_minutes": self.daily_minutes,
            "readiness_now": round(self.readiness_now, 4),
            "readiness_at_interview": round(self.readiness_at_interview, 4),
            "target": self.target,
            "minutes_for_target": self.minutes_for_target,
            "days": [day.to_dict() for day in self.days],
        }


def readiness(cards: dict, policy) -> float:
    """Expected share of the items recalled at the interview (unseen items count 0)."""
    from quizprep.readiness import expected_recall

    return expected_recall(cards, policy.interview_at, policy)


def study_days(start: datetime, policy) -> list[datetime]:
    """The moments of the daily sessions from `start` until the interview."""
    moments = []
    moment = start
    while moment < policy.interview_at and len(moments) < 5 * 366:
        moments.append(moment)
        moment = moment + timedelta(days=1)
    return moments


def simulate_day(cards: dict, policy, moment: datetime, rng) -> tuple[float, int, int]:
    """One session at `moment`: cards from the planner, answers drawn from the model's own recall;
    returns (seconds, new items, reviews) and updates `cards` in place."""
    from quizprep.api import answer, next_item, recall

    spent, new, reviews = 0.0, 0, 0
    now = moment
    for _ in range(MAX_CARDS_A_DAY):
        key = next_item(cards, now, policy, spent)
        if key is None:
            break
        state = cards[key]
        if state is None:
            rating, seconds, new = 3, policy.durations.new, new + 1
        else:
            remembered = rng.random() < recall(state, now, policy)
            rating = 3 if remembered else 1
            seconds = policy.durations.recall if remembered else policy.durations.lapse
            reviews += 1
        cards[key] = answer(state, rating, now, policy, seconds)
        spent += seconds
        now = now + timedelta(seconds=seconds)
    return spent, new, reviews


def project(cards: dict, policy, start: datetime, runs: int = 3, seed: int = 0) -> Projection:
    """The plan's days, each figure the mean over `runs` simulated learners."""
    import random

    moments = study_days(start, policy)
    days = [Day(m.astimezone(policy.tz).date().isoformat()) for m in moments]
    for run in range(runs):
        rng = random.Random(seed * 1000 + run)
        state = dict(cards)
        for day, moment in zip(days, moments):
            seconds, new, reviews = simulate_day(state, policy, moment, rng)
            day.minutes += seconds / 60 / runs
            day.new += new / runs
            day.reviews += reviews / runs
            day.readiness += readiness(state, policy) / runs
    interview = policy.interview_at.astimezone(policy.tz).strftime("%Y-%m-%d %H:%M")
    return Projection(interview, policy.daily_minutes, readiness(cards, policy), days)


def minutes_needed(cards: dict, policy, start: datetime, target: float, seed: int = 0) -> float | None:
    """The fewest minutes a day (to 5 minutes, at most 600) whose projection reaches `target`; None if none does."""

    def reaches(minutes: float) -> bool:
        trial = replace(policy, daily_minutes=minutes)
        return project(cards, trial, start, runs=1, seed=seed).readiness_at_interview >= target

    low, high = 5.0, 600.0
    if not reaches(high):
        return None
    while high - low > 5:
        middle = round((low + high) / 2 / 5) * 5
        if middle in (low, high):
            break
        if reaches(middle):
            high = middle
        else:
            low = middle
    return high
