"""Words for messages: plurals and "did you mean" suggestions, the same everywhere."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 question', '3 questions', '2 boxes' (with `many` for irregular plurals)."""
    word = noun if count == 1 else (many or noun + "s")
    return f"{count} {word}"


def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when some option is close to `word`, else ''."""
    close = difflib.get_close_matches(word, [str(option) for option in options], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown(kind: str, name: str, options: Iterable[str], hint: str = "") -> str:
    """ "unknown drill 'x' (did you mean 'y'?); `quizprep drill --list` shows them" for a usage error."""
    message = f"unknown {kind} '{name}'{suggest(name, options)}"
    return f"{message}; {hint}" if hint else message
