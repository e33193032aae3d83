"""The forms a question takes (multiple choice, flashcard, numeric drill) and grading a chosen option.

Pure: built from bank items and a `random.Random`; nothing here prints or touches the database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from quizprep.bank import Item

KINDS = ("mcq", "flashcard", "numeric")
KIND_NAMES = {"mcq": "multiple choice", "flashcard": "flashcard", "numeric": "numeric drill"}
LETTERS = "ABCDEFGH"


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
