"""What a session shows: the question card, the revealed answer, feedback, the saved note and the summary.

Views take plain values and return Rich renderables; they never print.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from quizprep.questions import KIND_NAMES, LETTERS, Question, cloze_expected, cloze_prompt, cloze_sentence
from quizprep.text import plural
from quizprep.ui.console import frame, plain_mode
from quizprep.ui.text import bullet_list, difficulty_label, markdown_text, plain_math, section

WIDE = 100  # from this width the answer and the key points sit side by side


def question_view(question: Question, position: str, extra: str = "") -> RenderableType:
    """The question card: where the session is ('Question 3 of 10'), topic, difficulty, kind, and the options."""
    dot = ("  ·  ", "dim")
    title = Text.assemble(
        (position, "bold"),
        dot,
        question.topic,
        dot,
        difficulty_label(question.difficulty),
        dot,
        KIND_NAMES[question.kind],
    )
    parts: list[RenderableType] = []
    if question.kind == "numeric":
        parts.append(Text(plain_math(question.problem.prompt)))
    elif question.kind == "cloze":
        parts.append(Text(plain_math(cloze_prompt(question))))
    else:
        parts.append(
            Text(plain_math(question.item.question))
        )  # plain text: no markdown parser before the first question
    if question.kind == "mcq":
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold cyan", no_wrap=True)
        grid.add_column(ratio=1)
        for letter, option in zip(LETTERS, question.options):
            grid.add_row(f"{letter}", Text(plain_math(option)))
        parts += [Text(""), grid]
    if extra:
        parts += [Text(""), Text(extra, style="dim")]
    return frame(Group(*parts), title=title, border_style="blue")


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
    if width >= WIDE and not plain_mode():  # side by side reads as interleaved lines aloud
        grid = Table.grid(padding=(0, 3), expand=True)
        grid.add_column(ratio=3)
        grid.add_column(ratio=2)
        grid.add_row(Group(Text("Answer", style="bold"), answer), Group(Text("Did you cover…", style="bold"), points))
        body: RenderableType = grid
    else:
        body = Group(section("Answer", answer), section("Did you cover…", points))
    return frame(body, border_style="green")


def feedback_view(question: Question, correct: bool, given: str, message: str = "") -> RenderableType:
    """After an auto-graded answer: right or wrong, the correct answer, the explanation and pitfalls."""
    parts: list[RenderableType] = []
    if correct:
        parts.append(Text("✓ Correct", style="bold green"))
    else:
        parts.append(Text(f"✗ Not quite{': you answered ' + given if given else ''}", style="bold red"))
    if question.kind == "mcq":
        letter = LETTERS[question.correct]
        parts.append(
            Text.assemble(
                ("Answer: ", "bold"), (f"{letter}  ", "bold cyan"), plain_math(question.options[question.correct])
            )
        )
        parts += [Text(""), markdown_text(question.item.answer)]
    elif question.kind == "numeric":
        expected = ", ".join(f"{value:.6g}" for value in question.problem.answer)
        parts.append(Text.assemble(("Answer: ", "bold"), (expected, "bold cyan")))
        parts += [Text(""), Text("Worked solution", style="bold")]
        parts += [Padding(Text(plain_math(line)), (0, 0, 0, 2)) for line in question.problem.solution]
    elif question.kind == "cloze":
        parts.append(Text.assemble(("Answer: ", "bold"), (plain_math(cloze_expected(question)), "bold cyan")))
        parts += [Text(""), Text(plain_math(cloze_sentence(question)))]
    return frame(Group(*parts), border_style="green" if correct else "red")


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
        table.add_row(
            Text("all", style="bold"),
            str(summary.answered),
            str(summary.right),
            f"{100 * summary.right / summary.answered:.0f}%" if summary.answered else "-",
        )
    minutes, seconds = divmod(int(summary.seconds), 60)
    lines = [
        table if summary.answered else Text("No answers this session.", style="dim"),
        Text(""),
        Text(f"Time: {minutes} min {seconds:02d} s" + (f" · {summary.note}" if summary.note else "")),
        Text(summary.due_line),
    ]
    return frame(Group(*lines), border_style="magenta")


def describe_wait(seconds: float) -> str:
    """'now', 'in 10 min', 'in 3 h', 'in 2 days'."""
    if seconds < 30:
        return "now"
    if seconds < 3600:
        return f"in {max(1, round(seconds / 60))} min"
    if seconds < 86400:
        return f"in {round(seconds / 3600)} h"
    return "in " + plural(round(seconds / 86400), "day")


def saved_note(wait_seconds: float, lead: str = "") -> Text:
    """'Saved. Next review in 2 days.' after an answer, with an optional sentence before it."""
    text = f"{lead} " if lead else ""
    return Text(f"{text}Saved. Next review {describe_wait(wait_seconds)}.", style="dim")


def due_line(due_now: int, next_day: int, later: str | None) -> str:
    """'Due now: 3 · in the next 24 h: 12 · after that, next on 2026-11-25' for the summary."""
    text = f"Due now: {due_now} · in the next 24 h: {next_day}"
    if later:
        text += f" · after that, next on {later[:10]}"
    return text


def review_start(figures: dict) -> Text:
    """'Review · 14 days to your interview (2026-12-20 14:00) · readiness 0.62 · 30 min a day, 18 left today'."""
    text = Text("Review", style="bold")
    if figures["days"] is not None:
        text.append(" · ")
        text.append(f"{plural(figures['days'], 'day')} to your interview", style="bold")
        text.append(f" ({figures['interview']}) · readiness {figures['readiness']:.2f}")
    else:
        text.append(f" · {figures['learning']} learning · {figures['due']} due · ")
        text.append(f"{figures['new']} new today (of {figures['unseen']} not yet seen)")
    if figures["minutes"] is not None:
        left = max(0.0, figures["minutes"] - figures["spent_minutes"])
        text.append(f" · {figures['minutes']:g} min a day, {left:.0f} left today")
    return text


def review_end(stopped: str, minutes: float | None, before: float | None, after: float | None, next_due: str | None):
    """Why the review stopped and what to do next; with an interview, how readiness moved."""
    change = f"readiness {before:.2f} → {after:.2f}" if before is not None and after is not None else ""
    if stopped == "budget":
        lines = [f"Today's {minutes:g} minutes are done", change, "come back tomorrow"]
        hint = "(quizprep review --keep-going studies on while it still pays)"
    elif stopped == "enough":
        lines = ["Nothing more is worth its time today", change, "come back tomorrow"]
        hint = ""
    elif stopped == "limit":
        lines = ["The card limit is reached", change]
        hint = ""
    elif stopped == "":  # the learner ended the session: only how readiness moved, if it did
        return Text(change[0].upper() + change[1:] + "." if change else "", style="green")
    else:
        when = f"the next item is due {next_due[:16].replace('T', ' ')} UTC" if next_due else ""
        lines = ["Nothing more is due right now", when]
        hint = "" if next_due else "(start with quizprep quiz, or raise quizprep config new-per-day)"
    text = Text("; ".join(part for part in lines if part) + ".", style="green")
    if hint:
        text.append(" " + hint, style="dim")
    return text


def notice(text: str, style: str = "dim") -> Text:
    """A one-line message in a session, shown as text (it may quote what the user typed)."""
    return Text(text, style=style)


def short_wait(seconds: float) -> str:
    """'1m', '10m', '5h', '2d', '3mo' for the rating preview."""
    minutes = seconds / 60
    if minutes < 60:
        return f"{max(1, round(minutes))}m"
    if minutes < 24 * 60:
        return f"{round(minutes / 60)}h"
    days = minutes / (24 * 60)
    return f"{round(days)}d" if days < 60 else f"{round(days / 30)}mo"


def rating_prompt(previews: dict[int, float]) -> Text:
    """'1 Again 1m · 2 Hard 8m · 3 Good 2d · 4 Easy 6d : ': each rating with when the card would come back."""
    names = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
    text = Text()
    for rating in (1, 2, 3, 4):
        if rating > 1:
            text.append(" · ", style="dim")
        text.append(str(rating), style="bold")
        text.append(f" {names[rating]} ")
        text.append(short_wait(previews[rating]), style="cyan")
    text.append(" : ")
    return text


KEYS = (
    ("Space / Enter", "show the answer"),
    ("1 2 3 4", "rate it Again, Hard, Good or Easy, and go on"),
    ("d", "run the item's NumPy demo"),
    ("u", "undo your last answer"),
    ("s", "skip this card"),
    ("e", "where the item is written (file and line)"),
    ("?", "this list"),
    ("q", "quit (every answer so far is saved)"),
)


def keys_view() -> Table:
    """The session keys, one per line."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for key, meaning in KEYS:
        grid.add_row(key, meaning)
    return grid
