"""The on-disk parse cache: a parsed .bib file stored under the hash of what it was parsed from."""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from collections.abc import Mapping
from pathlib import Path

from ..files import atomic_write
from .parse import FileRecord

# Bump when FileRecord's shape or the parser's behaviour changes: old files are then ignored.
FORMAT = b"citations-parse-4"
_KEEP = 512  # files kept in the cache folder; the oldest beyond that are removed


def cache_key(content: bytes, macros: Mapping[str, str]) -> str:
    """Content and the @string macros in scope decide the parse; nothing else does."""
    digest = hashlib.blake2b(FORMAT, digest_size=20)
    digest.update(content)
    digest.update(marshal.dumps(sorted(macros.items())))
    return digest.hexdigest()


def read_record(folder: Path, key: str) -> FileRecord | None:
    data = read_blob(folder / f"{key}.marshal")
    if data is None:
        return None
    try:
        record = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None  # a damaged cache file is only a miss
    return record if isinstance(record, dict) else None


def write_record(folder: Path, key: str, record: FileRecord) -> None:
    write_blob(folder / f"{key}.marshal", marshal.dumps(record))
    with contextlib.suppress(OSError):
        _prune(folder)


def read_blob(path: Path) -> bytes | None:
    """A cache file's payload, or None if it is missing, damaged, or of another format."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data[len(FORMAT) :] if data.startswith(FORMAT) else None


def write_blob(path: Path, payload: bytes) -> None:
    """Store a payload; a cache we cannot write is not an error, only slower next time."""
    with contextlib.suppress(OSError):
        atomic_write(path, FORMAT + payload)


def _prune(folder: Path) -> None:
    files = list(folder.glob("*.marshal")) + list(folder.glob("*.blocks"))
    if len(files) <= _KEEP:
        return
    files.sort(key=lambda p: p.stat().st_mtime)
    for old in files[: len(files) - _KEEP]:
        with contextlib.suppress(OSError):
            os.unlink(old)
