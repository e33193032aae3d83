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
    Difficulty,
    DifficultyOption,
    ExportFormat,
    InterviewDateOption,
    JsonOption,
    MinutesOption,
    QuestionType,
    SeedOption,
    TagOption,
    TopicOption,
)


class _Group(TyperGroup):
    """A QuizprepError becomes `Error: ...` and its exit code; anything else a short report, not a traceback."""

    def invoke(self, ctx):
        from quizprep.ui.console import print_error, unexpected

        try:
            return super().invoke(ctx)
        except QuizprepError as exc:
            print_error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("click", "typer") or _debugging():
                raise  # click's own exits and usage errors, or a developer asking for the traceback
            print_error(unexpected(exc))
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
    keep_going: Annotated[
        bool, typer.Option("--keep-going", help="Past today's minutes: study on while a card still pays for its time.")
    ] = False,
    scroll: Annotated[
        bool, typer.Option("--scroll", help="Keep earlier cards on screen instead of clearing it.")
    ] = False,
    bank: BankOption = None,
) -> None:
    """Study what raises your recall most: flashcards chosen one at a time by the planner.

    With an interview date (quizprep config interview-date), each card is the one that adds most to
    what you will recall at the interview per minute, until today's minutes (config daily-minutes)
    are spent. Without one it is plain FSRS: learning steps, due reviews, then new items.
    Keys: Space shows the answer, 1-4 rate it (Again, Hard, Good, Easy) and go on; d demo, u undo,
    s skip, e where the item is written, ? the keys, q quit.

    Examples:

    \b
      quizprep review
      quizprep review --topic attention-transformers -n 20
      quizprep review --keep-going
    """
    from quizprep.modes.review import run_review
    from quizprep.ui.session import summary_view

    io = _session_io()
    ctx = _context(bank, interview_date=interview_date)
    summary = run_review(ctx, _selection(topic, tag, difficulty), limit, io, keep_going, scroll)
    if summary.answered:
        io.show(summary_view(summary))


@app.command()
def plan(
    topic: TopicOption = None,
    tag: TagOption = None,
    difficulty: DifficultyOption = None,
    interview_date: InterviewDateOption = None,
    minutes: Annotated[
        float | None,
        typer.Option("--minutes", "-m", min=5, max=600, show_default=False, help="Plan with this many minutes a day."),
    ] = None,
    target: Annotated[float, typer.Option("--target", min=0.5, max=0.99, help="The readiness to aim for.")] = 0.9,
    as_json: JsonOption = False,
    bank: BankOption = None,
) -> None:
    """Your study plan to the interview: minutes, new items and reviews each day, and projected readiness.

    Readiness is the expected share of the selection you recall at the interview. The days are
    simulated with the planner and its memory model (your fitted parameters after quizprep optimize).

    Examples:

    \b
      quizprep plan
      quizprep plan --minutes 45 --target 0.85
      quizprep plan --topic llm-training --json
    """
    from quizprep.modes.review import plan_for

    ctx = _context(bank, interview_date=interview_date)
    projection = plan_for(ctx, _selection(topic, tag, difficulty), minutes, target, _note)
    if as_json:
        _json(projection)
        return
    from quizprep.ui.console import stdout_console
    from quizprep.ui.plan import plan_view

    console = stdout_console()
    console.print(plan_view(projection, console.width, console.encoding.lower() not in ("utf-8", "utf8")))


@app.command()
def interview(
    count: Annotated[
        int,
        typer.Option("--limit", "--questions", "-n", min=1, max=50, help="Number of questions, spread across topics."),
    ] = 5,
    minutes: MinutesOption = 3,
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


class _PracticeByDefault(TyperGroup):
    """`quizprep code NAME` practises NAME: a first word that is no subcommand goes to `practice`."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args.insert(0, "practice")
        return super().resolve_command(ctx, args)


code_app = typer.Typer(
    cls=_PracticeByDefault,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(code_app, name="code")
CodeTimeoutOption = Annotated[
    float, typer.Option("--timeout", min=0.5, max=600.0, help="Seconds one test run may take.")
]
CodeTopicOption = Annotated[
    str | None, typer.Option("--topic", "-t", show_default=False, help="Only exercises of this bank topic.")
]


@code_app.callback(invoke_without_command=True)
def code(
    ctx: typer.Context,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the exercises and when each is due.")] = False,
    topic: CodeTopicOption = None,
    as_json: JsonOption = False,
    timeout: CodeTimeoutOption = 10.0,
) -> None:
    """Practise the due coding exercise, or one by name; list them with --list.

    In a session: Enter runs the hidden tests on your file, h shows a hint, g gives up, q quits.

    Examples:

    \b
      quizprep code                      # the exercise that is due
      quizprep code softmax              # one exercise
      quizprep code check softmax my_softmax.py --json
      quizprep code show softmax --solution
    """
    if ctx.invoked_subcommand is not None:
        return
    if list_:
        from quizprep import store
        from quizprep.exercises import list_exercises

        context = _context()
        with context.state() as conn:
            rows = [row.to_dict() for row in list_exercises(store.all_cards(conn), context.now, topic)]
        if as_json:
            _json(rows)
            return
        from quizprep.ui.code import exercises_table

        _show(exercises_table(rows))
        return
    _practise(None, topic, timeout, as_json)


@code_app.command("practice")
def code_practice(
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", show_default=False, help="The exercise.")] = None,
    topic: CodeTopicOption = None,
    as_json: JsonOption = False,
    timeout: CodeTimeoutOption = 10.0,
) -> None:
    """Practise one exercise: its stub opens in $VISUAL/$EDITOR, Enter runs the hidden tests."""
    _practise(name, topic, timeout, as_json)


def _practise(name, topic, timeout, as_json) -> None:
    from quizprep.modes.code import run_code

    io = _session_io()
    practice = run_code(_context(), name, topic, io, timeout=timeout)
    if as_json:
        _json(practice.to_dict())


@code_app.command("check")
def code_check(
    name: Annotated[str, typer.Argument(help="The exercise, e.g. softmax.")],
    file: Annotated[Path, typer.Argument(help="The Python file that defines the function.")],
    as_json: JsonOption = False,
    timeout: CodeTimeoutOption = 10.0,
) -> None:
    """Run an exercise's hidden tests on FILE; exit 0 when all pass, 1 otherwise. Never prompts."""
    from quizprep.exercises import CATALOG, check_file

    report = check_file(name, file, timeout)
    if as_json:
        _json(report.to_dict())
    else:
        from quizprep.ui.code import report_view

        _show(report_view(report.to_dict(), CATALOG[name][3]))
    if not report.ok:
        raise typer.Exit(1)


@code_app.command("show")
def code_show(
    name: Annotated[str, typer.Argument(help="The exercise.")],
    solution: Annotated[bool, typer.Option("--solution", help="Print the reference solution instead.")] = False,
) -> None:
    """Print the starting file of an exercise (signature and full specification), or its reference solution."""
    from quizprep import exercises

    typer.echo((exercises.solution if solution else exercises.stub)(name), nl=False)


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
    at: Annotated[
        str | None,
        typer.Option("--time", metavar="HH:MM", show_default=False, help="With interview-date: the interview's time."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """See or change settings: daily limits, retention, the interview date and time, daily minutes.

    Examples:

    \b
      quizprep config interview-date 2026-12-20 --time 14:00
      quizprep config daily-minutes 30
      quizprep config new-per-day --unset
    """
    from quizprep import config

    ctx = _context()
    if at is not None and key != "interview-date":
        raise typer.BadParameter("--time goes with interview-date", param_hint="'--time'")
    with ctx.state() as conn:
        values = config.change(conn, key, value, unset, ctx.today())
        if at is not None:
            values = config.change(conn, "interview-time", at, unset, ctx.today())
    rows = config.rows(values, key)
    if as_json:
        _json(config.as_json(values))
        return
    from quizprep.ui.listings import settings_view

    _show(settings_view(rows))


@app.command()
def optimize(
    as_json: JsonOption = False,
) -> None:
    """Fit FSRS's memory model to your own answers, so every schedule, recall figure and plan uses it.

    Needs a few hundred answers given a day or more apart, and the optimizer extra:
    pip install 'quizprep[optimizer]'. Shows log loss and RMSE on your history before and after.

    Examples:

    \b
      quizprep optimize
      quizprep config fsrs-parameters --unset     # back to the defaults
    """
    from quizprep.optimize import fit_and_store

    ctx = _context()
    with ctx.state() as conn:
        result = fit_and_store(conn, ctx.tz)
    if as_json:
        _json(result.to_dict())
        return
    from quizprep.ui.listings import fit_view

    _show(fit_view(result.to_dict()))


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
    force: Annotated[bool, typer.Option("--force", help="Replace the output file if it already exists.")] = False,
    bank: BankOption = None,
) -> None:
    """Export the selected items: a markdown study guide, the bank as JSON, or an Anki deck.

    An existing output file is replaced only with --force (or a yes at a terminal).
    """
    from quizprep.export import ExportRequest, run_export

    if answer_key and not no_answers:
        raise typer.BadParameter(
            "--answer-key goes with --no-answers (a guide with answers needs no key)", param_hint="'--answer-key'"
        )
    if (no_answers or no_demos) and format is not ExportFormat.markdown:
        raise typer.BadParameter("--no-answers and --no-demos apply to --format markdown", param_hint="'--format'")
    wanted = [part.strip() for entry in ids or [] for part in entry.split(",") if part.strip()]
    target = output or ("quizprep.apkg" if format is ExportFormat.anki else "-")
    force = force or _confirm_replace(target)
    request = ExportRequest(
        format.value, output, wanted, due, weak, not no_answers, answer_key, not (no_answers or no_demos), force
    )
    note = run_export(_context(bank), _selection(topic, tag, difficulty), request)
    if note:
        _note(note)


def _confirm_replace(target: str) -> bool:
    """At a terminal, ask before replacing an existing file; elsewhere the answer is no (use --force)."""
    import sys

    if target == "-" or not Path(target).expanduser().exists() or not sys.stdin.isatty():
        return False
    from quizprep.ui.console import safe

    return typer.confirm(f"{safe(target)} exists. Replace it?", default=False)


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
    from quizprep.ui.console import stdout_console
    from quizprep.ui.demo import demo_view

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

        ctx = _context()
        with ctx.state() as conn:
            report.history_added = import_reviews(conn, report.history, ctx.now)
    if as_json:
        _json(report.to_dict())
        return
    _show(import_view(report))


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
    hits = search_bank(_context(bank).bank(), text, limit)
    if as_json:
        _json({"query": text, "hits": [hit.to_dict() for hit in hits]})
        return
    from quizprep.ui.search import search_view

    _show(search_view(hits, text))


def main() -> None:
    """Console-script entry point."""
    from quizprep.ui.terminal import install_signal_handlers

    install_signal_handlers()
    app(prog_name="quizprep")
