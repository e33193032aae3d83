"""One item's memory state (`ItemState`), its storage forms, and the review that moves it on.

An `ItemState` carries the fields of an `fsrs.Card` (stability, difficulty, learning phase and
step, last review, due) plus the moment of the item's first review, so that the number of new
items studied today can be counted from the states alone. `review_state` applies a rating the way
fsrs's Scheduler does with interval fuzzing off (same learning steps, same rounding).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from quizprep.planner.memory import AGAIN, EASY, GOOD, HARD, Memory

LEARNING, REVIEW, RELEARNING = 1, 2, 3  # fsrs.State values
LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))  # fsrs's defaults
RELEARNING_STEPS = (timedelta(minutes=10),)
MAXIMUM_INTERVAL = 36500


@dataclass(frozen=True)
class ItemState:
    """What is known about an item that has been reviewed at least once (immutable).

    `phase` is fsrs's State (1 learning, 2 review, 3 relearning); `step` the learning or
    relearning step (None in review); datetimes are aware and in UTC. `first_review` is None for
    states converted from an fsrs Card, which does not record it.
    """

    stability: float
    difficulty: float
    phase: int
    step: int | None
    last_review: datetime
    due: datetime
    first_review: datetime | None = None
    card_id: int | None = None
    # epoch seconds, worked out once: the planner reads these for every item on every call
    last_ts: float = field(init=False, repr=False, compare=False)
    due_ts: float = field(init=False, repr=False, compare=False)
    first_ts: float = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "last_ts", self.last_review.timestamp())
        object.__setattr__(self, "due_ts", self.due.timestamp())
        first = self.first_review.timestamp() if self.first_review else float("-inf")
        object.__setattr__(self, "first_ts", first)

    def to_dict(self) -> dict:
        return {
            "stability": self.stability,
            "difficulty": self.difficulty,
            "phase": self.phase,
            "step": self.step,
            "last_review": self.last_review.isoformat(),
            "due": self.due.isoformat(),
            "first_review": self.first_review.isoformat() if self.first_review else None,
            "card_id": self.card_id,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ItemState:
        first = data.get("first_review")
        return cls(
            stability=float(data["stability"]),
            difficulty=float(data["difficulty"]),
            phase=int(data["phase"]),
            step=None if data.get("step") is None else int(data["step"]),
            last_review=datetime.fromisoformat(data["last_review"]),
            due=datetime.fromisoformat(data["due"]),
            first_review=datetime.fromisoformat(first) if first else None,
            card_id=data.get("card_id"),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> ItemState:
        return cls.from_dict(json.loads(text))

    def to_card_json(self, card_id: int | None = None) -> str:
        """fsrs's Card JSON for this state, without importing fsrs (`fsrs.Card.from_json` reads it)."""
        return json.dumps(card_dict(self, card_id))

    @classmethod
    def from_card_json(cls, text: str, first_review: datetime | None = None) -> ItemState | None:
        """The state stored as fsrs Card JSON (`Card.to_json()`); None for a card never reviewed."""
        return state_from_card_dict(json.loads(text), first_review)

    def to_card(self, card_id: int | None = None):
        """The same state as an `fsrs.Card` (card id: the argument, else the stored one, else 0)."""
        from fsrs import Card

        return Card.from_dict(card_dict(self, card_id))

    @classmethod
    def from_card(cls, card, first_review: datetime | None = None) -> ItemState | None:
        """The state of an `fsrs.Card`; None for a card never reviewed."""
        return state_from_card_dict(card.to_dict(), first_review)


def card_dict(state: ItemState, card_id: int | None = None) -> dict:
    """The state in fsrs's `Card.to_dict()` layout (what `Card.from_dict`/`from_json` read back)."""
    number = card_id if card_id is not None else (state.card_id if state.card_id is not None else 0)
    return {
        "card_id": number,
        "state": state.phase,
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": state.due.isoformat(),
        "last_review": state.last_review.isoformat(),
    }


def state_from_card_dict(data: dict, first_review: datetime | None = None) -> ItemState | None:
    """An fsrs `Card.to_dict()` (or its JSON, parsed) as an ItemState; None if never reviewed."""
    if not data.get("last_review") or data.get("stability") is None or data.get("difficulty") is None:
        return None
    return ItemState(
        stability=float(data["stability"]),
        difficulty=float(data["difficulty"]),
        phase=int(data["state"]),
        step=None if data.get("step") is None else int(data["step"]),
        last_review=datetime.fromisoformat(data["last_review"]).astimezone(timezone.utc),
        due=datetime.fromisoformat(data["due"]).astimezone(timezone.utc),
        first_review=first_review,
        card_id=data.get("card_id"),
    )


def review_state(
    state: ItemState | None, rating: int, now: datetime, memory: Memory, desired_retention: float
) -> ItemState:
    """The state after `rating` (1 Again .. 4 Easy) at `now` (aware UTC), as fsrs computes it."""
    if state is None:
        stability, difficulty = memory.initial_stability(rating), memory.initial_difficulty(rating)
        return after_steps(LEARNING, 0, stability, difficulty, rating, now, memory, desired_retention, now, None)
    days = (now - state.last_review).days  # whole days, as fsrs counts them
    if days < 1:
        stability = memory.short_term_stability(state.stability, rating)
    else:
        recall = memory.recall(days, state.stability)
        stability = memory.next_stability(state.difficulty, state.stability, recall, rating)
    difficulty = memory.next_difficulty(state.difficulty, rating)
    if state.phase == REVIEW and rating == AGAIN:
        return finish(state, RELEARNING, 0, stability, difficulty, now, RELEARNING_STEPS[0])
    if state.phase == REVIEW:
        return finish(
            state, REVIEW, None, stability, difficulty, now, days_to_due(memory, stability, desired_retention)
        )
    return after_steps(
        state.phase, state.step or 0, stability, difficulty, rating, now, memory, desired_retention,
        state.first_review, state,
    )  # fmt: skip


def days_to_due(memory: Memory, stability: float, desired_retention: float) -> timedelta:
    return timedelta(days=memory.interval_days(stability, desired_retention, MAXIMUM_INTERVAL))


def after_steps(phase, step, stability, difficulty, rating, now, memory, desired_retention, first, state):
    """Learning and relearning: move through the steps, graduating to review after the last one."""
    steps = LEARNING_STEPS if phase == LEARNING else RELEARNING_STEPS
    graduate = days_to_due(memory, stability, desired_retention)
    if step >= len(steps) and rating != AGAIN or rating == EASY:
        return finish(state, REVIEW, None, stability, difficulty, now, graduate, first)
    if rating == AGAIN:
        return finish(state, phase, 0, stability, difficulty, now, steps[0], first)
    if rating == HARD:
        if step == 0:
            wait = steps[0] * 1.5 if len(steps) == 1 else (steps[0] + steps[1]) / 2.0
        else:
            wait = steps[step]
        return finish(state, phase, step, stability, difficulty, now, wait, first)
    assert rating == GOOD
    if step + 1 == len(steps):
        return finish(state, REVIEW, None, stability, difficulty, now, graduate, first)
    return finish(state, phase, step + 1, stability, difficulty, now, steps[step + 1], first)


def finish(state, phase, step, stability, difficulty, now, wait, first=None):
    if state is not None:
        first = state.first_review
        return replace(state, stability=stability, difficulty=difficulty, phase=phase, step=step,
                       last_review=now, due=now + wait)  # fmt: skip
    return ItemState(stability, difficulty, phase, step, now, now + wait, first_review=first)
