"""Reading bank files: YAML with line numbers, limits on everything, through a checked cache.

A file is read once into plain data (the items that passed their own checks, with their
lines, and the problems found) and that result is cached, the items laid out field by field
(see cache.py and columns.py). An unchanged file is never parsed twice, and its cached items
are checked again, a whole column at a time, before use; an edited one is read afresh.

Nothing a bank file holds can make loading hang or explode: only regular files are read
(a FIFO, a device or a link out of a bank folder is reported, never opened for reading), a
file may hold at most MAX_FILE_BYTES, anchors and aliases may not blow the data up past
MAX_NODES nodes or MAX_CHARS characters, collections nest at most MAX_NESTING deep, and a
file reports at most MAX_PROBLEMS problems. Limits in validate.py bound each item.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import sys
from functools import lru_cache
from pathlib import Path

from quizprep import __version__
from quizprep.bank.cache import Cache, Entry, open_cache
from quizprep.bank.columns import Columns, build_items, from_rows, ref_rows, unpack
from quizprep.bank.schema import Item
from quizprep.bank.validate import (
    MAX_BRACE_DEPTH,
    MAX_LIST,
    MAX_TEXT,
    LocalProblem,
    check_item,
    checked_items,
    item_refs,
    kind_of,
    short,
)
from quizprep.files import FileRefused, kind_of_mode, read_regular

BANK_SUFFIXES = (".yaml", ".yml", ".json")
CACHE_FORMAT = 5  # 5: the cloze column
MAX_FILE_BYTES = 5_000_000
MAX_NODES = 500_000  # YAML nodes in one file, an alias counting as a copy of what it names
MAX_CHARS = 10_000_000  # characters of text in one file, counted the same way
MAX_NESTING = 20  # levels of lists and mappings (an item uses four)
MAX_PROBLEMS = 100  # problems reported per file; the rest are counted in one line
LIMITS = (MAX_FILE_BYTES, MAX_NODES, MAX_CHARS, MAX_NESTING, MAX_PROBLEMS, MAX_TEXT, MAX_LIST, MAX_BRACE_DEPTH)


class FileResult:
    """What one bank file holds: the items that passed their own checks, the problems, and what
    checks across items need (validate.item_refs of every item with a usable id).

    A parsed file keeps its items as (dict, line) rows; a cached one as Item objects already
    built from its columns (and the columns, to read refs off them when asked)."""

    def __init__(
        self,
        path: Path,
        problems: list[LocalProblem] | None = None,
        *,
        rows: list[tuple[dict, int]] | None = None,
        built: list[Item] | None = None,
        columns: Columns | None = None,
        refs: list[tuple[str, list[str], int, int]] | None = None,
        from_cache: bool = False,
    ):
        self.path = path
        self.problems = problems if problems is not None else []
        self.rows = rows
        self.built = built
        self.columns = columns
        self._refs = refs
        self.from_cache = from_cache

    @property
    def items(self) -> list[tuple[dict, int]]:
        """The items as (bank data, line), each dict holding the fields the item has."""
        if self.rows is not None:
            return self.rows
        built = self.built if self.built is not None else self.build("")
        return [({k: v for k, v in item.to_dict().items() if v not in (None, [])}, item.line) for item in built]

    @property
    def refs(self) -> list[tuple[str, list[str], int, int]]:
        if self._refs is None:
            self._refs = ref_rows(self.columns) if self.columns is not None else []
        return self._refs

    def build(self, file: str) -> list[Item]:
        """The items as Item objects, `file` being how the file is shown."""
        if self.built is None:
            self.built = [Item.from_dict(data, "", line) for data, line in self.rows or []]
        for item in self.built:
            item.file = file
        return self.built


def bank_files(root: Path) -> list[Path]:
    """The bank files under `root` (a file, or a folder searched recursively, hidden entries skipped)."""
    return scan_bank_files(root)[0]


def scan_bank_files(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The bank files under `root`, and the entries left out with the reason.

    A `root` that is not a folder is the one file (reading refuses it if it is not a regular
    file). In a folder, linked folders are never entered, and a bank-named entry that is not a
    regular file, or a link to a file outside the folder, is left out and reported.
    """
    if not root.is_dir():
        return [root], []
    base = os.path.realpath(root)
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for folder, folders, names in os.walk(root):  # followlinks=False: no loops, no escape
        for name in [n for n in folders if not n.startswith(".")]:
            path = Path(folder) / name
            if path.is_symlink() and not _inside(path, base):
                skipped.append((path, f"is a link to a folder outside {root}; not loaded"))
        folders[:] = sorted(n for n in folders if not n.startswith("."))
        for name in sorted(names):
            path = Path(folder) / name
            if name.startswith(".") or path.suffix.lower() not in BANK_SUFFIXES:
                continue
            reason = _not_loadable(path, base, root)
            if reason:
                skipped.append((path, reason))
            else:
                found.append(path)
    return sorted(found), skipped


def _inside(path: Path, base: str) -> bool:
    real = os.path.realpath(path)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _not_loadable(path: Path, base: str, root: Path) -> str | None:
    """Why a bank-named entry of a folder is left out, or None to load it."""
    if path.is_symlink() and not _inside(path, base):
        return f"is a link to a file outside {root}; not loaded (copy the file in, or name it with --bank)"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return f"is {kind_of_mode(mode)}, not a regular file; not loaded"
    return None


PARALLEL_BYTES = 512 * 1024  # below this much uncached YAML, one process is quicker than starting workers


def read_files(paths: list[Path], demos: set[str] | None, cache: Path | None) -> list[FileResult | OSError]:
    """Every file's result (or the OSError reading it), in order. Cached files come from the
    cache; when much uncached YAML remains, it is parsed in worker processes, one file each."""
    store = open_cache(cache) if cache else None
    results: list[FileResult | OSError | None] = []
    missing: list[int] = []
    for index, path in enumerate(paths):
        try:
            results.append(cached_result(path, demos, store))
        except OSError as exc:
            results.append(exc)
            continue
        if results[-1] is None:
            missing.append(index)
    todo = [paths[i] for i in missing]
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1 and sum(_size(p) for p in todo) >= PARALLEL_BYTES:
        parsed = _parse_in_workers(todo, demos, store, workers)
    else:
        parsed = [_parse_or_error(path, demos, store) for path in todo]
    for index, result in zip(missing, parsed):
        results[index] = result
    return results


def _size(path: Path) -> int:
    try:
        return min(path.stat().st_size, MAX_FILE_BYTES)
    except OSError:
        return 0


def _parse_or_error(path: Path, demos: set[str] | None, store: Cache | None) -> FileResult | OSError:
    try:
        return parse_file(path, demos, store)
    except OSError as exc:
        return exc


def _parse_in_workers(paths: list[Path], demos, store: Cache | None, workers: int) -> list:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_parse_or_error, paths, [demos] * len(paths), [store] * len(paths)))
    except (OSError, RuntimeError):  # no processes to be had: do it here
        return [_parse_or_error(path, demos, store) for path in paths]


def _context(real_path: str, demos: set[str] | None) -> tuple:
    """What a parse depends on besides the file's bytes."""
    return (CACHE_FORMAT, __version__, sys.version_info[:2], LIMITS, real_path, _names_digest(_frozen(demos)))


def _frozen(demos: set[str] | None) -> frozenset[str] | None:
    return frozenset(demos) if demos is not None else None


@lru_cache(maxsize=4)
def _names_digest(demos: frozenset[str] | None) -> str | None:
    """The sha256 of the demo names: the same for every file of a load, so worked out once."""
    if demos is None:
        return None
    return hashlib.sha256("\n".join(sorted(demos)).encode()).hexdigest()


def _stamp(info: os.stat_result) -> tuple:
    # ctime changes on every write and cannot be set back, unlike mtime
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def cached_result(path: Path, demos: set[str] | None, store: Cache | None) -> FileResult | None:
    """The file's result from the cache, or None when it has changed, was never read, or the
    entry does not hold up (see cache.py and _checked)."""
    if store is None:
        return None
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        return None
    real = os.path.realpath(path)
    entry = store.load(real)
    if entry is None or entry.context != _context(real, demos) or entry.stamp != _stamp(info):
        return None
    return _from_entry(path, entry, demos)


def _from_entry(path: Path, entry: Entry, demos: set[str] | None) -> FileResult | None:
    """The cached result, if every item in the entry passes every check (see _checked)."""
    if len(entry.problems) > MAX_PROBLEMS + 1:
        return None
    items = _checked(entry.columns, demos)
    if items is None:
        return None
    refs = entry.refs if entry.problems else None  # without problems, every item is in the columns
    return FileResult(path, entry.problems, built=items, columns=entry.columns, refs=refs, from_cache=True)


def _checked(columns: Columns, demos: set[str] | None) -> list[Item] | None:
    """Cached items get the same checks as parsed ones: all at once when they pass (the usual
    case), else item by item on the very items the columns build. None if any item has a
    problem or the columns do not agree."""
    items = checked_items(columns, demos)
    if items is not None:
        return items
    try:
        items = build_items(unpack(columns))
    except ValueError:
        return None
    return None if any(check_item(item.to_dict(), item.line, {}, 1, demos) for item in items) else items


def read_file(path: Path, demos: set[str] | None, cache: Path | Cache | None) -> FileResult:
    """Parse and check one bank file, using the cache when the file is unchanged."""
    store = open_cache(cache) if isinstance(cache, Path) else cache
    hit = cached_result(path, demos, store)
    return hit if hit is not None else parse_file(path, demos, store)


def parse_file(path: Path, demos: set[str] | None, store: Cache | None) -> FileResult:
    """Read, parse and check one bank file (a refused file becomes a problem), and cache the result."""
    try:
        raw, info = read_regular(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        hint = "; split it into smaller files" if "limit" in exc.reason else "; a bank is a YAML file"
        return FileResult(path, [(1, "-", f"not loaded: it {exc.reason}{hint}")])
    real = os.path.realpath(path)
    context, digest = _context(real, demos), hashlib.sha256(raw).digest()
    old = store.load(real) if store else None
    result = None
    if old is not None and old.context == context and old.digest == digest:
        result = _from_entry(path, old, demos)  # same bytes, new stamp
    if result is None:
        result, columns = _parse(path, raw, demos)
    else:
        columns = old.columns
    if store and columns is not None:
        refs = result.refs if result.problems else []
        store.store(real, Entry(context, _stamp(info), digest, columns, result.problems, refs))
    return result


def _parse(path: Path, raw: bytes, demos: set[str] | None) -> tuple[FileResult, Columns | None]:
    """Parse and check the file's bytes; also the items that pass laid out in columns, for the cache."""
    problems: list[LocalProblem] = []
    rows: list[tuple[dict, int]] = []
    ref_lines: list[tuple[int, int]] = []
    refs: list[tuple[str, list[str], int, int]] = []
    text = _decode(raw, problems)
    parsed = parse_yaml(text, problems) if text is not None else None
    for index, (data, line, key_lines) in enumerate(parsed or [], start=1):
        item_problems = check_item(data, line, key_lines, index, demos)
        ref = item_refs(data, line, key_lines)
        if ref is not None:
            refs.append(ref)
        if item_problems:
            problems.extend(item_problems)
        else:
            rows.append((data, line))
            ref_lines.append((ref[2], ref[3]))  # a valid item always has a usable id
    _cap_problems(problems)
    return FileResult(path, problems, rows=rows, refs=refs), from_rows(rows, ref_lines)


def _cap_problems(problems: list[LocalProblem]) -> None:
    """A file of a million broken lines reports the first MAX_PROBLEMS and a count of the rest."""
    if len(problems) <= MAX_PROBLEMS:
        return
    problems.sort(key=lambda p: p[0])
    rest = problems[MAX_PROBLEMS:]
    problems[MAX_PROBLEMS:] = [(rest[0][0], "-", f"{len(rest):,} more problems from here on are not shown")]


def _decode(raw: bytes, problems: list[LocalProblem]) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start : exc.start + 1].hex()
        problems.append((line, "-", f"the file is not valid UTF-8 (byte 0x{byte}); save it as UTF-8"))
        return None


def _yaml_loader():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, problems: list[LocalProblem]) -> list[tuple[object, int, dict[str, int]]] | None:
    """The file's items as (data, line, key lines), or None after recording why it can't be read.

    Uses PyYAML's safe loader (the C one when available): tags that would build
    Python objects are refused, so nothing in a bank can run code.
    """
    import yaml

    loader = _yaml_loader()(text)
    try:
        root = loader.get_single_node()
        if root is None:
            problems.append((1, "-", "the file is empty; a bank file is a YAML list of items ('- id: ...')"))
            return None
        if not isinstance(root, yaml.SequenceNode):
            line = root.start_mark.line + 1
            what = kind_of(loader.construct_document(root)) if isinstance(root, yaml.ScalarNode) else "a mapping"
            problems.append((line, "-", f"a bank file must be a YAML list of items ('- id: ...'), not {what}"))
            return None
        too_big = _Expansion().problem(root)
        if too_big is not None:
            problems.append(too_big)
            return None
        shapes = [_item_shape(node, index, problems) for index, node in enumerate(root.value, start=1)]
        values = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        problems.append(_yaml_problem(exc, text))
        return None
    except yaml.YAMLError as exc:  # errors without a position
        problems.append((1, "-", f"YAML error: {exc}"))
        return None
    finally:
        loader.dispose()
    return [(value, line, key_lines) for value, (line, key_lines) in zip(values, shapes)]


class _TooBig(Exception):
    def __init__(self, node, message: str):
        self.node, self.message = node, message


class _Expansion:
    """What the YAML would become once every alias is replaced by a copy of what it names.

    PyYAML builds an alias as a second reference to the same object, so a file of a few lines
    can stand for billions of nodes that only show when an export or a check walks them. The
    walk counts nodes and characters the way such a walk would, but visits each node once
    (sizes are remembered) and gives up at the first limit, so it costs one pass over the file.
    """

    def __init__(self):
        import yaml

        self.sizes: dict[int, tuple[int, int, int]] = {}  # node id -> (nodes, characters, height)
        self.open: set[int] = set()
        self.scalar, self.sequence = yaml.ScalarNode, yaml.SequenceNode

    def problem(self, root) -> LocalProblem | None:
        nodes = chars = 0
        for index, item in enumerate(root.value, start=1):
            try:
                more_nodes, more_chars, _ = self.size(item, 2)
            except _TooBig as exc:
                return (exc.node.start_mark.line + 1, f"item#{index}", exc.message)
            nodes, chars = nodes + more_nodes, chars + more_chars
            if nodes > MAX_NODES or chars > MAX_CHARS:
                line = item.start_mark.line + 1
                message = (
                    f"anchors and aliases expand the file past {MAX_NODES:,} YAML nodes or {MAX_CHARS:,} characters "
                    "at this item; repeat text sparingly (an alias counts as a full copy)"
                )
                return (line, f"item#{index}", message)
        return None

    def size(self, node, depth: int) -> tuple[int, int, int]:
        key = id(node)
        if key in self.sizes:
            found = self.sizes[key]
            if depth + found[2] > MAX_NESTING:
                raise _TooBig(node, f"lists and mappings nest more than {MAX_NESTING} levels deep")
            return found
        if depth > MAX_NESTING:
            raise _TooBig(node, f"lists and mappings nest more than {MAX_NESTING} levels deep")
        if isinstance(node, self.scalar):
            found = (1, len(node.value), 0)
        else:
            if key in self.open:
                raise _TooBig(node, "an alias names a list or mapping that contains it (a loop)")
            self.open.add(key)
            children = node.value if isinstance(node, self.sequence) else [n for pair in node.value for n in pair]
            nodes, chars, height = 1, 0, 0
            for child in children:
                n, c, h = self.size(child, depth + 1)
                # saturate: past the limit the exact size no longer matters, and the sums stay small
                nodes, chars, height = min(nodes + n, MAX_NODES + 1), min(chars + c, MAX_CHARS + 1), max(height, h + 1)
            self.open.discard(key)
            found = (nodes, chars, height)
        self.sizes[key] = found
        return found


def _item_shape(node, index: int, problems: list[LocalProblem]) -> tuple[int, dict[str, int]]:
    """The item's line and the line of each of its keys; repeated keys are problems."""
    import yaml

    line = node.start_mark.line + 1
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        label = f"item#{index}"
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, yaml.ScalarNode)
                and key_node.value == "id"
                and isinstance(value_node, yaml.ScalarNode)
            ):
                label = short(value_node.value) or label
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key_line = key_node.start_mark.line + 1
            if key_node.value in key_lines:
                first = key_lines[key_node.value]
                problems.append((key_line, label, f"field '{key_node.value}' appears twice (first at line {first})"))
            else:
                key_lines[key_node.value] = key_line
    return line, key_lines


ID_LINE = re.compile(r"^\s*(?:-\s+)?id\s*:\s*['\"]?([A-Za-z0-9_-]+)")


def _yaml_problem(exc, text: str) -> LocalProblem:
    """A YAML error as (line, nearest item id above it, readable message)."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem = exc.problem or "invalid YAML"
    if "could not determine a constructor for the tag" in problem:
        tag = problem.split("tag", 1)[1].strip()
        message = f"the YAML tag {tag} is not allowed: a bank holds plain data only"
    else:
        message = f"YAML syntax error: {problem}"
        if exc.context:
            message += f" ({exc.context}"
            if exc.context_mark and exc.context_mark.line + 1 != line:
                message += f" at line {exc.context_mark.line + 1}"
            message += ")"
        if "tab" in problem.lower() or "\\t" in problem:
            message += "; YAML does not allow tabs for indentation, use spaces"
    return (line, _nearest_id(text, line), message)


def _nearest_id(text: str, line: int) -> str:
    lines = text.splitlines()
    for number in range(min(line, len(lines)), 0, -1):
        match = ID_LINE.match(lines[number - 1])
        if match:
            return match.group(1)
    return "-"
