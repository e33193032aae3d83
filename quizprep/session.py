"""Asking questions: the loop shared by `quiz`, `review` and `interview`, and the recording of answers.

Every answer is written (new FSRS state plus a review-log row, one transaction)
before its feedback is shown, so quitting, Ctrl-C, end of input or a killed
process never loses an answer already given. At any prompt: q quits, u undoes
the last answer (its state restored, its log row removed), d runs the demo of
the item just answered, s skips the current question.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from quizprep import store
from quizprep.clock import utc_now
from quizprep.errors import QuizprepError
from quizprep.questions import LETTERS, Question, flashcard, grade_choice
from quizprep.scheduler import AGAIN, GOOD, LEARNING, RELEARNING, REVIEW, Policy
from quizprep.ui.session import notice
from quizprep.ui.terminal import LineIO, shown

RATING_PROMPT = "How well did you know it?  [bold]1[/] Again  [bold]2[/] Hard  [bold]3[/] Good  [bold]4[/] Easy : "


class Quit(Exception):
    """End the session now; `reason` says why (shown in the summary)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UndoRequest(Exception):
    pass


class Skip(Exception):
    pass


@dataclass
class Recorded:
    """One saved answer, with what is needed to take it back."""

    key: str
    log_id: int
    previous: store.CardRow | None
    card: store.CardRow
    rating: int
    correct: bool | None


class Recorder:
    """Applies a rating to an item's FSRS card and saves state and log row in one transaction."""

    def __init__(self, conn: sqlite3.Connection, policy: Policy, mode: str):
        self.conn = conn
        self.policy = policy
        self.mode = mode

    def record(self, key: str, rating: int, correct: bool | None, answer_ms: int | None, now: datetime) -> Recorded:
        from quizprep.scheduler import card_from_json, new_card, review

        with store.transaction(self.conn):
            previous = store.card_row(self.conn, key)
            card = card_from_json(previous.card_json) if previous else new_card(key, now)
            updated = review(card, rating, now, self.policy, answer_ms)
            lapsed = previous is not None and previous.state == REVIEW and rating == AGAIN
            row = store.CardRow(
                item_id=key,
                card_json=updated.to_json(),
                due=store.iso(updated.due),
                state=int(updated.state),
                reps=(previous.reps if previous else 0) + 1,
                lapses=(previous.lapses if previous else 0) + int(lapsed),
            )
            entry = store.Review(key, store.iso(now), rating, self.mode, correct, answer_ms)
            log_id = store.save_answer(self.conn, row, entry, store.iso(now))
        return Recorded(key, log_id, previous, row, rating, correct)

    def undo(self, recorded: Recorded) -> None:
        store.undo_answer(self.conn, recorded.log_id, recorded.key, recorded.previous)


@dataclass
class Verdict:
    """How a question was answered, before it is recorded."""

    rating: int
    correct: bool | None  # None when self-rated
    right: bool  # counted as right in the summary (auto-graded correct, or self-rated Good/Easy)
    given: str = ""
    message: str = ""
    covered: list[int] = field(default_factory=list)  # key points ticked off in a mock interview


@dataclass
class Answered:
    index: int
    question: Question
    recorded: Recorded
    verdict: Verdict

    @property
    def right(self) -> bool:
        return self.verdict.right


@dataclass
class Summary:
    answered: int
    right: int
    by_topic: dict[str, list[int]]
    seconds: float
    note: str
    due_line: str
    answers: list[Answered] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "answered": self.answered,
            "right": self.right,
            "by_topic": {topic: {"answered": a, "right": r} for topic, (a, r) in self.by_topic.items()},
            "seconds": round(self.seconds, 1),
            "note": self.note,
        }


class Session:
    """The question loop. `io` reads answers and shows views; `clock` gives the time (UTC)."""

    def __init__(
        self,
        io: LineIO,
        recorder: Recorder,
        clock: Callable[[], datetime] = utc_now,
        demo_seed: int = 0,
        requeue_learning: bool = False,
        learn_ahead: timedelta = timedelta(0),
    ):
        self.io = io
        self.recorder = recorder
        self.clock = clock
        self.demo_seed = demo_seed
        self.requeue_learning = requeue_learning
        self.learn_ahead = learn_ahead  # learning steps due this soon come back in the same session
        self.answers: list[Answered] = []

    # The loop

    def run(self, questions: list[Question]) -> Summary:
        started = self.clock()
        queue = list(questions)
        note = ""
        index = 0
        try:
            while index < len(queue):
                try:
                    answered = self.ask(queue[index], index, len(queue))
                    self.answers.append(answered)
                    if self.requeue_learning and self.due_again_soon(answered):
                        queue.append(flashcard(answered.question.item))
                    self.after_answer(answered)
                except UndoRequest:
                    index = self.undo_last(index)
                    continue
                except Skip:
                    self.io.show(notice("Skipped."))
                index += 1
            note = "all questions answered" if queue else "nothing to ask"
        except Quit as stop:
            note = stop.reason
        except KeyboardInterrupt:
            self.io.show("")
            note = "interrupted"
        return self.summary(started, note)

    def ask(self, question: Question, index: int, total: int) -> Answered:
        from quizprep.ui.session import question_view

        extras = {
            "mcq": "Type the letter of your answer · s skip · q quit",
            "flashcard": "Type your answer, or just press Enter to reveal · s skip · q quit",
            "numeric": "Type a number (or numbers separated by commas) · s skip · q quit",
        }
        if self.answers and self.answers[-1].index == index - 1:
            extras[question.kind] += " · u undo last"
        self.io.show(question_view(question, index + 1, total, extras[question.kind]))
        return self.ask_after_view(question, index)

    def ask_after_view(self, question: Question, index: int) -> Answered:
        """Read and grade the answer, record it, show the feedback."""
        start = self.clock()
        asker = {"mcq": self.ask_choice, "flashcard": self.ask_flashcard, "numeric": self.ask_numeric}[question.kind]
        verdict = asker(question)
        elapsed = self.clock() - start
        answer_ms = max(0, int(elapsed.total_seconds() * 1000))
        recorded = self.recorder.record(question.key, verdict.rating, verdict.correct, answer_ms, self.clock())
        answered = Answered(index, question, recorded, verdict)
        self.show_feedback(answered)
        return answered

    def ask_choice(self, question: Question) -> Verdict:
        letters = LETTERS[: len(question.options)].lower()
        allowed = ", ".join(letters.upper()[:-1]) + f" or {letters.upper()[-1]}"
        letter = self.prompt(f"Your answer ({allowed}): ", choices=set(letters), describe=allowed, single=True)
        correct = grade_choice(question, letter)
        return Verdict(GOOD if correct else AGAIN, correct, correct, given=letter.upper())

    def ask_flashcard(self, question: Question) -> Verdict:
        from quizprep.ui.session import pitfalls_view, reveal_view

        self.prompt("Your answer: ", free_text=True)
        self.io.show(reveal_view(question, self.io.console.width))
        pitfalls = pitfalls_view(question)
        if pitfalls is not None:
            self.io.show(pitfalls)
        rating = int(
            self.prompt(
                RATING_PROMPT,
                choices={"1", "2", "3", "4"},
                describe="1, 2, 3 or 4",
                single=True,
                demo_item=question.item,
            )
        )
        return Verdict(rating, None, rating >= GOOD)

    def ask_numeric(self, question: Question) -> Verdict:
        from quizprep.drills import AnswerFormatError, grade

        while True:
            text = self.prompt("Your answer: ", free_text=True, allow_empty=False)
            try:
                result = grade(question.problem, text)
            except AnswerFormatError as exc:
                count = len(question.problem.answer)
                wanted = "a number like 0.25, 1/4 or 25%" if count == 1 else f"{count} numbers separated by commas"
                self.io.show(notice(f"{exc}. Type {wanted}; q quits.", "yellow"))
                continue
            return Verdict(
                GOOD if result.correct else AGAIN, result.correct, result.correct, text.strip(), result.message
            )

    # Prompts and commands

    def prompt(
        self,
        text: str,
        *,
        choices: set[str] | None = None,
        describe: str = "",
        single: bool = False,
        free_text: bool = False,
        allow_empty: bool = True,
        demo_item=None,
    ) -> str:
        """Read until the input is allowed. q, u, s and d are commands wherever they are typed alone."""
        while True:
            raw = self.io.key(text) if single else self.io.line(text)
            if raw is None:
                raise Quit("end of input")
            value = raw.strip()
            command = value.lower()
            if command == "q":
                raise Quit("you quit")
            if command == "u":
                raise UndoRequest
            if command == "s":
                raise Skip
            if command == "d" and (choices is None or "d" not in choices):
                self.show_demo(demo_item or (self.answers[-1].question.item if self.answers else None))
                continue
            if choices is not None:
                if command in choices:
                    return command
                typed = f"'{shown(value)}' is not an answer here. " if value else ""
                self.io.show(
                    notice(
                        f"{typed}Type {describe}; q quits, s skips, u undoes your last answer, d shows a demo.",
                        "yellow",
                    )
                )
                continue
            if free_text and (value or allow_empty):
                return value
            self.io.show(notice("Type an answer; q quits, s skips.", "yellow"))

    def show_demo(self, item) -> None:
        if item is None or not item.demo:
            self.io.show(notice("No demo to show yet: d runs the demo of the item you just answered."))
            return
        from quizprep.demos import run_demo
        from quizprep.ui.demo import demo_view

        try:
            result = run_demo(item.demo, seed=self.demo_seed)
        except QuizprepError as exc:
            self.io.show(notice(f"The demo '{item.demo}' could not run: {exc}", "yellow"))
            return
        except Exception as exc:  # a bug in one demo must not end the session and lose its place
            self.io.show(
                notice(f"The demo '{item.demo}' failed ({type(exc).__name__}: {exc}). Please report it.", "red")
            )
            return
        self.io.show(demo_view(result.to_dict(), self.io.console.width))

    def show_feedback(self, answered: Answered) -> None:
        from quizprep.ui.session import feedback_view, pitfalls_view

        question = answered.question
        if question.kind == "flashcard":
            self.io.show(self.saved_note(answered.recorded))
            return
        verdict = answered.verdict
        self.io.show(
            feedback_view(question, bool(verdict.correct), "" if verdict.correct else verdict.given, verdict.message)
        )
        pitfalls = pitfalls_view(question)
        if pitfalls is not None:
            self.io.show(pitfalls)
        self.io.show(self.saved_note(answered.recorded))

    def saved_note(self, recorded: Recorded, lead: str = ""):
        from quizprep.ui.session import saved_note

        wait = datetime.fromisoformat(recorded.card.due) - self.clock()
        return saved_note(wait.total_seconds(), lead)

    def after_answer(self, answered: Answered) -> None:
        """In a real terminal, a pause after each answer: Enter next, d demo, u undo, q quit."""
        if not self.io.interactive:
            return
        item = answered.question.item
        keys = (
            "[bold]Enter[/] next"
            + (" · [bold]d[/] demo" if item and item.demo else "")
            + " · [bold]u[/] undo · [bold]q[/] quit "
        )
        while True:
            pressed = self.io.key(keys)
            if pressed is None or pressed.lower() == "q":
                raise Quit("you quit" if pressed else "end of input")
            if pressed.lower() == "u":
                raise UndoRequest
            if pressed.lower() == "d":
                self.show_demo(item)
                continue
            return

    def undo_last(self, index: int) -> int:
        """Take back the last answer and return the position to ask again from."""
        if not self.answers:
            self.io.show(notice("Nothing to undo yet.", "yellow"))
            return index
        last = self.answers.pop()
        self.recorder.undo(last.recorded)
        self.io.show(
            notice(f"Undone: your answer to question {last.index + 1} was removed and its schedule restored.", "cyan")
        )
        return last.index

    def due_again_soon(self, answered: Answered) -> bool:
        card = answered.recorded.card
        return card.state in (LEARNING, RELEARNING) and card.due <= store.iso(self.clock() + self.learn_ahead)

    # The end

    def summary(self, started: datetime, note: str) -> Summary:
        from quizprep.ui.session import due_line

        by_topic: dict[str, list[int]] = {}
        for answered in self.answers:
            counts = by_topic.setdefault(answered.question.topic, [0, 0])
            counts[0] += 1
            counts[1] += int(answered.right)
        right = sum(1 for a in self.answers if a.right)
        seconds = (self.clock() - started).total_seconds()
        due = due_line(*store.due_counts(self.recorder.conn, self.clock()))
        return Summary(len(self.answers), right, by_topic, seconds, note, due, list(self.answers))
