"""Where quizprep keeps its files: the data folder, the parse cache and the bundled bank."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """`$QUIZPREP_HOME` if set, else the platform's per-user data folder."""
    home = os.environ.get("QUIZPREP_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("quizprep", appauthor=False))


def db_path() -> Path:
    return data_dir() / "quizprep.db"


def cache_dir() -> Path:
    """Parsed-bank cache: inside `$QUIZPREP_HOME` if set, else the platform's cache folder."""
    home = os.environ.get("QUIZPREP_HOME")
    if home:
        return Path(home).expanduser() / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("quizprep", appauthor=False))


def bundled_bank_dir() -> Path:
    """The bank shipped with quizprep.

    A wheel carries it inside the package (`quizprep/question_bank`); a source
    checkout or an editable install reads the repository's `question_bank/`.
    """
    inside = PACKAGE_DIR / "question_bank"
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / "question_bank"


def env_bank_paths() -> list[Path]:
    """Extra banks named by `QUIZPREP_BANK`, separated like PATH (`:` or `;` on Windows)."""
    value = os.environ.get("QUIZPREP_BANK", "")
    return [Path(part).expanduser() for part in value.split(os.pathsep) if part.strip()]


def new_backup_path(database: Path, reason: str, now) -> Path:
    """`quizprep.db.before-prune.20261206T151100Z.bak`: a backup's name, never one already taken."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    candidate = database.with_name(f"{database.name}.{reason}.{stamp}.bak")
    number = 1
    while candidate.exists():
        number += 1
        candidate = database.with_name(f"{database.name}.{reason}.{stamp}-{number}.bak")
    return candidate


def backups(database: Path) -> list[Path]:
    """The database's backups, oldest name first."""
    return sorted(database.parent.glob(f"{database.name}.*.bak"))
