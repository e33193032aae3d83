"""What the hidden tests share: the `Case`, comparing an answer with the reference, and showing small values.

    Case(name, args, kwargs, rtol, atol, hint, shown)   one hidden test
    grade(ex, candidate, user_file=None) -> list[dict]  run every case; one plain result per case
    expected_outputs(ex, cases)                         the reference's outputs, computed before user code runs
    compare(expected, got, rtol, atol) -> (ok, message, largest error)
    normal(rng, *shape), ints(rng, high, *shape)        inputs for the cases

Every call gets fresh deep copies of the inputs, so a function that writes into its arguments is caught
(the untouched originals are compared afterwards) and cannot spoil the next case.
"""

from __future__ import annotations

import copy
import inspect
import math
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SHOW_LIMIT = 40  # arrays with more entries are shown by shape and a few values
TEXT_LIMIT = 600


@dataclass
class Case:
    """One hidden test: inputs, how close is close enough, and the concept to name when it fails."""

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-9
    hint: str = ""
    shown: dict = field(default_factory=dict)  # parameter name -> text, for inputs that do not print (functions)


def normal(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return rng.normal(0.0, scale, size=shape)


def ints(rng: np.random.Generator, high: int, *shape: int) -> np.ndarray:
    return rng.integers(0, high, size=shape)


def expected_outputs(ex, cases: list[Case]) -> list[Any]:
    """The reference's output for each case (copies of the inputs, warnings silenced)."""
    outputs = []
    for case in cases:
        args, kwargs = copy.deepcopy((case.args, case.kwargs))
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            outputs.append(ex.func(*args, **kwargs))
    return outputs


def grade(ex, candidate: Callable, user_file: str | None = None, expected: list | None = None, progress=None):
    """Run every case of `ex` on `candidate`; returns one dict per case (see `run_case`)."""
    cases = ex.cases(np.random.default_rng(ex.seed()))
    expected = expected if expected is not None else expected_outputs(ex, cases)
    results = []
    for case, want in zip(cases, expected, strict=True):
        results.append(run_case(ex, case, want, candidate, user_file))
        if progress is not None:
            progress(results)
    return results


def run_case(ex, case: Case, want: Any, candidate: Callable, user_file: str | None) -> dict:
    """One case: {case, ok, input, expected, got, message, hint, max_error}; never raises for user mistakes."""
    result = {
        "case": case.name,
        "ok": False,
        "input": describe_inputs(ex.func, case),
        "expected": show(want),
        "got": "",
        "message": "",
        "hint": case.hint,
        "max_error": None,
    }
    args, kwargs = copy.deepcopy((case.args, case.kwargs))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            got = candidate(*args, **kwargs)
        except (Exception, SystemExit) as exc:  # the user's bug, reported with their own traceback
            result["got"] = f"{type(exc).__name__}"
            result["message"] = "raised an exception:\n" + user_traceback(exc, user_file)
            return result
    result["got"] = show(got)
    ok, message, error = compare(want, got, case.rtol, case.atol, ex.returns)
    result["max_error"] = error
    if ok and not same_inputs((case.args, case.kwargs), (args, kwargs)):
        ok, message = False, "changed its input arrays in place; work on copies (x = x.copy() or new arrays)"
    notes = sorted({str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)})
    if notes and not ok:
        message += f" (NumPy warned: {'; '.join(notes)[:200]})"
    result["ok"], result["message"] = ok, message
    return result


def compare(want: Any, got: Any, rtol: float, atol: float, names: tuple[str, ...] = ()) -> tuple[bool, str, Any]:
    """Whether `got` matches `want`: structure, shape, dtype and values; (ok, message, largest error)."""
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            what = f"{len(got)} values" if isinstance(got, (tuple, list)) else type(got).__name__
            kind = type(want).__name__
            return False, f"should return a {kind} of {len(want)} values {names_text(names)}; got {what}", None
        worst = 0.0
        for index, (w, g) in enumerate(zip(want, got, strict=True)):
            ok, message, error = compare(w, g, rtol, atol)
            label = names[index] if index < len(names) else f"output {index}"
            if not ok:
                return False, f"{label}: {message}", error
            worst = max(worst, error or 0.0)
        return True, "", worst
    if isinstance(want, np.ndarray):
        return compare_arrays(want, got, rtol, atol)
    return compare_numbers(float(want), got, rtol, atol)


def names_text(names: tuple[str, ...]) -> str:
    return f"({', '.join(names)})" if names else ""


def compare_numbers(want: float, got: Any, rtol: float, atol: float) -> tuple[bool, str, Any]:
    if isinstance(got, np.ndarray) and got.size == 1 and got.ndim <= 1:
        got = got.reshape(())[()]
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        return False, f"should return one number; got {type(got).__name__}", None
    value = float(got)
    if math.isnan(want) or math.isnan(value) or math.isinf(want) or math.isinf(value):
        same = (math.isnan(want) and math.isnan(value)) or want == value
        return same, "" if same else f"expected {want!r}, got {value!r}", None
    error = abs(value - want)
    ok = error <= atol + rtol * abs(want)
    return ok, "" if ok else f"off by {error:.3g} (tolerance {atol:g} + {rtol:g}·|expected|)", error


def compare_arrays(want: np.ndarray, got: Any, rtol: float, atol: float) -> tuple[bool, str, Any]:
    if not isinstance(got, np.ndarray):
        return False, f"should return a NumPy array; got {type(got).__name__}", None
    if got.shape != want.shape:
        return False, f"wrong shape: expected {want.shape}, got {got.shape}", None
    problem = dtype_problem(want.dtype, got.dtype)
    if problem:
        return False, problem, None
    if want.dtype.kind == "b" or want.dtype.kind in "iu":
        wrong = int(np.count_nonzero(want != got))
        return wrong == 0, "" if wrong == 0 else f"{wrong} of {want.size} entries differ", float(wrong)
    return compare_floats(want.astype(np.float64), got.astype(np.float64), rtol, atol)


def dtype_problem(want: np.dtype, got: np.dtype) -> str:
    """'' when the dtypes agree: floats and booleans exactly, integers by kind (int8/uint8 exactly)."""
    if want.kind in "iu":
        ok = got.kind in "iu" and (want.itemsize >= 4 or got == want)
    else:
        ok = got == want
    return "" if ok else f"wrong dtype: expected {want}, got {got}"


def compare_floats(want: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> tuple[bool, str, Any]:
    finite = np.isfinite(want)
    special = ~finite & ~np.isnan(want)
    if np.any(~np.isfinite(got[finite])):
        return False, "NaN or infinity where a finite value is expected (overflow? log of 0? 0/0?)", None
    if np.any(np.isnan(want) != np.isnan(got)) or np.any(got[special] != want[special]):
        return False, "a finite value where NaN or an infinity is expected", None
    if not np.any(finite):
        return True, "", 0.0
    diff = np.abs(got[finite] - want[finite])
    error = float(diff.max())
    bad = diff > atol + rtol * np.abs(want[finite])
    if not np.any(bad):
        return True, "", error
    where = np.argwhere(finite)[int(np.argmax(diff))]
    at = f" at index {tuple(int(i) for i in where)}" if want.ndim else ""
    return False, f"{int(bad.sum())} of {want.size} values off; largest error {error:.3g}{at}", error


def same_inputs(before: Any, after: Any) -> bool:
    """Whether the arrays in `after` still equal those in `before` (functions and generators are skipped)."""
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and after.shape == before.shape and np.array_equal(before, after, True)
    if isinstance(before, (tuple, list)):
        return len(before) == len(after) and all(same_inputs(b, a) for b, a in zip(before, after, strict=True))
    if isinstance(before, dict):
        return all(same_inputs(before[key], after.get(key)) for key in before)
    return True


def describe_inputs(func: Callable, case: Case) -> str:
    """`x = [[1. 2.]] , axis = -1`: the inputs by parameter name, small arrays by value."""
    bound = inspect.signature(func).bind(*case.args, **case.kwargs)
    parts = [f"{name} = {case.shown.get(name) or show(value)}" for name, value in bound.arguments.items()]
    return clip("\n".join(parts))


def show(value: Any) -> str:
    """A value as a person reads it: small arrays whole, large ones by dtype, shape and corner values."""
    if isinstance(value, np.ndarray):
        if value.size <= SHOW_LIMIT:
            text = np.array2string(value, precision=5, separator=", ", suppress_small=False)
            return f"{text} ({value.dtype})" if value.dtype != np.float64 else text
        flat = np.array2string(value.ravel()[:4], precision=4, separator=", ").rstrip("]")
        return f"{value.dtype} array of shape {value.shape}: {flat}, ...]"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(show(v) for v in value)
        return clip(f"({inner})" if isinstance(value, tuple) else f"[{inner}]")
    if isinstance(value, np.random.Generator):
        return "a seeded numpy.random.Generator"
    if callable(value):
        return f"a function {getattr(value, '__name__', '')}".strip()
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.8g}"
    return clip(repr(value))


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user_traceback(exc: BaseException, user_file: str | None) -> str:
    """The exception with only the frames in the user's file, so the trace points at their own lines."""
    frames = traceback.extract_tb(exc.__traceback__)
    if user_file is not None:
        frames = traceback.StackSummary.from_list([f for f in frames if f.filename == user_file])
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)
    return clip("".join(lines).rstrip(), 2000)
