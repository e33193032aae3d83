"""Lists and small reports: demos, drills, settings, orphaned progress, installation info, bank problems."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizprep.text import plural


def names_table(title: str, rows: list[tuple[str, ...]], columns: tuple[str, ...]) -> Table:
    """A borderless table whose first column is a name: the demo and drill lists."""
    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column(columns[0], style="cyan", no_wrap=True)
    for column in columns[1:-1]:
        table.add_column(column, no_wrap=True)
    table.add_column(columns[-1])
    for row in rows:
        table.add_row(*row)
    return table


def settings_view(rows: list[tuple[str, object, object, str]]) -> Group:
    """One line per setting: name = value (default ...) and what it does. Rows: (name, value, default, help)."""
    lines = []
    for name, value, default, help_text in rows:
        line = Text.assemble((name, "bold"), " = ", ("not set" if value is None else str(value), "cyan"))
        if value != default:
            line.append(f"  (default {'none' if default is None else default})", style="dim")
        line.append(f"   {help_text}", style="dim")
        lines.append(line)
    return Group(*lines)


def orphans_view(found: list[tuple[str, int, str]]) -> Group:
    """Orphaned progress: id, answers and the date of the last one."""
    if not found:
        return Group(Text("No orphaned progress: every stored item is in the loaded banks."))
    lines = [
        Text.assemble((item_id, "cyan"), f"  {plural(answers, 'answer')}, last {last[:10] or 'never'}")
        for item_id, answers, last in found
    ]
    return Group(*lines)


def info_view(rows: list[tuple[str, str]]) -> Group:
    width = max(len(label) for label, _ in rows) + 2
    return Group(*(Text.assemble((label.ljust(width), "bold"), value) for label, value in rows))


def problems_note(problems: list) -> Text:
    """'3 problems in 2 files.' after a bank's problem list."""
    files = len({problem.file for problem in problems})
    return Text.assemble((plural(len(problems), "problem"), "red"), f" in {plural(files, 'file')}.")


def validated_note(items: int, files: int) -> RenderableType:
    return Text.assemble(("✓", "green"), f" {plural(items, 'item')} in {plural(files, 'file')}: no problems.")


def fit_view(fit: dict) -> Group:
    """What `quizprep optimize` found: how well the old and new parameters predict your own answers."""
    before, after = fit["before"], fit["after"]
    table = Table(box=None, pad_edge=False)
    for column in ("", "log loss", "RMSE"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row("before", f"{before['log_loss']:.4f}", f"{before['rmse']:.4f}")
    table.add_row("after", f"{after['log_loss']:.4f}", f"{after['rmse']:.4f}")
    head = Text(
        f"Fitted FSRS-6 to {plural(fit['reviews'], 'answer')} on {plural(fit['items'], 'item')}; "
        "lower is better for both figures.",
        style="bold",
    )
    tail = Text("Saved: schedules, recall figures and plans use these parameters from now on.", style="green")
    return Group(head, table, tail)
