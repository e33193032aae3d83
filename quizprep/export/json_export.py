"""The bank as JSON: a list of items carrying exactly the bank's fields, so it loads back as a bank."""

from __future__ import annotations

import json

from quizprep.bank import Item


def to_json(items: list[Item]) -> str:
    return json.dumps([item.to_dict() for item in items], indent=2, ensure_ascii=False) + "\n"
