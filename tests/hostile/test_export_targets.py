"""`quizprep export -o` against targets that are not ours to replace: refused in one line, left as they were."""

from __future__ import annotations

import errno
import os
import stat
import sys
from datetime import date

import pytest

from quizprep.bank import load_bank
from quizprep.errors import QuizprepError
from quizprep.export import ExportRequest, export_items
from quizprep.files import protected_paths
from quizprep.paths import db_path
from tests.helpers.bank import item_yaml

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and links need POSIX")


def refused(run, target, fragment: str, *extra: str):
    demos = [] if "--format" in extra else ["--no-demos"]
    result = run("export", *demos, *extra, "-o", str(target))
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    return lines[0]


@posix_only
def test_a_fifo_stays_a_fifo(run, tmp_path):
    fifo = tmp_path / "guide.md"
    os.mkfifo(fifo)
    refused(run, fifo, "is a named pipe (FIFO); quizprep writes only regular files")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix_only
@pytest.mark.parametrize("fmt", ["markdown", "json", "anki"])
def test_a_symlink_stays_a_symlink(run, tmp_path, fmt):
    real = tmp_path / "real"
    real.write_text("mine")
    link = tmp_path / "link"
    link.symlink_to(real)
    refused(run, link, "is a symbolic link", "--format", fmt)
    assert link.is_symlink() and real.read_text() == "mine"


@pytest.mark.skipif(not os.path.exists("/dev/null") or sys.platform == "win32", reason="needs /dev/null")
def test_a_device_is_refused(run):
    refused(run, "/dev/null", "character device")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_refused(run, tmp_path):
    refused(run, tmp_path, "is a folder")


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_the_progress_database_is_never_replaced(run, suffix):
    db = db_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    target = db.with_name(db.name + suffix)
    target.write_bytes(b"SQLite format 3\x00 my progress")
    refused(run, target, "is quizprep's progress database", "--format", "json")
    assert target.read_bytes() == b"SQLite format 3\x00 my progress"


def test_a_loaded_bank_is_never_replaced(run, write_bank):
    bank = write_bank("mine.yaml", item_yaml("my-item"))
    before = bank.read_bytes()
    refused(run, bank, "is a loaded question bank", "--format", "json", "--bank", str(bank))
    assert bank.read_bytes() == before


def test_an_existing_file_needs_force(run, tmp_path):
    target = tmp_path / "guide.md"
    target.write_text("my notes")
    line = refused(run, target, "exists; add --force to replace it")
    assert str(target) in line
    assert target.read_text() == "my notes"


def test_force_replaces_and_keeps_the_mode(tmp_path):
    target = tmp_path / "bank.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    items = load_bank().items[:2]
    note = export_items(items, ExportRequest(format="json", output=str(target), force=True), date(2024, 1, 1))
    assert note == f"Wrote 2 items to {target}."
    assert target.read_text().startswith("[")
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_new_export_follows_the_umask(run, tmp_path):
    target = tmp_path / "new.json"
    old = os.umask(0o022)
    try:
        assert run("export", "-f", "json", "-o", str(target)).exit_code == 0
    finally:
        os.umask(old)
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_full_disk_leaves_the_old_deck_whole(tmp_path, monkeypatch):
    import quizprep.export.anki_export as anki

    (tmp_path / "out").mkdir()
    deck = tmp_path / "out" / "deck.apkg"
    deck.write_bytes(b"PK old deck")

    def full_disk(items, path):
        path.write_bytes(b"PK half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(anki, "build_package", full_disk)
    request = ExportRequest(format="anki", output=str(deck), force=True)
    with pytest.raises(QuizprepError, match="No space left on device"):
        export_items(load_bank().items[:1], request, date(2024, 1, 1), protected=protected_paths())
    assert deck.read_bytes() == b"PK old deck"
    assert [p.name for p in deck.parent.iterdir()] == ["deck.apkg"]


def test_anki_deck_is_built_beside_and_moved_into_place(tmp_path):
    import zipfile

    (tmp_path / "out").mkdir()
    deck = tmp_path / "out" / "deck.apkg"
    export_items(load_bank().items[:3], ExportRequest(format="anki", output=str(deck)), date(2024, 1, 1))
    with zipfile.ZipFile(deck) as archive:
        assert "collection.anki2" in archive.namelist()
    assert [p.name for p in deck.parent.iterdir()] == ["deck.apkg"]
