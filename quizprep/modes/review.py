"""Spaced-repetition review: learning steps, due reviews, then new items, within the daily limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from quizprep import config, store
from quizprep.bank import Item
from quizprep.context import Context, Selection
from quizprep.questions import Question, flashcard
from quizprep.scheduler import REVIEW, days_left, new_quota
from quizprep.session import Recorder, Session, Summary
from quizprep.store import iso
from quizprep.ui.terminal import LineIO

LEARN_AHEAD = timedelta(minutes=20)  # learning steps due this soon are shown in the same session


@dataclass
class ReviewPlan:
    """The review queue and why it is that long."""

    questions: list[Question]
    learning: int
    due: int
    new: int
    new_quota: int
    reviews_left: int


def review_plan(
    items: list[Item],
    cards: dict,
    now: datetime,
    new_quota: int,
    reviews_left: int,
    limit: int | None,
) -> ReviewPlan:
    """Anki's order: learning and relearning cards due now, then due reviews (up to the daily
    review limit), then new items (up to today's new quota), easiest first."""
    horizon = iso(now + LEARN_AHEAD)
    moment = iso(now)
    learning, due, new = [], [], []
    for index, item in enumerate(items):
        row = cards.get(item.id)
        if row is None:
            new.append((item.difficulty, index))
        elif row.state == REVIEW:
            if row.due <= moment:
                due.append((row.due, index))
        elif row.due <= horizon:
            learning.append((row.due, index))
    learning.sort()
    due = sorted(due)[: max(0, reviews_left)]
    new = sorted(new)[: max(0, new_quota)]
    order = [index for _, index in learning] + [index for _, index in due] + [index for _, index in new]
    if limit is not None:
        order = order[:limit]
    return ReviewPlan(
        [flashcard(items[index]) for index in order], len(learning), len(due), len(new), new_quota, reviews_left
    )


def run_review(ctx: Context, selection: Selection, limit: int | None, io: LineIO) -> Summary:
    from quizprep.clock import day_start
    from quizprep.ui.session import review_header

    items = ctx.items(selection)
    with ctx.state() as conn:
        settings = config.load(conn)
        policy = ctx.policy(settings)
        cards = store.all_cards(conn)
        answers_today, new_today = store.answered_since(conn, iso(day_start(ctx.now, ctx.tz)))
        unseen = sum(1 for item in items if item.id not in cards)
        quota = new_quota(settings["new-per-day"], unseen, ctx.now, policy)
        plan = review_plan(items, cards, ctx.now, quota - new_today, settings["reviews-per-day"] - answers_today, limit)
        paced = quota if quota > settings["new-per-day"] else None
        io.show(
            review_header(plan.learning, plan.due, plan.new, days_left(ctx.now, policy), policy.interview_date, paced)
        )
        if not plan.questions:
            io.show(nothing_due_note(store.next_due(conn, ctx.now)))
        session = Session(io, Recorder(conn, policy, "review"), requeue_learning=True, learn_ahead=LEARN_AHEAD)
        return session.run(plan.questions)


def nothing_due_note(upcoming: str | None):
    from rich.text import Text

    if upcoming is None:
        follow = "Start with `quizprep quiz`, or raise `quizprep config new-per-day`."
    else:
        follow = f"The next item is due {upcoming[:16].replace('T', ' ')} UTC."
    return Text.assemble(("Nothing is due right now. ", "green"), follow)
