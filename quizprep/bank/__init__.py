"""The question bank: item schema, loading (with a cache), validation and selection.

load_bank(extra)      the bundled bank plus QUIZPREP_BANK and `extra` paths, checked
validate_paths(paths) every problem in the given files or folders
Bank                  the loaded items, by id and by topic
Item, Choices         one question and its multiple-choice form
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from pathlib import Path

from quizprep.bank.schema import DIFFICULTY_NAMES, FIELDS, Choices, Item
from quizprep.errors import BankError, Problem, QuizprepError

__all__ = [
    "Bank",
    "Item",
    "Choices",
    "FIELDS",
    "DIFFICULTY_NAMES",
    "load_bank",
    "validate_paths",
    "check",
    "bank_roots",
]


@dataclass
class Bank:
    """Loaded items in file order, with lookups."""

    items: list[Item]
    files: list[str] = field(default_factory=list)  # as shown to the user
    sources: list[Path] = field(default_factory=list)  # absolute paths of the same files

    def __post_init__(self) -> None:
        self.by_id = dict(zip(map(attrgetter("id"), self.items), self.items))

    def get(self, item_id: str) -> Item | None:
        return self.by_id.get(item_id)

    def topics(self) -> dict[str, list[Item]]:
        """Items grouped by topic, topics in the order they first appear."""
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            grouped.setdefault(item.topic, []).append(item)
        return grouped

    def tags(self) -> set[str]:
        return {tag for item in self.items for tag in item.tags}


def bank_roots(extra: list[Path] | None = None) -> list[tuple[Path, str]]:
    """The bank locations that load, with where each came from: bundled, imported, QUIZPREP_BANK, --bank."""
    from quizprep.importers import user_bank_roots
    from quizprep.paths import bundled_bank_dir, env_bank_paths

    roots = [(bundled_bank_dir(), "the bundled bank")]
    roots += [(path, "your imported banks") for path in user_bank_roots()]
    roots += [(path, "QUIZPREP_BANK") for path in env_bank_paths()]
    roots += [(path, "--bank") for path in extra or []]
    return roots


def load_bank(extra: list[Path] | None = None, *, use_cache: bool = True) -> Bank:
    """Load every bank that applies; raise BankError listing every problem if any."""
    skipped: list[Problem] = []
    files = _collect_files(bank_roots(extra), skipped)
    return _load(files, use_cache=use_cache, known_ids=frozenset(), skipped=skipped)


def validate_paths(paths: list[Path], *, use_cache: bool = True) -> tuple[Bank | None, list[Problem]]:
    """Check only `paths`; follow_ups may also point at items of the bundled bank."""
    from quizprep.paths import bundled_bank_dir

    skipped: list[Problem] = []
    files = _collect_files([(path, "the command line") for path in paths], skipped)
    bundled = set(_collect_files([(bundled_bank_dir(), "the bundled bank")])) - set(files)
    known = frozenset(
        ref[0]
        for result in _read_all(sorted(bundled), use_cache)
        if not isinstance(result, OSError)
        for ref in result.refs
    )
    try:
        bank = _load(files, use_cache=use_cache, known_ids=known, skipped=skipped)
    except BankError as exc:
        return None, exc.problems
    return bank, []


def check(paths: list[Path], extra: list[Path]) -> tuple[Bank | None, list[Problem]]:
    """What `quizprep validate` checks: the given paths (plus --bank), or everything that would load."""
    if paths:
        return validate_paths(paths + extra)
    try:
        return load_bank(extra), []
    except BankError as exc:
        return None, exc.problems


def _collect_files(roots: list[tuple[Path, str]], skipped: list[Problem] | None = None) -> list[Path]:
    """The bank files under `roots`, each once; entries left out of a folder (a FIFO, a link
    leading out of it) are added to `skipped` as problems."""
    from quizprep.bank.loader import BANK_SUFFIXES, scan_bank_files
    from quizprep.files import shown

    seen: set[str] = set()
    files: list[Path] = []
    for root, origin in roots:
        if not os.path.lexists(root):
            raise QuizprepError(f"no such file or folder: {shown(root)} (from {origin})")
        found, left_out = scan_bank_files(root)
        if skipped is not None:
            skipped += [Problem(display_path(path), 1, "-", reason) for path, reason in left_out]
        if not found and not left_out and root.is_dir():
            raise QuizprepError(f"no bank files ({', '.join(BANK_SUFFIXES)}) in {shown(root)} (from {origin})")
        for path in found:
            resolved = os.path.realpath(path)
            if resolved not in seen:
                seen.add(resolved)
                files.append(path)
    return files


def _read_all(paths: list[Path], use_cache: bool) -> list:
    from quizprep.bank.loader import read_files
    from quizprep.demos import CATALOG
    from quizprep.paths import cache_dir

    return read_files(paths, set(CATALOG), cache_dir() if use_cache else None)


@contextmanager
def gc_paused():
    """Loading creates hundreds of thousands of small objects and no cycles: the cyclic garbage
    collector would run over and over for nothing (it doubles the time of a cached 10,000-item
    load). Afterwards the survivors are frozen, so later collections do not walk the bank either."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _load(files: list[Path], *, use_cache: bool, known_ids: frozenset[str], skipped: list[Problem]) -> Bank:
    with gc_paused():
        return _load_files(files, use_cache=use_cache, known_ids=known_ids, skipped=skipped)


def _load_files(files: list[Path], *, use_cache: bool, known_ids: frozenset[str], skipped: list[Problem]) -> Bank:
    from quizprep.bank.validate import check_across, refs_sound
    from quizprep.files import shown as printable

    problems: list[Problem] = list(skipped)
    loaded = []
    for path, result in zip(files, _read_all(files, use_cache)):
        shown = display_path(path)
        if isinstance(result, OSError):
            problems.append(Problem(shown, 1, "-", f"cannot read the file: {result.strerror or result}"))
            continue
        # labels and messages repeat bank text: escape control characters before they reach a terminal
        problems += [
            Problem(shown, line, printable(label), printable(message)) for line, label, message in result.problems
        ]
        loaded.append((shown, result))
    items = [] if problems else list(chain.from_iterable(result.build(shown) for shown, result in loaded))
    if problems or not refs_sound(items, known_ids):  # refs_sound: the usual case, checked all at once
        refs = [(shown, ref) for shown, result in loaded for ref in result.refs]
        problems += [Problem(*p) for p in check_across(refs, known_ids)]
    if problems:
        raise BankError(problems)
    return Bank(items, [display_path(p) for p in files], [Path(os.path.abspath(p)) for p in files])


def display_path(path: Path) -> str:
    """A path as a person would type it (relative to the working folder when inside it), control
    characters escaped."""
    from quizprep.files import shown

    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return shown(absolute)
    return shown(absolute if relative.startswith("..") else relative)
