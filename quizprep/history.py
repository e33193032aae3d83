"""Bringing review history from elsewhere (an Anki package) into the state: each item's reviews are
replayed through the scheduler in time order, so its state is what quizprep would have computed.

An item that already has a state here keeps it and its own answers (history is not merged into
it), so importing the same package twice adds nothing.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime


def import_reviews(conn: sqlite3.Connection, rows: list, now: datetime) -> int:
    """Write the reviews (`importers.model.ReviewRow`: item_id, reviewed_at, rating, duration_ms) of items
    that have no state here yet; returns how many rows were written. Items already studied in quizprep
    are left alone: their state comes from their own answers."""
    from quizprep import store
    from quizprep.api import Policy, answer
    from quizprep.scheduler import card_json

    by_item: dict[str, list] = {}
    for row in rows:
        if row.reviewed_at <= now and row.rating in (1, 2, 3, 4):
            by_item.setdefault(row.item_id, []).append(row)
    known = store.all_cards(conn)
    written = 0
    with store.transaction(conn):
        for key, reviews in by_item.items():
            if key in known:
                continue
            state = None
            for review in sorted(reviews, key=lambda r: r.reviewed_at):
                seconds = review.duration_ms / 1000 if review.duration_ms else None
                state = answer(state, review.rating, review.reviewed_at, Policy(), seconds)
            card = store.CardRow(key, card_json(key, state), store.iso(state.due), state.phase, len(reviews), 0)
            store.insert_history(
                conn,
                card,
                [
                    store.Review(key, store.iso(r.reviewed_at), r.rating, "import", None, r.duration_ms or None)
                    for r in reviews
                ],
            )
            written += len(reviews)
    return written
