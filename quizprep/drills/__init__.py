"""Numeric drills: problems generated fresh from templates, answered with numbers, graded with a tolerance.

    CATALOG                       drill name -> (title, topic): plain data from `_index.py`, no NumPy
    generate(name, seed) -> Problem
    grade(problem, text) -> Grade   parse the user's answer and compare with a tolerance
    parse_numbers(text, count) -> list[float]
    answer_format(count) -> str     how to type `count` numbers: "two numbers separated by a comma, e.g. 148, 592"

FSRS tracks each drill as one card ("drill:NAME"): the skill, not one memorised number.
A drill is a function registered with `@drill("name")` (from `quizprep.drills.framework`) in the module of
its bank topic; its docstring's first line is its title. `python -m quizprep.drills --write-index` refreshes
the index.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from quizprep.drills._index import DRILLS as CATALOG
from quizprep.errors import BadValueError, QuizprepError

__all__ = [
    "CARD_PREFIX", "CATALOG", "AnswerFormatError", "Grade", "Problem",
    "answer_format", "card_id", "generate", "grade", "parse_number", "parse_numbers",
]  # fmt: skip
CARD_PREFIX = "drill:"


@dataclass
class Problem:
    """One generated problem: what to ask, the expected numbers, how close is close enough, and the worked solution."""

    name: str = ""  # set by the framework from the drill's registered name
    prompt: str = ""
    answer: list[float] = field(default_factory=list)
    solution: list[str] = field(default_factory=list)
    rel_tol: float = 0.01
    abs_tol: float = 1e-6
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "prompt": self.prompt,
            "answer": list(self.answer),
            "solution": list(self.solution),
            "rel_tol": self.rel_tol,
            "abs_tol": self.abs_tol,
            "params": dict(self.params),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(**data)


@dataclass
class Grade:
    correct: bool
    given: list[float]
    message: str


class AnswerFormatError(QuizprepError):
    """The text is not a number (or list of numbers) the grader can read."""


NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def parse_number(token: str) -> float:
    """One number: 0.25, -3, 1e-3, .5, 1/4, 25%, 1,000 (thousands separator) or 3×10^-2 written as 3e-2."""
    text = token.strip().replace("−", "-").replace("_", "")
    if not text:
        raise AnswerFormatError("empty answer")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):  # after the % is gone, so 1,000% reads too
        text = text.replace(",", "")
    if text.count("/") > 1:
        raise AnswerFormatError(f"{token.strip()[:40]!r} is not a number (one fraction bar at most, like 1/4)")
    if "/" in text:
        top, _, bottom = text.partition("/")
        value = parse_number(top) / _nonzero(parse_number(bottom))
    elif NUMBER.match(text):
        value = float(text)
    else:
        raise AnswerFormatError(f"{token.strip()[:40]!r} is not a number")
    if not math.isfinite(value):
        raise AnswerFormatError("the answer must be a finite number")
    return value / 100 if percent else value


def _nonzero(value: float) -> float:
    if value == 0:
        raise AnswerFormatError("division by zero")
    return value


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}
EXAMPLE_NUMBERS = ["148", "592", "7", "0.5", "12"]


def answer_format(count: int) -> str:
    """How to type `count` numbers: 'one number', or 'two numbers separated by a comma, e.g. 148, 592'."""
    if count == 1:
        return "one number"
    example = ", ".join(EXAMPLE_NUMBERS[i % len(EXAMPLE_NUMBERS)] for i in range(count))
    separator = "a comma" if count == 2 else "commas"
    return f"{NUMBER_WORDS.get(count, count)} numbers separated by {separator}, e.g. {example}"


def parse_numbers(text: str, count: int | None = None) -> list[float]:
    """A number or a short list: '0.3', '0.2, 0.5', '[1 2 3]', '(2; 4)'.

    `count` is how many numbers are expected. When it is more than one, a comma always separates two numbers
    ('148,592' is 148 and 592); otherwise a comma between groups of three digits is a thousands separator
    ('1,000' is one thousand).
    """
    cleaned = text.strip().strip("[]()").strip()
    cleaned = re.sub(r"\s*/\s*", "/", re.sub(r"\s+%", "%", cleaned))  # '25 %' and '1 / 4' are one number each
    if len(cleaned) > 200:
        raise AnswerFormatError("the answer is too long; type just the number(s)")
    if (count is None or count == 1) and re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?", cleaned):
        return [parse_number(cleaned)]
    parts = [p for p in re.split(r"[,;\s]+", cleaned) if p]
    if not parts:
        raise AnswerFormatError("empty answer")
    return [parse_number(p) for p in parts]


def close_enough(given: float, expected: float, rel_tol: float, abs_tol: float) -> bool:
    return abs(given - expected) <= max(abs_tol, rel_tol * abs(expected))


def grade(problem: Problem, text: str) -> Grade:
    """Compare the user's numbers with the expected ones; raises AnswerFormatError for unreadable text."""
    expected = len(problem.answer)
    given = parse_numbers(text, expected)
    if len(given) != expected:
        got = "one number" if len(given) == 1 else f"{len(given)} numbers"
        hint = " (a comma separates numbers; type 1000, not 1,000)" if expected > 1 else ""
        raise AnswerFormatError(f"expected {answer_format(expected)}; got {got}{hint}")
    correct = all(
        close_enough(g, e, problem.rel_tol, problem.abs_tol) for g, e in zip(given, problem.answer, strict=False)
    )
    shown = ", ".join(f"{e:.6g}" for e in problem.answer)
    message = f"Correct: {shown}" if correct else f"Not quite: the answer is {shown}"
    return Grade(correct, given, message)


def generate(name: str, seed: int) -> Problem:
    """A fresh problem from template `name`; the same seed gives the same problem."""
    from quizprep.drills import framework

    registry = framework.load_all()
    if name not in registry:
        from quizprep.bank.validate import suggest

        raise BadValueError(f"unknown drill '{name}'{suggest(name, registry)}; `quizprep drill --list` shows them")
    return framework.make(name, seed)


def card_id(name: str) -> str:
    return f"{CARD_PREFIX}{name}"
