"""Review: the planner picks each next card (`quizprep.api.next_item`), re-planning after every answer.

With an interview ahead, each card is the one whose study now adds the most expected recall at the
interview per expected second, until today's minutes are spent (or, without a budget, until no card
is worth its time); without one it is plain FSRS: learning steps, due reviews, then new items,
within the daily limits. `PlannedQueue` feeds the session one card at a time.
"""

from __future__ import annotations

from datetime import datetime

from quizprep import store
from quizprep.clock import day_start, utc_now
from quizprep.context import Context, Selection
from quizprep.questions import Question, flashcard
from quizprep.readiness import expected_recall, new_left_today
from quizprep.scheduler import LEARNING, RELEARNING, REVIEW, state_of, states_of
from quizprep.session import Answered, Session, Summary
from quizprep.ui.terminal import LineIO


def introduction_order(items: list) -> list:
    """New items come easiest first, then in bank order."""
    return [item for _, _, item in sorted((item.difficulty, index, item) for index, item in enumerate(items))]


class PlannedQueue:
    """The next card is chosen when it is needed; answers, undos and skips update what the planner sees."""

    def __init__(self, items: list, cards: dict, policy, spent_s: float, limit: int | None, clock=utc_now):
        self.by_id = {item.id: item for item in items}
        self.cards = dict(cards)  # item id -> state or None, in introduction order
        self.policy = policy
        self.spent_s = spent_s
        self.limit = limit
        self.clock = clock
        self.asked: list[Question] = []
        self.stopped = ""  # why the planner stopped: 'budget', 'enough', 'limit' or 'nothing'; '' if it did not

    def question_at(self, index: int, now: datetime) -> Question | None:
        if index < len(self.asked):
            return self.asked[index]
        if self.limit is not None and index >= self.limit:
            self.stopped = "limit"
            return None
        from quizprep.api import next_item

        key = next_item(self.cards, now, self.policy, self.spent_s)
        if key is None:
            self.stopped = self.why_stopped()
            return None
        self.asked.append(flashcard(self.by_id[key]))
        return self.asked[-1]

    def why_stopped(self) -> str:
        budget = self.policy.daily_minutes
        if budget is not None and self.spent_s >= budget * 60 - self.policy.durations.recall / 2:
            return "budget"
        return "enough" if self.interview_ahead() else "nothing"

    def interview_ahead(self) -> bool:
        return self.policy.interview_at is not None and self.clock() < self.policy.interview_at

    def position(self, index: int) -> str:
        """'Card 4 · 12 of 30 min left today', or without a budget 'Card 4 · 14 left · about 9 min'."""
        text = f"Card {index + 1}"
        if self.policy.daily_minutes is not None:
            left = max(0.0, self.policy.daily_minutes - self.spent_s / 60)
            return text + f" · {left:.0f} of {self.policy.daily_minutes:g} min left today"
        if self.interview_ahead():
            return text
        now = self.clock()
        due = [s for s in self.cards.values() if s is not None and s.due <= now]
        new = new_left_today(self.cards, self.policy, now)
        seconds = len(due) * self.policy.durations.recall + new * self.policy.durations.new
        return text + f" · {len(due) + new} left · about {max(1, round(seconds / 60))} min"

    def answered(self, answered: Answered) -> None:
        recorded = answered.recorded
        self.cards[recorded.key] = state_of(recorded.card)
        self.spent_s += (recorded.answer_ms or 0) / 1000

    def undone(self, answered: Answered) -> None:
        recorded = answered.recorded
        self.cards[recorded.key] = state_of(recorded.previous)
        self.spent_s = max(0.0, self.spent_s - (recorded.answer_ms or 0) / 1000)

    def skipped(self, index: int) -> None:
        self.cards.pop(self.asked[index].key, None)  # not offered again this session

    def end_note(self, index: int) -> str:
        return {
            "budget": "today's minutes are done",
            "enough": "nothing more is worth its time today",
            "limit": "the card limit was reached",
        }.get(self.stopped, "nothing is due" if index == 0 else "nothing more is due")


def review_cards(items: list, rows: dict) -> dict:
    """{item id: planner state or None}, in the order new items are introduced."""
    states = states_of({item.id: rows[item.id] for item in items if item.id in rows})
    return {item.id: states.get(item.id) for item in introduction_order(items)}


def run_review(
    ctx: Context, selection: Selection, limit: int | None, io: LineIO, keep_going: bool = False, scroll: bool = False
) -> Summary:
    from quizprep.ui.session import review_end, review_start

    items = ctx.items(selection)
    with ctx.state() as conn:
        policy = ctx.policy(conn)
        if keep_going:
            from dataclasses import replace

            policy = replace(policy, daily_minutes=None)
        cards = review_cards(items, store.all_cards(conn))
        spent = store.seconds_since(conn, store.iso(day_start(ctx.now, ctx.tz)))
        queue = PlannedQueue(items, cards, policy, spent, limit)
        before = expected_recall(cards, policy.interview_at, policy) if queue.interview_ahead() else None
        io.show(review_start(header_figures(cards, policy, ctx.now, spent, before)))
        session = Session(io, recorder_for(conn, policy), clock=utc_now, two_key=True, clear_screen=not scroll)
        summary = session.run(queue)
        after = expected_recall(queue.cards, policy.interview_at, policy) if before is not None else None
        io.show(review_end(queue.stopped, policy.daily_minutes, before, after, store.next_due(conn, utc_now())))
        return summary


def recorder_for(conn, policy):
    from quizprep.session import Recorder

    return Recorder(conn, policy, "review")


def header_figures(cards: dict, policy, now: datetime, spent_s: float, readiness: float | None) -> dict:
    """What the review header says: counts by kind, and with an interview the days left and readiness."""
    figures = {
        "learning": sum(1 for s in cards.values() if s and s.phase in (LEARNING, RELEARNING) and s.due <= now),
        "due": sum(1 for s in cards.values() if s and s.phase == REVIEW and s.due <= now),
        "unseen": sum(1 for s in cards.values() if s is None),
        "new": new_left_today(cards, policy, now),
        "minutes": policy.daily_minutes,
        "spent_minutes": spent_s / 60,
        "readiness": readiness,
        "interview": None,
        "days": None,
    }
    if readiness is not None:
        local = policy.interview_at.astimezone(policy.tz)
        figures["interview"] = local.strftime("%Y-%m-%d %H:%M")
        figures["days"] = (local.date() - now.astimezone(policy.tz).date()).days
    return figures


def plan_for(ctx: Context, selection: Selection, minutes: float | None, target: float, note) -> dict:
    """`quizprep plan`: the projection to the interview for the selection, as plain data.

    `note` shows a short message while the minutes a day for `target` are worked out (it takes a few seconds)."""
    from dataclasses import replace

    from quizprep import plan
    from quizprep.errors import QuizprepError

    items = ctx.items(selection)
    with ctx.state() as conn:
        policy = ctx.policy(conn)
        cards = review_cards(items, store.all_cards(conn))
    if policy.interview_at is None or ctx.now >= policy.interview_at:
        raise QuizprepError(
            "no interview ahead to plan for: set one with quizprep config interview-date YYYY-MM-DD "
            "(or pass --interview-date)"
        )
    if minutes is not None:
        policy = replace(policy, daily_minutes=minutes)
    projection = plan.project(cards, policy, ctx.now)
    projection.target = target
    if projection.readiness_at_interview < target:
        note("Working out how many minutes a day would reach the target…")
        projection.minutes_for_target = plan.minutes_needed(cards, policy, ctx.now, target)
    return projection.to_dict()
