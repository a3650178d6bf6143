"""Network failures as values: a stable kind ("refused", "tls-expired", "dns-nxdomain", ...)
and a short message, whatever the transport (http.client, ssl, socket) or the URL's
preparation (requests, urllib3's parser) raised."""

from __future__ import annotations

import errno
import http.client
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

import requests
import urllib3


class ConnectTimeout(TimeoutError):
    """No connection within the connect timeout (transport.py): not a read that timed out."""


@dataclass(frozen=True)
class NetError:
    """A failure without a response: a stable `kind` ("refused", "tls-expired") and a message."""

    kind: str
    message: str = ""


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (the cause may be nested deeply)."""
    todo, seen = [exc], set[int]()
    while todo and len(seen) < 32:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        nested += [arg for arg in current.args if isinstance(arg, BaseException)]
        todo += [e for e in nested if isinstance(e, BaseException)]


_TLS_CODES = {10: "tls-expired", 62: "tls-hostname", 64: "tls-hostname"}
_TLS_UNTRUSTED = {2, 18, 19, 20, 21, 27}


def describe_error(exc: BaseException) -> NetError:
    """A network exception (socket, ssl, http.client, a bad URL) as a stable kind and a short
    message."""
    chain = list(_causes(exc))
    for e in chain:
        if type(e).__name__ == "PrivateAddressError":  # connections.py's refusal
            return NetError("private", str(e))
    for e in chain:
        if isinstance(e, ssl.SSLCertVerificationError):
            code = e.verify_code
            kind = _TLS_CODES.get(code, "tls-untrusted" if code in _TLS_UNTRUSTED else "tls")
            return NetError(kind, e.verify_message or str(e))
    for e in chain:
        if isinstance(e, socket.gaierror):
            if e.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                return NetError("dns-nxdomain", e.strerror or str(e))
            kind = "dns-temporary" if e.errno == socket.EAI_AGAIN else "dns"
            return NetError(kind, e.strerror or str(e))
    for e in chain:
        if isinstance(e, ConnectionRefusedError):
            return NetError("refused")
        if isinstance(e, ssl.SSLEOFError | ssl.SSLZeroReturnError):
            return NetError("reset", str(e))
        if isinstance(e, ssl.SSLError):
            return NetError("tls", e.reason or str(e))
        if isinstance(e, OSError) and e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return NetError("unreachable", e.strerror or str(e))
    if any(isinstance(e, ConnectTimeout) for e in chain):
        return NetError("connect-timeout")
    if any(isinstance(e, TimeoutError) for e in chain):
        return NetError("read-timeout")
    for e in chain[::-1]:  # the innermost says most: "[Errno 104] Connection reset by peer"
        if isinstance(e, ConnectionError | http.client.HTTPException):
            return NetError("reset", str(e))
    invalid = (
        requests.exceptions.InvalidURL,
        requests.exceptions.MissingSchema,
        requests.exceptions.InvalidSchema,
        urllib3.exceptions.LocationValueError,  # LocationParseError too
        UnicodeError,
    )
    for e in chain:
        if isinstance(e, invalid):
            return NetError("invalid-url", str(e))
    return NetError("other", f"{type(exc).__name__}: {exc}")
