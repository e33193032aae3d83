"""The forms a question takes (multiple choice, flashcard, cloze, numeric drill) and grading an answer.

A cloze question asks one gap number of an item's `cloze` text; its card key is the item id for
gap 1 and 'ITEMID#cN' for gap N > 1 (see cloze_key), so each gap keeps its own schedule.

Pure: built from bank items and a `random.Random`; nothing here prints or touches the database.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from quizprep.bank import Item
from quizprep.bank import cloze as cloze_text

KINDS = ("mcq", "flashcard", "cloze", "numeric")
KIND_NAMES = {"mcq": "multiple choice", "flashcard": "flashcard", "cloze": "cloze", "numeric": "numeric drill"}
TYPO_FROM = 5  # answers this long (once normalised) forgive one typo
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
    gap: int = 0  # the gap number a cloze question asks
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


def cloze_key(item_id: str, number: int) -> str:
    """The card of one gap: the item id for gap 1, 'ITEMID#cN' for the others ('#' is never in an id)."""
    return item_id if number == 1 else f"{item_id}#c{number}"


def cloze_keys(item: Item) -> list[str]:
    """The card keys of every gap of an item (none without a cloze form)."""
    return [cloze_key(item.id, number) for number in cloze_text.numbers(item.cloze)] if item.cloze else []


def cloze(item: Item, number: int) -> Question:
    """The item's cloze form, asking gap `number`."""
    return Question("cloze", cloze_key(item.id, number), item.topic, item.difficulty, item, gap=number)


def cloze_prompt(question: Question) -> str:
    """The sentence with the asked gap hidden (its hint in brackets) and the others filled in."""
    return cloze_text.shown(question.item.cloze, question.gap)


def cloze_sentence(question: Question) -> str:
    return cloze_text.filled(question.item.cloze)


def cloze_expected(question: Question) -> str:
    return cloze_text.expected(question.item.cloze, question.gap)


def numeric(name: str, seed: int) -> Question:
    from quizprep.drills import CATALOG, card_id

    title, topic = CATALOG[name]
    return Question("numeric", card_id(name), topic, 2, drill=(name, seed))


def grade_choice(question: Question, letter: str) -> bool:
    return LETTERS.index(letter.upper()) == question.correct


def normalised(text: str) -> str:
    """Text as a lenient grader compares it: accents folded, case ignored, punctuation read as
    spaces, runs of spaces as one."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn":  # a combining accent: é became e + accent
            continue
        kept.append(" " if category.startswith("P") else char)
    return " ".join("".join(kept).split())


def within_one_edit(a: str, b: str) -> bool:
    """Whether one substitution, insertion, deletion or swap of neighbours turns `a` into `b`
    (or they are equal). Linear: skip the common start, then compare what is left."""
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    if len(a) == len(b):
        return a[1:] == b[1:] or (a[:2] == b[1::-1] and a[2:] == b[2:])
    return a[1:] == b or a == b[1:]


def grade_typed(given: str, expected: str) -> bool:
    """A typed answer against the expected one: equal once normalised, or one typo away for an
    answer of TYPO_FROM or more characters."""
    typed, wanted = normalised(given), normalised(expected)
    if not wanted:  # an answer of punctuation only ("?"), compared as written
        return given.strip() == expected.strip()
    if typed == wanted:
        return True
    return len(wanted) >= TYPO_FROM and bool(typed) and within_one_edit(typed, wanted)
