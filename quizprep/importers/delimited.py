"""CSV and TSV files to bank items, Anki's own text export included.

    read_delimited(text, name, options, converter)   Parsed drafts from the file's text

Two layouts:

- Anki's text export (Notes in Plain Text): `#key:value` lines at the top (`#separator:tab`,
  `#html:true`, `#tags column:3`, `#deck column:2`, `#guid column:1`, `#notetype column:2`, ...),
  then one note per row; the columns that are not tags, deck, GUID or note type are the note's
  fields, the first the question, the second the answer.
- A plain table whose first row names the columns: question (or front), answer (or back), and
  optionally tags, topic (or deck), id, difficulty, in any order.

Rows are read with the csv module, so quoted fields may hold separators, quotes ("" inside) and
line breaks. Ids come from a GUID or id column when there is one, else from the question text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from quizprep.bank.validate import SLUG
from quizprep.errors import QuizprepError
from quizprep.importers import cloze
from quizprep.importers.markup import FieldConverter
from quizprep.importers.model import Draft, Options, Parsed, Skip, guid_id, hashed_id, slugify, tag_slugs

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
COLUMN_NAMES = {
    "question": "question",
    "front": "question",
    "q": "question",
    "answer": "answer",
    "back": "answer",
    "a": "answer",
    "tags": "tags",
    "tag": "tags",
    "topic": "topic",
    "deck": "topic",
    "id": "id",
    "guid": "guid",
    "difficulty": "difficulty",
}
SPECIAL_HEADERS = {"tags column": "tags", "deck column": "topic", "guid column": "guid", "notetype column": "notetype"}


@dataclass
class Layout:
    separator: str
    html: bool = False
    columns: dict[str, int] = field(default_factory=dict)  # role -> column index
    fields: list[int] | None = None  # Anki export: the columns that are note fields, None for a named header
    fixed_tags: list[str] = field(default_factory=list)
    fixed_topic: str = ""


def read_delimited(text: str, name: str, options: Options, converter: FieldConverter) -> Parsed:
    lines = text.split("\n")
    headers, body_start = _anki_headers(lines)
    if not "".join(lines[body_start:]).strip():
        raise QuizprepError(f"{name} has no rows to import" if headers else f"{name} is empty")
    body = "\n".join(lines[body_start:])
    layout = _layout(headers, body, name)
    reader = _rows(body, layout.separator)
    parsed = Parsed()
    if layout.fields is None:
        layout.columns = _named_columns(next(reader, []), name)
    _read_rows(reader, layout, body_start + 1, name, options, converter, parsed)
    parsed.media = set(converter.media)
    return parsed


def _rows(body: str, separator: str):
    return csv.reader(io.StringIO(body, newline=""), delimiter=separator, quotechar='"', strict=False)


def _read_rows(reader, layout: Layout, offset: int, name: str, options: Options, converter, parsed: Parsed) -> None:
    """`offset` is the file line of the body's first line; a row starts on the line after the last one read."""
    previous = reader.line_num
    try:
        for row in reader:
            where = f"{name}:{offset + previous}"
            previous = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            result = _row_drafts(row, layout, where, options, converter)
            if isinstance(result, Skip):
                parsed.skipped.append(result)
            else:
                parsed.drafts += result
    except csv.Error as exc:
        raise QuizprepError(f"{name}:{offset + previous}: cannot read the row: {exc}") from None


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _row_drafts(row: list[str], layout: Layout, where: str, options: Options, converter) -> list[Draft] | Skip:
    columns = layout.columns
    if layout.fields is not None:
        fields = [row[i] for i in layout.fields if i < len(row)]
        question, answer = (fields + ["", ""])[:2]
        if len(fields) < 2:
            return Skip(where, "only one field; an item needs a question and an answer")
    else:
        question, answer = _cell(row, columns.get("question")), _cell(row, columns.get("answer"))
    tags = tag_slugs(layout.fixed_tags + _cell(row, columns.get("tags")).replace(",", " ").split())
    topic = slugify(_cell(row, columns.get("topic")).replace("::", " ")) or layout.fixed_topic or options.bank
    difficulty = _difficulty(_cell(row, columns.get("difficulty")), options.difficulty)
    if difficulty is None:
        return Skip(where, "difficulty must be 1, 2 or 3")
    guid = _cell(row, columns.get("guid")).strip()
    own_id = _cell(row, columns.get("id")).strip()
    base = {"topic": topic, "difficulty": difficulty}
    if cloze.has_cloze(question):
        tree = cloze.parse(question)
        full = converter.convert(cloze.render(tree, None), layout.html)
        extra = converter.convert(answer, layout.html)
        prefix = guid_id(guid) if guid else _plain_id(own_id, options.bank, full)
        whole = f"{full}\n\n{extra}" if extra else full
        return [
            _draft(
                f"{prefix}-c{n}",
                converter.convert(cloze.render(tree, n), layout.html),
                whole,
                base,
                tags + ["cloze"],
                where,
            )
            for n in cloze.numbers(tree)
        ]
    question_md = converter.convert(question, layout.html)
    item_id = guid_id(guid) if guid else _plain_id(own_id, options.bank, question_md)
    return [_draft(item_id, question_md, converter.convert(answer, layout.html), base, tags, where)]


def _plain_id(own: str, bank: str, question: str) -> str:
    if own and SLUG.match(own):
        return own
    return slugify(own) or hashed_id(bank, question)


def _difficulty(text: str, default: int) -> int | None:
    text = text.strip()
    if not text:
        return default
    return int(text) if text in ("1", "2", "3") else None


def _draft(item_id: str, question: str, answer: str, base: dict, tags: list[str], where: str) -> Draft:
    data = {"id": item_id, "topic": base["topic"], "difficulty": base["difficulty"]}
    if tags:
        data["tags"] = list(dict.fromkeys(tags))
    data["question"] = question
    data["answer"] = answer
    return Draft(data, where)


def _anki_headers(lines: list[str]) -> tuple[dict[str, str], int]:
    """The leading `#key:value` lines (keys lower-cased) and the index of the first line after them."""
    headers: dict[str, str] = {}
    index = 0
    while index < len(lines) and lines[index].startswith("#") and ":" in lines[index]:
        key, _, value = lines[index][1:].partition(":")
        headers[key.strip().lower()] = value.strip()
        index += 1
    return headers, index


def _layout(headers: dict[str, str], body: str, name: str) -> Layout:
    separator = _separator(headers.get("separator"), body, name)
    if not headers:
        return Layout(separator)
    layout = Layout(separator, html=headers.get("html", "").lower() == "true", fields=[])
    width = max((len(row) for row in _rows(body, separator)), default=0)
    for header, role in SPECIAL_HEADERS.items():
        if header in headers:
            number = headers[header]
            if not number.isdigit() or not 1 <= int(number) <= max(width, 1):
                raise QuizprepError(f"{name}: the header '#{header}:{number}' names no column of the file")
            layout.columns[role] = int(number) - 1
    taken = set(layout.columns.values())
    layout.fields = [i for i in range(width) if i not in taken]
    layout.fixed_tags = headers.get("tags", "").split()
    layout.fixed_topic = slugify(headers.get("deck", "").replace("::", " "))
    return layout


def _separator(named: str | None, body: str, name: str) -> str:
    if named:
        value = SEPARATORS.get(named.lower(), named)
        if len(value) != 1:
            raise QuizprepError(f"{name}: unknown separator '{named}'; use tab, comma, semicolon, space, pipe or colon")
        return value
    first = next((line for line in body.split("\n") if line.strip()), "")
    if "\t" in first:
        return "\t"
    if first.count(";") > first.count(","):
        return ";"
    return ","


def _named_columns(header: list[str], name: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        role = COLUMN_NAMES.get(cell.strip().lower())
        if role and role not in columns:
            columns[role] = index
    if "question" not in columns or "answer" not in columns:
        shown = ", ".join(repr(cell.strip()[:30]) for cell in header[:6])
        raise QuizprepError(
            f"{name}: the first row must name the columns, with at least 'question' and 'answer' "
            f"(optional: tags, topic, id, difficulty); it reads {shown or 'nothing'}"
        )
    return columns
