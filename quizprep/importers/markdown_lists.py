"""Markdown question lists to bank items.

    read_markdown(text, name, options)   Parsed drafts from a markdown file

Two layouts, as interview-question lists on GitHub write them:

- Headings: every `## Question` (or `### Question`) heading is a question and the text below it,
  up to the next heading of the same or a higher level, its answer. When a file uses both
  levels, `##` headings are sections (the section becomes the items' topic) and `###` headings
  are the questions. A leading number (`1.`, `Q1:`) is dropped from the question.
- Blocks: a line starting `Q:` (or `Question:`, bold or not) starts a question, a line starting
  `A:` (or `Answer:`) its answer, which runs to the next question or heading.

Headings inside fenced code blocks are text. "Back to top" links, bare `<details>`/`<summary>`
lines and trailing rules are dropped from answers. The text stays markdown as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizprep.errors import QuizprepError
from quizprep.importers.model import Draft, Options, Parsed, Skip, clean_text, hashed_id, slugify

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
QUESTION_LINE = re.compile(r"^\s*(?:\*\*|__)?(?:Q|Question)\s*\d*\s*[:.](?:\*\*|__)?\s*(.*)$", re.I)
ANSWER_LINE = re.compile(r"^\s*(?:\*\*|__)?(?:A|Answer)\s*[:.](?:\*\*|__)?\s*(.*)$", re.I)
NUMBERING = re.compile(r"^(?:Q(?:uestion)?\s*)?\d+\s*[.):-]\s*", re.I)
ANCHOR_LINK_ONLY = re.compile(r"^\s*(?:\*\*|__)?\[[^\]]*\]\(#[^)]*\)(?:\*\*|__)?\s*$")
DETAILS_LINE = re.compile(r"^\s*(?:</?details\b[^>]*>|<summary\b[^>]*>[^<]*</summary>|</?summary\b[^>]*>)+\s*$", re.I)
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
CONTENTS = {"table of contents", "contents", "toc", "index"}


@dataclass
class Block:
    question: str
    line: int
    topic: str
    answer: list[str] = field(default_factory=list)


def read_markdown(text: str, name: str, options: Options) -> Parsed:
    lines = text.split("\n")
    if not text.strip():
        raise QuizprepError(f"{name} is empty")
    marked = _mark_fences(lines)
    blocks = (
        _qa_blocks(lines, marked, options.bank)
        if _has_qa(lines, marked)
        else _heading_blocks(lines, marked, options.bank)
    )
    parsed = Parsed()
    for block in blocks:
        where = f"{name}:{block.line}"
        question = clean_text(NUMBERING.sub("", block.question.strip().strip("*_").strip()))
        answer = clean_text("\n".join(_answer_lines(block.answer)))
        if question.lower().rstrip(":") in CONTENTS:
            parsed.skipped.append(Skip(where, "a table of contents, not a question"))
            continue
        data = {"id": hashed_id(options.bank, question), "topic": block.topic, "difficulty": options.difficulty}
        data["question"] = question
        data["answer"] = answer
        parsed.drafts.append(Draft(data, where))
    if not parsed.drafts and not parsed.skipped:
        raise QuizprepError(
            f"{name}: found no questions; expected '## Question' headings with the answer below them, or Q:/A: blocks"
        )
    return parsed


def _mark_fences(lines: list[str]) -> list[bool]:
    """True for the lines inside (or opening or closing) a fenced code block."""
    inside: list[bool] = []
    fence = ""
    for line in lines:
        match = FENCE.match(line)
        if fence:
            inside.append(True)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
        else:
            fence = match.group(1) if match else ""
            inside.append(bool(match))
    return inside


def _headings(lines: list[str], fenced: list[bool]) -> dict[int, tuple[int, str]]:
    """{line index: (level, text)} of the ATX headings outside code blocks."""
    found = {}
    for index, line in enumerate(lines):
        if not fenced[index]:
            match = HEADING.match(line)
            if match:
                found[index] = (len(match.group(1)), match.group(2))
    return found


def _heading_blocks(lines: list[str], fenced: list[bool], bank: str) -> list[Block]:
    headings = _headings(lines, fenced)
    levels = {level for level, _ in headings.values() if level in (2, 3)}
    question_level = 3 if levels == {2, 3} else (min(levels) if levels else 0)
    if not question_level:
        return []
    blocks: list[Block] = []
    topic = bank
    current: Block | None = None
    for index, line in enumerate(lines):
        level, title = headings.get(index, (0, ""))
        if level and level <= question_level:
            current = None
            if level == question_level:
                current = Block(title, index + 1, topic)
                blocks.append(current)
            elif level == 2:
                topic = slugify(NUMBERING.sub("", title)) or bank
        elif current is not None:
            current.answer.append(line)
    return blocks


def _has_qa(lines: list[str], fenced: list[bool]) -> bool:
    questions = any(not fenced[i] and QUESTION_LINE.match(line) for i, line in enumerate(lines))
    return questions and any(not fenced[i] and ANSWER_LINE.match(line) for i, line in enumerate(lines))


def _qa_blocks(lines: list[str], fenced: list[bool], bank: str) -> list[Block]:
    blocks: list[Block] = []
    headings = _headings(lines, fenced)
    topic = bank
    current: Block | None = None
    in_answer = False
    for index, line in enumerate(lines):
        question = None if fenced[index] else QUESTION_LINE.match(line)
        answer = None if fenced[index] or in_answer else ANSWER_LINE.match(line)
        if index in headings:
            current = None
            if headings[index][0] <= 2:
                topic = slugify(headings[index][1]) or bank
        elif question:
            current, in_answer = Block(question.group(1), index + 1, topic), False
            blocks.append(current)
        elif current is not None and answer:
            current.answer.append(answer.group(1))
            in_answer = True
        elif current is not None and in_answer:
            current.answer.append(line)
        elif current is not None:
            current.question += "\n" + line
    return blocks


def _answer_lines(lines: list[str]) -> list[str]:
    kept = [line for line in lines if not ANCHOR_LINK_ONLY.match(line) and not DETAILS_LINE.match(line)]
    while kept and (not kept[-1].strip() or RULE.match(kept[-1])):
        kept.pop()
    return kept
