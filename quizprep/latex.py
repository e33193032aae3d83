"""LaTeX math to readable Unicode for the terminal.

    math_to_unicode(r"\\frac{1}{n}\\sum_i (\\hat y_i - y_i)^2")  ->  "1/n∑ᵢ (ŷᵢ - yᵢ)²"
    render_math_in_text("Loss is $\\frac{1}{2}x^2$.")           ->  "Loss is 1/2x²."

Covers what interview answers use: fractions, roots, sub- and superscripts (Unicode
forms where they exist, `_(...)` / `^(...)` where not), accents, Greek letters,
operators, blackboard bold, font commands and small matrices. Unknown commands
lose their backslash. It never raises: odd input comes back as readable text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

SYMBOLS = {
    # Greek
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ϵ",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "vartheta": "ϑ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "varpi": "ϖ",
    "rho": "ρ",
    "varrho": "ϱ",
    "sigma": "σ",
    "varsigma": "ς",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "ϕ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Upsilon": "Υ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    # big operators and calculus
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "oint": "∮",
    "partial": "∂",
    "nabla": "∇",
    "infty": "∞",
    "sqrt": "√",
    # relations
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "∼",
    "simeq": "≃",
    "equiv": "≡",
    "propto": "∝",
    "ll": "≪",
    "gg": "≫",
    "in": "∈",
    "notin": "∉",
    "subset": "⊂",
    "subseteq": "⊆",
    "supset": "⊃",
    "supseteq": "⊇",
    "mid": "∣",
    "parallel": "∥",
    "perp": "⊥",
    # binary operators
    "times": "×",
    "cdot": "·",
    "div": "÷",
    "pm": "±",
    "mp": "∓",
    "odot": "⊙",
    "otimes": "⊗",
    "oplus": "⊕",
    "circ": "∘",
    "ast": "∗",
    "star": "⋆",
    "cup": "∪",
    "cap": "∩",
    "setminus": "∖",
    "wedge": "∧",
    "land": "∧",
    "vee": "∨",
    "lor": "∨",
    "neg": "¬",
    "lnot": "¬",
    # arrows
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "gets": "←",
    "Rightarrow": "⇒",
    "Leftarrow": "⇐",
    "leftrightarrow": "↔",
    "Leftrightarrow": "⇔",
    "iff": "⇔",
    "implies": "⇒",
    "mapsto": "↦",
    "uparrow": "↑",
    "downarrow": "↓",
    "longrightarrow": "⟶",
    # misc
    "forall": "∀",
    "exists": "∃",
    "emptyset": "∅",
    "varnothing": "∅",
    "top": "⊤",
    "bot": "⊥",
    "prime": "′",
    "ldots": "…",
    "dots": "…",
    "cdots": "⋯",
    "vdots": "⋮",
    "ddots": "⋱",
    "langle": "⟨",
    "rangle": "⟩",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    "lvert": "|",
    "rvert": "|",
    "vert": "|",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "ell": "ℓ",
    "hbar": "ℏ",
    "Re": "ℜ",
    "Im": "ℑ",
    "aleph": "ℵ",
    "deg": "°",
    "checkmark": "✓",
    "dagger": "†",
    "triangleq": "≜",
    "coloneqq": "≔",
}
FUNCTIONS = {
    "log",
    "ln",
    "lg",
    "exp",
    "sin",
    "cos",
    "tan",
    "sinh",
    "cosh",
    "tanh",
    "arcsin",
    "arccos",
    "arctan",
    "max",
    "min",
    "argmax",
    "argmin",
    "arg",
    "lim",
    "limsup",
    "liminf",
    "sup",
    "inf",
    "det",
    "dim",
    "ker",
    "Pr",
    "gcd",
    "mod",
    "bmod",
    "sgn",
    "tr",
    "diag",
    "rank",
    "softmax",
}
PREFIX_SYMBOLS = {"partial", "nabla", "neg", "lnot"}  # written against what follows: ∂L, ∇f
SPACES = {
    ",": " ",
    ":": " ",
    ";": " ",
    " ": " ",
    "quad": "  ",
    "qquad": "   ",
    "!": "",
    "enspace": " ",
    "thinspace": " ",
}
LITERALS = {"{": "{", "}": "}", "|": "‖", "%": "%", "$": "$", "#": "#", "_": "_", "&": "&", "\\": "\n"}
TEXT_FONTS = {
    "text",
    "textrm",
    "textbf",
    "textit",
    "textsf",
    "texttt",
    "mathrm",
    "mathbf",
    "mathit",
    "mathsf",
    "mathtt",
    "boldsymbol",
    "bm",
    "operatorname",
    "mbox",
    "emph",
    "mathnormal",
    "hbox",
}
SIZING = {
    "left",
    "right",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "middle",
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "limits",
    "nolimits",
}
ACCENTS = {
    "hat": "\u0302",
    "widehat": "\u0302",
    "bar": "\u0304",
    "overline": "\u0305",
    "tilde": "\u0303",
    "widetilde": "\u0303",
    "vec": "\u20d7",
    "dot": "\u0307",
    "ddot": "\u0308",
    "check": "\u030c",
    "acute": "\u0301",
    "grave": "\u0300",
    "breve": "\u0306",
    "underline": "\u0332",
}
DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼", "H": "ℍ", "1": "𝟙"}
CALLIGRAPHIC = {
    "L": "ℒ",
    "N": "𝒩",
    "D": "𝒟",
    "O": "𝒪",
    "F": "ℱ",
    "H": "ℋ",
    "X": "𝒳",
    "Y": "𝒴",
    "A": "𝒜",
    "B": "ℬ",
    "C": "𝒞",
    "E": "ℰ",
    "M": "ℳ",
    "P": "𝒫",
    "R": "ℛ",
    "S": "𝒮",
    "T": "𝒯",
    "U": "𝒰",
}
SUPERSCRIPT = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθιφχ⊤T′'*n",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᶥᵠᵡᵀᵀ′′*ⁿ",
    )
)
SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))

TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|(\s+)|(.)", re.S)
_WORD = r"[\w.′'∂∇\u0300-\u036f\u20d7⁰-ₜ]+"
# A single operand: a name or number (with ^(...) or _(...) scripts), a bracketed group, or a root.
ATOM = re.compile(rf"^(?:{_WORD}(?:[\^_](?:\([^()]*\)|{_WORD}))*|\(.*\)|\[.*\]|√.*)$")


def math_to_unicode(latex: str) -> str:
    """One LaTeX math expression (without its `$` delimiters) as Unicode text."""
    try:
        text = _Parser(latex).parse()
    except (_TooDeep, RecursionError, IndexError):
        text = latex.replace("\\", "")
    # NFC turns y + combining circumflex into the single character ŷ where one exists.
    return unicodedata.normalize("NFC", re.sub(r"[ \t]{2,}", " ", text)).strip()


MAX_DEPTH = 50  # nested groups and environments; deeper input is shown as plain text
CLOSERS = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}
OPENER = re.compile(r"\$|\\[\[(]")


def math_spans(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """Every math span in `text` as (start, end, body, display), left to right, in linear time.

    Display math is $$..$$ or \\[..\\], inline math \\(..\\) or $..$ that opens before a non-space
    and closes after one, not followed by a digit (so "$5 and $10" stays text). A body is never
    empty, and an opener without its closer is plain text. Each kind of closer is searched for
    at most once per position it could be found at: once a closer is missing, every later
    opener of that kind is known to be unclosed, so hostile text full of openers stays linear.
    """
    next_close: dict[str, int] = {}  # closer -> where it was last found (-1: nowhere after that point)
    position = 0
    while True:
        found = OPENER.search(text, position)
        if found is None:
            return
        start = found.start()
        opener = "$$" if text.startswith("$$", start) else found.group()
        span = _closed_span(text, start, opener, next_close) if opener != "$" else _inline_dollar(text, start)
        if span is None:
            position = start + 1
            continue
        yield span
        position = span[1]


def _closed_span(text: str, start: int, opener: str, next_close: dict[str, int]) -> tuple[int, int, str, bool] | None:
    closer = CLOSERS[opener]
    body_start = start + len(opener)
    known = next_close.get(closer)
    if known is None or (known != -1 and known < body_start + 1):
        known = text.find(closer, body_start + 1)  # the body holds at least one character
        next_close[closer] = known
    if known == -1:
        return None
    return start, known + len(closer), text[body_start:known], opener != "\\("


def _inline_dollar(text: str, start: int) -> tuple[int, int, str, bool] | None:
    """$..$: not after a backslash, a dollar or a word character; the body runs to the next
    dollar, starts and ends with a non-space; no digit or dollar right after the closer."""
    before = text[start - 1] if start else ""
    if before == "\\" or before == "$" or (before and (before.isalnum() or before == "_")):
        return None
    end = text.find("$", start + 1)
    if end == -1 or end == start + 1:
        return None
    body = text[start + 1 : end]
    if body[0].isspace() or body[-1].isspace() or body[-1] == "\\":
        return None
    after = text[end + 1 : end + 2]
    if after == "$" or after.isdecimal():
        return None
    return start, end + 1, body, False


def replace_math(text: str, replace: Callable[[str, bool], str]) -> str:
    """`text` with each math span swapped for replace(body, display)."""
    out: list[str] = []
    position = 0
    for start, end, body, display in math_spans(text):
        out += [text[position:start], replace(body, display)]
        position = end
    out.append(text[position:])
    return "".join(out)


def render_math_in_text(text: str, escape: Callable[[str], str] = lambda s: s, display_indent: str = "  ") -> str:
    """Replace every math span in `text` with Unicode; `escape` protects it from a markup language."""

    def replace(body: str, display: bool) -> str:
        if display:
            return f"\n\n{display_indent}{escape(math_to_unicode(body))}\n\n"
        return escape(math_to_unicode(body))

    return replace_math(text, replace).replace("\\$", "$")


def script(text: str, table: dict[str, str], marker: str) -> str:
    """`text` in Unicode super- or subscript if every character has a form, else `^x` / `_(xy)`."""
    stripped = text.replace(" ", "")
    if stripped and all(ch in table for ch in stripped):
        return "".join(table[ch] for ch in stripped)
    if len(stripped) <= 1 or stripped.isalnum() and stripped.isascii():
        return f"{marker}{stripped}"
    return f"{marker}({text.strip()})"


def wrap(text: str) -> str:
    """Parenthesise `text` unless it is a single atom (a number, a name, a bracketed group)."""
    text = text.strip()
    return (
        text
        if ATOM.match(text) and not re.search(r"[\s+\-*/=<>,·×]", text.strip("()[]")) or _bracketed(text)
        else f"({text})"
    )


def _bracketed(text: str) -> bool:
    if len(text) < 2 or (text[0], text[-1]) not in {("(", ")"), ("[", "]")}:
        return False
    depth = 0
    for position, ch in enumerate(text):
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        if depth == 0 and position < len(text) - 1:
            return False
    return True


class _TooDeep(Exception):
    """Groups nest deeper than MAX_DEPTH: the input is shown as plain text instead."""


class _Parser:
    """Recursive descent over LaTeX tokens, rendering as it goes. Every way down passes through
    `element`, which counts how deep it is, so recursion stays far from Python's limit."""

    def __init__(self, latex: str):
        self.tokens = [(m.group(1), m.group(2), m.group(3), m.group(4)) for m in TOKEN.finditer(latex)]
        self.pos = 0
        self.depth = 0

    def parse(self) -> str:
        return self.until(None)

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self):
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def skip_spaces(self) -> None:
        while self.peek() and self.peek()[2] is not None:
            self.pos += 1

    def until(self, stop: str | None) -> str:
        out: list[str] = []
        while self.peek() is not None:
            macro, symbol, space, char = self.peek()
            if char is not None and char == stop:
                self.pos += 1
                return "".join(out)
            if macro == "end" and stop == "\\end":
                return "".join(out)
            out.append(self.element())
        return "".join(out)

    def argument(self) -> str:
        """A braced group, or the single next element."""
        self.skip_spaces()
        token = self.peek()
        if token is None:
            return ""
        if token[3] == "{":
            self.pos += 1
            return self.until("}")
        return self.element()

    def raw_argument(self) -> str:
        """A braced group's source text (for environment names)."""
        self.skip_spaces()
        if self.peek() and self.peek()[3] == "{":
            self.pos += 1
            parts = []
            while self.peek() and self.peek()[3] != "}":
                macro, symbol, space, char = self.next()
                parts.append(macro or symbol or space or char)
            if self.peek():
                self.pos += 1
            return "".join(parts)
        return ""

    def optional_argument(self) -> str | None:
        self.skip_spaces()
        if self.peek() and self.peek()[3] == "[":
            self.pos += 1
            return self.until("]")
        return None

    def element(self) -> str:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        try:
            return self._element()
        finally:
            self.depth -= 1

    def _element(self) -> str:
        macro, symbol, space, char = self.next()
        if space is not None:
            return " "
        if macro is not None:
            return self.command(macro)
        if symbol is not None:
            return SPACES.get(symbol, LITERALS.get(symbol, symbol))
        if char == "{":
            return self.until("}")
        if char == "}":
            return ""
        if char == "^":
            return script(self.argument(), SUPERSCRIPT, "^")
        if char == "_":
            return script(self.argument(), SUBSCRIPT, "_")
        if char == "~":
            return " "
        return char

    def command(self, name: str) -> str:
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            numerator, denominator = self.argument(), self.argument()
            return f"{wrap(numerator)}/{wrap(denominator)}"
        if name == "sqrt":
            degree = self.optional_argument()
            body = wrap(self.argument())
            return f"{script(degree, SUPERSCRIPT, '') if degree else ''}√{body}"
        if name in ACCENTS:
            body = self.argument()
            mark = ACCENTS[name]
            if len(body) == 1:
                return body + mark
            return "".join(ch + mark for ch in body) if name in ("bar", "overline", "underline") else body + mark
        if name in TEXT_FONTS:
            return self.argument()
        if name == "mathbb":
            return "".join(DOUBLE_STRUCK.get(ch, ch) for ch in self.argument())
        if name == "mathcal" or name == "mathscr":
            return "".join(CALLIGRAPHIC.get(ch, ch) for ch in self.argument())
        if name in SIZING:
            self.skip_spaces()
            following = self.peek()
            if following and following[3] == ".":
                self.pos += 1
            return ""
        if name == "begin":
            return self.environment(self.raw_argument())
        if name == "end":
            self.raw_argument()
            return ""
        if name in SPACES:
            return SPACES[name]
        if name in SYMBOLS:
            if name in PREFIX_SYMBOLS:
                self.skip_spaces()
            return SYMBOLS[name]
        if name in FUNCTIONS:
            following = self.peek()
            if following is not None and (
                following[0] is not None and following[0] not in SIZING or (following[3] or "").isalnum()
            ):
                return name + " "  # \ln\gamma reads "ln γ", not "lnγ"
            return name
        if name in ("mathop", "operatorname*"):
            return self.argument()
        return name

    def environment(self, env: str) -> str:
        body = self.until("\\end")
        if self.peek() is not None:
            self.pos += 1  # the \end token
            self.raw_argument()
        rows = [row.strip() for row in body.split("\n")]
        rows = [row for row in rows if row]
        if env.rstrip("*") in ("cases", "dcases"):
            parts = []
            for row in rows:
                value, _, condition = row.partition("&")
                condition = condition.strip()
                if condition and not condition.startswith(("if ", "otherwise", "else")):
                    condition = f"if {condition}"
                parts.append(f"{value.strip()} {condition}".strip())
            return "{" + "; ".join(parts) + "}"
        if env.endswith("matrix") or env in ("array", "tabular"):
            cells = [[cell.strip() for cell in row.split("&")] for row in rows]
            if len(cells) == 1:
                return "[" + ", ".join(cells[0]) + "]"
            return "[" + ", ".join("[" + ", ".join(row) + "]" for row in cells) + "]"
        return "; ".join(row.replace("&", "") for row in rows)
