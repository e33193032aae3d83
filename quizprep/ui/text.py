"""Text pieces every view uses: item text with Unicode math, labels, bullet lists, sections.

Math in item text is shown as Unicode (see `quizprep.latex`).
"""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from quizprep.bank import DIFFICULTY_NAMES
from quizprep.latex import render_math_in_text

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def markdown_escape(text: str) -> str:
    """Backslash-escape characters that markdown would read as markup."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_text(text: str) -> RenderableType:
    """Item text (markdown with LaTeX math) as a Rich renderable with Unicode math."""
    from rich.markdown import Markdown

    return Markdown(render_math_in_text(text, escape=markdown_escape), hyperlinks=False)


def plain_math(text: str) -> str:
    """Short text (a key point, a pitfall) with math turned to Unicode, no markdown."""
    return render_math_in_text(text, display_indent="").replace("\n\n", " ").strip()


def difficulty_label(level: int) -> str:
    return f"{level} {DIFFICULTY_NAMES.get(level, '?')}"


def bullet_list(entries: list[str], marker: str, style: str) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style=style, no_wrap=True)
    grid.add_column(ratio=1)
    for entry in entries:
        grid.add_row(marker, Text(plain_math(entry)))
    return grid


def section(title: str, body: RenderableType) -> Group:
    return Group(Text(title, style="bold"), Padding(body, (0, 0, 1, 2)))
