"""The bank's item: its fields, their order, and conversion to and from plain dicts."""

from __future__ import annotations

from dataclasses import dataclass, field

# Every field a bank item may carry, in the order exports write them.
FIELDS: tuple[str, ...] = (
    "id",
    "topic",
    "difficulty",
    "tags",
    "question",
    "answer",
    "cloze",
    "key_points",
    "pitfalls",
    "follow_ups",
    "choices",
    "demo",
    "sources",
)
REQUIRED: tuple[str, ...] = ("id", "topic", "difficulty", "question", "answer")
LIST_FIELDS: tuple[str, ...] = ("tags", "key_points", "pitfalls", "follow_ups", "sources")
DIFFICULTY_NAMES = {1: "fundamentals", 2: "practitioner", 3: "advanced"}
MIN_WRONG_CHOICES = 3


@dataclass(slots=True)
class Choices:
    """The multiple-choice form: one correct option and the wrong ones."""

    correct: str
    wrong: list[str]

    def to_dict(self) -> dict:
        return {"correct": self.correct, "wrong": list(self.wrong)}

    @classmethod
    def from_dict(cls, data: dict) -> Choices:
        return cls(correct=data["correct"], wrong=list(data["wrong"]))


@dataclass(slots=True)
class Item:
    """One question. `file` and `line` say where it was read; they are not bank fields."""

    id: str
    topic: str
    difficulty: int
    question: str
    answer: str
    tags: list[str] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)
    pitfalls: list[str] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)
    choices: Choices | None = None
    demo: str | None = None
    sources: list[str] = field(default_factory=list)
    cloze: str | None = None  # the cloze form: the text with its {{c1::answer}} gaps (see bank/cloze.py)
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def to_dict(self) -> dict:
        """The item as bank data: exactly the bank's fields, in canonical order."""
        out: dict = {}
        for name in FIELDS:
            value = getattr(self, name)
            if name == "choices":
                value = value.to_dict() if value is not None else None
            elif name in LIST_FIELDS:
                value = list(value)
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict, file: str = "", line: int = 0) -> Item:
        """Build an item from data that has passed validation (absent optional fields get defaults).

        The lists are taken over, not copied: callers hand in freshly loaded data.
        """
        get = data.get
        choices = get("choices")
        return cls(
            data["id"],
            data["topic"],
            data["difficulty"],
            data["question"],
            data["answer"],
            get("tags") or [],
            get("key_points") or [],
            get("pitfalls") or [],
            get("follow_ups") or [],
            Choices(choices["correct"], choices["wrong"]) if choices else None,
            get("demo"),
            get("sources") or [],
            get("cloze"),
            file,
            line,
        )
