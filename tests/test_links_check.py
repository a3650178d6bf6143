"""Link checking against real servers on 127.0.0.1: one test per outcome, limits and the cache."""

from __future__ import annotations

import dataclasses
import datetime
import errno
import http.client
import itertools
import json
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import trustme
import urllib3

from citations.links.check import refusal
from citations.links.classify import Seen, classify, classify_doi, soft_404
from citations.links.model import LinkSettings, Place, Result, Target, result_to_dict
from citations.links.run import check_targets
from citations.net.cache import TTL
from citations.net.errors import ConnectTimeout, NetError, describe_error
from citations.net.http import Client, parse_retry_after
from citations.net.settings import HttpConfig

from conftest import ROOT
from linkserver import LinkServer, Request, answer, closed_port, in_turn, per_method, redirect

PDF = "application/pdf"
FAST = LinkSettings(
    concurrency=8, per_host=4, connect_timeout=0.5, read_timeout=0.3, deadline=20.0,
    retries=2, backoff=0.01, backoff_max=0.05, retry_after_max=2.0, max_body=4096,
)  # fmt: skip


def settings(**changes: Any) -> LinkSettings:
    return dataclasses.replace(FAST, **changes)


def check(url: str, **changes: Any) -> Result:
    place = Place("refs/a.bib", 3, key="a")
    [result] = check_targets([Target(url, "url", (place,))], settings(**changes))
    assert result.places == (place,)
    return result


def timed(url: str, **changes: Any) -> tuple[Result, float]:
    start = time.monotonic()
    result = check(url, **changes)
    return result, time.monotonic() - start


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with LinkServer() as running:
        yield running


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def methods(server: LinkServer, path: str | None = None) -> list[str]:
    return [hit.method for hit in server.hits(path)]


# --- ok, redirects -------------------------------------------------------------------------


def test_ok_page_is_fetched_with_exactly_one_request(server: LinkServer) -> None:
    server.route("/paper", answer(200, "<title>A trial of acupuncture</title>"))
    result = check(server.url("/paper"))
    assert (result.outcome, result.status, result.detail) == ("ok", 200, "200 OK")
    assert (result.attempts, result.redirects, result.final_url) == (1, [], server.url("/paper"))
    assert methods(server) == ["GET"]  # one GET reads the status and the title (soft 404s)
    assert server.hits()[0].headers["user-agent"] == FAST.user_agent


def test_ok_non_page_needs_one_get(server: LinkServer) -> None:
    server.route("/paper.pdf", answer(200, b"%PDF-1.7", content_type=PDF))
    assert check(server.url("/paper.pdf")).outcome == "ok"
    assert methods(server) == ["GET"]


def test_301_chain_is_recorded_and_reported_as_permanent(server: LinkServer) -> None:
    server.route("/a", redirect("/b"))
    server.route("/b", redirect(server.url("/c"), 308))
    server.route("/c", answer(200, b"", content_type=PDF))
    result = check(server.url("/a"))
    assert result.outcome == "ok-with-warning"
    assert result.redirects == [(301, server.url("/b")), (308, server.url("/c"))]
    assert result.permanent_redirect == server.url("/c") == result.final_url
    assert result.status == 200 and "redirected" in result.detail


def test_temporary_redirect_is_not_permanent(server: LinkServer) -> None:
    server.route("/a", redirect("/b", 301))
    server.route("/b", redirect("/c", 302))
    server.route("/c", answer(200, b"", content_type=PDF))
    result = check(server.url("/a"))
    assert (result.outcome, result.permanent_redirect) == ("ok-with-warning", None)


def test_a_cookie_set_on_a_redirect_goes_with_the_next_hop(server: LinkServer) -> None:
    """A cookie wall: the page redirects to itself with a cookie until it gets one back
    (without cookies kept for the next hop, that is a redirect loop)."""

    def wall(req: Request) -> None:
        if "seen=1" in req.headers.get("cookie", ""):
            req.reply(200, "<title>The article</title>")
        else:
            req.reply(302, headers={"Location": "/article", "Set-Cookie": "seen=1; Path=/"})

    server.route("/article", wall)
    result = check(server.url("/article"))
    assert result.outcome == "ok-with-warning" and result.status == 200
    assert len(server.hits("/article")) == 2


def test_redirect_loop_is_broken(server: LinkServer) -> None:
    server.route("/x", redirect("/y", 302))
    server.route("/y", redirect("/x", 302))
    result = check(server.url("/x"))
    assert (result.outcome, result.status) == ("broken", 302)
    assert result.detail.startswith("redirect loop")
    assert len(server.hits()) <= 5


def test_too_many_redirects_is_broken(server: LinkServer) -> None:
    for i in range(6):
        server.route(f"/r{i}", redirect(f"/r{i + 1}"))
    result = check(server.url("/r0"), max_redirects=3)
    assert result.outcome == "broken" and result.detail.startswith("too many redirects")
    assert len(server.hits()) == 4


def test_http_to_https_on_the_same_path_is_a_warning(ca: trustme.CA, ca_file: str) -> None:
    with LinkServer(tls=ca) as secure, LinkServer() as plain:
        plain.route("/paper", redirect(secure.url("/paper")))
        secure.route("/paper", answer(200, b"", content_type=PDF))
        result = check(plain.url("/paper"), ca_bundle=ca_file)
    assert (result.outcome, result.detail) == ("ok-with-warning", "redirected from http to https")
    assert result.permanent_redirect == secure.url("/paper")


def test_redirect_to_another_scheme_is_refused(server: LinkServer) -> None:
    server.route("/file", redirect("ftp://files.example.org/file.pdf"))
    result = check(server.url("/file"))
    assert result.outcome == "broken" and "non-http(s)" in result.detail
    assert result.redirects == [(301, "ftp://files.example.org/file.pdf")]
    assert len(server.hits()) == 1


def test_redirect_to_the_home_page_is_a_soft_404(server: LinkServer) -> None:
    server.route("/articles/42", redirect("/", 302))
    server.route("/", answer(200, "<title>Welcome to the Journal</title>"))
    result = check(server.url("/articles/42"))
    assert result.outcome == "broken" and result.detail.startswith("soft 404: redirected")


# --- statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        pytest.param(404, "broken", id="404"),
        pytest.param(410, "broken", id="410"),
        pytest.param(403, "blocked", id="403-bot-block"),
        pytest.param(401, "blocked", id="401"),
        pytest.param(999, "blocked", id="999-linkedin"),
        pytest.param(400, "broken", id="400"),
    ],
)
def test_status_outcomes(server: LinkServer, status: int, outcome: str) -> None:
    server.route("/p", answer(status, "<title>Nope</title>"))
    result = check(server.url("/p"))
    assert (result.outcome, result.status, result.attempts) == (outcome, status, 1)
    assert methods(server) == ["GET"]


def test_500_then_200_is_retried(server: LinkServer) -> None:
    server.route("/flaky", in_turn(answer(500), answer(200, b"", content_type=PDF)))
    result = check(server.url("/flaky"))
    assert (result.outcome, result.status, result.attempts) == ("ok", 200, 2)


def test_500_for_ever_is_transient_after_the_retries(server: LinkServer) -> None:
    server.route("/down", answer(502))
    result = check(server.url("/down"), retries=2)
    assert (result.outcome, result.status, result.attempts) == ("transient", 502, 3)
    assert "after 3 attempts" in result.detail
    assert len(server.hits()) == 3


def test_429_with_retry_after_is_waited_out_and_warned(server: LinkServer) -> None:
    server.route("/busy", in_turn(answer(429, headers={"Retry-After": "1"}), answer(200)))
    result = check(server.url("/busy"))
    assert (result.outcome, result.status, result.attempts) == ("ok-with-warning", 200, 2)
    assert "rate-limited" in result.detail
    first, second = server.hits()[:2]
    assert second.started - first.started >= 0.9  # Retry-After: 1 was honoured


def test_429_for_ever_is_transient(server: LinkServer) -> None:
    server.route("/busy", answer(429))
    result = check(server.url("/busy"), retries=1)
    assert (result.outcome, result.status, result.attempts) == ("transient", 429, 2)


def test_huge_retry_after_is_not_waited_for(server: LinkServer) -> None:
    server.route("/busy", answer(429, headers={"Retry-After": "86400"}))
    result, elapsed = timed(server.url("/busy"))
    assert (result.outcome, result.status, result.attempts) == ("transient", 429, 1)
    assert "Retry-After 86400 s" in result.detail
    assert elapsed < 2.0 and len(server.hits()) == 1


def test_a_page_that_refuses_head_is_ok(server: LinkServer) -> None:
    server.route("/p", per_method(HEAD=answer(405), GET=answer(200, b"%PDF", content_type=PDF)))
    result = check(server.url("/p"))
    assert (result.outcome, result.status) == ("ok", 200)
    assert methods(server) == ["GET"]


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        pytest.param({"cf-mitigated": "challenge"}, "", 403, id="cf-mitigated-header"),
        pytest.param({}, "<title>Just a moment...</title>challenge-platform", 503, id="503-page"),
    ],
)
def test_challenge_pages_are_blocked_and_not_retried(
    server: LinkServer, headers: dict[str, str], body: str, status: int
) -> None:
    server.route("/p", answer(status, body, headers=headers))
    result = check(server.url("/p"))
    assert (result.outcome, result.status, result.attempts) == ("blocked", status, 1)
    assert "challenge" in result.detail


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<title>Page not found – Example</title>", id="title"),
        pytest.param("<title>Example</title><h1>404</h1><p>Sorry.</p>", id="h1-404"),
        pytest.param(
            "<title>X</title><h1>The page you requested no longer available</h1>", id="gone"
        ),
    ],
)
def test_soft_404_page(server: LinkServer, body: str) -> None:
    server.route("/p", answer(200, body))
    result = check(server.url("/p"))
    assert (result.outcome, result.status) == ("broken", 200)
    assert result.detail.startswith("soft 404")


def test_a_page_about_404_errors_is_ok(server: LinkServer) -> None:
    body = "<title>Handling HTTP 404 responses</title><p>A page not found is a 404.</p>"
    server.route("/p", answer(200, body))
    assert check(server.url("/p")).outcome == "ok"


# --- bounded time and size -----------------------------------------------------------------


def test_slow_headers_time_out(server: LinkServer) -> None:
    def stall(req: Request) -> None:
        if req.sleep(5):
            req.reply(200)

    server.route("/slow", stall)
    result, elapsed = timed(server.url("/slow"), retries=0)
    assert (result.outcome, result.status) == ("transient", None)
    assert result.detail.startswith("read timeout")
    assert elapsed < 3.0


def test_slow_body_beyond_the_timeout_keeps_the_answer(server: LinkServer) -> None:
    def stall_body(req: Request) -> None:
        req.start(200, {"Content-Type": "text/html"}, 10_000)
        if req.method == "GET":
            req.write(b"<html><title>Slow</title>")
            req.sleep(5)

    server.route("/slow", stall_body)
    result, elapsed = timed(server.url("/slow"))
    assert (result.outcome, result.status) == ("ok", 200)
    assert "the body stopped early" in result.note
    assert elapsed < 3.0


def trickle(req: Request, prefix: bytes) -> None:
    req.write(prefix)
    while req.write(b"a") and req.sleep(0.05):
        pass


def test_headers_trickled_byte_by_byte_are_cut_by_the_wall_clock(server: LinkServer) -> None:
    server.route("/drip", lambda req: trickle(req, b"HTTP/1.1 200 OK\r\nX-Pad: "))
    result, elapsed = timed(server.url("/drip"), retries=0, connect_timeout=0.2, read_timeout=0.2)
    assert result.outcome == "transient" and result.detail.startswith("timeout: no complete")
    assert elapsed < 3.0


def test_body_trickled_byte_by_byte_is_cut_by_the_wall_clock(server: LinkServer) -> None:
    def drip(req: Request) -> None:  # a page: its first bytes are read (soft-404 detection)
        req.start(200, {"Content-Type": "text/html"}, 1_000_000)
        trickle(req, b"<html><body>")

    server.route("/drip", per_method(HEAD=answer(405), GET=drip))
    result, elapsed = timed(server.url("/drip"), connect_timeout=0.2, read_timeout=0.2)
    assert (result.outcome, result.status) == ("ok", 200)
    assert "no complete answer within" in result.note
    assert elapsed < 3.0


@pytest.mark.parametrize(
    ("content_type", "length"),
    [
        pytest.param("application/octet-stream", True, id="file"),
        pytest.param("text/html", True, id="page"),
        pytest.param("text/html", False, id="page-of-no-stated-length"),
    ],
)
def test_50_mb_body_is_not_downloaded(server: LinkServer, content_type: str, length: bool) -> None:
    size = 50 * 1024 * 1024

    def huge(req: Request) -> None:
        req.start(200, {"Content-Type": content_type}, size if length else None)
        chunk, sent = b"x" * 65536, 0
        while sent < size and req.write(chunk):
            sent += len(chunk)
        req.server.state["sent"] = sent

    server.route("/huge", per_method(HEAD=answer(405), GET=huge))
    result, elapsed = timed(server.url("/huge"))
    assert (result.outcome, result.status) == ("ok", 200)
    assert elapsed < 3.0
    deadline = time.monotonic() + 5
    while "sent" not in server.state and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.state["sent"] < size // 4  # what the socket buffers took, not the body


# --- network failures ----------------------------------------------------------------------


def test_connection_reset_is_transient_and_retried(server: LinkServer) -> None:
    server.route("/reset", lambda req: req.reset())
    result = check(server.url("/reset"), retries=1)
    assert (result.outcome, result.status, result.attempts) == ("transient", None, 2)
    assert result.detail.startswith("connection reset")
    assert methods(server) == ["GET", "GET"]


def test_connection_refused_is_broken() -> None:
    result = check(f"http://127.0.0.1:{closed_port()}/paper")
    assert (result.outcome, result.detail, result.attempts) == ("broken", "connection refused", 1)


def test_untrusted_certificate(ca: trustme.CA) -> None:
    with LinkServer(tls=ca) as secure:
        result = check(secure.url("/p"))
    assert result.outcome == "tls-error" and "self-signed or untrusted" in result.detail


def test_trusted_certificate_is_ok(ca: trustme.CA, ca_file: str) -> None:
    with LinkServer(tls=ca) as secure:
        secure.route("/p", answer(200, b"", content_type=PDF))
        assert check(secure.url("/p"), ca_bundle=ca_file).outcome == "ok"


def test_expired_certificate(ca: trustme.CA, ca_file: str) -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    past = now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)
    with LinkServer(tls=ca, not_before=past[0], not_after=past[1]) as secure:
        result = check(secure.url("/p"), ca_bundle=ca_file)
    assert result.outcome == "tls-error" and "expired" in result.detail


def test_hostname_mismatch(ca: trustme.CA, ca_file: str) -> None:
    with LinkServer(tls=ca, identities=("example.org",)) as secure:
        result = check(secure.url("/p"), ca_bundle=ca_file)
    assert result.outcome == "tls-error" and "does not match the host name" in result.detail


def test_no_private_refuses_loopback_without_a_request(server: LinkServer) -> None:
    result = check(server.url("/p"), allow_private=False)
    assert result.outcome == "broken" and "loopback, private or link-local" in result.detail
    assert server.hits() == []


def test_no_private_holds_when_the_name_rebinds_to_loopback(
    server: LinkServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name resolves to a public address when checked, then to 127.0.0.1
    when connected to. The connected socket's peer is what is refused: no request arrives."""
    server.route("/p", answer(200, "<title>inside</title>"))
    real = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        asked.append(host)
        address = "8.8.8.8" if len(asked) == 1 else "127.0.0.1"  # never connected to
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = server.url("/p").replace("127.0.0.1", "rebind.test")
    result = check(url, allow_private=False)
    assert len(asked) >= 2  # checked, then connected
    assert result.outcome == "broken", result.detail
    assert result.detail.endswith("rebind.test is 127.0.0.1 (--no-private)"), result.detail
    assert server.hits() == []
    allowed = check(url)
    assert allowed.outcome == "ok" and len(server.hits()) >= 1


def test_the_network_layer_refuses_a_private_peer_itself(server: LinkServer) -> None:
    server.route("/p", answer(200, "x"))
    with Client(HttpConfig("t", public_only=True, retries=0)) as client:
        exchange = client.request("GET", server.url("/p"))
    assert exchange.response is None and exchange.error is not None
    assert exchange.error.kind == "private"
    assert server.hits() == []


def test_user_agent_and_per_host_headers_are_sent(server: LinkServer) -> None:
    server.route("/p", answer(200, b"", content_type=PDF))
    headers = {"127.0.0.1": {"X-Polite": "yes"}}
    check(server.url("/p"), user_agent="bibbot/1 (mailto:x@example.org)", host_headers=headers)
    [hit] = server.hits()
    assert hit.headers["user-agent"] == "bibbot/1 (mailto:x@example.org)"
    assert hit.headers["x-polite"] == "yes"


def test_excluded_urls_are_not_requested(server: LinkServer) -> None:
    result = check(server.url("/private/p"), exclude=(r"/private/",))
    assert (result.outcome, result.attempts) == ("excluded", 0)
    assert server.hits() == []


@pytest.mark.parametrize(
    ("url", "outcome"),
    [
        pytest.param("http://", "broken", id="no-host"),
        pytest.param("example.org/paper", "broken", id="no-scheme"),
        pytest.param("http://exa mple.org/", "broken", id="space"),
        pytest.param("http://example.org:99999/", "broken", id="bad-port"),
        pytest.param("htp://example.org/paper", "broken", id="scheme-typo"),
        pytest.param("ftp://example.org/paper.pdf", "excluded", id="ftp-not-checked"),
        pytest.param("mailto:someone@example.org", "excluded", id="mailto-not-checked"),
    ],
)
def test_unusable_urls_are_not_requested(url: str, outcome: str) -> None:
    result = check(url)
    assert (result.outcome, result.attempts, result.status) == (outcome, 0, None)


# --- limits and the deadline ---------------------------------------------------------------


def slow_pdf(req: Request) -> None:
    req.sleep(0.1)
    req.reply(200, b"", content_type=PDF)


@pytest.mark.parametrize(
    ("limits", "most"),
    [
        pytest.param({}, 2, id="per-host"),
        pytest.param({"127.0.0.1": (1, 0.0)}, 1, id="host-limits"),
    ],
)
def test_per_host_concurrency_is_respected(
    server: LinkServer, limits: dict[str, tuple[int, float]], most: int
) -> None:
    server.route("/p/*", slow_pdf)
    targets = [Target(server.url(f"/p/{i}"), "url", ()) for i in range(8)]
    results = check_targets(targets, settings(per_host=2, host_limits=limits))
    assert [r.outcome for r in results] == ["ok"] * 8
    assert len(server.hits()) == 8 and server.max_overlap() <= most


def test_per_host_interval_spaces_the_requests(server: LinkServer) -> None:
    server.route("/p/*", answer(200, b"", content_type=PDF))
    targets = [Target(server.url(f"/p/{i}"), "url", ()) for i in range(4)]
    check_targets(targets, settings(host_interval=0.1))
    starts = [hit.started for hit in server.hits()]
    assert all(b - a >= 0.05 for a, b in itertools.pairwise(starts))


def test_the_deadline_leaves_the_rest_transient(server: LinkServer) -> None:
    def stall(req: Request) -> None:
        if req.sleep(5):
            req.reply(200)

    server.route("/p/*", stall)
    targets = [Target(server.url(f"/p/{i}"), "url", ()) for i in range(4)]
    start = time.monotonic()
    results = check_targets(
        targets, settings(deadline=0.5, concurrency=1, per_host=1, read_timeout=3.0)
    )
    assert time.monotonic() - start < 2.5
    assert {(r.outcome, r.detail) for r in results} == {
        ("transient", "not checked: the run's deadline passed")
    }
    assert len(server.hits()) == 1


def test_identical_targets_are_checked_once_and_progress_is_reported(server: LinkServer) -> None:
    server.route("/p", answer(200, b"", content_type=PDF))
    places = [Place("a.bib", 1, key="a"), Place("b.md", 7)]
    targets = [Target(server.url("/p"), "url", (p,)) for p in places]
    calls: list[tuple[int, int]] = []
    results = check_targets(targets, FAST, progress=lambda done, total: calls.append((done, total)))
    assert [r.places for r in results] == [(places[0],), (places[1],)]
    assert len(server.hits()) == 1 and calls == [(1, 2), (2, 2)]


# --- DOIs ----------------------------------------------------------------------------------


def handle_api(req: Request) -> None:
    doi = req.path.removeprefix("/api/handles/")
    landing = "http://publisher.invalid/landing"
    if doi.startswith("10.1234/found"):
        values = [{"index": 1, "type": "URL", "data": {"format": "string", "value": landing}}]
        body = {"responseCode": 1, "handle": doi, "values": values}
        req.reply(200, json.dumps(body), content_type="application/json")
    else:
        req.reply(404, json.dumps({"responseCode": 100}), content_type="application/json")


def check_doi(server: LinkServer, doi: str) -> Result:
    [result] = check_targets([Target(doi, "doi", ())], settings(doi_base=server.url("")))
    return result


def test_doi_found_through_the_handle_api(server: LinkServer) -> None:
    server.route("/api/handles/*", handle_api)
    result = check_doi(server, "10.1234/found.5")
    assert (result.outcome, result.kind, result.status) == ("ok", "doi", 200)
    assert result.final_url == "http://publisher.invalid/landing"  # recorded, never requested
    assert "not visited" in result.note
    assert [(h.method, h.path) for h in server.hits()] == [("GET", "/api/handles/10.1234/found.5")]


def test_doi_not_registered(server: LinkServer) -> None:
    server.route("/api/handles/*", handle_api)
    result = check_doi(server, "10.1002/(SICI)1097-4571(199205)43:4<284::AID-ASI3>3.0.CO;2-0")
    assert (result.outcome, result.status) == ("broken", 404)
    assert result.detail.startswith("DOI not registered")
    assert "%3C284" in server.hits()[0].path  # percent-encoded, as a path segment


def test_doi_with_the_handle_api_unreachable_is_transient() -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    [result] = check_targets([Target("10.1234/x", "doi", ())], settings(doi_base=base))
    assert result.outcome == "transient" and "handle API could not be reached" in result.detail


def test_doi_handle_api_trouble_is_retried(server: LinkServer) -> None:
    server.route("/api/handles/*", in_turn(answer(503), handle_api))
    result = check_doi(server, "10.1234/found")
    assert (result.outcome, result.attempts) == ("ok", 2)


# --- the cache -----------------------------------------------------------------------------


class FakeCache:
    """The three methods of citations.net.cache.Cache the checker uses, in memory."""

    def __init__(self) -> None:
        self.results: dict[tuple[str, str], dict[str, Any]] = {}
        self.past: dict[tuple[str, str], list[tuple[float, str, int | None]]] = {}
        self.ttls: list[float] = []

    def get_result(self, kind: str, url: str, now: float | None = None) -> dict[str, Any] | None:
        return self.results.get((kind, url))

    def put_result(self, payload: dict[str, Any], ttl: float, now: float | None = None) -> None:
        key = (payload["kind"], payload["url"])
        self.results[key] = payload
        self.ttls.append(ttl)
        entry = (payload["checked_at"], payload["outcome"], payload["status"])
        self.past.setdefault(key, []).insert(0, entry)

    def history(self, kind: str, url: str, limit: int = 20) -> list[tuple[float, str, int | None]]:
        return self.past.get((kind, url), [])[:limit]


def test_a_fresh_cached_result_needs_no_request(server: LinkServer) -> None:
    cache = FakeCache()
    stored = Result(server.url("/p"), "url", "ok", status=200, detail="200 OK", checked_at=5.0)
    cache.results[("url", stored.url)] = result_to_dict(stored)
    place = Place("a.bib", 2, key="a")
    [result] = check_targets([Target(stored.url, "url", (place,))], FAST, cache)
    assert (result.outcome, result.from_cache, result.places) == ("ok", True, (place,))
    assert server.hits() == [] and cache.ttls == []


def test_results_are_stored_with_their_ttl_and_history(server: LinkServer) -> None:
    server.route("/gone", answer(410))
    cache, url = FakeCache(), server.url("/gone")
    cache.past[("url", url)] = [(30.0, "broken", 410), (20.0, "transient", 503), (10.0, "ok", 200)]
    [result] = check_targets([Target(url, "url", ())], FAST, cache)
    assert (result.outcome, result.from_cache) == ("broken", False)
    assert cache.ttls == [TTL["broken"]]
    assert (result.failing_since, result.recent_failures, result.recent_runs) == (20.0, 3, 4)


def test_excluded_results_are_not_stored(server: LinkServer) -> None:
    cache = FakeCache()
    check_targets([Target(server.url("/x"), "url", ())], settings(exclude=("/x",)), cache)
    assert cache.results == {}


# --- pure parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seen", "outcome", "detail"),
    [
        pytest.param(Seen("u", 200, "OK"), "ok", "200 OK", id="ok"),
        pytest.param(Seen("u", 404, "Not Found"), "broken", "404 Not Found", id="404"),
        pytest.param(Seen("u", 418), "blocked", "418: the server refuses robots", id="418"),
        pytest.param(Seen("u", 412), "blocked", "412: the server refuses robots", id="412"),
        pytest.param(Seen("u", 407), "blocked", "407: proxy authentication required", id="407"),
        pytest.param(Seen("u", 503, attempts=4), "transient", "503 after 4 attempts", id="503"),
        pytest.param(Seen("u", error="dns-nxdomain"), "broken", "DNS: no such host", id="nx"),
        pytest.param(
            Seen("u", error="dns-temporary"), "transient", "DNS temporarily unavailable", id="eai"
        ),
        pytest.param(Seen("u", error="refused"), "broken", "connection refused", id="refused"),
        pytest.param(
            Seen("u", 200, rate_limited=True), "ok-with-warning", "rate-limited, then 200", id="429"
        ),
        pytest.param(
            Seen("http://h/p", 200, redirects=((301, "https://h/p"),)),
            "ok-with-warning",
            "redirected from http to https",
            id="https",
        ),
        pytest.param(
            Seen("http://h/p", 200, redirects=((302, "http://h/"),), final_url="http://h/"),
            "broken",
            "soft 404: redirected to the home page http://h/",
            id="home",
        ),
        pytest.param(
            Seen("http://h/", 200, redirects=((301, "https://h/"),), final_url="https://h/"),
            "ok-with-warning",
            "redirected from http to https",
            id="home-to-home",
        ),
    ],
)
def test_classify(seen: Seen, outcome: str, detail: str) -> None:
    assert classify(seen) == (outcome, detail)


def test_classify_accepts_configured_codes() -> None:
    assert classify(Seen("u", 403), frozenset({200, 403})).outcome == "ok"


@pytest.mark.parametrize(
    ("title", "soft"),
    [
        pytest.param("404 - Not Found", True, id="404-title"),
        pytest.param("Error 404 | Site", True, id="error-404"),
        pytest.param("Not Found", True, id="not-found"),
        pytest.param("This document does not exist", True, id="does-not-exist"),
        pytest.param("RFC 2404: HMAC-SHA-1-96", False, id="rfc"),
        pytest.param("Why the signal was not found in 2019", False, id="paper-title"),
        pytest.param("Free will does not exist", False, id="no-subject"),
    ],
)
def test_soft_404_titles(title: str, soft: bool) -> None:
    body = f"<html><title>{title}</title></html>".encode()
    assert (soft_404(body, {"content-type": "text/html"}) is not None) is soft


def test_classify_doi_codes() -> None:
    found = b'{"responseCode": 1, "values": []}'
    assert classify_doi(200, found)[0].outcome == "ok"
    assert classify_doi(404, b'{"responseCode": 100}')[0].outcome == "broken"
    assert classify_doi(500, b"")[0].outcome == "transient"
    assert classify_doi(None, b"", "refused")[0].outcome == "transient"  # doi.org, not the DOI


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        pytest.param(socket.gaierror(socket.EAI_NONAME, "Name unknown"), "dns-nxdomain", id="nx"),
        pytest.param(socket.gaierror(socket.EAI_AGAIN, "Try again"), "dns-temporary", id="again"),
        pytest.param(ConnectionRefusedError(errno.ECONNREFUSED, "x"), "refused", id="refused"),
        pytest.param(ConnectionResetError(errno.ECONNRESET, "x"), "reset", id="reset"),
        pytest.param(OSError(errno.ENETUNREACH, "x"), "unreachable", id="unreachable"),
        pytest.param(ssl.SSLEOFError(8, "EOF"), "reset", id="tls-eof"),
        pytest.param(ConnectTimeout("no connection"), "connect-timeout", id="connect-timeout"),
        pytest.param(TimeoutError("timed out"), "read-timeout", id="read-timeout"),
        pytest.param(http.client.RemoteDisconnected("closed"), "reset", id="disconnected"),
        pytest.param(http.client.IncompleteRead(b"ab", 10), "reset", id="incomplete"),
        pytest.param(http.client.LineTooLong("header line"), "reset", id="line-too-long"),
        pytest.param(requests.exceptions.InvalidURL("bad"), "invalid-url", id="invalid-url"),
        pytest.param(urllib3.exceptions.LocationParseError("x"), "invalid-url", id="unparsable"),
    ],
)
def test_describe_error(error: BaseException, kind: str) -> None:
    wrapped = RuntimeError("outer")
    wrapped.__cause__ = error
    assert describe_error(wrapped) == NetError(kind, describe_error(error).message)


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 60) == 60.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_only_the_network_layer_and_the_checker_import_requests() -> None:
    names = ("http", "errors", "connections", "transport", "body")
    layer = {Path(f"citations/net/{name}.py") for name in names}
    allowed = layer | {Path("citations/links/check.py")}
    others = ("httpx", "aiohttp", "urllib3", "http.client", "urllib.request", "pycurl")
    offenders = []
    for path in (ROOT / "citations").rglob("*.py"):
        text, rel = path.read_text("utf-8"), path.relative_to(ROOT)
        imports = [
            line.split() for line in text.splitlines() if line.startswith(("import ", "from "))
        ]
        names = {words[1] for words in imports if len(words) > 1}
        if rel not in allowed and any(n == "requests" or n.startswith("requests.") for n in names):
            offenders.append(str(rel))
        foreign = {n for n in names for o in others if n == o or n.startswith(f"{o}.")}
        if rel not in layer and foreign:
            offenders.append(f"{rel} (another HTTP library)")
    assert offenders == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        pytest.param("http://10.1.2.3/x", "private", id="private"),
        pytest.param("http://169.254.169.254/latest/meta-data", "private", id="link-local"),
        pytest.param("http://[::1]:8080/", "private", id="ipv6-loopback"),
        pytest.param("http://[::ffff:127.0.0.1]/", "private", id="ipv4-mapped"),
        pytest.param("http://100.64.0.1/", "private", id="shared-address-space"),
        pytest.param("http://93.184.216.34/", None, id="public"),
        pytest.param("mailto:someone@example.org", "bad-scheme", id="scheme"),
    ],
)
def test_every_hop_is_screened(url: str, kind: str | None) -> None:
    refused = refusal(url, settings(allow_private=False))  # literal addresses: no DNS query
    assert (refused[0] if refused else None) == kind
