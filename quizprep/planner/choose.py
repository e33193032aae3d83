"""Choosing the next item: by expected recall at the interview per second, or by plain FSRS order.

`Settings` is what `quizprep.api` derives from a Policy and the clock. With an interview ahead,
`pick_for_interview` scores every item with the formulas of `quizprep.planner.values`: the
expected gain in recall at the interview moment T from studying it now, divided by its expected
cost in seconds. Without one (or after it), `pick_plain` follows FSRS: due learning steps, due
reviews, then new items. Both are written against the columns' kind (`quizprep.planner.arrays`),
so they run the same way on NumPy arrays and on Python lists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from quizprep.planner import values
from quizprep.planner.columns import REMEMBERED, Columns
from quizprep.planner.memory import GOOD, Memory

DAY = values.DAY
LEARN_AHEAD_S = 20 * 60  # a learning step due within this long is shown rather than ending the session
DEFER_WEIGHT = 2.0  # chosen by simulation (docs/scheduling.md): 0 is the plain one-step greedy


@dataclass(frozen=True)
class Settings:
    """Everything a pick needs, as plain numbers (times in epoch seconds, costs in seconds)."""

    memory: Memory
    now_ts: float
    day_start_ts: float
    target_ts: float | None  # the interview, if it is still ahead
    budget_left_s: float | None  # None: no daily budget
    new_s: float
    recall_s: float
    lapse_s: float
    min_gain_per_minute: float
    new_per_day: int | None
    reviews_per_day: int | None
    study_days_left: int = 1  # local days with a session before the interview's day, today included


# the columns stabilities_after reads, in its order
OUTCOME_PARTS = ("stability", "inverse", "growth", "lapse_scale", "lapse_cap", "short_good", "short_again")


def outcomes_now_and_next_day(table: Columns, rows, whole) -> tuple:
    """Good and Again stabilities of `rows` for a review now and for one a day later.

    They change only when an item's whole elapsed days change, so they are kept in the columns
    and worked out again only for the rows whose day count moved (or whose state changed)."""
    kind = table.kind
    stale = kind.indices(kind.apply(values.differs, (whole, kind.take(table.memo_whole, rows))))
    if len(stale):
        stale_rows, stale_whole = kind.take(rows, stale), kind.take(whole, stale)
        parts = [kind.take(getattr(table, name), stale_rows) for name in OUTCOME_PARTS]
        fresh = kind.apply(values.stabilities_now_and_next_day, (*parts, stale_whole), table.memory.w, outputs=4)
        for name, column in zip(REMEMBERED, fresh):
            kind.put(getattr(table, name), stale_rows, column)
        kind.put(table.memo_whole, stale_rows, stale_whole)
    return tuple(kind.take(getattr(table, name), rows) for name in REMEMBERED)


def review_scores(table: Columns, rows, settings: Settings):
    """Expected gain in recall at T per expected second of a review now, and the expected seconds,
    for the studied items `rows`.

    The gain is that of a review now, less DEFER_WEIGHT times what waiting a day would add to it.
    A review's gain usually grows for a while as recall drops (the spacing effect), so an item whose
    review would be worth clearly more tomorrow is held back in favour of one that is ripe now.
    With a budget, if waiting beats every review today, the plain gains are used so that the
    budget is still spent. No holding back within the last day before T."""
    kind, memory = table.kind, settings.memory
    left_days = (settings.target_ts - settings.now_ts) / DAY
    elapsed, whole = kind.apply(values.days_since, (kind.take(table.last_ts, rows),), settings.now_ts, outputs=2)
    outcomes = outcomes_now_and_next_day(table, rows, whole)
    defer = DEFER_WEIGHT if left_days > 1.0 else None
    constants = (left_days, memory.factor, -memory.w[20], (settings.recall_s, settings.lapse_s), defer)
    inverse = kind.take(table.inverse, rows)
    now, held, cost = kind.apply(values.review_scores, (inverse, elapsed, *outcomes), *constants, outputs=3)
    if defer is None:
        return now, cost
    if settings.budget_left_s is not None and not kind.any(kind.apply(values.positive, (held,))):
        return now, cost
    return held, cost


def new_item_gain(settings: Settings) -> float:
    """Recall at T after one first look now, taken as answered Good (the answer has just been read)."""
    memory = settings.memory
    horizon = (settings.target_ts - settings.now_ts) / DAY
    return memory.recall(horizon, memory.initial_stability(GOOD))


def pick_for_interview(table: Columns, settings: Settings):
    """The item with the most expected recall at T per second, or None when today's study is done."""
    kind, left = table.kind, settings.budget_left_s
    if left is not None and left <= 0:
        return None
    unseen = kind.apply(values.unseen, (table.phase,))
    first_new = kind.first(unseen)
    new_allowed = first_new is not None and (
        settings.new_s <= 2.0 * left if left is not None else paced(table, settings, kind.count(unseen))
    )
    new_value = new_item_gain(settings) / settings.new_s if new_allowed else -math.inf
    best, best_value = -1, -math.inf
    studied = kind.indices(table.seen)
    if len(studied):
        score, cost = review_scores(table, studied, settings)
        per_second = score if left is None else kind.apply(values.affordable, (score, cost), left)
        position = kind.largest(per_second)  # rows are in card order: ties go to the earliest card
        best, best_value = int(studied[position]), per_second[position]
    if new_allowed and new_value > best_value:
        best, best_value = first_new, new_value
    if best < 0 or not math.isfinite(best_value):
        return None
    if best_value * 60.0 < settings.min_gain_per_minute:
        return None
    return table.keys[best]


def paced(table: Columns, settings: Settings, unseen: int) -> bool:
    """Without a budget, new items are spread evenly over the days left: today may introduce
    ceil(unseen at the start of today / days left) of them (waiting costs nothing in the value
    formula's eyes, so without this the first day would take the whole selection at once)."""
    new_today = first_looks_today(table, settings)
    return new_today < math.ceil((unseen + new_today) / max(settings.study_days_left, 1))


def first_looks_today(table: Columns, settings: Settings) -> int:
    return table.kind.count(table.kind.apply(values.first_seen_since, (table.first_ts,), settings.day_start_ts))


def pick_plain(table: Columns, settings: Settings):
    """FSRS order: due learning and relearning steps, due reviews, new items, then steps due soon."""
    now = settings.now_ts
    chosen = earliest_due(table, values.step_due, now)
    if chosen is None and under_limit(settings.reviews_per_day, reviews_today(table, settings)):
        chosen = earliest_due(table, values.review_due, now)
    if chosen is None and under_limit(settings.new_per_day, first_looks_today(table, settings)):
        chosen = table.kind.first(table.kind.apply(values.unseen, (table.phase,)))
    if chosen is None:
        chosen = earliest_due(table, values.step_due, now + LEARN_AHEAD_S)
    if chosen is None or not affordable(table, chosen, settings):
        return None
    return table.keys[chosen]


def earliest_due(table: Columns, which, moment_ts: float):
    """The item due first among those `which` (a mask formula) accepts by `moment_ts`, or None."""
    mask = table.kind.apply(which, (table.seen, table.phase, table.due_ts), moment_ts)
    return table.kind.earliest(table.due_ts, mask)


def under_limit(limit: int | None, count: int) -> bool:
    return limit is None or count < limit


def reviews_today(table: Columns, settings: Settings) -> int:
    """Items first seen before today and answered since the day began (each counted once)."""
    mask = table.kind.apply(values.reviewed_since, (table.seen, table.last_ts, table.first_ts), settings.day_start_ts)
    return table.kind.count(mask)


def affordable(table: Columns, index: int, settings: Settings) -> bool:
    """With a budget, an item is given only while at least half its expected time remains today."""
    left = settings.budget_left_s
    if left is None:
        return True
    if not table.seen[index]:
        return settings.new_s <= 2.0 * left
    elapsed = (settings.now_ts - table.last_ts[index]) / DAY
    p = settings.memory.recall(elapsed, table.stability[index])
    return p * settings.recall_s + (1.0 - p) * settings.lapse_s <= 2.0 * left
