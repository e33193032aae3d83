"""One import from start to finish: pick the reader by file type, read, merge, copy media, write.

    import_file(path, name=None, difficulty=2, media=False, with_history=False, dry_run=False)
        -> ImportReport

Nothing is written when the source cannot be read, when the import changes nothing, or on a
dry run. Media files are copied before the bank is written, so the bank never points at a file
that is not there yet.
"""

from __future__ import annotations

from pathlib import Path

from quizprep.errors import BadValueError, QuizprepError
from quizprep.files import shown
from quizprep.importers import user_bank_dir
from quizprep.importers.model import DEFAULT_DIFFICULTY, ImportReport, Options, Parsed, slugify

MAX_TEXT_BYTES = 20_000_000
ANKI_SUFFIXES = (".apkg", ".colpkg")
TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
MARKDOWN_SUFFIXES = (".md", ".markdown")
MEDIA_FOLDER = "media"


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    for kind, suffixes in (("anki", ANKI_SUFFIXES), ("table", TABLE_SUFFIXES), ("markdown", MARKDOWN_SUFFIXES)):
        if suffix in suffixes:
            return kind
    known = ", ".join(ANKI_SUFFIXES + TABLE_SUFFIXES + MARKDOWN_SUFFIXES)
    raise BadValueError(
        f"cannot import {shown(path.name)}: unknown file type '{shown(suffix) or 'none'}'; quizprep imports {known}"
    )


def bank_name(path: Path, name: str | None) -> str:
    chosen = slugify(name if name is not None else path.stem)
    if not chosen:
        what = f"--name '{shown(name)}'" if name is not None else f"the file name {shown(path.name)}"
        raise BadValueError(f"{what} gives no bank name; give one with --name, using letters and digits")
    return chosen


def import_file(
    path: Path | str,
    *,
    name: str | None = None,
    difficulty: int = DEFAULT_DIFFICULTY,
    media: bool = False,
    with_history: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import `path` into the user's bank folder as `<name>.yaml` and say what changed."""
    path = Path(path).expanduser()
    kind = file_kind(path)
    if not path.exists() and not path.is_symlink():
        raise QuizprepError(f"no such file: {shown(path)}")
    options = Options(bank_name(path, name), difficulty, media, with_history)
    folder = user_bank_dir()
    target = folder / f"{options.bank}.yaml"
    report = ImportReport(shown(path.name), options.bank, target, dry_run=dry_run)
    if kind == "anki":
        from quizprep.importers.package import AnkiPackage

        with AnkiPackage(path) as package:
            parsed = _read_anki(package, options)
            _finish(parsed, report, target, package.read_media if media else None)
    else:
        _finish(_read_text(path, kind, options), report, target, None)
    return report


def _converter(options: Options):
    from quizprep.importers.markup import FieldConverter
    from quizprep.importers.media import safe_media_name

    return FieldConverter(MEDIA_FOLDER if options.media else None, safe_media_name)


def _read_anki(package, options: Options) -> Parsed:
    from quizprep.importers.anki import read_collection

    return read_collection(package.collection(), options, _converter(options), package.label)


def _read_text(path: Path, kind: str, options: Options) -> Parsed:
    from quizprep.files import read_regular

    data, _ = read_regular(path, MAX_TEXT_BYTES)
    label = shown(path.name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QuizprepError(
            f"{label} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8 and try again"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise QuizprepError(f"{label} is empty")
    if kind == "markdown":
        from quizprep.importers.markdown_lists import read_markdown

        return read_markdown(text, label, options)
    from quizprep.importers.delimited import read_delimited

    return read_delimited(text, label, options, _converter(options))


def _finish(parsed: Parsed, report: ImportReport, target: Path, read_media) -> None:
    """Merge into the bank file, copy media when asked, write when something changed."""
    from quizprep.importers.bankfile import bank_yaml, existing_items, ids_elsewhere, merge, write_bank

    report.skipped += parsed.skipped
    report.notes += parsed.notes
    existing = existing_items(target)
    items = merge(parsed.drafts, existing, ids_elsewhere(target.parent, target), report)
    kept = set(report.imported) | set(report.updated) | set(report.unchanged)
    # a cloze gap past the first has its own card, 'ITEMID#cN'
    report.history = [row for row in parsed.history if row.item_id.partition("#")[0] in kept]
    if not kept and not existing:
        first = f"; the first: {report.skipped[0]}" if report.skipped else ""
        raise QuizprepError(f"{report.source}: no item could be imported ({len(report.skipped)} skipped{first})")
    if read_media is None:
        report.media_referenced = sorted(parsed.media)
    elif not report.dry_run:
        from quizprep.importers.media import copy_media

        copied, missing, skipped = copy_media(parsed.media, read_media, target.parent / MEDIA_FOLDER)
        report.media_copied, report.media_missing = copied, missing
        report.skipped += skipped
    if report.changed and not report.dry_run:
        write_bank(target, bank_yaml(items, report.source), items)
        report.written = True
