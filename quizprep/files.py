"""The one way quizprep reads bank-sized files and writes any file.

    write_file(path, data, protected=..., force=...)   write text or bytes atomically
    writing(path, protected=..., force=...)            the same for libraries that write a file themselves:
                                                       yields a temporary path to fill, renamed over `path` after
    read_regular(path, limit)                          the bytes of a regular file, never blocking on a FIFO or device
    protected_paths(banks)                             files no export may replace: the database and the banks
    shown(path)                                        a path as it is safe to print

Rules for a target: it is a new name or an existing regular file. Devices, FIFOs, sockets and
folders are refused, and so is a symbolic link, even to a regular file: replacing the link would
quietly cut it, and writing through it would change a file elsewhere, so the user names the real
file. Replacing an existing file needs `force`; the state database and loaded bank files are never
replaced. The data goes to a temporary file in the same folder, is flushed to disk, takes the old
file's permission bits (a new file follows the umask), and is renamed over the target in one step:
a crash or a full disk leaves either the old file or the new one, never half of one. The temporary
file is removed on every failure, Ctrl-C included.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from quizprep.errors import QuizprepError

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)
BINARY = getattr(os, "O_BINARY", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
DB_SUFFIXES = ("", "-wal", "-shm", "-journal")


class FileRefused(QuizprepError):
    """A file quizprep will not read or write; `reason` says why without naming the path."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{shown(path)}: {reason}")


def shown(path: Path | str) -> str:
    """The path with control characters (a terminal escape in a file name) written as \\xNN."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in str(path))


def kind_of_mode(mode: int) -> str:
    """What a file is, in words, from its st_mode."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISREG, "a regular file"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def protected_paths(banks: Iterable[Path] = ()) -> set[Path]:
    """The state database (with SQLite's side files) and the given bank files."""
    from quizprep.paths import db_path

    db = db_path()
    return {db.with_name(db.name + suffix) for suffix in DB_SUFFIXES} | {Path(p) for p in banks}


def read_regular(path: Path, limit: int, *, follow: bool = True) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat, read through one descriptor.

    Opening never blocks (O_NONBLOCK) and nothing is read before fstat says the file is regular
    and at most `limit` bytes, so a FIFO, /dev/zero or a huge file costs nothing. With `follow`
    False a symbolic link is refused too. Raises FileRefused, or OSError when it cannot be opened.
    """
    flags = os.O_RDONLY | NONBLOCK | BINARY | CLOEXEC | (0 if follow else NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow and os.path.islink(path):
            raise FileRefused(path, "is a symbolic link") from exc
        try:
            mode = os.stat(path).st_mode
        except OSError:
            raise exc from None
        if not stat.S_ISREG(mode):  # a socket cannot even be opened: say what it is
            raise FileRefused(path, f"is {kind_of_mode(mode)}, not a regular file") from exc
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, f"is {kind_of_mode(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise FileRefused(path, f"is {megabytes(info.st_size)}; the limit is {megabytes(limit)}")
        data = _read_all(fd, info.st_size, limit)
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read
        raise FileRefused(path, f"is over {megabytes(limit)}; the limit is {megabytes(limit)}")
    return data, info


def _read_all(fd: int, size: int, limit: int) -> bytes:
    chunks = []
    total = 0
    want = min(size, limit) + 1
    while total <= limit:
        chunk = os.read(fd, max(want - total, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def check_target(path: Path, protected: Iterable[Path] = (), force: bool = False) -> os.stat_result | None:
    """Refuse a target quizprep must not replace; return its stat, or None for a new name."""
    folder = path.parent
    if not folder.is_dir():
        raise FileRefused(path, f"cannot write here: the folder {shown(folder)} does not exist")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FileRefused(path, f"cannot write here: {exc.strerror or exc}") from exc
    _refuse_protected(path, info, protected)
    if info is None:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise FileRefused(path, "is a symbolic link; quizprep does not write through links: give the file it points to")
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(path, f"is {kind_of_mode(info.st_mode)}; quizprep writes only regular files")
    if not force:
        raise FileRefused(path, "exists; add --force to replace it")
    return info


def _refuse_protected(path: Path, info: os.stat_result | None, protected: Iterable[Path]) -> None:
    """The same file by name (resolved) or by identity (a hard link, another spelling)."""
    from quizprep.paths import db_path

    db = db_path()
    db_names = {os.path.abspath(db.with_name(db.name + s)) for s in DB_SUFFIXES}
    target = os.path.realpath(path)
    for other in protected:
        same = os.path.realpath(other) == target
        if not same and info is not None:
            try:
                other_info = os.stat(other)
            except OSError:
                continue
            same = (other_info.st_dev, other_info.st_ino) == (info.st_dev, info.st_ino)
        if same:
            what = "quizprep's progress database" if os.path.abspath(other) in db_names else "a loaded question bank"
            raise FileRefused(path, f"is {what}; choose another file name")


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def writing(
    path: Path | str,
    *,
    protected: Iterable[Path] = (),
    force: bool = False,
    mode: int | None = None,
    durable: bool = True,
) -> Iterator[Path]:
    """Yield a temporary path beside `path` to fill; on success it replaces `path` atomically.

    The target is checked before and again just before the rename. `mode` sets the permission
    bits outright (a secret key wants 0600). `durable` False skips the fsyncs, for files that are
    checked when read and cheap to rebuild (cache entries): the rename stays atomic. Every failure
    removes the temporary file; an OSError becomes a FileRefused naming the target.
    """
    path = Path(path).expanduser()
    protected = list(protected)
    existing = check_target(path, protected, force)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise FileRefused(path, f"cannot write here: {exc.strerror or exc}") from exc
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        _settle(temp, existing, mode, durable)
        check_target(path, protected, force or existing is not None)
        os.replace(temp, path)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise FileRefused(path, f"cannot write: {exc.strerror or exc}") from exc
        raise
    if durable:
        _sync_folder(path.parent)


def _settle(temp: Path, existing: os.stat_result | None, mode: int | None, durable: bool) -> None:
    """Flush the temporary file to disk and give it the permissions the target should have."""
    fd = os.open(temp, os.O_RDWR | BINARY | NOFOLLOW)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # a library replaced our file with something else
            raise OSError(f"the temporary file became {kind_of_mode(info.st_mode)}")
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)
    if mode is not None or existing is None:
        os.chmod(temp, mode if mode is not None else 0o666 & ~current_umask())
        return
    os.chmod(temp, stat.S_IMODE(existing.st_mode))
    if hasattr(os, "getuid") and existing.st_uid != os.getuid():  # root replacing a user's file keeps its owner
        try:
            os.chown(temp, existing.st_uid, existing.st_gid)
        except OSError:
            pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); some systems cannot open a folder: best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_file(
    path: Path | str,
    data: bytes | str,
    *,
    protected: Iterable[Path] = (),
    force: bool = False,
    mode: int | None = None,
    durable: bool = True,
) -> None:
    """Write `data` (text is written as UTF-8, line ends untouched) to `path` by the rules above."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with writing(path, protected=protected, force=force, mode=mode, durable=durable) as temp:
        with open(temp, "wb") as handle:
            handle.write(payload)
