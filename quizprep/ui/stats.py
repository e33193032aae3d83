"""The `quizprep stats` screen, one panel per figure: topics, heatmap, forecast, readiness."""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizprep.text import plural
from quizprep.ui.console import frame, plain_mode

SHADES = " ░▒▓█"


def percent(value) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def stats_view(figures: dict, width: int) -> RenderableType:
    """Progress at a glance: topics weakest first, a 12-week heatmap, the 14-day forecast, readiness."""
    head = (
        f"{plural(figures['total_reviews'], 'answer')} · "
        f"{figures['cards_seen']} of {plural(figures['items'], 'item')} seen"
        f" · {figures['due_now']} due now"
    )
    parts: list[RenderableType] = [Text(head, style="bold")]
    parts += [Text(""), *topics_panel(figures["topics"])]
    parts += [Text(""), *heatmap_panel(figures["heatmap"])]
    parts += [Text(""), *forecast_panel(figures["forecast"], width)]
    parts += [Text(""), *readiness_panel(figures.get("readiness"))]
    return frame(Group(*parts), title="quizprep stats", border_style="magenta", padding=(1, 1))


def topics_panel(topics: dict) -> list[RenderableType]:
    table = Table(box=None, pad_edge=False, title="By topic, weakest first", title_justify="left")
    for column in ("topic", "seen", "recall", "known", "answers", "right", "lapses", "due"):
        left = column == "topic"
        table.add_column(column, justify="left" if left else "right", style="cyan" if left else None, no_wrap=True)
    for topic, entry in topics.items():
        table.add_row(
            topic,
            f"{entry['seen']}/{entry['items']}",
            percent(entry["mean_recall"]),
            percent(entry["known"]),
            str(entry["reviews"]),
            percent(entry["accuracy"]),
            str(entry["lapses"]),
            str(entry["due"]),
        )
    legend = (
        "recall: mean FSRS recall now of the items seen · known: the same over all items, unseen as 0 · "
        "right: share of auto-graded answers right"
    )
    return [table, Text(legend, style="dim")]


def heatmap_panel(heatmap: dict) -> list[RenderableType]:
    """Twelve weeks as columns, weekdays as rows, darker for more answers (in plain mode: answers per week)."""
    title = f"Last 12 weeks · {heatmap['active_days']} active days · streak {plural(heatmap['streak'], 'day')}"
    if plain_mode():
        return [Text(title), *week_lines(heatmap["days"])]
    days = heatmap["days"]
    top = max((d["answers"] for d in days), default=0) or 1
    first = date.fromisoformat(days[0]["date"])
    by_offset = {(date.fromisoformat(d["date"]) - first).days: d["answers"] for d in days}
    weeks = len(days) // 7
    grid = Table.grid(padding=(0, 0))
    grid.add_column(style="dim", no_wrap=True)
    for _ in range(weeks):
        grid.add_column(no_wrap=True)
    for weekday in range(7):
        row = []
        for week in range(weeks):
            count = by_offset.get(week * 7 + ((weekday - first.weekday()) % 7), 0)
            shade = SHADES[min(4, 1 + int(3 * count / top))] if count else "·"
            row.append(Text(shade + " ", style="green" if count else "dim"))
        grid.add_row("MTWTFSS"[weekday] + " ", *row)
    return [Text(title, style="bold"), grid]


def week_lines(days: list[dict]) -> list[Text]:
    """'Week from 2026-09-14: 12 answers on 3 days', one line per week, for reading line by line."""
    lines = []
    for start in range(0, len(days), 7):
        week = days[start : start + 7]
        answers = sum(day["answers"] for day in week)
        active = sum(1 for day in week if day["answers"])
        lines.append(Text(f"  Week from {week[0]['date']}: {plural(answers, 'answer')} on {plural(active, 'day')}"))
    return lines


def forecast_panel(forecast: list[dict], width: int) -> list[RenderableType]:
    """A bar per day; any day with a card due gets a visible mark, however small next to the busiest day."""
    if plain_mode():
        lines = [Text("Due in the next 14 days")]
        for index, day in enumerate(forecast):
            label = "today" if index == 0 else date.fromisoformat(day["date"]).strftime("%a %d")
            lines.append(Text(f"  {label}: {day['due']}"))
        return lines
    most = max((d["due"] for d in forecast), default=0) or 1
    bars = Table.grid(padding=(0, 1))
    bars.add_column(style="dim", no_wrap=True)
    bars.add_column(style="cyan", no_wrap=True)
    bars.add_column(justify="right")
    room = max(10, min(40, width - 30))
    for index, day in enumerate(forecast):
        label = "today" if index == 0 else date.fromisoformat(day["date"]).strftime("%a %d")
        bars.add_row(label, "█" * round(day["due"] / most * room) or ("▏" if day["due"] else ""), str(day["due"]))
    return [Text("Due in the next 14 days", style="bold"), bars]


def readiness_panel(ready: dict | None) -> list[RenderableType]:
    if ready is None:
        hint = (
            "Set your interview date (quizprep config interview-date YYYY-MM-DD, or --interview-date) "
            "to see your readiness."
        )
        return [Text(hint, style="dim")]
    parts: list[RenderableType] = [
        Text(
            f"Interview readiness on {ready['date']}: expected recall {percent(ready['expected_recall'])}", style="bold"
        )
    ]
    table = Table(box=None, pad_edge=False)
    for column in ("topic", "expected recall", "unseen", "weak"):
        left = column == "topic"
        table.add_column(column, justify="left" if left else "right", style="cyan" if left else None)
    for topic, entry in ready["topics"].items():
        table.add_row(topic, percent(entry["expected_recall"]), str(entry["unseen"]), str(entry["weak"]))
    parts.append(table)
    if ready["plan"]:
        parts.append(Text("Study next (largest gain first):", style="bold"))
        for step in ready["plan"]:
            detail = f"{step['unseen']} unseen, {step['weak']} weak"
            gain = f"  up to +{step['gain']:g} items known ({detail}):  "
            parts.append(Text.assemble("  • ", (step["topic"], "cyan"), gain, (step["command"], "bold")))
    return parts
