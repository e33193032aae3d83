"""The generated drill index agrees with the @drill functions it is built from."""

from __future__ import annotations

from pathlib import Path

import quizprep.drills
from quizprep.drills.framework import INDEX_COMMAND, index_source


def test_index_is_up_to_date():
    path = Path(quizprep.drills.__file__).with_name("_index.py")
    assert path.read_text(encoding="utf-8") == index_source(), (
        f"quizprep/drills/_index.py is stale: run `{INDEX_COMMAND}`"
    )
