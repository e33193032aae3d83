"""Which items an export holds: --ids, --due and --weak on top of the topic, tag and difficulty filters. Pure."""

from __future__ import annotations

from datetime import datetime

from quizprep.errors import BadValueError
from quizprep.text import suggest


def select_for_export(
    items, ids: list[str], due: bool, weak: bool, now: datetime, known_ids, cards: dict, policy
) -> list:
    """Narrow the filtered items further: --ids keeps those ids (in the order given), --due keeps
    items due now, --weak keeps items below the desired recall or with lapses, weakest first.
    `cards` are the stored states by item id, `policy` the scheduling policy."""
    if ids:
        unknown = [i for i in ids if i not in known_ids]
        if unknown:
            raise BadValueError("; ".join(f"no item with id '{i}'{suggest(i, known_ids)}" for i in unknown))
        by_id = {item.id: item for item in items}
        items = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    if due:
        from quizprep.store import iso

        moment = iso(now)
        items = [item for item in items if item.id in cards and cards[item.id].due <= moment]
    if weak:
        items = weak_items(items, cards, now, policy)
    return items


def weak_items(items, cards: dict, now: datetime, policy) -> list:
    from quizprep.modes.quiz import weakness_order
    from quizprep.scheduler import recall_at

    seen = [item for item in items if item.id in cards]
    return [
        item
        for item in weakness_order(seen, cards, now, policy)
        if recall_at(cards[item.id], now, policy) < policy.desired_retention
        or cards[item.id].lapses > 0
    ]
