"""Asking questions: the loop shared by `quiz`, `review` and `interview`, and the recording of answers.

Every answer is written (new FSRS state plus a review-log row, one transaction)
before its feedback is shown, so quitting, Ctrl-C, end of input or a killed
process never loses an answer already confirmed as saved. At any prompt: q quits,
u undoes the last answer (its state restored, its log row removed), d runs the
demo of the item just answered, s skips the current question.

Saving waits for another session's write lock (a notice after a second, the
answer kept in memory for up to SAVE_WAIT_SECONDS); an answer that cannot be
saved (read-only database, full disk, I/O error, a lock never released) ends the
session with UnsavedAnswerError (exit 1), whose message says it was not saved.
Undo takes back only this session's own answer, and only while it is still the
item's latest from any terminal. SIGTERM and SIGHUP end a session like Ctrl-C,
with the summary, then exit with 128 + the signal number (see `ui.terminal`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from quizprep import store
from quizprep.clock import utc_now
from quizprep.errors import QuizprepError
from quizprep.questions import LETTERS, Question, cloze_expected, flashcard, grade_choice, grade_typed
from quizprep.scheduler import AGAIN, GOOD, LEARNING, RELEARNING, REVIEW
from quizprep.ui.session import notice
from quizprep.ui.terminal import LineIO, Terminated, markup, shown

RATING_PROMPT = markup(
    "How well did you know it?  [bold]1[/] Again  [bold]2[/] Hard  [bold]3[/] Good  [bold]4[/] Easy : "
)
REVEAL_PROMPT = markup("[bold]Space[/] shows the answer · [bold]?[/] keys · [bold]q[/] quit ")
SAVE_WAIT_SECONDS = 60.0  # how long an answer waits in memory for another session's write lock
WAIT_NOTICE_SECONDS = 1.0  # after this long, say that the save is waiting
ATTEMPT_TIMEOUT_MS = 200  # SQLite's own wait per attempt, so the loop can speak and be interrupted


class UnsavedAnswerError(QuizprepError):
    """The answer just given could not be saved; the message says so and why."""


class SessionEnded(QuizprepError):
    """A signal ended the session; the exit code is 128 + the signal number."""

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.exit_code = 128 + signum


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
    answer_ms: int | None = None


class Recorder:
    """Applies a rating to an item's FSRS card and saves state and log row in one transaction.

    `on_wait` is called once per save that has waited WAIT_NOTICE_SECONDS on another session's lock.
    """

    def __init__(self, conn: sqlite3.Connection, policy, mode: str, on_wait: Callable[[], None] | None = None):
        self.conn = conn
        self.policy = policy
        self.mode = mode
        self.on_wait = on_wait
        self.saving = False  # true from the start of a save until it is confirmed

    def record(self, key: str, rating: int, correct: bool | None, answer_ms: int | None, now: datetime) -> Recorded:
        """Save one answer, waiting for another session's lock; UnsavedAnswerError when it cannot be saved."""
        self.saving = True
        try:
            recorded = self.patiently(lambda: self.save(key, rating, correct, answer_ms, now))
        except store.WriteError as exc:
            raise UnsavedAnswerError(unsaved_message(exc, self.conn)) from exc
        self.saving = False
        return recorded

    def save(self, key: str, rating: int, correct: bool | None, answer_ms: int | None, now: datetime) -> Recorded:
        """One transaction: read the stored row, compute the next state from it, write it only over that row."""
        for _attempt in range(3):
            try:
                with store.transaction(self.conn):
                    previous = store.card_row(self.conn, key)
                    row = self.next_card(key, previous, rating, now, answer_ms)
                    entry = store.Review(key, store.iso(now), rating, self.mode, correct, answer_ms)
                    log_id = store.save_answer_over(self.conn, previous, row, entry, store.iso(now))
                return Recorded(key, log_id, previous, row, rating, correct, answer_ms)
            except store.Conflict:
                continue  # the row changed under us: read it again and recompute
        raise UnsavedAnswerError("your last answer was not saved: its item kept changing in another session")

    def next_card(
        self, key: str, previous: store.CardRow | None, rating: int, now: datetime, answer_ms: int | None
    ) -> store.CardRow:
        """The item's next scheduling state after `rating` at `now`, from the stored row (None: never answered)."""
        from quizprep.api import answer
        from quizprep.scheduler import card_json, state_of

        before = state_of(previous)
        after = answer(before, rating, now, self.policy, None if answer_ms is None else answer_ms / 1000)
        lapsed = before is not None and before.phase == REVIEW and rating == AGAIN
        return store.CardRow(
            item_id=key,
            card_json=card_json(key, after),
            due=store.iso(after.due),
            state=after.phase,
            reps=(previous.reps if previous else 0) + 1,
            lapses=(previous.lapses if previous else 0) + int(lapsed),
        )

    def preview(self, key: str, now: datetime) -> dict[int, float]:
        """Seconds until the item would be due again after each rating 1-4 (nothing is saved)."""
        from quizprep.api import answer
        from quizprep.scheduler import state_of

        before = state_of(store.card_row(self.conn, key))
        return {rating: (answer(before, rating, now, self.policy).due - now).total_seconds() for rating in (1, 2, 3, 4)}

    def undo(self, recorded: Recorded) -> None:
        """Take back one answer this session saved; store.Conflict if another session answered the item since."""
        self.patiently(lambda: store.undo_answer(self.conn, recorded.log_id, recorded.key, recorded.previous))

    def patiently(self, action):
        """Run a write, retrying while another process holds the lock, for up to SAVE_WAIT_SECONDS."""
        started = time.monotonic()
        told = False
        self.busy_timeout(ATTEMPT_TIMEOUT_MS)
        try:
            while True:
                try:
                    return action()
                except store.WriteError as exc:
                    waited = time.monotonic() - started
                    if not exc.locked or waited >= SAVE_WAIT_SECONDS:
                        raise
                    if not told and waited >= WAIT_NOTICE_SECONDS and self.on_wait is not None:
                        told = True
                        self.on_wait()
                    time.sleep(0.05)
        finally:
            self.busy_timeout(store.BUSY_TIMEOUT_MS)

    def busy_timeout(self, ms: int) -> None:
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {ms}")
        except sqlite3.Error:
            pass  # a connection that cannot take a pragma will report its trouble on the next write

    def check_writable(self) -> None:
        """Before the first question: refuse to start when the database cannot take an answer at all."""
        self.busy_timeout(0)
        try:
            store.probe_write(self.conn)
        except store.WriteError as exc:
            if not exc.locked:  # a lock may well be released by the time an answer comes
                raise UnsavedAnswerError(
                    f"no answer could be saved: {exc.reason} ({store.database_file(self.conn)}); nothing was asked"
                ) from exc
        finally:
            self.busy_timeout(store.BUSY_TIMEOUT_MS)


def unsaved_message(exc: store.WriteError, conn: sqlite3.Connection) -> str:
    """'your last answer was not saved: the disk is full (…/quizprep.db). Answers confirmed …'"""
    reason = exc.reason
    if exc.locked:
        reason = f"another quizprep session kept the database locked for over {SAVE_WAIT_SECONDS:g} s"
    return (
        f"your last answer was not saved: {reason} ({store.database_file(conn)}). "
        "Answers confirmed as 'Saved.' before it are kept."
    )


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
        two_key: bool = False,
        clear_screen: bool = False,
    ):
        self.io = io
        # In a terminal: flashcards take two keys (reveal, rate) and the screen is cleared between cards.
        self.two_key = two_key and io.interactive
        self.clear_screen = clear_screen and io.interactive
        self.last_note = None
        self.recorder = recorder
        self.clock = clock
        self.demo_seed = demo_seed
        self.requeue_learning = requeue_learning
        self.learn_ahead = learn_ahead  # learning steps due this soon come back in the same session
        self.answers: list[Answered] = []
        if recorder.on_wait is None:
            recorder.on_wait = self.show_waiting

    # The loop

    def run(self, questions) -> Summary:
        """Ask `questions` (a list, or a queue that plans as it goes: see FixedQueue) until done or quit."""
        started = self.clock()
        queue = questions if hasattr(questions, "question_at") else FixedQueue(list(questions), self)
        note = ""
        index = 0
        checked = False
        try:
            while (question := queue.question_at(index, self.clock())) is not None:
                if not checked:  # before the first question: a database that cannot take answers asks nothing
                    self.recorder.check_writable()
                    self.show_interview_note()
                    checked = True
                try:
                    answered = self.ask(question, index, queue.position(index))
                    self.answers.append(answered)
                    queue.answered(answered)
                    self.after_answer(answered)
                except UndoRequest:
                    index = self.undo_last(index, queue)
                    continue
                except Skip:
                    self.io.show(notice("Skipped."))
                    queue.skipped(index)
                index += 1
            note = queue.end_note(index)
        except Quit as stop:
            note = stop.reason
        except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM/SIGHUP as Terminated
            return self.interrupted(stop, started)
        return self.summary(started, note)

    def interrupted(self, stop: KeyboardInterrupt, started: datetime) -> Summary:
        """Ctrl-C ends the session with its summary; a signal also shows it here and exits with 128 + its number."""
        cause = stop.name if isinstance(stop, Terminated) else "interrupted"
        note = cause if not isinstance(stop, Terminated) else f"ended by {cause}"
        if self.recorder.saving:
            note += "; the last answer was not saved"
        self.quietly("")
        summary = self.summary(started, note)
        if not isinstance(stop, Terminated):
            return summary
        from quizprep.text import plural
        from quizprep.ui.session import summary_view

        self.quietly(summary_view(summary))
        kept = plural(len(self.answers), "answer")
        raise SessionEnded(f"the session was {note}; {kept} confirmed as 'Saved.' kept", stop.signum) from None

    def quietly(self, renderable) -> None:
        """Show something when the terminal may be gone (after SIGHUP): a closed terminal is not an error here."""
        try:
            self.io.show(renderable)
        except (OSError, ValueError):
            pass

    def show_waiting(self) -> None:
        self.io.show(
            notice("Waiting for another quizprep session to release the database… your answer is kept.", "yellow")
        )

    def show_interview_note(self) -> None:
        """A stored interview date in the past (or absurd) plans nothing: say so once, at the start."""
        from quizprep.clock import ignored_interview_note, local_day

        if self.recorder.policy.interview_at is not None:
            return
        try:
            stored = store.settings_get(self.recorder.conn).get("interview-date")
        except sqlite3.Error:
            return
        text = ignored_interview_note(stored, local_day(self.clock(), self.recorder.policy.tz))
        if text:
            self.io.show(notice(text, "yellow"))

    def ask(self, question: Question, index: int, position: str) -> Answered:
        from quizprep.ui.session import question_view

        if self.clear_screen and index > 0:  # the first card stays below the session's header
            self.io.console.clear()
            if self.last_note is not None:
                self.io.show(self.last_note)

        extras = {
            "mcq": "Type the letter of your answer · s skip · q quit",
            "flashcard": (
                "Say your answer, then press Space · s skip · q quit"
                if self.two_key
                else "Type your answer, or just press Enter to reveal · s skip · q quit"
            ),
            "numeric": "Type a number (or numbers separated by commas) · s skip · q quit",
            "cloze": "Type the missing words (Enter alone if you do not know) · s skip · q quit",
        }
        if self.answers and self.answers[-1].index == index - 1:
            extras[question.kind] += " · u undo last"
        self.io.show(question_view(question, position, extras[question.kind]))
        return self.ask_after_view(question, index)

    def ask_after_view(self, question: Question, index: int) -> Answered:
        """Read and grade the answer, record it, show the feedback."""
        start = self.clock()
        askers = {"mcq": self.ask_choice, "flashcard": self.ask_flashcard, "numeric": self.ask_numeric}
        asker = {**askers, "cloze": self.ask_cloze}[question.kind]
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
        from quizprep.ui.session import pitfalls_view, rating_prompt, reveal_view

        if self.two_key:
            self.prompt(REVEAL_PROMPT, choices={""}, describe="Space or Enter", single=True, demo_item=question.item)
        else:
            self.prompt("Your answer: ", free_text=True)
        self.io.show(reveal_view(question, self.io.console.width))
        pitfalls = pitfalls_view(question)
        if pitfalls is not None:
            self.io.show(pitfalls)
        if self.two_key:
            prompt = rating_prompt(self.recorder.preview(question.key, self.clock()))
        else:
            prompt = RATING_PROMPT
        rating = int(
            self.prompt(
                prompt, choices={"1", "2", "3", "4"}, describe="1, 2, 3 or 4", single=True, demo_item=question.item
            )
        )
        return Verdict(rating, None, rating >= GOOD)

    def ask_cloze(self, question: Question) -> Verdict:
        """A typed answer for the hidden gap, graded leniently (see questions.grade_typed): Good or Again."""
        text = self.prompt("Missing: ", free_text=True)
        correct = grade_typed(text, cloze_expected(question))
        return Verdict(GOOD if correct else AGAIN, correct, correct, text or "(nothing)")

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
            if command in ("e", "?") and (choices is None or command not in choices):
                self.show_help_or_source(command, demo_item)
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

    def show_help_or_source(self, command: str, item) -> None:
        """`?` lists the keys; `e` says where the item comes from (its file and line), to edit it."""
        from quizprep.ui.session import keys_view

        if command == "?":
            self.io.show(keys_view())
        elif item is not None:
            self.io.show(notice(f"{item.id} is at {item.file}:{item.line}"))
        else:
            self.io.show(notice("e shows where the current item is written; this question has no bank item."))

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
        self.last_note = saved_note(wait.total_seconds(), lead)
        return self.last_note

    def after_answer(self, answered: Answered) -> None:
        """In a real terminal, a pause after each answer: Enter next, d demo, u undo, q quit
        (none after a two-key flashcard: its rating key moves on)."""
        if not self.io.interactive or (self.two_key and answered.question.kind == "flashcard"):
            return
        item = answered.question.item
        keys = markup(
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

    def undo_last(self, index: int, queue) -> int:
        """Take back the last answer and return the position to ask again from (or to go on from, if refused)."""
        if not self.answers:
            self.io.show(notice("Nothing to undo yet.", "yellow"))
            return index
        last = self.answers[-1]
        try:
            self.recorder.undo(last.recorded)
        except store.Conflict as exc:
            self.io.show(notice(f"Not undone: {exc}.", "yellow"))
            return max(index, last.index + 1)
        except store.WriteError as exc:
            self.io.show(notice(f"Not undone: {exc.reason}; your answer stays saved.", "red"))
            return max(index, last.index + 1)
        self.answers.pop()
        queue.undone(last)
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
        try:
            due = due_line(*store.due_counts(self.recorder.conn, self.clock()))
        except sqlite3.Error:  # the summary must not hide why the session ended
            due = "What is due next could not be read."
        return Summary(len(self.answers), right, by_topic, seconds, note, due, list(self.answers))


class FixedQueue:
    """A session's questions chosen up front; with `requeue_learning`, a card in a learning step
    that falls due within `learn_ahead` is asked again at the end."""

    def __init__(self, questions: list[Question], session: Session):
        self.questions = questions
        self.session = session

    def question_at(self, index: int, now: datetime) -> Question | None:
        return self.questions[index] if index < len(self.questions) else None

    def position(self, index: int) -> str:
        return f"Question {index + 1} of {len(self.questions)}"

    def answered(self, answered: Answered) -> None:
        if self.session.requeue_learning and self.session.due_again_soon(answered):
            self.questions.append(flashcard(answered.question.item))

    def undone(self, answered: Answered) -> None:
        return

    def skipped(self, index: int) -> None:
        return

    def end_note(self, index: int) -> str:
        return "all questions answered" if self.questions else "nothing to ask"
