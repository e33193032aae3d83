"""The commands that practise: quiz, review, plan, interview, drill and demo."""

from typing import Annotated

import typer

from quizprep.cli.base import app, context, note, page, print_json, selection, session_io, show
from quizprep.options import (
    MAX_SEED,
    BankOption,
    DifficultyOption,
    InterviewDateOption,
    JsonOption,
    MinutesOption,
    QuestionType,
    SeedOption,
    TagOption,
    TopicOption,
    complete_demos,
    complete_drills,
)


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

    Keys: a letter picks an option, a number answers a drill, Space shows a flashcard's answer and
    1-4 rates it; at any prompt q quits, s skips, u undoes your last answer, d runs the demo of the
    item you just answered, ? lists the keys.

    Examples:

    \b
      quizprep quiz
      quizprep quiz --topic optimization --type mcq -n 5
      quizprep quiz --weak --seed 7
    """
    from quizprep.modes.quiz import run_quiz
    from quizprep.ui.session import summary_view

    io = session_io()
    summary = run_quiz(
        context(bank, seed), selection(topic, tag, difficulty), type_.value if type_ else None, limit, weak, io
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
    from quizprep.ui.console import plain_mode
    from quizprep.ui.session import summary_view

    io = session_io()
    ctx = context(bank, interview_date=interview_date)
    # Plain output never clears the screen: a screen reader reads on from where it was.
    summary = run_review(ctx, selection(topic, tag, difficulty), limit, io, keep_going, scroll or plain_mode())
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

    ctx = context(bank, interview_date=interview_date)
    projection = plan_for(ctx, selection(topic, tag, difficulty), minutes, target, note)
    if as_json:
        print_json(projection)
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
    """A mock interview: questions across topics against a countdown, then tick off the key points you covered.

    Keys: type your answer and press Enter (q alone quits, Ctrl-C ends the interview); then give the
    numbers of the key points you covered (e.g. 1 3), 'all', or Enter for none.

    Examples:

    \b
      quizprep interview
      quizprep interview -n 3 --minutes 5 --topic llm-architecture
      quizprep --plain interview      # the time allowed as a line, no live countdown
    """
    from quizprep.modes.interview import run_interview
    from quizprep.ui.interview import report_view

    io = session_io()
    report = run_interview(context(bank, seed), selection(topic, tag, difficulty), count, int(minutes * 60), io)
    io.show(report_view(report))


@app.command()
def drill(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            show_default=False,
            help="A drill template; default: a mix. `--list` shows them.",
            autocompletion=complete_drills,
        ),
    ] = None,
    count: Annotated[int, typer.Option("--limit", "-n", min=1, max=100, help="Number of problems.")] = 5,
    topic: TopicOption = None,
    seed: SeedOption = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the drill templates.")] = False,
    as_json: JsonOption = False,
    bank: BankOption = None,
) -> None:
    """Numeric drills: fresh problems from templates, answered with a number, graded with a tolerance.

    Examples:

    \b
      quizprep drill
      quizprep drill kv-cache-size -n 3
      quizprep drill --list --json
    """
    if list_:
        from quizprep.drills import CATALOG

        if as_json:
            print_json([{"name": n, "title": title, "topic": t} for n, (title, t) in CATALOG.items()])
            return
        from quizprep.ui.listings import names_table

        rows = [(n, t, title) for n, (title, t) in CATALOG.items()]
        page(names_table(f"{len(CATALOG)} drills", rows, ("name", "topic", "what it asks")))
        return
    from quizprep.modes.drill import run_drills
    from quizprep.ui.session import summary_view

    io = session_io()
    summary = run_drills(context(bank, seed), name, list(topic or []), count, io)
    io.show(summary_view(summary))


@app.command()
def demo(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            help="The demo to run; `--list` shows the names.",
            show_default=False,
            autocompletion=complete_demos,
        ),
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
    """Run a live NumPy demo: see each step of a computation, with your own numbers via --set.

    Curves are drawn as terminal plots (ASCII on a terminal without Unicode); --plain prints the numbers.

    Examples:

    \b
      quizprep demo softmax --set 'logits=[2, 1, 0]'
      quizprep demo early-stopping
      quizprep demo --list
    """
    from quizprep.demos import CATALOG, parse_params, run_demo

    if list_:
        if as_json:
            print_json([{"name": n, "summary": s} for n, s in CATALOG.items()])
            return
        from quizprep.ui.listings import names_table

        page(names_table(f"{len(CATALOG)} demos", list(CATALOG.items()), ("name", "what it shows")))
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
    show(demo_view(result, console.width, ascii_only=console.encoding.lower() not in ("utf-8", "utf8")))
