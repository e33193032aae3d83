"""The bank's cloze text: a sentence with gaps written `{{c1::answer}}` or `{{c1::answer::hint}}`.

    gaps(text)             the well-formed gaps, in order (Gap: number, answer, hint, start, end)
    problems(text)         what is wrong with a cloze text, as messages (empty when it is usable)
    numbers(text)          the gap numbers used, in increasing order
    shown(text, number)    the text with gap `number` as [hint] or [...] and the other gaps filled in
    blanked(text)          every gap as [...]
    filled(text)           every gap filled in: the full sentence
    expected(text, number) what a person should type for gap `number`

Several gaps may share a number: they are hidden, and answered, together. Gaps do not nest.
"""

from __future__ import annotations

import re
from typing import NamedTuple

OPEN = re.compile(r"\{\{c(\d+)::")
GAP = re.compile(r"\{\{c([1-9][0-9]{0,2})::(.*?)\}\}", re.S)
MAX_GAPS = 100  # gaps in one text, and the highest gap number


class Gap(NamedTuple):
    number: int
    answer: str
    hint: str
    start: int
    end: int


def gaps(text: str) -> list[Gap]:
    """The gaps of a text that has passed `problems` (on other text: what the pattern finds)."""
    found = []
    for match in GAP.finditer(text):
        answer, _, hint = match.group(2).partition("::")
        found.append(Gap(int(match.group(1)), answer, hint, match.start(), match.end()))
    return found


def problems(text: str) -> list[str]:
    """Every problem of a cloze text: no gap, an unclosed or nested gap, a bad number, an empty answer."""
    found: list[str] = []
    position = 0
    count = 0
    while (opener := OPEN.search(text, position)) is not None:
        close = text.find("}}", opener.end())
        inner = OPEN.search(text, opener.end(), close if close >= 0 else len(text))
        shown = opener.group()
        if close < 0:
            found.append(f"the gap opened by '{shown}' is never closed with '}}}}'")
            break
        if inner is not None:
            found.append(f"a gap opened by '{inner.group()}' sits inside the gap opened by '{shown}'; gaps do not nest")
            break
        count += 1
        found += _gap_problems(int(opener.group(1)), text[opener.end() : close], shown)
        position = close + 2
    if count == 0 and not found:
        found.append("cloze has no gap; write one like {{c1::answer}} or {{c1::answer::hint}}")
    if count > MAX_GAPS:
        found.append(f"cloze has {count} gaps; at most {MAX_GAPS} are allowed")
    return found


def _gap_problems(number: int, body: str, shown: str) -> list[str]:
    if number < 1 or number > MAX_GAPS:
        return [f"gap '{shown[:20]}' has number {number}; gap numbers run from 1 to {MAX_GAPS}"]
    answer = body.partition("::")[0]
    if not answer.strip():
        return [f"gap '{shown}' has no answer"]
    return []


def numbers(text: str) -> list[int]:
    return sorted({gap.number for gap in gaps(text)})


def _rebuild(text: str, replace) -> str:
    parts, position = [], 0
    for gap in gaps(text):
        parts += [text[position : gap.start], replace(gap)]
        position = gap.end
    parts.append(text[position:])
    return "".join(parts)


def shown(text: str, number: int) -> str:
    """The question side: gap `number` hidden (its hint in brackets, else [...]), the others filled in."""

    def replace(gap: Gap) -> str:
        if gap.number != number:
            return gap.answer
        return f"[{gap.hint.strip()}]" if gap.hint.strip() else "[...]"

    return _rebuild(text, replace)


def blanked(text: str) -> str:
    return _rebuild(text, lambda gap: "[...]")


def filled(text: str) -> str:
    return _rebuild(text, lambda gap: gap.answer)


def expected(text: str, number: int) -> str:
    return " ".join(gap.answer.strip() for gap in gaps(text) if gap.number == number)
