"""Where output goes: the standard-output console, one-line messages on standard error, and what keeps both safe.

This is the one room that prints; views elsewhere only build renderables.

    safe(text)          control characters made visible (ESC as ␛): data never steers the terminal
    Safe(renderable)    the same for any Rich renderable, keeping Rich's own styling
    forgiving(stream)   a stream whose encoding cannot show a character writes an ASCII stand-in
                        (✓ as v, → as ->) instead of raising UnicodeEncodeError
    plain_mode()        whether output is plain (--plain, $QUIZPREP_PLAIN): no colour, boxes or cursor moves
    frame(body, ...)    a bordered panel, or in plain mode a title line above the body
    page(renderable)    print, through $PAGER (less) when taller than the terminal and stdout is one
"""

from __future__ import annotations

import codecs
import sys
import unicodedata

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from quizprep.ui import plain_mode

__all__ = ["plain_mode"]  # re-exported: views ask `ui.console.plain_mode()`

# C0 controls as their Control Pictures (ESC -> ␛), DEL as ␡, C1 controls and the bidirectional
# overrides (which reorder what follows them) as U+FFFD. One character for one keeps Rich's spans valid.
_VISIBLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_VISIBLE[0x7F] = 0x2421
_VISIBLE.update({code: 0xFFFD for code in (*range(0x80, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F))})
_VISIBLE.update({code: 0xFFFD for code in range(0x2066, 0x206A)})

FALLBACK_ERRORS = "quizprep-fallback"
# Stand-ins for characters quizprep's own views use, on a terminal that cannot show them.
_STAND_INS = {
    "✓": "v", "✗": "x", "·": "-", "…": "...", "→": "->", "←": "<-", "↔": "<->", "⇒": "=>", "—": "--",
    "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "•": "*", "☐": "[ ]", "☑": "[x]", "⏱": "",
    "≈": "~", "≤": "<=", "≥": ">=", "≠": "!=", "×": "x", "÷": "/", "−": "-", "±": "+/-", "√": "sqrt",
    "∑": "sum", "∏": "prod", "∞": "inf", "∇": "grad", "∂": "d", "∈": " in ", "∫": "int", "⊙": "(.)",
    "⊤": "^T", "ᵀ": "^T", "²": "^2", "³": "^3", "½": "1/2", "°": " deg", "█": "#", "▓": "#", "▒": "+",
    "░": ".", "▁": "_", "▏": "|", "│": "|", "─": "-", "━": "=", "╭": "+", "╮": "+", "╰": "+", "╯": "+",
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "eps", "ζ": "zeta", "η": "eta",
    "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Σ": "Sigma", "Δ": "Delta",
    "\ufffd": "?",
}  # fmt: skip


def safe(text: str) -> str:
    """`text` with every control character made visible (ESC as ␛): nothing in it can steer the terminal."""
    return text.translate(_VISIBLE)


class Safe:
    """Any renderable, with control characters in its text made visible; Rich's own styling is kept."""

    def __init__(self, renderable: RenderableType):
        self.renderable = Text(safe(renderable)) if isinstance(renderable, str) else renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = plain_mode()
        for segment in console.render(self.renderable, options):
            # Control segments are Rich's own cursor moves (none in plain mode); all other text came from elsewhere.
            if segment.control:
                if not plain:
                    yield segment
                continue
            yield Segment(safe(segment.text), segment.style)


def _stand_in(char: str) -> str:
    if char in _STAND_INS:
        return _STAND_INS[char]
    if 0x2400 <= ord(char) < 0x2420:  # a control picture: caret notation, ␛ as ^[
        return "^" + chr(ord(char) - 0x2400 + 64)
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()  # é -> e
    return plain or "?"


def _fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_stand_in(char) for char in error.object[error.start : error.end]), error.end


codecs.register_error(FALLBACK_ERRORS, _fallback)


def forgiving(stream):
    """`stream`, set to write stand-ins for what its encoding cannot show (an ASCII or Latin-1 terminal)."""
    encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    if not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
        try:
            stream.reconfigure(errors=FALLBACK_ERRORS)
        except (ValueError, OSError):  # a closed or detached stream: leave it be
            pass
    return stream


def stdout_console() -> Console:
    forgiving(sys.stdout)
    return Console(highlight=False, **_plain_settings())


def _plain_settings() -> dict:
    """No colour or other styling in plain mode: Rich writes no escape sequence at all without a colour system."""
    return {"color_system": None, "emoji": False} if plain_mode() else {}


def show(renderable: RenderableType) -> None:
    """Print a view on standard output; plain strings are shown as text, never read as markup."""
    stdout_console().print(Safe(renderable))


def frame(
    body: RenderableType,
    title: str | Text | None = None,
    subtitle: str | Text | None = None,
    border_style: str = "",
    padding: tuple[int, int] = (1, 2),
) -> RenderableType:
    """A panel around `body`; in plain mode no border: the title on its own line, the body, then the subtitle."""
    if plain_mode():
        lines: list[RenderableType] = []
        if title:
            lines.append(Text.from_markup(title) if isinstance(title, str) else title)
        lines.append(body)
        if subtitle:
            lines.append(Text.from_markup(subtitle) if isinstance(subtitle, str) else subtitle)
        return Group(*lines)
    from rich.panel import Panel

    return Panel(
        body,
        title=title,
        subtitle=subtitle,
        title_align="left",
        subtitle_align="left",
        border_style=border_style,
        padding=padding,
    )


def table_box():
    """The box for a table with lines: Rich's default, or none in plain mode (a screen reader reads '│' aloud)."""
    if plain_mode():
        return None
    from rich import box

    return box.HEAVY_HEAD


def page(renderable: RenderableType, console: Console | None = None) -> None:
    """Print a view; through a pager when standard output is a terminal and the view is taller than it.

    Never in plain mode (a pager takes over the screen) and never into a pipe or a file."""
    console = console or stdout_console()
    safe_view = Safe(renderable)
    if plain_mode() or not console.is_terminal or not sys.stdout.isatty() or console.is_dumb_terminal:
        console.print(safe_view)
        return
    height = len(console.render_lines(safe_view, console.options, pad=False))
    if height + 1 < console.size.height:
        console.print(safe_view)
        return
    with console.pager(pager=_Pager(), styles=True):
        console.print(safe_view)


class _Pager:
    """$PAGER, or `less`, reading the page on standard input; `less` gets -FRX unless $LESS says otherwise
    (show colours, quit at once if the text fits, leave the text on screen). Without a pager, the text is printed."""

    def show(self, content: str) -> None:
        import os
        import shlex
        import subprocess

        command = shlex.split(os.environ.get("PAGER") or "less")
        env = {**os.environ}
        env.setdefault("LESS", "FRX")
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, env=env, encoding=sys.stdout.encoding, errors=FALLBACK_ERRORS
            )
        except OSError:  # no such pager: the text still has to be shown
            sys.stdout.write(content)
            return
        try:
            with process.stdin as pipe:
                pipe.write(content)
        except (OSError, KeyboardInterrupt):  # the reader quit the pager early
            pass
        while True:
            try:
                process.wait()
                return
            except KeyboardInterrupt:  # Ctrl-C belongs to the pager while it runs
                pass


def print_error(message: str) -> None:
    """`Error: ...` on standard error; the message is shown as text, never read as markup."""
    _to_stderr(Text("Error: ", style="bold red") + Text(safe(message)))


def print_note(message: RenderableType) -> None:
    """A short message for a person, on standard error so standard output stays clean for data."""
    _to_stderr(Safe(message))


def _to_stderr(renderable: RenderableType) -> None:
    forgiving(sys.stderr)
    try:
        Console(stderr=True, highlight=False, **_plain_settings()).print(renderable, soft_wrap=True)
    except OSError:  # the terminal is gone (after SIGHUP): nobody is left to read it
        pass


def unexpected(exc: BaseException) -> str:
    """The message for an error nobody foresaw: what happened, and only what is known to be kept."""
    return (
        f"quizprep hit an unexpected problem: {type(exc).__name__}: {safe(str(exc))}. This is a bug in quizprep. "
        "Answers confirmed as 'Saved.' are kept; an answer given after the last 'Saved.' may not be. "
        "Set QUIZPREP_DEBUG=1 to see the details, and please report it."
    )
