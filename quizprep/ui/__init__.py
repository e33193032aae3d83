"""Every Rich view of quizprep, and the one switch they all honour: plain output.

Plain output (`quizprep --plain`, or QUIZPREP_PLAIN=1) is for screen readers and
anyone who wants text that reads line by line: no boxes, no colour, no cursor
movement, no progress bars and no live redraws. This module holds only the switch,
so reading it costs nothing at start-up; `ui.console` builds consoles that obey it.
"""

from __future__ import annotations

import os

_plain: bool | None = None


def set_plain(on: bool | None) -> None:
    """Turn plain output on or off for this process (None: follow $QUIZPREP_PLAIN)."""
    global _plain
    _plain = on


def plain_mode() -> bool:
    """Whether views should be plain: the --plain switch if given, else $QUIZPREP_PLAIN."""
    if _plain is not None:
        return _plain
    return os.environ.get("QUIZPREP_PLAIN", "").strip().lower() not in ("", "0", "false", "no")
