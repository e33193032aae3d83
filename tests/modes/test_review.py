"""Review: nothing due, and new items up to the daily limit."""

from __future__ import annotations

from tests.helpers.bank import item_yaml, log_rows


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
