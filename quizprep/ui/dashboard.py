"""The dashboard of a bare `quizprep`: a few lines on today, and on the very first run what each mode is for.

Lines of text only (no panel, no table), so it reads the same on a screen reader and costs little to draw.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from quizprep.text import plural

MODES = (
    ("quiz", "mixed questions: multiple choice, flashcards, numbers"),
    ("review", "spaced repetition: today's cards, most useful first"),
    ("drill", "numeric problems (memory, FLOPs, shapes), graded"),
    ("code", "write softmax, attention... and run hidden tests"),
    ("interview", "a mock interview against the clock, then self-check"),
)
LABEL_WIDTH = 11


def dashboard_view(figures: dict) -> RenderableType:
    """Today's figures and the command to run next; the first run explains the modes instead."""
    if figures["first_run"]:
        return Group(*welcome_lines(figures))
    lines = [Text("quizprep · today", style="bold")]
    lines.append(_row("due now", _due(figures)))
    if figures["interview"] is None:
        lines.append(_row("new today", f"{figures['new_today']} (of {figures['unseen']} not yet seen)"))
    else:
        lines.append(_row("not seen", f"{figures['unseen']} of {plural(figures['items'], 'item')}"))
    lines.append(
        _row("streak", f"{plural(figures['streak'], 'day')} · {plural(figures['answered_today'], 'answer')} today")
    )
    if figures["minutes_today"] is not None:
        spent, daily = figures["minutes_today"]["spent"], figures["minutes_today"]["daily"]
        lines.append(_row("minutes", f"{spent:.0f} of {daily:g} studied today"))
    lines.append(_row("interview", _interview(figures["interview"])))
    lines += [Text(""), next_line(figures["next"])]
    return Group(*lines)


def welcome_lines(figures: dict) -> list[Text]:
    lines = [
        Text(f"Welcome to quizprep: {plural(figures['items'], 'interview question')} on deep learning,", style="bold"),
        Text("scheduled so that you still know the answers on the day."),
        Text(""),
    ]
    for name, what in MODES:
        lines.append(Text.assemble(("quizprep " + name).ljust(LABEL_WIDTH + 9), what))
    lines += [
        Text(""),
        Text("An interview date plans your study: quizprep config interview-date YYYY-MM-DD"),
        Text("Every command: quizprep --help · for screen readers: quizprep --plain"),
        Text(""),
        next_line(figures["next"]),
    ]
    return lines


def next_line(step: dict) -> Text:
    return Text.assemble(("Next: ", "bold"), (step["command"], "bold cyan"), f"   ({step['why']})")


def _row(label: str, value: str) -> Text:
    return Text.assemble(("  " + label).ljust(LABEL_WIDTH + 2), value)


def _due(figures: dict) -> str:
    text = str(figures["due_now"])
    if figures["learning_due"]:
        text += f" ({figures['learning_due']} in learning)"
    if not figures["due_now"] and figures["next_due"]:
        text += f" · next at {figures['next_due'][:16].replace('T', ' ')}"
    return text


def _interview(interview: dict | None) -> str:
    if interview is None:
        return "no date set (quizprep config interview-date YYYY-MM-DD)"
    days = interview["days"]
    when = "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")
    readiness = interview["readiness"]
    share = "-" if readiness is None else f"{100 * readiness:.{0 if readiness >= 0.1 else 1}f}%"
    return f"{interview['at'][:16].replace('T', ' ')}, {when} · readiness {share} (expected share of the bank recalled)"
