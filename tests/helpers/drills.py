"""The checks every drill gets against its hand formula: same numbers, a tolerance that matches the precision
the prompt asks for, and grading that accepts the rounded answer and rejects a wrong one; and, for topics whose
worked solutions end on the answer, that they do.

A topic's test module keeps its hand formulas in an EXPECTED table (read by tests/drills/test_framework.py) and
binds the shared tests to it:

    test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
    test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pytest

from quizprep.drills import generate, grade

SEEDS = range(12)
# A number as worked solutions write it: optional minus, decimals, optional exponent (1.25e+11).
NUMBER = re.compile(r"-?\d+(?:\.(\d+))?(?:e([+-]?\d+))?")


def stated_decimals(prompt: str) -> int | None:
    """The precision the prompt asks for: n for '(n decimals)' or '(n decimals each)', None for whole numbers."""
    match = re.search(r"\((\d+) decimals(?: each)?\)$", prompt)
    if match:
        return int(match.group(1))
    assert re.search(r"\(whole numbers?\)$", prompt), f"the prompt does not state its precision: {prompt!r}"
    return None


def answer_text(values: list[float], decimals: int | None) -> str:
    return ", ".join(str(round(v)) if decimals is None else f"{v:.{decimals}f}" for v in values)


def assert_matches_hand_formula(name: str, seed: int, formula: Callable[[dict], list[float]]) -> None:
    """The drill's answer equals `formula(problem.params)`, and grading accepts it and rejects a wrong one."""
    problem = generate(name, seed)
    assert problem.name == name
    expected = [float(v) for v in formula(problem.params)]
    assert len(problem.answer) == len(expected)
    assert all(isinstance(v, float) for v in problem.answer)
    for got, want in zip(problem.answer, expected, strict=True):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (problem.prompt, problem.answer, expected)

    decimals = stated_decimals(problem.prompt)
    if decimals is None:
        assert problem.rel_tol == 0 and problem.abs_tol <= 1e-6, "counts are graded exactly"
        assert all(v == int(v) and abs(v) < 1e6 for v in expected)
    else:
        for v in expected:  # loose enough for a correctly rounded answer, not looser than about two units
            window = max(problem.abs_tol, problem.rel_tol * abs(v))
            assert 0.5 * 10**-decimals <= window <= max(2 * 10**-decimals, 0.01 * abs(v))

    assert grade(problem, answer_text(expected, decimals)).correct
    assert grade(problem, ", ".join(f"{v:.6g}" for v in expected)).correct  # what the feedback shows
    for i in range(len(expected)):  # each number is checked on its own
        wrong = list(expected)
        wrong[i] += max(0.25 * abs(wrong[i]), 1.0)
        assert not grade(problem, answer_text(wrong, decimals)).correct
    if decimals is None:
        nearly = [v + 0.5 for v in expected]
        assert not grade(problem, ", ".join(str(v) for v in nearly)).correct


def hand_formula_test(expected: dict[str, Callable[[dict], list[float]]]) -> Callable[[str, int], None]:
    """A test, to bind to a `test_...` name, checking every drill in `expected` for every seed of SEEDS against its
    hand formula with `assert_matches_hand_formula`."""

    @pytest.mark.parametrize("seed", SEEDS)
    @pytest.mark.parametrize("name", sorted(expected))
    def test(name: str, seed: int) -> None:
        assert_matches_hand_formula(name, seed, expected[name])

    return test


def final_numbers(line: str) -> list[tuple[float, int]]:
    """The numbers a worked solution's last line ends on, each with the decimals it is shown to: those after the
    last '=' (or 'answer:'), leaving out a closing remark in parentheses and thousands separators."""
    if line.rstrip().endswith(")") and "(" in line:
        head, _, remark = line.rstrip().rpartition("(")
        if "=" not in remark:
            line = head
    tail = re.split(r"=|answer:", line)[-1]
    tail = re.sub(r"(?<=\d),(?=\d{3}\b)", "", tail)
    shown = []
    for match in NUMBER.finditer(tail):
        decimals = len(match.group(1) or "") - int(match.group(2) or 0)
        shown.append((float(match.group(0)), decimals))
    return shown


def assert_solution_ends_with_answer(name: str, seed: int, shows_all: bool = False) -> None:
    """The last line of the worked solution ends on the answer (the last number, or every number with `shows_all`),
    correctly rounded to the decimals it is shown with."""
    problem = generate(name, seed)
    wanted = problem.answer if shows_all else problem.answer[-1:]
    shown = final_numbers(problem.solution[-1])
    assert len(shown) >= len(wanted), problem.solution
    for (value, decimals), want in zip(shown[-len(wanted) :], wanted, strict=True):
        half_unit = 0.5 * 10.0**-decimals
        assert abs(value - want) <= half_unit * (1 + 1e-9) + 1e-12, (problem.solution[-1], problem.answer)


def solution_ending_test(expected: dict, shows_all: bool = False) -> Callable[[str, int], None]:
    """A test, to bind to a `test_...` name, checking `assert_solution_ends_with_answer` for every drill in
    `expected` and every seed of SEEDS."""

    @pytest.mark.parametrize("seed", SEEDS)
    @pytest.mark.parametrize("name", sorted(expected))
    def test(name: str, seed: int) -> None:
        assert_solution_ends_with_answer(name, seed, shows_all)

    return test
