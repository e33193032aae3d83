"""The typer app every command hangs on, the root options (--version, --plain), and what commands share.

Each command builds a Context from its options, calls one function of the core,
and hands what it returns to one view. Exit codes: 0 success, 1 a failure the
user can fix, 2 a usage error. A QuizprepError from anywhere below is printed
once, here, as `Error: ...` on stderr; users never see a traceback.
"""

from typing import Annotated

import typer
from typer.core import TyperGroup

from quizprep import __version__
from quizprep.errors import QuizprepError


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
            if _is_choice_error(exc):
                _add_choice_suggestion(exc)
            if type(exc).__module__.split(".")[0] in ("click", "typer") or _debugging():
                raise  # click's own exits and usage errors, or a developer asking for the traceback
            print_error(unexpected(exc))
            raise typer.Exit(1) from None

    def list_commands(self, ctx):
        return list(self.commands)  # in the order they were declared, study first


def _is_choice_error(exc: Exception) -> bool:
    param = getattr(exc, "param", None)
    return type(exc).__name__ == "BadParameter" and hasattr(getattr(param, "type", None), "choices")


def _add_choice_suggestion(exc) -> None:
    """'mrkdown' is not one of 'markdown', 'json', 'anki' (did you mean 'markdown'?)."""
    from quizprep.text import suggest

    given = exc.message.split("'")[1] if exc.message.count("'") >= 2 else ""
    hint = suggest(given, exc.param.type.choices) if given else ""
    if hint and "did you mean" not in exc.message:
        exc.message = exc.message.rstrip(".") + hint + "."


def _debugging() -> bool:
    import os

    return os.environ.get("QUIZPREP_DEBUG", "") not in ("", "0")


app = typer.Typer(
    cls=_Group,
    name="quizprep",
    epilog="Data folder: $QUIZPREP_HOME, or your platform's user data folder. Docs: README.md.",
    no_args_is_help=False,  # a bare `quizprep` shows the dashboard
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: Rich help panels cost ~50 ms of start-up (typer imports rich.markdown)
    context_settings={"help_option_names": ["-h", "--help"]},
)


def context(bank=None, seed=None, interview_date=None):
    from quizprep.clock import check_interview_date, local_day, local_zone, utc_now
    from quizprep.context import Context

    now, zone = utc_now(), local_zone()
    if interview_date is not None:
        check_interview_date(interview_date, local_day(now, zone))
    return Context(now=now, tz=zone, bank_paths=list(bank or []), seed=seed, interview_date=interview_date)


def selection(topic, tag, difficulty):
    from quizprep.context import Selection

    return Selection(list(topic or []), list(tag or []), [int(level.value) for level in difficulty or []])


def session_io():
    from quizprep.ui.console import stdout_console
    from quizprep.ui.terminal import open_io

    return open_io(stdout_console())


def show(renderable) -> None:
    from quizprep.ui.console import show as show_view

    show_view(renderable)


def page(renderable) -> None:
    """Show a view that may be long: through the pager when it is taller than the terminal."""
    from quizprep.ui.console import page as page_view

    page_view(renderable)


def note(message) -> None:
    from quizprep.ui.console import print_note

    print_note(message)


def print_json(data) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def width() -> int:
    from quizprep.ui.console import stdout_console

    return stdout_console().width


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quizprep {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            envvar="QUIZPREP_PLAIN",
            show_envvar=False,
            help="Plain output for screen readers: no boxes, colour, cursor moves or live countdowns "
            "(also QUIZPREP_PLAIN=1).",
        ),
    ] = False,
) -> None:
    """Get ready for deep-learning interviews: a question bank, quizzes and live NumPy demos in your terminal.

    Without a command: what is due today, your streak, the days to your interview and what to run next.

    Examples:

    \b
      quizprep                      # today at a glance
      quizprep review               # study what is due
      quizprep --plain quiz -n 5    # five questions, screen-reader friendly
    """
    from quizprep.ui import set_plain

    set_plain(plain)
    if ctx.invoked_subcommand is None:
        from quizprep.dashboard import dashboard
        from quizprep.ui.dashboard import dashboard_view

        show(dashboard_view(dashboard(context())))
