"""The SQLite cache: results with TTLs, history, registry responses, damage, concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citations.config import default_cache_path
from citations.links.model import OUTCOMES
from citations.net.cache import HISTORY_KEEP, TTL, Cache
from citations.net.cachefile import SCHEMA


def _payload(
    url: str, outcome: str = "ok", status: int | None = 200, **more: Any
) -> dict[str, Any]:
    return {"url": url, "kind": "url", "outcome": outcome, "status": status, **more}


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    with Cache.open(tmp_path / "cache.sqlite") as opened:
        yield opened
    assert opened.notes == []


def test_a_result_comes_back_as_it_was_stored(cache: Cache) -> None:
    payload = _payload(
        "https://example.org/ü", detail="301 then 200", redirects=[[301, "https://x.org/"]]
    )
    cache.put_result(payload, ttl=60)
    assert cache.get_result("url", "https://example.org/ü") == payload
    assert cache.get_result("doi", "https://example.org/ü") is None  # the kind is in the key
    assert cache.get_result("url", "https://example.org/other") is None


@pytest.mark.parametrize(
    ("now", "fresh"),
    [
        pytest.param(1000.0, True, id="just-stored"),
        pytest.param(1059.9, True, id="before-expiry"),
        pytest.param(1060.0, False, id="at-expiry"),
        pytest.param(5000.0, False, id="long-after"),
    ],
)
def test_a_result_expires_after_its_ttl(cache: Cache, now: float, fresh: bool) -> None:
    cache.put_result(_payload("https://a.org/"), ttl=60, now=1000.0)
    assert (cache.get_result("url", "https://a.org/", now=now) is not None) is fresh
    assert cache.get_result("url", "https://a.org/", now=now, allow_stale=True) is not None


def test_a_new_result_replaces_the_old_one_and_both_stay_in_history(cache: Cache) -> None:
    cache.put_result(_payload("https://a.org/", "transient", 503), ttl=60, now=100.0)
    cache.put_result(_payload("https://a.org/", "broken", 404), ttl=60, now=200.0)
    assert cache.get_result("url", "https://a.org/", now=201.0) == _payload(
        "https://a.org/", "broken", 404
    )
    assert cache.history("url", "https://a.org/") == [
        (200.0, "broken", 404),
        (100.0, "transient", 503),
    ]
    assert cache.stats() == {"results": 1, "history": 2, "responses": 0}


def test_history_is_newest_first_limited_and_bounded(cache: Cache) -> None:
    for run in range(HISTORY_KEEP + 10):
        outcome = "broken" if run % 2 else "ok"
        cache.put_result(_payload("https://a.org/", outcome, None), ttl=60, now=float(run))
    cache.put_result(_payload("https://b.org/"), ttl=60, now=0.0)
    full = cache.history("url", "https://a.org/", limit=1000)
    assert [at for at, _, _ in full] == [float(run) for run in reversed(range(10, 60))]
    assert cache.history("url", "https://a.org/", limit=3) == [
        (59.0, "broken", None),
        (58.0, "ok", None),
        (57.0, "broken", None),
    ]
    assert cache.history("url", "https://b.org/") == [(0.0, "ok", 200)]
    assert cache.history("url", "https://never.org/") == []


def test_excluded_results_are_never_stored(cache: Cache) -> None:
    cache.put_result(_payload("https://a.org/", "excluded", None), ttl=60)
    assert cache.get_result("url", "https://a.org/") is None
    assert cache.history("url", "https://a.org/") == []


def test_ttls_cover_every_stored_outcome_long_medium_short() -> None:
    assert set(TTL) == set(OUTCOMES) - {"excluded"}
    assert TTL["ok"] > TTL["ok-with-warning"] > TTL["broken"] > TTL["transient"]


def test_registry_responses_are_kept_with_their_ttl(cache: Cache) -> None:
    key = "crossref:works:10.1371/journal.pone.0150367"
    body = b'{"status": "ok"}\x00\xff'
    cache.put_response(key, 200, body, {"Content-Type": "application/json"}, ttl=60, now=100.0)
    expected = (200, body, {"Content-Type": "application/json"})
    assert cache.get_response(key, now=159.0) == expected
    assert cache.get_response(key, now=160.0) is None
    assert cache.get_response(key, now=10_000.0, allow_stale=True) == expected
    assert cache.get_response("crossref:works:10.1000/none", allow_stale=True) is None
    cache.put_response(key, 404, b"", {}, ttl=60, now=200.0)
    assert cache.get_response(key, now=201.0) == (404, b"", {})


def test_prune_deletes_what_expired_before_the_cutoff(cache: Cache) -> None:
    cache.put_result(_payload("https://old.org/"), ttl=10, now=0.0)  # expires at 10
    cache.put_result(_payload("https://new.org/"), ttl=10, now=0.0)
    cache.put_result(_payload("https://new.org/"), ttl=1000, now=50.0)  # expires at 1050
    cache.put_response("old", 200, b"", {}, ttl=10, now=0.0)
    cache.put_response("new", 200, b"", {}, ttl=1000, now=0.0)
    # old result + its history row + old response; new.org keeps both history rows
    assert cache.prune(older_than=100.0) == 3
    assert cache.stats() == {"results": 1, "history": 2, "responses": 1}
    assert cache.get_result("url", "https://new.org/", now=100.0) is not None
    assert cache.history("url", "https://old.org/") == []
    assert cache.prune(older_than=100.0) == 0


def test_a_second_cache_on_the_file_sees_what_the_first_wrote(tmp_path: Path) -> None:
    with Cache.open(tmp_path / "c.sqlite") as first, Cache.open(tmp_path / "c.sqlite") as second:
        first.put_result(_payload("https://a.org/"), ttl=60)
        assert second.get_result("url", "https://a.org/") == _payload("https://a.org/")
    with Cache.open(tmp_path / "c.sqlite") as again:
        assert again.get_result("url", "https://a.org/") == _payload("https://a.org/")
        assert again.notes == []


def test_open_creates_the_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "cache.sqlite"
    with Cache.open(path) as cache:
        cache.put_result(_payload("https://a.org/"), ttl=60)
    assert path.is_file()


def test_a_closed_cache_is_only_a_miss(tmp_path: Path) -> None:
    cache = Cache.open(tmp_path / "c.sqlite")
    cache.close()
    cache.close()
    cache.put_result(_payload("https://a.org/"), ttl=60)
    assert cache.get_result("url", "https://a.org/") is None
    assert cache.history("url", "https://a.org/") == []
    assert cache.stats() == {}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\xffnot a database" * 300, id="garbage"),
        pytest.param(b"@article{key, title={A}}\n", id="short-text"),
        pytest.param(b"SQLite format 3\x00" + b"\x07" * 5000, id="bad-header"),
    ],
)
def test_a_damaged_file_is_moved_aside_and_rebuilt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "cache.sqlite"
    path.write_bytes(content)
    (tmp_path / "mine.txt").write_text("keep me")
    with Cache.open(path) as cache:
        cache.put_result(_payload("https://a.org/"), ttl=60)
        assert cache.get_result("url", "https://a.org/") is not None
        assert cache.path == path
        assert len(cache.notes) == 1
    [aside] = tmp_path.glob("cache.sqlite.corrupt-*")
    assert aside.read_bytes() == content
    assert (tmp_path / "mine.txt").read_text() == "keep me"
    with Cache.open(path) as again:
        assert again.get_result("url", "https://a.org/") is not None
        assert again.notes == []


def test_damage_found_during_a_run_rebuilds_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    with Cache.open(path) as cache:
        for n in range(300):
            cache.put_result(_payload(f"https://a.org/{n}"), ttl=60, now=0.0)
    with Cache.open(path) as cache:
        size = path.stat().st_size
        with path.open("r+b") as handle:  # every page past the first two
            handle.seek(8192)
            handle.write(b"\xff" * (size - 8192))
        assert cache.get_result("url", "https://a.org/299", now=1.0) is None
        cache.put_result(_payload("https://b.org/"), ttl=60)
        assert cache.get_result("url", "https://b.org/") is not None
        assert cache.notes
    assert len(list(tmp_path.glob("cache.sqlite.corrupt-*"))) == 1


@pytest.mark.parametrize("version", [pytest.param("99", id="newer"), pytest.param("0", id="older")])
def test_a_cache_of_another_schema_version_is_rebuilt_in_place(
    tmp_path: Path, version: str
) -> None:
    path = tmp_path / "cache.sqlite"
    with Cache.open(path) as cache:
        cache.put_result(_payload("https://a.org/"), ttl=60)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (version,))
        db.execute("CREATE TABLE future (x)")
    db.close()
    with Cache.open(path) as cache:
        assert cache.notes == []
        assert cache.stats() == {"results": 0, "history": 0, "responses": 0}
        cache.put_result(_payload("https://a.org/"), ttl=60)
        assert cache.get_result("url", "https://a.org/") is not None
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert db.execute("SELECT value FROM meta").fetchall() == [(str(SCHEMA),)]
    db.close()
    assert "future" not in tables
    assert list(tmp_path.glob("cache.sqlite.*")) == []


def test_someone_elses_database_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema', '7')")
    db.close()
    before = path.read_bytes()
    with Cache.open(path) as cache:
        assert cache.path is None and cache.notes
        cache.put_result(_payload("https://a.org/"), ttl=60)  # in memory, for this run
        assert cache.get_result("url", "https://a.org/") is not None
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.sqlite"]


def test_an_unusable_folder_gives_a_cache_in_memory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with Cache.open(tmp_path / "file" / "cache.sqlite") as cache:
        assert cache.path is None and cache.notes
        cache.put_response("k", 200, b"x", {}, ttl=60)
        assert cache.get_response("k") == (200, b"x", {})


def _write_many(path: str, prefix: str, barrier: Any, notes: Any) -> None:
    barrier.wait(timeout=20)  # both processes open the new file and write at the same time
    with Cache.open(Path(path)) as cache:
        for n in range(200):
            cache.put_result(_payload(f"https://{prefix}.org/{n}"), ttl=60)
        notes.put(cache.notes)


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like two runs
    barrier, notes = context.Barrier(2), context.Queue()
    path = str(tmp_path / "cache.sqlite")
    workers = [
        context.Process(target=_write_many, args=(path, prefix, barrier, notes))
        for prefix in ("one", "two")
    ]
    for worker in workers:
        worker.start()
    reported = [notes.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert reported == [[], []]  # no "database is locked", nothing swallowed
    with Cache.open(Path(path)) as cache:
        assert cache.stats() == {"results": 400, "history": 400, "responses": 0}


def test_threads_share_one_cache(cache: Cache) -> None:
    failures: list[str] = []

    def work(thread: int) -> None:
        for n in range(100):
            url = f"https://t{thread}.org/{n}"
            cache.put_result(_payload(url), ttl=60)
            if cache.get_result("url", url) is None:
                failures.append(url)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert cache.stats() == {"results": 800, "history": 800, "responses": 0}


def test_the_default_path_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.setenv("CITATIONS_CACHE_DIR", str(tmp_path))
    assert default_cache_path() == tmp_path / "cache.sqlite"
    monkeypatch.setenv("CITATIONS_CACHE_DIR", "")
    assert default_cache_path() is None
    monkeypatch.delenv("CITATIONS_CACHE_DIR")
    expected = Path(platformdirs.user_cache_dir("citations")) / "cache.sqlite"
    assert default_cache_path() == expected
