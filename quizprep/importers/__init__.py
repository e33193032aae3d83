"""Bringing your own cards: Anki packages, CSV/TSV files and markdown question lists become a bank file.

    import_file(path, ...)   read a file and write (or update) data_dir()/banks/<name>.yaml; returns an ImportReport
    user_bank_dir()          the user's bank folder, data_dir()/banks
    user_bank_roots()        [that folder] when it holds bank files, else []: for the list of banks that load
    ImportReport, ReviewRow, Skip

Modules: `run` (one import, start to finish), `package` (opening .apkg/.colpkg safely), `anki`
(notes to items), `delimited` (CSV/TSV and Anki's text export), `markdown_lists`, `markup`
(HTML and math to markdown), `cloze`, `media`, `bankfile` (merge, check, write), `model`.
Loading a bank calls user_bank_roots(), so this module imports nothing else until asked.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["import_file", "user_bank_dir", "user_bank_roots", "ImportReport", "ReviewRow", "Skip"]
LAZY = {"import_file": "run", "ImportReport": "model", "ReviewRow": "model", "Skip": "model"}


def user_bank_dir() -> Path:
    from quizprep.paths import data_dir

    return data_dir() / "banks"


def user_bank_roots() -> list[Path]:
    """The user's bank folder when it holds at least one bank file (an empty or missing folder is
    no error: most people never import anything)."""
    folder = user_bank_dir()
    if not folder.is_dir():
        return []
    from quizprep.bank.loader import bank_files

    return [folder] if bank_files(folder) else []


def __getattr__(name: str):
    if name in LAZY:
        import importlib

        return getattr(importlib.import_module(f"quizprep.importers.{LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
