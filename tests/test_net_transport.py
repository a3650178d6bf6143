"""The transport under the client (net/transport.py): bodies decoded as sent and bounded as
decoded, connections kept alive and replaced when their server closed them, HTTPS through a
proxy's tunnel, and headers as a server sees them."""

from __future__ import annotations

import gzip
import ssl
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import trustme

from citations.net import transport
from citations.net.http import Client
from citations.net.settings import HttpConfig

from linkserver import ForwardProxy, LinkServer, Request, answer, in_turn

PAGE = b"<!doctype html><title>Hello</title><p>" + b"word " * 2000


def _deflate_raw(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        pytest.param("gzip", gzip.compress, id="gzip"),
        pytest.param("deflate", zlib.compress, id="deflate"),
        pytest.param("deflate", _deflate_raw, id="deflate-without-zlib-header"),
    ],
)
def test_a_compressed_body_is_read_as_it_was_before(
    no_proxy: None, encoding: str, encode: object
) -> None:
    assert callable(encode)
    with LinkServer() as server, Client(HttpConfig("t", retries=0)) as client:
        server.route("/p", answer(200, encode(PAGE), {"Content-Encoding": encoding}))
        exchange = client.request("GET", server.url("/p"))
        [hit] = server.hits("/p")
    assert exchange.response is not None and exchange.response.body == PAGE
    assert not exchange.response.truncated
    assert "gzip" in hit.headers["accept-encoding"] and "deflate" in hit.headers["accept-encoding"]


def test_a_compressed_bomb_is_decoded_no_further_than_the_bound(no_proxy: None) -> None:
    bomb = gzip.compress(b"\0" * (50 << 20))  # 50 MB of zeros in about 50 KB
    with LinkServer() as server, Client(HttpConfig("t", retries=0)) as client:
        server.route("/bomb", answer(200, bomb, {"Content-Encoding": "gzip"}))
        exchange = client.request("GET", server.url("/bomb"), max_body=4096)
    assert exchange.response is not None
    assert exchange.response.body == b"\0" * 4096 and exchange.response.truncated


def test_connections_are_kept_alive_for_the_next_request(no_proxy: None) -> None:
    with LinkServer() as server, Client(HttpConfig("t", retries=0)) as client:
        server.route("/p", answer(200, PAGE))
        statuses = [client.request("GET", server.url("/p")).response for _ in range(5)]
        assert [r.status for r in statuses if r] == [200] * 5
        assert len(server.connections) == 1


@pytest.mark.parametrize(
    "fresh", [pytest.param(0.0, id="seen-closed"), pytest.param(60.0, id="found-closed")]
)
def test_a_connection_its_server_closed_while_idle_is_replaced(
    no_proxy: None, monkeypatch: pytest.MonkeyPatch, fresh: float
) -> None:
    """The server closes after each answer without saying so: the idle connection has
    already ended when the next request would go on it. One idle for long enough is seen to
    be closed before use; a fresh one is found closed by the request, which goes again."""
    monkeypatch.setattr(transport, "FRESH", fresh)

    def answer_then_close(req: Request) -> None:
        req.reply(200, PAGE)
        req._handler.close_connection = True

    with LinkServer() as server, Client(HttpConfig("t", retries=0)) as client:
        server.route("/p", answer_then_close)
        first = client.request("GET", server.url("/p"))
        second = client.request("GET", server.url("/p"))
        assert len(server.connections) == 2
    assert first.response is not None and second.response is not None
    assert second.response.status == 200 and second.attempts == 1


def test_a_connection_closed_under_the_request_is_replaced_once(no_proxy: None) -> None:
    """The server takes the request on the kept-alive connection, then hangs up without a
    word (its keep-alive ran out just then): the request goes again on a new connection, as
    part of the same attempt."""

    def hang_up(req: Request) -> None:
        req._handler.close_connection = True  # no answer at all

    with LinkServer() as server, Client(HttpConfig("t", retries=0)) as client:
        server.route("/p", in_turn(answer(200, PAGE), hang_up, answer(200, b"again")))
        client.request("GET", server.url("/p"))
        again = client.request("GET", server.url("/p"))
        assert len(server.hits("/p")) == 3 and len(server.connections) == 2
    assert again.response is not None and again.response.body == b"again"
    assert again.attempts == 1


def test_a_new_connection_closed_without_an_answer_is_not_tried_again(no_proxy: None) -> None:
    def hang_up(req: Request) -> None:
        req._handler.close_connection = True

    with LinkServer() as server, Client(HttpConfig("t", retries=0)) as client:
        server.route("/p", hang_up)
        exchange = client.request("GET", server.url("/p"))
        assert len(server.hits("/p")) == 1
    assert exchange.response is None and exchange.error is not None
    assert exchange.error.kind == "reset"


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tunnel(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    with ForwardProxy() as proxy:
        for name in ("no_proxy", "all_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
            monkeypatch.delenv(name.upper(), raising=False)
        address = proxy.url.replace("http://", "http://agent:s%40fe@")
        monkeypatch.setenv("HTTPS_PROXY", address)
        monkeypatch.setenv("https_proxy", address)
        yield proxy


def test_https_goes_through_the_proxy_s_tunnel(
    ca: trustme.CA, tmp_path: Path, tunnel: ForwardProxy
) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    with (
        LinkServer(tls=ca) as secure,
        Client(HttpConfig("t", retries=0, verify=str(bundle))) as client,
    ):
        secure.route("/p", answer(200, PAGE))
        exchange = client.request("GET", secure.url("/p"))
        again = client.request("GET", secure.url("/p"))  # on the same tunnel
        [first, _] = secure.hits("/p")
    assert exchange.response is not None and exchange.response.body == PAGE
    assert again.response is not None and again.response.status == 200
    assert tunnel.asked == [f"CONNECT 127.0.0.1:{secure.port}"]
    assert tunnel.credentials == ["Basic YWdlbnQ6c0BmZQ=="]  # agent:s@fe
    assert first.headers["host"] == f"127.0.0.1:{secure.port}"
    assert "proxy-authorization" not in first.headers  # for the proxy, not the origin


def test_a_proxy_other_than_http_is_named_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("no_proxy", "all_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTP_PROXY", "socks5://127.0.0.1:1080")
    monkeypatch.setenv("http_proxy", "socks5://127.0.0.1:1080")
    with LinkServer() as server, Client(HttpConfig("t", retries=0)) as client:
        server.route("/p", answer(200, PAGE))
        exchange = client.request("GET", server.url("/p"))
        assert server.hits() == []
    assert exchange.error is not None and "only http:// proxies" in exchange.error.message


def test_headers_as_the_server_sees_them(no_proxy: None) -> None:
    config = HttpConfig(
        "citations-test/1",
        retries=0,
        host_headers={"127.0.0.1": {"accept": "text/plain", "X-Extra": "1"}},
    )
    with LinkServer() as server, Client(config) as client:
        server.route("/p", answer(200, PAGE))
        url = server.url("/p?q=a b").replace("//", "//alice:pa%3Ass@")
        client.request("GET", url)
        [hit] = server.hits()
    assert hit.path == "/p?q=a%20b"  # quoted as requests prepares a URL
    assert hit.headers["host"] == f"127.0.0.1:{server.port}"
    assert hit.headers["user-agent"] == "citations-test/1"
    assert hit.headers["accept"] == "text/plain"  # the host's own, over ours, whatever its case
    assert hit.headers["x-extra"] == "1"
    assert hit.headers["authorization"] == "Basic YWxpY2U6cGE6c3M="  # alice:pa:ss


def test_an_extra_ca_is_trusted_beside_the_public_ones(ca: trustme.CA, tmp_path: Path) -> None:
    """links --ca-bundle: a private CA as well as certifi's; a bundle in `verify` (as
    REQUESTS_CA_BUNDLE gives) instead of them."""
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    public = transport.tls_context(True).cert_store_stats()["x509_ca"]
    assert public > 50  # certifi's bundle
    assert transport.tls_context(True, str(bundle)).cert_store_stats()["x509_ca"] == public + 1
    assert transport.tls_context(str(bundle)).cert_store_stats()["x509_ca"] == 1
    assert transport.tls_context(False).verify_mode == ssl.CERT_NONE


def test_idle_connections_are_bounded_across_hosts(
    no_proxy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run over thousands of hosts must not keep a socket open for each until its end:
    past MAX_IDLE, the least recently used host's idle connection is closed."""
    monkeypatch.setattr(transport, "MAX_IDLE", 3)
    servers = [LinkServer() for _ in range(6)]
    with Client(HttpConfig("t", retries=0)) as client:
        for server in servers:
            with server:
                server.route("/p", answer(200, PAGE))
                assert client.request("GET", server.url("/p")).response is not None
        idle = client.transport._idle.clear()
        for connection in idle:
            connection.close()
    assert len(idle) == 3  # the last three hosts' connections
    assert {c.port for c in idle} == {s.port for s in servers[3:]}


def test_a_host_keeps_at_most_its_limit_of_idle_connections() -> None:
    pool = transport.IdlePool(per_route=2)
    route = transport.Route("http", "pub.example", 80)
    first, second, third = (cast(Any, object()) for _ in range(3))
    assert pool.put(route, first) == [] and pool.put(route, second) == []
    assert pool.put(route, third) == [third]  # the host is at its limit: closed, not kept
    assert pool.take(route) is second and pool.take(route) is first  # the warmest first
    assert pool.take(route) is None
