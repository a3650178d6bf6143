"""Shared fixtures: the repository root, an isolated parse cache, a CLI runner, and the fake
registries."""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from citations.registries.client import Registries

from fakeregistry import FakeRegistry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's cache."""
    monkeypatch.setenv("CITATIONS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """No test touches the internet: a connection to anything but a loopback address is
    refused, and the test that tried fails, naming the address."""
    attempts: list[object] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def outside(sock: socket.socket, address: Any) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return False
        try:
            return not ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback
        except ValueError:
            return True  # a host name here would be resolved beyond our sight

    def connect(sock: socket.socket, address: Any) -> None:
        if outside(sock, address):
            attempts.append(address)
            raise ConnectionRefusedError(errno.ECONNREFUSED, f"tests stay on 127.0.0.1: {address}")
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if outside(sock, address):
            attempts.append(address)
            return errno.ECONNREFUSED
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield attempts
    assert attempts == [], f"the test tried to leave 127.0.0.1: {attempts}"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRegistry]:
    """The fake registries on 127.0.0.1 (tests/fixtures/registry), and CITATIONS_*_URL
    pointing every registry there, so nothing a test starts can reach a real one."""
    with FakeRegistry() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


@pytest.fixture
def registries(fake: FakeRegistry) -> Iterator[Registries]:
    """A Registries client on the fake, with fast rates and short timeouts."""
    with Registries(fake.settings()) as opened:
        yield opened


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run the command line in-process through `citations.cli.main`, as the console script does."""
    from citations.cli import main

    def invoke(*args: str | Path, cwd: Path | None = None) -> Result:
        old = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            try:
                main([str(a) for a in args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            else:  # pragma: no cover - main always exits
                code = 0
        finally:
            os.chdir(old)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def run_process(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run `python -m citations` in a real process, for end-to-end tests."""
    return subprocess.run(
        [sys.executable, "-m", "citations", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def example_evidence(fake: FakeRegistry, cache: Path) -> dict[str, dict[str, Any]]:
    """The shipped example verified against `fake` (its records stored in `cache`), then
    `claims --offline` on its article: each reference's evidence, by key. Run from ROOT."""
    from citations.commands.claims import run_claims_command
    from citations.commands.verify import run_verify_command
    from citations.config import load_config

    config = load_config(ROOT / "citations.toml")
    run_verify_command(config, {"cache": cache}, settings=fake.settings())
    options = {"report_format": "json", "cache": cache, "offline": True}
    path = Path("articles/acupuncture-for-hip-pain.md")
    report = json.loads(run_claims_command(config, [path], options).report)
    return {r["key"]: r["evidence"] for r in report["references"]}


_JUNIT_SCHEMA: list[Any] = []


def junit_schema_errors(report: str) -> list[str]:
    """Every violation of the strict schema Jenkins' xunit plugin applies (junit-10.xsd, MIT,
    from jenkinsci/xunit-plugin), loaded once."""
    import xmlschema

    if not _JUNIT_SCHEMA:
        _JUNIT_SCHEMA.append(xmlschema.XMLSchema(FIXTURES / "reporters" / "junit-10.xsd"))
    return [str(error.reason) for error in _JUNIT_SCHEMA[0].iter_errors(report)]
