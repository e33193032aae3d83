"""The machinery every demo shares: registration, the step recorder, parameter checks, plain results.

Importing this module imports NumPy; only `run` (via `quizprep.demos.run_demo`) does.
"""

from __future__ import annotations

import importlib
import inspect
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from quizprep.demos.catalog import DEMOS as CATALOG
from quizprep.errors import BadValueError, QuizprepError

# The modules that hold demos; each registers its functions with @demo on import.
MODULES = (
    "linalg",
    "activations",
    "losses",
    "optimization",
    "training",
    "networks",
    "vision",
    "sequences",
    "generative",
    "evaluation",
    "signal",
    "practice",
    "architectures",
    "modern",
)
REGISTRY: dict[str, Callable] = {}


class DemoInputError(QuizprepError):
    """A parameter value a demo cannot use (wrong shape, out of range): exit 2 with what is expected."""

    exit_code = 2


def demo(name: str) -> Callable[[Callable], Callable]:
    """Register `func(d, **params)` as the demo called `name` (a name from the catalog)."""

    def register(func: Callable) -> Callable:
        if name not in CATALOG:
            raise ValueError(f"demo {name!r} is not in quizprep/demos/catalog.py")
        if name in REGISTRY:
            raise ValueError(f"demo {name!r} is registered twice")
        REGISTRY[name] = func
        return func

    return register


def load_all() -> dict[str, Callable]:
    for module in MODULES:
        importlib.import_module(f"quizprep.demos.{module}")
    return REGISTRY


@dataclass
class DemoResult:
    """What a demo produced: its effective parameters, the steps to show, and the final result."""

    name: str
    summary: str
    seed: int
    params: dict
    steps: list[dict]
    result: Any

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "summary": self.summary,
            "seed": self.seed,
            "params": self.params,
            "steps": self.steps,
            "result": self.result,
        }

    @classmethod
    def from_dict(cls, data: dict) -> DemoResult:
        return cls(data["name"], data["summary"], data["seed"], data["params"], data["steps"], data["result"])


@dataclass
class Demo:
    """Handed to every demo: a seeded generator, and a recorder of the steps a user reads.

    Step kinds (all values already plain Python):
      text    {"kind": "text", "text": ...}
      value   {"kind": "value", "label": ..., "value": number | list | list of lists, "text": ...}
      series  {"kind": "series", "label": ..., "x": [...] | None, "series": {name: [...]}, "text": ...}
      bars    {"kind": "bars", "label": ..., "labels": [...], "values": [...], "text": ...}
    """

    rng: np.random.Generator
    steps: list[dict] = field(default_factory=list)
    params: dict = field(default_factory=dict)

    def say(self, text: str) -> None:
        """One sentence explaining the next step."""
        self.steps.append({"kind": "text", "text": text})

    def show(self, label: str, value: Any, text: str | None = None) -> None:
        """A number, vector or matrix with a label (and an optional sentence)."""
        self.steps.append({"kind": "value", "label": label, "value": plain(value), "text": text})

    def series(self, label: str, series: dict[str, Any], x: Any = None, text: str | None = None) -> None:
        """One or more curves over the same x (steps, epochs, layers) for a small terminal plot."""
        self.steps.append(
            {
                "kind": "series",
                "label": label,
                "x": plain(x) if x is not None else None,
                "series": {name: plain(values) for name, values in series.items()},
                "text": text,
            }
        )

    def bars(self, label: str, labels: list[str], values: Any, text: str | None = None) -> None:
        """Labelled magnitudes (probabilities, counts) drawn as horizontal bars."""
        self.steps.append({"kind": "bars", "label": label, "labels": list(labels), "values": plain(values), "text": text})

    # Parameters: each records the value actually used, so the output says what was run.

    def number(self, name: str, value: Any, default: Any, *, low: float | None = None, high: float | None = None, integer: bool = False):
        """A scalar parameter, checked against [low, high]."""
        if value is None:
            value = default() if callable(default) else default
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise DemoInputError(f"{name} must be a number, not {value!r}")
        if integer and float(value) != int(value):
            raise DemoInputError(f"{name} must be a whole number, not {value!r}")
        if not math.isfinite(float(value)):
            raise DemoInputError(f"{name} must be finite, not {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"between {low} and {high}" if low is not None and high is not None else (f"at least {low}" if low is not None else f"at most {high}")
            raise DemoInputError(f"{name} must be {bounds}, not {value!r}")
        value = int(value) if integer else float(value)
        self.params[name] = value
        return value

    def array(self, name: str, value: Any, default: Any, *, ndim: int | None = None, integer: bool = False) -> np.ndarray:
        """An array parameter (vector when ndim=1, matrix when ndim=2), from JSON lists or the default."""
        if value is None:
            value = default() if callable(default) else default
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise DemoInputError(f"{name} must be numbers in nested lists, like [[1, 2], [3, 4]], not {value!r}") from None
        if array.dtype == object:
            raise DemoInputError(f"{name} has rows of different lengths: {value!r}")
        if ndim is not None and array.ndim != ndim:
            shape = {0: "a single number", 1: "a vector like [1, 2, 3]", 2: "a matrix like [[1, 2], [3, 4]]"}.get(ndim, f"{ndim}-D")
            raise DemoInputError(f"{name} must be {shape}; got an array of shape {array.shape}")
        if array.size == 0:
            raise DemoInputError(f"{name} is empty")
        if not np.all(np.isfinite(array)):
            raise DemoInputError(f"{name} must hold finite numbers only")
        if integer:
            if not np.all(array == np.round(array)):
                raise DemoInputError(f"{name} must hold whole numbers, like [0, 2, 1]")
            array = array.astype(int)
        self.params[name] = plain(array)
        return array


def plain(value: Any) -> Any:
    """NumPy values as plain Python: arrays to nested lists, scalars to int/float; NaN and infinities to None."""
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def run(name: str, params: dict, seed: int) -> DemoResult:
    registry = load_all()
    if name not in registry:
        from quizprep.bank.validate import suggest

        raise BadValueError(f"unknown demo '{name}'{suggest(name, registry)}; `quizprep demo --list` shows them all")
    func = registry[name]
    allowed = [p for p in inspect.signature(func).parameters if p != "d"]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        listing = ", ".join(allowed) if allowed else "none"
        raise BadValueError(f"demo '{name}' has no parameter {', '.join(repr(u) for u in unknown)}; its parameters: {listing}")
    d = Demo(np.random.default_rng(seed))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = func(d, **params)
    return DemoResult(name, CATALOG[name], seed, dict(d.params), d.steps, plain(result))
