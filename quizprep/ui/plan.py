"""The `quizprep plan` screen: the days to the interview, what each holds, and readiness as a plot."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizprep.text import plural


def readiness_plot(days: list[dict], width: int, ascii_only: bool = False) -> Text:
    """Projected readiness by day on a 0..1 scale (uniplot), the last day's value always visible."""
    from uniplot import plot_to_string

    values = [day["readiness"] for day in days]
    if len(values) == 1:
        values = values * 2
    drawing = plot_to_string(
        values,
        xs=list(range(1, len(values) + 1)),
        title="readiness at the interview, by day of study",
        width=max(20, min(60, width - 20)),
        height=8,
        lines=True,
        y_min=0.0,
        y_max=1.0,
        character_set="ascii" if ascii_only else "block",
    )
    return Text(drawing)


def plan_view(projection: dict, width: int, ascii_only: bool = False) -> RenderableType:
    """Day by day: minutes, new items, reviews, readiness; then the outcome and, if short, the minutes needed."""
    budget = projection["daily_minutes"]
    head = Text.assemble(
        ("Plan to your interview ", "bold"),
        f"({projection['interview']}) · ",
        f"{budget:g} min a day" if budget is not None else "minutes a day set by the planner",
        f" · readiness now {projection['readiness_now']:.2f}",
    )
    table = Table(box=None, pad_edge=False)
    for column in ("day", "minutes", "new", "reviews", "readiness"):
        table.add_column(column, justify="left" if column == "day" else "right", no_wrap=True)
    for day in projection["days"]:
        table.add_row(
            day["date"],
            f"{day['minutes']:.0f}",
            f"{day['new']:.0f}",
            f"{day['reviews']:.0f}",
            f"{day['readiness']:.2f}",
        )
    parts: list[RenderableType] = [head, Text(""), table, Text("")]
    if projection["days"]:
        parts += [readiness_plot(projection["days"], width, ascii_only), Text("")]
    parts.append(outcome(projection))
    return Group(*parts)


def outcome(projection: dict) -> Text:
    final, target = projection["readiness_at_interview"], projection["target"]
    text = Text(f"Expected recall at the interview: {final:.2f} of the selection", style="bold")
    if final >= target:
        text.append(f" (target {target:.2f} reached).", style="green")
    elif projection["minutes_for_target"] is not None:
        minutes = plural(round(projection["minutes_for_target"]), "minute")
        text.append(f". Reaching {target:.2f} takes about {minutes} a day.", style="yellow")
    else:
        text.append(f". {target:.2f} is out of reach before the interview, even at 10 hours a day.", style="yellow")
    return text
