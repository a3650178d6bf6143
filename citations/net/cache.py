"""The SQLite cache of link results, their history, and raw registry responses, with TTLs.

No password written into a URL reaches the file: keys and payloads are stored with URLs'
credentials redacted (`user:***@`), and looked up the same way.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from .cachefile import damaged, identity, memory, move_aside, note, open_file
from .credentials import redact

_T = TypeVar("_T")

HISTORY_KEEP = 50  # history rows kept per URL: enough for "failed N of the last M runs"

# Seconds a result stays fresh, per outcome. "excluded" is never stored.
TTL: dict[str, float] = {
    "ok": 7 * 86400,
    "ok-with-warning": 3 * 86400,
    "broken": 86400,
    "blocked": 86400,
    "tls-error": 86400,
    "transient": 3600,
}


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
        self.identity = identity(path) if path is not None else None
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
            return cls(memory(), None, notes)
        conn = open_file(path, notes)
        return cls(conn, path, notes) if conn is not None else cls(memory(), None, notes)

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
            (kind, redact(url), cutoff),
        )
        return _json_object(rows[0][0]) if rows else None

    def put_result(self, payload: dict[str, Any], ttl: float, now: float | None = None) -> None:
        """Store a result for `ttl` seconds and add (now, outcome, status) to its URL's history."""
        self.put_results([payload], ttl, now)

    def put_results(
        self, payloads: Sequence[dict[str, Any]], ttl: float, now: float | None = None
    ) -> None:
        """`put_result` for many, in one transaction (a thousand verdicts: one commit)."""
        at = _now(now)
        rows = []
        for payload in payloads:
            if payload["outcome"] == "excluded":
                continue  # decided by the settings of each run, not by the link
            payload = _redacted(payload)
            status = payload["status"] if isinstance(payload.get("status"), int) else None
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            checked_at = float(payload.get("checked_at") or at)
            rows.append(
                (payload["kind"], payload["url"], text, payload["outcome"], status, checked_at)
            )
        if not rows:
            return

        def write(conn: sqlite3.Connection) -> None:
            for kind, url, text, outcome, status, checked_at in rows:
                conn.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (kind, url, text, outcome, status, checked_at, at + ttl),
                )
                conn.execute(
                    "INSERT INTO history VALUES (?, ?, ?, ?, ?)", (kind, url, at, outcome, status)
                )
                conn.execute(
                    "DELETE FROM history WHERE rowid IN (SELECT rowid FROM history WHERE"
                    " kind = ? AND url = ? ORDER BY at DESC, rowid DESC LIMIT -1 OFFSET ?)",
                    (kind, url, HISTORY_KEEP),
                )

        self._run(write, None, write=True)

    def history(self, kind: str, url: str, limit: int = 20) -> list[tuple[float, str, int | None]]:
        """The URL's past outcomes, newest first: (at, outcome, status)."""
        rows = self._read(
            "SELECT at, outcome, status FROM history WHERE kind = ? AND url = ?"
            " ORDER BY at DESC, rowid DESC LIMIT ?",
            (kind, redact(url), limit),
        )
        return [(float(at), str(outcome), status) for at, outcome, status in rows]

    def get_response(
        self, key: str, now: float | None = None, *, allow_stale: bool = False
    ) -> tuple[int, bytes, dict[str, str]] | None:
        """A registry response (status, body, headers) if fresh; `allow_stale` for --offline."""
        cutoff = float("-inf") if allow_stale else _now(now)
        rows = self._read(
            "SELECT status, body, headers FROM responses WHERE key = ? AND expires_at > ?",
            (redact(key), cutoff),
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
        text = json.dumps(_redacted(headers), ensure_ascii=False)
        row = (redact(key), status, body, text, at, at + ttl)
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
                note(self.notes, f"cache error: {error}")
                if damaged(error) and self.path is not None:
                    self._rebuild(self.path)
                return default

    def _rebuild(self, path: Path) -> None:
        """The file went bad during the run: move it aside and carry on with a fresh one."""
        if self._conn is not None:
            self._conn.close()
        move_aside(path, self.identity, self.notes)
        conn = open_file(path, self.notes)
        self._conn = conn if conn is not None else memory()
        self.path = path if conn is not None else None
        self.identity = identity(path) if conn is not None else None


def _redacted(value: Any) -> Any:
    """`value` (JSON-like) with every string in it, keys included, redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {_redacted(k): _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(v) for v in value]
    return value


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
