"""Writing the bank out: JSON now (`to_json`), and where the output goes (`write_output`)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from quizprep.errors import QuizprepError


def write_output(text: str, target: str) -> None:
    """Write `text` to stdout when `target` is '-', else atomically to the file `target`."""
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(target).expanduser()
    if path.is_dir():
        raise QuizprepError(f"cannot write to {path}: it is a folder; give a file name")
    if not path.parent.exists():
        raise QuizprepError(f"cannot write to {path}: the folder {path.parent} does not exist")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as exc:
        raise QuizprepError(f"cannot write to {path}: {exc.strerror or exc}") from exc
