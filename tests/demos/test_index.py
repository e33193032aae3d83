"""The generated demo index agrees with the @demo functions it is built from."""

from __future__ import annotations

from pathlib import Path

import quizprep.demos
from quizprep.demos.framework import INDEX_COMMAND, index_source


def test_index_is_up_to_date():
    path = Path(quizprep.demos.__file__).with_name("_index.py")
    assert path.read_text(encoding="utf-8") == index_source(), (
        f"quizprep/demos/_index.py is stale: run `{INDEX_COMMAND}`"
    )
