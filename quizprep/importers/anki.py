"""Anki notes to bank items: note types, decks, notes, cloze gaps and the review log.

    read_collection(conn, options, converter, label)   Parsed drafts (and history) from an open collection

Basic-like note types give one item per note: the first field is the question, the second the
answer (further fields are left out). Cloze note types give one item with a `cloze` field (see
cloze.py), tagged `cloze`: its question is the text with every gap shown as [...], its answer the
whole text; each gap number is its own card (key 'ITEMID#cN' past the first, see
questions.cloze_key). A note's deck (the deck of its first card, or the deck it came from if the
card sits in a filtered deck) becomes the item's topic. Ids come from the note's GUID, so
a newer export of the same deck updates the same items.

Both schemas are read: the legacy one keeps note types and decks as JSON in `col`, the current
one in the `notetypes`, `fields` and `decks` tables (deck path parts separated by \\x1f, the
note type's kind in field 1 of its protobuf `config`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone

from quizprep.bank import cloze as bank_cloze
from quizprep.errors import QuizprepError
from quizprep.importers import cloze
from quizprep.importers.markup import FieldConverter
from quizprep.importers.model import Draft, Options, Parsed, ReviewRow, Skip, guid_id, slugify, tag_slugs
from quizprep.importers.package import PackageError, protobuf_fields
from quizprep.text import plural

MAX_NOTES = 50_000
FIELD_SEPARATOR = "\x1f"
OLDEST_REVIEW_MS = 946_684_800_000  # 2000-01-01: earlier stamps are damage, not history
NEWEST_REVIEW_MS = 4_102_444_800_000  # 2100-01-01
MAX_DURATION_MS = 3_600_000


@dataclass(frozen=True)
class NoteType:
    name: str
    is_cloze: bool
    fields: int


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return row is not None and row[0] == "table"


def note_types(conn: sqlite3.Connection) -> dict[int, NoteType]:
    if _has_table(conn, "notetypes") and _has_table(conn, "fields"):
        counts = dict(conn.execute("SELECT ntid, count(*) FROM fields GROUP BY ntid"))
        found = {}
        for type_id, name, config in conn.execute("SELECT id, name, config FROM notetypes"):
            kind = _kind(config)
            found[type_id] = NoteType(str(name), kind == 1, int(counts.get(type_id, 0)))
        return found
    models = _col_json(conn, "models")
    found = {}
    for key, model in models.items():
        if isinstance(model, dict) and str(key).lstrip("-").isdigit():
            fields = model.get("flds")
            found[int(key)] = NoteType(
                str(model.get("name", "?")), model.get("type") == 1, len(fields) if isinstance(fields, list) else 0
            )
    return found


def _kind(config) -> int:
    """The note type's kind from its protobuf config: 0 normal, 1 cloze (a damaged config reads as normal)."""
    try:
        return dict(protobuf_fields(config)).get(1, 0) if isinstance(config, bytes) else 0
    except ValueError:
        return 0


def deck_names(conn: sqlite3.Connection) -> dict[int, str]:
    if _has_table(conn, "decks"):
        return {
            deck_id: str(name).replace(FIELD_SEPARATOR, "::")
            for deck_id, name in conn.execute("SELECT id, name FROM decks")
        }
    decks = _col_json(conn, "decks")
    return {
        int(key): str(deck.get("name", ""))
        for key, deck in decks.items()
        if isinstance(deck, dict) and str(key).lstrip("-").isdigit()
    }


def _col_json(conn: sqlite3.Connection, column: str) -> dict:
    row = conn.execute(f"SELECT {column} FROM col").fetchone()  # column is one of our two names
    try:
        data = json.loads(row[0]) if row and isinstance(row[0], str) and row[0].strip() else {}
    except ValueError as exc:
        raise PackageError(f"the collection's {column} list is damaged ({exc})") from None
    return data if isinstance(data, dict) else {}


def read_collection(conn: sqlite3.Connection, options: Options, converter: FieldConverter, label: str) -> Parsed:
    try:
        return _read(conn, options, converter, label)
    except sqlite3.OperationalError as exc:
        raise PackageError(f"{label}: its collection could not be read ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise PackageError(f"{label} is damaged: {exc}") from None


@dataclass
class _Tally:
    """What the report says about the notes besides the items: which card became which item."""

    item_of_card: dict = field(default_factory=dict)  # (note id, template number) -> item id
    one_field: set = field(default_factory=set)  # names of note types with a single field
    clozes: int = 0
    extra_fields: int = 0


def _read(conn: sqlite3.Connection, options: Options, converter: FieldConverter, label: str) -> Parsed:
    (count,) = conn.execute("SELECT count(*) FROM notes").fetchone()
    if count == 0:
        raise QuizprepError(f"{label} holds no notes")
    if count > MAX_NOTES:
        raise QuizprepError(f"{label} holds {count:,} notes; quizprep imports at most {MAX_NOTES:,} at a time")
    types, decks = note_types(conn), deck_names(conn)
    note_decks, card_notes = _cards(conn)
    parsed, tally = Parsed(), _Tally()
    for note_id, guid, type_id, tags, flds in conn.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"):
        where = f"note {note_id}"
        note_type = types.get(type_id)
        if note_type is None or not isinstance(flds, str):
            reason = "its note type is missing from the package" if note_type is None else "unreadable fields"
            parsed.skipped.append(Skip(where, reason))
            continue
        base = {
            "topic": slugify(decks.get(note_decks.get(note_id, 0), "").replace("::", " ")) or options.bank,
            "difficulty": options.difficulty,
            "tags": tag_slugs(tags.split() if isinstance(tags, str) else []),
        }
        result = _note_drafts(note_id, guid_id(str(guid)), note_type, flds.split(FIELD_SEPARATOR), base, tally)
        if isinstance(result, str):
            parsed.skipped.append(Skip(where, result))
        else:
            parsed.drafts += [Draft(data, where) for data in result]
    _convert(parsed.drafts, converter)
    if not parsed.drafts and tally.one_field:
        names = ", ".join(sorted(tally.one_field))
        raise QuizprepError(f"{label}: every note uses a note type with one field ({names}); an item needs two")
    parsed.notes += _tally_notes(tally)
    parsed.media = set(converter.media)
    if options.with_history:
        _history(conn, card_notes, tally.item_of_card, parsed)
    return parsed


def _note_drafts(note_id: int, prefix: str, note_type: NoteType, fields: list[str], base: dict, tally: _Tally):
    """The note's items (bank data, text still HTML), or the reason it gives none."""
    if note_type.is_cloze:
        from quizprep.questions import cloze_key

        data = _cloze_draft(fields, base, prefix)
        numbers = bank_cloze.numbers(data["question"])
        if not numbers:
            return "a cloze note without any {{c1::...}} gap"
        tally.clozes += 1
        for number in numbers:  # Anki's card for gap N has template number N - 1
            tally.item_of_card[(note_id, number - 1)] = cloze_key(prefix, number)
        return [data]
    if note_type.fields < 2 or len(fields) < 2:
        tally.one_field.add(note_type.name)
        return f"note type '{note_type.name}' has one field; an item needs a question and an answer"
    tally.extra_fields += any(part.strip() for part in fields[2:])
    tally.item_of_card[(note_id, 0)] = prefix
    return [_item(prefix, fields[0], fields[1], base)]


def _tally_notes(tally: _Tally) -> list[str]:
    notes = []
    if tally.clozes:
        notes.append(
            f"{plural(tally.clozes, 'cloze note')} became {plural(tally.clozes, 'cloze item')} tagged 'cloze', "
            "each gap number asked as its own card (items of earlier imports, one per gap, are not made any more)"
        )
    if tally.extra_fields:
        notes.append(f"{plural(tally.extra_fields, 'note')} had fields beyond the second; those were left out")
    return notes


def _item(item_id: str, question: str, answer: str, base: dict, extra_tags: tuple[str, ...] = ()) -> dict:
    data = {"id": item_id, "topic": base["topic"], "difficulty": base["difficulty"]}
    tags = base["tags"] + [tag for tag in extra_tags if tag not in base["tags"]]
    if tags:
        data["tags"] = tags
    data["question"] = question
    data["answer"] = answer
    return data


def _cloze_draft(fields: list[str], base: dict, prefix: str) -> dict:
    """Still HTML, and the question holds the cloze text until _convert: the answer is the whole
    text, then the note's second field (Back Extra) if any."""
    tree = cloze.parse(fields[0])
    full = cloze.render(tree, None)
    extra = fields[1] if len(fields) > 1 else ""
    answer = f"{full}<br><br>{extra}" if extra.strip() else full
    return {**_item(prefix, cloze.bank_text(tree), answer, base, ("cloze",)), "cloze": ""}


def _convert(drafts: list[Draft], converter: FieldConverter) -> None:
    """Turn the drafts' HTML into markdown, all fields in one batch. A cloze item's text, converted
    like any field, becomes its `cloze`, and its question that text with every gap as [...]."""
    texts = [text for draft in drafts for text in (draft.data["question"], draft.data["answer"])]
    converted = iter(converter.convert_all(texts))
    for draft in drafts:
        draft.data["question"] = next(converted)
        draft.data["answer"] = next(converted)
        if "cloze" in draft.data:
            draft.data["cloze"] = draft.data["question"]
            draft.data["question"] = bank_cloze.blanked(draft.data["cloze"])


def _cards(conn: sqlite3.Connection) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Each note's deck (its lowest-numbered card's; the home deck of a card in a filtered deck),
    and each card's (note, template number)."""
    note_decks: dict[int, int] = {}
    card_notes: dict[int, tuple[int, int]] = {}
    query = "SELECT id, nid, CASE WHEN odid != 0 THEN odid ELSE did END, ord FROM cards ORDER BY nid, ord"
    for card_id, note_id, deck_id, ordinal in conn.execute(query):
        note_decks.setdefault(note_id, deck_id)
        card_notes[card_id] = (note_id, ordinal)
    return note_decks, card_notes


def _history(conn: sqlite3.Connection, card_notes: dict, item_of_card: dict, parsed: Parsed) -> None:
    """Review rows for the cards that became items. Manual reschedules (rating 0, types 4 and 5)
    are not reviews, and reviews of a reversed card belong to no item: both are left out."""
    if not _has_table(conn, "revlog"):
        parsed.notes.append("the package carries no review history")
        return
    left_out = 0
    for stamp, card_id, ease, duration, kind in conn.execute(
        "SELECT id, cid, ease, time, type FROM revlog ORDER BY id"
    ):
        item_id = item_of_card.get(card_notes.get(card_id, (None, None)))
        usable = isinstance(stamp, int) and OLDEST_REVIEW_MS <= stamp < NEWEST_REVIEW_MS
        if item_id is None or not usable or ease not in (1, 2, 3, 4) or kind not in (0, 1, 2, 3):
            left_out += 1
            continue
        when = datetime.fromtimestamp(stamp / 1000, tz=timezone.utc)
        spent = min(max(duration if isinstance(duration, int) else 0, 0), MAX_DURATION_MS)
        parsed.history.append(ReviewRow(item_id, when, ease, spent))
    if left_out:
        parsed.notes.append(
            f"{plural(left_out, 'review-log row')} left out (manual reschedules, reversed cards, damaged rows)"
        )
