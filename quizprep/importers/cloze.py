"""Anki cloze deletions: `{{c1::answer}}` and `{{c1::answer::hint}}`, nested ones included.

    parse(text)            the text as a tree of strings and Gap nodes
    numbers(tree)          the cloze numbers used, in increasing order
    render(tree, hidden)   the text with gap `hidden` shown as [...] or [hint], the others filled in;
                           hidden=None fills every gap (the answer side)
    bank_text(tree)        the text in the bank's cloze syntax (see quizprep/bank/cloze.py)

A cloze note becomes one item whose `cloze` field is bank_text: the bank's gaps do not nest, so
a gap inside another is filled in as plain text, and so is a gap numbered beyond the bank's range
or without an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizprep.bank.cloze import MAX_GAPS

TOKEN = re.compile(r"\{\{c(\d{1,4})::|::|\}\}")
MAX_NUMBER = 500  # Anki numbers gaps from 1; a deck with more than this is not a question list


@dataclass
class Gap:
    number: int
    body: list = field(default_factory=list)
    hint: list | None = None

    def add(self, node) -> None:
        (self.hint if self.hint is not None else self.body).append(node)


def has_cloze(text: str) -> bool:
    return "{{c" in text and bool(numbers(parse(text)))


def parse(text: str) -> list:
    """Strings and Gaps. `::` starts the hint only at a gap's own level; an unclosed gap stays literal text."""
    root: list = []
    stack: list[tuple[Gap, str]] = []  # open gaps with the literal text that opened them

    def add(node) -> None:
        if stack:
            stack[-1][0].add(node)
        else:
            root.append(node)

    position = 0
    for match in TOKEN.finditer(text):
        if match.start() > position:
            add(text[position : match.start()])
        position = match.end()
        token = match.group()
        if match.group(1) is not None:
            stack.append((Gap(int(match.group(1))), token))
        elif token == "::" and stack and stack[-1][0].hint is None:
            stack[-1][0].hint = []
        elif token == "}}" and stack:
            gap, _ = stack.pop()
            add(gap)
        else:
            add(token)
    if position < len(text):
        add(text[position:])
    while stack:  # never closed: put back what was read as plain text
        gap, opener = stack.pop()
        flat = [opener, *gap.body] + (["::", *gap.hint] if gap.hint is not None else [])
        for node in flat:
            add(node)
    return root


def numbers(tree: list) -> list[int]:
    found: set[int] = set()

    def walk(nodes: list) -> None:
        for node in nodes:
            if isinstance(node, Gap):
                if 1 <= node.number <= MAX_NUMBER:
                    found.add(node.number)
                walk(node.body)
                walk(node.hint or [])

    walk(tree)
    return sorted(found)


def render(tree: list, hidden: int | None) -> str:
    parts: list[str] = []

    def walk(nodes: list) -> None:
        for node in nodes:
            if not isinstance(node, Gap):
                parts.append(node)
            elif node.number == hidden:
                hint = "".join(render(node.hint, None)) if node.hint else ""
                parts.append(f"[{hint.strip()}]" if hint.strip() else "[...]")
            else:
                walk(node.body)

    walk(tree)
    return "".join(parts)


def bank_text(tree: list) -> str:
    """The text with its outermost usable gaps as {{cN::answer}} or {{cN::answer::hint}}."""
    parts: list[str] = []
    for node in tree:
        if not isinstance(node, Gap):
            parts.append(node)
            continue
        answer = render(node.body, None)
        if not (1 <= node.number <= MAX_GAPS) or not answer.strip():
            parts.append(answer)
            continue
        hint = render(node.hint, None).strip() if node.hint else ""
        parts.append(f"{{{{c{node.number}::{answer}{'::' + hint if hint else ''}}}}}")
    return "".join(parts)
