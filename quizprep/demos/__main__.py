"""`python -m quizprep.demos --write-index` regenerates `quizprep/demos/_index.py` from the registered demos."""

from __future__ import annotations

from quizprep.demos.framework import index_source
from quizprep.demos.index_writer import index_command

print(index_command("quizprep.demos", "@demo", index_source))
