"""Choosing what to ask: quiz selections, the review queue, mock-interview picks, and grading.

Pure functions over bank items, stored card states and a `random.Random`; the
clock is passed in. Nothing here prints or touches the database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from quizprep.bank import Item
from quizprep.scheduler import REVIEW, Policy

KINDS = ("mcq", "flashcard", "numeric")
KIND_NAMES = {"mcq": "multiple choice", "flashcard": "flashcard", "numeric": "numeric drill"}
LETTERS = "ABCDEFGH"
NUMERIC_SHARE = 0.2  # of a mixed quiz, when drills exist for the chosen topics
LEARN_AHEAD = timedelta(minutes=20)  # learning steps due this soon are shown in the same session


@dataclass
class Question:
    """One thing to ask. `key` is the FSRS card it updates: the item id, or 'drill:NAME'."""

    kind: str
    key: str
    topic: str
    difficulty: int
    item: Item | None = None
    options: list[str] = field(default_factory=list)
    correct: int = -1
    drill: tuple[str, int] | None = None  # (template, seed) for numeric questions
    _problem: object | None = None

    @property
    def problem(self):
        """The drill problem, generated when first needed (NumPy loads only then)."""
        if self._problem is None and self.drill is not None:
            from quizprep.drills import generate

            self._problem = generate(*self.drill)
        return self._problem


def mcq(item: Item, rng: random.Random) -> Question:
    """The item's multiple-choice form: the correct option and three wrong ones, shuffled."""
    wrong = rng.sample(item.choices.wrong, k=min(3, len(item.choices.wrong)))
    options = [item.choices.correct, *wrong]
    rng.shuffle(options)
    return Question("mcq", item.id, item.topic, item.difficulty, item, options, options.index(item.choices.correct))


def flashcard(item: Item) -> Question:
    return Question("flashcard", item.id, item.topic, item.difficulty, item)


def numeric(name: str, seed: int) -> Question:
    from quizprep.drills import CATALOG, card_id

    title, topic = CATALOG[name]
    return Question("numeric", card_id(name), topic, 2, drill=(name, seed))


def grade_choice(question: Question, letter: str) -> bool:
    return LETTERS.index(letter.upper()) == question.correct


def drills_for(topics: list[str]) -> list[str]:
    """Drill templates in the given topics (all of them when no topic is given)."""
    from quizprep.drills import CATALOG

    return [name for name, (_, topic) in CATALOG.items() if not topics or topic in topics]


def weakness_order(items: list[Item], cards: dict, now: datetime, policy: Policy) -> list[Item]:
    """Seen items first, lowest retrievability then most lapses; unseen items after, in bank order."""
    from quizprep.scheduler import card_from_json, retrievability

    seen, unseen = [], []
    for index, item in enumerate(items):
        row = cards.get(item.id)
        if row is None:
            unseen.append(item)
            continue
        recall = retrievability(card_from_json(row.card_json), now, policy)
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
    questions = []
    for item in chosen:
        form = kind or ("mcq" if item.choices and rng.random() < 0.5 else "flashcard")
        questions.append(mcq(item, rng) if form == "mcq" and item.choices else flashcard(item))
    for _ in range(numeric_count):
        position = rng.randrange(len(questions) + 1)
        questions.insert(position, numeric(rng.choice(drills), rng.randrange(2**31)))
    return questions


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
    from quizprep.store import iso

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
    return ReviewPlan([flashcard(items[index]) for index in order], len(learning), len(due), len(new), new_quota, reviews_left)


def interview_picks(items: list[Item], count: int, rng: random.Random) -> list[Item]:
    """`count` items spread across topics: one topic after another, a random item from each."""
    by_topic: dict[str, list[Item]] = {}
    for item in items:
        by_topic.setdefault(item.topic, []).append(item)
    topics = list(by_topic)
    rng.shuffle(topics)
    for pool in by_topic.values():
        rng.shuffle(pool)
    picks: list[Item] = []
    while len(picks) < count and any(by_topic.values()):
        for topic in topics:
            if by_topic[topic] and len(picks) < count:
                picks.append(by_topic[topic].pop())
    return picks


def coverage_rating(covered: int, total: int) -> int:
    """A mock-interview answer's FSRS rating from the share of key points covered."""
    share = covered / total if total else 0.0
    if share >= 0.75:
        return 3
    if share >= 0.5:
        return 2
    return 1
