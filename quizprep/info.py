"""What `quizprep info` reports: versions, where the data and cache live, and which banks load."""

from __future__ import annotations

import platform
from pathlib import Path

from quizprep import __version__
from quizprep.text import plural


def gather(extra: list[Path]) -> list[tuple[str, str]]:
    """(label, value) rows describing this installation."""
    from quizprep.bank import bank_roots, display_path
    from quizprep.bank.loader import bank_files
    from quizprep.paths import backups, cache_dir, data_dir, db_path

    rows = [
        ("version", f"quizprep {__version__} (Python {platform.python_version()})"),
        ("data folder", str(data_dir())),
        ("database", describe_database(db_path())),
        ("cache folder", str(cache_dir())),
    ]
    for root, origin in bank_roots(extra):
        if root.exists():
            count = len(bank_files(root))
            rows.append((f"bank ({origin})", f"{display_path(root)}  [{plural(count, 'file')}]"))
        else:
            rows.append((f"bank ({origin})", f"{root}  [missing]"))
    rows += [("backup", str(path)) for path in backups(db_path())]
    return rows


def describe_database(path: Path) -> str:
    if not path.exists():
        return f"{path} (created at your first answer)"
    from quizprep import store

    conn = store.connect(path)
    try:
        answers, items = store.counts(conn)
    finally:
        conn.close()
    return f"{path} ({plural(answers, 'answer')} on {plural(items, 'item')}, schema v{store.SCHEMA_VERSION})"
