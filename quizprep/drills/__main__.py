"""`python -m quizprep.drills --write-index` regenerates `quizprep/drills/_index.py` from the registered drills."""

from __future__ import annotations

from quizprep.demos.index_writer import index_command
from quizprep.drills.framework import index_source

print(index_command("quizprep.drills", "@drill", index_source))
