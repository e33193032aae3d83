"""Anki packages built for the importer tests: the legacy layout through genanki, the current one by hand.

    legacy_package(path, notes, deck=..., media=..., reviews=...)    an .apkg as genanki writes it
    modern_package(path, notes, decks=..., media=..., reviews=...)   collection.anki21b (zstd SQLite, schema 18
                                                                     tables) with a protobuf media map
A note is (guid, kind, fields, tags, deck) with kind "basic", "cloze" or "single"; a review is
(guid, template number, epoch milliseconds, ease, milliseconds taken, revlog type).
"""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

BASIC, CLOZE, SINGLE = "basic", "cloze", "single"


def basic(guid: str, question: str, answer: str, tags=(), deck: str = "Default"):
    return (guid, BASIC, [question, answer], list(tags), deck)


def cloze_note(guid: str, text: str, extra: str = "", tags=(), deck: str = "Default"):
    return (guid, CLOZE, [text, extra], list(tags), deck)


def _genanki_models():
    import genanki

    single = genanki.Model(
        1607392320,
        "Single field",
        fields=[{"name": "Text"}],
        templates=[{"name": "Card 1", "qfmt": "{{Text}}", "afmt": "{{Text}}"}],
    )
    return {BASIC: genanki.BASIC_MODEL, CLOZE: genanki.CLOZE_MODEL, SINGLE: single}


def legacy_package(path: Path, notes: list, media: dict[str, bytes] | None = None, reviews: list | None = None) -> Path:
    import genanki

    models = _genanki_models()
    decks: dict[str, genanki.Deck] = {}
    for guid, kind, fields, tags, deck_name in notes:
        deck = decks.setdefault(deck_name, genanki.Deck(2_000_000_000 + len(decks), deck_name))
        used = fields[:1] if kind == SINGLE else fields
        deck.add_note(genanki.Note(model=models[kind], fields=used, tags=tags, guid=guid))
    files = []
    for name, data in (media or {}).items():
        file = path.parent / name
        file.write_bytes(data)
        files.append(str(file))
    genanki.Package(list(decks.values()), media_files=files).write_to_file(str(path))
    if reviews:
        _add_legacy_reviews(path, reviews)
    return path


def _add_legacy_reviews(path: Path, reviews: list) -> None:
    """genanki writes no history: add revlog rows to the collection inside the zip."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    db = path.parent / "collection-edit.anki2"
    db.write_bytes(members["collection.anki2"])
    with sqlite3.connect(db) as conn:
        cards = {
            (guid, ordinal): card
            for card, guid, ordinal in conn.execute(
                "SELECT cards.id, notes.guid, cards.ord FROM cards JOIN notes ON notes.id = cards.nid"
            )
        }
        for guid, ordinal, stamp, ease, taken, kind in reviews:
            conn.execute(
                "INSERT INTO revlog VALUES (?, ?, -1, ?, 1, 0, 2500, ?, ?)",
                (stamp, cards[(guid, ordinal)], ease, taken, kind),
            )
    conn.close()
    members["collection.anki2"] = db.read_bytes()
    db.unlink()
    _write_zip(path, members)


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


# ---- the current layout, by hand ----

SCHEMA18 = """
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
  models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
  ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL,
  odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
  type integer NOT NULL);
CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL, mtime_secs integer NOT NULL,
  usn integer NOT NULL, config blob NOT NULL);
CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL, config blob NOT NULL,
  PRIMARY KEY (ntid, ord)) without rowid;
CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL, mtime_secs integer NOT NULL,
  usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL);
"""
NOTETYPES = {
    BASIC: (1001, "Basic", b"", ["Front", "Back"]),
    CLOZE: (1002, "Cloze", b"\x08\x01", ["Text", "Back Extra"]),
    SINGLE: (1003, "Single", b"", ["Text"]),
}


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return varint(number << 3) + varint(payload)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


class _Database:
    """A scratch SQLite file whose bytes are wanted (Connection.serialize needs Python 3.11)."""

    def __enter__(self) -> sqlite3.Connection:
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "collection.db"
        self.conn = sqlite3.connect(self.path)
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.commit()
        self.conn.close()
        self.data = self.path.read_bytes()
        self.folder.cleanup()


def modern_collection(notes: list, reviews: list | None = None) -> bytes:
    """A schema-18 collection as bytes: one card per note (a cloze note: cards for gaps 1 to 3)."""
    database = _Database()
    with database as conn:
        _fill_modern(conn, notes, reviews)
    return database.data


def _fill_modern(conn: sqlite3.Connection, notes: list, reviews: list | None) -> None:
    conn.executescript(SCHEMA18)
    conn.execute("INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '')")
    for type_id, name, config, names in NOTETYPES.values():
        conn.execute("INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", (type_id, name, config))
        conn.executemany("INSERT INTO fields VALUES (?, ?, ?, x'')", [(type_id, i, n) for i, n in enumerate(names)])
    decks: dict[str, int] = {}
    cards: dict[tuple[str, int], int] = {}
    for number, (guid, kind, fields, tags, deck) in enumerate(notes, start=1):
        deck_id = decks.setdefault(deck, 10 + len(decks))
        type_id = NOTETYPES[kind][0]
        used = fields[:1] if kind == SINGLE else fields
        conn.execute(
            "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, '', 0, 0, '')",
            (number, guid, type_id, " " + " ".join(tags) + " ", "\x1f".join(used)),
        )
        for ordinal in range(3 if kind == CLOZE else 1):
            card_id = number * 10 + ordinal
            cards[(guid, ordinal)] = card_id
            conn.execute(
                "INSERT INTO cards VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                (card_id, number, deck_id, ordinal),
            )
    for name, deck_id in decks.items():
        conn.execute("INSERT INTO decks VALUES (?, ?, 0, 0, x'', x'')", (deck_id, name.replace("::", "\x1f")))
    for guid, ordinal, stamp, ease, taken, kind in reviews or []:
        conn.execute(
            "INSERT INTO revlog VALUES (?, ?, -1, ?, 1, 0, 2500, ?, ?)",
            (stamp, cards[(guid, ordinal)], ease, taken, kind),
        )


def modern_package(path: Path, notes: list, media: dict[str, bytes] | None = None, reviews: list | None = None) -> Path:
    entries = b"".join(field(1, field(1, name.encode()) + field(2, len(data))) for name, data in (media or {}).items())
    members = {
        "collection.anki2": _stub_collection(),
        "collection.anki21b": zstd(modern_collection(notes, reviews)),
        "meta": field(1, 3),
        "media": zstd(entries),
    }
    for index, data in enumerate((media or {}).values()):
        members[str(index)] = zstd(data)
    _write_zip(path, members)
    return path


def _stub_collection() -> bytes:
    """What current Anki puts in collection.anki2 for old versions: a note asking to update."""
    database = _Database()
    with database as conn:
        conn.executescript(SCHEMA18.split("CREATE TABLE notetypes")[0])
        models = {"1": {"name": "Basic", "type": 0, "flds": [{"name": "Front"}, {"name": "Back"}]}}
        conn.execute("INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '', ?, '{}', '', '')", (json.dumps(models),))
        conn.execute(
            "INSERT INTO notes VALUES (1, 'stub', 1, 0, 0, '', ?, '', 0, 0, '')", ("Please update\x1fto Anki 2.1.50+",)
        )
    return database.data


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
