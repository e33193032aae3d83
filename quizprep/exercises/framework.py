"""Exercise registration and discovery, the stub and solution texts, and the generated index.

An exercise is its reference solution decorated with `@exercise("name", items=[...], difficulty=..., hints=[...])`
in the module of its bank topic (`question_bank/cnn.yaml` -> `quizprep/exercises/cnn.py`); the reference's
docstring is the stub's docstring (its first paragraph the summary), and a function decorated with
`@hidden_tests("name")` builds the hidden cases from a seeded generator. References use NumPy only, so the
solution shown to a user is complete by itself. This module imports no NumPy; the topic modules do.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import textwrap
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from quizprep import plugins

# Modules of the package that hold no exercises; every other module whose name has no leading underscore is a topic.
NOT_TOPICS = frozenset({"framework", "kit", "sandbox"})
INDEX_COMMAND = "python -m quizprep.exercises --write-index"
DIFFICULTIES = {1: "easy", 2: "medium", 3: "hard"}


@dataclass
class Exercise:
    """One exercise: the reference solution, where it belongs, and how it is tested."""

    name: str
    func: Callable
    items: tuple[str, ...]
    difficulty: int
    hints: tuple[str, ...]
    returns: tuple[str, ...] = ()  # names of the outputs when the function returns a tuple
    cases: Callable | None = None  # cases(rng) -> list[kit.Case]

    @property
    def topic(self) -> str:
        return topic_of(self.func)

    @property
    def summary(self) -> str:
        return plugins.summary_of(self.func)

    def seed(self) -> int:
        """The seed of the hidden cases: fixed per exercise, so a run can be repeated."""
        return zlib.crc32(self.name.encode("utf-8"))


REGISTRY: dict[str, Exercise] = {}


def exercise(
    name: str, *, items: list[str], difficulty: int, hints: list[str], returns: tuple[str, ...] = ()
) -> Callable[[Callable], Callable]:
    """Register the decorated reference solution as the exercise `name` (also the function name users write)."""

    def register(func: Callable) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"exercise {name!r} is registered twice")
        if func.__name__ != name:
            raise ValueError(f"exercise {name!r}: the reference must be called {name}, not {func.__name__}")
        if not plugins.summary_of(func):
            raise ValueError(f"exercise {name!r} needs a docstring whose first line is its summary")
        if difficulty not in DIFFICULTIES or not hints or not items:
            raise ValueError(f"exercise {name!r} needs items, hints and a difficulty in {sorted(DIFFICULTIES)}")
        REGISTRY[name] = Exercise(name, func, tuple(items), difficulty, tuple(hints), tuple(returns))
        return func

    return register


def hidden_tests(name: str) -> Callable[[Callable], Callable]:
    """Register `cases(rng) -> list[Case]` as the hidden tests of the exercise `name` (registered just above)."""

    def register(func: Callable) -> Callable:
        if name not in REGISTRY:
            raise ValueError(f"hidden tests for {name!r}, which is not registered (put them after the reference)")
        REGISTRY[name].cases = func
        return func

    return register



def topic_of(func: Callable) -> str:
    return plugins.topic_of(func, __package__)


def topic_modules() -> list[str]:
    return plugins.topic_modules(__package__, NOT_TOPICS)


def load_all() -> dict[str, Exercise]:
    """Import every topic module (each registers its exercises)."""
    plugins.import_topics(__package__, NOT_TOPICS)
    return REGISTRY


def load_one(name: str) -> Exercise:
    """Import only the topic module of `name` (found in the index): the grading child stays quick."""
    from quizprep.exercises._index import EXERCISES

    if name in EXERCISES and name not in REGISTRY:
        importlib.import_module(f"{__package__}.{EXERCISES[name][0].replace('-', '_')}")
    if name not in REGISTRY:
        load_all()
    return REGISTRY[name]


def stub_source(ex: Exercise) -> str:
    """The file a user starts from: the signature and the full docstring, with a body to replace."""
    header = (
        f'"""Exercise {ex.name} ({ex.topic}, {DIFFICULTIES[ex.difficulty]}): write the function below.\n\n'
        f"In `quizprep code` press Enter to run the hidden tests, or run them from a shell with\n"
        f'`quizprep code check {ex.name} THIS_FILE`. Use NumPy only."""\n'
    )
    body = f'    raise NotImplementedError("write {ex.name}")\n'
    return f"{header}\nimport numpy as np\n\n\n{signature_line(ex.func)}\n{docstring_block(ex.func)}{body}"


def solution_source(ex: Exercise) -> str:
    """The reference solution as a file a user could run: the import and the function without its decorator."""
    lines = inspect.getsource(ex.func).splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("def "))
    return "import numpy as np\n\n\n" + "".join(lines[start:])


def signature_line(func: Callable) -> str:
    return f"def {func.__name__}{inspect.signature(func)}:"


def docstring_block(func: Callable) -> str:
    doc = inspect.getdoc(func) or ""
    return textwrap.indent(f'"""{doc}\n"""\n', "    ", lambda line: bool(line.strip()))


def build_index() -> dict[str, tuple[str, int, tuple[str, ...], str]]:
    """name -> (topic, difficulty, items, summary) for every registered exercise, sorted by name."""
    registry = load_all()
    return {n: (e.topic, e.difficulty, e.items, e.summary) for n, e in sorted(registry.items())}


def index_source() -> str:
    """The text of `_index.py`: every exercise as plain data, so `code --list` needs no NumPy."""
    quote = functools.partial(json.dumps, ensure_ascii=False)
    lines = [
        '"""Exercise name -> (topic, difficulty, bank items, summary), read by `quizprep code --list`."""',
        f"# generated by `{INDEX_COMMAND}`; do not edit.",
        "# ruff: noqa: E501",
        "",
        "EXERCISES: dict[str, tuple[str, int, tuple[str, ...], str]] = {",
    ]
    for name, (topic, difficulty, items, summary) in build_index().items():
        shown_items = "(" + "".join(f"{quote(item)}, " for item in items).rstrip(" ") + ")"
        lines.append(f"    {quote(name)}: ({quote(topic)}, {difficulty}, {shown_items}, {quote(summary)}),")
    lines += ["}", ""]
    return "\n".join(lines)
