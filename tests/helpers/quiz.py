"""What a scripted quiz will ask, computed with the same selection code and seed."""

from __future__ import annotations

import random

from quizprep.bank import load_bank
from quizprep.modes.quiz import quiz_questions


def planned(kind: str, limit: int, seed: int, topic: str | None = None):
    """The questions `quiz --type KIND -n LIMIT --seed SEED` will ask (same selection code, same seed)."""
    bank = load_bank()
    items = [i for i in bank.items if (topic is None or i.topic == topic) and (kind != "mcq" or i.choices)]
    return quiz_questions(items, [], kind, limit, random.Random(seed))
