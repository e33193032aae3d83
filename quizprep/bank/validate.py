"""Checks on bank items: one item at a time, then across the whole bank.

Checks never stop at the first problem: each returns every problem it finds, so a
user fixes a file in one pass.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable

from quizprep.bank.schema import DIFFICULTY_NAMES, FIELDS, LIST_FIELDS, MIN_WRONG_CHOICES, REQUIRED

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE = re.compile(r"^[0-9]{3}:[1-9][0-9]*$")
# C0 controls other than tab and newline, DEL, and C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SLUG_HINT = "lowercase letters, digits and single hyphens, like 'softmax-function'"

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


def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when some option is close to `word`, else ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def item_label(data: Any, index: int) -> str:
    """The id of an item if it has a usable one, else its position in the file."""
    if isinstance(data, dict):
        item_id = data.get("id")
        if isinstance(item_id, str) and item_id.strip():
            return item_id.strip()
    return f"item#{index}"


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
                self.add(key, f"unknown field '{key}'{suggest(key, FIELDS)}; allowed fields: {', '.join(FIELDS)}")

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
        bad = CONTROL.search(value)
        if bad:
            code = f"U+{ord(bad.group()):04X}"
            hint = " (a LaTeX backslash inside double quotes? use a block scalar '|-' or single quotes)"
            self.add(name, f"{where} contains the control character {code}{hint}")
            return False
        return True

    def check_list(self, name: str) -> None:
        value = self.present(name)
        if value is None:
            return
        if not isinstance(value, list):
            self.add(name, f"{name} must be a list, not {kind_of(value)}")
            return
        for position, entry in enumerate(value, start=1):
            where = f"{name}[{position}]"
            if not self.check_text(name, entry, where):
                continue
            if name in ("tags", "follow_ups") and not SLUG.match(entry):
                self.add(name, f"{where} must be a slug of {SLUG_HINT}, not {kind_of(entry)}")
            if name == "sources" and not SOURCE.match(entry):
                self.add(name, f"{where} must look like \"000:14\" (seed file prefix:question number), not {kind_of(entry)}")
        duplicates = sorted({e for e in value if isinstance(e, str) and value.count(e) > 1})
        if duplicates:
            self.add(name, f"{name} repeats {', '.join(repr(d) for d in duplicates)}")

    def check_choices(self) -> None:
        value = self.present("choices")
        if value is None:
            return
        if not isinstance(value, dict):
            self.add("choices", f"choices must be a mapping with 'correct' and 'wrong', not {kind_of(value)}")
            return
        for key in value:
            if key not in ("correct", "wrong"):
                self.add("choices", f"unknown key '{key}' in choices{suggest(str(key), ['correct', 'wrong'])}; allowed: correct, wrong")
        correct = value.get("correct")
        if correct is None:
            self.add("choices", "choices needs a 'correct' option")
        else:
            self.check_text("choices", correct, "choices.correct")
        wrong = value.get("wrong")
        if not isinstance(wrong, list):
            self.add("choices", f"choices.wrong must be a list of at least {MIN_WRONG_CHOICES} options, not {kind_of(wrong)}")
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
            self.add("demo", f"unknown demo '{value}'{suggest(value, self.demos)}")


def check_item(data: Any, line: int, key_lines: dict[str, int], index: int, demos: set[str] | None) -> list[LocalProblem]:
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


def check_across(refs: list[tuple[str, tuple[str, list[str], int, int]]], known_ids: frozenset[str] = frozenset()) -> list[tuple[str, int, str, str]]:
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
                problems.append((file, line, item_id, f"follow_up '{target}' is not the id of any item{suggest(target, all_ids)}"))
    return problems
