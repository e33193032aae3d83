"""Sane dates and numbers: stored interview dates in the past or absurd plan nothing, never overflow; ranges hold."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
import typer
from typer.testing import CliRunner

from quizprep import store
from quizprep.clock import check_interview_date, ignored_interview_note, interview_date, latest_interview_date
from quizprep.errors import BadValueError
from quizprep.options import MinutesOption

TODAY = date(2026, 12, 6)


def test_a_stored_date_outside_today_to_five_years_counts_as_none():
    assert interview_date(None, date(1, 1, 1), TODAY) is None
    assert interview_date(None, date(2026, 12, 5), TODAY) is None
    assert interview_date(None, date(9999, 12, 31), TODAY) is None
    assert interview_date(None, date(2026, 12, 6), TODAY) == date(2026, 12, 6)
    assert interview_date(None, date(2031, 12, 6), TODAY) == date(2031, 12, 6)
    assert interview_date(date(2027, 1, 1), date(1, 1, 1), TODAY) == date(2027, 1, 1)  # the command line wins


def test_the_range_ends_five_years_ahead_and_never_overflows():
    assert latest_interview_date(date(2028, 2, 29)) == date(2033, 2, 28)
    assert latest_interview_date(date(9998, 6, 1)) == date(9999, 6, 1)
    with pytest.raises(BadValueError, match=r"from today \(2026-12-06\) to 2031-12-06, not 0001-01-01"):
        check_interview_date(date(1, 1, 1), TODAY)
    assert check_interview_date(date(2027, 3, 1), TODAY) == date(2027, 3, 1)


def test_the_note_says_why_a_stored_date_is_ignored():
    assert "(0001-01-01) is in the past" in ignored_interview_note("0001-01-01", TODAY)
    assert "more than 5 years ahead" in ignored_interview_note(date(2040, 1, 1), TODAY)
    assert ignored_interview_note("2027-01-01", TODAY) is None
    assert ignored_interview_note(None, TODAY) is None


@pytest.mark.parametrize("stored", ["0001-01-01", "2001-02-03", "9999-12-31"])
def test_sessions_with_a_stored_past_or_absurd_date_run_and_say_so(run, stored):
    refused = run("config", "interview-date", stored)  # the command refuses it...
    assert refused.exit_code == 2 and "must be from today" in refused.stderr
    conn = store.open_state()  # ...but a database written earlier may hold one
    store.settings_put(conn, "interview-date", stored)
    conn.close()
    for args, answers in ((("review", "-n", "2"), "x\n3\ny\n3\n"), (("quiz", "--type", "mcq", "-n", "2"), "a\nb\n")):
        result = run(*args, input=answers)
        assert result.exit_code == 0, result.output
        assert f"Your interview date ({stored})" in result.stdout
        assert "to your interview" not in result.stdout and not re.search(r"-\d+ day", result.stdout)
        assert result.stdout.count("Saved.") == 2


def minutes_app():
    app = typer.Typer()

    @app.command()
    def main(minutes: MinutesOption = 3) -> None:
        typer.echo(repr(minutes))

    return app


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "0", "0.2", "61", "-1", "1e308", "three"])
def test_minutes_outside_the_range_or_not_finite_are_usage_errors(text):
    result = CliRunner().invoke(minutes_app(), ["--minutes", text])
    assert result.exit_code == 2, result.output
    assert "expected a number of minutes from 0.25 to 60" in result.output


@pytest.mark.parametrize(("text", "value"), [("0.25", 0.25), ("3", 3.0), ("60", 60.0)])
def test_minutes_in_range_pass(text, value):
    result = CliRunner().invoke(minutes_app(), ["--minutes", text])
    assert result.exit_code == 0, result.output
    assert math.isclose(float(result.output), value)
