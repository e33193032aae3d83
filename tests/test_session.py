"""The question loop shared by every mode: invalid input, quit, end of input, undo, skip, stable ids."""

from __future__ import annotations

import json

from quizprep.questions import LETTERS
from tests.helpers.bank import item_yaml, log_rows, state_ids
from tests.helpers.quiz import planned


def test_invalid_lines_repeat_the_prompt_and_the_valid_answer_counts(run, quizprep_home):
    questions = planned("mcq", 1, seed=4)
    right = LETTERS[questions[0].correct]
    noise = "\n".join(["", "   ", "Z", "42", "\x1b[A", "🙂", "x" * 5000])
    result = run("quiz", "--type", "mcq", "-n", "1", "--seed", "4", input=f"{noise}\n{right}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Type A, B, C or D") == 7
    assert log_rows(quizprep_home) == [(questions[0].key, 3, 1, "quiz")]


def test_q_quits_cleanly_keeping_earlier_answers(run, quizprep_home):
    questions = planned("mcq", 5, seed=2)
    first = LETTERS[questions[0].correct]
    result = run("quiz", "--type", "mcq", "-n", "5", "--seed", "2", input=f"{first}\nq\n")
    assert result.exit_code == 0, result.output
    assert "you quit" in result.stdout
    assert log_rows(quizprep_home) == [(questions[0].key, 3, 1, "quiz")]


def test_end_of_input_ends_cleanly(run, quizprep_home):
    questions = planned("flashcard", 4, seed=6)
    result = run("quiz", "--type", "flashcard", "-n", "4", "--seed", "6", input="attempt\n3\nhalf an attempt\n")
    assert result.exit_code == 0, result.output
    assert "end of input" in result.stdout
    assert "Traceback" not in result.output
    assert log_rows(quizprep_home) == [(questions[0].key, 3, None, "quiz")]


def test_undo_restores_state_and_removes_the_log_row(run, quizprep_home):
    questions = planned("mcq", 2, seed=9)
    a, b = (LETTERS[q.correct] for q in questions)
    wrong_a = next(LETTERS[i] for i in range(4) if i != questions[0].correct)
    # Answer the first wrongly, undo at the second prompt, answer the first again correctly, then the second.
    result = run("quiz", "--type", "mcq", "-n", "2", "--seed", "9", input=f"{wrong_a}\nu\n{a}\n{b}\n")
    assert result.exit_code == 0, result.output
    assert "Undone" in result.stdout
    assert log_rows(quizprep_home) == [(questions[0].key, 3, 1, "quiz"), (questions[1].key, 3, 1, "quiz")]


def test_undo_of_a_first_answer_forgets_the_item(run, quizprep_home):
    questions = planned("mcq", 2, seed=9)
    a = LETTERS[questions[0].correct]
    result = run("quiz", "--type", "mcq", "-n", "2", "--seed", "9", input=f"{a}\nu\nq\n")
    assert result.exit_code == 0, result.output
    assert log_rows(quizprep_home) == []
    assert state_ids(quizprep_home) == set()


def test_skip_records_nothing(run, quizprep_home):
    questions = planned("mcq", 2, seed=1)
    b = LETTERS[questions[1].correct]
    result = run("quiz", "--type", "mcq", "-n", "2", "--seed", "1", input=f"s\n{b}\n")
    assert result.exit_code == 0, result.output
    assert log_rows(quizprep_home) == [(questions[1].key, 3, 1, "quiz")]


def test_editing_text_keeps_history(run, quizprep_home, write_bank):
    path = write_bank("edit.yaml", item_yaml("stable-id", topic="edits"))
    run("quiz", "--bank", str(path), "--topic", "edits", "--type", "flashcard", "-n", "1", "--seed", "1", input="\n4\n")
    path.write_text(item_yaml("stable-id", topic="edits", question="'A reworded question?'"), encoding="utf-8")
    figures = json.loads(run("stats", "--json", "--bank", str(path)).stdout)
    assert figures["topics"]["edits"]["seen"] == 1 and figures["topics"]["edits"]["reviews"] == 1
