"""`links` on content from many hands: --no-private through a proxy, passwords in URLs, control
characters from servers, and Retry-After on a HEAD. Real servers on 127.0.0.1 throughout."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citations.links.check import refusal
from citations.links.model import LinkSettings, Place, Result, Target
from citations.links.report import FORMATS, link_findings, render_report
from citations.links.run import check_targets
from citations.net.cache import Cache
from citations.net.connections import Endpoint, endpoint
from citations.net.credentials import redact
from citations.reporters import ReportMeta

from linkserver import ForwardProxy, LinkServer, Request, answer, in_turn, redirect

FAST = LinkSettings(
    concurrency=4, per_host=4, connect_timeout=0.5, read_timeout=0.5, deadline=20.0,
    retries=1, backoff=0.01, backoff_max=0.05, retry_after_max=3.0, max_body=4096,
)  # fmt: skip
PUBLIC = "93.184.215.14"  # what the test's resolver says pub.example is: a global address
BIB = "refs/a.bib"


def check(url: str, cache: Cache | None = None, **changes: Any) -> Result:  # one URL, one place
    settings = dataclasses.replace(FAST, **changes)
    [result] = check_targets([Target(url, "url", (Place(BIB, 3, 3, "a"),))], settings, cache)
    return result


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with LinkServer() as running:
        yield running


@pytest.fixture
def meta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReportMeta:
    monkeypatch.chdir(tmp_path)
    return ReportMeta("links", "1.2.3", {}, tmp_path)


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    """A forward proxy every http:// request goes through, as requests reads HTTP_PROXY; and a
    resolver that says pub.example is a public address (the name never leaves the test)."""
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host).lower().rstrip(".") == "pub.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port or 80))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with ForwardProxy() as running:
        for name in ("no_proxy", "all_proxy", "https_proxy"):
            monkeypatch.delenv(name, raising=False)
            monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.setenv("HTTP_PROXY", running.url)
        monkeypatch.setenv("http_proxy", running.url)
        yield running


# --- --no-private through a proxy ----------------------------------------------------------


def test_requests_really_go_through_the_proxy(server: LinkServer, proxy: ForwardProxy) -> None:
    server.route("/p", answer(200, b"%PDF", content_type="application/pdf"))
    assert check(server.url("/p")).outcome == "ok"
    assert proxy.asked == [server.url("/p")] and len(server.hits("/p")) == 1


def test_no_private_refuses_a_backslash_host_through_a_proxy(
    server: LinkServer, proxy: ForwardProxy
) -> None:
    """urlsplit reads the host as pub.example (public), urllib3 as 127.0.0.1: through the
    proxy no connected-socket check can catch it, so the URL is never requested."""
    server.route("/*", answer(200, "<title>inside</title>"))
    url = f"http://127.0.0.1:{server.port}\\@pub.example/x"
    result = check(url, allow_private=False)
    assert result.outcome == "broken", result.detail
    assert "ambiguous" in result.detail
    assert proxy.asked == [] and server.hits() == []


def test_no_private_vets_the_host_the_proxy_is_asked_for(
    server: LinkServer, proxy: ForwardProxy
) -> None:
    server.route("/*", answer(200, "<title>inside</title>"))
    result = check(server.url("/x"), allow_private=False)
    assert result.outcome == "broken" and "127.0.0.1" in result.detail
    assert proxy.asked == [] and server.hits() == []


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://127.0.0.1:8080\\@pub.example/x", id="backslash-before-at"),
        pytest.param("http://pub.example\\@127.0.0.1/x", id="backslash-after-host"),
        pytest.param("http://pub.example\t.127.0.0.1/", id="tab"),
        pytest.param("http://pub.example/\n", id="newline"),
        pytest.param("http://pub.example\x00.evil/", id="nul"),
        pytest.param("http://2130706433/", id="decimal-ipv4"),
        pytest.param("http://0x7f.1/", id="hex-ipv4"),
        pytest.param("http://127.1/", id="short-ipv4"),
    ],
)
def test_ambiguous_hosts_are_refused_under_no_private(url: str) -> None:
    assert isinstance(endpoint(url), str)
    refused = refusal(url, dataclasses.replace(FAST, allow_private=False))
    assert refused is not None and refused[0] == "ambiguous-host"
    assert refusal(url, FAST) is None  # without --no-private nothing is vetted


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://user:pw@Pub.Example:8080/x", Endpoint("pub.example", 8080), id="auth"),
        pytest.param("https://bücher.example/", Endpoint("xn--bcher-kva.example", 443), id="idn"),
        pytest.param("http://[::1]/", Endpoint("::1", 80), id="ipv6"),
        pytest.param("https://medium.com/@someone/post", Endpoint("medium.com", 443), id="at"),
    ],
)
def test_the_endpoint_is_the_host_urllib3_connects_to(url: str, expected: Endpoint) -> None:
    assert endpoint(url) == expected


# --- passwords in URLs ---------------------------------------------------------------------

SECRET = "https://alice:s3cret@pub.example/x"
CREDENTIALED = (
    Result(
        SECRET, "url", "broken", 404, f"404 Not Found: {SECRET} said so",
        redirects=[(302, "https://bob:hunter2@pub.example/y")],
        final_url="https://bob:hunter2@pub.example/y",
        note=f"HEAD answered 200; GET failed ({SECRET})", places=(Place(BIB, 3, 3, "a"),),
    ),
    Result(
        "http://tok3n@old.example/", "url", "ok-with-warning", 200, "moved permanently",
        redirects=[(301, "https://bob:hunter2@new.example/")],
        permanent_redirect="https://bob:hunter2@new.example/", places=(Place(BIB, 9, 3, "b"),),
    ),
)  # fmt: skip


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in FORMATS])
def test_no_report_format_shows_a_password(fmt: str, meta: ReportMeta) -> None:
    out = render_report(CREDENTIALED, fmt, meta)
    assert "s3cret" not in out and "hunter2" not in out and "tok3n" not in out
    assert "alice:***@pub.example" in out or "alice:%2A%2A%2A@pub.example" in out


def test_findings_show_no_password() -> None:
    text = " ".join(f"{f.message} {f.hint}" for f in link_findings(CREDENTIALED))
    assert "s3cret" not in text and "hunter2" not in text and "tok3n" not in text
    assert "alice:***@pub.example" in text and "bob:***@new.example" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("https://u:p@h/x", "https://u:***@h/x", id="password"),
        pytest.param("http://token@h/", "http://***@h/", id="user-only"),
        pytest.param(
            "ftp://a:b:c@d/ and http://e:f@g/", "ftp://a:***@d/ and http://e:***@g/", id="several"
        ),
        pytest.param("http://a@b@c.example/", "http://***@c.example/", id="two-ats"),
        pytest.param("https://medium.com/@someone", "https://medium.com/@someone", id="path"),
        pytest.param("mailto:someone@example.org", "mailto:someone@example.org", id="mailto"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_the_cache_holds_no_password(server: LinkServer, tmp_path: Path) -> None:
    server.route("/gone", answer(404, "<title>Not Found</title>"))
    server.route("/moved", redirect(server.url("/gone").replace("//", "//bob:hunter2@")))
    url = server.url("/moved").replace("//", "//alice:s3cret@")
    with Cache.open(tmp_path / "cache" / "links.sqlite") as cache:
        first = check(url, cache)
    assert first.outcome == "broken"
    assert server.hits("/moved")[0].headers.get("authorization")  # the password was used
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").iterdir())
    assert b"s3cret" not in stored and b"hunter2" not in stored
    assert b"alice:***@127.0.0.1" in stored
    with Cache.open(tmp_path / "cache" / "links.sqlite") as cache:
        again = check(url, cache)
        assert again.from_cache and again.outcome == "broken"
        assert cache.history("url", url)  # looked up by the URL as written
    assert "s3cret" not in again.url and "hunter2" not in again.detail


# --- control characters from servers -------------------------------------------------------

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
NASTY = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil\x08\r"
CONTROLLED = (
    Result(
        "https://pub.example/a", "url", "broken", 404, f"404 {NASTY}",
        redirects=[(302, f"https://pub.example/b{NASTY}")], note=f"note {NASTY}",
        places=(Place(BIB, 3, 3, f"k{NASTY}"),),
    ),
    Result(
        "https://pub.example/c", "url", "blocked", 403, "403 Forbidden", note=NASTY,
        places=(Place(BIB, 5, 3, "c"),),
    ),
)  # fmt: skip


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in FORMATS])
def test_every_format_escapes_control_characters(fmt: str, meta: ReportMeta) -> None:
    out = render_report(CONTROLLED, fmt, meta)
    assert CONTROL.search(out) is None, repr(CONTROL.search(out))
    if fmt == "json":  # JSON escapes them its own way: the value is still the server's
        assert json.loads(out)["results"][0]["detail"] == f"404 {NASTY}"
        return
    if fmt == "sarif":
        out = " ".join(r["message"]["text"] for r in json.loads(out)["runs"][0]["results"])
    assert "\\x1b" in out and "pwned\\x07" in out  # shown, as escapes


def test_a_reason_phrase_with_escapes_is_inert_in_annotations(
    server: LinkServer, meta: ReportMeta
) -> None:
    def evil(req: Request) -> None:
        req._handler.send_response(404, "Gone \x1b]8;;https://x.example\x07here\x1b[0m")
        req._handler.send_header("Content-Length", "0")
        req._handler.end_headers()
        req.answered = True

    server.route("/p", evil)
    result = check(server.url("/p"))
    assert "\x1b" in result.detail  # the value is what the server said
    out = render_report([result], "github", meta)
    assert out.startswith("::error ") and out.count("\n") == 1
    assert CONTROL.search(out) is None and "\\x1b]8;;" in out


# --- Retry-After on a 503 -------------------------------------------------------------------


def test_a_503_with_retry_after_delays_the_next_attempt(server: LinkServer) -> None:
    busy = in_turn(
        answer(503, headers={"Retry-After": "2"}),
        answer(200, b"%PDF", content_type="application/pdf"),
    )
    server.route("/busy", busy)
    result = check(server.url("/busy"))
    first, second = server.hits("/busy")[:2]
    assert (first.method, second.method) == ("GET", "GET")
    assert second.started - first.ended >= 1.8, second.started - first.ended
    assert result.outcome in ("ok", "ok-with-warning"), result.detail
