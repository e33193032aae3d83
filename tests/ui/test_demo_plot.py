"""Demo curves as terminal plots: the cells on the grid, checked against positions worked out by hand."""

from __future__ import annotations

import pytest

from quizprep.demos import run_demo
from quizprep.ui import set_plain
from quizprep.ui.demo import PLOT_HEIGHT, numbers_view, plot_view
from tests.ui.rendering import rendered

WIDTH = 80


@pytest.fixture(scope="module")
def early_stopping() -> dict:
    """The series step of `quizprep demo early-stopping`: epochs, training and validation loss."""
    steps = run_demo("early-stopping", {}, 0).to_dict()["steps"]
    return next(step for step in steps if step["kind"] == "series")


def grid_of(text: str) -> tuple[list[str], list[str]]:
    """The plot's rows of cells (inside the frame, top row first) and the lines below the frame."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("+-"))
    bottom = next(i for i, line in enumerate(lines) if i > top and line.startswith("+-"))
    inner = len(lines[top]) - 2
    return [line[1 : 1 + inner] for line in lines[top + 1 : bottom]], lines[bottom + 1 :]


def column(x: float, low: float, high: float, cells: int) -> int:
    return round((x - low) / (high - low) * (cells - 1))


def row_from_top(y: float, low: float, high: float, rows: int) -> int:
    return rows - 1 - round((y - low) / (high - low) * (rows - 1))


def test_the_validation_minimum_is_drawn_where_it_belongs(early_stopping):
    epochs, train, valid = (
        early_stopping["x"],
        early_stopping["series"]["train"],
        early_stopping["series"]["validation"],
    )
    rows, below = grid_of(plot_view(epochs, early_stopping["series"], WIDTH, ascii_only=True).plain)
    assert len(rows) == PLOT_HEIGHT
    best = min(range(len(valid)), key=lambda i: valid[i])  # epoch of the lowest validation loss
    low, high = min(train + valid), max(train + valid)  # one scale shared by both curves
    lowest_x_row = max(r for r, cells in enumerate(rows) if "x" in cells)
    assert abs(lowest_x_row - row_from_top(valid[best], low, high, len(rows))) <= 1
    near = column(epochs[best], epochs[0], epochs[-1], len(rows[0]))
    assert "x" in rows[lowest_x_row][max(0, near - 1) : near + 2], rows[lowest_x_row]
    # the training curve reaches the plot's lowest value: it is drawn on the bottom row, at the last epochs
    assert rows[-1].rstrip().endswith("+")
    assert "train" in below[-1] and "validation" in below[-1]  # the legend names each marker


def test_axis_ticks_are_round_numbers_at_their_own_rows_and_columns(early_stopping):
    epochs, series = early_stopping["x"], early_stopping["series"]
    text = plot_view(epochs, series, WIDTH, ascii_only=True).plain
    rows, below = grid_of(text)
    values = series["train"] + series["validation"]
    labelled = [(r, line.rsplit("|", 1)[1].strip()) for r, line in enumerate(text.splitlines()[1:-4])]
    ticks = [(r, float(label)) for r, label in labelled if label]
    assert len(ticks) >= 2
    for r, tick in ticks:
        assert min(values) <= tick <= max(values) and tick == round(tick, 1)
        assert abs(r - row_from_top(tick, min(values), max(values), len(rows))) <= 1
    x_line = below[0]
    for label in x_line.split():
        center = x_line.index(" " + label) + 1 + len(label) // 2 if x_line.index(label) else 0
        assert abs(center - (1 + column(float(label), epochs[0], epochs[-1], len(rows[0])))) <= 1, (label, x_line)
    assert x_line.split()[0] == "0" and x_line.split()[-1] == "200"


def test_ascii_mode_writes_only_ascii(early_stopping):
    text = plot_view(early_stopping["x"], early_stopping["series"], WIDTH, ascii_only=True).plain
    assert text.isascii()


def test_a_value_just_above_the_minimum_is_not_left_blank():
    text = plot_view([], {"loss": [0.0, 0.001, 5.0, 5.0, 3.0]}, 40).plain
    rows = [line[1:-1] for line in text.splitlines() if line.startswith("│")]
    cells = [row.split("│")[0] for row in rows]
    # the first two points sit in the first columns of the bottom row (x from 0 to 4 over the width)
    first_two = column(1, 0, 4, len(cells[-1]))
    assert cells[-1][: first_two + 1].strip() and all(ch != " " for ch in cells[-1][: first_two + 1])


def test_plain_mode_gives_the_numbers(early_stopping):
    valid = early_stopping["series"]["validation"]
    best = min(range(len(valid)), key=lambda i: valid[i])
    text = rendered(numbers_view(early_stopping["x"], early_stopping["series"]))
    assert f"validation: lowest {valid[best]:.4g} at x = {early_stopping['x'][best]}" in text
    assert f"  {early_stopping['x'][best]}: " in text  # the minimum's own row is among those listed


def test_demo_command_in_plain_mode_draws_no_plot(run):
    try:
        result = run("--plain", "demo", "early-stopping")
    finally:
        set_plain(None)
    assert result.exit_code == 0, result.output
    assert "validation: lowest" in result.stdout
    assert "xx validation" not in result.stdout
