"""The parse cache is never trusted: forged, truncated, odd or foreign entries are ignored and rebuilt."""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import stat
import sys

import pytest

from quizprep.bank import validate_paths
from quizprep.bank.cache import MAGIC, SECRET_NAME, Entry, open_cache
from quizprep.bank.columns import from_rows
from quizprep.bank.loader import read_file
from tests.helpers.bank import item_yaml

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, links and modes need POSIX")


@pytest.fixture
def cached(write_bank, tmp_path):
    """A bank file read once, so its cache entry exists: (bank path, cache folder, entry path)."""
    path = write_bank("c.yaml", item_yaml("real-item"))
    folder = tmp_path / "cache"
    assert read_file(path, None, folder).from_cache is False
    entry = open_cache(folder).entry_path(os.path.realpath(path))
    assert entry.is_file()
    return path, folder, entry


def signed(folder, payload: bytes) -> bytes:
    secret = (folder / SECRET_NAME).read_bytes()
    return MAGIC + hmac.new(secret, payload, hashlib.sha256).digest() + payload


def test_an_unchanged_file_comes_from_the_cache(cached):
    path, folder, _ = cached
    again = read_file(path, None, folder)
    assert again.from_cache is True and again.items[0][0]["id"] == "real-item"


def test_the_secret_and_entries_are_private(cached):
    _, folder, entry = cached
    if sys.platform != "win32":
        assert stat.S_IMODE((folder / SECRET_NAME).stat().st_mode) == 0o600
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert len((folder / SECRET_NAME).read_bytes()) == 32


def payload_with(entry: Entry, rows: list, problems: list | None = None) -> bytes:
    """The entry's payload with its items replaced by `rows` ((dict, line) pairs), laid out as the cache lays them."""
    columns = from_rows(rows)
    assert columns is not None
    return marshal.dumps((*entry[:3], tuple(columns), entry.problems if problems is None else problems, []), 4)


def forged_entry(path, folder, items) -> bytes:
    """An entry with the right stamp and context, written without knowing the secret."""
    real = read_file(path, None, folder)  # noqa: F841 - make sure an entry exists to copy from
    entry = open_cache(folder).load(os.path.realpath(path))
    return MAGIC + b"\x00" * 32 + payload_with(entry, items)


def test_a_forged_entry_without_the_key_is_rebuilt(cached):
    path, folder, entry = cached
    evil = [({"id": "Evil Id", "topic": "t", "difficulty": 9, "question": "\x1b[2J", "answer": "a"}, 1)]
    entry.write_bytes(forged_entry(path, folder, evil))
    again = read_file(path, None, folder)
    assert again.from_cache is False
    assert [data["id"] for data, _ in again.items] == ["real-item"]


def test_a_signed_entry_with_an_invalid_item_is_still_checked(cached):
    """Even with the key (leaked, or a bug), a cached item gets every check a parsed one gets."""
    path, folder, entry = cached
    good = open_cache(folder).load(os.path.realpath(path))
    bad_item = ({"id": "real-item", "topic": "t", "difficulty": 1, "question": "q\x1b[2J", "answer": "a"}, 1)
    entry.write_bytes(signed(folder, payload_with(good, [bad_item])))
    again = read_file(path, None, folder)
    assert again.from_cache is False and again.items[0][0]["question"] == "What is real-item?"


@pytest.mark.parametrize(
    "payload",
    [
        marshal.dumps(compile("print('pwned')", "x", "exec")),  # a code object: loaded, never run, refused by shape
        marshal.dumps(("too", "short")),
        marshal.dumps((1, 2, 3, 4, 5, 6)),
        b"\xff\xfe not marshal at all",
    ],
    ids=["code-object", "short-tuple", "wrong-types", "garbage"],
)
def test_odd_shapes_are_ignored_even_when_signed(cached, payload):
    path, folder, entry = cached
    entry.write_bytes(signed(folder, payload))
    again = read_file(path, None, folder)
    assert again.from_cache is False and again.items[0][0]["id"] == "real-item"


@pytest.mark.parametrize("cut", [0, 5, len(MAGIC) + 10, -1])
def test_truncated_entries_are_rebuilt(cached, cut):
    path, folder, entry = cached
    data = entry.read_bytes()
    entry.write_bytes(data[:cut] if cut >= 0 else data[:-1])
    again = read_file(path, None, folder)
    assert again.from_cache is False and again.items[0][0]["id"] == "real-item"
    assert read_file(path, None, folder).from_cache is True  # rebuilt entry is good again


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "link-to-zero", "link-to-entry-elsewhere", "folder"])
def test_odd_files_in_place_of_an_entry_are_never_read(cached, tmp_path, kind):
    path, folder, entry = cached
    good_bytes = entry.read_bytes()
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)
    elif kind == "link-to-zero":
        entry.symlink_to("/dev/zero")
    elif kind == "link-to-entry-elsewhere":
        elsewhere = tmp_path / "copied-entry"
        elsewhere.write_bytes(good_bytes)
        entry.symlink_to(elsewhere)
    else:
        entry.mkdir()
    again = read_file(path, None, folder)  # returns at once: no blocking open, no endless read
    assert again.from_cache is False and again.items[0][0]["id"] == "real-item"
    if kind != "folder":  # replaced by a regular entry of ours
        assert stat.S_ISREG(os.lstat(entry).st_mode)
        assert read_file(path, None, folder).from_cache is True


@posix_only
def test_a_secret_anyone_can_read_is_replaced(cached):
    path, folder, entry = cached
    key = folder / SECRET_NAME
    old = key.read_bytes()
    os.chmod(key, 0o644)
    assert read_file(path, None, folder).from_cache is False  # entries signed with the exposed key are dropped
    assert key.read_bytes() != old and stat.S_IMODE(key.stat().st_mode) == 0o600


@posix_only
def test_a_secret_that_is_a_link_is_replaced_not_followed(cached, tmp_path):
    path, folder, entry = cached
    key = folder / SECRET_NAME
    target = tmp_path / "victim"
    target.write_bytes(b"v" * 32)
    key.unlink()
    key.symlink_to(target)
    read_file(path, None, folder)
    assert target.read_bytes() == b"v" * 32
    assert not key.is_symlink() and len(key.read_bytes()) == 32


def test_same_bytes_with_a_new_stamp_are_not_parsed_again(cached):
    path, folder, _ = cached
    os.utime(path, ns=(1, 1))
    again = read_file(path, None, folder)
    assert again.from_cache is True  # matched by the sha256 of the bytes
    assert read_file(path, None, folder).from_cache is True  # and the entry now has the new stamp


def test_validate_reports_problems_a_forged_entry_tried_to_hide(write_bank, tmp_path, quizprep_home):
    path = write_bank("bad.yaml", item_yaml("bad-item", difficulty=7))
    _, first = validate_paths([path])
    assert len(first) == 1
    folder = quizprep_home / "cache"
    entry = open_cache(folder).entry_path(os.path.realpath(path))
    good = open_cache(folder).load(os.path.realpath(path))
    item = {"id": "bad-item", "topic": "testing", "difficulty": 1, "question": "q", "answer": "a"}
    entry.write_bytes(MAGIC + b"\x00" * 32 + payload_with(good, [(item, 1)], problems=[]))
    _, again = validate_paths([path])
    assert [p.message for p in again] == [p.message for p in first]


@pytest.mark.parametrize(
    "change",
    [
        {"ids": "real-item\nextra-item\n"},  # more ids than items
        {"tags": [["ok"]], "lines": [1, 2]},  # columns of different lengths
        {"tags": [[]], "ids": "real-item\n" * 2},  # two ids for one item
        {"questions": ["q\x1b[2J"]},  # a control character
        {"questions": ["q\x85"]},  # a C1 control character
        {"tags": [["two--hyphens"]]},
        {"tags": [["a\nb"]]},  # a line break would pass for two slugs
        {"tags": [["a", "a"]]},  # the same tag twice
        {"sources": [["12:3"]]},
        {"correct": ["c"], "wrong": [["w1", "w2"]]},  # too few wrong options
        {"correct": ["w1 "], "wrong": [["w1", "w2", "w3"]]},  # the correct option among the wrong ones
        {"correct": [None], "wrong": [["w1", "w2", "w3"]]},  # wrong options without a correct one
        {"difficulty": b"\x04"},
        {"demos": [7]},  # odd type: refused by shape
    ],
    ids=lambda change: ",".join(change),
)
def test_signed_columns_that_do_not_hold_up_are_rebuilt(cached, change):
    """Columns signed with the key but odd or holding an invalid item never reach the bank."""
    path, folder, entry = cached
    good = open_cache(folder).load(os.path.realpath(path))
    columns = good.columns._replace(**change)
    entry.write_bytes(signed(folder, marshal.dumps((*good[:3], tuple(columns), [], []), 4)))
    again = read_file(path, None, folder)
    assert again.from_cache is False and [data["id"] for data, _ in again.items] == ["real-item"]
