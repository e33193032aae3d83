"""Progress kept for items no loaded bank has any more (a renamed or removed id): finding and pruning it."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from quizprep import store


def known_keys(bank) -> set[str]:
    """Every card key the loaded banks (an item id, and 'ITEMID#cN' for each further cloze gap),
    the drill templates and the coding exercises account for."""
    from quizprep import drills, exercises
    from quizprep.questions import cloze_keys

    keys = set(bank.by_id) | {drills.card_id(name) for name in drills.CATALOG}
    keys.update(key for item in bank.items if item.cloze for key in cloze_keys(item))
    return keys | {exercises.card_id(name) for name in exercises.CATALOG}


def prune(conn: sqlite3.Connection, found: list[tuple[str, int, str]], now: datetime) -> tuple[int, Path]:
    """Back the database up under a new timestamped name, then delete the orphans' progress."""
    from quizprep.paths import db_path, new_backup_path

    backup_path = new_backup_path(db_path(), "before-prune", now)
    store.backup(conn, backup_path)
    return store.prune(conn, [item_id for item_id, _, _ in found]), backup_path
