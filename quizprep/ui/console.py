"""Where output goes: the standard-output console, one-line messages on standard error, and what keeps both safe.

This is the one room that prints; views elsewhere only build renderables.

    safe(text)          control characters made visible (ESC as ␛): data never steers the terminal
    Safe(renderable)    the same for any Rich renderable, keeping Rich's own styling
    forgiving(stream)   a stream whose encoding cannot show a character writes an ASCII stand-in
                        (✓ as v, → as ->) instead of raising UnicodeEncodeError
"""

from __future__ import annotations

import codecs
import sys
import unicodedata

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

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
        for segment in console.render(self.renderable, options):
            # Control segments are Rich's own cursor moves; every other text came from somewhere else.
            yield segment if segment.control else Segment(safe(segment.text), segment.style)


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
    return Console(highlight=False)


def show(renderable: RenderableType) -> None:
    """Print a view on standard output; plain strings are shown as text, never read as markup."""
    stdout_console().print(Safe(renderable))


def print_error(message: str) -> None:
    """`Error: ...` on standard error; the message is shown as text, never read as markup."""
    _to_stderr(Text("Error: ", style="bold red") + Text(safe(message)))


def print_note(message: RenderableType) -> None:
    """A short message for a person, on standard error so standard output stays clean for data."""
    _to_stderr(Safe(message))


def _to_stderr(renderable: RenderableType) -> None:
    forgiving(sys.stderr)
    try:
        Console(stderr=True, highlight=False).print(renderable, soft_wrap=True)
    except OSError:  # the terminal is gone (after SIGHUP): nobody is left to read it
        pass


def unexpected(exc: BaseException) -> str:
    """The message for an error nobody foresaw: what happened, and only what is known to be kept."""
    return (
        f"quizprep hit an unexpected problem: {type(exc).__name__}: {safe(str(exc))}. This is a bug in quizprep. "
        "Answers confirmed as 'Saved.' are kept; an answer given after the last 'Saved.' may not be. "
        "Set QUIZPREP_DEBUG=1 to see the details, and please report it."
    )
