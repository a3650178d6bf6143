"""The suite's own guard: no test may connect beyond the loopback interface."""

from __future__ import annotations

import socket

import pytest

from citations.net.http import Client
from citations.net.settings import HttpConfig


def test_a_connection_beyond_loopback_is_refused_and_recorded(_loopback_only: list[object]) -> None:
    refused = pytest.raises(ConnectionRefusedError, match=r"stay on 127\.0\.0\.1")
    with socket.socket() as sock, refused:
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: would go out if the guard let it
    with Client(HttpConfig("t", retries=0, connect_timeout=1.0)) as client:
        exchange = client.request("GET", "http://192.0.2.7:8080/")
    assert exchange.error is not None and exchange.error.kind == "refused"
    assert _loopback_only == [("192.0.2.1", 80), ("192.0.2.7", 8080)]
    _loopback_only.clear()  # seen: the guard would otherwise fail this test at teardown


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
