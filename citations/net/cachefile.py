"""The cache's file: opening it shared between runs (WAL, busy timeout), telling it from other
databases, rebuilding another version's in place, and moving a damaged one aside."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

SCHEMA = 1  # bump on any change to TABLES: a cache of another version is rebuilt in place
APPLICATION_ID = 0x43495443  # "CITC" in the file header: tells our cache from other databases
BUSY_TIMEOUT = 30.0  # seconds a write waits for another run's write before giving up

TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS results (kind TEXT NOT NULL, url TEXT NOT NULL,"
    " payload TEXT NOT NULL, outcome TEXT NOT NULL, status INTEGER, checked_at REAL NOT NULL,"
    " expires_at REAL NOT NULL, PRIMARY KEY (kind, url))",
    "CREATE TABLE IF NOT EXISTS history (kind TEXT NOT NULL, url TEXT NOT NULL,"
    " at REAL NOT NULL, outcome TEXT NOT NULL, status INTEGER)",
    "CREATE INDEX IF NOT EXISTS history_by_url ON history (kind, url, at)",
    "CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, status INTEGER NOT NULL,"
    " body BLOB NOT NULL, headers TEXT NOT NULL, fetched_at REAL NOT NULL,"
    " expires_at REAL NOT NULL)",
)
# SQLite's primary result codes (stable in its C API). Python 3.10's sqlite3 names none of them
# and gives its errors no code, so the code is read from the message there (`error_code`).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CORRUPT, SQLITE_NOTADB = 5, 6, 11, 26
DAMAGE = {SQLITE_CORRUPT, SQLITE_NOTADB}
_CODE_OF_MESSAGE = {
    "database is locked": SQLITE_BUSY,
    "database table is locked": SQLITE_LOCKED,
    "database disk image is malformed": SQLITE_CORRUPT,
    "file is not a database": SQLITE_NOTADB,
}


def note(notes: list[str], text: str) -> None:
    if text not in notes and len(notes) < 20:  # one bad disk should not fill a report
        notes.append(text)


def error_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code of `error` (None when it cannot be told)."""
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return int(code) & 0xFF
    message = str(error).lower()
    return next((c for text, c in _CODE_OF_MESSAGE.items() if message.startswith(text)), None)


def damaged(error: sqlite3.Error) -> bool:
    return error_code(error) in DAMAGE


def memory() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    for sql in TABLES:
        conn.execute(sql)
    return conn


def open_file(path: Path, notes: list[str]) -> sqlite3.Connection | None:
    """A ready connection to the cache file; a damaged file is moved aside once and replaced.
    None when the file cannot serve as a cache (the caller then caches in memory)."""
    for attempt in range(2):
        seen = identity(path)
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
            )
            if _prepare(conn):
                return conn
            conn.close()
            note(notes, f"{path} is an SQLite database but not a citations cache: left as is")
            return None
        except sqlite3.Error as error:
            if conn is not None:
                conn.close()
            if not damaged(error) or attempt:
                note(notes, f"cannot use {path} ({error}); caching in memory")
                return None
            move_aside(path, seen, notes)
    return None


def _prepare(conn: sqlite3.Connection) -> bool:
    """Make the tables ready; False when the file is somebody else's database."""
    if not _ours(conn):
        return False  # checked before the journal mode, which would change their file
    # WAL lets readers go on while one run writes; NORMAL sync is safe in WAL (a crash may
    # lose the last writes, never corrupt the file) and spares an fsync per result.
    _use_wal(conn)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not _ours(conn):  # another program filled the empty file meanwhile
            conn.execute("ROLLBACK")
            return False
        names = dict(
            conn.execute(
                "SELECT name, type FROM sqlite_master"
                " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            ).fetchall()
        )
        row = None
        if "meta" in names:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != str(SCHEMA):
            # Another version's cache (older, or newer after a downgrade) is rebuilt in place,
            # which keeps runs of two versions from piling up moved-aside files.
            for name, kind in names.items():
                escaped = name.replace('"', '""')
                conn.execute(f'DROP {kind.upper()} IF EXISTS "{escaped}"')
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            for sql in TABLES:
                conn.execute(sql)
            conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL once per file. The switch does not wait through the busy timeout when
    another run is opening the new file at the same moment, so it is retried here."""
    deadline, pause = time.monotonic() + BUSY_TIMEOUT, 0.005
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return  # a file system without WAL support keeps its mode: slower, still correct
        except sqlite3.OperationalError as error:
            if error_code(error) not in (SQLITE_BUSY, SQLITE_LOCKED):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def _ours(conn: sqlite3.Connection) -> bool:
    """An empty database, or one marked with our application id (a foreign `meta` table is
    not enough to drop someone's tables). One statement: one snapshot, even while another run
    is creating the tables."""
    app_id, objects = conn.execute(
        "SELECT (SELECT application_id FROM pragma_application_id()),"
        " (SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')"
    ).fetchone()
    return bool(app_id == APPLICATION_ID or not objects)


def identity(path: Path | str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def move_aside(path: Path, seen: tuple[int, int] | None, notes: list[str]) -> None:
    """Rename a damaged cache (and its WAL files) to <name>.corrupt-<time>; never delete it.

    `seen` is the file found damaged. Runs that find it damaged at once take turns (a lock
    file), and each moves it only if it is still there: not the fresh cache another run has
    just put in its place.
    """
    try:
        with _exclusive(path.with_name(f"{path.name}.lock")):
            if seen is None or identity(path) != seen:
                return
            stamp = time.strftime("%Y%m%d-%H%M%S")
            target, n = path.with_name(f"{path.name}.corrupt-{stamp}"), 1
            while target.exists():
                n += 1
                target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
            # The WAL files first: once the main file has moved, a fresh cache takes their names.
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.replace(f"{path}{suffix}", f"{target}{suffix}")
            os.replace(path, target)
    except OSError as error:
        note(notes, f"cannot move the damaged cache {path} aside ({error})")
        return
    note(notes, f"the cache {path} was damaged; moved it to {target.name} and started afresh")


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock` (created if need be) across processes."""
    with lock.open("a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # retries for 10 s, then raises
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
            yield
