"""What the coding exercises show: the list, the practice header, the commands, a test report, hints, the outcome
and the user's code beside the reference solution.

Views take plain values (dicts from `to_dict`, strings) and return Rich renderables; they never print.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizprep.text import plural
from quizprep.ui.console import frame, plain_mode
from quizprep.ui.text import difficulty_label

SIDE_BY_SIDE = 150  # from this width the two solutions sit side by side
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def exercises_table(rows: list[dict]) -> Table:
    """One line per exercise: name, topic, difficulty, due state, summary."""
    table = Table(title=plural(len(rows), "exercise"), title_justify="left", box=None, pad_edge=False)
    table.add_column("name", style="cyan", no_wrap=True)
    table.add_column("topic", no_wrap=True)
    table.add_column("level", no_wrap=True, justify="right")
    table.add_column("due", no_wrap=True)
    table.add_column("what to write", min_width=24)
    for row in rows:
        due_style = "green" if row["due"] == "due" else ("yellow" if row["due"] == "new" else "dim")
        table.add_row(row["name"], row["topic"], str(row["difficulty"]), Text(row["due"], due_style), row["summary"])
    return table


def practice_header(name: str, topic: str, difficulty: int, summary: str, path: str) -> RenderableType:
    title = Text.assemble((name, "bold cyan"), ("  ·  ", "dim"), topic, ("  ·  ", "dim"), difficulty_label(difficulty))
    body = Group(
        Text(summary),
        Text(""),
        Text.assemble("Write your solution in ", (path, "bold")),
        Text("The file's docstring states the exact specification; use NumPy only.", style="dim"),
    )
    return frame(body, title=title, border_style="blue")


def commands_prompt(has_editor: bool, hints_seen: int, hints_total: int) -> Text:
    """The prompt line listing the commands."""
    parts = [("Enter", "run the tests")]
    if has_editor:
        parts.append(("e", "edit"))
    if hints_total:
        parts.append(("h", f"hint ({hints_seen}/{hints_total})"))
    parts += [("g", "give up"), ("q", "quit")]
    prompt = Text()
    for index, (key, what) in enumerate(parts):
        prompt.append("  ·  " if index else "")
        prompt.append(key, style="bold")
        prompt.append(f" {what}")
    return prompt + Text(" : ")


def hint_view(index: int, hints: list[str]) -> Text:
    """Hint number index + 1 (the last one again once all were shown)."""
    shown = min(index, len(hints) - 1)
    return Text.assemble((f"Hint {shown + 1} of {len(hints)}: ", "bold yellow"), hints[shown])


def note_view(message: str) -> Text:
    return Text(message, style="dim")


def report_view(report: dict, summary: str = "") -> RenderableType:
    """A test run: the count passed, each failure with its input, expected and actual values, or why it stopped."""
    passed, total = report["passed"], report["total"]
    seconds = f" in {report['seconds']:.1f} s"
    if report["ok"]:
        return Text.assemble(("✓ ", "bold green"), f"all {plural(total, 'case')} passed{seconds}")
    parts: list[RenderableType] = [
        Text.assemble(("✗ ", "bold red"), f"{passed} of {plural(total, 'case')} passed{seconds}")
    ]
    if report["error"]:
        parts.append(Text(report["error"], style="red"))
    if report.get("traceback"):
        parts.append(Text(report["traceback"]))
    parts += [failure_view(failure) for failure in report["failures"][:3]]
    hidden = len(report["failures"]) - 3
    if hidden > 0:
        parts.append(Text(f"… and {plural(hidden, 'more failure')}", style="dim"))
    if report.get("output", "").strip():
        parts += [Text("Your code printed:", style="bold"), Text(last_lines(report["output"], 15), style="dim")]
    return Group(*parts)


def failure_view(failure: dict) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row("problem", Text(failure["message"], style="red"))
    grid.add_row("input", Text(failure["input"]))
    grid.add_row("expected", Text(failure["expected"]))
    grid.add_row("got", Text(failure["got"]))
    if failure.get("hint"):
        grid.add_row("hint", Text(failure["hint"], style="yellow"))
    return frame(grid, title=Text(f"case: {failure['case']}"), border_style="red", padding=(0, 1))


def last_lines(text: str, count: int) -> str:
    lines = text.rstrip().splitlines()
    skipped = len(lines) - count
    return "\n".join(([f"… {plural(skipped, 'line')} before"] if skipped > 0 else []) + lines[-count:])


def outcome_view(practice: dict) -> Text:
    """How it went and how it was rated."""
    if practice["gave_up"]:
        lead = Text("Gave up: here is the reference solution. ", style="yellow")
    else:
        lead = Text.assemble(
            ("✓ Solved ", "bold green"),
            f"after {plural(practice['runs'], 'run')}, {plural(practice['hints'], 'hint')}. ",
        )
    rating = practice["rating"]
    lead.append(f"Rated {RATING_NAMES.get(rating, '?')}", style="bold")
    if practice.get("due"):
        lead.append(f"; next due {practice['due'][:16].replace('T', ' ')} UTC", style="dim")
    return lead


def solution_view(mine: str, reference: str, width: int) -> RenderableType:
    """Your code beside the reference solution (one above the other on a narrow terminal)."""
    from rich.syntax import Syntax

    def code(text: str) -> Syntax:
        return Syntax(text, "python", theme="ansi_dark", word_wrap=True, background_color="default")

    if width >= SIDE_BY_SIDE and not plain_mode():  # side by side reads as interleaved lines aloud
        table = Table(box=None, expand=True, pad_edge=False)
        table.add_column("your code", ratio=1)
        table.add_column("reference solution", ratio=1)
        table.add_row(code(mine), code(reference))
        return table
    return Group(
        Text("your code", style="bold"), code(mine), Text(""), Text("reference solution", style="bold"), code(reference)
    )
