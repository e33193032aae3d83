"""The quiz: a set of questions chosen at random or weakest first, in mixed or one form.

In a mixed quiz an item with a cloze form is asked as a cloze question, one of its gap numbers at random.
"""

from __future__ import annotations

import random
from datetime import datetime

from quizprep import store
from quizprep.bank import Item
from quizprep.bank.cloze import numbers as gap_numbers
from quizprep.context import Context, Selection
from quizprep.errors import BadValueError, QuizprepError
from quizprep.modes.drill import drills_for
from quizprep.questions import Question, cloze, flashcard, mcq, numeric
from quizprep.session import Recorder, Session, Summary
from quizprep.text import plural
from quizprep.ui.session import notice
from quizprep.ui.terminal import LineIO

NUMERIC_SHARE = 0.2  # of a mixed quiz, when drills exist for the chosen topics


def weakness_order(items: list[Item], cards: dict, now: datetime, policy) -> list[Item]:
    """Seen items first, lowest retrievability then most lapses; unseen items after, in bank order."""
    from quizprep.scheduler import recall_at

    seen, unseen = [], []
    for index, item in enumerate(items):
        row = cards.get(item.id)
        if row is None:
            unseen.append(item)
            continue
        recall = recall_at(row, now, policy)
        seen.append((recall, -row.lapses, index, item))
    seen.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in seen] + unseen


def quiz_questions(
    items: list[Item],
    drills: list[str],
    kind: str | None,
    limit: int,
    rng: random.Random,
    ordered: list[Item] | None = None,
) -> list[Question]:
    """A quiz: `limit` questions of one kind, or a mix (multiple choice, flashcards, some drills).

    `ordered` (from weakness_order) takes the items in that order instead of at random.
    """
    if kind == "numeric":
        return [numeric(rng.choice(drills), rng.randrange(2**31)) for _ in range(limit)] if drills else []
    numeric_count = 0
    if kind is None and drills and limit >= 3:
        numeric_count = max(1, round(limit * NUMERIC_SHARE))
    item_count = min(limit - numeric_count, len(items))
    chosen = (ordered or [])[:item_count] if ordered is not None else rng.sample(items, item_count)
    questions = [item_question(item, kind, rng) for item in chosen]
    for _ in range(numeric_count):
        position = rng.randrange(len(questions) + 1)
        questions.insert(position, numeric(rng.choice(drills), rng.randrange(2**31)))
    return questions


def item_question(item: Item, kind: str | None, rng: random.Random) -> Question:
    """The item in the form asked (`kind`), or in a mixed quiz: cloze when it has one, else
    multiple choice or flashcard at even odds."""
    if item.cloze and kind in (None, "cloze"):
        return cloze(item, rng.choice(gap_numbers(item.cloze)))
    form = kind or ("mcq" if item.choices and rng.random() < 0.5 else "flashcard")
    return mcq(item, rng) if form == "mcq" and item.choices else flashcard(item)


def run_quiz(ctx: Context, selection: Selection, kind: str | None, limit: int, weak: bool, io: LineIO) -> Summary:
    items = ctx.items(selection)
    drills = drills_for(selection.topics) if not selection.tags and not selection.difficulties else []
    if kind == "numeric" and not drills:
        raise BadValueError(
            "no numeric drills match these filters (drills have topics, not tags or difficulties); "
            "`quizprep drill --list` shows them"
        )
    if kind == "mcq":
        items = [item for item in items if item.choices]
    elif kind == "cloze":
        items = [item for item in items if item.cloze]
    if not items and kind != "numeric":
        raise QuizprepError("no items match these filters; `quizprep topics` and `quizprep list` show what there is")
    seed = ctx.draw_seed()
    with ctx.state() as conn:
        policy = ctx.policy(conn)
        ordered = weakness_order(items, store.all_cards(conn), ctx.now, policy) if weak else None
        questions = quiz_questions(items, drills, kind, limit, random.Random(seed), ordered)
        io.show(
            notice(
                f"Quiz of {plural(len(questions), 'question')} · seed {seed} "
                f"(run again with --seed {seed} for the same quiz)"
            )
        )
        return Session(io, Recorder(conn, policy, "quiz"), demo_seed=seed).run(questions)
