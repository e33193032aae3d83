"""The schema's migrations, in the order they shipped.

Append only: a migration that has shipped is never edited or renamed (a test
freezes the names). The number applied is kept in `PRAGMA user_version`.
"""

from __future__ import annotations

# (name, SQL). Append only: a migration that has shipped is never edited.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "card state and review log",
        """
        CREATE TABLE card_state (
            item_id    TEXT PRIMARY KEY,
            card_json  TEXT NOT NULL,        -- the fsrs Card, as fsrs serialises it
            due        TEXT NOT NULL,        -- ISO 8601, UTC
            state      INTEGER NOT NULL,     -- fsrs State: 1 learning, 2 review, 3 relearning
            reps       INTEGER NOT NULL DEFAULT 0 CHECK (reps >= 0),
            lapses     INTEGER NOT NULL DEFAULT 0 CHECK (lapses >= 0),
            updated_at TEXT NOT NULL
        );
        CREATE INDEX card_state_due ON card_state (due);
        CREATE TABLE review_log (
            id          INTEGER PRIMARY KEY,
            item_id     TEXT NOT NULL REFERENCES card_state (item_id) ON DELETE CASCADE,
            reviewed_at TEXT NOT NULL,       -- ISO 8601, UTC
            rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            correct     INTEGER CHECK (correct IN (0, 1)),  -- NULL when self-rated
            answer_ms   INTEGER CHECK (answer_ms >= 0),
            mode        TEXT NOT NULL
        );
        CREATE INDEX review_log_item_time ON review_log (item_id, reviewed_at);
        CREATE INDEX review_log_time ON review_log (reviewed_at);
        """,
    ),
    (
        "settings",
        """
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
    (
        "card state remembers its last review",
        """
        -- The review-log row the stored state came from: saving and undoing compare it before they write,
        -- so one terminal never overwrites or takes back what another terminal saved since.
        ALTER TABLE card_state ADD COLUMN last_log_id INTEGER;
        UPDATE card_state
        SET last_log_id = (SELECT max(r.id) FROM review_log AS r WHERE r.item_id = card_state.item_id);
        """,
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
