"""The commands that read or change the question banks: list, topics, show, search, import, export, validate."""

from pathlib import Path
from typing import Annotated

import typer

from quizprep.cli.base import app, context, note, page, print_json, selection, show, width
from quizprep.options import (
    BankOption,
    Difficulty,
    DifficultyOption,
    ExportFormat,
    JsonOption,
    TagOption,
    TopicOption,
    complete_ids,
)


@app.command("list")
def list_items(
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    as_json: JsonOption = False,
    bank: BankOption = None,
) -> None:
    """List items: id, topic, difficulty and question.

    Examples:

    \b
      quizprep list --topic optimization
      quizprep list --difficulty 3 --tag adam
      quizprep list --json
    """
    from quizprep.ui.bank import items_table

    items = context(bank).items(selection(topic, tag, difficulty))
    if as_json:
        keys = ("id", "topic", "difficulty", "tags", "question")
        print_json([{key: getattr(item, key) for key in keys} for item in items])
        return
    if not items:
        note("No items match these filters.")
        return
    page(items_table(items, width()))


@app.command()
def topics(as_json: JsonOption = False, bank: BankOption = None) -> None:
    """List the topics with their item counts by difficulty.

    Examples:

    \b
      quizprep topics
      quizprep topics --json
    """
    from quizprep.bank import DIFFICULTY_NAMES

    loaded = context(bank).bank()
    if as_json:
        rows = []
        for topic, items in loaded.topics().items():
            levels = DIFFICULTY_NAMES.items()
            counts = {name: sum(1 for item in items if item.difficulty == level) for level, name in levels}
            rows.append({"topic": topic, "items": len(items), "by_difficulty": counts})
        print_json(rows)
        return
    from quizprep.ui.bank import topics_table

    page(topics_table(loaded))


@app.command("show")
def show_items(
    ids: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...",
            help="Item ids, as `quizprep list` shows them.",
            show_default=False,
            autocompletion=complete_ids,
        ),
    ],
    as_json: JsonOption = False,
    bank: BankOption = None,
) -> None:
    """Show items in full: question, answer, key points and pitfalls, with math as Unicode.

    Examples:

    \b
      quizprep show adam-optimizer
      quizprep show adam-optimizer adamw-l2-under-adam
      quizprep show adam-optimizer --json
    """
    from quizprep.bank.select import find_item

    loaded = context(bank).bank()
    found = [find_item(loaded, item_id) for item_id in ids]
    if as_json:
        print_json([{**item.to_dict(), "file": item.file, "line": item.line} for item in found])
        return
    from rich.console import Group

    from quizprep.exercises import for_item
    from quizprep.ui.bank import item_view

    page(Group(*(item_view(item, for_item(item.id)) for item in found)))


@app.command()
def search(
    query: Annotated[list[str], typer.Argument(metavar="TEXT...", show_default=False, help="Words to look for.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=200, help="Show at most this many items.")] = 10,
    bank: BankOption = None,
    as_json: JsonOption = False,
) -> None:
    """Search the questions, answers and key points of the loaded banks; best matches first.

    Examples:

    \b
      quizprep search kv cache
      quizprep search "layer norm" --json
    """
    from quizprep.search import search as search_bank

    text = " ".join(query)
    hits = search_bank(context(bank).bank(), text, limit)
    if as_json:
        print_json({"query": text, "hits": [hit.to_dict() for hit in hits]})
        return
    from quizprep.ui.search import search_view

    show(search_view(hits, text))


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            show_default=False,
            help="An Anki package (.apkg, .colpkg), a CSV/TSV file (Anki's text export too) or a markdown list (.md).",
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", show_default=False, help="The bank's name (banks/NAME.yaml)."),
    ] = None,
    difficulty: Annotated[
        Difficulty, typer.Option("--difficulty", "-d", metavar="1|2|3", help="The difficulty imported items get.")
    ] = Difficulty.practitioner,
    media: Annotated[bool, typer.Option("--media", help="Copy the pictures and sounds cards use into media/.")] = False,
    with_history: Annotated[
        bool, typer.Option("--with-history", help="Bring in the package's review history, so scheduling continues.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Import your own cards: Anki packages, CSV/TSV files and markdown question lists become a bank of yours.

    The bank is written to the data folder's banks/ folder and loads with the bundled one. Importing a newer
    version of the same file updates its items by id (your progress stays); importing it twice changes nothing.

    Examples:

    \b
      quizprep import ~/Downloads/ml-deck.apkg --with-history
      quizprep import questions.csv --name my-questions
      quizprep import README.md --dry-run
    """
    from quizprep.importers import import_file
    from quizprep.ui.imports import import_view

    report = import_file(
        file, name=name, difficulty=int(difficulty.value), media=media, with_history=with_history, dry_run=dry_run
    )
    if report.history and not dry_run:
        from quizprep.history import import_reviews

        ctx = context()
        with ctx.state() as conn:
            report.history_added = import_reviews(conn, report.history, ctx.now)
    if as_json:
        print_json(report.to_dict())
        return
    show(import_view(report))


@app.command()
def export(
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="markdown: a study guide; json: bank data; anki: an .apkg deck.",
        ),
    ] = ExportFormat.markdown,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE|-",
            show_default=False,
            help="Where to write; '-' is standard output. Default: standard output, or quizprep.apkg for anki.",
        ),
    ] = None,
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    ids: Annotated[
        list[str] | None,
        typer.Option(
            "--ids",
            metavar="ID[,ID...]",
            show_default=False,
            help="Only these items (repeatable, or comma-separated).",
            autocompletion=complete_ids,
        ),
    ] = None,
    due: Annotated[bool, typer.Option("--due", help="Only items due for review now.")] = False,
    weak: Annotated[
        bool, typer.Option("--weak", help="Only items below your desired recall or with lapses, weakest first.")
    ] = False,
    no_answers: Annotated[
        bool, typer.Option("--no-answers", help="Markdown: a question sheet without answers, key points or demos.")
    ] = False,
    answer_key: Annotated[
        bool, typer.Option("--answer-key", help="With --no-answers: add the answers at the end.")
    ] = False,
    no_demos: Annotated[bool, typer.Option("--no-demos", help="Markdown: leave out the demo output (faster).")] = False,
    exercises: Annotated[
        bool, typer.Option("--exercises", help="Markdown: end with the coding exercises of these items.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it already exists.")] = False,
    bank: BankOption = None,
) -> None:
    """Export the selected items: a markdown study guide, the bank as JSON, or an Anki deck.

    An existing output file is replaced only with --force (or a yes at a terminal).

    Examples:

    \b
      quizprep export -o guide.md --topic optimization
      quizprep export --format anki --weak -o weak.apkg
      quizprep export --no-answers --answer-key -o sheet.md
      quizprep export --topic activations --exercises -o practice.md
    """
    from quizprep.export import ExportRequest, run_export

    if answer_key and not no_answers:
        raise typer.BadParameter(
            "--answer-key goes with --no-answers (a guide with answers needs no key)", param_hint="'--answer-key'"
        )
    if (no_answers or no_demos or exercises) and format is not ExportFormat.markdown:
        raise typer.BadParameter(
            "--no-answers, --no-demos and --exercises apply to --format markdown", param_hint="'--format'"
        )
    wanted = [part.strip() for entry in ids or [] for part in entry.split(",") if part.strip()]
    target = output or ("quizprep.apkg" if format is ExportFormat.anki else "-")
    force = force or _confirm_replace(target)
    request = ExportRequest(
        format.value,
        output,
        wanted,
        due,
        weak,
        not no_answers,
        answer_key,
        not (no_answers or no_demos),
        force,
        exercises,
    )
    message = run_export(context(bank), selection(topic, tag, difficulty), request)
    if message:
        note(message)


def _confirm_replace(target: str) -> bool:
    """At a terminal, ask before replacing an existing file; elsewhere the answer is no (use --force)."""
    import sys

    if target == "-" or not Path(target).expanduser().exists() or not sys.stdin.isatty():
        return False
    from quizprep.ui.console import safe

    return typer.confirm(f"{safe(target)} exists. Replace it?", default=False)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            show_default=False,
            help="Bank files or folders to check. Default: everything that would load.",
        ),
    ] = None,
    bank: BankOption = None,
) -> None:
    """Check bank files: fields, types, unique ids, follow-ups, sources and demo names.

    Prints every problem at once, one per line as FILE:LINE: ID: message, and exits 1 if there is any.

    Examples:

    \b
      quizprep validate
      quizprep validate my-bank.yaml
      quizprep validate --bank ~/banks
    """
    from quizprep.bank import check
    from quizprep.ui.listings import problems_note, validated_note

    loaded, problems = check(list(paths or []), list(bank or []))
    if problems:
        for problem in problems:
            typer.echo(str(problem))
        note(problems_note(problems))
        raise typer.Exit(1)
    show(validated_note(len(loaded.items), len(loaded.files)))
