"""What a session shows: the question card, the revealed answer, feedback, and the closing summary.

Views return Rich renderables and never print.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizprep.questions import KIND_NAMES, LETTERS, Question
from quizprep.render import bullet_list, difficulty_label, markdown_text, plain_math, section

WIDE = 100  # from this width the answer and the key points sit side by side


def question_view(question: Question, number: int, total: int, extra: str = "") -> RenderableType:
    """The question card: progress, topic, difficulty, the kind of question, and the options."""
    title = (
        f"[bold]Question {number} of {total}[/]  [dim]·[/]  {question.topic}  [dim]·[/]  "
        f"{difficulty_label(question.difficulty)}  [dim]·[/]  {KIND_NAMES[question.kind]}"
    )
    parts: list[RenderableType] = []
    if question.kind == "numeric":
        parts.append(Text(plain_math(question.problem.prompt)))
    else:
        parts.append(Text(plain_math(question.item.question)))  # plain text: no markdown parser before the first question
    if question.kind == "mcq":
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold cyan", no_wrap=True)
        grid.add_column(ratio=1)
        for letter, option in zip(LETTERS, question.options):
            grid.add_row(f"{letter}", Text(plain_math(option)))
        parts += [Text(""), grid]
    if extra:
        parts += [Text(""), Text(extra, style="dim")]
    return Panel(Group(*parts), title=title, title_align="left", border_style="blue", padding=(1, 2))


def checklist(points: list[str], numbered: bool = False) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="cyan")
    grid.add_column(ratio=1)
    for index, point in enumerate(points, start=1):
        grid.add_row(f"{index}." if numbered else "☐", Text(plain_math(point)))
    return grid


def reveal_view(question: Question, width: int, numbered: bool = False) -> RenderableType:
    """A flashcard's back: the answer beside the key points as a checklist (stacked when narrow)."""
    item = question.item
    answer = markdown_text(item.answer)
    points = checklist(item.key_points, numbered)
    if width >= WIDE:
        grid = Table.grid(padding=(0, 3), expand=True)
        grid.add_column(ratio=3)
        grid.add_column(ratio=2)
        grid.add_row(Group(Text("Answer", style="bold"), answer), Group(Text("Did you cover…", style="bold"), points))
        body: RenderableType = grid
    else:
        body = Group(section("Answer", answer), section("Did you cover…", points))
    return Panel(body, border_style="green", padding=(1, 2))


def feedback_view(question: Question, correct: bool, given: str, message: str = "") -> RenderableType:
    """After an auto-graded answer: right or wrong, the correct answer, the explanation and pitfalls."""
    parts: list[RenderableType] = []
    if correct:
        parts.append(Text("✓ Correct", style="bold green"))
    else:
        parts.append(Text(f"✗ Not quite{': you answered ' + given if given else ''}", style="bold red"))
    if question.kind == "mcq":
        letter = LETTERS[question.correct]
        parts.append(Text.assemble(("Answer: ", "bold"), (f"{letter}  ", "bold cyan"), plain_math(question.options[question.correct])))
        parts += [Text(""), markdown_text(question.item.answer)]
    elif question.kind == "numeric":
        expected = ", ".join(f"{value:.6g}" for value in question.problem.answer)
        parts.append(Text.assemble(("Answer: ", "bold"), (expected, "bold cyan")))
        parts += [Text(""), Text("Worked solution", style="bold")]
        parts += [Padding(Text(plain_math(line)), (0, 0, 0, 2)) for line in question.problem.solution]
    return Panel(Group(*parts), border_style="green" if correct else "red", padding=(1, 2))


def pitfalls_view(question: Question) -> RenderableType | None:
    if question.item is None or not question.item.pitfalls:
        return None
    return Padding(section("Pitfalls", bullet_list(question.item.pitfalls, "✗", "red")), (0, 2))


def summary_view(summary) -> RenderableType:
    """The end of a session: score by topic, time taken, what is due next."""
    table = Table(title="Session summary", title_justify="left", box=None, pad_edge=False)
    table.add_column("topic", style="cyan", no_wrap=True)
    table.add_column("answered", justify="right")
    table.add_column("right", justify="right")
    table.add_column("score", justify="right")
    for topic, (answered, right) in summary.by_topic.items():
        table.add_row(topic, str(answered), str(right), f"{100 * right / answered:.0f}%" if answered else "-")
    if len(summary.by_topic) > 1:
        table.add_row(Text("all", style="bold"), str(summary.answered), str(summary.right), f"{100 * summary.right / summary.answered:.0f}%" if summary.answered else "-")
    minutes, seconds = divmod(int(summary.seconds), 60)
    lines = [
        table if summary.answered else Text("No answers this session.", style="dim"),
        Text(""),
        Text(f"Time: {minutes} min {seconds:02d} s" + (f" · {summary.note}" if summary.note else "")),
        Text(summary.due_line),
    ]
    return Panel(Group(*lines), border_style="magenta", padding=(1, 2))


SHADES = " ░▒▓█"


def percent(value) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def stats_view(figures: dict, width: int) -> RenderableType:
    """Progress at a glance: topics weakest first, a 12-week heatmap, the 14-day forecast, readiness."""
    from datetime import date

    parts: list[RenderableType] = []
    head = f"{figures['total_reviews']} answers · {figures['cards_seen']} of {figures['items']} items seen · {figures['due_now']} due now"
    parts.append(Text(head, style="bold"))
    table = Table(box=None, pad_edge=False, title="By topic, weakest first", title_justify="left")
    for column in ("topic", "seen", "recall", "known", "answers", "right", "lapses", "due"):
        table.add_column(column, justify="left" if column == "topic" else "right", style="cyan" if column == "topic" else None, no_wrap=True)
    for topic, entry in figures["topics"].items():
        table.add_row(
            topic,
            f"{entry['seen']}/{entry['items']}",
            percent(entry["mean_recall"]),
            percent(entry["known"]),
            str(entry["reviews"]),
            percent(entry["accuracy"]),
            str(entry["lapses"]),
            str(entry["due"]),
        )
    parts += [Text(""), table, Text("recall: mean FSRS recall now of the items seen · known: the same over all items, unseen as 0 · right: share of auto-graded answers right", style="dim")]

    days = figures["heatmap"]["days"]
    top = max((d["answers"] for d in days), default=0) or 1
    first = date.fromisoformat(days[0]["date"])
    grid = Table.grid(padding=(0, 0))
    grid.add_column(style="dim", no_wrap=True)
    weeks = len(days) // 7
    for _ in range(weeks):
        grid.add_column(no_wrap=True)
    for weekday in range(7):
        row = []
        for week in range(weeks):
            cells = [d for d in days if (date.fromisoformat(d["date"]) - first).days == week * 7 + ((weekday - first.weekday()) % 7)]
            count = cells[0]["answers"] if cells else 0
            shade = SHADES[0] if count == 0 else SHADES[min(4, 1 + int(3 * count / top))]
            row.append(Text((shade if count else "·") + " ", style="green" if count else "dim"))
        grid.add_row("MTWTFSS"[weekday] + " ", *row)
    streak = figures["heatmap"]["streak"]
    parts += [Text(""), Text(f"Last 12 weeks · {figures['heatmap']['active_days']} active days · streak {streak} day{'s' if streak != 1 else ''}", style="bold"), grid]

    forecast = figures["forecast"]
    most = max((d["due"] for d in forecast), default=0) or 1
    bars = Table.grid(padding=(0, 1))
    bars.add_column(style="dim", no_wrap=True)
    bars.add_column(style="cyan", no_wrap=True)
    bars.add_column(justify="right")
    room = max(10, min(40, width - 30))
    for index, day in enumerate(forecast):
        label = "today" if index == 0 else date.fromisoformat(day["date"]).strftime("%a %d")
        bars.add_row(label, "█" * round(day["due"] / most * room) or ("▏" if day["due"] else ""), str(day["due"]))
    parts += [Text(""), Text("Due in the next 14 days", style="bold"), bars]

    ready = figures.get("readiness")
    parts.append(Text(""))
    if ready is None:
        parts.append(Text("Set your interview date (quizprep config interview-date YYYY-MM-DD, or --interview-date) to see your readiness.", style="dim"))
    else:
        parts.append(Text(f"Interview readiness on {ready['date']}: expected recall {percent(ready['expected_recall'])}", style="bold"))
        table = Table(box=None, pad_edge=False)
        for column in ("topic", "expected recall", "unseen", "weak"):
            table.add_column(column, justify="left" if column == "topic" else "right", style="cyan" if column == "topic" else None)
        for topic, entry in ready["topics"].items():
            table.add_row(topic, percent(entry["expected_recall"]), str(entry["unseen"]), str(entry["weak"]))
        parts.append(table)
        if ready["plan"]:
            parts.append(Text("Study next (largest gain first):", style="bold"))
            for step in ready["plan"]:
                detail = f"{step['unseen']} unseen, {step['weak']} weak"
                parts.append(Text.assemble("  • ", (step["topic"], "cyan"), f"  up to +{step['gain']:g} items known ({detail}):  ", (step["command"], "bold")))
    return Panel(Group(*parts), title="[bold]quizprep stats[/]", title_align="left", border_style="magenta", padding=(1, 1))
