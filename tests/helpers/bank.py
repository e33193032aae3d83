"""Bank material the tests share: where the repository's bank lives, and a complete item as YAML text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BANK_DIR = REPO / "question_bank"
SEEDS_DIR = REPO.parent / "shared" / "seeds"


def item_yaml(item_id: str, **fields) -> str:
    """A complete, valid item as YAML text; keyword arguments override or add fields."""
    base = {
        "topic": "testing",
        "difficulty": 1,
        "question": f"What is {item_id}?",
        "answer": f"It is {item_id}. That is all.",
    }
    base.update(fields)
    lines = [f"- id: {item_id}"]
    for key, value in base.items():
        lines.append(f"  {key}: {value}")
    return "\n".join(lines) + "\n"


def log_rows(home) -> list[tuple]:
    """(item id, rating, correct, mode) of every review-log row, oldest first."""
    with sqlite3.connect(home / "quizprep.db") as conn:
        return conn.execute("SELECT item_id, rating, correct, mode FROM review_log ORDER BY id").fetchall()


def state_ids(home) -> set[str]:
    """The item ids that have a stored state."""
    with sqlite3.connect(home / "quizprep.db") as conn:
        return {row[0] for row in conn.execute("SELECT item_id FROM card_state")}
