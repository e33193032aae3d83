"""Full-text search over the loaded bank: an SQLite FTS5 index in the cache folder, ranked by bm25.

    search(bank, query, limit=10, index=None) -> list[Hit]
    Hit      item id, topic, question, a snippet of the best-matching text, the spans to highlight, a score
    terms(query)                  the words of a query, as the index splits them

The index (cache_dir()/search.db) holds each item's question, answer and key points; it is built
when first needed and rebuilt when the bank's content changes, which a SHA-256 over every item's
id and texts detects (a few milliseconds for 10,000 items). A new index is built beside the old
one and renamed over it, so two quizprep processes never see half an index.

The query is hostile text: it is cut into words (letters and digits, as the index's tokenizer
does) and each word is quoted for FTS5, so `"`, `*`, `NEAR`, `-`, `:` and parentheses are
matched as text, never read as query syntax. All words must match; when no item has them all,
items with any of them are ranked instead. A match in the question counts most, then key points,
then the answer.

`--json` prints {"query": ..., "hits": [{"id", "topic", "question", "snippet", "highlights",
"score"}]}: highlights are [start, end) character offsets into the snippet, and a higher score
is a better match.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path

from quizprep.errors import QuizprepError
from quizprep.files import kind_of_mode, shown

INDEX_VERSION = "1"
WORD = re.compile(r"[^\W_]+")  # unicode61 splits on everything but letters and digits
MAX_TERMS = 16
MAX_QUERY = 500
MARK_START, MARK_END = "\x02", "\x03"  # control characters never occur in bank text: safe snippet markers
SNIPPET_TOKENS = 16
WEIGHTS = (10.0, 4.0, 2.0)  # question, key points, answer
SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE VIRTUAL TABLE items USING fts5(item_id UNINDEXED, topic UNINDEXED, question, key_points, answer,"
    " tokenize = 'porter unicode61 remove_diacritics 2');"
)


@dataclass(frozen=True)
class Hit:
    item_id: str
    topic: str
    question: str
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    score: float = 0.0

    def to_dict(self) -> dict:
        return {
            "id": self.item_id,
            "topic": self.topic,
            "question": self.question,
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
            "score": round(self.score, 4),
        }


def terms(query: str) -> list[str]:
    return WORD.findall(query[:MAX_QUERY])[:MAX_TERMS]


def search(bank, query: str, limit: int = 10, index: Path | None = None) -> list[Hit]:
    """The items best matching `query`, best first; [] for a query without words."""
    words = terms(query)
    if not words or limit < 1:
        return []
    conn = open_index(bank, index or default_index())
    try:
        quoted = ['"' + word.replace('"', '""') + '"' for word in words]
        hits = _query(conn, " AND ".join(quoted), limit)
        if not hits and len(quoted) > 1:
            hits = _query(conn, " OR ".join(quoted), limit)
        return hits
    finally:
        conn.close()


def default_index() -> Path:
    from quizprep.paths import cache_dir

    return cache_dir() / "search.db"


def _query(conn: sqlite3.Connection, match: str, limit: int) -> list[Hit]:
    sql = (
        "SELECT item_id, topic, question, snippet(items, -1, ?, ?, '…', ?), bm25(items, 0, 0, ?, ?, ?) AS rank "
        "FROM items WHERE items MATCH ? ORDER BY rank LIMIT ?"
    )
    rows = conn.execute(sql, (MARK_START, MARK_END, SNIPPET_TOKENS, *WEIGHTS, match, limit)).fetchall()
    # a snippet is one line: line breaks become spaces (same length, so the marks' offsets hold)
    rows = [(i, t, q, marked.replace("\n", " ").replace("\t", " "), rank) for i, t, q, marked, rank in rows]
    return [
        Hit(item_id, topic, question, *_unmark(marked), score=-rank) for item_id, topic, question, marked, rank in rows
    ]


def _unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """The snippet without its markers, and the marked spans as offsets into it."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    length, start = 0, None
    for piece in re.split(f"([{MARK_START}{MARK_END}])", marked):
        if piece == MARK_START:
            start = length
        elif piece == MARK_END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            text.append(piece)
            length += len(piece)
    return "".join(text), spans


def bank_key(bank) -> str:
    """A digest of every item's id, topic and searchable text: any edit changes it."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for item in bank.items:
        digest.update("\x1f".join((item.id, item.topic, item.question, item.answer, *item.key_points)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def open_index(bank, path: Path) -> sqlite3.Connection:
    """A connection to an index of `bank`, building one first if there is none or it is stale."""
    key = bank_key(bank)
    conn = _existing(path, key)
    if conn is None:
        _build(bank, path, key)
        conn = _existing(path, key)
    if conn is None:
        raise QuizprepError(f"the search index {shown(path)} could not be built")
    return conn


def _existing(path: Path, key: str) -> sqlite3.Connection | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise QuizprepError(f"the search index {shown(path)} is {kind_of_mode(info.st_mode)}; remove it and try again")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'bank'").fetchone()
    except sqlite3.DatabaseError:  # damaged, or from another version: rebuilt
        row = None
    if row is None or row[0] != key:
        conn.close()
        return None
    return conn


def _build(bank, path: Path, key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(temp)
        try:
            conn.executescript(SCHEMA)
            rows = ((i.id, i.topic, i.question, "\n".join(i.key_points), i.answer) for i in bank.items)
            with conn:
                conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", rows)
                conn.execute("INSERT INTO items (items) VALUES ('optimize')")
                conn.execute("INSERT INTO meta VALUES ('bank', ?)", (key,))
        finally:
            conn.close()
        os.replace(temp, path)
    except (OSError, sqlite3.Error) as exc:
        temp.unlink(missing_ok=True)
        raise QuizprepError(f"cannot build the search index {shown(path)}: {exc}") from None
