"""A real HTTP(S) server on 127.0.0.1 for tests: a route table of handlers and a request log.

    with LinkServer() as server:
        server.route("/ok", answer(200, "<title>Hello</title>"))
        server.route("/old", redirect("/ok"))
        ... request server.url("/old") ...
        assert [hit.path for hit in server.hits()] == ["/old", "/ok"]

Handlers get a `Request` and answer through it (or stream, stall, reset). Routes ending in
`*` match by prefix. `LinkServer(tls=ca)` serves HTTPS with a certificate from a `trustme.CA`.
`ForwardProxy` is an HTTP proxy that notes what it is asked for.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import math
import select
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import trustme

Handler = Callable[["Request"], None]


@dataclass
class Hit:
    """One request as the server saw it; `ended` is set when its handler returns."""

    method: str
    path: str  # with the query
    headers: dict[str, str]  # lower-cased names
    started: float  # time.monotonic()
    ended: float = math.inf


@dataclass
class Request:
    """One request, and the means to answer it."""

    method: str
    path: str
    headers: dict[str, str]
    server: LinkServer
    _handler: BaseHTTPRequestHandler
    answered: bool = field(default=False)

    def start(
        self, status: int, headers: Mapping[str, str] | None = None, length: int | None = 0
    ) -> None:
        """The status line and headers; `length` None sends no Content-Length (close ends it)."""
        h = self._handler
        h.send_response(status)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        if length is None:
            h.close_connection = True
            h.send_header("Connection", "close")
        else:
            h.send_header("Content-Length", str(length))
        h.end_headers()
        self.answered = True

    def write(self, data: bytes) -> bool:
        """Part of the body; False once the client has gone."""
        try:
            self._handler.wfile.write(data)
            self._handler.wfile.flush()
        except (OSError, ValueError):
            self._handler.close_connection = True
            return False
        return True

    def reply(
        self,
        status: int,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """A whole answer (no body for HEAD, as HTTP wants)."""
        data = body.encode() if isinstance(body, str) else body
        self.start(status, {"Content-Type": content_type, **(headers or {})}, len(data))
        if self.method != "HEAD" and data:
            self.write(data)

    def sleep(self, seconds: float) -> bool:
        """Wait, unless the server is stopping; True if the whole time passed."""
        return not self.server.stopping.wait(seconds)

    def reset(self) -> None:
        """Drop the connection with a TCP reset, without an answer."""
        sock = self._handler.connection
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        self._handler.close_connection = True
        self.answered = True


def answer(
    status: int,
    body: bytes | str = b"",
    headers: Mapping[str, str] | None = None,
    content_type: str = "text/html; charset=utf-8",
) -> Handler:
    """A handler that always gives the same answer."""
    return lambda req: req.reply(status, body, headers, content_type)


def redirect(location: str, status: int = 301) -> Handler:
    """A handler that redirects to `location`."""
    return lambda req: req.reply(status, b"", {"Location": location})


def in_turn(*handlers: Handler) -> Handler:
    """The first call goes to the first handler, and so on; the last one answers the rest."""
    lock, calls = threading.Lock(), [0]

    def handle(req: Request) -> None:
        with lock:
            n = calls[0]
            calls[0] += 1
        handlers[min(n, len(handlers) - 1)](req)

    return handle


def per_method(default: Handler | None = None, **handlers: Handler) -> Handler:
    """`per_method(HEAD=answer(405), GET=answer(200))`; other methods get `default` or 405."""

    def handle(req: Request) -> None:
        (handlers.get(req.method) or default or answer(405))(req)

    return handle


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers and pooled clients do
    timeout = 10  # an idle kept-alive connection does not hold its thread for ever
    disable_nagle_algorithm = True  # headers and body go out at once, as from real servers
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _dispatch(self) -> None:
        owner = self.server.owner
        headers = {k.lower(): v for k, v in self.headers.items()}
        hit = Hit(self.command, self.path, headers, time.monotonic())
        with owner.lock:
            owner.log.append(hit)
        req = Request(self.command, self.path.split("?")[0], headers, owner, self)
        try:
            owner.handler_for(req.path)(req)
        except (OSError, ValueError):
            self.close_connection = True
        finally:
            hit.ended = time.monotonic()
            if not req.answered:  # the handler stalled or gave up: nothing more on this connection
                self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: LinkServer, context: ssl.SSLContext | None) -> None:
        self.owner = owner
        self.context = context
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake happens here, in the connection's thread, not in the accept loop.
        with self.owner.lock:
            self.owner.connections.add(request)
        try:
            if self.context is not None:
                request.settimeout(5)
                request = self.context.wrap_socket(request, server_side=True)
                with self.owner.lock:
                    self.owner.connections.add(request)
            _Handler(request, client_address, self)
        except (OSError, ValueError) as exc:
            self.owner.errors.append(exc)
        finally:
            if self.context is not None:
                with contextlib.suppress(OSError):
                    request.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-answer is what several tests are about


class LinkServer:
    """A threaded HTTP(S) server on 127.0.0.1 and a free port; use it as a context manager."""

    def __init__(
        self,
        tls: trustme.CA | None = None,
        identities: tuple[str, ...] = ("127.0.0.1",),
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
    ) -> None:
        self.routes: dict[str, Handler] = {}
        self.log: list[Hit] = []
        self.errors: list[BaseException] = []
        self.state: dict[str, Any] = {}  # scratch space for handlers: counts, bytes sent
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.connections: set[Any] = set()
        context = None
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            leaf = tls.issue_cert(*identities, not_before=not_before, not_after=not_after)
            leaf.configure_cert(context)
        self.scheme = "https" if context else "http"
        self._server = _Server(self, context)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> LinkServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving, wake sleeping handlers and drop open connections."""
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        with self.lock:
            connections = list(self.connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(conn, socket.SHUT_RDWR)

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def handler_for(self, path: str) -> Handler:
        if path in self.routes:
            return self.routes[path]
        prefixes = [p for p in self.routes if p.endswith("*") and path.startswith(p[:-1])]
        if prefixes:
            return self.routes[max(prefixes, key=len)]
        return answer(404, "<title>Not Found</title>")

    def hits(self, path: str | None = None) -> list[Hit]:
        """The requests so far, in order of arrival; only those for `path` if given."""
        with self.lock:
            return [h for h in self.log if path is None or h.path.split("?")[0] == path]

    def max_overlap(self, path: str | None = None) -> int:
        """The most requests (for `path`) the server was handling at one time."""
        events = sorted(
            (t, step) for h in self.hits(path) for t, step in ((h.started, 1), (h.ended, -1))
        )
        most = current = 0
        for _, step in events:  # at equal times an end sorts before a start: no false overlap
            current += step
            most = max(most, current)
        return most


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class _ProxyHandler(BaseHTTPRequestHandler):
    """Forwards `GET http://host/path` (and HEAD) after noting the URL it was asked for, and
    tunnels `CONNECT host:port` (noted as such)."""

    protocol_version = "HTTP/1.1"
    timeout = 10
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _forward(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.asked.append(self.path)
        target = urlsplit(self.path)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
        upstream = http.client.HTTPConnection(target.hostname or "", target.port or 80, 5)
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request(self.command, path or "/", headers=headers)
            answer = upstream.getresponse()
            body = answer.read()
        except OSError as exc:
            self.send_error(502, f"upstream: {exc}")
            return
        finally:
            upstream.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = _forward

    def do_CONNECT(self) -> None:
        owner = self.server.owner
        with owner.lock:
            owner.asked.append(f"CONNECT {self.path}")
            owner.credentials.append(self.headers.get("Proxy-Authorization", ""))
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), 5)
        except (OSError, ValueError) as exc:
            self.send_error(502, f"upstream: {exc}")
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        with upstream:
            _pipe(self.connection, upstream)


def _pipe(one: socket.socket, other: socket.socket) -> None:
    """Bytes both ways until either side closes (or 10 s of silence)."""
    peer = {one: other, other: one}
    while True:
        ready, _, _ = select.select(list(peer), [], [], 10)
        if not ready:
            return
        for sock in ready:
            try:
                data = sock.recv(65536)
                if not data:
                    return
                peer[sock].sendall(data)
            except OSError:
                return


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: ForwardProxy) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _ProxyHandler)


class ForwardProxy:
    """A forward HTTP proxy on 127.0.0.1 that records every URL it is asked for, then fetches
    it; use it as a context manager, with HTTP_PROXY set to its `url`.

        with ForwardProxy() as proxy:
            monkeypatch.setenv("HTTP_PROXY", proxy.url)
            ... request http://example.test/ ...
            assert proxy.asked == ["http://example.test/"]
    """

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.credentials: list[str] = []  # each CONNECT's Proxy-Authorization ("" if none)
        self.lock = threading.Lock()
        self._server = _ProxyServer(self)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
