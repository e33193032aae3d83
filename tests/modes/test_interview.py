"""The mock interview: key points ticked off set the rating and the report."""

from __future__ import annotations

from tests.helpers.bank import item_yaml, log_rows


def test_mock_interview_scores_key_points(run, quizprep_home, write_bank):
    path = write_bank(
        "mock.yaml",
        item_yaml("mock-a", topic="alpha", key_points="[one, two, three, four]")
        + item_yaml("mock-b", topic="beta", key_points="[uno, dos]"),
    )
    result = run(
        "interview",
        "--bank",
        str(path),
        "--topic",
        "alpha",
        "--topic",
        "beta",
        "-n",
        "2",
        "--seed",
        "3",
        input="an answer\nall\nanother answer\n\n",
    )
    assert result.exit_code == 0, result.output
    rows = log_rows(quizprep_home)
    assert sorted(rows) == [("mock-a", 3, None, "interview"), ("mock-b", 1, None, "interview")] or sorted(
        rows
    ) == sorted([("mock-a", 1, None, "interview"), ("mock-b", 3, None, "interview")])
    assert "Mock interview report" in result.stdout
    assert "What to study" in result.stdout
    assert "missed:" in result.stdout
    assert "seed 3" in result.stdout  # a drawn or given seed is printed, so the interview can be replayed
    assert result.stdout.count("Saved. Next review") == 2, result.stdout
    assert " aved." not in result.stdout
    assert "2 questions," in result.stdout


def test_one_question_is_singular(run, write_bank):
    path = write_bank("one.yaml", item_yaml("solo", topic="solo", key_points="[a, b]"))
    result = run("interview", "--bank", str(path), "--topic", "solo", "-n", "1", input="answer\nall\n")
    assert result.exit_code == 0, result.output
    assert "1 question," in result.stdout and "1 questions" not in result.stdout
    quiz = run("quiz", "--bank", str(path), "--topic", "solo", "--type", "flashcard", "-n", "1", input="\n3\n")
    assert "Quiz of 1 question ·" in quiz.stdout, quiz.stdout
