"""Rich views of a demo's steps: sentences, aligned numbers and grids, small plots and bars.

Works on the plain data of `DemoResult.to_dict()`, so it never imports NumPy.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"
PLOT_HEIGHT = 6


def number(value: Any) -> str:
    """A number as a person reads it: integers plainly, others to 4 significant digits."""
    if value is None:
        return "nan"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def value_view(value: Any) -> RenderableType:
    """A scalar as text, a vector as one bracketed row, a matrix as an aligned grid."""
    if isinstance(value, dict):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim")
        grid.add_column()
        for key, entry in value.items():
            grid.add_row(str(key), value_view(entry))
        return grid
    if not isinstance(value, list):
        return Text(number(value), style="bold")
    if (
        value
        and all(isinstance(row, list) for row in value)
        and all(not isinstance(x, list) for row in value for x in row)
    ):
        return matrix_view(value)
    if all(not isinstance(x, list) for x in value):
        return Text("[ " + "  ".join(number(x) for x in value) + " ]")
    return Text(str(value))


def matrix_view(rows: list[list[Any]]) -> RenderableType:
    width = max((len(row) for row in rows), default=0)
    grid = Table.grid(padding=(0, 1))
    grid.add_column()
    for _ in range(width):
        grid.add_column(justify="right")
    grid.add_column()
    for index, row in enumerate(rows):
        left = "⎡" if index == 0 else ("⎣" if index == len(rows) - 1 else "⎢")
        right = "⎤" if index == 0 else ("⎦" if index == len(rows) - 1 else "⎥")
        if len(rows) == 1:
            left, right = "[", "]"
        cells = [number(x) for x in row] + [""] * (width - len(row))
        grid.add_row(left, *cells, right)
    return grid


def plot_view(values: list[Any], width: int) -> Text:
    """A column chart PLOT_HEIGHT rows tall, with the largest and smallest values labelled."""
    finite = [v for v in values if v is not None]
    if not finite:
        return Text("(no finite values)")
    if len(values) > width:  # keep the first and last point, sample evenly between
        step = (len(values) - 1) / (width - 1)
        values = [values[round(i * step)] for i in range(width)]
    low, high = min(finite), max(finite)
    span = (high - low) or 1.0
    heights = [None if v is None else (v - low) / span * PLOT_HEIGHT * 8 for v in values]
    lines = []
    for row in range(PLOT_HEIGHT, 0, -1):
        chars = []
        for h in heights:
            if h is None:
                chars.append("×" if row == 1 else " ")
                continue
            fill = h - (row - 1) * 8
            chars.append(
                BLOCKS[8]
                if fill >= 8
                else (BLOCKS[max(int(fill), 0)] if fill > 0 else (BLOCKS[1] if row == 1 else " "))
            )
        label = number(high) if row == PLOT_HEIGHT else (number(low) if row == 1 else "")
        lines.append(f"{''.join(chars)}  {label}")
    return Text("\n".join(lines), style="cyan")


def series_view(step: dict, width: int) -> RenderableType:
    parts: list[RenderableType] = []
    x = step.get("x")
    for name, values in step["series"].items():
        title = Text(name, style="bold")
        if x:
            title.append(f"   x: {number(x[0])} … {number(x[-1])}", style="dim")
        first, last = values[0] if values else None, values[-1] if values else None
        title.append(f"   first {number(first)}, last {number(last)}", style="dim")
        parts += [title, plot_view(values, max(10, width - 16))]
    return Group(*parts)


def bars_view(step: dict, width: int) -> RenderableType:
    values = [v if v is not None else 0.0 for v in step["values"]]
    top = max((abs(v) for v in values), default=1.0) or 1.0
    label_width = max((len(str(label)) for label in step["labels"]), default=1)
    room = max(10, width - label_width - 16)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, style="cyan")
    grid.add_column(justify="right")
    for label, value in zip(step["labels"], values):
        grid.add_row(str(label), "█" * max(0, round(abs(value) / top * room)) or "▏", number(value))
    return grid


def step_view(step: dict, width: int) -> RenderableType:
    kind = step["kind"]
    parts: list[RenderableType] = []
    if kind == "text":
        return Text(step["text"])
    label = Text(step.get("label") or "", style="bold")
    if kind == "value":
        value = step["value"]
        if not isinstance(value, (list, dict)):
            return Text.assemble(label, " = ", Text(number(value), style="bold")) + (
                Text("   " + step["text"], style="dim") if step.get("text") else Text("")
            )
        parts += [label, Padding(value_view(value), (0, 0, 0, 2))]
    elif kind == "series":
        parts += [label, Padding(series_view(step, width - 2), (0, 0, 0, 2))]
    elif kind == "bars":
        parts += [label, Padding(bars_view(step, width - 2), (0, 0, 0, 2))]
    if step.get("text"):
        parts.append(Text(step["text"], style="dim"))
    return Group(*parts)


def demo_view(result: dict, width: int = 80) -> RenderableType:
    """The whole demo in a panel: each step in order, then the result."""
    inner = width - 6
    body: list[RenderableType] = []
    for step in result["steps"]:
        body += [step_view(step, inner), Text("")]
    body += [Text("result", style="bold green"), Padding(value_view(result["result"]), (0, 0, 0, 2))]
    title = f"[bold]demo {result['name']}[/]  [dim]seed {result['seed']}[/]"
    return Panel(
        Group(*body),
        title=title,
        subtitle=result["summary"],
        title_align="left",
        subtitle_align="left",
        border_style="magenta",
        padding=(1, 2),
    )
