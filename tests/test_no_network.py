"""Offline is not broken: with no name resolution at all, `links` and `verify` say "could not
check" (exit 4) and record nothing as broken; one unknown host in a working run stays broken."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from citations.config import ENVIRONMENT

from conftest import ROOT
from linkserver import LinkServer, answer

EXAMPLE = "articles/acupuncture-for-hip-pain.md"


def resolver(known: dict[str, str], errno: int = socket.EAI_NONAME) -> Callable[..., Any]:
    """socket.getaddrinfo answering only the `known` names (and address literals)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in known:
            return real(known[name], *args, **kwargs)
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in name else socket.AF_INET, name)
        except OSError:
            raise socket.gaierror(errno, "no resolver answers here") from None
        return real(host, *args, **kwargs)

    return getaddrinfo


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("refs", "articles"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "citations.toml", tmp_path / "citations.toml")
    for variable in ENVIRONMENT.values():  # the registries' real addresses, never reached
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


@pytest.mark.parametrize(
    "errno",
    [pytest.param(socket.EAI_NONAME, id="no-such-name"),
     pytest.param(socket.EAI_AGAIN, id="temporary-failure")],
)  # fmt: skip
def test_links_offline_exits_4_and_records_nothing_as_broken(
    run, example: Path, monkeypatch: pytest.MonkeyPatch, errno: int
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", resolver({}, errno))
    result = run("links", "--timeout", "2", "-f", "json",
                 "--cache", "c.sqlite", cwd=example)  # fmt: skip
    assert result.code == 4, result.err
    assert "no network: no host name could be resolved" in result.err
    results = json.loads(result.out)["results"]
    assert {r["url"] for r in results} >= {
        "https://www.mayoclinic.org/diseases-conditions/osteoarthritis/symptoms-causes/syc-20351925",
        "10.1371/journal.pone.0150367",
    }
    assert {r["outcome"] for r in results} == {"transient"}
    assert {r["detail"] for r in results} == {"no network: no host name could be resolved"}
    with sqlite3.connect(example / "c.sqlite") as db:
        assert db.execute("SELECT count(*) FROM results").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM history").fetchone() == (0,)

    claims = run("claims", EXAMPLE, "--format", "json", "--cache", "c.sqlite", cwd=example)
    assert claims.code in (0, 1), claims.err
    codes = {flag["code"] for flag in json.loads(claims.out)["flags"]}
    assert "cites-broken-reference" not in codes


def test_an_unknown_host_in_a_working_run_is_broken(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LinkServer() as server:
        server.route("/ok", answer(200, "<title>Fine</title>"))
        port = server.url("/").split(":")[2].split("/")[0]
        monkeypatch.setattr(socket, "getaddrinfo", resolver({"pub.example": "127.0.0.1"}))
        (tmp_path / "refs").mkdir()
        (tmp_path / "refs" / "lib.bib").write_text(
            f"@online{{up, title = {{Up}}, url = {{http://pub.example:{port}/ok}}}}\n"
            "@online{gone, title = {Gone}, url = {http://gone.example/page}}\n",
            "utf-8",
        )
        result = run("links", "-f", "json", "--no-cache", cwd=tmp_path)
    assert result.code == 1, result.err
    assert "no network" not in result.err
    by_url = {r["url"]: r for r in json.loads(result.out)["results"]}
    assert by_url[f"http://pub.example:{port}/ok"]["outcome"] == "ok"
    gone = by_url["http://gone.example/page"]
    assert gone["outcome"] == "broken"
    assert gone["detail"] == "DNS: no such host: no resolver answers here"


def test_links_on_address_literals_alone_is_not_offline(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing needed a name: no DNS failure, so nothing to call offline."""
    with LinkServer() as server:
        server.route("/ok", answer(200, "<title>Fine</title>"))
        monkeypatch.setattr(socket, "getaddrinfo", resolver({}))
        (tmp_path / "refs").mkdir()
        (tmp_path / "refs" / "lib.bib").write_text(
            f"@online{{up, title = {{Up}}, url = {{{server.url('/ok')}}}}}\n", "utf-8"
        )
        result = run("links", "--no-cache", cwd=tmp_path)
    assert result.code == 0, result.err
    assert "no network" not in result.err


def test_verify_with_no_registry_reachable_exits_4(
    run, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", resolver({}))
    result = run("verify", "--no-cache", "-f", "json", cwd=example)
    assert result.code == 4, result.err
    assert "no registry could be reached: 6 entries could not be verified" in result.err
    verdicts = {r["verdict"] for r in json.loads(result.out)["results"]}
    assert verdicts == {"unverifiable"}


def test_verify_with_a_registry_answering_is_not_offline(run, fake, tmp_path: Path) -> None:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "lib.bib").write_text(
        "@article{x, title = {Nothing like it}, author = {Nobody, A}, year = {2020},"
        " doi = {10.5555/nothing.registered}}\n",
        "utf-8",
    )
    result = run("verify", "--no-cache", cwd=tmp_path)
    assert result.code != 4, result.err
    assert "no registry could be reached" not in result.err
