"""Reading answers: single keys in a real terminal, whole lines from a pipe.

`open_io(console)` picks the right one. Both return None at end of input; Ctrl-C
raises KeyboardInterrupt as usual (the session turns it into a clean ending).
"""

from __future__ import annotations

import os
import re
import sys

from rich.console import Console, RenderableType

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_LINE = 10_000


def clean(text: str) -> str:
    """A typed line without control characters (escape sequences, stray bytes), cut to a sane length."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z~]", "", text)  # arrow keys and other CSI sequences
    return CONTROL.sub("", text)[:MAX_LINE]


def shown(text: str, limit: int = 30) -> str:
    """What the user typed, safe and short enough to echo back in a message."""
    text = clean(text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LineIO:
    """Answers come as lines (a pipe, a file, a test): each prompt reads one line."""

    interactive = False

    def __init__(self, console: Console, stream=None):
        self.console = console
        self.stream = stream if stream is not None else sys.stdin

    def show(self, renderable: RenderableType = "") -> None:
        self.console.print(renderable)

    def line(self, prompt: str) -> str | None:
        self.console.print(prompt, end="", markup=True, highlight=False)
        raw = self.stream.readline()
        if not raw:
            self.console.print()
            return None
        text = clean(raw.rstrip("\r\n"))
        self.console.print(shown(text, 80), markup=False, highlight=False)  # a pipe's input is echoed by nobody else
        return text

    def key(self, prompt: str) -> str | None:
        """A single choice; in line mode, a whole line."""
        return self.line(prompt)

    def timed_line(self, prompt: str, seconds: int) -> tuple[str | None, bool]:
        """A line typed against the clock: (text, ran out of time). A pipe has no clock to show."""
        import time

        start = time.monotonic()
        text = self.line(prompt)
        return text, time.monotonic() - start > seconds


class TerminalIO(LineIO):
    """A person at a real terminal: single keys where one key is the answer, line editing elsewhere."""

    interactive = True

    def line(self, prompt: str) -> str | None:
        try:
            return clean(self.console.input(prompt))
        except EOFError:
            self.console.print()
            return None

    def key(self, prompt: str) -> str | None:
        self.console.print(prompt, end="", markup=True, highlight=False)
        pressed = read_key()
        if pressed is None:
            self.console.print()
            return None
        self.console.print(pressed if pressed.isprintable() else "", markup=False, highlight=False)
        return pressed

    def timed_line(self, prompt: str, seconds: int) -> tuple[str | None, bool]:
        """A line typed with a countdown in the bottom bar; when time runs out, what was typed is taken."""
        import time

        from prompt_toolkit import PromptSession
        from prompt_toolkit.application import get_app
        from prompt_toolkit.formatted_text import HTML

        deadline = time.monotonic() + seconds
        state = {"timed_out": False}

        def toolbar():
            left = deadline - time.monotonic()
            if left <= 0 and not state["timed_out"]:
                state["timed_out"] = True
                app = get_app()
                app.exit(result=app.current_buffer.text)
            minutes, secs = divmod(max(0, int(left + 0.999)), 60)
            style = "ansired" if left < 30 else "ansigreen"
            return HTML(
                f" <b><style fg='{style}'>⏱ {minutes}:{secs:02d}</style></b> left · "
                "Enter submits · Ctrl-C ends the interview "
            )

        session = PromptSession()
        self.console.print(prompt, end="")
        try:
            text = session.prompt("> ", bottom_toolbar=toolbar, refresh_interval=0.5)
        except EOFError:
            return None, False
        return clean(text or ""), state["timed_out"]


def read_key() -> str | None:
    """One key press, without Enter. Enter gives '', Ctrl-D gives None, Ctrl-C raises KeyboardInterrupt."""
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        char = msvcrt.getwch()
        if char in ("\x00", "\xe0"):
            msvcrt.getwch()
            return ""
        return _meaning(char)
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        data = os.read(fd, 1)
        if data == b"\x1b":  # an escape sequence (arrow keys): swallow the rest of it
            _drain(fd)
            return ""
        while data and data[0] >= 0xC0 and len(data) < 4:  # the rest of a UTF-8 character
            try:
                return _meaning(data.decode("utf-8"))
            except UnicodeDecodeError:
                data += os.read(fd, 1)
        return _meaning(data.decode("utf-8", errors="ignore"))
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _meaning(char: str) -> str | None:
    if char == "\x03":
        raise KeyboardInterrupt
    if char in ("\x04", ""):
        return None
    if char in ("\r", "\n"):
        return ""
    return char


def _drain(fd: int) -> None:
    import select

    while select.select([fd], [], [], 0.01)[0]:
        if not os.read(fd, 64):
            break


def open_io(console: Console) -> LineIO:
    """Single keys when both ends are a terminal, otherwise one line per answer."""
    if sys.stdin.isatty() and console.is_terminal:
        return TerminalIO(console)
    return LineIO(console)
