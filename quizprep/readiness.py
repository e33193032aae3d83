"""Two figures several screens show, from planner states alone (light: no NumPy, no Rich).

    expected_recall(cards, at, policy)   readiness: the expected share of the items recalled at
                                         `at`, unseen items counting 0
    new_left_today(cards, policy, now)   new items the daily limit still allows today
"""

from __future__ import annotations

from datetime import datetime


def expected_recall(cards: dict, at: datetime, policy) -> float:
    """Expected share of `cards` ({id: state or None}) recalled at `at` (unseen items count 0)."""
    from quizprep.api import recall

    return sum(recall(state, at, policy) for state in cards.values()) / len(cards) if cards else 0.0


def new_left_today(cards: dict, policy, now: datetime) -> int:
    """New items the daily limit still allows today: the limit less the items first studied today."""
    from quizprep.clock import day_start

    unseen = sum(1 for state in cards.values() if state is None)
    if policy.new_per_day is None:
        return unseen
    started = day_start(now, policy.tz)
    today = sum(1 for state in cards.values() if state and state.first_review and state.first_review >= started)
    return max(0, min(unseen, policy.new_per_day - today))
