"""Views of the bank: an item card, the item list and the topic table. They return renderables and never print."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizprep.bank import DIFFICULTY_NAMES, Bank, Item
from quizprep.text import plural
from quizprep.ui.console import frame, table_box
from quizprep.ui.text import bullet_list, difficulty_label, markdown_text, plain_math, section


def item_view(item: Item, exercises: list[str] | tuple = ()) -> RenderableType:
    """The whole item: question, answer, key points, pitfalls, and where to go next
    (its demo, and the coding `exercises` that practise it)."""
    parts: list[RenderableType] = [section("Question", markdown_text(item.question))]
    if item.cloze:
        parts.append(section("Cloze", markdown_text(item.cloze)))
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
    for name in exercises:
        details.add_row("practise it", f"quizprep code {name}")
    if item.sources:
        details.add_row("sources", ", ".join(item.sources))
    details.add_row("file", f"{item.file}:{item.line}")
    parts.append(details)
    title = f"[bold]{item.id}[/]  [dim]·[/]  {item.topic}  [dim]·[/]  difficulty {difficulty_label(item.difficulty)}"
    return frame(Group(*parts), title=title, border_style="cyan")


def items_table(items: list[Item], width: int) -> Group:
    """One line per item, fitted to `width` columns; long questions end in '…' (`show` prints them whole).

    When the ids leave too little room for the question, each item takes two lines instead.
    """
    id_width = max([len(item.id) for item in items] + [2])
    topic_width = max([len(item.topic) for item in items] + [5])
    lines = [Text(plural(len(items), "item"), style="bold")]
    if width - id_width - topic_width - 9 < 30:
        for item in items:
            lines.append(
                Text.assemble((item.id, "cyan"), ("  " + f"{item.topic} · difficulty {item.difficulty}", "dim"))
            )
            question = Text("    " + plain_math(item.question))
            question.truncate(width, overflow="ellipsis")
            lines.append(question)
        return Group(*lines)

    def line(item_id: str, topic: str, level: str, question: str, style: str = "") -> Text:
        text = Text.assemble(
            (item_id.ljust(id_width), style or "cyan"),
            "  ",
            (topic.ljust(topic_width), style),
            "  ",
            (level.rjust(3), style),
            "  ",
            (question, style),
        )
        text.truncate(width, overflow="ellipsis")
        return text

    lines.append(line("id", "topic", "lvl", "question", style="bold"))
    lines += [line(item.id, item.topic, str(item.difficulty), plain_math(item.question)) for item in items]
    return Group(*lines)


def topics_table(bank: Bank) -> Table:
    table = Table(
        title=f"{len(bank.items)} items in {len(bank.topics())} topics", title_justify="left", box=table_box()
    )
    table.add_column("topic", style="cyan", no_wrap=True)
    table.add_column("items", justify="right")
    for name in DIFFICULTY_NAMES.values():
        table.add_column(name, justify="right", style="dim", no_wrap=True)
    for topic, items in bank.topics().items():
        counts = [sum(1 for item in items if item.difficulty == level) for level in DIFFICULTY_NAMES]
        table.add_row(topic, str(len(items)), *(str(count) for count in counts))
    return table
