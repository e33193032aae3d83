"""The `--write-index` command that `python -m quizprep.demos` and `python -m quizprep.drills` share: regenerate a
plugin family's `_index.py` from its registered functions, or say that it is up to date.

Imports nothing from the families themselves, so both `__main__` modules can use it without an import cycle.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path

from quizprep.files import write_file


def write_index(path: Path, text: str) -> str:
    """Write `text` to `path` unless the file already holds it; returns what happened, for the command to print."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return f"{path} is up to date"
    write_file(path, text, force=True)
    return f"wrote {path}"


def index_command(package: str, decorator: str, index_source: Callable[[], str], argv: list[str] | None = None) -> str:
    """Parse `--write-index` for `python -m <package>` and regenerate the package's `_index.py` from the functions
    registered with `decorator`; returns the message to print."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {package}", description=f"Regenerate {package}'s _index.py from the {decorator} functions."
    )
    parser.add_argument("--write-index", action="store_true", help=f"rewrite _index.py from the {decorator} functions")
    args = parser.parse_args(argv)
    if not args.write_index:
        parser.error("nothing to do; pass --write-index")
    folder = Path(importlib.import_module(package).__file__).parent
    return write_index(folder / "_index.py", index_source())
