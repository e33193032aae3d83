"""Media files an import copies: safe names, the kinds allowed, and the copying itself.

A name from a package is never used as a path: it becomes a plain file name of letters, digits,
dots, hyphens and underscores (with a short hash of the original when anything had to change, so
two names never end up the same), in lower case so case-insensitive disks cannot merge two files.
Only images, audio and video are copied: the media folder sits inside the bank folder, whose
.yaml, .yml and .json files load as banks.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from quizprep.importers.model import Skip

ALLOWED = frozenset(
    "png jpg jpeg gif webp svg bmp tif tiff avif heic mp3 ogg oga opus wav flac m4a aac mp4 webm mkv mov".split()
)
UNSAFE = re.compile(r"[^a-z0-9._-]+")
MAX_STEM = 80


def safe_media_name(name: str) -> str:
    """`My Diagram (1).PNG` -> `my-diagram-1-3f2a9c1e.png`; an unchanged simple name stays as it is."""
    base = PurePosixPath(name.replace("\\", "/")).name
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    clean_stem = UNSAFE.sub("-", stem.lower()).strip("-.")[:MAX_STEM] or "file"
    clean_suffix = UNSAFE.sub("", suffix.lower())[:10]
    candidate = f"{clean_stem}.{clean_suffix}" if clean_suffix else clean_stem
    if candidate == name:
        return candidate
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{clean_stem}-{digest}.{clean_suffix}" if clean_suffix else f"{clean_stem}-{digest}"


def allowed(name: str) -> bool:
    return PurePosixPath(name).suffix.lower().lstrip(".") in ALLOWED


def copy_media(names: set[str], read, folder: Path) -> tuple[list[str], list[str], list[Skip]]:
    """Copy each named file that `read(name)` returns bytes for into `folder`.

    Returns (copied safe names, names the package lacks, skips). A file already there with the
    same bytes is left alone, so importing twice writes nothing.
    """
    from quizprep.files import protected_paths, write_file

    copied, missing, skipped = [], [], []
    for name in sorted(names):
        if not allowed(name):
            skipped.append(Skip(f"media {name!r}", "not an image, audio or video file; not copied"))
            continue
        data = read(name)
        if data is None:
            missing.append(name)
            continue
        target = folder / safe_media_name(name)
        folder.mkdir(parents=True, exist_ok=True)
        if _same_file(target, data):
            continue
        write_file(target, data, protected=protected_paths(), force=True)
        copied.append(target.name)
    return copied, missing, skipped


def _same_file(target: Path, data: bytes) -> bool:
    """A regular file (not a link) already holding exactly `data`."""
    if target.is_symlink() or not target.is_file() or target.stat().st_size != len(data):
        return False
    return target.read_bytes() == data
