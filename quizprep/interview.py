"""The mock interview: questions across topics against a countdown, self-checked against key points.

For each question the user types an answer while the clock runs, then sees the
model answer and ticks off the key points they covered. The share covered sets
the FSRS rating (3/4 or more Good, half or more Hard, less Again), and the
report scores each topic and lists what to study.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizprep.questions import coverage_rating, flashcard
from quizprep.render import plain_math
from quizprep.session import Quit, Session, Summary, Verdict


@dataclass
class InterviewReport:
    summary: Summary
    seconds_per_question: int


class MockInterview(Session):
    def __init__(self, io, recorder, seconds: int, demo_seed: int = 0):
        super().__init__(io, recorder, demo_seed=demo_seed)
        self.seconds = seconds

    def run(self, items) -> InterviewReport:
        minutes = self.seconds / 60
        self.io.show(
            f"[bold]Mock interview:[/] {len(items)} questions, {minutes:g} minute{'s' if minutes != 1 else ''} each. "
            "Answer as you would out loud; then tick off the key points you covered."
        )
        summary = super().run([flashcard(item) for item in items])
        return InterviewReport(summary, self.seconds)

    def ask(self, question, index, total):
        from quizprep.screens import question_view

        self.io.show(question_view(question, index + 1, total, f"You have {self.seconds // 60} min {self.seconds % 60:02d} s · q ends the interview"))
        return super().ask_after_view(question, index)

    def ask_flashcard(self, question) -> Verdict:
        from quizprep.screens import reveal_view

        text, late = self.io.timed_line("Your answer:\n" if self.io.interactive else "Your answer: ", self.seconds)
        if text is None:
            raise Quit("end of input")
        if text.strip().lower() == "q":
            raise Quit("you quit")
        if late:
            self.io.show("[yellow]Time is up.[/]")
        self.io.show(reveal_view(question, self.io.console.width, numbered=True))
        points = question.item.key_points
        covered = self.ask_covered(len(points))
        rating = coverage_rating(len(covered), len(points))
        message = f"{len(covered)}/{len(points)} key points" + (" (over time)" if late else "")
        return Verdict(rating, None, rating >= 3, given=text, message=message, covered=covered)

    def ask_covered(self, count: int) -> list[int]:
        prompt = f"Which key points did you cover? Numbers 1-{count} (e.g. 1 3), 'all', or Enter for none: "
        while True:
            raw = self.io.line(prompt)
            if raw is None:
                raise Quit("end of input")
            value = raw.strip().lower()
            if value == "q":
                raise Quit("you quit")
            if value in ("all", "a"):
                return list(range(1, count + 1))
            if value in ("", "none", "0", "-"):
                return []
            parts = [p for p in re.split(r"[,\s]+", value) if p]
            if all(p.isdigit() and 1 <= int(p) <= count for p in parts):
                return sorted({int(p) for p in parts})
            self.io.show(f"[yellow]Type numbers from 1 to {count} separated by spaces, 'all', or press Enter for none.[/]")

    def show_feedback(self, answered) -> None:
        self.io.show(f"[dim]Covered {answered.verdict.message}. {self.due_note(answered.recorded)[6:]}")

    def after_answer(self, answered) -> None:
        return


def report_view(report: InterviewReport) -> RenderableType:
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
    return Panel(Group(*parts), border_style="magenta", padding=(1, 2))
