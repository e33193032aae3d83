"""Property-based tests: the graders, the number parser, input cleaning and LaTeX conversion never misbehave."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from quizprep.bank import Choices, Item
from quizprep.drills import AnswerFormatError, Problem, answer_format, close_enough, grade, parse_numbers
from quizprep.latex import math_to_unicode, render_math_in_text
from quizprep.questions import LETTERS, grade_choice, mcq
from quizprep.ui.terminal import clean, shown

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@given(st.text(max_size=300))
def test_parse_numbers_returns_finite_floats_or_a_clear_error(text):
    try:
        values = parse_numbers(text)
    except AnswerFormatError as exc:
        assert str(exc)
    else:
        assert values and all(isinstance(v, float) and math.isfinite(v) for v in values)


@given(finite)
def test_a_number_written_out_parses_back(value):
    assert parse_numbers(repr(value)) == [value]
    assert close_enough(parse_numbers(f"{value:.12g}")[0], value, 1e-9, 1e-9)


@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=2, max_size=5), st.sampled_from([",", ", ", " , "]))
def test_several_numbers_are_always_split_at_commas(values, comma):
    text = comma.join(str(v) for v in values)
    assert parse_numbers(text, len(values)) == [float(v) for v in values]


@given(st.integers(min_value=1000, max_value=10**12))
def test_one_number_may_carry_thousands_separators(value):
    assert parse_numbers(f"{value:,}", 1) == [float(value)]
    assert parse_numbers(f"{value:,}") == [float(value)]


@given(st.integers(min_value=100, max_value=999), st.integers(min_value=100, max_value=999))
def test_two_expected_numbers_are_never_read_as_one_thousands_number(a, b):
    problem = Problem("p", "prompt", [float(a), float(b)], ["solution"], rel_tol=0.0, abs_tol=1e-9)
    assert grade(problem, f"{a},{b}").correct
    assert grade(problem, f"{a}, {b}").correct
    one = Problem("p", "prompt", [float(a * 1000 + b)], ["solution"], rel_tol=0.0, abs_tol=1e-9)
    assert grade(one, f"{a},{b}").correct  # one number expected: the comma groups thousands


@given(st.integers(min_value=2, max_value=5))
def test_a_wrong_count_names_the_format(count):
    problem = Problem("p", "prompt", [1.0] * count, ["solution"])
    try:
        grade(problem, "1000")
    except AnswerFormatError as exc:
        assert answer_format(count) in str(exc) and "separated by" in str(exc)
    else:
        raise AssertionError("one number for several should be refused")


@given(st.lists(finite, min_size=1, max_size=4))
def test_the_expected_answer_always_grades_correct(values):
    problem = Problem("p", "prompt", values, ["solution"], rel_tol=0.01, abs_tol=1e-6)
    text = ", ".join(repr(v) for v in values)
    assert grade(problem, text).correct
    shifted = ", ".join(repr(v + max(1.0, abs(v)) * 0.5) for v in values)
    assert not grade(problem, shifted).correct


@given(st.integers(min_value=0, max_value=2**32), st.sampled_from("abcdABCD"))
def test_exactly_one_letter_is_correct(seed, letter):
    item = Item("p", "t", 1, "q", "a", choices=Choices("right", ["w1", "w2", "w3"]))
    question = mcq(item, random.Random(seed))
    verdicts = [grade_choice(question, key) for key in LETTERS[:4]]
    assert verdicts.count(True) == 1
    assert grade_choice(question, letter) == (question.options[LETTERS.index(letter.upper())] == "right")


@given(st.text(max_size=2000))
def test_cleaned_input_has_no_control_characters(text):
    cleaned = clean(text)
    assert not any(ord(ch) < 32 and ch not in "\t\n" or 0x7F <= ord(ch) <= 0x9F for ch in cleaned)
    assert len(shown(text)) <= 30


LATEX_PIECES = list("\\{}^_$ abcxyz12+-()&") + [
    "\\frac",
    "\\sum",
    "\\alpha",
    "\\left",
    "\\right",
    "\\begin{pmatrix}",
    "\\end{pmatrix}",
    "\\sqrt",
    "\\hat",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(LATEX_PIECES), max_size=40).map("".join))
def test_latex_conversion_never_raises(latex):
    out = math_to_unicode(latex)
    assert isinstance(out, str)
    assert isinstance(render_math_in_text(f"text ${latex}$ more $$ {latex} $$"), str)


@given(st.sampled_from(["alpha", "beta", "theta", "sum", "partial", "nabla", "leq", "times", "infty", "odot"]))
def test_known_symbols_lose_their_backslash(name):
    assert "\\" not in math_to_unicode(f"\\{name} x")
