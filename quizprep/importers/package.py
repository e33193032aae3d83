"""Opening an Anki package (.apkg, .colpkg) safely: the zip, the collection inside, the media map.

    AnkiPackage(path)       a context manager over the package
        .collection()       an open, read-only sqlite3 connection to the collection (a private temporary copy)
        .media_names        {file name in the collection: name of its zip entry}
        .read_media(name)   the bytes of one media file, size-checked

Two layouts exist. The legacy one holds `collection.anki2` (or `collection.anki21`), a JSON `media`
map and raw media files. The current one holds `collection.anki21b`, a zstd-compressed SQLite
database, a `media` map that is a zstd-compressed protobuf message, and zstd-compressed media
files; it also carries a stub `collection.anki2` telling old versions to upgrade, which is ignored.

Everything in the archive is treated as hostile: sizes are checked against limits before
anything is decompressed, decompression stops at the limit whatever the headers claim, nothing
is ever extracted to a path taken from the archive, and queries run under a time limit.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from quizprep.errors import QuizprepError
from quizprep.files import megabytes, read_regular, shown

MAX_PACKAGE_BYTES = 200_000_000
MAX_COLLECTION_BYTES = 500_000_000  # the SQLite database once decompressed
MAX_MAP_BYTES = 20_000_000  # the media map
MAX_MEDIA_BYTES = 50_000_000  # one media file
MAX_QUERY_SECONDS = 30.0
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
SQLITE_MAGIC = b"SQLite format 3\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class PackageError(QuizprepError):
    """A package quizprep cannot read; the message names the file."""


def _zstd():
    try:
        import zstandard
    except ImportError:
        return None
    return zstandard


def decompress(data: bytes, limit: int, what: str) -> bytes:
    """zstd-decompress `data`, refusing output past `limit` bytes whatever the frame header says."""
    zstandard = _zstd()
    if zstandard is None:
        raise PackageError(
            f"{what} uses Anki's newer compressed format, which needs the 'zstandard' package "
            "(pip install zstandard); or export again from Anki with 'Support older Anki versions' ticked"
        )
    chunks, total = [], 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
            while chunk := reader.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    raise PackageError(
                        f"{what} unpacks to more than {megabytes(limit)}; the limit is {megabytes(limit)}"
                    )
                chunks.append(chunk)
    except zstandard.ZstdError as exc:
        raise PackageError(f"{what} is damaged: {exc}") from None
    return b"".join(chunks)


def protobuf_fields(data: bytes):
    """(field number, value) pairs of a protobuf message: ints for varints, bytes for the rest."""
    position, end = 0, len(data)
    while position < end:
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(data, position)
        elif wire == 2:
            size, position = _varint(data, position)
            value, position = data[position : position + size], position + size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            value, position = data[position : position + width], position + width
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        if position > end:
            raise ValueError("truncated protobuf message")
        yield number, value


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ValueError("bad protobuf varint")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7


class AnkiPackage:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.label = shown(self.path.name)
        data, _ = read_regular(self.path, MAX_PACKAGE_BYTES)
        if not data:
            raise PackageError(f"{self.label} is empty")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.entries = {info.filename: info for info in self.zip.infolist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise PackageError(f"{self.label} is not a readable Anki package (a damaged zip archive: {exc})") from None
        self.member = next((name for name in COLLECTIONS if name in self.entries), None)
        if self.member is None:
            raise PackageError(f"{self.label} holds no Anki collection (no {' or '.join(COLLECTIONS)} inside)")
        self.compressed = self.member.endswith("b")
        self.media_names = self._media_map()
        self._folder: tempfile.TemporaryDirectory | None = None
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> AnkiPackage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
        self.zip.close()

    def read_member(self, name: str, limit: int) -> bytes:
        """One archive entry's bytes; its declared size is checked first, and reading stops at `limit`."""
        info = self.entries[name]
        if info.file_size > limit:
            raise PackageError(
                f"{self.label}: {shown(name)} unpacks to {megabytes(info.file_size)}; the limit is {megabytes(limit)}"
            )
        try:
            with self.zip.open(info) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError) as exc:
            raise PackageError(f"{self.label} is damaged: cannot unpack {shown(name)} ({exc})") from None
        except NotImplementedError as exc:  # an unusual compression method
            raise PackageError(f"{self.label}: cannot unpack {shown(name)} ({exc})") from None
        if len(data) > limit:
            raise PackageError(f"{self.label}: {shown(name)} unpacks to more than {megabytes(limit)}")
        return data

    def _media_map(self) -> dict[str, str]:
        if "media" not in self.entries:
            return {}
        raw = self.read_member("media", MAX_MAP_BYTES)
        try:
            if raw.startswith(ZSTD_MAGIC):
                return _protobuf_media(decompress(raw, MAX_MAP_BYTES, f"{self.label}'s media list"))
            return _json_media(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise PackageError(f"{self.label}: its media list is damaged ({exc})") from None

    def read_media(self, name: str) -> bytes | None:
        """The media file's bytes, or None when the package does not carry it."""
        member = self.media_names.get(name)
        if member is None or member not in self.entries:
            return None
        data = self.read_member(member, MAX_MEDIA_BYTES)
        if data.startswith(ZSTD_MAGIC) and self.compressed:
            data = decompress(data, MAX_MEDIA_BYTES, f"{self.label}: media file {shown(name)}")
        return data

    def collection(self) -> sqlite3.Connection:
        """The collection, copied to a private temporary file (SQLite reads files, not bytes)."""
        if self._conn is not None:
            return self._conn
        data = self.read_member(self.member, MAX_COLLECTION_BYTES)
        if self.compressed:
            data = decompress(data, MAX_COLLECTION_BYTES, f"{self.label}'s collection")
        if not data.startswith(SQLITE_MAGIC):
            raise PackageError(f"{self.label} is damaged: its collection is not an SQLite database")
        self._folder = tempfile.TemporaryDirectory(prefix="quizprep-import-")
        db = os.path.join(self._folder.name, "collection.sqlite")
        with open(db, "wb") as handle:
            handle.write(data)
        self._conn = open_collection(db, self.label)
        return self._conn


def open_collection(db: str, label: str) -> sqlite3.Connection:
    """A read-only connection that runs no code from the file and gives up after MAX_QUERY_SECONDS."""
    conn = sqlite3.connect(db)
    deadline = time.monotonic() + MAX_QUERY_SECONDS
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE name IN ('notes', 'cards', 'col')"))
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise PackageError(f"{label} is damaged: its collection cannot be read ({exc})") from None
    if any(kinds.get(name) != "table" for name in ("notes", "cards", "col")):
        conn.close()
        raise PackageError(f"{label} is not an Anki collection (the notes, cards and col tables are missing)")
    return conn


def _json_media(raw: bytes) -> dict[str, str]:
    """Legacy map: {"0": "picture.jpg", ...}, entry name to file name."""
    data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
    if not isinstance(data, dict):
        raise ValueError("not a mapping")
    return {name: entry for entry, name in data.items() if isinstance(entry, str) and isinstance(name, str)}


def _protobuf_media(raw: bytes) -> dict[str, str]:
    """Current map: MediaEntries{repeated MediaEntry entries = 1}, MediaEntry{name = 1, size = 2,
    sha1 = 3, legacy_zip_filename = 255}; a file's zip entry is its position unless field 255 says otherwise."""
    names: dict[str, str] = {}
    position = 0
    for number, value in protobuf_fields(raw):
        if number != 1 or not isinstance(value, bytes):
            continue
        fields = dict(protobuf_fields(value))
        name = fields.get(1, b"")
        entry = str(fields[255]) if isinstance(fields.get(255), int) else str(position)
        if isinstance(name, bytes) and name:
            names[name.decode("utf-8", "replace")] = entry
        position += 1
    return names
