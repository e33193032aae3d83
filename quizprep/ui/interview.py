"""The mock interview's report: per-topic share of key points covered and what to study next."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from quizprep.text import plural
from quizprep.ui.console import frame
from quizprep.ui.text import plain_math


def report_view(report) -> RenderableType:
    """Per-topic scores (share of key points covered) and what to study next."""
    summary = report.summary
    by_topic: dict[str, list[int]] = {}
    study: list[tuple[float, str, str, list[str]]] = []
    for answered in summary.answers:
        item = answered.question.item
        covered = answered.verdict.covered
        total = len(item.key_points)
        counts = by_topic.setdefault(item.topic, [0, 0])
        counts[0] += len(covered)
        counts[1] += total
        missed = [point for number, point in enumerate(item.key_points, start=1) if number not in covered]
        if missed:
            study.append((len(covered) / total, item.id, item.question, missed))
    table = Table(title="Mock interview report", title_justify="left", box=None, pad_edge=False)
    table.add_column("topic", style="cyan", no_wrap=True)
    table.add_column("key points", justify="right")
    table.add_column("score", justify="right")
    for topic, (covered, total) in sorted(by_topic.items(), key=lambda kv: kv[1][0] / max(kv[1][1], 1)):
        table.add_row(topic, f"{covered}/{total}", f"{100 * covered / total:.0f}%" if total else "-")
    parts: list[RenderableType] = [table if by_topic else Text("No answers given.", style="dim"), Text("")]
    if study:
        parts.append(Text("What to study", style="bold"))
        for _, item_id, question, missed in sorted(study):
            parts.append(Text.assemble(("• ", "red"), (item_id, "cyan"), "  ", plain_math(question)))
            for point in missed:
                parts.append(Text(f"    missed: {plain_math(point)}", style="dim"))
        parts.append(Text("Run `quizprep show ID` to read an answer in full.", style="dim"))
    elif by_topic:
        parts.append(Text("Every key point covered. Well done.", style="green"))
    minutes, seconds = divmod(int(summary.seconds), 60)
    parts += [Text(""), Text(f"Time: {minutes} min {seconds:02d} s" + (f" · {summary.note}" if summary.note else ""))]
    return frame(Group(*parts), border_style="magenta")


def interview_intro(questions: int, each: str, seed: int) -> Text:
    return Text.assemble(
        ("Mock interview: ", "bold"),
        f"{plural(questions, 'question')}, {each} each · seed {seed}. ",
        "Answer as you would out loud; then tick off the key points you covered.",
    )
