"""Scheduling as the application uses it: stored rows to planner states and back, the policy in force.

The memory model and the planner live in `quizprep.api` (and `quizprep.planner`); this module
adapts them to what the state database keeps. A card is stored as fsrs's Card JSON (so
databases written by earlier versions keep working), with one extra key, `first_review`, that
fsrs ignores and the planner uses to count today's new items.

Pure: the clock and the settings are passed in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
LEARNING, REVIEW, RELEARNING = 1, 2, 3
MIN_TIMED_ANSWERS = 20  # answers of a kind needed before the user's own durations replace the defaults


@dataclass(frozen=True)
class Plan:
    """The settings that shape a schedule, before they become an `api.Policy`."""

    desired_retention: float = 0.9
    interview_date: date | None = None
    interview_time: time = time(9, 0)
    daily_minutes: float | None = None
    parameters: tuple[float, ...] | None = None
    new_per_day: int | None = 20
    reviews_per_day: int | None = 200


def card_number(item_id: str) -> int:
    """A stable fsrs card id from the item id (fsrs wants an int)."""
    return int(hashlib.sha1(item_id.encode()).hexdigest()[:12], 16)


def make_policy(plan: Plan, tz: tzinfo, seconds=None):
    """The `api.Policy` for a plan in the user's zone (the interview moment is its local date and time)."""
    from quizprep.api import Policy
    from quizprep.clock import at_local

    interview_at = at_local(plan.interview_date, plan.interview_time, tz) if plan.interview_date else None
    return Policy(
        interview_at=interview_at,
        daily_minutes=plan.daily_minutes,
        desired_retention=plan.desired_retention,
        parameters=plan.parameters,
        tz=tz,
        seconds=seconds,
        new_per_day=plan.new_per_day,
        reviews_per_day=plan.reviews_per_day,
    )


def state_of(row):
    """The planner state of a stored row (None for no row, or a card never reviewed)."""
    return None if row is None else state_from(json.loads(row.card_json))


def states_of(rows: dict) -> dict:
    """{key: planner state} for many stored rows, their JSON parsed in one pass."""
    keys = list(rows)
    parsed = json.loads("[" + ",".join(rows[key].card_json for key in keys) + "]") if keys else []
    return {key: state_from(data) for key, data in zip(keys, parsed)}


def state_from(data: dict):
    """A planner state from a stored card's parsed JSON (fsrs's Card layout plus `first_review`)."""
    from quizprep.planner.state import state_from_card_dict

    first = data.get("first_review")
    return state_from_card_dict(data, datetime.fromisoformat(first) if first else None)


def card_json(key: str, state) -> str:
    """What the database keeps for a state: fsrs's Card JSON plus the first review."""
    from quizprep.planner.state import card_dict

    data = card_dict(state, card_number(key))
    data["first_review"] = state.first_review.isoformat() if state.first_review else None
    return json.dumps(data)


def recall_at(row, at: datetime, policy) -> float:
    """Probability of recalling a stored item at `at` (0 for an item never reviewed)."""
    from quizprep.api import recall

    return recall(state_of(row), at, policy)


def expected_seconds(durations: dict[str, list[int]]):
    """The user's own mean seconds for a first look, a recall and a lapse, where there are enough
    timed answers of that kind (`MIN_TIMED_ANSWERS`); the planner's defaults elsewhere.
    `durations` maps 'new', 'recall' and 'lapse' to answer times in milliseconds."""
    from quizprep.api import Seconds

    defaults = Seconds()
    values = {}
    for kind in ("new", "recall", "lapse"):
        times = [ms for ms in durations.get(kind, []) if ms is not None and 0 < ms <= 3_600_000]
        enough = len(times) >= MIN_TIMED_ANSWERS
        values[kind] = sum(times) / len(times) / 1000 if enough else getattr(defaults, kind)
    return Seconds(**values)
