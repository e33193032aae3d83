"""The commands about your own progress and settings: stats, config, optimize, orphans, info."""

from typing import Annotated

import typer

from quizprep.cli.base import app, context, page, print_json, show, width
from quizprep.options import BankOption, InterviewDateOption, JsonOption, complete_settings


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as one JSON object.")] = False,
    interview_date: InterviewDateOption = None,
    bank: BankOption = None,
) -> None:
    """Your progress: topics weakest first, a 12-week heatmap and streak, the 14-day forecast, interview readiness.

    Examples:

    \b
      quizprep stats
      quizprep stats --interview-date 2026-12-20
      quizprep stats --json
    """
    from quizprep.stats import gather

    figures = gather(context(bank, interview_date=interview_date))
    if as_json:
        print_json(figures)
        return
    from quizprep.ui.stats import stats_view

    page(stats_view(figures, width()))


@app.command("config")
def config_command(
    key: Annotated[
        str | None,
        typer.Argument(
            metavar="[KEY]",
            help="A setting; without one, all are shown.",
            show_default=False,
            autocompletion=complete_settings,
        ),
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

    ctx = context()
    if at is not None and key != "interview-date":
        raise typer.BadParameter("--time goes with interview-date", param_hint="'--time'")
    with ctx.state() as conn:
        values = config.change(conn, key, value, unset, ctx.today())
        if at is not None:
            values = config.change(conn, "interview-time", at, unset, ctx.today())
    rows = config.rows(values, key)
    if as_json:
        print_json(config.as_json(values))
        return
    from quizprep.ui.listings import settings_view

    show(settings_view(rows))


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

    ctx = context()
    with ctx.state() as conn:
        result = fit_and_store(conn, ctx.tz)
    if as_json:
        print_json(result.to_dict())
        return
    from quizprep.ui.listings import fit_view

    show(fit_view(result.to_dict()))


@app.command()
def orphans(
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete their progress (a backup of the database is kept first).")
    ] = False,
    bank: BankOption = None,
) -> None:
    """List progress kept for items that are no longer in any loaded bank (renamed or removed ids).

    Examples:

    \b
      quizprep orphans
      quizprep orphans --bank old-bank.yaml
      quizprep orphans --prune
    """
    from quizprep import orphans as core
    from quizprep import store
    from quizprep.text import plural
    from quizprep.ui.listings import orphans_view

    ctx = context(bank)
    known = core.known_keys(ctx.bank())
    with ctx.state() as conn:
        found = store.orphans(conn, known)
        show(orphans_view(found))
        if not found:
            return
        if not prune:
            show(
                f"{plural(len(found), 'orphaned item')}. "
                "Load the bank that has them with --bank, or remove their progress with --prune."
            )
            return
        removed, backup = core.prune(conn, found, ctx.now)
    show(f"Removed the progress of {plural(removed, 'item')}. A copy of the database before pruning is at {backup}.")


@app.command()
def info(as_json: JsonOption = False, bank: BankOption = None) -> None:
    """Show the version, where your progress and cache are kept, and which banks load.

    Examples:

    \b
      quizprep info
      quizprep info --json
    """
    from quizprep.info import gather

    rows = gather(list(bank or []))
    if as_json:
        print_json(info_json(rows))
        return
    from quizprep.ui.listings import info_view

    show(info_view(rows))


def info_json(rows: list[tuple[str, str]]) -> dict:
    """The info rows as one object: single facts by name, the banks and the backups as lists."""
    data: dict = {"banks": [], "backups": []}
    for label, value in rows:
        if label.startswith("bank ("):
            data["banks"].append({"origin": label[len("bank (") : -1], "path": value})
        elif label == "backup":
            data["backups"].append(value)
        else:
            data[label.replace(" ", "_")] = value
    return data
