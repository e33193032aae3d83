"""Choosing items by topic, tag and difficulty, as the `--topic`, `--tag` and `--difficulty` options do."""

from __future__ import annotations

from quizprep.bank import Bank, Item
from quizprep.errors import BadValueError
from quizprep.text import suggest


def select_items(bank: Bank, topics: list[str] = (), tags: list[str] = (), difficulties: list[int] = ()) -> list[Item]:
    """Items matching any of `topics`, any of `tags` and any of `difficulties` (empty means all)."""
    check_names("topic", topics, bank.topics().keys())
    check_names("tag", tags, bank.tags())
    wanted_topics, wanted_tags, wanted_levels = set(topics), set(tags), set(difficulties)
    return [
        item
        for item in bank.items
        if (not wanted_topics or item.topic in wanted_topics)
        and (not wanted_tags or wanted_tags.intersection(item.tags))
        and (not wanted_levels or item.difficulty in wanted_levels)
    ]


def find_item(bank: Bank, item_id: str) -> Item:
    item = bank.get(item_id)
    if item is None:
        raise BadValueError(f"no item with id '{item_id}'{suggest(item_id, bank.by_id)}; `quizprep list` shows the ids")
    return item


def check_names(kind: str, given: list[str], known) -> None:
    """Every unknown name at once, each with a suggestion, and what is allowed."""
    known = sorted(known)
    unknown = [name for name in given if name not in known]
    if not unknown:
        return
    details = "; ".join(f"unknown {kind} '{name}'{suggest(name, known)}" for name in unknown)
    listing = ", ".join(known) if len(known) <= 30 else ", ".join(known[:30]) + ", ..."
    raise BadValueError(f"{details}. Known {kind}s: {listing}")
