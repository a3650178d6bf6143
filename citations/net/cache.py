"""The SQLite cache of link results, their history, and raw registry responses, with TTLs."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

_T = TypeVar("_T")

SCHEMA = 1  # bump on any change to _TABLES: a cache of another version is rebuilt in place
APPLICATION_ID = 0x43495443  # "CITC" in the file header: tells our cache from other databases
HISTORY_KEEP = 50  # history rows kept per URL: enough for "failed N of the last M runs"
BUSY_TIMEOUT = 30.0  # seconds a write waits for another run's write before giving up

# Seconds a result stays fresh, per outcome. "excluded" is never stored.
TTL: dict[str, float] = {
    "ok": 7 * 86400, "ok-with-warning": 3 * 86400, "broken": 86400, "blocked": 86400,
    "tls-error": 86400, "transient": 3600,
}  # fmt: skip

_TABLES = (
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
_DAMAGE = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def chosen_cache_path(
    config: Config, options: Mapping[str, Any], section: str = "links"
) -> Path | None:
    """The cache a command uses: none with `no_cache`; `cache` (--cache FILE); else the
    config's `[section] cache`, relative to the config file; else the default."""
    if options.get("no_cache"):
        return None
    if options.get("cache"):
        return Path(options["cache"])
    configured = config.sections.get(section, {}).get("cache")
    if configured:
        return (config.path.parent if config.path else Path.cwd()) / str(configured)
    return default_cache_path()


def default_cache_path() -> Path | None:
    """$CITATIONS_CACHE_DIR/cache.sqlite ("" turns the cache off), else the user cache folder."""
    env = os.environ.get("CITATIONS_CACHE_DIR")
    if env is not None:
        return Path(env) / "cache.sqlite" if env else None
    import platformdirs  # loaded on use: importing citations stays light

    return Path(platformdirs.user_cache_dir("citations")) / "cache.sqlite"


if TYPE_CHECKING:
    from ..config import Config


class Cache:
    """One SQLite file shared by concurrent runs (WAL, busy timeout, BEGIN IMMEDIATE writes).

    Within a process, one connection serves every thread behind a lock: each call is a few
    short statements, so a thread pool waiting on the network hardly ever contends for it.
    Nothing here raises for a cache problem: a damaged file is moved aside and rebuilt, a file
    that cannot be used at all gives an in-memory cache, and what happened is in `notes`.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None, notes: list[str]) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()
        self._identity = _identity(path) if path is not None else None
        self.path = path  # None: in memory, for this run only
        self.notes = notes  # what went wrong with the cache, for people; never fatal

    @classmethod
    def open(cls, path: Path) -> Cache:
        """Open (creating the folders, file and tables) the cache at `path`."""
        path = Path(path)
        notes: list[str] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            notes.append(f"cannot create {path.parent} ({error}); caching in memory")
            return cls(_memory(), None, notes)
        conn = _open_file(path, notes)
        return cls(conn, path, notes) if conn is not None else cls(_memory(), None, notes)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def get_result(
        self, kind: str, url: str, now: float | None = None, *, allow_stale: bool = False
    ) -> dict[str, Any] | None:
        """The stored result_to_dict() payload, if it has not expired (or `allow_stale`)."""
        cutoff = float("-inf") if allow_stale else _now(now)
        rows = self._read(
            "SELECT payload FROM results WHERE kind = ? AND url = ? AND expires_at > ?",
            (kind, url, cutoff),
        )
        return _json_object(rows[0][0]) if rows else None

    def put_result(self, payload: dict[str, Any], ttl: float, now: float | None = None) -> None:
        """Store a result for `ttl` seconds and add (now, outcome, status) to its URL's history."""
        if payload["outcome"] == "excluded":
            return  # decided by the settings of each run, not by the link
        at = _now(now)
        kind, url, outcome, status = payload["kind"], payload["url"], payload["outcome"], None
        if isinstance(payload.get("status"), int):
            status = payload["status"]
        checked_at = float(payload.get("checked_at") or at)
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kind, url, text, outcome, status, checked_at, at + ttl),
            )
            conn.execute(
                "INSERT INTO history VALUES (?, ?, ?, ?, ?)", (kind, url, at, outcome, status)
            )
            conn.execute(
                "DELETE FROM history WHERE rowid IN (SELECT rowid FROM history"
                " WHERE kind = ? AND url = ? ORDER BY at DESC, rowid DESC LIMIT -1 OFFSET ?)",
                (kind, url, HISTORY_KEEP),
            )

        self._run(write, None, write=True)

    def history(self, kind: str, url: str, limit: int = 20) -> list[tuple[float, str, int | None]]:
        """The URL's past outcomes, newest first: (at, outcome, status)."""
        rows = self._read(
            "SELECT at, outcome, status FROM history WHERE kind = ? AND url = ?"
            " ORDER BY at DESC, rowid DESC LIMIT ?",
            (kind, url, limit),
        )
        return [(float(at), str(outcome), status) for at, outcome, status in rows]

    def get_response(
        self, key: str, now: float | None = None, *, allow_stale: bool = False
    ) -> tuple[int, bytes, dict[str, str]] | None:
        """A registry response (status, body, headers) if fresh; `allow_stale` for --offline."""
        cutoff = float("-inf") if allow_stale else _now(now)
        rows = self._read(
            "SELECT status, body, headers FROM responses WHERE key = ? AND expires_at > ?",
            (key, cutoff),
        )
        if not rows:
            return None
        status, body, headers = rows[0]
        decoded = _json_object(headers) or {}
        return int(status), bytes(body), {str(k): str(v) for k, v in decoded.items()}

    def put_response(
        self,
        key: str,
        status: int,
        body: bytes,
        headers: dict[str, str],
        ttl: float,
        now: float | None = None,
    ) -> None:
        """Store a registry response for `ttl` seconds under `key` ("crossref:works:<doi>")."""
        at = _now(now)
        row = (key, status, body, json.dumps(headers, ensure_ascii=False), at, at + ttl)
        self._run(
            lambda conn: conn.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)", row
            ),
            None,
            write=True,
        )

    def prune(self, older_than: float) -> int:
        """Delete results and responses expired before `older_than`, and history recorded
        before it for URLs no longer cached; the number of rows deleted."""

        def delete(conn: sqlite3.Connection) -> int:
            return sum(
                conn.execute(sql, (older_than,)).rowcount
                for sql in (
                    "DELETE FROM results WHERE expires_at < ?",
                    "DELETE FROM responses WHERE expires_at < ?",
                    "DELETE FROM history WHERE at < ? AND NOT EXISTS (SELECT 1 FROM results r"
                    " WHERE r.kind = history.kind AND r.url = history.url)",
                )
            )

        return self._run(delete, 0, write=True)

    def stats(self) -> dict[str, int]:
        """Rows per table."""
        tables = ("results", "history", "responses")
        sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in tables)
        rows = self._read(sql, ())
        return dict(zip(tables, map(int, rows[0]), strict=True)) if rows else {}

    def _read(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        return self._run(lambda conn: conn.execute(sql, args).fetchall(), [], write=False)

    def _run(self, work: Callable[[sqlite3.Connection], _T], default: _T, *, write: bool) -> _T:
        """Run `work` under the lock (in one IMMEDIATE transaction if it writes); on a cache
        error, note it and return `default`."""
        with self._lock:
            conn = self._conn
            if conn is None:
                return default
            try:
                if not write:
                    return work(conn)
                # IMMEDIATE takes the write lock up front: a deferred transaction that has read
                # could not wait for another writer (SQLITE_BUSY despite the busy timeout).
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = work(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                return result
            except sqlite3.Error as error:
                _note(self.notes, f"cache error: {error}")
                if _damaged(error) and self.path is not None:
                    self._rebuild(self.path)
                return default

    def _rebuild(self, path: Path) -> None:
        """The file went bad during the run: move it aside and carry on with a fresh one."""
        if self._conn is not None:
            self._conn.close()
        _move_aside(path, self._identity, self.notes)
        conn = _open_file(path, self.notes)
        self._conn = conn if conn is not None else _memory()
        self.path = path if conn is not None else None
        self._identity = _identity(path) if conn is not None else None


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _note(notes: list[str], text: str) -> None:
    if text not in notes and len(notes) < 20:  # one bad disk should not fill a report
        notes.append(text)


def _damaged(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DAMAGE


def _memory() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    for sql in _TABLES:
        conn.execute(sql)
    return conn


def _open_file(path: Path, notes: list[str]) -> sqlite3.Connection | None:
    """A ready connection to the cache file; a damaged file is moved aside once and replaced.
    None when the file cannot serve as a cache (the caller then caches in memory)."""
    for attempt in range(2):
        seen = _identity(path)
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
            )
            if _prepare(conn):
                return conn
            conn.close()
            _note(notes, f"{path} is an SQLite database but not a citations cache: left as is")
            return None
        except sqlite3.Error as error:
            if conn is not None:
                conn.close()
            if not _damaged(error) or attempt:
                _note(notes, f"cannot use {path} ({error}); caching in memory")
                return None
            _move_aside(path, seen, notes)
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
            for sql in _TABLES:
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
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
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


def _identity(path: Path | str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _move_aside(path: Path, seen: tuple[int, int] | None, notes: list[str]) -> None:
    """Rename a damaged cache (and its WAL files) to <name>.corrupt-<time>; never delete it.

    `seen` is the file found damaged. Runs that find it damaged at once take turns (a lock
    file), and each moves it only if it is still there: not the fresh cache another run has
    just put in its place.
    """
    try:
        with _exclusive(path.with_name(f"{path.name}.lock")):
            if seen is None or _identity(path) != seen:
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
        _note(notes, f"cannot move the damaged cache {path} aside ({error})")
        return
    _note(notes, f"the cache {path} was damaged; moved it to {target.name} and started afresh")


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
