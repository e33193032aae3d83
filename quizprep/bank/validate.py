"""Checks on bank items: one item at a time, then across the whole bank.

Checks never stop at the first problem: each returns every problem it finds, so a
user fixes a file in one pass. Sizes are bounded (text length, list length, LaTeX
brace nesting), so no item can make later work (exports, rendering) explode.
`checked_items` answers "would check_item find nothing?" for a whole file's columns at
once at C speed (and `all_valid` for item dicts): the loader runs it on every cached file,
so a cache entry is never trusted.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain, compress, repeat
from operator import attrgetter, contains, eq, gt, is_not, not_
from typing import Any

from quizprep.bank import cloze as cloze_text
from quizprep.bank.columns import Columns, Fields, build_items, from_rows, unpack
from quizprep.bank.schema import DIFFICULTY_NAMES, FIELDS, LIST_FIELDS, MIN_WRONG_CHOICES, REQUIRED, Item
from quizprep.text import suggest

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # used with match(): no trailing newline slips through
SOURCE = re.compile(r"[0-9]{3}:[1-9][0-9]*\Z")
# C0 controls other than tab and newline, DEL, and C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SLUG_HINT = "lowercase letters, digits and single hyphens, like 'softmax-function'"
MAX_TEXT = 20_000  # characters in one piece of text (a question, an answer, a key point)
MAX_LIST = 100  # entries in one list field
MAX_BRACE_DEPTH = 50  # nested LaTeX groups { { ... } }
MAX_SHOWN = 80  # characters of a bad name repeated in a message
BRACES = re.compile(r"\\.|[{}]", re.S)

# (line, item label, message): the file is attached by the caller.
LocalProblem = tuple[int, str, str]


def kind_of(value: Any) -> str:
    """How a YAML value reads to a person: 'a list', 'the number 3', 'the text \"x\"'."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def item_label(data: Any, index: int) -> str:
    """The id of an item if it has a usable one, else its position in the file."""
    if isinstance(data, dict):
        item_id = data.get("id")
        if isinstance(item_id, str) and item_id.strip() and len(item_id) <= MAX_SHOWN:
            return item_id.strip()
    return f"item#{index}"


def short(name: str) -> str:
    """A name from the bank, cut to a length a message can repeat."""
    return name if len(name) <= MAX_SHOWN else name[: MAX_SHOWN - 3] + "..."


def brace_depth(text: str) -> int:
    """How deep LaTeX groups nest in `text` (escaped braces \\{ \\} do not count)."""
    depth = deepest = 0
    for match in BRACES.finditer(text):
        if match.group() == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif match.group() == "}":
            depth = max(depth - 1, 0)
    return deepest


class _ItemChecker:
    """Collects the problems of one item; `at(field)` is the line a message points to."""

    def __init__(self, data: dict, line: int, key_lines: dict[str, int], label: str, demos: set[str] | None):
        self.data = data
        self.line = line
        self.key_lines = key_lines
        self.label = label
        self.demos = demos
        self.problems: list[LocalProblem] = []

    def add(self, field: str | None, message: str) -> None:
        line = self.key_lines.get(field, self.line) if field else self.line
        self.problems.append((line, self.label, message))

    def run(self) -> list[LocalProblem]:
        self.check_keys()
        self.check_required()
        self.check_slug("id")
        self.check_slug("topic")
        self.check_difficulty()
        for name in ("question", "answer"):
            if self.present(name) is not None:
                self.check_text(name, self.present(name), name)
        for name in LIST_FIELDS:
            self.check_list(name)
        self.check_choices()
        self.check_demo()
        self.check_cloze()
        return self.problems

    def check_keys(self) -> None:
        for key in self.data:
            if not isinstance(key, str):
                self.add(None, f"field names must be text, not {kind_of(key)}")
            elif key not in FIELDS:
                self.add(
                    key,
                    f"unknown field '{short(key)}'{suggest(short(key), FIELDS)}; allowed fields: {', '.join(FIELDS)}",
                )

    def check_required(self) -> None:
        for name in REQUIRED:
            if self.data.get(name) is None:
                self.add(None, f"missing required field '{name}'")

    def present(self, name: str) -> Any:
        return self.data.get(name)

    def check_slug(self, name: str) -> None:
        value = self.present(name)
        if value is None:
            return
        if not isinstance(value, str) or not SLUG.match(value):
            self.add(name, f"{name} must be a slug of {SLUG_HINT}, not {kind_of(value)}")

    def check_difficulty(self) -> None:
        value = self.present("difficulty")
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or value not in DIFFICULTY_NAMES:
            allowed = ", ".join(f"{n} ({name})" for n, name in DIFFICULTY_NAMES.items())
            self.add("difficulty", f"difficulty must be one of {allowed}, not {kind_of(value)}")

    def check_text(self, name: str, value: Any, where: str) -> bool:
        """Check one piece of text; `name` is the field whose line the message points to."""
        if not isinstance(value, str):
            self.add(name, f"{where} must be text, not {kind_of(value)}")
            return False
        if not value.strip():
            self.add(name, f"{where} is empty")
            return False
        if len(value) > MAX_TEXT:
            self.add(name, f"{where} is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed")
            return False
        bad = CONTROL.search(value)
        if bad:
            code = f"U+{ord(bad.group()):04X}"
            hint = " (a LaTeX backslash inside double quotes? use a block scalar '|-' or single quotes)"
            self.add(name, f"{where} contains the control character {code}{hint}")
            return False
        if value.count("{") > MAX_BRACE_DEPTH and brace_depth(value) > MAX_BRACE_DEPTH:
            self.add(
                name,
                f"{where} nests LaTeX braces {brace_depth(value)} deep; at most {MAX_BRACE_DEPTH} levels are allowed",
            )
            return False
        return True

    def check_list(self, name: str) -> None:
        value = self.present(name)
        if value is None:
            return
        if not isinstance(value, list):
            self.add(name, f"{name} must be a list, not {kind_of(value)}")
            return
        if len(value) > MAX_LIST:
            self.add(name, f"{name} has {len(value):,} entries; at most {MAX_LIST} are allowed")
            return
        for position, entry in enumerate(value, start=1):
            where = f"{name}[{position}]"
            if not self.check_text(name, entry, where):
                continue
            if name in ("tags", "follow_ups") and not SLUG.match(entry):
                self.add(name, f"{where} must be a slug of {SLUG_HINT}, not {kind_of(entry)}")
            if name == "sources" and not SOURCE.match(entry):
                self.add(
                    name, f'{where} must look like "000:14" (seed file prefix:question number), not {kind_of(entry)}'
                )
        counts = Counter(e for e in value if isinstance(e, str))
        duplicates = sorted(e for e, n in counts.items() if n > 1)
        if duplicates:
            self.add(name, f"{name} repeats {', '.join(repr(short(d)) for d in duplicates)}")

    def check_choices(self) -> None:
        value = self.present("choices")
        if value is None:
            return
        if not isinstance(value, dict):
            self.add("choices", f"choices must be a mapping with 'correct' and 'wrong', not {kind_of(value)}")
            return
        for key in value:
            if key not in ("correct", "wrong"):
                shown = short(str(key))
                self.add(
                    "choices",
                    f"unknown key '{shown}' in choices{suggest(shown, ['correct', 'wrong'])}; allowed: correct, wrong",
                )
        correct = value.get("correct")
        if correct is None:
            self.add("choices", "choices needs a 'correct' option")
        else:
            self.check_text("choices", correct, "choices.correct")
        wrong = value.get("wrong")
        if not isinstance(wrong, list):
            self.add(
                "choices", f"choices.wrong must be a list of at least {MIN_WRONG_CHOICES} options, not {kind_of(wrong)}"
            )
            return
        if len(wrong) > MAX_LIST:
            self.add("choices", f"choices.wrong has {len(wrong):,} options; at most {MAX_LIST} are allowed")
            return
        if len(wrong) < MIN_WRONG_CHOICES:
            self.add("choices", f"choices.wrong has {len(wrong)} option(s); at least {MIN_WRONG_CHOICES} are needed")
        texts = [w for i, w in enumerate(wrong, start=1) if self.check_text("choices", w, f"choices.wrong[{i}]")]
        if isinstance(correct, str) and correct.strip() in {w.strip() for w in texts}:
            self.add("choices", "the correct option also appears among the wrong ones")
        if len({w.strip() for w in texts}) < len(texts):
            self.add("choices", "choices.wrong repeats an option")

    def check_demo(self) -> None:
        value = self.present("demo")
        if value is None or self.demos is None:
            return
        if not isinstance(value, str):
            self.add("demo", f"demo must be a demo name, not {kind_of(value)}")
        elif value not in self.demos:
            self.add("demo", f"unknown demo '{short(value)}'{suggest(short(value), self.demos)}")

    def check_cloze(self) -> None:
        value = self.present("cloze")
        if value is None or not self.check_text("cloze", value, "cloze"):
            return
        for message in cloze_text.problems(value):
            self.add("cloze", message)


def check_item(
    data: Any, line: int, key_lines: dict[str, int], index: int, demos: set[str] | None
) -> list[LocalProblem]:
    """Every problem of one item, as (line, label, message)."""
    label = item_label(data, index)
    if not isinstance(data, dict):
        return [(line, label, f"an item must be a mapping of fields ('id: ...', 'question: ...'), not {kind_of(data)}")]
    return _ItemChecker(data, line, key_lines, label, demos).run()


def item_refs(data: Any, line: int, key_lines: dict[str, int]) -> tuple[str, list[str], int, int] | None:
    """What cross-item checks need of an item, even one with problems of its own:
    (id, follow_ups, line of the id, line of follow_ups); None without a usable id."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not SLUG.match(data["id"]):
        return None
    follow_ups = data.get("follow_ups")
    targets = [t for t in follow_ups if isinstance(t, str)] if isinstance(follow_ups, list) else []
    return data["id"], targets, key_lines.get("id", line), key_lines.get("follow_ups", line)


def check_across(
    refs: list[tuple[str, tuple[str, list[str], int, int]]], known_ids: frozenset[str] = frozenset()
) -> list[tuple[str, int, str, str]]:
    """Problems between items: repeated ids and follow_ups that point nowhere.

    `refs` are (file, item_refs(...)) for every item with a usable id; `known_ids`
    are ids outside them that follow_ups may also point at. Returns (file, line, id, message).
    """
    problems = []
    first_seen: dict[str, tuple[str, int]] = {}
    for file, (item_id, _, id_line, _) in refs:
        if item_id in first_seen:
            where = "{}:{}".format(*first_seen[item_id])
            problems.append((file, id_line, item_id, f"duplicate id '{item_id}' (first defined at {where})"))
        else:
            first_seen[item_id] = (file, id_line)
    all_ids = set(first_seen) | set(known_ids)
    for file, (item_id, targets, _, line) in refs:
        for target in targets:
            if target == item_id:
                problems.append((file, line, item_id, "follow_ups lists the item itself"))
            elif target not in all_ids:
                problems.append(
                    (file, line, item_id, f"follow_up '{target}' is not the id of any item{suggest(target, all_ids)}")
                )
    return problems


SLUG_TEXT = b"abcdefghijklmnopqrstuvwxyz0123456789-\n"  # what slugs joined by line breaks may hold
HYPHEN_AS_BREAK = bytes.maketrans(b"-", b"\n")
SOURCE_LINES = re.compile(r"(?:[0-9]{3}:[1-9][0-9]*\n)*")
DIFFICULTY_BYTES = bytes(DIFFICULTY_NAMES)
# What the text checks look for in UTF-8: the C0 controls but tab and newline, DEL, and "{".
# Deleting every other byte leaves a short string of just those (C1 controls are two bytes, see C1_UTF8).
MARKS = bytes(range(0x09)) + bytes(range(0x0B, 0x20)) + b"\x7f{"
NOT_MARKS = bytes(sorted(set(range(256)) - set(MARKS)))
C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
TOO_MANY_BRACES = b"{" * (MAX_BRACE_DEPTH + 1)


def all_valid(items: list, demos: set[str] | None) -> bool:
    """True only if check_item would find no problem in any of `items` (item dicts).

    The items are laid out as columns (columns.from_rows) and checked by checked_items; False
    means "run check_item to find out". It must never say True where check_item finds a
    problem: tests/hostile checks that.
    """
    columns = from_rows([(data, 0) for data in items]) if type(items) is list else None
    return columns is not None and checked_items(columns, demos) is not None


def checked_items(columns: Columns, demos: set[str] | None) -> list[Item] | None:
    """The items `columns` hold, if check_item would find no problem in any of them; else None
    ("run check_item to find out").

    It works a field at a time over all items with C-level calls (bytes.translate and str.count
    over joined text, set and len mapped over lists), tens of times faster than check_item, and
    builds the items from exactly the values it checked. The loader runs it on every cached
    file, so a cache entry is never trusted.
    """
    try:
        fields = unpack(columns)
        valid = _fields_valid(columns, fields, demos)
    except (TypeError, ValueError, AttributeError):  # an odd value: let check_item describe it
        return None
    return build_items(fields) if valid else None


def _fields_valid(c: Columns, f: Fields, demos: set[str] | None) -> bool:
    if not (_slugs(c.ids) and _slugs(c.topics)) or c.difficulty.strip(DIFFICULTY_BYTES):
        return False
    if not all(map(_short_and_distinct, (f.tags, f.follow_ups, f.sources))):
        return False
    if not (_short_and_distinct(f.key_points, texts=True) and _short_and_distinct(f.pitfalls, texts=True)):
        return False
    for lists, pattern in ((f.tags, None), (f.follow_ups, None), (f.sources, SOURCE_LINES)):
        entries = list(chain.from_iterable(lists))
        text = "\n".join(entries) + "\n" if entries else ""
        # a line break inside an entry would add a line: the count catches it
        if text.count("\n") != len(entries) or not (pattern.fullmatch(text) if pattern else _slugs(text)):
            return False
        if entries and max(map(len, entries)) > MAX_TEXT:
            return False
    texts = f.questions + f.answers
    texts += chain.from_iterable(f.key_points)
    texts += chain.from_iterable(f.pitfalls)
    if not _choices_valid(f, texts):
        return False
    if demos is not None and not set(f.demos).difference((None,)) <= demos:
        return False
    # few items have a cloze form: their gaps are checked one text at a time
    clozes = [text for text in f.clozes if text is not None]
    if any(map(cloze_text.problems, clozes)):
        return False
    texts += clozes
    return _texts_valid(texts)


def _slugs(text: str) -> bool:
    """Every line of `text` (each ended by a line break) is a slug: lowercase letters, digits and
    hyphens, not empty, no hyphen at either end or twice in a row."""
    if not text:
        return True
    if not text.isascii() or text.encode("ascii").translate(None, SLUG_TEXT) or text[0] in "-\n":
        return False
    # the rules above all say that no two of "-" and "\n" may meet: with hyphens read as line
    # breaks, that is one search for an empty line
    return b"\n\n" not in text.encode("ascii").translate(HYPHEN_AS_BREAK)


def _short_and_distinct(lists: list, texts: bool = False) -> bool:
    """No list has more than MAX_LIST entries or the same entry twice. For `texts` (key points,
    pitfalls), which seldom repeat anywhere in a file, one set over all of them usually settles it."""
    sizes = list(map(len, lists))
    if not sizes or max(sizes) <= 1:
        return True
    if max(sizes) > MAX_LIST:
        return False
    several = list(compress(lists, map(gt, sizes, repeat(1))))  # only these can repeat an entry
    if texts:
        entries = list(chain.from_iterable(several))
        if len(set(entries)) == len(entries):
            return True
    return list(map(len, map(set, several))) == list(map(len, several))


def _choices_valid(f: Fields, texts: list) -> bool:
    """Every multiple-choice form has enough options, none repeated (even once stripped) and
    none equal to the correct one; their texts join `texts`."""
    present = list(map(is_not, f.correct, repeat(None)))
    correct = list(compress(f.correct, present))
    if not correct:
        return True
    wrong = list(compress(f.wrong, present))
    sizes = list(map(len, wrong))
    if min(sizes) < MIN_WRONG_CHOICES or max(sizes) > MAX_LIST:
        return False
    options = list(map(str.strip, chain(chain.from_iterable(wrong), correct)))
    if len(set(options)) != len(options):  # some option repeats in the file: look item by item
        stripped = list(map(set, map(map, repeat(str.strip), wrong)))
        if list(map(len, stripped)) != sizes or any(map(contains, stripped, map(str.strip, correct))):
            return False
    texts += correct
    texts += chain.from_iterable(wrong)
    return True


def _texts_valid(texts: list) -> bool:
    """Every text is non-blank, short enough, shallow in braces, and free of control characters."""
    if not texts:
        return True
    if not all(texts) or any(map(str.isspace, texts)) or max(map(len, texts)) > MAX_TEXT:
        return False
    ascii_only = list(map(str.isascii, texts))
    plain = list(compress(texts, ascii_only))
    other = list(compress(texts, map(not_, ascii_only)))
    # ASCII text joins and encodes by plain copies; the rest is UTF-8, where C1 controls are \xc2\x80-\x9f
    blob = "\x00".join(other).encode("utf-8", "surrogatepass")
    if other and C1_UTF8.search(blob):
        return False
    return _marks_valid(plain, "\x00".join(plain).encode("ascii")) and _marks_valid(other, blob)


def _marks_valid(texts: list, blob: bytes) -> bool:
    """`blob` (the texts joined by NUL, in UTF-8) holds no control character and no text with
    more than MAX_BRACE_DEPTH "{" unless its braces nest no deeper than that."""
    marks = blob.translate(None, NOT_MARKS)
    if marks.count(b"\x00") != max(len(texts) - 1, 0) or marks.translate(None, b"{\x00"):
        return False
    if TOO_MANY_BRACES not in marks:
        return True
    heavy = [text for text in texts if text.count("{") > MAX_BRACE_DEPTH]
    return all(brace_depth(text) <= MAX_BRACE_DEPTH for text in heavy)


def refs_sound(items: list, known_ids: frozenset[str] = frozenset()) -> bool:
    """True only if check_across would find nothing among `items` (Item objects): no id twice,
    every follow-up an id of theirs or of `known_ids`, none the item itself."""
    ids = list(map(attrgetter("id"), items))
    seen = set(ids)
    if len(seen) != len(ids):
        return False
    follow_ups = list(map(attrgetter("follow_ups"), items))
    targets = list(chain.from_iterable(follow_ups))
    if not seen.issuperset(targets) and not (set(targets) - seen) <= known_ids:
        return False
    return not any(map(eq, chain.from_iterable(map(repeat, ids, map(len, follow_ups))), targets))
