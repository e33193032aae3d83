"""The quiz driven as a script drives it: piped answers graded and recorded, seeds, --weak."""

from __future__ import annotations

from quizprep.questions import LETTERS
from tests.helpers.bank import item_yaml, log_rows
from tests.helpers.quiz import planned


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


def test_same_seed_same_quiz(run):
    first = run("quiz", "--type", "mcq", "-n", "3", "--seed", "77", input="q\n")
    second = run("quiz", "--type", "mcq", "-n", "3", "--seed", "77", input="q\n")
    def cut(text):
        return text.split("Your answer")[0]
    assert cut(first.stdout) == cut(second.stdout)


def test_weak_puts_lapsed_items_first(run, quizprep_home, write_bank):
    path = write_bank(
        "weak.yaml",
        "".join(
            item_yaml(f"weak-{n}", topic="weak", choices="{correct: right, wrong: [w1, w2, w3]}") for n in range(4)
        ),
    )
    # weak-2 answered wrongly, weak-0 and weak-1 rightly; weak-3 never seen.
    from datetime import datetime, timedelta, timezone

    from quizprep.api import Policy
    from quizprep.session import Recorder
    from quizprep.store import open_state

    conn = open_state()
    recorder = Recorder(conn, Policy(), "quiz")
    then = datetime.now(timezone.utc) - timedelta(days=3)
    recorder.record("weak-0", 3, True, 1000, then)
    recorder.record("weak-1", 3, True, 1000, then)
    recorder.record("weak-2", 1, False, 1000, then)
    conn.close()
    result = run(
        "quiz",
        "--bank",
        str(path),
        "--topic",
        "weak",
        "--weak",
        "--type",
        "flashcard",
        "-n",
        "4",
        "--seed",
        "1",
        input="q\n",
    )
    assert result.exit_code == 0, result.output
    assert "weak" in result.stdout
    from quizprep import store
    from quizprep.bank import load_bank as load
    from quizprep.modes.quiz import weakness_order

    conn = open_state()
    order = [
        i.id
        for i in weakness_order(
            [i for i in load([path]).items if i.topic == "weak"],
            store.all_cards(conn),
            datetime.now(timezone.utc),
            Policy(),
        )
    ]
    conn.close()
    assert order[0] == "weak-2"
    assert order[-1] == "weak-3"


CLOZE_ITEMS = item_yaml(
    "momentum-name",
    topic="cloze-test",
    question="Momentum is also called the [...].",
    answer="Momentum is also called the heavy-ball method.",
    cloze="'Momentum is also called the {{c1::heavy-ball method::two words}}.'",
)


def test_a_cloze_item_is_asked_as_cloze_and_graded_leniently(run, quizprep_home, write_bank):
    path = write_bank("cloze.yaml", CLOZE_ITEMS)
    result = run("quiz", "--bank", str(path), "--topic", "cloze-test", "--seed", "5", input="Heavy ball methd\n")
    assert result.exit_code == 0, result.output
    assert "cloze" in result.stdout and "Momentum is also called the [two words]." in result.stdout
    assert "✓ Correct" in result.stdout
    assert "Momentum is also called the heavy-ball method." in result.stdout  # the feedback's full sentence
    assert log_rows(quizprep_home) == [("momentum-name", 3, 1, "quiz")]


def test_each_gap_number_is_its_own_card(run, quizprep_home, write_bank):
    path = write_bank(
        "cloze.yaml",
        item_yaml(
            "adam-moments",
            topic="cloze-test",
            question="'[...] keeps [...] moment estimates.'",
            answer="Adam keeps two moment estimates.",
            cloze="'{{c1::Adam}} keeps {{c2::two::how many}} moment estimates.'",
        ),
    )
    keys = []
    for seed in range(1, 13):
        result = run("quiz", "--bank", str(path), "--topic", "cloze-test", "--seed", str(seed), input="lion\n")
        assert result.exit_code == 0, result.output
        assert "✗ Not quite: you answered lion" in result.stdout
        asked_first = "[...] keeps two moment estimates." in result.stdout
        assert asked_first != ("Adam keeps [how many] moment estimates." in result.stdout)
        keys.append("adam-moments" if asked_first else "adam-moments#c2")
    assert log_rows(quizprep_home) == [(key, 1, 0, "quiz") for key in keys]
    assert set(keys) == {"adam-moments", "adam-moments#c2"}
    listed = run("orphans", "--bank", str(path))
    assert "adam-moments" not in listed.stdout, listed.stdout  # every gap's card belongs to the item
