"""Writing files so that a reader never sees half of one (temporary file, fsync, rename), and
editing a user's file the way the file system says it is kept: through its link, never when
read-only, with its hard links intact."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path

# A temporary file of ours this old was left by an interrupted write (a killed run): the
# next write beside it removes it. No write of ours takes minutes, so none is in use.
STALE_AFTER = 300.0
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")  # tempfile.mkstemp's names


class ReadOnlyFileError(PermissionError):
    """The file is read-only: its owner asked for it to stay as it is."""


def shown(path: Path) -> Path:
    """`path` relative to the working folder when it lies below it: messages stay short."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; on any failure the old file stays as it was.

    A link at `path` is replaced, not written through (use `edit_file` to edit its target).
    The old file's permissions and, where we may, its owner are kept.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _take_over(tmp, path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    remove_stale_temporaries(path)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8"))


def edit_file(path: Path, data: bytes) -> Path:
    """Give the user's file `path` the contents `data`; returns the file written.

    A symbolic link is followed: its target is written (atomically, beside it) and the link
    stays a link. A read-only file raises ReadOnlyFileError and is left untouched. A file
    with other hard links is rewritten in place, so that every name still shows one file:
    a hard-linked .bib is shared on purpose, and replacing it would silently fork it. That
    write is not atomic to a reader who takes no lock, so the caller holds the file's lock
    (every citations writer does), space is reserved before any byte changes, and the file
    is synced before the call returns. A file that does not exist yet is created atomically;
    anything but a regular file (a device, a folder) raises OSError.
    """
    target = Path(os.path.realpath(path))
    try:
        info = target.stat()
    except FileNotFoundError:
        atomic_write(target, data)
        return target
    if not stat.S_ISREG(info.st_mode):  # a link to /dev/null must not become a file
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    if _read_only(target, info):
        raise ReadOnlyFileError(errno.EACCES, "the file is read-only", str(path))
    if info.st_nlink > 1:
        _write_in_place(target, data)
        remove_stale_temporaries(target)
    else:
        atomic_write(target, data)
    return target


def is_read_only(path: Path) -> bool:
    """Is the file (a link's target) read-only? No write bit at all counts, even for root,
    who may write anything: the owner asked for it to stay as it is."""
    target = Path(os.path.realpath(path))
    try:
        return _read_only(target, target.stat())
    except OSError:
        return False  # missing: it will be created


def _read_only(target: Path, info: os.stat_result) -> bool:
    return not info.st_mode & 0o222 or not os.access(target, os.W_OK)


def remove_stale_temporaries(path: Path, *, any_name: bool = False) -> None:
    """Remove the temporary files an interrupted write of `path` left beside it (the
    `.{name}.XXXXXXXX.tmp` of atomic_write, older than STALE_AFTER); with `any_name`, those
    of every file in its folder (a folder that is ours alone, like a cache). A folder is
    listed once per STALE_AFTER, not once per write: a build writing 10,000 outputs into
    one folder lists it once."""
    folder = os.path.abspath(path.parent if str(path.parent) else ".")
    now = time.monotonic()
    listed, stale = _STALE.get(folder, (-STALE_AFTER, {}))
    if now - listed >= STALE_AFTER:
        stale = _stale_in(folder)
        _STALE[folder] = (now, stale)
    names = list(stale) if any_name else [path.name]
    for name in names:
        for temporary in stale.pop(name, ()):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, temporary))


# folder → when it was listed, and file name → its stale temporaries found then
_STALE: dict[str, tuple[float, dict[str, list[str]]]] = {}


def _stale_in(folder: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    before = time.time() - STALE_AFTER
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime < before:
                    found.setdefault(match["name"], []).append(entry.name)
    return found


def _take_over(tmp: str, path: Path) -> None:
    """Give the temporary file the permissions (and, where we may, the owner) of the file it
    replaces, or those a new file gets."""
    try:
        info = path.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return
    os.chmod(tmp, info.st_mode & 0o7777)
    chown = getattr(os, "chown", None)  # not on Windows
    mine = os.stat(tmp)
    if chown is not None and (info.st_uid, info.st_gid) != (mine.st_uid, mine.st_gid):
        with contextlib.suppress(OSError):  # only root may give a file away
            chown(tmp, info.st_uid, info.st_gid)


def _write_in_place(target: Path, data: bytes) -> None:
    with open(target, "r+b") as handle:
        fd = handle.fileno()
        _reserve(fd, len(data))
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(fd)


def _reserve(fd: int, size: int) -> None:
    """Reserve `size` bytes, so a full disk stops the write before it changes anything."""
    allocate = getattr(os, "posix_fallocate", None)
    if allocate is None:
        return  # not on this system: the write itself may then fail half-way
    try:
        allocate(fd, 0, size)
    except OSError as exc:
        if exc.errno in _NO_ROOM:
            raise
        # the file system cannot reserve (EOPNOTSUPP, EINVAL): write without


_NO_ROOM = {getattr(errno, n) for n in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, n)}
