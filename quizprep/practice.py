"""The three ways to practise, put together: `quiz`, `review` and the mock `interview`.

Each takes what the CLI parsed, opens the state database, builds the questions and
runs a Session on the given io. They return the session's Summary.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from quizprep import config, store
from quizprep.bank import Bank
from quizprep.errors import BadValueError, QuizprepError
from quizprep.questions import drills_for, interview_picks, quiz_questions, review_plan, weakness_order
from quizprep.scheduler import Policy, day_start, days_left, new_quota
from quizprep.session import Recorder, Session, Summary
from quizprep.terminal import LineIO


@dataclass
class Selection:
    topics: list[str]
    tags: list[str]
    difficulties: list[int]


def open_state() -> sqlite3.Connection:
    from quizprep.paths import db_path

    return store.connect(db_path())


def policy_for(settings: dict, tz, interview_date: date | None = None) -> Policy:
    return Policy(
        desired_retention=settings["desired-retention"],
        interview_date=interview_date or settings["interview-date"],
        tz=tz,
    )


def run_quiz(
    bank: Bank,
    selection: Selection,
    kind: str | None,
    limit: int,
    seed: int,
    weak: bool,
    io: LineIO,
    now: datetime,
    tz,
) -> Summary:
    from quizprep.bank.select import select_items

    items = select_items(bank, selection.topics, selection.tags, selection.difficulties)
    drills = drills_for(selection.topics) if not selection.tags and not selection.difficulties else []
    if kind == "numeric" and not drills:
        raise BadValueError("no numeric drills match these filters (drills have topics, not tags or difficulties); `quizprep drill --list` shows them")
    if kind == "mcq":
        items = [item for item in items if item.choices]
    if not items and kind != "numeric":
        raise QuizprepError("no items match these filters; `quizprep topics` and `quizprep list` show what there is")
    conn = open_state()
    try:
        policy = policy_for(config.load(conn), tz)
        ordered = weakness_order(items, store.all_cards(conn), now, policy) if weak else None
        questions = quiz_questions(items, drills, kind, limit, random.Random(seed), ordered)
        io.show(f"[dim]Quiz of {len(questions)} questions · seed {seed} (run again with --seed {seed} for the same quiz)[/]")
        session = Session(io, Recorder(conn, policy, "quiz"), demo_seed=seed)
        return session.run(questions)
    finally:
        conn.close()


def run_review(bank: Bank, selection: Selection, limit: int | None, interview_date: date | None, io: LineIO, now: datetime, tz) -> Summary:
    from quizprep.bank.select import select_items

    items = select_items(bank, selection.topics, selection.tags, selection.difficulties)
    conn = open_state()
    try:
        settings = config.load(conn)
        policy = policy_for(settings, tz, interview_date)
        cards = store.all_cards(conn)
        answers_today, new_today = store.answered_since(conn, store.iso(day_start(now, policy)))
        unseen = sum(1 for item in items if item.id not in cards)
        quota = new_quota(settings["new-per-day"], unseen, now, policy)
        plan = review_plan(items, cards, now, quota - new_today, settings["reviews-per-day"] - answers_today, limit)
        remaining = days_left(now, policy)
        header = f"Review: {plan.learning} learning · {plan.due} due · {plan.new} new"
        if remaining is not None:
            header += f" · [bold]{remaining} day{'s' if remaining != 1 else ''} to your interview[/] ({policy.interview_date})"
            if quota > settings["new-per-day"]:
                header += f" · new items paced at {quota} a day to cover the bank in time"
        io.show(header)
        if not plan.questions:
            io.show("[green]Nothing is due right now.[/] " + next_due_text(conn, now))
        session = Session(io, Recorder(conn, policy, "review"), requeue_learning=True)
        return session.run(plan.questions)
    finally:
        conn.close()


def next_due_text(conn: sqlite3.Connection, now: datetime) -> str:
    upcoming = conn.execute("SELECT min(due) FROM card_state WHERE due > ?", (store.iso(now),)).fetchone()[0]
    if upcoming is None:
        return "Start with `quizprep quiz`, or raise `quizprep config new-per-day`."
    return f"The next item is due {upcoming[:16].replace('T', ' ')} UTC."


def run_interview(
    bank: Bank,
    selection: Selection,
    count: int,
    seconds: int,
    seed: int,
    io: LineIO,
    now: datetime,
    tz,
):
    from quizprep.bank.select import select_items
    from quizprep.interview import MockInterview

    items = [item for item in select_items(bank, selection.topics, selection.tags, selection.difficulties) if item.key_points]
    if not items:
        raise QuizprepError("no items with key points match these filters")
    picks = interview_picks(items, count, random.Random(seed))
    conn = open_state()
    try:
        policy = policy_for(config.load(conn), tz)
        return MockInterview(io, Recorder(conn, policy, "interview"), seconds, demo_seed=seed).run(picks)
    finally:
        conn.close()


def run_drills(bank: Bank, name: str | None, topics: list[str], count: int, seed: int, io: LineIO, now: datetime, tz) -> Summary:
    from quizprep.bank.select import check_names
    from quizprep.drills import CATALOG
    from quizprep.questions import numeric

    check_names("topic", topics, bank.topics().keys())
    if name is not None:
        if name not in CATALOG:
            from quizprep.bank.validate import suggest

            raise BadValueError(f"unknown drill '{name}'{suggest(name, CATALOG)}; `quizprep drill --list` shows them")
        names = [name]
    else:
        names = drills_for(topics)
        if not names:
            raise BadValueError("no drills in these topics; `quizprep drill --list` shows them")
    rng = random.Random(seed)
    questions = [numeric(rng.choice(names), rng.randrange(2**31)) for _ in range(count)]
    conn = open_state()
    try:
        policy = policy_for(config.load(conn), tz)
        io.show(f"[dim]{count} drill problem{'s' if count != 1 else ''} · seed {seed}[/]")
        return Session(io, Recorder(conn, policy, "drill")).run(questions)
    finally:
        conn.close()
