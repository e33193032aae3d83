"""Today at a glance, for a bare `quizprep`: what is due, what is new, the streak, the interview and what to run next.

    dashboard(ctx)      the figures for a command's Context (reads the bank and the state; before the
                        first answer there is no state database, and none is created)
    bank_item_ids(ctx)  the loaded items' ids, from a small summary kept while no bank file changes
    today_figures(...)  the same from plain values: pure, the clock passed in
    next_step(figures)  the one command to run next, and why

Counts cover the loaded banks' items, as `quizprep review` sees them. Readiness is the expected
share of the bank recalled at the interview if study stopped now (unseen items count 0), as in
`quizprep stats`.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import datetime
from pathlib import Path

from quizprep.clock import day_start, local_day
from quizprep.config import SETTINGS
from quizprep.errors import QuizprepError
from quizprep.readiness import expected_recall, new_left_today
from quizprep.scheduler import LEARNING, RELEARNING, state_of
from quizprep.stats import heatmap, local_date
from quizprep.text import plural

SOON_DAYS = 2  # this close to the interview, a mock interview beats more reviews once nothing is due
SUMMARY_NAME = "dashboard-ids.json"
MAX_SUMMARY_BYTES = 8_000_000


def dashboard(ctx) -> dict:
    """The dashboard's figures for the context's bank and clock."""
    from quizprep import store
    from quizprep.paths import db_path

    ids = bank_item_ids(ctx)
    if not db_path().exists():
        return first_run_figures(len(ids))
    with ctx.state() as conn:
        policy = ctx.policy(conn)
        rows = store.all_cards(conn)
        spent_s = store.seconds_since(conn, store.iso(day_start(ctx.now, ctx.tz)))
        per_day = Counter(local_date(stamp, ctx.tz) for _, stamp, _ in store.log_entries(conn))
    cards = {item_id: state_of(rows.get(item_id)) for item_id in ids}
    return today_figures(cards, per_day, ctx.now, policy, spent_s)


def bank_item_ids(ctx) -> list[str]:
    """The ids of the items the context's banks hold.

    Loading the bank, even from its parse cache, is most of a bare `quizprep`'s time, and the
    dashboard only counts ids. So the ids are kept in the cache folder with the size, times and
    inode of every bank file, and the bank is loaded (and checked) again only when one changed."""
    from quizprep.paths import cache_dir

    summary = cache_dir() / SUMMARY_NAME
    try:
        stamp = bank_stamp(ctx.bank_paths)
    except OSError:  # a missing bank path: loading the bank names the problem
        stamp = None
    ids = read_summary(summary, stamp) if stamp is not None else None
    if ids is None:
        ids = [item.id for item in ctx.bank().items]
        if stamp is not None:
            write_summary(summary, stamp, ids)
    return ids


def bank_stamp(extra: list[Path]) -> list:
    """What the loaded items depend on: quizprep's version and each file's path, size, times and inode
    under every bank root. Every file counts, not only bank files: a stamp a little wider than needed
    costs nothing, and walking the folders here spares importing the loader."""
    from quizprep import __version__
    from quizprep.bank import bank_roots

    stamp: list = [__version__]
    for root, _origin in bank_roots(extra):
        for path in _files_under(root):
            info = os.stat(path)
            stamp.append([path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino])
    return stamp


def _files_under(root: Path) -> list[str]:
    """`root` itself, or every file in the folder and its subfolders (linked folders are not entered)."""
    if not root.is_dir():
        return [str(root)]
    found = []
    for folder, folders, names in os.walk(root):
        folders.sort()
        found += [os.path.join(folder, name) for name in sorted(names)]
    return found


def read_summary(path: Path, stamp: list) -> list[str] | None:
    """The ids kept at `path` if they were kept for exactly `stamp`; None otherwise (or if the file is odd)."""
    from quizprep.files import read_regular

    try:
        data, _info = read_regular(path, MAX_SUMMARY_BYTES, follow=False)
        summary = json.loads(data)
    except (OSError, ValueError, QuizprepError):
        return None
    if not isinstance(summary, dict) or summary.get("stamp") != stamp:
        return None
    ids = summary.get("ids")
    return ids if isinstance(ids, list) and all(isinstance(item_id, str) for item_id in ids) else None


def write_summary(path: Path, stamp: list, ids: list[str]) -> None:
    """Best effort: a summary that cannot be written only costs time."""
    from quizprep.files import write_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, json.dumps({"stamp": stamp, "ids": ids}), force=True, mode=0o600, durable=False)
    except (OSError, QuizprepError):
        pass


def first_run_figures(items: int) -> dict:
    """Before the first answer: nothing seen, nothing due, the default number of new items a day."""
    new_per_day = SETTINGS["new-per-day"].default
    figures = _figures(items, 0, 0, min(items, new_per_day), items, 0, 0, None, None)
    figures["first_run"] = True
    figures["next"] = next_step(figures)
    return figures


def today_figures(cards: dict, per_day: Counter, now: datetime, policy, spent_s: float) -> dict:
    """Figures for `cards` ({item id: planner state or None}), answers per local day and the policy in force."""
    today = local_day(now, policy.tz)
    states = [state for state in cards.values() if state is not None]
    due = [state for state in states if state.due <= now]
    learning = sum(1 for state in due if state.phase in (LEARNING, RELEARNING))
    unseen = len(cards) - len(states)
    ahead = policy.interview_at is not None and now < policy.interview_at
    interview = None
    if ahead:
        local = policy.interview_at.astimezone(policy.tz)
        interview = {
            "date": local.date().isoformat(),
            "at": local.isoformat(timespec="minutes"),
            "days": (local.date() - today).days,
            "readiness": round(expected_recall(cards, policy.interview_at, policy), 4) if cards else None,
        }
    new_today = None if ahead else new_left_today(cards, policy, now)
    minutes = None
    if policy.daily_minutes is not None:
        minutes = {"daily": policy.daily_minutes, "spent": round(spent_s / 60, 1)}
    later = [state.due for state in states if state.due > now]
    figures = _figures(
        len(cards), len(states), len(due), new_today, unseen, learning, per_day.get(today, 0), interview, minutes
    )
    figures["streak"] = heatmap(per_day, today)["streak"]
    figures["next_due"] = min(later).astimezone(policy.tz).isoformat(timespec="minutes") if later else None
    figures["next"] = next_step(figures)
    return figures


def _figures(items, seen, due_now, new_today, unseen, learning, answered_today, interview, minutes) -> dict:
    return {
        "first_run": False,
        "items": items,
        "seen": seen,
        "unseen": unseen,
        "due_now": due_now,
        "learning_due": learning,
        "new_today": new_today,
        "answered_today": answered_today,
        "streak": 0,
        "minutes_today": minutes,
        "interview": interview,
        "next_due": None,
    }


def next_step(figures: dict) -> dict:
    """{'command': ..., 'why': ...}: the one thing to run next."""
    interview, minutes = figures["interview"], figures["minutes_today"]
    if figures["first_run"]:
        return _step("quizprep quiz -n 5", "five questions to see how it works")
    if figures["due_now"]:
        return _step("quizprep review", f"{plural(figures['due_now'], 'card')} due now")
    soon = interview is not None and interview["days"] <= SOON_DAYS
    if soon:
        return _step("quizprep interview", "your interview is close: rehearse answering out loud against the clock")
    if interview is not None and figures["unseen"]:
        if minutes is not None and minutes["spent"] >= minutes["daily"]:
            return _step("quizprep interview", "today's study minutes are done; a mock interview is extra practice")
        return _step("quizprep review", "the planner picks the cards that raise your readiness most")
    if figures["new_today"]:
        return _step("quizprep review", f"{plural(figures['new_today'], 'new item')} to learn today")
    if not figures["unseen"]:
        return _step("quizprep interview", "you have seen every item: rehearse with a mock interview")
    return _step("quizprep drill", "nothing is due: keep sharp with a few numeric drills")


def _step(command: str, why: str) -> dict:
    return {"command": command, "why": why}
