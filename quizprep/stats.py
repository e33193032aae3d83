"""Progress figures from the state database: what `quizprep stats` reports."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from quizprep import store
from quizprep.bank import Bank


def basic_stats(conn: sqlite3.Connection, bank: Bank, now: datetime) -> dict:
    """Totals and per-topic counts over the loaded bank (drills count under their own topic)."""
    from quizprep.drills import CARD_PREFIX, CATALOG as DRILLS

    topic_of = {item.id: item.topic for item in bank.items}
    topic_of.update({f"{CARD_PREFIX}{name}": topic for name, (_, topic) in DRILLS.items()})
    moment = store.iso(now)
    topics: dict[str, dict] = {
        topic: {"items": len(items), "seen": 0, "due": 0, "reviews": 0, "graded": 0, "correct": 0, "lapses": 0}
        for topic, items in bank.topics().items()
    }
    cards_seen = due_now = 0
    for item_id, due, lapses in conn.execute("SELECT item_id, due, lapses FROM card_state"):
        topic = topic_of.get(item_id)
        if topic is None:
            continue  # an item no longer in the bank
        entry = topics.setdefault(topic, {"items": 0, "seen": 0, "due": 0, "reviews": 0, "graded": 0, "correct": 0, "lapses": 0})
        cards_seen += 1
        entry["seen"] += 1
        entry["lapses"] += lapses
        if due <= moment:
            due_now += 1
            entry["due"] += 1
    total_reviews = 0
    rows = conn.execute("SELECT item_id, count(*), count(correct), coalesce(sum(correct), 0) FROM review_log GROUP BY item_id")
    for item_id, reviews, graded, correct in rows:
        topic = topic_of.get(item_id)
        if topic is None:
            continue
        total_reviews += reviews
        topics[topic]["reviews"] += reviews
        topics[topic]["graded"] += graded
        topics[topic]["correct"] += correct
    for entry in topics.values():
        entry["accuracy"] = round(entry["correct"] / entry["graded"], 4) if entry["graded"] else None
    return {
        "total_reviews": total_reviews,
        "cards_seen": cards_seen,
        "due_now": due_now,
        "items": len(bank.items),
        "topics": topics,
    }
