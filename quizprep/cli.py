"""The `quizprep` command: parses options, calls the core, prints what it returns.

Exit codes: 0 success, 1 a failure the user can fix (a broken bank, an unwritable
file), 2 a usage error (a bad option or value). A QuizprepError raised anywhere
below is printed once, here, as `Error: ...` on stderr; users never see a traceback.
"""


import enum
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

try:  # Python 3.9+ has it in typing; typer needs the real Annotated
    from typing import Annotated
except ImportError:  # pragma: no cover
    from typing_extensions import Annotated

from quizprep import __version__
from quizprep.errors import QuizprepError


class _Group(TyperGroup):
    """Turns a QuizprepError from any command into `Error: ...` and its exit code; and any
    other failure into a short report instead of a traceback (QUIZPREP_DEBUG=1 shows it)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QuizprepError as exc:
            print_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("click", "typer") or _debugging():
                raise  # click's own exits and usage errors, or a developer asking for the traceback
            print_error(f"quizprep hit an unexpected problem: {type(exc).__name__}: {exc}. Nothing you already answered is lost; set QUIZPREP_DEBUG=1 to see the details, and please report it.")
            raise typer.Exit(1) from None


def _debugging() -> bool:
    import os

    return os.environ.get("QUIZPREP_DEBUG", "") not in ("", "0")


app = typer.Typer(
    cls=_Group,
    name="quizprep",
    help="Get ready for deep-learning interviews: a question bank, quizzes and live NumPy demos in your terminal.",
    epilog="Data folder: $QUIZPREP_HOME, or your platform's user data folder. Docs: README.md.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: Rich help panels cost ~50 ms of start-up (typer imports rich.markdown)
    context_settings={"help_option_names": ["-h", "--help"]},
)

BankOption = Annotated[
    Optional[List[Path]],
    typer.Option(
        "--bank",
        "-b",
        metavar="PATH",
        help="Extra bank (a YAML file or a folder), loaded beside the bundled bank. Repeatable; also read from $QUIZPREP_BANK.",
        show_default=False,
    ),
]
TopicOption = Annotated[
    Optional[List[str]],
    typer.Option("--topic", "-t", metavar="TOPIC", help="Only this topic (repeatable). `quizprep topics` lists them.", show_default=False),
]
TagOption = Annotated[
    Optional[List[str]],
    typer.Option("--tag", metavar="TAG", help="Only items with this tag (repeatable).", show_default=False),
]
class Difficulty(str, enum.Enum):
    fundamentals = "1"
    practitioner = "2"
    advanced = "3"


DifficultyOption = Annotated[
    Optional[List[Difficulty]],
    typer.Option(
        "--difficulty",
        "-d",
        metavar="1|2|3",
        help="Only this difficulty: 1 fundamentals, 2 practitioner, 3 advanced (repeatable).",
        show_default=False,
    ),
]


class ExportFormat(str, enum.Enum):
    markdown = "markdown"
    json = "json"
    anki = "anki"


class QuestionType(str, enum.Enum):
    mcq = "mcq"
    flashcard = "flashcard"
    numeric = "numeric"


SeedOption = Annotated[
    Optional[int],
    typer.Option("--seed", help="Seed for the choice of questions and option order: the same seed gives the same session.", show_default=False),
]


def _selection(topic, tag, difficulty):
    from quizprep.practice import Selection

    return Selection(list(topic or []), list(tag or []), [int(level.value) for level in difficulty or []])


def _session_io():
    from quizprep.terminal import open_io

    return open_io(stdout_console())


def _now_and_zone():
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    return now, now.astimezone().tzinfo


def _fresh_seed(seed: int | None) -> int:
    import secrets

    return seed if seed is not None else secrets.randbelow(1_000_000)


def _interview_date(text: str | None):
    if text is None:
        return None
    from quizprep.config import parse_date

    return parse_date(text)


def stdout_console():
    from rich.console import Console

    return Console(highlight=False)


def print_error(message: str) -> None:
    from rich.console import Console
    from rich.text import Text

    Console(stderr=True, highlight=False).print(Text("Error: ", style="bold red") + Text(message), soft_wrap=True)


def print_note(message: str) -> None:
    """A short message for a person, on stderr so stdout stays clean for data."""
    from rich.console import Console

    Console(stderr=True, highlight=False).print(message, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quizprep {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Get ready for deep-learning interviews: a question bank, quizzes and live NumPy demos in your terminal."""


def _load(bank: list[Path] | None):
    from quizprep.bank import load_bank

    return load_bank(bank or [])


def _select(bank_paths, topic, tag, difficulty):
    from quizprep.bank.select import select_items

    bank = _load(bank_paths)
    levels = [int(level.value) for level in difficulty or []]
    return bank, select_items(bank, topic or [], tag or [], levels)


@app.command()
def quiz(
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    type_: Annotated[
        Optional[QuestionType],
        typer.Option("--type", help="Only this kind of question. Default: a mix of all three.", case_sensitive=False, show_default=False),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="Number of questions.")] = 10,
    seed: SeedOption = None,
    weak: Annotated[bool, typer.Option("--weak", help="Cram your weakest items first: lowest recall, most lapses, due or not.")] = False,
    bank: BankOption = None,
) -> None:
    """Quiz yourself: multiple choice, flashcards and numeric drills. Every answer updates your FSRS schedule.

    At any prompt: q quits, s skips, u undoes your last answer, d runs the demo of the item you just answered.
    """
    from quizprep.practice import run_quiz
    from quizprep.screens import summary_view

    io = _session_io()
    now, zone = _now_and_zone()
    summary = run_quiz(_load(bank), _selection(topic, tag, difficulty), type_.value if type_ else None, limit, _fresh_seed(seed), weak, io, now, zone)
    io.show(summary_view(summary))


@app.command()
def review(
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=1, help="At most this many cards this session.", show_default=False)] = None,
    interview_date: Annotated[
        Optional[str],
        typer.Option("--interview-date", metavar="YYYY-MM-DD", help="Plan for this interview date (default: `quizprep config interview-date`).", show_default=False),
    ] = None,
    bank: BankOption = None,
) -> None:
    """Spaced-repetition review of what is due, as flashcards: learning cards, then due reviews, then new items.

    Daily limits and desired retention are set with `quizprep config`. Rate each card 1 Again, 2 Hard, 3 Good, 4 Easy.
    """
    from quizprep.practice import run_review
    from quizprep.screens import summary_view

    io = _session_io()
    now, zone = _now_and_zone()
    summary = run_review(_load(bank), _selection(topic, tag, difficulty), limit, _interview_date(interview_date), io, now, zone)
    if summary.answered or summary.note not in ("nothing to ask",):
        io.show(summary_view(summary))


@app.command()
def interview(
    count: Annotated[int, typer.Option("--questions", "-n", min=1, max=50, help="Number of questions, spread across topics.")] = 5,
    minutes: Annotated[float, typer.Option("--minutes", "-m", min=0.25, max=60, help="Time per question, in minutes.")] = 3,
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    seed: SeedOption = None,
    bank: BankOption = None,
) -> None:
    """A mock interview: questions across topics against a countdown, then tick off the key points you covered."""
    from quizprep.interview import report_view
    from quizprep.practice import run_interview

    io = _session_io()
    now, zone = _now_and_zone()
    report = run_interview(_load(bank), _selection(topic, tag, difficulty), count, int(minutes * 60), _fresh_seed(seed), io, now, zone)
    io.show(report_view(report))


@app.command()
def drill(
    name: Annotated[Optional[str], typer.Argument(metavar="[NAME]", help="A drill template; default: a mix. `--list` shows them.", show_default=False)] = None,
    count: Annotated[int, typer.Option("--limit", "-n", min=1, max=100, help="Number of problems.")] = 5,
    topic: TopicOption = None,
    seed: SeedOption = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the drill templates.")] = False,
    bank: BankOption = None,
) -> None:
    """Numeric drills: fresh problems from templates, answered with a number, graded with a tolerance."""
    from quizprep.drills import CATALOG

    if list_:
        from rich.table import Table

        table = Table(title=f"{len(CATALOG)} drills", title_justify="left", box=None, pad_edge=False)
        table.add_column("name", style="cyan", no_wrap=True)
        table.add_column("topic", no_wrap=True)
        table.add_column("what it asks")
        for drill_name, (title, drill_topic) in CATALOG.items():
            table.add_row(drill_name, drill_topic, title)
        stdout_console().print(table)
        return
    from quizprep.practice import run_drills
    from quizprep.screens import summary_view

    io = _session_io()
    now, zone = _now_and_zone()
    summary = run_drills(_load(bank), name, list(topic or []), count, _fresh_seed(seed), io, now, zone)
    io.show(summary_view(summary))


@app.command("config")
def config_command(
    key: Annotated[Optional[str], typer.Argument(metavar="[KEY]", help="A setting; without one, all are shown.", show_default=False)] = None,
    value: Annotated[Optional[str], typer.Argument(metavar="[VALUE]", help="New value; without one, the setting is shown.", show_default=False)] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Return the setting to its default.")] = False,
) -> None:
    """See or change settings: new-per-day, reviews-per-day, desired-retention, interview-date."""
    from quizprep import config
    from quizprep.practice import open_state

    conn = open_state()
    try:
        if key is not None:
            config.check_name(key)
        if key and unset:
            config.unset(conn, key)
        elif key and value is not None:
            config.store(conn, key, value)
        values = config.load(conn)
    finally:
        conn.close()
    console = stdout_console()
    for name, setting in config.SETTINGS.items():
        if key and name != key:
            continue
        current = values[name]
        shown = "not set" if current is None else str(current)
        marker = "" if current == setting.default else "  [dim](default " + ("none" if setting.default is None else str(setting.default)) + ")[/]"
        console.print(f"[bold]{name}[/] = [cyan]{shown}[/]{marker}   [dim]{setting.help}[/]")


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as one JSON object.")] = False,
    interview_date: Annotated[
        Optional[str],
        typer.Option("--interview-date", metavar="YYYY-MM-DD", help="Readiness for this date (default: `quizprep config interview-date`).", show_default=False),
    ] = None,
    bank: BankOption = None,
) -> None:
    """Your progress: topics weakest first, a 12-week heatmap and streak, the 14-day forecast, interview readiness."""
    import json

    from quizprep import config
    from quizprep.practice import open_state, policy_for
    from quizprep.stats import progress

    loaded = _load(bank)
    now, zone = _now_and_zone()
    conn = open_state()
    try:
        policy = policy_for(config.load(conn), zone, _interview_date(interview_date))
        figures = progress(conn, loaded, now, policy)
    finally:
        conn.close()
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    from quizprep.screens import stats_view

    console = stdout_console()
    console.print(stats_view(figures, console.width))


@app.command()
def validate(
    paths: Annotated[
        Optional[List[Path]],
        typer.Argument(
            metavar="[PATH]...",
            help="Bank files or folders to check. Default: everything that would load (bundled bank, $QUIZPREP_BANK, --bank).",
            show_default=False,
        ),
    ] = None,
    bank: BankOption = None,
) -> None:
    """Check bank files: fields, types, unique ids, follow-ups, sources and demo names.

    Prints every problem at once, one per line as FILE:LINE: ID: message, and exits 1 if there is any.
    """
    from quizprep.bank import load_bank, validate_paths
    from quizprep.errors import BankError

    if paths:
        loaded, problems = validate_paths(list(paths) + list(bank or []))
    else:
        try:
            loaded, problems = load_bank(bank or []), []
        except BankError as exc:
            loaded, problems = None, exc.problems
    if problems:
        for problem in problems:
            typer.echo(str(problem))
        files = len({problem.file for problem in problems})
        noun = "problem" if len(problems) == 1 else "problems"
        print_note(f"[red]{len(problems)} {noun}[/] in {files} file{'s' if files != 1 else ''}.")
        raise typer.Exit(1)
    stdout_console().print(f"[green]✓[/] {len(loaded.items)} items in {len(loaded.files)} files: no problems.")


@app.command("list")
def list_items(topic: TopicOption = None, tag: TagOption = None, difficulty: DifficultyOption = None, bank: BankOption = None) -> None:
    """List items: id, topic, difficulty and question."""
    from quizprep.render import items_table

    _, items = _select(bank, topic, tag, difficulty)
    if not items:
        print_note("No items match these filters.")
        return
    console = stdout_console()
    console.print(items_table(items, console.width))


@app.command()
def topics(bank: BankOption = None) -> None:
    """List the topics with their item counts by difficulty."""
    from quizprep.render import topics_table

    stdout_console().print(topics_table(_load(bank)))


@app.command()
def show(
    ids: Annotated[List[str], typer.Argument(metavar="ID...", help="Item ids, as `quizprep list` shows them.", show_default=False)],
    bank: BankOption = None,
) -> None:
    """Show items in full: question, answer, key points and pitfalls, with math as Unicode."""
    from quizprep.bank.select import find_item
    from quizprep.render import item_view

    loaded = _load(bank)
    items = [find_item(loaded, item_id) for item_id in ids]
    console = stdout_console()
    for item in items:
        console.print(item_view(item))


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="markdown: a study guide; json: bank data; anki: an .apkg deck.", case_sensitive=False)] = ExportFormat.markdown,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", metavar="FILE|-", help="Where to write; '-' is standard output. Default: standard output, or quizprep.apkg for anki.", show_default=False),
    ] = None,
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    ids: Annotated[Optional[List[str]], typer.Option("--ids", metavar="ID[,ID...]", help="Only these items (repeatable, or comma-separated).", show_default=False)] = None,
    due: Annotated[bool, typer.Option("--due", help="Only items due for review now.")] = False,
    weak: Annotated[bool, typer.Option("--weak", help="Only items below your desired recall or with lapses, weakest first.")] = False,
    no_answers: Annotated[bool, typer.Option("--no-answers", help="Markdown: a question sheet without answers, key points or demos.")] = False,
    answer_key: Annotated[bool, typer.Option("--answer-key", help="With --no-answers: add the answers at the end.")] = False,
    no_demos: Annotated[bool, typer.Option("--no-demos", help="Markdown: leave out the demo output (faster).")] = False,
    bank: BankOption = None,
) -> None:
    """Export the selected items: a markdown study guide, the bank as JSON, or an Anki deck."""
    from datetime import date

    from quizprep.export import select_for_export, write_output

    loaded, items = _select(bank, topic, tag, difficulty)
    wanted = [part.strip() for entry in ids or [] for part in entry.split(",") if part.strip()]
    now, _ = _now_and_zone()
    items = select_for_export(items, wanted, due, weak, now, loaded.by_id)
    if answer_key and not no_answers:
        raise typer.BadParameter("--answer-key goes with --no-answers (a guide with answers needs no key)", param_hint="'--answer-key'")
    if (no_answers or no_demos) and format is not ExportFormat.markdown:
        raise typer.BadParameter("--no-answers and --no-demos apply to --format markdown", param_hint="'--format'")
    if format is ExportFormat.anki:
        _export_anki(items, output)
        return
    target = output or "-"
    if format is ExportFormat.json:
        from quizprep.export.json_export import to_json

        text = to_json(items)
    else:
        from quizprep.export.markdown_export import to_markdown

        demos = None if (no_answers or no_demos) else _with_progress(items)
        text = to_markdown(items, answers=not no_answers, answer_key=answer_key, demo_text=demos, today=date.today())
    write_output(text, target)
    if target != "-":
        print_note(f"Wrote {len(items)} items to {target}.")


def _with_progress(items):
    """The demo-output function for markdown, with a progress bar on stderr while the demos run."""
    from rich.console import Console
    from rich.progress import Progress

    from quizprep.export import demo_texts

    text_for = demo_texts()
    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task("Running demos", total=sum(1 for item in items if item.demo))

    def with_bar(item):
        if not progress.live.is_started:
            progress.start()
        text = text_for(item)
        progress.advance(task)
        if progress.finished:
            progress.stop()
        return text

    return with_bar


def _export_anki(items, output: str | None) -> None:
    import sys
    import tempfile
    from pathlib import Path

    from quizprep.export.anki_export import build_package

    target = output or "quizprep.apkg"
    if target == "-":
        if sys.stdout.isatty():
            raise typer.BadParameter("an .apkg is binary: give a file with -o, or redirect standard output", param_hint="'--output'")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "quizprep.apkg"
            build_package(items, path)
            sys.stdout.buffer.write(path.read_bytes())
            sys.stdout.flush()
        return
    path = Path(target).expanduser()
    if not path.parent.exists():
        raise QuizprepError(f"cannot write to {path}: the folder {path.parent} does not exist")
    count = build_package(items, path)
    print_note(f"Wrote {count} notes to {path}. Import it in Anki (File → Import); importing a newer export updates these notes.")


@app.command()
def demo(
    name: Annotated[Optional[str], typer.Argument(metavar="[NAME]", help="The demo to run; `--list` shows the names.", show_default=False)] = None,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed for the demo's random inputs: the same seed gives the same output.")] = 0,
    set_: Annotated[
        Optional[List[str]],
        typer.Option("--set", metavar="KEY=JSON", help="A parameter, as JSON: --set 'logits=[2, 1, 0]' (repeatable).", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (name, params, steps, result) and nothing else.")] = False,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the demos (with --json: a JSON list).")] = False,
) -> None:
    """Run a live NumPy demo: see each step of a computation, with your own numbers via --set."""
    import json

    from quizprep.demos import CATALOG, parse_params, run_demo

    if list_:
        if as_json:
            typer.echo(json.dumps([{"name": n, "summary": s} for n, s in CATALOG.items()], indent=2, ensure_ascii=False))
            return
        from rich.table import Table

        table = Table(title=f"{len(CATALOG)} demos", title_justify="left", box=None, pad_edge=False)
        table.add_column("name", style="cyan", no_wrap=True)
        table.add_column("what it shows")
        for demo_name, summary in CATALOG.items():
            table.add_row(demo_name, summary)
        stdout_console().print(table)
        return
    if not name:
        raise typer.BadParameter("give a demo NAME, or --list to see them", param_hint="'NAME'")
    result = run_demo(name, parse_params(set_ or []), seed).to_dict()
    if as_json:
        typer.echo(json.dumps({k: result[k] for k in ("name", "params", "seed", "result", "steps", "summary")}, ensure_ascii=False))
        return
    from quizprep.demos.view import demo_view

    console = stdout_console()
    console.print(demo_view(result, console.width))


@app.command()
def orphans(
    prune: Annotated[bool, typer.Option("--prune", help="Delete their progress (a backup of the database is kept first).")] = False,
    bank: BankOption = None,
) -> None:
    """List progress kept for items that are no longer in any loaded bank (renamed or removed ids)."""
    from quizprep import store
    from quizprep.drills import CATALOG, card_id
    from quizprep.paths import db_path
    from quizprep.practice import open_state

    loaded = _load(bank)
    known = set(loaded.by_id) | {card_id(name) for name in CATALOG}
    conn = open_state()
    try:
        found = store.orphans(conn, known)
        console = stdout_console()
        if not found:
            console.print("No orphaned progress: every stored item is in the loaded banks.")
            return
        for item_id, answers, last in found:
            console.print(f"[cyan]{item_id}[/]  {answers} answer{'s' if answers != 1 else ''}, last {last[:10] or 'never'}", highlight=False)
        if not prune:
            console.print(f"{len(found)} orphaned item{'s' if len(found) != 1 else ''}. Load the bank that has them with --bank, or remove their progress with --prune.")
            return
        backup_path = db_path().with_name("quizprep.db.before-prune.bak")
        store.backup(conn, backup_path)
        removed = store.prune(conn, [item_id for item_id, _, _ in found])
        console.print(f"Removed the progress of {removed} item{'s' if removed != 1 else ''}. A copy of the database before pruning is at {backup_path}.")
    finally:
        conn.close()


@app.command()
def info(bank: BankOption = None) -> None:
    """Show the version, where your progress and cache are kept, and which banks load."""
    from rich.text import Text

    from quizprep.info import gather

    rows = gather(bank or [])
    width = max(len(label) for label, _ in rows) + 2
    console = stdout_console()
    for label, value in rows:
        console.print(Text.assemble((label.ljust(width), "bold"), value), soft_wrap=True)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="quizprep")
