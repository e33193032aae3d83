"""Reading answers: single keys in a real terminal, whole lines from a pipe; and keeping the terminal sane.

`open_io(console)` picks the right one. Both return None at end of input; Ctrl-C
raises KeyboardInterrupt as usual (the session turns it into a clean ending).
Input that is not valid in the terminal's encoding is read with replacement
characters, and everything shown goes through `ui.console.Safe`.

`install_signal_handlers()` (called once by the CLI's `main`) makes SIGTERM and
SIGHUP raise Terminated, a KeyboardInterrupt, so a command ends as after Ctrl-C:
a session keeps every answer confirmed as saved, shows its summary and exits with
128 + the signal number; any other command exits with 1. Ctrl-Z hands the
terminal back as it was, `fg` (SIGCONT) puts a pending single-key read back in
cbreak mode, and at exit the terminal's settings from start-up and the cursor
are restored.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_LINE = 10_000


def clean(text: str) -> str:
    """A typed line without control characters (escape sequences, stray bytes), cut to a sane length."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z~]", "", text)  # arrow keys and other CSI sequences
    return CONTROL.sub("", text)[:MAX_LINE]


def shown(text: str, limit: int = 30) -> str:
    """What the user typed, safe and short enough to echo back in a message."""
    text = clean(text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markup(text: str) -> Text:
    """A prompt of quizprep's own words with Rich markup ([bold]1[/]); never for text that holds data."""
    from rich.text import Text

    return Text.from_markup(text)


def as_text(prompt: str | Text) -> Text:
    """A prompt as Text: a plain string is shown as it is, never read as markup."""
    from rich.text import Text

    from quizprep.ui.console import safe

    return Text(safe(prompt)) if isinstance(prompt, str) else prompt


class LineIO:
    """Answers come as lines (a pipe, a file, a test): each prompt reads one line."""

    interactive = False

    def __init__(self, console: Console, stream=None):
        self.console = console
        if stream is None:
            stream = sys.stdin
            _replace_bad_input(stream)
        self.stream = stream

    def show(self, renderable: RenderableType = "") -> None:
        from quizprep.ui.console import Safe

        self.console.print(Safe(renderable))

    def line(self, prompt: str | Text) -> str | None:
        self.console.print(as_text(prompt), end="")
        raw = self.stream.readline()
        if not raw:
            self.console.print()
            return None
        text = clean(raw.rstrip("\r\n"))
        self.show(shown(text, 80))  # a pipe's input is echoed by nobody else
        return text

    def key(self, prompt: str | Text) -> str | None:
        """A single choice; in line mode, a whole line."""
        return self.line(prompt)

    def timed_line(self, prompt: str | Text, seconds: int) -> tuple[str | None, bool]:
        """A line typed against the clock: (text, ran out of time). A pipe has no clock to show."""
        import time

        start = time.monotonic()
        text = self.line(prompt)
        return text, time.monotonic() - start > seconds


class TerminalIO(LineIO):
    """A person at a real terminal: single keys where one key is the answer, line editing elsewhere."""

    interactive = True

    def line(self, prompt: str | Text) -> str | None:
        try:
            return clean(self.console.input(as_text(prompt)))
        except EOFError:
            self.console.print()
            return None

    def key(self, prompt: str | Text) -> str | None:
        self.console.print(as_text(prompt), end="")
        pressed = read_key()
        if pressed is None:
            self.console.print()
            return None
        self.console.print(pressed if pressed.isprintable() else "", markup=False, highlight=False)
        return pressed

    def timed_line(self, prompt: str | Text, seconds: int) -> tuple[str | None, bool]:
        """A line typed with a countdown in the bottom bar; when time runs out, what was typed is taken.

        In plain mode there is no redrawn countdown (the interview's own line before the question
        says the time allowed): the line is read as it is typed, and an answer given late counts as late."""
        import time

        from quizprep.ui import plain_mode

        if plain_mode():
            start = time.monotonic()
            text = self.line(prompt)
            return text, time.monotonic() - start > seconds
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
        self.console.print(as_text(prompt), end="")
        try:
            text = session.prompt("> ", bottom_toolbar=toolbar, refresh_interval=0.5)
        except EOFError:
            return None, False
        return clean(text or ""), state["timed_out"]


def _replace_bad_input(stream) -> None:
    """Bytes that are not valid in the input's encoding become U+FFFD instead of ending the session."""
    if hasattr(stream, "reconfigure"):
        try:
            stream.reconfigure(errors="replace")
        except (ValueError, OSError):
            pass


# A single-key read in progress: (fd, the settings to restore), for the Ctrl-Z and fg handlers.
_pending_read: list[tuple[int, list]] = []


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
    _pending_read.append((fd, saved))
    try:
        tty.setcbreak(fd)
        return _read_char(fd)
    finally:
        _pending_read.pop()
        _set_attributes(fd, saved)


def _read_char(fd: int) -> str | None:
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


def _set_attributes(fd: int, attributes: list) -> None:
    """Put terminal settings back; a terminal that has gone away (SIGHUP) has nothing left to restore."""
    import termios

    try:
        termios.tcsetattr(fd, termios.TCSANOW, attributes)
    except (termios.error, OSError):
        pass


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


# Signals


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so it unwinds (and restores the terminal) as after Ctrl-C."""

    def __init__(self, signum: int):
        import signal

        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


_start_attributes: list[tuple[int, list]] = []


def install_signal_handlers() -> None:
    """SIGTERM/SIGHUP end the command like Ctrl-C; Ctrl-Z and fg keep the terminal sane; exit restores it."""
    import atexit
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    if hasattr(signal, "SIGTSTP"):
        signal.signal(signal.SIGTSTP, _suspend)
        signal.signal(signal.SIGCONT, _resume)
    _remember_terminal()
    atexit.register(restore_terminal)


def _terminate(signum: int, frame) -> None:
    import signal

    signal.signal(signum, signal.SIG_DFL)  # a second one ends the process at once, should the first not
    raise Terminated(signum)


def _suspend(signum: int, frame) -> None:
    """Ctrl-Z: give the shell the terminal as it was before the key read, then stop."""
    import signal

    if _pending_read:
        fd, saved = _pending_read[-1]
        _set_attributes(fd, saved)
    signal.signal(signal.SIGTSTP, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTSTP)  # stops here until SIGCONT
    signal.signal(signal.SIGTSTP, _suspend)


def _resume(signum: int, frame) -> None:
    """fg (SIGCONT): a key read still waiting needs cbreak mode again, or it would wait for Enter."""
    if _pending_read:
        import termios
        import tty

        try:
            tty.setcbreak(_pending_read[-1][0])
        except (termios.error, OSError):
            pass


def _remember_terminal() -> None:
    if os.name == "nt" or not sys.stdin.isatty():  # pragma: no cover - Windows
        return
    import termios

    try:
        _start_attributes.append((sys.stdin.fileno(), termios.tcgetattr(sys.stdin.fileno())))
    except (termios.error, OSError, ValueError):
        pass


def restore_terminal() -> None:
    """At exit: the terminal's settings from start-up (echo, line mode) and a visible cursor."""
    for fd, attributes in _start_attributes:
        _set_attributes(fd, attributes)
    try:
        from quizprep.ui import plain_mode

        if sys.stdout.isatty() and os.environ.get("TERM", "") != "dumb" and not plain_mode():
            sys.stdout.write("\x1b[?25h")
            sys.stdout.flush()
    except (OSError, ValueError):
        pass
