"""quizprep.files: the one writer. Regular files only, atomic, permissions kept, protected files refused."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from quizprep.errors import QuizprepError
from quizprep.files import FileRefused, protected_paths, read_regular, shown, write_file, writing
from quizprep.paths import db_path

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, modes and symlinks need POSIX")


def test_new_file_is_written_with_the_umask_mode(tmp_path):
    target = tmp_path / "new.txt"
    old = os.umask(0o027)
    try:
        write_file(target, "héllo\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == "héllo\n".encode()
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["new.txt"]  # no temporary file left


def test_existing_file_needs_force_and_keeps_its_mode(tmp_path):
    target = tmp_path / "old.md"
    target.write_text("old")
    os.chmod(target, 0o604)
    with pytest.raises(QuizprepError, match=r"old\.md: exists; add --force to replace it"):
        write_file(target, "new")
    assert target.read_text() == "old"
    write_file(target, "new", force=True)
    assert target.read_text() == "new"
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_explicit_mode_wins(tmp_path):
    target = tmp_path / "key"
    write_file(target, b"k" * 32, mode=0o600)
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


@posix_only
@pytest.mark.parametrize(
    "kind", ["fifo", "dir", "link-to-file", "link-to-dir", "link-to-fifo", "link-to-devnull", "dangling-link"]
)
def test_non_regular_targets_are_refused_and_left_alone(tmp_path, kind):
    target = tmp_path / "target"
    other = tmp_path / "other"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dir":
        target.mkdir()
    elif kind == "link-to-file":
        other.write_text("precious")
        target.symlink_to(other)
    elif kind == "link-to-dir":
        other.mkdir()
        target.symlink_to(other)
    elif kind == "link-to-fifo":
        os.mkfifo(other)
        target.symlink_to(other)
    elif kind == "link-to-devnull":
        target.symlink_to("/dev/null")
    else:
        target.symlink_to(tmp_path / "nowhere")
    before = os.lstat(target)
    with pytest.raises(FileRefused) as caught:
        write_file(target, "data", force=True)
    message = str(caught.value)
    assert "\n" not in message and str(target) in message
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    if kind == "link-to-file":
        assert other.read_text() == "precious"
    assert {p.name for p in tmp_path.iterdir()} <= {"target", "other"}  # no temporary file left


@pytest.mark.skipif(not os.path.exists("/dev/null") or sys.platform == "win32", reason="needs /dev/null")
def test_a_device_is_refused():
    with pytest.raises(FileRefused, match="character device"):
        write_file("/dev/null", "x", force=True)


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(FileRefused, match="the folder .* does not exist"):
        write_file(tmp_path / "no" / "such" / "file.md", "x")


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_the_database_is_never_a_target(suffix):
    db = db_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    target = db.with_name(db.name + suffix)
    target.write_bytes(b"SQLite format 3\x00progress")
    with pytest.raises(FileRefused, match="progress database"):
        write_file(target, "{}", protected=protected_paths(), force=True)
    assert target.read_bytes() == b"SQLite format 3\x00progress"


@posix_only
def test_a_hard_link_to_a_bank_is_still_the_bank(tmp_path):
    bank = tmp_path / "bank.yaml"
    bank.write_text("- id: x\n")
    alias = tmp_path / "alias.yaml"
    os.link(bank, alias)
    with pytest.raises(FileRefused, match="loaded question bank"):
        write_file(alias, "[]", protected=protected_paths([bank]), force=True)
    assert bank.read_text() == "- id: x\n"


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, failure):
    target = tmp_path / "deck.apkg"
    target.write_bytes(b"old deck")
    with pytest.raises(type(failure) if isinstance(failure, KeyboardInterrupt) else FileRefused):
        with writing(target, force=True) as temp:
            temp.write_bytes(b"half a deck")
            raise failure
    assert target.read_bytes() == b"old deck"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.apkg"]


def test_writing_builds_into_a_temporary_file_beside_the_target(tmp_path):
    target = tmp_path / "out.bin"
    with writing(target) as temp:
        assert temp.parent == tmp_path and temp != target
        assert not target.exists()
        temp.write_bytes(b"built")
    assert target.read_bytes() == b"built"


@posix_only
def test_read_regular_never_blocks_on_a_fifo_and_refuses_devices(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="named pipe"):
        read_regular(fifo, 1000)
    if os.path.exists("/dev/zero"):
        with pytest.raises(FileRefused, match="character device"):
            read_regular("/dev/zero", 1000)


def test_read_regular_enforces_the_size_limit(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(FileRefused, match="the limit is 1,000 bytes"):
        read_regular(big, 1000)
    data, info = read_regular(big, 5000)
    assert data == b"x" * 2000 and info.st_size == 2000


@posix_only
def test_read_regular_without_follow_refuses_links(tmp_path):
    real = tmp_path / "real"
    real.write_text("x")
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(FileRefused, match="symbolic link"):
        read_regular(link, 100, follow=False)
    assert read_regular(link, 100)[0] == b"x"


def test_shown_escapes_control_characters():
    assert shown("a\x1b[2Jb\nc") == "a\\x1b[2Jb\\x0ac"
