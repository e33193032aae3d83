"""Checks on bank items: one item at a time, then across the whole bank.

Checks never stop at the first problem: each returns every problem it finds, so a
user fixes a file in one pass. Sizes are bounded (text length, list length, LaTeX
brace nesting), so no item can make later work (exports, rendering) explode.
`all_valid` answers "would check_item find nothing?" for many items at once at C
speed: the loader runs it on every cached file, so a cache entry is never trusted.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain, compress, repeat
from operator import contains, ne, not_
from typing import Any

from quizprep.bank.schema import DIFFICULTY_NAMES, FIELDS, LIST_FIELDS, MIN_WRONG_CHOICES, REQUIRED
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


FIELD_SET = frozenset(FIELDS)
CHOICE_KEYS = frozenset(("correct", "wrong"))
SLUG_LINES = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*\n)*")
SOURCE_LINES = re.compile(r"(?:[0-9]{3}:[1-9][0-9]*\n)*")


def all_valid(items: list, demos: set[str] | None) -> bool:
    """True only if check_item would find no problem in any of `items` (item dicts).

    It works a field at a time over all items with C-level builtins (map, set, str methods),
    some ten times faster than check_item; False means "run check_item to find out". It
    must never say True where check_item finds a problem: tests/hostile checks that.
    """
    try:
        return _all_valid(items, demos)
    except (TypeError, AttributeError):  # an unhashable or odd value: let check_item describe it
        return False


def _all_valid(items: list, demos: set[str] | None) -> bool:
    if not items:
        return True
    if set(map(type, items)) != {dict} or not all(map(FIELD_SET.issuperset, items)):
        return False
    column = {name: list(map(dict.get, items, repeat(name))) for name in FIELDS}
    if not (_slugs(column["id"], SLUG_LINES) and _slugs(column["topic"], SLUG_LINES)):
        return False
    if set(map(type, column["difficulty"])) != {int} or not set(column["difficulty"]) <= DIFFICULTY_NAMES.keys():
        return False
    texts = column["question"] + column["answer"]
    for name in LIST_FIELDS:
        entries = _list_entries(column[name])
        if entries is None:
            return False
        if name in ("tags", "follow_ups") and not _slugs(entries, SLUG_LINES):
            return False
        if name == "sources" and not _slugs(entries, SOURCE_LINES):
            return False
        texts += entries
    if not _choices_valid([c for c in column["choices"] if c is not None], texts):
        return False
    named = [d for d in column["demo"] if d is not None]
    if demos is not None and (set(map(type, named)) - {str} or not set(named) <= demos):
        return False
    return _texts_valid(texts)


def _slugs(values: list, pattern: re.Pattern) -> bool:
    """Every value is text matching `pattern` line by line (one regex run over all of them)."""
    if not values:
        return True
    if set(map(type, values)) != {str}:
        return False
    joined = "\n".join(values) + "\n"
    return joined.count("\n") == len(values) and pattern.fullmatch(joined) is not None


def _list_entries(values: list) -> list | None:
    """The entries of every list in a column (absent ones skipped); None if any is not a short
    list of text without repeats."""
    lists = [v for v in values if v is not None]
    if not lists:
        return []
    if set(map(type, lists)) != {list} or max(map(len, lists)) > MAX_LIST:
        return None
    entries = list(chain.from_iterable(lists))
    if entries and set(map(type, entries)) != {str}:
        return None
    sizes = list(map(len, lists))
    # entries of different lengths differ: only lists with a length in common need their texts hashed
    alike = compress(lists, map(ne, map(len, map(set, map(map, repeat(len), lists))), sizes))
    if any(len(set(entries_)) != len(entries_) for entries_ in alike):
        return None
    return entries


def _choices_valid(choices: list, texts: list) -> bool:
    """Each choices mapping is complete and has no repeated option; its texts join `texts`."""
    if not choices:
        return True
    if set(map(type, choices)) != {dict} or not all(map(CHOICE_KEYS.issuperset, choices)):
        return False
    correct = list(map(dict.get, choices, repeat("correct")))
    wrong = list(map(dict.get, choices, repeat("wrong")))
    if set(map(type, correct)) != {str} or set(map(type, wrong)) != {list}:
        return False
    sizes = list(map(len, wrong))
    if min(sizes) < MIN_WRONG_CHOICES or max(sizes) > MAX_LIST:
        return False
    options = list(chain.from_iterable(wrong))
    if set(map(type, options)) != {str}:
        return False
    stripped = list(map(set, map(map, repeat(str.strip), wrong)))
    if list(map(len, stripped)) != sizes or any(map(contains, stripped, map(str.strip, correct))):
        return False
    texts += correct
    texts += options
    return True


def _texts_valid(texts: list) -> bool:
    """Every text is non-blank, short enough, shallow in braces, and free of control characters."""
    if set(map(type, texts)) != {str} or not all(texts) or any(map(str.isspace, texts)):
        return False
    if max(map(len, texts)) > MAX_TEXT or max(map(str.count, texts, repeat("{"))) > MAX_BRACE_DEPTH:
        return False
    # isprintable() is false for every control character; newlines and tabs are allowed, so they
    # are blanked first. The few texts it still rejects (say a no-break space) get the exact check.
    flat = map(str.replace, map(str.replace, texts, repeat("\n"), repeat(" ")), repeat("\t"), repeat(" "))
    doubtful = compress(texts, map(not_, map(str.isprintable, flat)))
    return not any(map(CONTROL.search, doubtful))
