"""Choosing the next item: by expected recall at the interview per second, or by plain FSRS order.

`Settings` is what `quizprep.api` derives from a Policy and the clock. With an interview ahead,
`pick_for_interview` scores every item at once with NumPy: the expected gain in recall at the
interview moment T from studying it now, divided by its expected cost in seconds. Without one (or
after it), `pick_plain` follows FSRS: due learning steps, due reviews, then new items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from quizprep.planner.columns import Columns
from quizprep.planner.memory import GOOD, Memory

DAY = 86400.0
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


def stabilities_after(np, table: Columns, rows, whole):
    """Stabilities after a Good and after an Again for `rows`, reviewed `whole` days after their last
    review (FSRS-6 as fsrs applies it: whole elapsed days; under one day, the same-day rule)."""
    w, power = table.memory.w, -table.memory.w[20]
    lapsed = 1.0 - (1.0 + table.inverse[rows] * whole) ** power  # 1 - recall at whole days
    same_day = whole < 1
    good = table.stability[rows] + table.growth[rows] * np.expm1(lapsed * w[10])
    again = np.maximum(np.minimum(table.lapse_scale[rows] * np.exp(lapsed * w[14]), table.lapse_cap[rows]), 0.001)
    return np.where(same_day, table.short_good[rows], good), np.where(same_day, table.short_again[rows], again)


def outcomes_today_and_tomorrow(np, table: Columns, whole):
    """Good and Again stabilities for a review now (row 0) and a day later (row 1), per item.

    They change only when an item's whole elapsed days change, so they are kept in the columns
    and worked out again only for the rows whose day count moved (or whose state changed)."""
    stale = np.flatnonzero(whole != table.memo_whole)
    if len(stale):
        good, again = stabilities_after(np, table, stale, whole[stale] + np.array([[0.0], [1.0]]))
        table.memo_good[:, stale], table.memo_again[:, stale] = good, again
        table.memo_whole[stale] = whole[stale]
    return table.memo_good, table.memo_again


def interview_gains(table: Columns, settings: Settings, moments: int = 1):
    """Expected gain in recall at T from a review now (row 0) and, with moments=2, a day later
    (row 1); and the expected cost of a review now in seconds. One column per item.

    Recall at T after the review is averaged over its outcome: Good with probability p (the
    recall probability at the review), Again otherwise."""
    import numpy as np

    memory = settings.memory
    power, left_days = -memory.w[20], (settings.target_ts - settings.now_ts) / DAY
    elapsed = np.maximum((settings.now_ts - table.last_ts) / DAY, 0.0)
    good, again = outcomes_today_and_tomorrow(np, table, np.floor(elapsed))
    shift = np.arange(moments, dtype=float)[:, None]
    p = (1.0 + table.inverse * (elapsed + shift)) ** power
    without = (1.0 + table.inverse * (elapsed + left_days)) ** power
    reach = memory.factor * (left_days - shift)
    kept = p * (1.0 + reach / good[:moments]) ** power + (1.0 - p) * (1.0 + reach / again[:moments]) ** power
    cost = settings.recall_s + (settings.lapse_s - settings.recall_s) * (1.0 - p[0])
    return kept - without, cost


def review_values(table: Columns, settings: Settings):
    """Gain from a review now, less DEFER_WEIGHT times what waiting a day would add to that gain.

    A review's gain usually grows for a while as recall drops (the spacing effect), so an item whose
    review would be worth clearly more tomorrow is held back in favour of one that is ripe now.
    With a budget, if waiting beats every review today, the plain gains are used so that the
    budget is still spent. No holding back within the last day before T."""
    import numpy as np

    if settings.target_ts - settings.now_ts <= DAY:
        gain, cost = interview_gains(table, settings, 1)
        return gain[0], cost
    (gain, tomorrow), cost = interview_gains(table, settings, 2)
    held = gain - DEFER_WEIGHT * np.maximum(tomorrow - gain, 0.0)
    if settings.budget_left_s is not None and not (held[table.seen] > 0).any():
        return gain, cost
    return held, cost


def new_item_gain(settings: Settings) -> float:
    """Recall at T after one first look now, taken as answered Good (the answer has just been read)."""
    memory = settings.memory
    horizon = (settings.target_ts - settings.now_ts) / DAY
    return memory.recall(horizon, memory.initial_stability(GOOD))


def pick_for_interview(table: Columns, settings: Settings):
    """The item with the most expected recall at T per second, or None when today's study is done."""
    import numpy as np

    left = settings.budget_left_s
    if left is not None and left <= 0:
        return None
    unseen = np.flatnonzero(~table.seen)
    new_allowed = len(unseen) > 0 and (
        settings.new_s <= 2.0 * left if left is not None else paced(np, table, settings, len(unseen))
    )
    new_value = new_item_gain(settings) / settings.new_s if new_allowed else -np.inf
    best, best_value = -1, -np.inf
    if table.seen.any():
        gain, cost = review_values(table, settings)
        per_second = np.where(table.seen, gain / cost, -np.inf)
        if left is not None:
            # an item is offered only while at least half its expected time remains today
            per_second = np.where(cost <= 2.0 * left, per_second, -np.inf)
        best = int(np.argmax(per_second))
        best_value = per_second[best]
    if new_allowed and new_value > best_value:
        best, best_value = int(unseen[0]), new_value
    if best < 0 or not np.isfinite(best_value):
        return None
    if best_value * 60.0 < settings.min_gain_per_minute:
        return None
    return table.keys[best]


def paced(np, table: Columns, settings: Settings, unseen: int) -> bool:
    """Without a budget, new items are spread evenly over the days left: today may introduce
    ceil(unseen at the start of today / days left) of them (waiting costs nothing in the value
    formula's eyes, so without this the first day would take the whole selection at once)."""
    new_today = int(np.count_nonzero(table.first_ts >= settings.day_start_ts))
    return new_today < math.ceil((unseen + new_today) / max(settings.study_days_left, 1))


def pick_plain(table: Columns, settings: Settings):
    """FSRS order: due learning and relearning steps, due reviews, new items, then steps due soon."""
    import numpy as np

    now = settings.now_ts
    stepping = table.seen & (table.phase != 2)
    chosen = earliest_due(np, table, stepping & (table.due_ts <= now))
    if chosen is None and under_limit(settings.reviews_per_day, reviews_today(np, table, settings)):
        chosen = earliest_due(np, table, table.seen & (table.phase == 2) & (table.due_ts <= now))
    if chosen is None and under_limit(
        settings.new_per_day, int(np.count_nonzero(table.first_ts >= settings.day_start_ts))
    ):
        unseen = np.flatnonzero(~table.seen)
        chosen = int(unseen[0]) if len(unseen) else None
    if chosen is None:
        chosen = earliest_due(np, table, stepping & (table.due_ts <= now + LEARN_AHEAD_S))
    if chosen is None or not affordable(table, chosen, settings):
        return None
    return table.keys[chosen]


def earliest_due(np, table: Columns, mask):
    if not mask.any():
        return None
    return int(np.argmin(np.where(mask, table.due_ts, np.inf)))


def under_limit(limit: int | None, count: int) -> bool:
    return limit is None or count < limit


def reviews_today(np, table: Columns, settings: Settings) -> int:
    """Items first seen before today and answered since the day began (each counted once)."""
    start = settings.day_start_ts
    return int(np.count_nonzero(table.seen & (table.last_ts >= start) & (table.first_ts < start)))


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
