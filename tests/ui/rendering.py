"""Rendering a view to text as a test reads it: fixed width, no colour."""

from __future__ import annotations

import io

from rich.console import Console


def rendered(renderable, width: int = 100) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return buffer.getvalue()
