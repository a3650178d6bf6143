"""An answer's body and headers as the client reads them: decoded as sent (gzip, deflate) and
never decoded further than asked, the headers one value a name."""

from __future__ import annotations

import http.client
import zlib
from email.message import Message

CHUNK = 16384  # compressed bytes read at a time


class Body:
    """An answer's body as it was before its Content-Encoding (gzip, deflate), at most `n`
    bytes a read: what is decoded never runs beyond what was asked for (a zip bomb stays
    small). Other encodings come as sent, as urllib3 gave them."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.response = response
        encoding = (response.getheader("content-encoding") or "").strip().lower()
        self._inflate = None
        if encoding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS)
        self._raw_deflate = encoding == "deflate"  # some servers send deflate without zlib's header

    @property
    def left(self) -> int | None:
        """Bytes of the body still unread as sent, where its length is known."""
        return self.response.length

    def read(self, n: int) -> bytes:
        """Up to `n` bytes; b"" at the end."""
        if self._inflate is None:
            return self.response.read(n)
        while not self._inflate.eof:
            data = self._inflate.unconsumed_tail or self.response.read(CHUNK)
            if not data:
                return b""
            try:
                out = self._inflate.decompress(data, n)
            except zlib.error:
                if not self._raw_deflate:
                    raise
                self._raw_deflate, self._inflate = False, zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._inflate.decompress(data, n)
            self._raw_deflate = False
            if out:
                return out
        return b""


def lowered_headers(message: Message) -> dict[str, str]:
    """One value per lower-cased name, repeats joined with ", " (as requests read them)."""
    headers: dict[str, str] = {}
    for name, value in message.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else str(value)
    return headers
