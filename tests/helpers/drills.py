"""The check every drill gets against its hand formula: same numbers, a tolerance that matches the precision
the prompt asks for, and grading that accepts the rounded answer and rejects a wrong one."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from quizprep.drills import generate, grade

SEEDS = range(12)


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
