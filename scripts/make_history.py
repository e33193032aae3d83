#!/usr/bin/env python3
"""Fill a quizprep database with a long synthetic review history, for benchmarks.

usage: python scripts/make_history.py DB_PATH --bank DIR [--rows 1000000] [--items 10000] [--years 3]
Every item of the bank (up to --items) gets a real fsrs card state; the review log
gets --rows answers spread over --years, so the due query runs against realistic data.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    from quizprep import store
    from quizprep.api import Policy, answer
    from quizprep.bank import load_bank
    from quizprep.scheduler import card_json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--bank", type=Path, action="append", default=[])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    ids = [item.id for item in load_bank(args.bank).items][: args.items]
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=365 * args.years)
    conn = store.connect(args.db)
    policy = Policy()
    with store.transaction(conn):
        for item_id in ids:
            moment = start + timedelta(seconds=rng.uniform(0, (now - start).total_seconds()))
            state = answer(None, rng.choice((3, 3, 3, 4, 2)), moment, policy)
            conn.execute(
                "INSERT OR REPLACE INTO card_state (item_id, card_json, due, state, reps, lapses, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    item_id,
                    card_json(item_id, state),
                    store.iso(state.due),
                    state.phase,
                    1,
                    rng.randrange(3),
                    store.iso(moment),
                ),
            )
    span = (now - start).total_seconds()
    batch = []
    with store.transaction(conn):
        for n in range(args.rows):
            moment = start + timedelta(seconds=span * n / args.rows)
            correct = rng.random() < 0.8
            batch.append(
                (
                    ids[rng.randrange(len(ids))],
                    store.iso(moment),
                    3 if correct else 1,
                    int(correct),
                    rng.randrange(500, 30_000),
                    "quiz",
                )
            )
            if len(batch) == 50_000:
                conn.executemany(
                    "INSERT INTO review_log (item_id, reviewed_at, rating, correct, answer_ms, mode) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    batch,
                )
                batch.clear()
        conn.executemany(
            "INSERT INTO review_log (item_id, reviewed_at, rating, correct, answer_ms, mode) VALUES (?, ?, ?, ?, ?, ?)",
            batch,
        )
    conn.execute("ANALYZE")
    conn.close()
    print(f"wrote {len(ids)} item states and {args.rows} review-log rows to {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
