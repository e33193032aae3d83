"""Anki cloze deletions: `{{c1::answer}}` and `{{c1::answer::hint}}`, nested ones included.

    parse(text)            the text as a tree of strings and Gap nodes
    numbers(tree)          the cloze numbers used, in increasing order
    render(tree, hidden)   the text with gap `hidden` shown as [...] or [hint], the others filled in;
                           hidden=None fills every gap (the answer side)

Until the bank has a dedicated cloze form, each number becomes one flashcard: the question is
the text with that gap hidden, the answer the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
