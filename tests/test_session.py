"""Sessions driven as a script would drive them: piped answers, recorded in SQLite, undo, quit, end of input."""

from __future__ import annotations

import json
import random
import sqlite3

from quizprep.bank import load_bank
from quizprep.questions import LETTERS, quiz_questions

from .conftest import item_yaml


def log_rows(home) -> list[tuple]:
    with sqlite3.connect(home / "quizprep.db") as conn:
        return conn.execute("SELECT item_id, rating, correct, mode FROM review_log ORDER BY id").fetchall()


def state_ids(home) -> set[str]:
    with sqlite3.connect(home / "quizprep.db") as conn:
        return {row[0] for row in conn.execute("SELECT item_id FROM card_state")}


def planned(kind: str, limit: int, seed: int, topic: str | None = None):
    """The questions `quiz --type KIND -n LIMIT --seed SEED` will ask (same selection code, same seed)."""
    bank = load_bank()
    items = [i for i in bank.items if (topic is None or i.topic == topic) and (kind != "mcq" or i.choices)]
    return quiz_questions(items, [], kind, limit, random.Random(seed))


def test_multiple_choice_answers_are_graded_and_recorded(run, quizprep_home):
    questions = planned("mcq", 3, seed=3)
    right = LETTERS[questions[0].correct]
    wrong = next(LETTERS[i] for i in range(4) if i != questions[1].correct)
    third = LETTERS[questions[2].correct].lower()
    result = run("quiz", "--type", "mcq", "-n", "3", "--seed", "3", input=f"{right}\n{wrong}\n{third}\n")
    assert result.exit_code == 0, result.output
    assert log_rows(quizprep_home) == [
        (questions[0].key, 3, 1, "quiz"),
        (questions[1].key, 1, 0, "quiz"),
        (questions[2].key, 3, 1, "quiz"),
    ]
    assert "✓ Correct" in result.stdout and "✗ Not quite" in result.stdout
    assert "Session summary" in result.stdout
    assert "all questions answered" in result.stdout


def test_flashcards_take_an_attempt_then_a_rating(run, quizprep_home):
    questions = planned("flashcard", 2, seed=8)
    result = run("quiz", "--type", "flashcard", "-n", "2", "--seed", "8", input="my attempt\n2\n\n4\n")
    assert result.exit_code == 0, result.output
    assert log_rows(quizprep_home) == [(questions[0].key, 2, None, "quiz"), (questions[1].key, 4, None, "quiz")]
    assert result.stdout.count("Did you cover") == 2


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


def test_same_seed_same_quiz(run):
    first = run("quiz", "--type", "mcq", "-n", "3", "--seed", "77", input="q\n")
    second = run("quiz", "--type", "mcq", "-n", "3", "--seed", "77", input="q\n")
    cut = lambda text: text.split("Your answer")[0]
    assert cut(first.stdout) == cut(second.stdout)


def test_stats_json_counts_scripted_answers(run, quizprep_home):
    questions = planned("mcq", 3, seed=12)
    answers = "".join(f"{LETTERS[q.correct]}\n" for q in questions)
    run("quiz", "--type", "mcq", "-n", "3", "--seed", "12", input=answers)
    run("quiz", "--type", "flashcard", "-n", "1", "--seed", "13", input="\n1\n")
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["total_reviews"] == 4
    assert figures["cards_seen"] == len({q.key for q in questions} | {planned("flashcard", 1, 13)[0].key})
    assert figures["due_now"] == 0  # Good cards wait ten minutes, Again ones one minute
    assert sum(t["reviews"] for t in figures["topics"].values()) == 4
    topic = questions[0].topic
    assert figures["topics"][topic]["seen"] >= 1


def test_weak_puts_lapsed_items_first(run, quizprep_home, write_bank):
    path = write_bank(
        "weak.yaml",
        "".join(
            item_yaml(f"weak-{n}", topic="weak", choices="{correct: right, wrong: [w1, w2, w3]}") for n in range(4)
        ),
    )
    # weak-2 answered wrongly, weak-0 and weak-1 rightly; weak-3 never seen.
    from quizprep.practice import open_state
    from quizprep.session import Recorder
    from quizprep.scheduler import Policy
    from datetime import datetime, timezone, timedelta

    conn = open_state()
    recorder = Recorder(conn, Policy(), "quiz")
    then = datetime.now(timezone.utc) - timedelta(days=3)
    recorder.record("weak-0", 3, True, 1000, then)
    recorder.record("weak-1", 3, True, 1000, then)
    recorder.record("weak-2", 1, False, 1000, then)
    conn.close()
    result = run("quiz", "--bank", str(path), "--topic", "weak", "--weak", "--type", "flashcard", "-n", "4", "--seed", "1", input="q\n")
    assert result.exit_code == 0, result.output
    assert "weak" in result.stdout
    from quizprep.bank import load_bank as load
    from quizprep.questions import weakness_order
    from quizprep import store

    conn = open_state()
    order = [i.id for i in weakness_order([i for i in load([path]).items if i.topic == "weak"], store.all_cards(conn), datetime.now(timezone.utc), Policy())]
    conn.close()
    assert order[0] == "weak-2"
    assert order[-1] == "weak-3"


def test_numeric_drill_is_graded_with_a_tolerance(run, quizprep_home):
    from quizprep.drills import generate
    from quizprep.questions import drills_for

    rng = random.Random(21)
    names = drills_for([])
    name = rng.choice(names)
    problem = generate(name, rng.randrange(2**31))
    answer = ", ".join(f"{value:.6g}" for value in problem.answer)
    result = run("quiz", "--type", "numeric", "-n", "1", "--seed", "21", input=f"not a number\n{answer}\n")
    assert result.exit_code == 0, result.output
    assert "is not a number" in result.stdout
    assert log_rows(quizprep_home) == [(f"drill:{name}", 3, 1, "quiz")]


def test_config_set_show_and_errors(run):
    assert run("config", "new-per-day", "35").exit_code == 0
    shown = run("config", "new-per-day")
    assert "new-per-day = 35" in shown.stdout
    bad = run("config", "desired-retention", "1.5")
    assert bad.exit_code == 2 and "0.70 to 0.99" in bad.stderr
    unknown = run("config", "new-per-dya", "3")
    assert unknown.exit_code == 2 and "did you mean 'new-per-day'" in unknown.stderr
    assert run("config", "interview-date", "2026-12-24").exit_code == 0
    everything = run("config").stdout
    assert "interview-date = 2026-12-24" in everything and "desired-retention = 0.9" in everything
    assert run("config", "interview-date", "--unset").exit_code == 0
    assert "interview-date = not set" in run("config").stdout
    assert run("config", "interview-date", "24/12/2026").exit_code == 2


def test_mock_interview_scores_key_points(run, quizprep_home, write_bank):
    path = write_bank(
        "mock.yaml",
        item_yaml("mock-a", topic="alpha", key_points="[one, two, three, four]")
        + item_yaml("mock-b", topic="beta", key_points="[uno, dos]"),
    )
    result = run(
        "interview", "--bank", str(path), "--topic", "alpha", "--topic", "beta", "-n", "2", "--seed", "3",
        input="an answer\nall\nanother answer\n\n",
    )
    assert result.exit_code == 0, result.output
    rows = log_rows(quizprep_home)
    assert sorted(rows) == [("mock-a", 3, None, "interview"), ("mock-b", 1, None, "interview")] or sorted(rows) == sorted(
        [("mock-a", 1, None, "interview"), ("mock-b", 3, None, "interview")]
    )
    assert "Mock interview report" in result.stdout
    assert "What to study" in result.stdout
    assert "missed:" in result.stdout


def test_review_with_nothing_due_says_so(run, write_bank):
    path = write_bank("one.yaml", item_yaml("only-one", topic="solo"))
    run("config", "new-per-day", "0")
    result = run("review", "--bank", str(path), "--topic", "solo")
    assert result.exit_code == 0, result.output
    assert "Nothing is due" in result.stdout


def test_review_introduces_new_items_up_to_the_limit(run, quizprep_home, write_bank):
    path = write_bank("few.yaml", "".join(item_yaml(f"few-{n}", topic="few") for n in range(5)))
    run("config", "new-per-day", "2")
    result = run("review", "--bank", str(path), "--topic", "few", input="\n3\n\n3\n")
    assert result.exit_code == 0, result.output
    assert "0 learning · 0 due · 2 new" in result.stdout
    assert [row[0] for row in log_rows(quizprep_home)] == ["few-0", "few-1"]
    again = run("review", "--bank", str(path), "--topic", "few")
    assert "0 new" in again.stdout  # today's new quota is used up


def test_orphans_lists_and_prunes_progress_of_removed_items(run, quizprep_home, write_bank):
    path = write_bank("temp.yaml", item_yaml("soon-gone", topic="temp") + item_yaml("staying", topic="temp"))
    run("quiz", "--bank", str(path), "--topic", "temp", "--type", "flashcard", "-n", "2", "--seed", "1", input="\n3\n\n3\n")
    assert state_ids(quizprep_home) == {"soon-gone", "staying"}
    path.write_text(item_yaml("staying", topic="temp"), encoding="utf-8")  # soon-gone removed from the bank
    listed = run("orphans", "--bank", str(path))
    assert listed.exit_code == 0, listed.output
    assert "soon-gone" in listed.stdout and "staying" not in listed.stdout
    assert state_ids(quizprep_home) == {"soon-gone", "staying"}  # listing changes nothing
    pruned = run("orphans", "--bank", str(path), "--prune")
    assert pruned.exit_code == 0, pruned.output
    assert state_ids(quizprep_home) == {"staying"}
    assert [row[0] for row in log_rows(quizprep_home)] == ["staying"]
    assert (quizprep_home / "quizprep.db.before-prune.bak").exists()
    assert "No orphaned progress" in run("orphans", "--bank", str(path)).stdout


def test_editing_text_keeps_history(run, quizprep_home, write_bank):
    path = write_bank("edit.yaml", item_yaml("stable-id", topic="edits"))
    run("quiz", "--bank", str(path), "--topic", "edits", "--type", "flashcard", "-n", "1", "--seed", "1", input="\n4\n")
    path.write_text(item_yaml("stable-id", topic="edits", question="'A reworded question?'"), encoding="utf-8")
    figures = json.loads(run("stats", "--json", "--bank", str(path)).stdout)
    assert figures["topics"]["edits"]["seen"] == 1 and figures["topics"]["edits"]["reviews"] == 1
