"""The `quizprep` command: options in, one call into the core, one view out.

Each command builds a Context from its options, calls one function of the core,
and hands what it returns to one view. Exit codes: 0 success, 1 a failure the
user can fix, 2 a usage error. A QuizprepError from anywhere below is printed
once, here, as `Error: ...` on stderr; users never see a traceback.
"""

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from quizprep import __version__
from quizprep.errors import QuizprepError
from quizprep.options import (
    MAX_SEED,
    BankOption,
    DifficultyOption,
    ExportFormat,
    InterviewDateOption,
    JsonOption,
    QuestionType,
    SeedOption,
    TagOption,
    TopicOption,
)


class _Group(TyperGroup):
    """A QuizprepError becomes `Error: ...` and its exit code; anything else a short report, not a traceback."""

    def invoke(self, ctx):
        from quizprep.ui.console import print_error

        try:
            return super().invoke(ctx)
        except QuizprepError as exc:
            print_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("click", "typer") or _debugging():
                raise  # click's own exits and usage errors, or a developer asking for the traceback
            print_error(
                f"quizprep hit an unexpected problem: {type(exc).__name__}: {exc}. "
                "Answers already confirmed as saved are kept; "
                "set QUIZPREP_DEBUG=1 to see the details, and please report it."
            )
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


def _context(bank=None, seed=None, interview_date=None):
    from quizprep.clock import check_interview_date, local_day, local_zone, utc_now
    from quizprep.context import Context

    now, zone = utc_now(), local_zone()
    if interview_date is not None:
        check_interview_date(interview_date, local_day(now, zone))
    return Context(now=now, tz=zone, bank_paths=list(bank or []), seed=seed, interview_date=interview_date)


def _selection(topic, tag, difficulty):
    from quizprep.context import Selection

    return Selection(list(topic or []), list(tag or []), [int(level.value) for level in difficulty or []])


def _session_io():
    from quizprep.ui.console import stdout_console
    from quizprep.ui.terminal import open_io

    return open_io(stdout_console())


def _show(renderable) -> None:
    from quizprep.ui.console import show

    show(renderable)


def _note(message) -> None:
    from quizprep.ui.console import print_note

    print_note(message)


def _json(data) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


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


@app.command()
def quiz(
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    type_: Annotated[
        QuestionType | None,
        typer.Option(
            "--type",
            case_sensitive=False,
            show_default=False,
            help="Only this kind of question. Default: a mix of all three.",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="Number of questions.")] = 10,
    seed: SeedOption = None,
    weak: Annotated[
        bool, typer.Option("--weak", help="Cram your weakest items first: lowest recall, most lapses, due or not.")
    ] = False,
    bank: BankOption = None,
) -> None:
    """Quiz yourself: multiple choice, flashcards and numeric drills. Every answer updates your FSRS schedule.

    At any prompt: q quits, s skips, u undoes your last answer, d runs the demo of the item you just answered.
    """
    from quizprep.modes.quiz import run_quiz
    from quizprep.ui.session import summary_view

    io = _session_io()
    summary = run_quiz(
        _context(bank, seed), _selection(topic, tag, difficulty), type_.value if type_ else None, limit, weak, io
    )
    io.show(summary_view(summary))


@app.command()
def review(
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", min=1, max=10000, show_default=False, help="At most this many cards this session."
        ),
    ] = None,
    interview_date: InterviewDateOption = None,
    bank: BankOption = None,
) -> None:
    """Spaced-repetition review of what is due, as flashcards: learning cards, then due reviews, then new items.

    Daily limits and desired retention are set with `quizprep config`. Rate each card 1 Again, 2 Hard, 3 Good, 4 Easy.
    """
    from quizprep.modes.review import run_review
    from quizprep.ui.session import summary_view

    io = _session_io()
    summary = run_review(_context(bank, interview_date=interview_date), _selection(topic, tag, difficulty), limit, io)
    if summary.answered or summary.note != "nothing to ask":
        io.show(summary_view(summary))


@app.command()
def interview(
    count: Annotated[
        int,
        typer.Option("--limit", "--questions", "-n", min=1, max=50, help="Number of questions, spread across topics."),
    ] = 5,
    minutes: Annotated[
        float, typer.Option("--minutes", "-m", min=0.25, max=60, help="Time per question, in minutes.")
    ] = 3,
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    seed: SeedOption = None,
    bank: BankOption = None,
) -> None:
    """A mock interview: questions across topics against a countdown, then tick off the key points you covered."""
    from quizprep.modes.interview import run_interview
    from quizprep.ui.interview import report_view

    io = _session_io()
    report = run_interview(_context(bank, seed), _selection(topic, tag, difficulty), count, int(minutes * 60), io)
    io.show(report_view(report))


@app.command()
def drill(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]", show_default=False, help="A drill template; default: a mix. `--list` shows them."
        ),
    ] = None,
    count: Annotated[int, typer.Option("--limit", "-n", min=1, max=100, help="Number of problems.")] = 5,
    topic: TopicOption = None,
    seed: SeedOption = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the drill templates.")] = False,
    as_json: JsonOption = False,
    bank: BankOption = None,
) -> None:
    """Numeric drills: fresh problems from templates, answered with a number, graded with a tolerance."""
    if list_:
        from quizprep.drills import CATALOG

        if as_json:
            _json([{"name": n, "title": title, "topic": t} for n, (title, t) in CATALOG.items()])
            return
        from quizprep.ui.listings import names_table

        rows = [(n, t, title) for n, (title, t) in CATALOG.items()]
        _show(names_table(f"{len(CATALOG)} drills", rows, ("name", "topic", "what it asks")))
        return
    from quizprep.modes.drill import run_drills
    from quizprep.ui.session import summary_view

    io = _session_io()
    summary = run_drills(_context(bank, seed), name, list(topic or []), count, io)
    io.show(summary_view(summary))


@app.command("config")
def config_command(
    key: Annotated[
        str | None, typer.Argument(metavar="[KEY]", help="A setting; without one, all are shown.", show_default=False)
    ] = None,
    value: Annotated[
        str | None,
        typer.Argument(metavar="[VALUE]", help="New value; without one, the setting is shown.", show_default=False),
    ] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Return the setting to its default.")] = False,
    as_json: JsonOption = False,
) -> None:
    """See or change settings: new-per-day, reviews-per-day, desired-retention, interview-date."""
    from quizprep import config

    with _context().state() as conn:
        values = config.change(conn, key, value, unset)
    if as_json:
        _json(
            {
                name: (None if v is None else str(v) if not isinstance(v, (int, float)) else v)
                for name, v in values.items()
            }
        )
        return
    from quizprep.ui.listings import settings_view

    _show(settings_view(config.rows(values, key)))


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as one JSON object.")] = False,
    interview_date: InterviewDateOption = None,
    bank: BankOption = None,
) -> None:
    """Your progress: topics weakest first, a 12-week heatmap and streak, the 14-day forecast, interview readiness."""
    from quizprep.stats import gather

    figures = gather(_context(bank, interview_date=interview_date))
    if as_json:
        _json(figures)
        return
    from quizprep.ui.console import stdout_console
    from quizprep.ui.stats import stats_view

    console = stdout_console()
    console.print(stats_view(figures, console.width))


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
    """
    from quizprep.bank import check
    from quizprep.ui.listings import problems_note, validated_note

    loaded, problems = check(list(paths or []), list(bank or []))
    if problems:
        for problem in problems:
            typer.echo(str(problem))
        _note(problems_note(problems))
        raise typer.Exit(1)
    _show(validated_note(len(loaded.items), len(loaded.files)))


@app.command("list")
def list_items(
    topic: TopicOption = None, tag: TagOption = None, difficulty: DifficultyOption = None, bank: BankOption = None
) -> None:
    """List items: id, topic, difficulty and question."""
    from quizprep.ui.bank import items_table
    from quizprep.ui.console import stdout_console

    items = _context(bank).items(_selection(topic, tag, difficulty))
    if not items:
        _note("No items match these filters.")
        return
    console = stdout_console()
    console.print(items_table(items, console.width))


@app.command()
def topics(bank: BankOption = None) -> None:
    """List the topics with their item counts by difficulty."""
    from quizprep.ui.bank import topics_table

    _show(topics_table(_context(bank).bank()))


@app.command()
def show(
    ids: Annotated[
        list[str], typer.Argument(metavar="ID...", help="Item ids, as `quizprep list` shows them.", show_default=False)
    ],
    bank: BankOption = None,
) -> None:
    """Show items in full: question, answer, key points and pitfalls, with math as Unicode."""
    from quizprep.bank.select import find_item
    from quizprep.ui.bank import item_view

    loaded = _context(bank).bank()
    for item in [find_item(loaded, item_id) for item_id in ids]:
        _show(item_view(item))


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
            "--ids", metavar="ID[,ID...]", show_default=False, help="Only these items (repeatable, or comma-separated)."
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
    bank: BankOption = None,
) -> None:
    """Export the selected items: a markdown study guide, the bank as JSON, or an Anki deck."""
    from quizprep.export import ExportRequest, run_export

    if answer_key and not no_answers:
        raise typer.BadParameter(
            "--answer-key goes with --no-answers (a guide with answers needs no key)", param_hint="'--answer-key'"
        )
    if (no_answers or no_demos) and format is not ExportFormat.markdown:
        raise typer.BadParameter("--no-answers and --no-demos apply to --format markdown", param_hint="'--format'")
    wanted = [part.strip() for entry in ids or [] for part in entry.split(",") if part.strip()]
    request = ExportRequest(
        format.value, output, wanted, due, weak, not no_answers, answer_key, not (no_answers or no_demos)
    )
    note = run_export(_context(bank), _selection(topic, tag, difficulty), request)
    if note:
        _note(note)


@app.command()
def demo(
    name: Annotated[
        str | None,
        typer.Argument(metavar="[NAME]", help="The demo to run; `--list` shows the names.", show_default=False),
    ] = None,
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            "-s",
            min=0,
            max=MAX_SEED,
            help="Seed for the demo's random inputs: the same seed gives the same output.",
        ),
    ] = 0,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=JSON",
            show_default=False,
            help="A parameter, as JSON: --set 'logits=[2, 1, 0]' (repeatable).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (name, params, steps, result) and nothing else.")
    ] = False,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the demos (with --json: a JSON list).")] = False,
) -> None:
    """Run a live NumPy demo: see each step of a computation, with your own numbers via --set."""
    from quizprep.demos import CATALOG, parse_params, run_demo

    if list_:
        if as_json:
            _json([{"name": n, "summary": s} for n, s in CATALOG.items()])
            return
        from quizprep.ui.listings import names_table

        _show(names_table(f"{len(CATALOG)} demos", list(CATALOG.items()), ("name", "what it shows")))
        return
    if not name:
        raise typer.BadParameter("give a demo NAME, or --list to see them", param_hint="'NAME'")
    result = run_demo(name, parse_params(set_ or []), seed).to_dict()
    if as_json:
        import json

        typer.echo(
            json.dumps(
                {k: result[k] for k in ("name", "params", "seed", "result", "steps", "summary")}, ensure_ascii=False
            )
        )
        return
    from quizprep.ui.demo import demo_view
    from quizprep.ui.console import stdout_console

    console = stdout_console()
    console.print(demo_view(result, console.width))


@app.command()
def orphans(
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete their progress (a backup of the database is kept first).")
    ] = False,
    bank: BankOption = None,
) -> None:
    """List progress kept for items that are no longer in any loaded bank (renamed or removed ids)."""
    from quizprep import orphans as core
    from quizprep import store
    from quizprep.text import plural
    from quizprep.ui.listings import orphans_view

    ctx = _context(bank)
    known = core.known_keys(ctx.bank())
    with ctx.state() as conn:
        found = store.orphans(conn, known)
        _show(orphans_view(found))
        if not found:
            return
        if not prune:
            _show(
                f"{plural(len(found), 'orphaned item')}. "
                "Load the bank that has them with --bank, or remove their progress with --prune."
            )
            return
        removed, backup = core.prune(conn, found, ctx.now)
    _show(f"Removed the progress of {plural(removed, 'item')}. A copy of the database before pruning is at {backup}.")


@app.command()
def info(bank: BankOption = None) -> None:
    """Show the version, where your progress and cache are kept, and which banks load."""
    from quizprep.info import gather
    from quizprep.ui.listings import info_view

    _show(info_view(gather(list(bank or []))))


def main() -> None:
    """Console-script entry point."""
    app(prog_name="quizprep")
