"""The on-disk parse cache: a parsed .bib file stored under the hash of what it was parsed from.

A cache folder may be shared, restored by a CI job or named by a project's citations.toml, so
every file in it is untrusted input. A file is JSON (never marshal or pickle, whose readers
are not safe against crafted bytes), and is used only if its header names the source it is
asked for, its checksum matches its bytes, and its record has FileRecord's shape. Anything
else is a miss: the file is parsed again and the cache file rewritten, so a damaged cache
costs time, never a wrong page. (A checksum catches damage, not forgery: no unkeyed check
can tell a file made to deceive, checksum and all; but its shape is checked all the same, so
it cannot break the loader.)
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..files import atomic_write, remove_stale_temporaries
from .parse import FileRecord
from .stored import checked_record, stored_record

# Bump when FileRecord's shape, the file layout or the parser's behaviour changes: old files
# are then ignored (and pruned in time).
FORMAT = b"citations-parse-7"
SUFFIX = ".json"
_KEEP = 512  # files kept in the cache folder; the oldest beyond that are removed
_OLD_SUFFIXES = (".marshal",)  # earlier formats' files, pruned with the rest

log = logging.getLogger(__name__)


def cache_key(content: bytes, macros: Mapping[str, str], encoding: str = "") -> str:
    """Content, the @string macros in scope and the encoding settings decide the parse;
    nothing else does."""
    digest = hashlib.blake2b(FORMAT, digest_size=20)
    digest.update(content)
    digest.update(macros_bytes(macros))
    digest.update(encoding.encode("utf-8"))
    return digest.hexdigest()


def macros_bytes(macros: Mapping[str, str]) -> bytes:
    """The macros in one stable form, for hashing."""
    return json.dumps(sorted(macros.items())).encode("ascii")


def read_record(folder: Path, key: str) -> FileRecord | None:
    """The record stored for source `key`, or None if missing, damaged or wrongly shaped."""
    path = folder / f"{key}{SUFFIX}"
    with collector_paused():
        record = checked_record(read_json(path, key))
    if record is None and path.exists():
        log.debug("parse cache: ignored %s (damaged or of another shape)", path)
    return record


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while cache files are decoded and checked: 10,000 entries
    make some 40,000 containers, none in a cycle, and collecting as they came cost some 15%
    of the warm load (bench/bench_core.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def write_record(folder: Path, key: str, record: FileRecord) -> None:
    stored = stored_record(record)
    if stored is None:
        return  # a record JSON cannot hold: parsed every time, as without a cache
    write_json(folder / f"{key}{SUFFIX}", key, stored)
    # A killed write's temporary file is named after a file that may never be written again.
    remove_stale_temporaries(folder / key, any_name=True)
    with contextlib.suppress(OSError):
        _prune(folder)


def read_json(path: Path, source: str) -> Any:
    """A cache file's JSON value, or None unless its header names `source` and its checksum
    matches (a missing file, one of another format, or a damaged one)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, _, payload = data.partition(b"\n")
    if header != _header(source, payload):
        return None
    try:
        return json.loads(payload)
    except (ValueError, RecursionError):
        return None  # cannot happen with a matching checksum, unless the file was forged


def write_json(path: Path, source: str, value: Any) -> None:
    """Store a value for `source`; a cache we cannot write is not an error, only slower."""
    with contextlib.suppress(OSError, ValueError):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)
        payload = text.encode("utf-8")
        atomic_write(path, _header(source, payload) + b"\n" + payload)


def _header(source: str, payload: bytes) -> bytes:
    """Format, source and checksum. CRC-32 finds every burst of damage up to 32 bits and all
    but one in 4 billion others, at several GB/s: the warm load stays a warm load."""
    name = source.encode("ascii")  # a hex digest
    return b"%s %s %08x" % (FORMAT, name, zlib.crc32(payload, zlib.crc32(name)))


def _prune(folder: Path) -> None:
    files = [p for s in (SUFFIX, ".blocks", *_OLD_SUFFIXES) for p in folder.glob(f"*{s}")]
    if len(files) <= _KEEP:
        return
    files.sort(key=lambda p: p.stat().st_mtime)
    for old in files[: len(files) - _KEEP]:
        with contextlib.suppress(OSError):
            os.unlink(old)
