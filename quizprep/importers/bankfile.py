"""Merging imported drafts into a bank file in the user's bank folder, checked, then written atomically.

    existing_items(path)                   the items already in the bank file (it must be sound)
    ids_elsewhere(folder, target)          ids of the bundled bank and the other files of the folder
    merge(drafts, existing, taken, report) which drafts are new, changed, unchanged or skipped
    bank_yaml(items, source)               the file's text
    write_bank(path, text, items)          write it through quizprep.files, checking the written file first

A draft that fails the bank's own item checks is skipped with the checker's message; so is a
second draft with the same id, and one whose id another loaded bank already uses (both banks
would fail to load). Items of the file that the source no longer has are kept: their progress
stays, and the report lists them.
"""

from __future__ import annotations

from pathlib import Path

from quizprep.errors import QuizprepError
from quizprep.files import shown
from quizprep.importers.model import Draft, ImportReport, Skip

HEADER = (
    "# Imported by quizprep from {source}.\n"
    "# Importing a newer version of the same file updates these items by id and keeps your progress;\n"
    "# edits made here are replaced then, so change the source instead.\n"
)


def existing_items(path: Path) -> list[dict]:
    """The items in an earlier import's file, in order; a file with problems stops the import.

    A sound file (the usual case: quizprep wrote it) is read with libyaml and checked all at once
    by validate.all_valid; anything else goes through the bank loader, which names the problem."""
    if not path.exists() and not path.is_symlink():
        return []
    from quizprep.bank.loader import MAX_FILE_BYTES, read_files
    from quizprep.files import FileRefused, read_regular

    try:
        raw, _ = read_regular(path, MAX_FILE_BYTES, follow=False)
        items = _sound_items(raw)
    except (FileRefused, OSError):
        items = None
    if items is not None:
        return items
    (result,) = read_files([path], None, None)
    if isinstance(result, OSError):
        raise QuizprepError(f"cannot read the bank {shown(path)}: {result.strerror or result}")
    if result.problems:
        line, label, message = result.problems[0]
        raise QuizprepError(
            f"the bank {shown(path)} has problems (line {line}: {shown(label)}: {shown(message)}); "
            "fix it (`quizprep validate`) or import under another --name"
        )
    return [data for data, _ in result.items]


def _sound_items(raw: bytes) -> list[dict] | None:
    """The item list if the bytes parse to items that pass every check and have distinct ids, else None."""
    import yaml

    from quizprep.bank.validate import all_valid

    try:
        items = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    if items is None:
        items = []
    if not isinstance(items, list) or not all_valid(items, None):
        return None
    return items if len({data["id"] for data in items}) == len(items) else None


def ids_elsewhere(folder: Path, target: Path) -> dict[str, str]:
    """{id: file} for the bundled bank and every other bank file in `folder` (a problem in one of
    them is for `quizprep validate` to report, not for the import)."""
    import os

    from quizprep.bank import display_path
    from quizprep.bank.loader import bank_files, read_files
    from quizprep.paths import bundled_bank_dir, cache_dir

    paths = bank_files(bundled_bank_dir())
    if folder.is_dir():
        paths += [p for p in bank_files(folder) if os.path.realpath(p) != os.path.realpath(target)]
    owners: dict[str, str] = {}
    for path, result in zip(paths, read_files(paths, None, cache_dir())):
        if not isinstance(result, OSError):
            for ref in result.refs:
                owners.setdefault(ref[0], display_path(path))
    return owners


def comparable(data: dict) -> dict:
    """Bank data without empty optional fields, for telling changed items from unchanged ones."""
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def merge(drafts: list[Draft], existing: list[dict], taken: dict[str, str], report: ImportReport) -> list[dict]:
    """The file's new item list: existing items in place (updated where the source changed them),
    new ones after. Fills the report's imported, updated, unchanged, kept and skipped."""
    from quizprep.bank.validate import all_valid, check_item

    old = {data["id"]: data for data in existing}
    merged = {data["id"]: data for data in existing}
    seen: dict[str, str] = {}
    sound = all_valid([draft.data for draft in drafts], None)  # all at once; item by item only to find the problem
    for index, draft in enumerate(drafts, start=1):
        problems = [] if sound else check_item(draft.data, 0, {}, index, None)
        if problems:
            report.skipped.append(Skip(draft.where, "; ".join(message for _, _, message in problems)))
        elif draft.id in seen:
            report.skipped.append(
                Skip(draft.where, f"same id '{draft.id}' as {seen[draft.id]} (a repeated question or note)")
            )
        elif draft.id in taken:
            report.skipped.append(Skip(draft.where, f"id '{draft.id}' is already used by {taken[draft.id]}"))
        else:
            seen[draft.id] = draft.where
            merged[draft.id] = draft.data
            if draft.id not in old:
                report.imported.append(draft.id)
            elif comparable(old[draft.id]) != comparable(draft.data):
                report.updated.append(draft.id)
            else:
                report.unchanged.append(draft.id)
    report.kept = [item_id for item_id in old if item_id not in seen]
    return list(merged.values())


def _dumper():
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # multi-line text as a `|` block, as people write answers by hand
        pass

    def text(dumper, value: str):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


def bank_yaml(items: list[dict], source: str) -> str:
    import yaml

    body = yaml.dump(
        [ordered(data) for data in items], Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100
    )
    return HEADER.format(source=source.replace("\n", " ")) + body


def write_bank(path: Path, text: str, items: list[dict]) -> None:
    """Write the bank atomically. The temporary file is read back and must hold exactly `items`,
    every one passing the bank's checks, before it replaces anything."""
    from quizprep.bank.loader import MAX_FILE_BYTES
    from quizprep.files import megabytes, protected_paths, writing

    data = text.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise QuizprepError(
            f"the bank would be {megabytes(len(data))}, over the {megabytes(MAX_FILE_BYTES)} a bank file may hold; "
            "import the deck in parts (for example one subdeck at a time)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    exists = path.exists() or path.is_symlink()
    with writing(path, protected=protected_paths(), force=exists) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)
        if _sound_items(temp.read_bytes()) != [ordered(item) for item in items]:
            raise QuizprepError("the imported bank failed its own checks when read back; nothing was written")


def ordered(data: dict) -> dict:
    """The item's fields in the bank's order, empty optional ones left out."""
    from quizprep.bank.schema import FIELDS

    return {name: data[name] for name in FIELDS if data.get(name) not in (None, [])}
