"""A study guide (or a question sheet) in CommonMark that renders on GitHub, math kept as $...$.

Bank text is data, not markup we trust: anything that could open an HTML tag is
escaped, and a line of bank text that would start a heading, a code fence, a rule or a
link definition has that first character escaped, so no item can inject HTML, end its
own section, or swallow or hide the items after it. Link text cannot close its link,
and the demo output sits in a fence longer than any run of backticks inside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from quizprep.bank import DIFFICULTY_NAMES, Item

TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
# the first character of a line that would open a heading, a fence, a setext underline or rule,
# or a link reference definition
BLOCK_START = re.compile(r"^( {0,3})(?=#|`{3}|~{3}|[-=_*+]\s*$|(?:[-_*] *){3,}$|=+\s*$|-+\s*$|\[[^\]]*\]:)(.)", re.M)
BACKTICKS = re.compile(r"`+")


def safe(text: str) -> str:
    """Bank text with anything that could start raw HTML, or a block of the guide's own, escaped."""
    return BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", TAG_START.sub("&lt;", text))


def one_line(text: str) -> str:
    return safe(" ".join(text.split()))


def link_text(text: str) -> str:
    """One line of bank text that stays inside the [...] of a link."""
    return one_line(text).replace("[", "\\[").replace("]", "\\]")


def fenced(text: str, info: str = "text") -> list[str]:
    """`text` in a code fence longer than any run of backticks in it, so nothing inside can close it."""
    longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
    fence = "`" * max(4, longest + 1)
    return [f"{fence}{info}", text, fence]


def topic_anchor(topic: str) -> str:
    return f"topic-{topic}"


def group_by_topic(items: list[Item]) -> dict[str, list[Item]]:
    grouped: dict[str, list[Item]] = {}
    for item in items:
        grouped.setdefault(item.topic, []).append(item)
    return grouped


def to_markdown(
    items: list[Item],
    *,
    answers: bool = True,
    answer_key: bool = False,
    demo_text: Callable[[Item], str | None] | None = None,
    title: str | None = None,
    today: date | None = None,
    exercises: list[tuple[str, str, list[str]]] | None = None,
) -> str:
    """The guide: title, contents, a section per topic, each question a heading.

    With `answers` False it is a question sheet (no answers, key points, pitfalls or
    demos), optionally followed by an answer key. `demo_text(item)` gives the demo's
    output to show in a code block. `exercises` (name, stub, item ids) adds a closing
    "Implement it" section with each coding exercise's starting file.
    """
    grouped = group_by_topic(items)
    numbers = {item.id: n for n, item in enumerate(items, start=1)}
    title = title or ("quizprep study guide" if answers else "quizprep question sheet")
    out: list[str] = [f"# {title}", ""]
    stamp = f" · exported {today.isoformat()}" if today else ""
    out += [f"{len(items)} questions in {len(grouped)} topics{stamp} · made with `quizprep export`", ""]
    out += ["## Contents", ""]
    for topic, members in grouped.items():
        out.append(f"- [{topic}](#{topic_anchor(topic)}) ({len(members)})")
        for item in members:
            out.append(f"  - [{numbers[item.id]}. {link_text(item.question)}](#{item.id})")
    if answer_key and not answers:
        out.append("- [Answer key](#answer-key)")
    if exercises:
        out.append("- [Implement it](#implement-it)")
    out.append("")
    for topic, members in grouped.items():
        out += [f'<a id="{topic_anchor(topic)}"></a>', "", f"## {topic}", ""]
        for item in members:
            out += item_section(item, numbers[item.id], answers, demo_text)
    if answer_key and not answers:
        out += ['<a id="answer-key"></a>', "", "## Answer key", ""]
        for item in items:
            out += [f"**{numbers[item.id]}. {one_line(item.question)}**", "", safe(item.answer.strip()), ""]
    if exercises:
        out += exercise_section(exercises, numbers)
    return "\n".join(out).rstrip() + "\n"


def exercise_section(exercises: list[tuple[str, str, list[str]]], numbers: dict[str, int]) -> list[str]:
    """'Implement it': each exercise's stub, linked to the guide's questions it practises."""
    out = ['<a id="implement-it"></a>', "", "## Implement it", ""]
    out += ["Write each function in NumPy, then grade it with `quizprep code check NAME FILE`.", ""]
    for name, stub, item_ids in exercises:
        linked = [f"[{numbers[i]}](#{i})" for i in item_ids if i in numbers]
        out += [f"### `{name}`", ""]
        if linked:
            out += ["Practises questions " + ", ".join(linked) + ".", ""]
        out += [*fenced(stub.rstrip(), "python"), ""]
    return out


def item_section(item: Item, number: int, answers: bool, demo_text) -> list[str]:
    meta = f"*{item.id} · difficulty {item.difficulty} ({DIFFICULTY_NAMES[item.difficulty]})"
    if item.tags:
        meta += " · " + ", ".join(safe(tag) for tag in item.tags)
    meta += "*"
    lines = [f'<a id="{item.id}"></a>', "", f"### {number}. {one_line(item.question)}", "", meta, ""]
    if not answers:
        if item.choices:
            lines += [f"- {one_line(option)}" for option in sorted([item.choices.correct, *item.choices.wrong[:3]])]
            lines.append("")
        return lines
    lines += ["**Answer.** " + safe(item.answer.strip()), ""]
    if item.key_points:
        lines += ["**Key points**", ""] + [f"- {one_line(point)}" for point in item.key_points] + [""]
    if item.pitfalls:
        lines += ["**Pitfalls**", ""] + [f"- {one_line(point)}" for point in item.pitfalls] + [""]
    if item.follow_ups:
        lines += ["**See also:** " + ", ".join(f"[{f}](#{f})" for f in item.follow_ups), ""]
    text = demo_text(item) if demo_text and item.demo else None
    if text:
        lines += [f"**Demo** (`quizprep demo {item.demo} --seed 0`)", "", *fenced(text.rstrip()), ""]
    return lines
