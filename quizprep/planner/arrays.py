"""The two ways the planner holds its columns: NumPy arrays, or plain Python lists worked item by item.

The formulas in `quizprep.planner.values` are written once against a namespace `xp` that gives
exp, expm1, maximum, minimum, where and floor; the arithmetic operators do the rest. `NumpyColumns`
calls them once with whole arrays and `numpy` as `xp`; `ListColumns` calls them once per item with
floats and `SCALAR`. The few reductions a pick needs (largest value, earliest due, counts) are
here too, with one rule for ties in both: the lowest index wins, that is the earliest card in the
`cards` mapping.

Importing NumPy costs more (40-65 ms) than planning a few thousand items in Python, so selections
of up to `LIST_LIMIT` items use lists, and `quizprep review` reaches its first card without NumPy;
larger ones use NumPy, which is faster per call, and so does a process once it has planned enough
rows with lists for the import to pay off (`LIST_WORK`). The two give the same picks: the formulas
are the same code, and NumPy's exp and power differ from the math module's at most in the last bit,
which can only matter between items whose values tie to within rounding.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from functools import partial
from itertools import compress, repeat
from types import SimpleNamespace

# Largest selection planned with lists. Measured (scripts/simulate.py --bench, an interview ahead,
# every item studied): lists take about 1 ms a call at 561 items and 6 ms at 3,000, the first call
# 3 and 17 ms (building the columns); NumPy 0.1 and 0.3 ms a call, after an import of 40-65 ms.
LIST_LIMIT = 3000
# Rows planned with lists after which NumPy's import has paid for itself (lists cost about 1.9 us
# more per studied row and call): a process that plans many times over, like `quizprep plan`
# simulating weeks of sessions, then switches to NumPy. About 90 calls at 561 items.
LIST_WORK = 50_000


def where(condition, if_true, if_false):
    return if_true if condition else if_false


# numpy's element-wise functions, for one float at a time (floor gives an int here, a float in NumPy:
# both count, multiply and compare alike)
SCALAR = SimpleNamespace(exp=math.exp, expm1=math.expm1, maximum=max, minimum=min, where=where, floor=math.floor)


class ListColumns:
    """Columns as Python lists; formulas run once per item."""

    def column(self, count: int, value, kind=float) -> list:
        return [kind(value)] * count

    def apply(self, formula, columns, *constants, outputs: int = 1):
        """formula(SCALAR, one item's value from each column..., *constants) for every item; a list
        per output."""
        results = list(map(partial(formula, SCALAR), *columns, *map(repeat, constants)))
        if outputs == 1:
            return results
        return tuple(map(list, zip(*results))) if results else tuple([] for _ in range(outputs))

    def indices(self, mask) -> list[int]:
        return list(compress(range(len(mask)), mask))

    def first(self, mask) -> int | None:
        return next(compress(range(len(mask)), mask), None)

    def count(self, mask) -> int:
        return sum(map(bool, mask))

    def any(self, mask) -> bool:
        return any(mask)

    def largest(self, values) -> int:
        """Index of the largest value (the first one on ties)."""
        return max(range(len(values)), key=values.__getitem__)

    def earliest(self, times, mask) -> int | None:
        """Index of the smallest of `times` where `mask` holds (the first one on ties), or None."""
        return min(compress(range(len(times)), mask), key=times.__getitem__, default=None)

    def take(self, column, rows) -> list:
        return list(map(column.__getitem__, rows))

    def put(self, column, rows, values) -> None:
        for row, value in zip(rows, values):
            column[row] = value


class NumpyColumns:
    """Columns as NumPy arrays; formulas run once over whole columns."""

    def __init__(self):
        import numpy

        self.np = numpy

    def column(self, count: int, value, kind=float):
        return self.np.full(count, value, dtype=self.np.int8 if kind is int else kind)

    def apply(self, formula, columns, *constants, outputs: int = 1):
        return formula(self.np, *columns, *constants)

    def indices(self, mask):
        return self.np.flatnonzero(mask)

    def first(self, mask) -> int | None:
        found = self.np.flatnonzero(mask)
        return int(found[0]) if len(found) else None

    def count(self, mask) -> int:
        return int(self.np.count_nonzero(mask))

    def any(self, mask) -> bool:
        return bool(mask.any())

    def largest(self, values) -> int:
        return int(self.np.argmax(values))

    def earliest(self, times, mask) -> int | None:
        if not mask.any():
            return None
        return int(self.np.argmin(self.np.where(mask, times, self.np.inf)))

    def take(self, column, rows):
        return column[rows]

    def put(self, column, rows, values) -> None:
        column[rows] = values


_lists = ListColumns()
_numpy: NumpyColumns | None = None
_list_rows = 0  # rows planned with lists so far in this process
_forced: str | None = None  # "lists" or "numpy" inside `held_as`


def columns_kind(count: int) -> ListColumns | NumpyColumns:
    """Lists for a selection of up to LIST_LIMIT items, until this process has planned LIST_WORK
    rows with them; NumPy after that, and for larger selections."""
    global _numpy, _list_rows
    if _forced == "lists" or _forced is None and count <= LIST_LIMIT and _list_rows + count <= LIST_WORK:
        _list_rows += count
        return _lists
    if _numpy is None:
        _numpy = NumpyColumns()
    return _numpy


@contextmanager
def held_as(kind: str):
    """Within the block, every selection is planned with "lists" or with "numpy", whatever its
    size (for tests and benchmarks that compare the two)."""
    global _forced
    if kind not in ("lists", "numpy"):
        raise ValueError(f"kind must be 'lists' or 'numpy', got {kind!r}")
    saved, _forced = _forced, kind
    try:
        yield
    finally:
        _forced = saved
