"""The mock interview: questions across topics against a countdown, self-checked against key points.

For each question the user types an answer while the clock runs, then sees the
model answer and ticks off the key points they covered. The share covered sets
the FSRS rating (3/4 or more Good, half or more Hard, less Again), and the
report scores each topic and lists what to study.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from quizprep.bank import Item
from quizprep.context import Context, Selection
from quizprep.errors import QuizprepError
from quizprep.questions import flashcard
from quizprep.session import Quit, Recorder, Session, Summary, Verdict
from quizprep.ui.interview import interview_intro
from quizprep.ui.session import notice
from quizprep.ui.terminal import LineIO


def interview_picks(items: list[Item], count: int, rng: random.Random) -> list[Item]:
    """`count` items spread across topics: one topic after another, a random item from each."""
    by_topic: dict[str, list[Item]] = {}
    for item in items:
        by_topic.setdefault(item.topic, []).append(item)
    topics = list(by_topic)
    rng.shuffle(topics)
    for pool in by_topic.values():
        rng.shuffle(pool)
    picks: list[Item] = []
    while len(picks) < count and any(by_topic.values()):
        for topic in topics:
            if by_topic[topic] and len(picks) < count:
                picks.append(by_topic[topic].pop())
    return picks


def coverage_rating(covered: int, total: int) -> int:
    """A mock-interview answer's FSRS rating from the share of key points covered."""
    share = covered / total if total else 0.0
    if share >= 0.75:
        return 3
    if share >= 0.5:
        return 2
    return 1


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
        each = f"{minutes:g} minute" + ("" if minutes == 1 else "s")
        self.io.show(interview_intro(len(items), each, self.demo_seed))
        summary = super().run([flashcard(item) for item in items])
        return InterviewReport(summary, self.seconds)

    def ask(self, question, index, position):
        from quizprep.ui.session import question_view

        self.io.show(
            question_view(
                question,
                position,
                f"You have {self.seconds // 60} min {self.seconds % 60:02d} s · q ends the interview",
            )
        )
        return super().ask_after_view(question, index)

    def ask_flashcard(self, question) -> Verdict:
        from quizprep.ui.session import reveal_view

        text, late = self.io.timed_line("Your answer:\n" if self.io.interactive else "Your answer: ", self.seconds)
        if text is None:
            raise Quit("end of input")
        if text.strip().lower() == "q":
            raise Quit("you quit")
        if late:
            self.io.show(notice("Time is up.", "yellow"))
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
            self.io.show(
                notice(f"Type numbers from 1 to {count} separated by spaces, 'all', or press Enter for none.", "yellow")
            )

    def show_feedback(self, answered) -> None:
        self.io.show(self.saved_note(answered.recorded, lead=f"Covered {answered.verdict.message}."))

    def after_answer(self, answered) -> None:
        return


def run_interview(ctx: Context, selection: Selection, count: int, seconds: int, io: LineIO) -> InterviewReport:
    items = [item for item in ctx.items(selection) if item.key_points]
    if not items:
        raise QuizprepError("no items with key points match these filters")
    seed = ctx.draw_seed()
    picks = interview_picks(items, count, random.Random(seed))
    with ctx.state() as conn:
        policy = ctx.policy(conn)
        return MockInterview(io, Recorder(conn, policy, "interview"), seconds, demo_seed=seed).run(picks)
