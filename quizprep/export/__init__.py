"""Writing the bank out: where the output goes (`write_output`) and the demo text for guides.

selection         which items an export holds (--ids, --due, --weak): pure
json_export       the bank as JSON data
markdown_export   a study guide
anki_export       an Anki package
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from quizprep.errors import BadValueError
from quizprep.files import shown
from quizprep.text import plural

FORMATS = ("markdown", "json", "anki")


@dataclass
class ExportRequest:
    """What `quizprep export` was asked for, beyond the topic, tag and difficulty filters."""

    format: str = "markdown"
    output: str | None = None
    ids: list[str] = field(default_factory=list)
    due: bool = False
    weak: bool = False
    answers: bool = True
    answer_key: bool = False
    demos: bool = True
    force: bool = False  # replace an existing output file
    exercises: bool = False  # markdown: add the coding exercises of the exported items


def run_export(ctx, selection, request: ExportRequest) -> str:
    """`quizprep export`: select, narrow, write; returns the note for the user."""
    from quizprep import store
    from quizprep.clock import local_day
    from quizprep.export.selection import select_for_export
    from quizprep.files import check_target, protected_paths

    items = ctx.items(selection)
    if request.ids or request.due or request.weak:
        with ctx.state() as conn:
            cards, policy = store.all_cards(conn), ctx.policy(conn)
        items = select_for_export(
            items, request.ids, request.due, request.weak, ctx.now, ctx.bank().by_id, cards, policy
        )
    today = local_day(ctx.now, ctx.tz)
    protected = protected_paths(ctx.bank().sources)
    target = request.output or ("quizprep.apkg" if request.format == "anki" else "-")
    if target != "-":  # refuse a bad target before any demo runs
        check_target(Path(target).expanduser(), protected, request.force)
    if request.format != "markdown" or not request.demos:
        return export_items(items, request, today, protected=protected)
    from quizprep.ui.progress import progress_bar, with_progress

    with progress_bar("Running demos", sum(1 for item in items if item.demo)) as advance:
        return export_items(items, request, today, with_progress(demo_texts(), advance), protected)


def export_items(items: list, request: ExportRequest, today, demo_text=None, protected: Iterable[Path] = ()) -> str:
    """Write `items` as the request asks; returns a one-line note for the user ('' for standard output).

    `demo_text` gives an item's demo output for the markdown guide (None leaves the demos out);
    `protected` are files the export must never replace (see files.protected_paths).
    """
    if request.format == "anki":
        return write_anki(items, request.output or "quizprep.apkg", protected=protected, force=request.force)
    target = request.output or "-"
    if request.format == "json":
        from quizprep.export.json_export import to_json

        text = to_json(items)
    else:
        from quizprep.export.markdown_export import to_markdown

        text = to_markdown(
            items,
            answers=request.answers,
            answer_key=request.answer_key,
            demo_text=demo_text,
            today=today,
            exercises=exercises_for(items) if request.exercises else None,
        )
    write_output(text, target, protected=protected, force=request.force)
    return "" if target == "-" else f"Wrote {plural(len(items), 'item')} to {shown(target)}."


def exercises_for(items: list) -> list[tuple[str, str, list[str]]]:
    """(name, stub, item ids) of every coding exercise that practises one of `items`, in catalog order."""
    from quizprep import exercises

    wanted = {item.id for item in items}
    return [
        (name, exercises.stub(name), list(entry[2]))
        for name, entry in exercises.CATALOG.items()
        if wanted.intersection(entry[2])
    ]


def write_anki(items: list, target: str, *, protected: Iterable[Path] = (), force: bool = False) -> str:
    """Build the deck into a temporary file and move it into place (genanki writes to a path itself)."""
    from quizprep.export.anki_export import build_package
    from quizprep.files import writing

    if target == "-":
        if sys.stdout.isatty():
            raise BadValueError("an .apkg is binary: give a file with -o, or redirect standard output")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "quizprep.apkg"
            build_package(items, path)
            sys.stdout.buffer.write(path.read_bytes())
            sys.stdout.flush()
        return ""
    path = Path(target).expanduser()
    with writing(path, protected=protected, force=force) as temp:
        count = build_package(items, temp)
    return (
        f"Wrote {plural(count, 'note')} to {shown(path)}. Import it in Anki (File → Import); "
        "importing a newer export updates these notes."
    )


def write_output(text: str, target: str, *, protected: Iterable[Path] = (), force: bool = False) -> None:
    """Write `text` to stdout when `target` is '-', else to the file `target` (see quizprep.files for the rules)."""
    from quizprep.files import write_file

    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_file(Path(target).expanduser(), text, protected=protected, force=force)


def demo_texts(width: int = 80):
    """A function item -> the item's demo output at seed 0 as plain text (each demo run once)."""
    import io

    from rich.console import Console

    from quizprep.demos import run_demo
    from quizprep.ui.demo import demo_view

    cache: dict[str, str | None] = {}

    def text_for(item) -> str | None:
        if item.demo not in cache:
            try:
                result = run_demo(item.demo, seed=0).to_dict()
            except Exception:  # an export must not fail because one demo does
                cache[item.demo] = None
            else:
                buffer = io.StringIO()
                Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False).print(
                    demo_view(result, width)
                )
                cache[item.demo] = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
        return cache[item.demo]

    return text_for
