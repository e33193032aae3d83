"""What every importer produces, whatever the source format, and the small text helpers they share.

Options      what the user asked for: bank name, difficulty, media, history
Draft        one item about to join a bank, with where it came from (`note 123`, `file.csv:7`)
Skip         something left out, with where and why
ReviewRow    one review of an imported item from the source's history, for the state database
Parsed       an importer's whole result: drafts, skips, history, media names and notes for the report
ImportReport what an import did: counts, ids, skips, media and history

slugify(text)          lowercase letters, digits and single hyphens
clean_text(text)       line ends made \\n, control characters removed, surrounding blank lines trimmed
hashed_id(prefix, q)   a stable id from the normalised question text
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# C0 controls other than tab and newline, DEL and C1 controls: the bank refuses them, and a
# hostile file could use them to drive the terminal. Carriage returns are turned into newlines first.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
NOT_SLUG = re.compile(r"[^a-z0-9]+")
SPACES = re.compile(r"\s+")
BLANK_RUNS = re.compile(r"\n{3,}")
MAX_SLUG = 60
DEFAULT_DIFFICULTY = 2


def slugify(text: str, limit: int = MAX_SLUG) -> str:
    """`Deep Learning::CNN` -> `deep-learning-cnn`; accents folded, other letters dropped; '' if none remain."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = NOT_SLUG.sub("-", folded).strip("-")
    return slug[:limit].rstrip("-")


def clean_text(text: str) -> str:
    """Text safe for a bank: \\r\\n and \\r become \\n, no-break spaces plain ones, control characters
    go, each line loses trailing blanks, runs of blank lines shrink to one, and the whole is stripped."""
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " "))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return BLANK_RUNS.sub("\n\n", text).strip()


def normalised(question: str) -> str:
    """The question as ids see it: case and runs of whitespace do not matter."""
    return SPACES.sub(" ", question).strip().casefold()


def hashed_id(prefix: str, question: str) -> str:
    """`prefix-` and 10 hex digits of the normalised question's SHA-1: the same question, the same id."""
    digest = hashlib.sha1(normalised(question).encode("utf-8")).hexdigest()[:10]
    return f"{prefix}-{digest}"


def guid_id(guid: str, prefix: str = "anki") -> str:
    """An id from an Anki note GUID. GUIDs are case-sensitive and full of symbols, so when the slug
    loses anything a short hash of the exact GUID keeps two notes apart."""
    slug = slugify(guid, 40)
    if slug == guid:
        return f"{prefix}-{slug}"
    digest = hashlib.sha1(guid.encode("utf-8")).hexdigest()[:8]
    return f"{prefix}-{slug}-{digest}" if slug else f"{prefix}-{digest}"


def tag_slugs(tags: list[str]) -> list[str]:
    """Tags as slugs, in order, without blanks or repeats."""
    seen: dict[str, None] = {}
    for tag in tags:
        slug = slugify(tag)
        if slug:
            seen.setdefault(slug, None)
    return list(seen)


@dataclass(frozen=True)
class Options:
    """How to import: the bank's name (also the fallback topic and the prefix of hashed ids), the
    difficulty every item gets, whether media point into the bank's media folder, and whether to
    return the review history."""

    bank: str
    difficulty: int = DEFAULT_DIFFICULTY
    media: bool = False
    with_history: bool = False


@dataclass
class Draft:
    """An item as an importer built it: bank fields in `data`, its origin in `where`."""

    data: dict
    where: str

    @property
    def id(self) -> str:
        return self.data["id"]


@dataclass(frozen=True)
class Skip:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"

    def to_dict(self) -> dict:
        return {"where": self.where, "reason": self.reason}


@dataclass(frozen=True)
class ReviewRow:
    """One review from the source: when (UTC), the rating 1 (again) to 4 (easy), and how long it took."""

    item_id: str
    reviewed_at: datetime
    rating: int
    duration_ms: int

    def to_dict(self) -> dict:
        return {
            "item_id": self.item_id,
            "reviewed_at": self.reviewed_at.isoformat(),
            "rating": self.rating,
            "duration_ms": self.duration_ms,
        }


@dataclass
class Parsed:
    """What an importer read. `media` are the media file names the items refer to; `notes` are
    sentences for the report (what was converted and how)."""

    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    history: list[ReviewRow] = field(default_factory=list)
    media: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do)."""

    source: str
    bank: str
    path: Path
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already in the bank file, no longer in the source
    skipped: list[Skip] = field(default_factory=list)
    media_copied: list[str] = field(default_factory=list)
    media_referenced: list[str] = field(default_factory=list)  # named by items, not copied
    media_missing: list[str] = field(default_factory=list)  # named by items, absent from the package
    history: list[ReviewRow] = field(default_factory=list)
    history_added: int | None = None  # reviews written to the state database (None: not asked)
    notes: list[str] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.imported or self.updated)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "bank": self.bank,
            "path": str(self.path),
            "written": self.written,
            "dry_run": self.dry_run,
            "imported": list(self.imported),
            "updated": list(self.updated),
            "unchanged": len(self.unchanged),
            "kept": list(self.kept),
            "skipped": [skip.to_dict() for skip in self.skipped],
            "media": {
                "copied": list(self.media_copied),
                "referenced": list(self.media_referenced),
                "missing": list(self.media_missing),
            },
            "history": len(self.history),
            "history_added": self.history_added,
            "notes": list(self.notes),
        }
