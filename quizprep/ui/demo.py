"""Rich views of a demo's steps: sentences, aligned numbers and grids, plots of curves, and bars.

Works on the plain data of `DemoResult.to_dict()`. Curves are drawn with uniplot (which imports
NumPy: only when a demo with curves is shown). In plain mode curves and bars are given as numbers.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from quizprep.ui.console import frame, plain_mode

PLOT_HEIGHT = 12
PLOT_MARGIN = 12  # room for the frame and the y-axis labels beside the plot
PLAIN_ROWS = 11
# uniplot frames its plot with box-drawing characters; a terminal without Unicode gets ASCII ones.
ASCII_FRAME = str.maketrans({"┌": "+", "┐": "+", "└": "+", "┘": "+", "─": "-", "│": "|", "├": "+", "┤": "+"})


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
        if len(rows) == 1 or plain_mode():  # bracket pieces mean nothing read aloud
            left, right = "[", "]"
        cells = [number(x) for x in row] + [""] * (width - len(row))
        grid.add_row(left, *cells, right)
    return grid


def plot_view(xs: list[Any], series: dict[str, list[Any]], width: int, ascii_only: bool = False) -> Text:
    """Curves on one shared scale, with a legend and round axis ticks, drawn by uniplot.

    Points are joined by lines, so every value has a drawn cell and a curve's minimum always shows;
    the vertical range is the data's own, so the lowest value sits on the bottom row. Several curves
    get one marker each (+ x o ...), readable without colour; a single curve is drawn with blocks
    unless the terminal cannot show them. `xs` may be empty (then the x axis counts points).
    The ticks are placed here, by the same rule uniplot uses to place points (its own labels can
    land a row or more away from their value)."""
    import uniplot

    ys = [[_finite(v) for v in values] for values in series.values()]
    finite = [v for values in ys for v in values if v == v]  # NaN != NaN
    count = max(len(values) for values in ys)
    x_axis = [_finite(v) for v in xs] if xs else [float(i) for i in range(count)]
    if not finite:
        return Text("(no finite values)")
    cells = max(10, width - PLOT_MARGIN)
    y_box, x_box = _box(min(finite), max(finite)), _box(min(x_axis), max(x_axis))
    markers = ascii_only or len(ys) > 1
    drawn = uniplot.plot_to_string(
        ys,
        xs=[x_axis[: len(values)] for values in ys],
        lines=True,
        width=cells,
        height=PLOT_HEIGHT,
        color=False,
        character_set="ascii" if markers else "block",
        x_gridlines=[],
        y_gridlines=[],
        x_labels=False,
        y_labels=False,
        x_min=x_box[0],
        x_max=x_box[1],
        y_min=y_box[0],
        y_max=y_box[1],
        legend_labels=list(series) if len(ys) > 1 else None,
    )
    lines = drawn.rstrip("\n").splitlines()
    for tick in nice_ticks(min(finite), max(finite), PLOT_HEIGHT // 3):
        row = PLOT_HEIGHT - _cell(tick, y_box, PLOT_HEIGHT)  # line 0 is the frame's top
        lines[row] += " " + number(tick)
    lines.insert(PLOT_HEIGHT + 2, x_tick_line(x_box, cells))
    text = "\n".join(lines)
    return Text(text.translate(ASCII_FRAME) if ascii_only else text, style="cyan")


def _box(low: float, high: float) -> tuple[float, float]:
    """The plotted range: the data's own, a hair wider at the top so the largest value lands on the last cell."""
    span = (high - low) or 1.0
    return low if high > low else low - span / 2, (high if high > low else high + span / 2) + span * 1e-9


def _cell(value: float, box: tuple[float, float], cells: int) -> int:
    """The cell (from 0 at the bottom or left) a value falls in: uniplot's own rule, truncation."""
    return min(cells - 1, max(0, int((value - box[0]) / (box[1] - box[0]) * cells)))


def nice_ticks(low: float, high: float, most: int) -> list[float]:
    """Round values (steps of 1, 2 or 5 times a power of ten) from `low` to `high`: at most `most`, at least one."""
    import math

    if high <= low:
        return [low]
    for power in range(math.floor(math.log10((high - low) / most)), 400):
        for factor in (1, 2, 5):
            step = factor * 10.0**power
            first = math.ceil(low / step - 1e-9)
            ticks = [round(k * step, 12) for k in range(first, math.floor(high / step + 1e-9) + 1)]
            if 1 <= len(ticks) <= most:
                return ticks
    return [low]


def x_tick_line(box: tuple[float, float], cells: int) -> str:
    """Round x values under their columns (the frame's left edge is column 0 of the line)."""
    line = [" "] * (cells + 2)
    for tick in nice_ticks(box[0], box[1], max(3, cells // 10)):
        label = number(tick)
        start = min(max(0, 1 + _cell(tick, box, cells) - len(label) // 2), cells + 2 - len(label))
        if all(ch == " " for ch in line[max(0, start - 1) : start + len(label) + 1]):
            line[start : start + len(label)] = label
    return "".join(line).rstrip()


def _finite(value: Any) -> float:
    """A plotted value: None (a non-finite number in the demo's data) becomes NaN, which uniplot leaves out."""
    return float("nan") if value is None else float(value)


def numbers_view(xs: list[Any], series: dict[str, list[Any]]) -> Group:
    """The curves as numbers, for plain output: each curve's lowest and highest point, then sampled rows."""
    count = max((len(values) for values in series.values()), default=0)
    xs = xs or list(range(count))
    lines = []
    for name, values in series.items():
        points = [(v, i) for i, v in enumerate(values) if v is not None]
        if not points:
            lines.append(Text(f"{name}: no finite values"))
            continue
        low, high = min(points), max(points)
        lines.append(
            Text(
                f"{name}: lowest {number(low[0])} at x = {number(xs[low[1]])}, "
                f"highest {number(high[0])} at x = {number(xs[high[1]])}, "
                f"first {number(values[0])}, last {number(values[-1])}"
            )
        )
    rows = sorted(set(_sampled(count, PLAIN_ROWS)) | {i for values in series.values() for i in _extremes(values)})
    lines.append(Text("Each row is x: " + ", ".join(series)))
    for index in rows:
        cells = [number(values[index]) if index < len(values) else "-" for values in series.values()]
        lines.append(Text(f"  {number(xs[index]) if index < len(xs) else index}: " + ", ".join(cells)))
    return Group(*lines)


def _sampled(count: int, rows: int) -> list[int]:
    """About `rows` indexes spread evenly from the first to the last."""
    if count <= rows:
        return list(range(count))
    return [round(i * (count - 1) / (rows - 1)) for i in range(rows)]


def _extremes(values: list[Any]) -> list[int]:
    points = [(v, i) for i, v in enumerate(values) if v is not None]
    return [min(points)[1], max(points)[1]] if points else []


def series_view(step: dict, width: int, ascii_only: bool = False) -> RenderableType:
    """A series step: the numbers in plain mode, otherwise one plot of every curve."""
    xs = step.get("x") or []
    if plain_mode():
        return numbers_view(xs, step["series"])
    return plot_view(xs, step["series"], width, ascii_only)


def bars_view(step: dict, width: int) -> RenderableType:
    """A bar per label, scaled to the largest; a nonzero value always gets a mark. Plain mode: label, value."""
    if plain_mode():
        return Group(*(Text(f"{label}: {number(value)}") for label, value in zip(step["labels"], step["values"])))
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


def step_view(step: dict, width: int, ascii_only: bool = False) -> RenderableType:
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
        parts += [label, Padding(series_view(step, width - 2, ascii_only), (0, 0, 0, 2))]
    elif kind == "bars":
        parts += [label, Padding(bars_view(step, width - 2), (0, 0, 0, 2))]
    if step.get("text"):
        parts.append(Text(step["text"], style="dim"))
    return Group(*parts)


def demo_view(result: dict, width: int = 80, ascii_only: bool = False) -> RenderableType:
    """The whole demo in a panel: each step in order, then the result. `ascii_only`: plots in ASCII."""
    inner = width - 6
    body: list[RenderableType] = []
    for step in result["steps"]:
        body += [step_view(step, inner, ascii_only), Text("")]
    body += [Text("result", style="bold green"), Padding(value_view(result["result"]), (0, 0, 0, 2))]
    title = f"[bold]demo {result['name']}[/]  [dim]seed {result['seed']}[/]"
    return frame(Group(*body), title=title, subtitle=result["summary"], border_style="magenta")
