"""Backups before pruning get new names: a second prune never overwrites the first backup."""

from __future__ import annotations

from datetime import datetime, timezone

from quizprep.paths import new_backup_path
from tests.helpers.bank import item_yaml, log_rows, state_ids


def test_backup_names_are_timestamped_and_never_reused(tmp_path):
    database = tmp_path / "quizprep.db"
    now = datetime(2026, 12, 6, 15, 11, 0, tzinfo=timezone.utc)
    first = new_backup_path(database, "before-prune", now)
    assert first.name == "quizprep.db.before-prune.20261206T151100Z.bak"
    first.write_text("first backup")
    second = new_backup_path(database, "before-prune", now)
    assert second.name == "quizprep.db.before-prune.20261206T151100Z-2.bak"
    assert first.read_text() == "first backup"


def test_orphans_lists_and_prunes_progress_of_removed_items(run, quizprep_home, write_bank):
    path = write_bank("temp.yaml", item_yaml("soon-gone", topic="temp") + item_yaml("staying", topic="temp"))
    run(
        "quiz",
        "--bank",
        str(path),
        "--topic",
        "temp",
        "--type",
        "flashcard",
        "-n",
        "2",
        "--seed",
        "1",
        input="\n3\n\n3\n",
    )
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
    backups = list(quizprep_home.glob("quizprep.db.before-prune.*.bak"))
    assert len(backups) == 1, backups
    assert backups[0].name in run("info").stdout.replace("\n", "")  # info lists the backups
    assert "No orphaned progress" in run("orphans", "--bank", str(path)).stdout
