"""Every drill: registered once in the module of its catalog topic with a hand formula in that topic's tests,
a well-formed problem, the same problem for the same seed; grading and answer parsing."""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import pytest

from quizprep.drills import CATALOG, AnswerFormatError, Problem, generate, grade, parse_numbers
from quizprep.drills.framework import load_all, topic_modules
from tests.helpers.drills import SEEDS, final_numbers

ROOT = Path(__file__).resolve().parents[2]
BANK_TOPICS = {p.stem for p in (ROOT / "question_bank").glob("*.yaml")}


def hand_formula_names(topic: str) -> set[str]:
    """The drill names in the EXPECTED table of tests/drills/test_<topic>.py, read without importing it."""
    path = Path(__file__).with_name(f"test_{topic.replace('-', '_')}.py")
    if not path.exists():
        return set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXPECTED":
            return {key.value for key in node.value.keys}
    return set()


def test_catalog_matches_the_registry():
    assert set(CATALOG) == set(load_all())
    assert len(CATALOG) >= 17


def test_every_drill_has_a_hand_formula_in_its_topic_tests():
    for name, (_title, topic) in CATALOG.items():
        assert name in hand_formula_names(topic), f"{name} needs a hand formula in tests/drills/test_{topic}.py"


def test_every_drill_module_is_named_after_a_bank_topic():
    for module in topic_modules():
        assert module.replace("_", "-") in BANK_TOPICS, module


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_catalog_entry_has_a_short_title_and_a_bank_topic(name):
    title, topic = CATALOG[name]
    assert topic in BANK_TOPICS
    assert 10 <= len(title) <= 60 and not title.endswith(".")


def test_required_skills_are_covered():
    needed = {
        "gradient-descent-step", "sigmoid-derivative", "mse-loss", "binary-cross-entropy", "matmul-entry",
        "conv-output-size", "conv-param-count", "dense-param-count", "iterations-per-epoch", "batchnorm-value",
        "dropout-scaling", "precision-recall-f1", "momentum-step", "maxpool-values", "attention-weight",
        "l2-penalty-gradient", "rnn-param-count",
    }  # fmt: skip
    assert needed <= set(CATALOG)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_problem_shape(name):
    for seed in SEEDS:
        problem = generate(name, seed)
        assert 2 <= len(problem.solution) <= 10 and all(line.strip() for line in problem.solution)
        assert all(len(line) <= 120 for line in problem.solution)
        assert "$" not in problem.prompt + "".join(problem.solution)
        assert problem.params and json.loads(json.dumps(problem.params)) == problem.params
        assert Problem.from_dict(problem.to_dict()) == problem
        assert all(math.isfinite(v) for v in problem.answer)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_a_prompt_for_several_numbers_says_how_to_separate_them(name):
    for seed in SEEDS:
        problem = generate(name, seed)
        if len(problem.answer) > 1:
            assert "separated by" in problem.prompt, problem.prompt
            assert not re.search(r"\d,\d{3}\b", problem.prompt), (
                f"thousands separators read as two numbers: {problem.prompt}"
            )


def test_the_answer_format_sentence_goes_before_the_precision_note():
    problem = generate("iterations-per-epoch", 1)
    assert problem.prompt.endswith("Type two numbers separated by a comma, e.g. 148, 592. (whole numbers)")
    assert grade(problem, ", ".join(str(int(v)) for v in problem.answer)).correct
    assert grade(problem, ",".join(str(int(v)) for v in problem.answer)).correct


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_same_seed_same_problem_and_seeds_vary(name):
    for seed in (0, 7, 123456):
        assert generate(name, seed).to_dict() == generate(name, seed).to_dict()
    prompts = {generate(name, seed).prompt for seed in range(20)}
    assert len(prompts) >= 5


def test_wrong_count_of_numbers_is_a_format_error():
    problem = generate("precision-recall-f1", 3)
    with pytest.raises(AnswerFormatError, match="three numbers separated by commas"):
        grade(problem, "0.5")
    with pytest.raises(AnswerFormatError, match="one number"):
        grade(generate("dense-param-count", 3), "1, 2")


def test_unknown_drill_is_a_usage_error():
    from quizprep.errors import BadValueError

    with pytest.raises(BadValueError, match="unknown drill"):
        generate("no-such-drill", 1)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.25", [0.25]),
        ("-3", [-3.0]),
        (".5", [0.5]),
        ("+2.", [2.0]),
        ("1e-3", [0.001]),
        ("−0.5", [-0.5]),
        ("1/4", [0.25]),
        ("-3/4", [-0.75]),
        ("1 / 8", [0.125]),
        ("25%", [0.25]),
        ("12.5 %", [0.125]),
        ("1,000", [1000.0]),
        ("-12,345.5", [-12345.5]),
        ("1,000%", [10.0]),
        ("1_000", [1000.0]),
        ("0.2, 0.5", [0.2, 0.5]),
        ("0.2,0.5", [0.2, 0.5]),
        ("[1 2 3]", [1.0, 2.0, 3.0]),
        ("(2; 4)", [2.0, 4.0]),
        ("1/2, 25%, 3", [0.5, 0.25, 3.0]),
    ],
)
def test_parse_numbers_reads(text, expected):
    assert parse_numbers(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text", ["", "   ", "abc", "0.5.5", "1/0", "1/2/3", "1e999", "nan", "inf", "%", "2 apples", "1" * 201]
)
def test_parse_numbers_rejects(text):
    with pytest.raises(AnswerFormatError):
        parse_numbers(text)


def test_final_numbers_reads_what_a_worked_solution_ends_on():
    assert final_numbers("total = 4096 + 4000 = 8096 (brute force would be 2048000)") == [(8096.0, 0)]
    assert final_numbers("= 2,684,354,560 / 2^30 = 2.50 GiB") == [(2.5, 2)]
    assert final_numbers("answer: 0.5814; -1.3889") == [(0.5814, 4), (-1.3889, 4)]
    assert final_numbers("D = 20N = 1.4e+12 = 1414.21 billion tokens") == [(1414.21, 2)]
    assert final_numbers("x = 1.25e+11") == [(1.25e11, -9)]
    assert final_numbers("steps = 5960.46, rounded up to 5961")[-1] == (5961.0, 0)
