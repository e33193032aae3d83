"""How demos, drills and exercises are found: one module (or package) per bank topic, walked, never listed.

A plugin family is a package (`quizprep.demos`, `quizprep.drills`, `quizprep.exercises`) whose
modules are named after bank topics (`attention_transformers` for `attention-transformers`); a
topic that outgrows one module is a package of that name. Importing a topic module registers
its functions through the family's decorator.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable


def summary_of(func: Callable) -> str:
    """The first paragraph of a docstring, as one line."""
    doc = inspect.getdoc(func) or ""
    return " ".join(doc.split("\n\n")[0].split())


def topic_of(func: Callable, family: str) -> str:
    """The bank topic of a registered function: its top-level module under `family`, '_' read as '-'."""
    return func.__module__.removeprefix(f"{family}.").split(".")[0].replace("_", "-")


def topic_modules(family: str, not_topics: frozenset[str]) -> list[str]:
    """The names of the family's topic modules and packages (private ones and `not_topics` skipped)."""
    package = importlib.import_module(family)
    names = (info.name for info in pkgutil.iter_modules(package.__path__))
    return sorted(name for name in names if not name.startswith("_") and name not in not_topics)


def import_topics(family: str, not_topics: frozenset[str]) -> None:
    """Import every topic module, and every submodule of a topic package: each registers what it holds."""
    for name in topic_modules(family, not_topics):
        module = importlib.import_module(f"{family}.{name}")
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):  # a topic split by sub-theme
            importlib.import_module(f"{module.__name__}.{info.name}")
