"""Reading bank files: YAML with line numbers, through a cache keyed by each file's stat.

A file is read once into plain data (the items that passed their own checks, with
their lines, and the problems found), and that result is cached with `marshal`
next to the user's data. An unchanged file is never parsed twice; an edited one
(new size or modification time) is read afresh.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from quizprep import __version__
from quizprep.bank.validate import LocalProblem, check_item, item_refs, kind_of

BANK_SUFFIXES = (".yaml", ".yml", ".json")
CACHE_FORMAT = 2


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
    if root.is_file():
        return [root]
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative):
            continue
        if path.suffix.lower() in BANK_SUFFIXES and path.is_file():
            found.append(path)
    return sorted(found)


PARALLEL_BYTES = 512 * 1024  # below this much uncached YAML, one process is quicker than starting workers


def read_files(paths: list[Path], demos: set[str] | None, cache: Path | None) -> list[FileResult | OSError]:
    """Every file's result (or the OSError reading it), in order. Cached files come from the
    cache; when much uncached YAML remains, it is parsed in worker processes, one file each."""
    results: list[FileResult | OSError | None] = []
    missing: list[int] = []
    for index, path in enumerate(paths):
        try:
            results.append(cached_result(path, demos, cache))
        except OSError as exc:
            results.append(exc)
            continue
        if results[-1] is None:
            missing.append(index)
    todo = [paths[i] for i in missing]
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1 and sum(_size(p) for p in todo) >= PARALLEL_BYTES:
        parsed = _parse_in_workers(todo, demos, cache, workers)
    else:
        parsed = [_read_or_error(path, demos, cache) for path in todo]
    for index, result in zip(missing, parsed):
        results[index] = result
    return results


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_or_error(path: Path, demos: set[str] | None, cache: Path | None) -> FileResult | OSError:
    try:
        return read_file(path, demos, cache)
    except OSError as exc:
        return exc


def _parse_in_workers(paths: list[Path], demos, cache, workers: int) -> list:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_read_or_error, paths, [demos] * len(paths), [cache] * len(paths)))
    except (OSError, RuntimeError):  # no processes to be had: do it here
        return [_read_or_error(path, demos, cache) for path in paths]


def _cache_file(path: Path, cache: Path | None) -> Path | None:
    return cache / f"bank-{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:20]}.marshal" if cache else None


def cached_result(path: Path, demos: set[str] | None, cache: Path | None) -> FileResult | None:
    """The file's result from the cache, or None when it has changed (or was never read)."""
    cache_file = _cache_file(path, cache)
    if cache_file is None:
        return None
    cached = _read_cache(cache_file, _cache_key(path, path.stat(), demos))
    if cached is None:
        return None
    items, problems, refs = cached
    return FileResult(path, items, problems, refs, from_cache=True)


def read_file(path: Path, demos: set[str] | None, cache: Path | None) -> FileResult:
    """Parse and check one bank file, using the cache when the file is unchanged."""
    hit = cached_result(path, demos, cache)
    if hit is not None:
        return hit
    key = _cache_key(path, path.stat(), demos)
    cache_file = _cache_file(path, cache)
    result = FileResult(path)
    _parse_into(result, path.read_bytes(), demos)
    if cache_file:
        _write_cache(cache_file, key, result)
    return result


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


def _item_shape(node, index: int, result: FileResult) -> tuple[int, dict[str, int]]:
    """The item's line and the line of each of its keys; repeated keys are problems."""
    import yaml

    line = node.start_mark.line + 1
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        label = f"item#{index}"
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "id" and isinstance(value_node, yaml.ScalarNode):
                label = value_node.value or label
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key_line = key_node.start_mark.line + 1
            if key_node.value in key_lines:
                first = key_lines[key_node.value]
                result.problems.append((key_line, label, f"field '{key_node.value}' appears twice (first at line {first})"))
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


def _cache_key(path: Path, stat: os.stat_result, demos: set[str] | None) -> tuple:
    demo_names = "\n".join(sorted(demos)) if demos is not None else None
    return (
        CACHE_FORMAT,
        __version__,
        sys.version_info[:2],
        str(path.resolve()),
        stat.st_mtime_ns,
        stat.st_size,
        hashlib.sha1(demo_names.encode()).hexdigest() if demo_names is not None else None,
    )


def _read_cache(cache_file: Path, key: tuple):
    try:
        stored_key, items, problems, refs = marshal.loads(cache_file.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if stored_key != key:
        return None
    return items, problems, refs


def _write_cache(cache_file: Path, key: tuple, result: FileResult) -> None:
    """Best effort: a cache that cannot be written only costs speed."""
    try:
        payload = marshal.dumps((key, result.items, result.problems, result.refs))
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temp.write_bytes(payload)
        os.replace(temp, cache_file)
    except (OSError, ValueError):
        pass
