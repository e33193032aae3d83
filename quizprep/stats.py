"""Progress figures from the state database: what `quizprep stats` shows and `--json` carries.

progress(conn, bank, now, policy) -> dict with
  total_reviews, cards_seen, due_now, items
  topics      per topic, weakest first: items, seen, due, reviews, accuracy, lapses, mean recall now
  heatmap     answers per day for the last 12 weeks, and the current streak
  forecast    cards falling due on each of the next 14 days
  readiness   expected recall on the interview date, per topic, and a plan (None without a date)

gather(ctx) does the same for a command's Context.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from quizprep import store
from quizprep.api import recall
from quizprep.bank import Bank
from quizprep.clock import local_day

HEATMAP_WEEKS = 12
FORECAST_DAYS = 14


def local_date(stamp: str, zone) -> date:
    return datetime.fromisoformat(stamp).astimezone(zone).date()


def gather(ctx) -> dict:
    """The figures of `quizprep stats` for the context's bank, clock and interview date."""

    bank = ctx.bank()
    with ctx.state() as conn:
        return progress(conn, bank, ctx.now, ctx.policy(conn))


def progress(conn: sqlite3.Connection, bank: Bank, now: datetime, policy) -> dict:
    from quizprep.drills import CARD_PREFIX
    from quizprep.drills import CATALOG as DRILLS
    from quizprep.scheduler import state_of

    zone = policy.tz or timezone.utc
    today = local_day(now, zone)
    topic_of = {item.id: item.topic for item in bank.items}
    topic_of.update({f"{CARD_PREFIX}{name}": topic for name, (_, topic) in DRILLS.items()})
    cards = {key: row for key, row in store.all_cards(conn).items() if key in topic_of}
    parsed = {key: state_of(row) for key, row in cards.items()}
    recall_now = {key: recall(state, now, policy) for key, state in parsed.items()}

    topics = {topic: _empty_topic(len(items)) for topic, items in bank.topics().items()}
    moment = store.iso(now)
    for key, row in cards.items():
        entry = topics.setdefault(topic_of[key], _empty_topic(0))
        entry["seen"] += 1
        entry["lapses"] += row.lapses
        entry["due"] += row.due <= moment
        entry["recall_sum"] += recall_now[key]
    log = store.log_entries(conn)
    per_day: Counter = Counter()
    total_reviews = 0
    for item_id, reviewed_at, correct in log:
        per_day[local_date(reviewed_at, zone)] += 1
        topic = topic_of.get(item_id)
        if topic is None:
            continue
        total_reviews += 1
        entry = topics[topic]
        entry["reviews"] += 1
        if correct is not None:
            entry["graded"] += 1
            entry["correct"] += correct
    for entry in topics.values():
        recall_sum = entry.pop("recall_sum")
        entry["mean_recall"] = round(recall_sum / entry["seen"], 4) if entry["seen"] else None
        entry["known"] = round(recall_sum / entry["items"], 4) if entry["items"] else None  # unseen count as 0
        entry["accuracy"] = round(entry["correct"] / entry["graded"], 4) if entry["graded"] else None
    ordered = dict(
        sorted(topics.items(), key=lambda kv: (kv[1]["known"] if kv[1]["known"] is not None else 1.0, kv[0]))
    )

    return {
        "total_reviews": total_reviews,
        "cards_seen": len(cards),
        "due_now": sum(1 for row in cards.values() if row.due <= moment),
        "items": len(bank.items),
        "topics": ordered,
        "heatmap": heatmap(per_day, today),
        "forecast": forecast(cards, today, zone),
        "readiness": readiness(bank, parsed, policy) if ahead(policy, now) else None,
    }


def _empty_topic(items: int) -> dict:
    return {
        "items": items,
        "seen": 0,
        "due": 0,
        "reviews": 0,
        "graded": 0,
        "correct": 0,
        "lapses": 0,
        "recall_sum": 0.0,
    }


def heatmap(per_day: Counter, today: date) -> dict:
    """Answers per day over the last 12 weeks, ending today, and the streak of days with answers."""
    start = today - timedelta(days=HEATMAP_WEEKS * 7 - 1)
    days = [
        {"date": (start + timedelta(days=n)).isoformat(), "answers": per_day.get(start + timedelta(days=n), 0)}
        for n in range(HEATMAP_WEEKS * 7)
    ]
    streak = 0
    day = today if per_day.get(today) else today - timedelta(days=1)
    while per_day.get(day):
        streak += 1
        day -= timedelta(days=1)
    return {"days": days, "streak": streak, "active_days": sum(1 for d in days if d["answers"])}


def forecast(cards: dict, today: date, zone) -> list[dict]:
    """Cards due on each of the next 14 days; today's count includes everything overdue."""
    counts = [0] * FORECAST_DAYS
    for row in cards.values():
        offset = (local_date(row.due, zone) - today).days
        if offset < FORECAST_DAYS:
            counts[max(0, offset)] += 1
    return [{"date": (today + timedelta(days=n)).isoformat(), "due": counts[n]} for n in range(FORECAST_DAYS)]


def ahead(policy, now: datetime) -> bool:
    return policy.interview_at is not None and now < policy.interview_at


def readiness(bank: Bank, parsed: dict, policy) -> dict:
    """Expected recall of the bank at the interview if you stopped studying now (unseen items count 0),
    per topic, and the topics where study would raise it most."""
    moment = policy.interview_at
    per_topic: dict[str, dict] = {}
    for topic, items in bank.topics().items():
        recalls = [recall(parsed.get(i.id), moment, policy) for i in items]
        unseen = sum(1 for i in items if i.id not in parsed)
        per_topic[topic] = {
            "items": len(items),
            "expected_recall": round(sum(recalls) / len(items), 4),
            "expected_known": round(sum(recalls), 2),
            "unseen": unseen,
            "weak": sum(1 for i, r in zip(items, recalls) if i.id in parsed and r < policy.desired_retention),
            "gain": round(len(items) - sum(recalls), 2),
        }
    total_items = sum(t["items"] for t in per_topic.values())
    expected = sum(t["expected_known"] for t in per_topic.values())
    plan = []
    for topic, entry in sorted(per_topic.items(), key=lambda kv: -kv[1]["gain"])[:3]:
        if entry["gain"] < 0.5:
            continue
        action = "quizprep review --topic " + topic if entry["unseen"] else "quizprep quiz --weak --topic " + topic
        plan.append(
            {"topic": topic, "gain": entry["gain"], "unseen": entry["unseen"], "weak": entry["weak"], "command": action}
        )
    return {
        "date": policy.interview_at.astimezone(policy.tz).date().isoformat(),
        "at": policy.interview_at.astimezone(policy.tz).isoformat(timespec="minutes"),
        "expected_recall": round(expected / total_items, 4) if total_items else None,
        "topics": dict(sorted(per_topic.items(), key=lambda kv: kv[1]["expected_recall"])),
        "plan": plan,
    }
