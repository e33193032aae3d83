"""`quizprep code`: coding exercises, practised in your editor and checked by hidden tests."""

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from quizprep.cli.base import app, context, page, print_json, session_io, show
from quizprep.options import JsonOption, complete_exercises, complete_topics


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
    str | None,
    typer.Option(
        "--topic",
        "-t",
        show_default=False,
        help="Only exercises of this bank topic.",
        autocompletion=complete_topics,
    ),
]
ExerciseArgument = Annotated[str, typer.Argument(help="The exercise, e.g. softmax.", autocompletion=complete_exercises)]


@code_app.callback(invoke_without_command=True)
def code(
    ctx: typer.Context,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the exercises and when each is due.")] = False,
    topic: CodeTopicOption = None,
    as_json: JsonOption = False,
    timeout: CodeTimeoutOption = 10.0,
) -> None:
    """Practise the due coding exercise, or one by name; list them with --list.

    Keys in a session: Enter runs the hidden tests on your file, h shows a hint, g gives up, q quits.

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

        here = context()
        with here.state() as conn:
            rows = [row.to_dict() for row in list_exercises(store.all_cards(conn), here.now, topic)]
        if as_json:
            print_json(rows)
            return
        from quizprep.ui.code import exercises_table

        page(exercises_table(rows))
        return
    _practise(None, topic, timeout, as_json)


@code_app.command("practice")
def code_practice(
    name: Annotated[
        str | None,
        typer.Argument(metavar="[NAME]", show_default=False, help="The exercise.", autocompletion=complete_exercises),
    ] = None,
    topic: CodeTopicOption = None,
    as_json: JsonOption = False,
    timeout: CodeTimeoutOption = 10.0,
) -> None:
    """Practise one exercise: its stub opens in $VISUAL/$EDITOR, Enter runs the hidden tests.

    Keys: Enter runs the hidden tests on your file, h shows a hint, g gives up, q quits.

    Examples:

    \b
      quizprep code practice softmax
      EDITOR=nano quizprep code practice layer_norm
    """
    _practise(name, topic, timeout, as_json)


def _practise(name, topic, timeout, as_json) -> None:
    from quizprep.modes.code import run_code

    io = session_io()
    practice = run_code(context(), name, topic, io, timeout=timeout)
    if as_json:
        print_json(practice.to_dict())


@code_app.command("check")
def code_check(
    name: ExerciseArgument,
    file: Annotated[Path, typer.Argument(help="The Python file that defines the function.")],
    as_json: JsonOption = False,
    timeout: CodeTimeoutOption = 10.0,
) -> None:
    """Run an exercise's hidden tests on FILE; exit 0 when all pass, 1 otherwise. Never prompts.

    Examples:

    \b
      quizprep code check softmax my_softmax.py
      quizprep code check softmax my_softmax.py --json --timeout 30
    """
    from quizprep.exercises import CATALOG, check_file

    report = check_file(name, file, timeout)
    if as_json:
        print_json(report.to_dict())
    else:
        from quizprep.ui.code import report_view

        show(report_view(report.to_dict(), CATALOG[name][3]))
    if not report.ok:
        raise typer.Exit(1)


@code_app.command("show")
def code_show(
    name: ExerciseArgument,
    solution: Annotated[bool, typer.Option("--solution", help="Print the reference solution instead.")] = False,
) -> None:
    """Print the starting file of an exercise (signature and full specification), or its reference solution.

    Examples:

    \b
      quizprep code show softmax > softmax.py
      quizprep code show softmax --solution
    """
    from quizprep import exercises

    typer.echo((exercises.solution if solution else exercises.stub)(name), nl=False)
