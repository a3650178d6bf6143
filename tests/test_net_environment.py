"""What the network layer takes from the environment: read once per client, as requests would
read it per request (proxies, NO_PROXY, a CA bundle), and never ~/.netrc's passwords."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.net.connections import Environment
from citations.net.http import Client
from citations.net.settings import HttpConfig

from linkserver import LinkServer, answer


def test_a_ca_bundle_from_the_environment_applies_where_there_is_tls(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.setenv("CURL_CA_BUNDLE", str(tmp_path / "ca.pem"))
    environment = Environment.read()
    assert environment.verify(True, "HTTPS://example.org/") == str(tmp_path / "ca.pem")
    assert environment.verify(True, "http://example.org/") is True  # no TLS: nothing to look up
    assert environment.verify(False, "https://example.org/") is False  # the setting wins
    assert environment.verify("own.pem", "https://example.org/") == "own.pem"


def test_proxies_follow_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", "10.0.0.0/8,skip.example")
    environment = Environment.read()
    assert environment.proxies("http://pub.example/a")["http"] == "http://127.0.0.1:3128"
    assert environment.proxies("http://skip.example/a") == {}
    assert environment.proxies("http://10.1.2.3/a") == {}  # CIDR, as requests reads it


@pytest.mark.parametrize("no_proxy", [None, "*", "localhost,.example"])
def test_no_proxy_in_the_environment_costs_nothing(
    monkeypatch: pytest.MonkeyPatch, no_proxy: str | None
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)
    for name in ("NO_PROXY", "no_proxy"):  # a list of exceptions names no proxy by itself
        if no_proxy is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, no_proxy)
    environment = Environment.read()
    assert not environment.proxied and environment.proxies("http://pub.example/") == {}


def test_netrc_passwords_are_not_sent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A URL in someone else's .bib file must not collect the checker's ~/.netrc password."""
    (tmp_path / ".netrc").write_text("machine 127.0.0.1 login me password secret\n", "utf-8")
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    with LinkServer() as server, Client(HttpConfig("t", retries=0)) as client:
        server.route("/p", answer(200, b"ok"))
        exchange = client.request("GET", server.url("/p"))
        assert exchange.response is not None and exchange.response.status == 200
        [hit] = server.hits("/p")
    assert "authorization" not in hit.headers
