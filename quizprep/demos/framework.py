"""The machinery every demo shares: registration, discovery of the topic modules, the step recorder,
parameter checks and plain results.

A demo is a function `func(d, **params)` decorated with `@demo("name")` in the module of its bank topic
(`question_bank/cnn.yaml` -> `quizprep/demos/cnn.py`); the first paragraph of its docstring is its summary.
Importing this module imports NumPy; only `run` (via `quizprep.demos.run_demo`) and the index writer do.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from quizprep import plugins
from quizprep.errors import BadValueError, QuizprepError

REGISTRY: dict[str, Callable] = {}
# Modules of the package that hold no demos; every other module or package whose name has no leading underscore
# is a topic.
NOT_TOPICS = frozenset({"framework", "index_writer", "kit"})


MAX_ARRAY = 100_000  # numbers in one array a user passes: demos are for reading, not for crunching


class DemoInputError(QuizprepError):
    """A parameter value a demo cannot use (wrong shape, out of range): exit 2 with what is expected."""

    exit_code = 2


def demo(name: str) -> Callable[[Callable], Callable]:
    """Register `func(d, **params)` as the demo called `name`; its docstring's first paragraph is the summary."""

    def register(func: Callable) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"demo {name!r} is registered twice")
        if not plugins.summary_of(func):
            raise ValueError(f"demo {name!r} needs a docstring whose first line is its summary")
        REGISTRY[name] = func
        return func

    return register



def topic_of(func: Callable) -> str:
    return plugins.topic_of(func, __package__)


def topic_modules() -> list[str]:
    return plugins.topic_modules(__package__, NOT_TOPICS)


def load_all() -> dict[str, Callable]:
    """Import every topic module, and every submodule of a topic package (each registers its demos)."""
    plugins.import_topics(__package__, NOT_TOPICS)
    return REGISTRY


def build_index() -> dict[str, tuple[str, str]]:
    """name -> (topic, summary) for every registered demo, sorted by name."""
    registry = load_all()
    return {name: (topic_of(registry[name]), plugins.summary_of(registry[name])) for name in sorted(registry)}


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
        self.steps.append(
            {"kind": "bars", "label": label, "labels": list(labels), "values": plain(values), "text": text}
        )

    def side_rng(self) -> np.random.Generator:
        """A generator for randomness that is not a parameter (masks, noise, shuffles, resamples).

        Call it first, before any parameter default is drawn: it then gets the same seed whether or not the
        parameters were given, so running again with the reported parameters repeats the same run.
        """
        return np.random.default_rng(int(self.rng.integers(2**63)))

    def streams(self, count: int = 2) -> list[np.random.Generator]:
        """`count` independent generators split off `rng` up front, for the same reason as `side_rng`:
        one usually draws the parameter defaults, the others the demo's own randomness."""
        seeds = self.rng.integers(0, 2**62, size=count)
        return [np.random.default_rng(int(seed)) for seed in seeds]

    def require(self, condition: bool, message: str) -> None:
        """Refuse a parameter value: raise DemoInputError(message) unless `condition` holds."""
        if not condition:
            raise DemoInputError(message)

    # Parameters: each records the value actually used, so the output says what was run.

    def number(
        self,
        name: str,
        value: Any,
        default: Any,
        *,
        low: float | None = None,
        high: float | None = None,
        integer: bool = False,
    ):
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
            bounds = (
                f"between {low} and {high}"
                if low is not None and high is not None
                else (f"at least {low}" if low is not None else f"at most {high}")
            )
            raise DemoInputError(f"{name} must be {bounds}, not {value!r}")
        value = int(value) if integer else float(value)
        self.params[name] = value
        return value

    def array(
        self, name: str, value: Any, default: Any, *, ndim: int | None = None, integer: bool = False
    ) -> np.ndarray:
        """An array parameter (vector when ndim=1, matrix when ndim=2), from JSON lists or the default."""
        given = value is not None
        if not given:
            value = default() if callable(default) else default
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise DemoInputError(
                f"{name} must be numbers in nested lists, like [[1, 2], [3, 4]], not {value!r}"
            ) from None
        if array.dtype == object:
            raise DemoInputError(f"{name} has rows of different lengths: {value!r}")
        if ndim is not None and array.ndim != ndim:
            shape = {0: "a single number", 1: "a vector like [1, 2, 3]", 2: "a matrix like [[1, 2], [3, 4]]"}.get(
                ndim, f"{ndim}-D"
            )
            raise DemoInputError(f"{name} must be {shape}; got an array of shape {array.shape}")
        if array.size == 0:
            raise DemoInputError(f"{name} is empty")
        if given and array.size > MAX_ARRAY:
            raise DemoInputError(f"{name} has {array.size:,} numbers; a demo takes at most {MAX_ARRAY:,}")
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
    """Run one demo with checked parameter names and a generator seeded with `seed`."""
    registry = load_all()
    if name not in registry:
        from quizprep.bank.validate import suggest

        raise BadValueError(f"unknown demo '{name}'{suggest(name, registry)}; `quizprep demo --list` shows them all")
    func = registry[name]
    allowed = [p for p in inspect.signature(func).parameters if p != "d"]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        listing = ", ".join(allowed) if allowed else "none"
        raise BadValueError(
            f"demo '{name}' has no parameter {', '.join(repr(u) for u in unknown)}; its parameters: {listing}"
        )
    d = Demo(np.random.default_rng(seed))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = func(d, **params)
    return DemoResult(name, plugins.summary_of(func), seed, dict(d.params), d.steps, plain(result))


INDEX_COMMAND = "python -m quizprep.demos --write-index"


def index_source() -> str:
    """The text of `_index.py`: every demo's topic and summary as plain data, so start-up needs no NumPy."""
    lines = [
        '"""Demo name -> (topic, summary), read by the bank validator and `quizprep demo --list`."""',
        f"# generated by `{INDEX_COMMAND}`; do not edit.",
        "# ruff: noqa: E501",
        "",
        "DEMOS: dict[str, tuple[str, str]] = {",
    ]
    quote = functools.partial(json.dumps, ensure_ascii=False)
    lines += [
        f"    {quote(name)}: ({quote(topic)}, {quote(summary)})," for name, (topic, summary) in build_index().items()
    ]
    lines += ["}", ""]
    return "\n".join(lines)
