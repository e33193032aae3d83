"""The items' states as columns, kept between calls while the states stay the same objects.

`next_item` is called after every answer with the whole selection; rebuilding 10,000 rows from
Python objects each time would cost more than the planning itself. States are immutable, so a row
only needs rebuilding when the object under its id is a different one. Each row also carries the
parts of the FSRS-6 updates that depend on the state alone (not on the clock), worked out once.
The columns are Python lists for small selections and NumPy arrays for large ones
(`quizprep.planner.arrays`). There is one cache per process, for the last mapping seen; it is not
meant for several threads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import compress
from operator import is_not

from quizprep.planner.arrays import ListColumns, NumpyColumns, columns_kind
from quizprep.planner.memory import AGAIN, GOOD, Memory

CLOCK_FREE = ("inverse", "short_good", "short_again", "growth", "lapse_scale", "lapse_cap")
REMEMBERED = ("memo_good", "memo_again", "memo_good_next", "memo_again_next")


@dataclass
class Columns:
    """Per-item columns, in the order of the `cards` mapping; unseen rows hold neutral numbers."""

    keys: list
    states: list
    kind: ListColumns | NumpyColumns  # how the columns are held and worked on
    seen: object  # bools
    stability: object
    difficulty: object
    phase: object  # ints: 0 unseen, else fsrs State
    last_ts: object
    due_ts: object
    first_ts: object
    memory: Memory
    # clock-free parts of the updates (see fill_row)
    inverse: object  # F / S
    short_good: object  # same-day stability after Good
    short_again: object  # same-day stability after Again
    growth: object  # stability after Good on a later day: S + growth * expm1((1 - R) w10)
    lapse_scale: object  # stability after Again on a later day: min(lapse_scale * exp((1 - R) w14), lapse_cap)
    lapse_cap: object
    # stabilities after Good / Again for a review today and a day later, valid for the whole elapsed
    # days in memo_whole (NaN: to be worked out); see choose.outcomes_now_and_next_day
    memo_whole: object
    memo_good: object
    memo_again: object
    memo_good_next: object
    memo_again_next: object


_cached: Columns | None = None


def columns_for(cards: dict, memory: Memory) -> Columns:
    """Columns for `cards` ({item_id: ItemState or None}), reusing the last ones where possible."""
    global _cached
    keys = list(cards)
    states = list(cards.values())
    kind = columns_kind(len(keys))
    old = _cached
    if old is not None and old.memory == memory and old.kind is kind and keys == old.keys:  # == checks lengths first
        # C-speed identity test over all rows: most calls change one row, or none
        changed = list(compress(range(len(states)), map(is_not, states, old.states)))
        if len(changed) <= len(keys) // 4:
            for index in changed:
                fill_row(old, index, states[index])
            old.states = states
            return old
    _cached = build(keys, states, memory, kind)
    return _cached


def build(keys: list, states: list, memory: Memory, kind: ListColumns | NumpyColumns) -> Columns:
    count = len(states)
    table = Columns(
        keys=keys,
        states=states,
        kind=kind,
        seen=kind.column(count, False, bool),
        stability=kind.column(count, 1.0),
        difficulty=kind.column(count, 5.0),
        phase=kind.column(count, 0, int),
        last_ts=kind.column(count, 0.0),
        due_ts=kind.column(count, math.inf),
        first_ts=kind.column(count, -math.inf),
        memory=memory,
        memo_whole=kind.column(count, math.nan),
        **{name: kind.column(count, 1.0) for name in CLOCK_FREE + REMEMBERED},
    )
    for index, state in enumerate(states):
        if state is not None:
            fill_row(table, index, state)
    return table


def fill_row(table: Columns, index: int, state) -> None:
    table.memo_whole[index] = math.nan
    if state is None:
        table.seen[index] = False
        table.stability[index], table.difficulty[index], table.phase[index] = 1.0, 5.0, 0
        table.last_ts[index], table.due_ts[index], table.first_ts[index] = 0.0, math.inf, -math.inf
        return
    table.seen[index] = True
    table.stability[index] = state.stability
    table.difficulty[index] = state.difficulty
    table.phase[index] = state.phase
    table.last_ts[index] = state.last_ts
    table.due_ts[index] = state.due_ts
    table.first_ts[index] = state.first_ts
    memory, w = table.memory, table.memory.w
    s, d = state.stability, state.difficulty
    table.inverse[index] = memory.factor / s
    table.short_good[index] = memory.short_term_stability(s, GOOD)
    table.short_again[index] = memory.short_term_stability(s, AGAIN)
    table.growth[index] = math.exp(w[8]) * (11.0 - d) * s ** (1.0 - w[9])
    table.lapse_scale[index] = w[11] * d ** -w[12] * ((s + 1.0) ** w[13] - 1.0)
    table.lapse_cap[index] = s / math.exp(w[17] * w[18])
