"""Shipped migrations are frozen: their names and order never change, and new ones only go at the end."""

from __future__ import annotations

import hashlib

from quizprep.store.migrations import MIGRATIONS, SCHEMA_VERSION

# (name, sha256 of its SQL) of every migration that has shipped, in order. Append here when one ships.
SHIPPED = [
    ("card state and review log", "130a66d5792ccca8ea9b5755da4942f78571433d011df117fdb7c92616ea2cd7"),
    ("settings", "4d734d2b20f319a89e52b0928d746c69a4838bc5164ba12b1cb79f061292a8ae"),
    ("card state remembers its last review", "f086770f8b086c91349cbb3471314733bbbfe58f81a37f79bb8b2332a26505c7"),
]


def digest(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


def test_shipped_migrations_keep_their_names_and_order():
    assert [name for name, _ in MIGRATIONS[: len(SHIPPED)]] == [name for name, _ in SHIPPED]
    assert SCHEMA_VERSION == len(MIGRATIONS) >= len(SHIPPED)


def test_shipped_migrations_keep_their_sql():
    assert [digest(sql) for _, sql in MIGRATIONS[: len(SHIPPED)]] == [sha for _, sha in SHIPPED]
