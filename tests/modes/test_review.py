"""Review: nothing due, and new items up to the daily limit."""

from __future__ import annotations

from tests.helpers.bank import item_yaml, log_rows


def test_review_with_nothing_due_says_so(run, write_bank):
    path = write_bank("one.yaml", item_yaml("only-one", topic="solo"))
    run("config", "new-per-day", "0")
    result = run("review", "--bank", str(path), "--topic", "solo")
    assert result.exit_code == 0, result.output
    assert "Nothing more is due right now" in result.stdout


def test_review_introduces_new_items_up_to_the_limit(run, quizprep_home, write_bank):
    path = write_bank("few.yaml", "".join(item_yaml(f"few-{n}", topic="few") for n in range(5)))
    run("config", "new-per-day", "2")
    result = run("review", "--bank", str(path), "--topic", "few", input="\n3\n\n3\n")
    assert result.exit_code == 0, result.output
    assert "0 learning · 0 due · 2 new today (of 5 not yet seen)" in result.stdout
    assert [row[0] for row in log_rows(quizprep_home)] == ["few-0", "few-1"]
    again = run("review", "--bank", str(path), "--topic", "few")
    assert "0 new today" in again.stdout  # today's new quota is used up


def test_review_stops_when_todays_minutes_are_spent(run, quizprep_home, write_bank):
    from datetime import date, datetime, timedelta, timezone

    from quizprep import store

    path = write_bank("budget.yaml", "".join(item_yaml(f"budget-{n}", topic="budget") for n in range(40)))
    run("config", "interview-date", (date.today() + timedelta(days=10)).isoformat())
    run("config", "daily-minutes", "5")
    first = run("review", "--bank", str(path), "--topic", "budget", "-n", "1", input="\n3\n")
    assert "10 days to your interview" in first.stdout and "readiness" in first.stdout
    conn = store.open_state()  # as if the learner had studied for five minutes today already
    with store.transaction(conn):
        conn.execute(
            "UPDATE review_log SET answer_ms = 300000, reviewed_at = ?",
            (store.iso(datetime.now(timezone.utc) - timedelta(seconds=1)),),
        )
    conn.close()
    done = run("review", "--bank", str(path), "--topic", "budget", input="\n3\n")
    assert done.exit_code == 0, done.output
    assert "Today's 5 minutes are done; readiness" in done.stdout
    assert "--keep-going" in done.stdout
    assert len(log_rows(quizprep_home)) == 1
    more = run("review", "--bank", str(path), "--topic", "budget", "--keep-going", "-n", "1", input="\n3\n")
    assert len(log_rows(quizprep_home)) == 2, more.output
