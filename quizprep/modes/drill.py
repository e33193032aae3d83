"""Numeric drills: fresh problems from templates, each template one FSRS card."""

from __future__ import annotations

import random

from quizprep.context import Context
from quizprep.errors import BadValueError
from quizprep.questions import numeric
from quizprep.session import Recorder, Session, Summary
from quizprep.text import plural, unknown
from quizprep.ui.session import notice
from quizprep.ui.terminal import LineIO


def drills_for(topics: list[str]) -> list[str]:
    """Drill templates in the given topics (all of them when no topic is given)."""
    from quizprep.drills import CATALOG

    return [name for name, (_, topic) in CATALOG.items() if not topics or topic in topics]


def drill_names(name: str | None, topics: list[str]) -> list[str]:
    """The templates to draw from: the one named, or those of the topics (all without a topic)."""
    from quizprep.drills import CATALOG

    if name is not None:
        if name not in CATALOG:
            raise BadValueError(unknown("drill", name, CATALOG, "`quizprep drill --list` shows them"))
        return [name]
    names = drills_for(topics)
    if not names:
        raise BadValueError("no drills in these topics; `quizprep drill --list` shows them")
    return names


def run_drills(ctx: Context, name: str | None, topics: list[str], count: int, io: LineIO) -> Summary:
    from quizprep.bank.select import check_names

    check_names("topic", topics, ctx.bank().topics().keys())
    names = drill_names(name, topics)
    seed = ctx.draw_seed()
    rng = random.Random(seed)
    questions = [numeric(rng.choice(names), rng.randrange(2**31)) for _ in range(count)]
    with ctx.state() as conn:
        policy = ctx.policy(conn)
        io.show(notice(f"{plural(count, 'drill problem')} · seed {seed}"))
        return Session(io, Recorder(conn, policy, "drill"), demo_seed=seed).run(questions)
