"""Where output goes: the standard-output console, and one-line messages on standard error.

This is the one room that prints; views elsewhere only build renderables.
"""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.text import Text


def stdout_console() -> Console:
    return Console(highlight=False)


def show(renderable: RenderableType) -> None:
    """Print a view on standard output; plain strings are shown as text, never read as markup."""
    stdout_console().print(Text(renderable) if isinstance(renderable, str) else renderable)


def print_error(message: str) -> None:
    """`Error: ...` on standard error; the message is shown as text, never read as markup."""
    Console(stderr=True, highlight=False).print(Text("Error: ", style="bold red") + Text(message), soft_wrap=True)


def print_note(message: RenderableType) -> None:
    """A short message for a person, on standard error so standard output stays clean for data."""
    note = Text(message) if isinstance(message, str) else message
    Console(stderr=True, highlight=False).print(note, soft_wrap=True)
