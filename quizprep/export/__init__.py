"""Writing the bank out: JSON now (`to_json`), and where the output goes (`write_output`)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from quizprep.errors import QuizprepError


def write_output(text: str, target: str) -> None:
    """Write `text` to stdout when `target` is '-', else atomically to the file `target`."""
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(target).expanduser()
    if path.is_dir():
        raise QuizprepError(f"cannot write to {path}: it is a folder; give a file name")
    if not path.parent.exists():
        raise QuizprepError(f"cannot write to {path}: the folder {path.parent} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as exc:
        raise QuizprepError(f"cannot write to {path}: {exc.strerror or exc}") from exc


def select_for_export(items, ids: list[str], due: bool, weak: bool, now, known_ids) -> list:
    """Narrow the filtered items further: --ids keeps those ids (in the order given), --due keeps
    items due now, --weak keeps items below the desired recall, weakest first."""
    from quizprep.errors import BadValueError

    if ids:
        unknown = [i for i in ids if i not in known_ids]
        if unknown:
            from quizprep.bank.validate import suggest

            raise BadValueError("; ".join(f"no item with id '{i}'{suggest(i, known_ids)}" for i in unknown))
        by_id = {item.id: item for item in items}
        items = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
    if not (due or weak):
        return items
    from quizprep import config, store
    from quizprep.practice import open_state, policy_for
    from quizprep.questions import weakness_order
    from quizprep.scheduler import card_from_json, retrievability

    conn = open_state()
    try:
        cards = store.all_cards(conn)
        policy = policy_for(config.load(conn), None)
    finally:
        conn.close()
    if due:
        moment = store.iso(now)
        items = [item for item in items if item.id in cards and cards[item.id].due <= moment]
    if weak:
        seen = [item for item in items if item.id in cards]
        items = [
            item
            for item in weakness_order(seen, cards, now, policy)
            if retrievability(card_from_json(cards[item.id].card_json), now, policy) < policy.desired_retention
            or cards[item.id].lapses > 0
        ]
    return items


def demo_texts(width: int = 80):
    """A function item -> the item's demo output at seed 0 as plain text (each demo run once)."""
    import io

    from rich.console import Console

    from quizprep.demos import run_demo
    from quizprep.demos.view import demo_view

    cache: dict[str, str | None] = {}

    def text_for(item) -> str | None:
        if item.demo not in cache:
            try:
                result = run_demo(item.demo, seed=0).to_dict()
            except Exception:  # an export must not fail because one demo does
                cache[item.demo] = None
            else:
                buffer = io.StringIO()
                Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False).print(demo_view(result, width))
                cache[item.demo] = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
        return cache[item.demo]

    return text_for
