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
FORMAT = b"citations-parse-2"
_KEEP = 512  # files kept in the cache folder; the oldest beyond that are removed


def cache_key(content: bytes, macros: Mapping[str, str]) -> str:
    """Content and the @string macros in scope decide the parse; nothing else does."""
    digest = hashlib.blake2b(FORMAT, digest_size=20)
    digest.update(content)
    digest.update(marshal.dumps(sorted(macros.items())))
    return digest.hexdigest()


def read_record(folder: Path, key: str) -> FileRecord | None:
    try:
        data = (folder / f"{key}.marshal").read_bytes()
        if not data.startswith(FORMAT):
            return None
        record = marshal.loads(data[len(FORMAT) :])
    except (OSError, ValueError, EOFError, TypeError):
        return None  # a missing or damaged cache file is only a miss
    return record if isinstance(record, dict) else None


def write_record(folder: Path, key: str, record: FileRecord) -> None:
    """Store a record; a cache we cannot write is not an error, only slower next time."""
    try:
        atomic_write(folder / f"{key}.marshal", FORMAT + marshal.dumps(record))
        _prune(folder)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    files = list(folder.glob("*.marshal"))
    if len(files) <= _KEEP:
        return
    files.sort(key=lambda p: p.stat().st_mtime)
    for old in files[: len(files) - _KEEP]:
        with contextlib.suppress(OSError):
            os.unlink(old)
