"""The live preview's HTTP side: the output folder's files, and the stream of new builds.

Only files under the output folder are served, each with its type; HTML pages get the reload
script and the overlay; one Server-Sent Events stream says when a build is new."""

from __future__ import annotations

import errno
import ipaddress
import mimetypes
import os
import socket
import socketserver
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..build.paths import Inside
from ..errors import AddressError
from .live import LiveState
from .pages import EVENTS_PATH, listing_page, live_page, not_found_page

_KEEP_ALIVE = 15.0  # seconds between comments on an idle stream: proxies drop silent ones
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}
_PAGE_SUFFIXES = (".html", ".htm", ".md")


class SiteServer(ThreadingHTTPServer):
    """One thread per request; the threads are daemons, so a stream left open by a browser
    never holds the process at exit."""

    daemon_threads = True

    def __init__(
        self,
        family: socket.AddressFamily,
        address: Any,
        root: Path,
        live: LiveState,
        report_error: Callable[[BaseException], None],
    ) -> None:
        self.root = Inside(root)
        self.live = live
        self.report_error = report_error
        self.address_family = family
        super().__init__(address, SiteHandler)

    def server_bind(self) -> None:
        # HTTPServer's own looks the host's name up in DNS: slow, and of no use here.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, ConnectionError):
            self.report_error(error)  # a browser leaving mid-answer is no error at all

    @property
    def url(self) -> str:
        host = self.server_name
        return (
            f"http://[{host}]:{self.server_port}/"
            if ":" in host
            else f"http://{host}:{self.server_port}/"
        )

    @property
    def exposed(self) -> bool:
        """Bound to an address other machines may reach (anything but loopback)."""
        return not ipaddress.ip_address(self.server_name.split("%")[0]).is_loopback


def bind(
    host: str, port: int, root: Path, live: LiveState, report_error: Callable[[BaseException], None]
) -> SiteServer:
    """A server listening on host:port (port 0: a free one), or AddressError saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else "not a host name"
        raise AddressError(f"cannot listen on '{host}': {reason}") from None
    family, _, _, _, address = infos[0]
    try:
        return SiteServer(family, address, root, live, report_error)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise AddressError(
                f"port {port} on {host} is in use",
                hint="pick another with --port, or --port 0 for any free one",
            ) from None
        raise AddressError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "citations-serve"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a request log would bury the build messages in the terminal

    def _answer(self, *, send_body: bool) -> None:
        url_path = urlsplit(self.path).path
        if not (self.server.exposed or loopback_name(self.headers.get("Host", ""))):
            # a page elsewhere that rebinds its own name to 127.0.0.1 must not read the site
            self._send(403, "text/plain; charset=utf-8", b"not a local address\n", send_body)
            return
        if url_path == EVENTS_PATH:
            self._stream_events(send_body)
            return
        path = locate(self.server.root, url_path)
        if path is not None and path.is_dir():
            if not url_path.endswith("/"):
                self._redirect(quote(url_path) + "/")
                return
            if (path / "index.html").is_file():
                path = path / "index.html"
            else:
                page = listing_page(f"Pages in /{_rel(path, self.server.root)}", pages_in(path))
                self._send(200, "text/html; charset=utf-8", page, send_body)
                return
        try:
            data = path.read_bytes() if path is not None and path.is_file() else None
        except OSError:
            data = None  # removed or unreadable since: as good as not built
        if path is None or data is None:
            self._send(404, _TYPES[".html"], not_found_page(unquote(url_path)), send_body)
            return
        self._send(200, content_type(path), data, send_body)

    def _send(self, status: int, kind: str, data: bytes, send_body: bool) -> None:
        if kind.startswith("text/html"):
            tag, problems = self.server.live.snapshot()
            data = live_page(data, tag, problems)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream_events(self, send_body: bool) -> None:
        """Each build's tag as it happens (the current one first), until the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not send_body:
            return
        seen = ""
        try:
            while (tag := self.server.live.wait_for_change(seen, _KEEP_ALIVE)) is not None:
                message = f"data: {tag}\n\n" if tag != seen else ": still here\n\n"
                self.wfile.write(message.encode("ascii"))
                seen = tag
        except OSError:
            return  # the page went away


def locate(root: Inside, url_path: str) -> Path | None:
    """The file or folder a URL path names inside the site, or None: nothing outside the
    output folder (no `..`, no link leading out), and no hidden file (the build manifest)."""
    try:
        text = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = [part for part in text.split("/") if part]
    if any(part.startswith(".") or "\\" in part or "\0" in part for part in parts):
        return None
    path = root.folder.joinpath(*parts)
    return path if not parts or root.holds(path) else None


def loopback_name(host: str) -> bool:
    """Is the Host header's name this machine's own (localhost, 127.0.0.1, [::1])?"""
    name = host.rpartition("]")[0][1:] if host.startswith("[") else host.rpartition(":")[0] or host
    if name.lower() == "localhost" or name.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def content_type(path: Path) -> str:
    known = _TYPES.get(path.suffix.lower())
    return known or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def pages_in(folder: Path) -> list[str]:
    """The pages under `folder` (hidden folders left out), relative, sorted."""
    names = []
    for here, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            if name.lower().endswith(_PAGE_SUFFIXES):
                names.append(Path(here, name).relative_to(folder).as_posix())
    return sorted(names)


def _rel(path: Path, root: Inside) -> str:
    rel = path.relative_to(root.folder).as_posix()
    return "" if rel == "." else rel + "/"
