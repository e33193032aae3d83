"""The parse cache: one entry per bank file, authenticated, shape-checked, and never trusted further.

An entry is MAGIC + HMAC-SHA256(secret, payload) + payload, the payload being the marshal of
an Entry:

    context   what the parse depended on: cache format, quizprep and Python versions, limits,
              the file's real path and the demo names
    stamp     the file's (size, mtime_ns, ctime_ns, inode, device) when it was read: the lookup key,
              so an unchanged file is not even opened
    digest    sha256 of the file's bytes: a file whose stamp changed but whose bytes did not
              (touch, a checkout) is not parsed again
    columns   the items that passed their checks, field by field (columns.Columns)
    problems  what loader.FileResult holds
    refs      validate.item_refs of every item, kept only when the file has problems (otherwise
              they are read off the columns)

What a cached load verifies, and why that is enough:
    - the HMAC, over the whole payload as read, with our secret: the entry was written by this
      installation and not changed since, so its context, stamp and digest are the ones we wrote
      (marshal only ever sees authenticated bytes);
    - the context, against this run's: same code, limits, file path and demos;
    - the stamp, against a fresh stat of the file: any write to the file since we read it changes
      its ctime, which no one can set back, so a matching stamp means the same bytes. The YAML is
      then not read at all: hashing 20 MB on every start would cost more than the whole load.
      The digest is only compared when the stamp differs (then the file is read anyway);
    - the shape of every column (exact types, down to each item's value), and then every check
      check_item makes, on every item (validate.checked_items, in the loader): even an entry that
      passes all the above cannot bring an invalid item in.

The secret is 32 random bytes in `secret.key` (mode 0600, ours, checked on every use), made on
first use: an entry forged or copied from elsewhere fails the HMAC and is rebuilt. Entries must
be regular files we own; a link, FIFO or device in their place is never opened for reading in a
blocking way, and is replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from quizprep.bank import columns as layout
from quizprep.bank.columns import Columns
from quizprep.errors import QuizprepError
from quizprep.files import read_regular, write_file

MAGIC = b"quizprep-cache\x04"
TAG_BYTES = 32
SECRET_NAME = "secret.key"
MAX_ENTRY_BYTES = 64_000_000  # far above what a 5 MB bank file parses into


class Entry(NamedTuple):
    context: tuple
    stamp: tuple
    digest: bytes
    columns: Columns  # the items without problems
    problems: list  # [(line, label, message)]
    refs: list  # [(id, [follow-up ids], id line, follow-ups line)] when there are problems, else []


@dataclass(frozen=True)
class Cache:
    """The cache folder and its key; picklable, so worker processes get it as an argument."""

    folder: Path
    secret: bytes

    def entry_path(self, real_path: str) -> Path:
        return self.folder / f"bank-{hashlib.sha256(real_path.encode()).hexdigest()[:24]}.marshal"

    def load(self, real_path: str) -> Entry | None:
        """The entry for the file, or None when it is missing, foreign, forged, truncated or odd."""
        return decode(self.fetch(real_path))

    def fetch(self, real_path: str) -> memoryview | None:
        """The entry's payload if the entry is a regular file of ours whose HMAC is right.

        The payload is a view of the bytes as read, not a copy. (Fetching in a thread while the
        loader checks the previous file was tried: handing the GIL back and forth made it slower.)"""
        try:
            data, info = read_regular(self.entry_path(real_path), MAX_ENTRY_BYTES, follow=False)
        except (OSError, QuizprepError):
            return None
        if not _ours(info) or not data.startswith(MAGIC) or len(data) < len(MAGIC) + TAG_BYTES:
            return None
        tag, payload = data[len(MAGIC) : len(MAGIC) + TAG_BYTES], memoryview(data)[len(MAGIC) + TAG_BYTES :]
        if not hmac.compare_digest(tag, hmac.new(self.secret, payload, hashlib.sha256).digest()):
            return None
        return payload

    def store(self, real_path: str, entry: Entry) -> None:
        """Best effort: a cache that cannot be written only costs speed."""
        try:
            payload = marshal.dumps((*entry[:3], tuple(entry.columns), *entry[4:]), 4)  # plain tuples only
        except ValueError:  # something marshal cannot hold
            return
        tag = hmac.new(self.secret, payload, hashlib.sha256).digest()
        try:
            replace_entry(self.entry_path(real_path), MAGIC + tag + payload)
        except (OSError, QuizprepError):
            pass


def decode(payload: bytes | memoryview | None) -> Entry | None:
    """The Entry in an authenticated payload, if it has exactly the expected shape."""
    if payload is None:
        return None
    try:
        value = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return Entry(*value[:3], Columns(*value[3]), *value[4:]) if well_shaped(value) else None


def open_cache(folder: Path) -> Cache | None:
    """The cache in `folder` with its key (made on first use); None when the folder is unusable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            return None
        secret = _read_secret(folder / SECRET_NAME)
        if secret is None:
            replace_entry(folder / SECRET_NAME, os.urandom(TAG_BYTES), durable=True)
            secret = _read_secret(folder / SECRET_NAME)  # another process may have won the race: use its key
    except (OSError, QuizprepError):
        return None
    return Cache(folder, secret) if secret else None


def _read_secret(path: Path) -> bytes | None:
    try:
        data, info = read_regular(path, 1024, follow=False)
    except (OSError, QuizprepError):
        return None
    private = stat.S_IMODE(info.st_mode) & 0o077 == 0 or os.name == "nt"
    return data if len(data) == TAG_BYTES and private and _ours(info) else None


def _ours(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def replace_entry(path: Path, data: bytes, durable: bool = False) -> None:
    """Write a file of the cache: whatever stands in its place (a link, a FIFO) is ours to remove first."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        os.unlink(path)  # unlink removes the link or the FIFO itself, never what a link points to
    write_file(path, data, force=True, mode=0o600, durable=durable)


def well_shaped(value: object) -> bool:
    """Whether `value` has exactly the types an Entry holds (see columns.shaped for the items)."""
    if type(value) is not tuple or len(value) != len(Entry._fields):
        return False
    context, stamp, digest, columns, problems, refs = value
    if type(context) is not tuple or type(stamp) is not tuple or type(digest) is not bytes:
        return False
    if type(problems) is not list or type(refs) is not list or not layout.shaped(columns):
        return False
    return (
        _rows(problems, (int, str, str))
        and _rows(refs, (str, list, int, int))
        and all(set(map(type, row[1])) <= {str} for row in refs)
    )


def _rows(rows: list, types: tuple) -> bool:
    """Every row is a tuple of exactly `types`."""
    if not rows:
        return True
    if set(map(type, rows)) != {tuple} or set(map(len, rows)) != {len(types)}:
        return False
    return all(set(map(type, column)) == {kind} for column, kind in zip(zip(*rows), types))
