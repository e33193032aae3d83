"""Spaced repetition with FSRS (the `fsrs` package), bent towards an interview date.

Pure functions: the clock (`now`, an aware UTC datetime) and the settings are passed
in, nothing is read from the environment, and fsrs's interval fuzzing is off so the
same answers at the same times always give the same schedule.

Interview policy (see README): with an interview date set, and until the day before
it, no due date runs past the start of that day, so every item's last review falls
on the eve of the interview at the latest; and new items are introduced fast enough
that the whole selection has been seen with a quarter of the remaining days to spare.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from quizprep.clock import at_local, local_day

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
LEARNING, REVIEW, RELEARNING = 1, 2, 3


@dataclass(frozen=True)
class Policy:
    """What shapes the schedule: the target recall and the interview date (and the user's time zone)."""

    desired_retention: float = 0.9
    interview_date: date | None = None
    tz: timezone | None = None  # the user's local zone, for day boundaries; None means UTC


def card_number(item_id: str) -> int:
    """A stable fsrs card id from the item id (fsrs wants an int)."""
    return int(hashlib.sha1(item_id.encode()).hexdigest()[:12], 16)


def new_card(item_id: str, now: datetime):
    from fsrs import Card

    return Card(card_id=card_number(item_id), due=now)


def card_from_json(text: str):
    from fsrs import Card

    return Card.from_json(text)


def fsrs_scheduler(desired_retention: float):
    from fsrs import Scheduler

    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def review(card, rating: int, now: datetime, policy: Policy, duration_ms: int | None = None):
    """The card after a rating at `now` (1 Again .. 4 Easy), with the interview cap applied."""
    from fsrs import Rating

    scheduler = fsrs_scheduler(policy.desired_retention)
    updated, _ = scheduler.review_card(card, Rating(rating), review_datetime=now, review_duration=duration_ms)
    return cap_for_interview(updated, now, policy)


def interview_cutoff(policy: Policy) -> datetime | None:
    """Start of the day before the interview, in UTC: the latest moment a review is scheduled for."""
    if policy.interview_date is None:
        return None
    return at_local(policy.interview_date - timedelta(days=1), time(0, 0), policy.tz)


def cap_for_interview(card, now: datetime, policy: Policy):
    """Pull a due date that would fall after the cutoff back to the cutoff (only while the cutoff is ahead)."""
    cutoff = interview_cutoff(policy)
    if cutoff is not None and now < cutoff < card.due:
        card.due = cutoff
    return card


def retrievability(card, now: datetime, policy: Policy) -> float:
    """Predicted probability of recalling the card at `now` (0 for a card never reviewed)."""
    return float(fsrs_scheduler(policy.desired_retention).get_card_retrievability(card, now))


def days_left(now: datetime, policy: Policy) -> int | None:
    if policy.interview_date is None:
        return None
    return (policy.interview_date - local_day(now, policy.tz)).days


def new_quota(base_limit: int, unseen: int, now: datetime, policy: Policy) -> int:
    """New items allowed today: the daily limit, raised if needed to introduce every unseen
    item before the interview with a quarter of the remaining days (at least two) to spare."""
    remaining = days_left(now, policy)
    if remaining is None or remaining <= 0 or unseen <= 0:
        return base_limit
    spare = max(2, math.ceil(remaining / 4))
    days_to_introduce = max(1, remaining - spare)
    return max(base_limit, math.ceil(unseen / days_to_introduce))
