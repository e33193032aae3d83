"""A bank file's checked items stored field by field: the layout the cache keeps and the loader builds from.

Columns              one field of every item per column (see the class for the layout)
from_rows(rows)      the columns of (item dict, line) rows, or None when they do not fit the layout
shaped(value)        whether a value read back from the cache has exactly the Columns types
unpack(columns)      each field as one value per item, ready to check and to build items from
build_items(fields)  the Item objects of unpacked columns
ref_rows(columns)    what validate.check_across needs of each item

Kept this way, validate.checked_items checks a whole field of a file with a few C-level calls
(bytes.translate and str.count over joined text, set and len mapped over lists) instead of
Python code per item, and a cached load never builds a dict per item. Ids and topics are one
text with an id per line: an id cannot hold a line break, so one hidden in a column can only
add a line, which the count of items then catches.
"""

from __future__ import annotations

from itertools import chain, compress, repeat
from operator import is_
from typing import NamedTuple

from quizprep.bank.schema import FIELDS, Choices, Item

FIELD_SET = frozenset(FIELDS)
CHOICE_KEYS = frozenset(("correct", "wrong"))


class Columns(NamedTuple):
    """Every item of a file, one field per column, items in file order."""

    ids: str  # one slug per line, every line ended by "\n"
    topics: str  # the same
    difficulty: bytes  # one byte per item
    questions: list  # one text per item
    answers: list
    tags: list  # one list of slugs per item
    key_points: list  # one list of texts per item
    pitfalls: list
    follow_ups: list  # like tags
    sources: list  # one list of "000:14" per item
    correct: list  # the correct option per item, None for an item without choices
    wrong: list  # the wrong options per item, [] without choices
    demos: list  # a demo name or None per item
    clozes: list  # the cloze text or None per item
    lines: list  # the line each item starts on
    id_lines: list  # the line of each item's id, and of its follow_ups: messages about references point there
    follow_up_lines: list


class Fields(NamedTuple):
    """Unpacked columns: one value per item in each."""

    ids: list
    topics: list
    difficulty: bytes
    questions: list
    answers: list
    tags: list
    key_points: list
    pitfalls: list
    follow_ups: list
    sources: list
    correct: list
    wrong: list
    demos: list
    clozes: list
    lines: list


LINE_FIELDS = ("ids", "topics")  # text, one line per item
LIST_COLUMNS = ("tags", "key_points", "pitfalls", "follow_ups", "sources", "wrong")  # a list of texts per item
PER_ITEM = ("difficulty", "questions", "answers", "correct", "demos", "clozes", "lines", "id_lines", "follow_up_lines")
PER_ITEM += LIST_COLUMNS


def from_rows(rows: list, ref_lines: list | None = None) -> Columns | None:
    """The columns of `rows` ((item dict, line) pairs); `ref_lines` gives each item's (id line,
    follow_ups line), by default its own line. None when a value cannot be kept exactly as it
    is (a field the bank does not have, a list where text belongs, a line break in an id, ...):
    such an item is never valid, so nothing valid is lost."""
    try:
        return _from_rows(rows, ref_lines)
    except (TypeError, ValueError, KeyError):
        return None


def _from_rows(rows: list, ref_lines: list | None) -> Columns:
    out: dict[str, list] = {name: [] for name in Columns._fields}
    same: dict[str, str] = {}
    for data, line in rows:
        if type(data) is not dict or not FIELD_SET.issuperset(data):
            raise ValueError("not an item of the bank's fields")
        get = data.get
        out["ids"].append(_one_line(data["id"]))
        out["topics"].append(_one_line(data["topic"]))
        if type(data["difficulty"]) is not int:
            raise ValueError("difficulty is not a number")
        out["difficulty"].append(data["difficulty"])
        out["questions"].append(_text(data["question"]))
        out["answers"].append(_text(data["answer"]))
        for name in ("key_points", "pitfalls"):
            out[name].append(_entries(get(name)))
        for name in ("tags", "follow_ups", "sources"):
            # one object per distinct slug: marshal then writes each once and refers back to it
            out[name].append([same.setdefault(slug, slug) for slug in _entries(get(name))])
        correct, wrong = _choices(get("choices"))
        out["correct"].append(correct)
        out["wrong"].append(wrong)
        if get("demo") is not None and type(get("demo")) is not str:
            raise ValueError("demo is not text")
        out["demos"].append(get("demo"))
        out["clozes"].append(None if get("cloze") is None else _text(get("cloze")))
        out["lines"].append(line)
    pairs = ref_lines if ref_lines is not None else [(line, line) for line in out["lines"]]
    if len(pairs) != len(out["lines"]):
        raise ValueError("one pair of reference lines per item is needed")
    out["id_lines"] = [id_line for id_line, _ in pairs]
    out["follow_up_lines"] = [follow_up_line for _, follow_up_line in pairs]
    for name in LINE_FIELDS:
        out[name] = "".join(value + "\n" for value in out[name])
    out["difficulty"] = bytes(out["difficulty"])  # ValueError past 255
    return Columns(**out)


def _one_line(value: object) -> str:
    if type(value) is not str or "\n" in value:
        raise ValueError("not text of one line")
    return value


def _text(value: object) -> str:
    if type(value) is not str:
        raise ValueError("not text")
    return value


def _entries(value: object) -> list:
    if value is None:
        return []
    if type(value) is not list:
        raise ValueError("not a list")
    return [_text(entry) for entry in value]


def _choices(choices: object) -> tuple[str | None, list]:
    if choices is None:
        return None, []
    if type(choices) is not dict or not CHOICE_KEYS.issuperset(choices):
        raise ValueError("not a choices mapping")
    return _text(choices.get("correct")), _entries(choices.get("wrong"))


def shaped(value: object) -> bool:
    """Whether `value` is a Columns-sized tuple with exactly the types each column holds, down to
    each item's value. (Each text's type is left to the item checks, which look at every text.)"""
    if type(value) not in (tuple, Columns) or len(value) != len(Columns._fields):
        return False
    c = Columns(*value)
    if any(type(getattr(c, name)) is not str for name in LINE_FIELDS) or type(c.difficulty) is not bytes:
        return False
    if any(type(getattr(c, name)) is not list for name in PER_ITEM if name != "difficulty"):
        return False
    return (
        set(map(type, chain.from_iterable(getattr(c, name) for name in LIST_COLUMNS))) <= {list}
        and set(map(type, c.correct + c.demos + c.clozes)) <= {str, type(None)}
        and set(map(type, c.lines + c.id_lines + c.follow_up_lines)) <= {int}
    )


def split_lines(text: str, count: int) -> list[str]:
    """The `count` lines of a one-line-per-item column; ValueError if it holds another number."""
    if not text:
        lines = []
    elif text[-1] != "\n":
        raise ValueError("a column of lines must end with a line break")
    else:
        lines = text[:-1].split("\n")
    if len(lines) != count:
        raise ValueError("a column holds another number of entries than there are items")
    return lines


def unpack(columns: Columns) -> Fields:
    """Each field with one value per item; ValueError when the columns do not agree in length."""
    c = columns
    count = len(c.lines)
    if set(map(len, (getattr(c, name) for name in PER_ITEM))) - {count}:
        raise ValueError("columns of different lengths")
    if any(compress(c.wrong, map(is_, c.correct, repeat(None)))):
        raise ValueError("wrong options without a correct one")
    return Fields(
        split_lines(c.ids, count),
        split_lines(c.topics, count),
        c.difficulty,
        c.questions,
        c.answers,
        c.tags,
        c.key_points,
        c.pitfalls,
        c.follow_ups,
        c.sources,
        c.correct,
        c.wrong,
        c.demos,
        c.clozes,
        c.lines,
    )


def build_items(f: Fields) -> list[Item]:
    """The items of unpacked columns (their `file` left empty for the loader to fill in)."""
    choices = [Choices(correct, wrong) if correct is not None else None for correct, wrong in zip(f.correct, f.wrong)]
    return list(
        map(
            Item,
            f.ids,
            f.topics,
            f.difficulty,
            f.questions,
            f.answers,
            f.tags,
            f.key_points,
            f.pitfalls,
            f.follow_ups,
            choices,
            f.demos,
            f.sources,
            f.clozes,
            repeat(""),
            f.lines,
        )
    )


def ref_rows(columns: Columns) -> list[tuple[str, list[str], int, int]]:
    """validate.item_refs of every item: (id, follow_ups, line of the id, line of follow_ups)."""
    f = unpack(columns)
    return list(zip(f.ids, f.follow_ups, columns.id_lines, columns.follow_up_lines))
