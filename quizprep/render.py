"""Rich views of the bank: an item card, the item list and the topic table.

Views return Rich renderables and never print; the CLI decides where they go.
Math in item text is shown as Unicode (see `quizprep.latex`).
"""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizprep.bank import DIFFICULTY_NAMES, Bank, Item
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


def item_view(item: Item) -> RenderableType:
    """The whole item: question, answer, key points, pitfalls, and where to go next."""
    parts: list[RenderableType] = [section("Question", markdown_text(item.question))]
    parts.append(section("Answer", markdown_text(item.answer)))
    if item.key_points:
        parts.append(section("Key points", bullet_list(item.key_points, "✓", "green")))
    if item.pitfalls:
        parts.append(section("Pitfalls", bullet_list(item.pitfalls, "✗", "red")))
    details = Table.grid(padding=(0, 2))
    details.add_column(style="dim")
    details.add_column()
    if item.tags:
        details.add_row("tags", ", ".join(item.tags))
    if item.follow_ups:
        details.add_row("follow-ups", ", ".join(item.follow_ups))
    if item.demo:
        details.add_row("demo", item.demo)
    if item.sources:
        details.add_row("sources", ", ".join(item.sources))
    details.add_row("file", f"{item.file}:{item.line}")
    parts.append(details)
    title = f"[bold]{item.id}[/]  [dim]·[/]  {item.topic}  [dim]·[/]  difficulty {difficulty_label(item.difficulty)}"
    return Panel(Group(*parts), title=title, title_align="left", border_style="cyan", padding=(1, 2))


def items_table(items: list[Item]) -> Table:
    table = Table(title=f"{len(items)} item{'s' if len(items) != 1 else ''}", title_justify="left", expand=False)
    table.add_column("id", style="cyan", no_wrap=True, min_width=min(30, max((len(i.id) for i in items), default=2)))
    table.add_column("topic", no_wrap=True, min_width=min(22, max((len(i.topic) for i in items), default=5)))
    table.add_column("diff", justify="right", no_wrap=True, min_width=4)
    table.add_column("question", overflow="ellipsis", no_wrap=True, min_width=20)
    for item in items:
        table.add_row(item.id, item.topic, str(item.difficulty), plain_math(item.question))
    return table


def topics_table(bank: Bank) -> Table:
    table = Table(title=f"{len(bank.items)} items in {len(bank.topics())} topics", title_justify="left")
    table.add_column("topic", style="cyan", no_wrap=True)
    table.add_column("items", justify="right")
    for name in DIFFICULTY_NAMES.values():
        table.add_column(name, justify="right", style="dim", no_wrap=True)
    for topic, items in bank.topics().items():
        counts = [sum(1 for item in items if item.difficulty == level) for level in DIFFICULTY_NAMES]
        table.add_row(topic, str(len(items)), *(str(count) for count in counts))
    return table
