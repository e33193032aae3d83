"""Reading bank files: YAML with line numbers, limits on everything, through a checked cache.

A file is read once into plain data (the items that passed their own checks, with their
lines, and the problems found) and that result is cached (see cache.py). An unchanged file
is never parsed twice; an edited one is read afresh.

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
from dataclasses import dataclass, field
from pathlib import Path

from quizprep import __version__
from quizprep.bank.cache import Cache, Entry, decode, open_cache, prefetched
from quizprep.bank.validate import (
    MAX_BRACE_DEPTH,
    MAX_LIST,
    MAX_TEXT,
    LocalProblem,
    all_valid,
    check_item,
    item_refs,
    kind_of,
    short,
)
from quizprep.files import FileRefused, kind_of_mode, read_regular

BANK_SUFFIXES = (".yaml", ".yml", ".json")
CACHE_FORMAT = 3
MAX_FILE_BYTES = 5_000_000
MAX_NODES = 500_000  # YAML nodes in one file, an alias counting as a copy of what it names
MAX_CHARS = 10_000_000  # characters of text in one file, counted the same way
MAX_NESTING = 20  # levels of lists and mappings (an item uses four)
MAX_PROBLEMS = 100  # problems reported per file; the rest are counted in one line
LIMITS = (MAX_FILE_BYTES, MAX_NODES, MAX_CHARS, MAX_NESTING, MAX_PROBLEMS, MAX_TEXT, MAX_LIST, MAX_BRACE_DEPTH)


@dataclass
class FileResult:
    """What one bank file holds: items that passed their own checks, and the problems."""

    path: Path
    items: list[tuple[dict, int]] = field(default_factory=list)  # (data, line) of items without problems
    problems: list[LocalProblem] = field(default_factory=list)
    refs: list[tuple[str, list[str], int, int]] = field(default_factory=list)  # see validate.item_refs
    from_cache: bool = False


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
    payloads = prefetched(store, [os.path.realpath(path) for path in paths])
    for index, (path, payload) in enumerate(zip(paths, payloads)):
        try:
            results.append(cached_result(path, demos, store, payload))
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
    demo_names = "\n".join(sorted(demos)).encode() if demos is not None else None
    return (
        CACHE_FORMAT,
        __version__,
        sys.version_info[:2],
        LIMITS,
        real_path,
        hashlib.sha256(demo_names).hexdigest() if demo_names is not None else None,
    )


def _stamp(info: os.stat_result) -> tuple:
    # ctime changes on every write and cannot be set back, unlike mtime
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def cached_result(
    path: Path, demos: set[str] | None, store: Cache | None, payload: bytes | None = None
) -> FileResult | None:
    """The file's result from the cache, or None when it has changed, was never read, or the
    entry does not hold up (see cache.py and _trusted). `payload` is the entry if already fetched."""
    if store is None:
        return None
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        return None
    real = os.path.realpath(path)
    entry = decode(payload) if payload is not None else store.load(real)
    if entry is None or entry.context != _context(real, demos) or entry.stamp != _stamp(info):
        return None
    if not _trusted(entry, demos):
        return None
    return FileResult(path, entry.items, entry.problems, entry.refs, from_cache=True)


def _trusted(entry: Entry, demos: set[str] | None) -> bool:
    """Cached items get the same checks as parsed ones: all at once when they pass (the usual
    case), else one by one; an entry holding any item with a problem is not used."""
    if len(entry.problems) > MAX_PROBLEMS + 1:
        return False
    datas = [data for data, _ in entry.items]
    if all_valid(datas, demos):
        return True
    return not any(check_item(data, line, {}, 1, demos) for data, line in entry.items)


def read_file(path: Path, demos: set[str] | None, cache: Path | Cache | None) -> FileResult:
    """Parse and check one bank file, using the cache when the file is unchanged."""
    store = open_cache(cache) if isinstance(cache, Path) else cache
    hit = cached_result(path, demos, store)
    return hit if hit is not None else parse_file(path, demos, store)


def parse_file(path: Path, demos: set[str] | None, store: Cache | None) -> FileResult:
    """Read, parse and check one bank file (a refused file becomes a problem), and cache the result."""
    result = FileResult(path)
    try:
        raw, info = read_regular(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        hint = "; split it into smaller files" if "limit" in exc.reason else "; a bank is a YAML file"
        result.problems.append((1, "-", f"not loaded: it {exc.reason}{hint}"))
        return result
    real = os.path.realpath(path)
    context, digest = _context(real, demos), hashlib.sha256(raw).digest()
    old = store.load(real) if store else None
    if old is not None and old.context == context and old.digest == digest and _trusted(old, demos):
        result = FileResult(path, old.items, old.problems, old.refs, from_cache=True)  # same bytes, new stamp
    else:
        _parse_into(result, raw, demos)
        _cap_problems(result)
    if store:
        store.store(real, Entry(context, _stamp(info), digest, result.items, result.problems, result.refs))
    return result


def _cap_problems(result: FileResult) -> None:
    """A file of a million broken lines reports the first MAX_PROBLEMS and a count of the rest."""
    if len(result.problems) <= MAX_PROBLEMS:
        return
    result.problems.sort(key=lambda p: p[0])
    rest = result.problems[MAX_PROBLEMS:]
    result.problems[MAX_PROBLEMS:] = [(rest[0][0], "-", f"{len(rest):,} more problems from here on are not shown")]


def _parse_into(result: FileResult, raw: bytes, demos: set[str] | None) -> None:
    text = _decode(raw, result)
    if text is None:
        return
    parsed = parse_yaml(text, result)
    if parsed is None:
        return
    for index, (data, line, key_lines) in enumerate(parsed, start=1):
        problems = check_item(data, line, key_lines, index, demos)
        refs = item_refs(data, line, key_lines)
        if refs is not None:
            result.refs.append(refs)
        if problems:
            result.problems.extend(problems)
        else:
            result.items.append((data, line))


def _decode(raw: bytes, result: FileResult) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start : exc.start + 1].hex()
        result.problems.append((line, "-", f"the file is not valid UTF-8 (byte 0x{byte}); save it as UTF-8"))
        return None


def _yaml_loader():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, result: FileResult) -> list[tuple[object, int, dict[str, int]]] | None:
    """The file's items as (data, line, key lines), or None after recording why it can't be read.

    Uses PyYAML's safe loader (the C one when available): tags that would build
    Python objects are refused, so nothing in a bank can run code.
    """
    import yaml

    loader = _yaml_loader()(text)
    try:
        root = loader.get_single_node()
        if root is None:
            result.problems.append((1, "-", "the file is empty; a bank file is a YAML list of items ('- id: ...')"))
            return None
        if not isinstance(root, yaml.SequenceNode):
            line = root.start_mark.line + 1
            what = kind_of(loader.construct_document(root)) if isinstance(root, yaml.ScalarNode) else "a mapping"
            result.problems.append((line, "-", f"a bank file must be a YAML list of items ('- id: ...'), not {what}"))
            return None
        too_big = _Expansion().problem(root)
        if too_big is not None:
            result.problems.append(too_big)
            return None
        shapes = [_item_shape(node, index, result) for index, node in enumerate(root.value, start=1)]
        values = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        result.problems.append(_yaml_problem(exc, text))
        return None
    except yaml.YAMLError as exc:  # errors without a position
        result.problems.append((1, "-", f"YAML error: {exc}"))
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


def _item_shape(node, index: int, result: FileResult) -> tuple[int, dict[str, int]]:
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
                result.problems.append(
                    (key_line, label, f"field '{key_node.value}' appears twice (first at line {first})")
                )
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
