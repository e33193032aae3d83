"""Numeric drills in a session: graded with a tolerance, recorded as the template's card."""

from __future__ import annotations

import random

from tests.helpers.bank import log_rows


def test_numeric_drill_is_graded_with_a_tolerance(run, quizprep_home):
    from quizprep.drills import generate
    from quizprep.modes.drill import drills_for

    rng = random.Random(21)
    names = drills_for([])
    name = rng.choice(names)
    problem = generate(name, rng.randrange(2**31))
    answer = ", ".join(f"{value:.6g}" for value in problem.answer)
    result = run("quiz", "--type", "numeric", "-n", "1", "--seed", "21", input=f"not a number\n{answer}\n")
    assert result.exit_code == 0, result.output
    assert "is not a number" in result.stdout
    assert log_rows(quizprep_home) == [(f"drill:{name}", 3, 1, "quiz")]
