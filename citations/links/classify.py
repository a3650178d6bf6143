"""What a link check saw, turned into an outcome and a detail people can act on: pure, no I/O."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from .model import Outcome

DEFAULT_ACCEPT = frozenset(range(200, 300))


@dataclass(frozen=True)
class Seen:
    """The facts of one check: the last status or error, the redirect chain, headers, body prefix.

    `error` is a kind from `citations.net.errors.describe_error` ("refused", "tls-expired", ...)
    or one of the checker's own: "invalid-url", "bad-scheme", "private", "ambiguous-host",
    "redirect-loop", "too-many-redirects", "deadline".
    """

    url: str
    status: int | None = None
    reason: str = ""
    error: str | None = None
    message: str = ""
    redirects: tuple[tuple[int, str], ...] = ()
    final_url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""
    attempts: int = 1
    rate_limited: bool = False
    gave_up: str = ""


class Verdict(NamedTuple):
    outcome: Outcome
    detail: str


ERRORS: dict[str, tuple[Outcome, str]] = {
    "invalid-url": ("broken", "invalid URL"),
    "bad-scheme": ("broken", "redirect to a non-http(s) URL refused"),
    "private": ("broken", "refused: a loopback, private or link-local address"),
    "ambiguous-host": ("broken", "refused: the host is ambiguous (--no-private)"),
    "redirect-loop": ("broken", "redirect loop"),
    "too-many-redirects": ("broken", "too many redirects"),
    "dns-nxdomain": ("broken", "DNS: no such host"),
    "dns-temporary": ("transient", "DNS temporarily unavailable"),
    "dns": ("transient", "DNS resolution failed"),
    "refused": ("broken", "connection refused"),
    "unreachable": ("transient", "network unreachable"),
    "reset": ("transient", "connection reset"),
    "connect-timeout": ("transient", "connect timeout"),
    "read-timeout": ("transient", "read timeout"),
    "timeout": ("transient", "timeout"),
    "deadline": ("transient", "not checked: the run's deadline passed"),
    "tls-expired": ("tls-error", "TLS: the certificate has expired"),
    "tls-untrusted": ("tls-error", "TLS: self-signed or untrusted certificate"),
    "tls-hostname": ("tls-error", "TLS: the certificate does not match the host name"),
    "tls": ("tls-error", "TLS: the handshake failed"),
}
BLOCKED = {
    401: "authentication required",
    403: "the server refuses robots",
    407: "proxy authentication required",
    412: "the server refuses robots",
    418: "the server refuses robots",
    451: "unavailable for legal reasons",
    999: "the server refuses robots",
}
CHALLENGE_MARKERS = (
    b"cf-browser-verification",
    b"challenge-platform",
    b"cf_chl_",
    b"<title>just a moment",
    b"attention required! | cloudflare",
    b"ddos-guard",
    b"_incapsula_resource",
    b"px-captcha",
    b"captcha-delivery.com",
    b"/cdn-cgi/challenge",
)

_SUBJECT = r"(?:page|file|document|article|resource|content|url|item|record|post|doi)"
SOFT_404 = re.compile(
    r"^\W*(?:error\W*)?404\b"  # "404", "404 - Not Found", "Error 404"
    r"|\b404\W+(?:error\W+)?(?:page\W+)?not\W+found\b"
    r"|^\W*not\s+found\b"
    rf"|\b{_SUBJECT}\s+not\s+found\b"
    rf"|\b{_SUBJECT}\b[^.!?]{{0,40}}?\b(?:could\s+not|cannot|can't|couldn't)\s+be\s+found\b"
    rf"|\b{_SUBJECT}\b[^.!?]{{0,40}}?\b(?:does\s+not|doesn't|no\s+longer)\s+exists?\b"
    rf"|\b{_SUBJECT}\b[^.!?]{{0,40}}?\bno\s+longer\s+available\b",
    re.IGNORECASE,
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(rb"<h[12][^>]*>(.*?)</h[12]", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_HOME = re.compile(
    r"^/?(?:index\.[a-z]+|home(?:page)?|[a-z]{2}(?:[-_][a-z]{2})?/?(?:index\.[a-z]+)?)?$", re.I
)


def _text(raw: bytes) -> str:
    text = _TAG.sub(" ", raw.decode("utf-8", errors="replace"))
    return " ".join(html.unescape(text).split())


def is_html(headers: Mapping[str, str]) -> bool:
    """True when the body may be a page (HTML, or no type said)."""
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("", "text/html", "application/xhtml+xml")


def soft_404(body: bytes, headers: Mapping[str, str]) -> str | None:
    """The "not found" text of a page that answers 200 anyway, if its title or headings say so.

    Only the title and the first headings are read: an article about HTTP errors mentions 404
    in its text, but a missing page says so where the title is.
    """
    if not body or not is_html(headers):
        return None
    candidates = [m.group(1) for m in _TITLE.finditer(body[:8192])][:1]
    candidates += [m.group(1) for m in _HEADING.finditer(body)][:2]
    if not candidates and body.lstrip()[:1] != b"<":
        candidates = [body[:200]]
    for raw in candidates:
        text = _text(raw)
        if text and SOFT_404.search(text):
            return text[:80]
    return None


def is_challenge(status: int | None, headers: Mapping[str, str], body: bytes) -> bool:
    """A bot wall (Cloudflare and the like): the page exists but wants a browser."""
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if status not in (403, 429, 503):
        return False
    head = body[:16384].lower()
    return any(marker in head for marker in CHALLENGE_MARKERS)


def _is_home(path: str) -> bool:
    return bool(_HOME.match(path))


def permanent_redirect(
    redirects: tuple[tuple[int, str], ...] | list[tuple[int, str]],
) -> str | None:
    """The new URL when every hop was permanent (301/308): the link should be updated."""
    if redirects and all(status in (301, 308) for status, _ in redirects):
        return redirects[-1][1]
    return None


def _https_upgrade(url: str, redirects: tuple[tuple[int, str], ...]) -> bool:
    """One hop from http to https on the same host and path (the port goes from 80 to 443)."""
    if len(redirects) != 1:
        return False
    before, after = urlsplit(url), urlsplit(redirects[0][1])
    return (before.scheme, after.scheme) == ("http", "https") and (
        before.hostname,
        before.path or "/",
        before.query,
    ) == (after.hostname, after.path or "/", after.query)


def _chain(url: str, redirects: tuple[tuple[int, str], ...]) -> str:
    return " → ".join([url, *(f"{status} {target}" for status, target in redirects)])


def classify(seen: Seen, accept: frozenset[int] = DEFAULT_ACCEPT) -> Verdict:
    """The outcome of one URL check, and what happened in words."""
    if seen.error is not None:
        outcome, base = ERRORS.get(seen.error, ("transient", seen.error))
        return Verdict(outcome, f"{base}: {seen.message}" if seen.message else base)
    status = seen.status or 0
    text = f"{status} {seen.reason}".strip()
    if status in accept:
        return _accepted(seen, status, text)
    if is_challenge(status, seen.headers, seen.body):
        return Verdict("blocked", f"{text}: a bot challenge page (the page exists, robots refused)")
    if status in (404, 410):
        return Verdict("broken", text)
    if status in BLOCKED:
        return Verdict("blocked", f"{text}: {BLOCKED[status]}")
    if status == 429 or status >= 500:
        tries = f" after {seen.attempts} attempts" if seen.attempts > 1 else ""
        why = f" ({seen.gave_up})" if seen.gave_up else ""
        return Verdict("transient", f"{text}{tries}{why}")
    if 300 <= status < 400:
        return Verdict("ok-with-warning", f"{text} without a Location to follow")
    return Verdict("broken", text)


def _accepted(seen: Seen, status: int, text: str) -> Verdict:
    if 200 <= status < 300:
        phrase = soft_404(seen.body, seen.headers)
        if phrase:
            return Verdict("broken", f"soft 404: {text} but the page says {phrase!r}")
        final = seen.final_url or seen.url
        if (
            seen.redirects
            and _is_home(urlsplit(final).path)
            and not _is_home(urlsplit(seen.url).path)
        ):
            return Verdict("broken", f"soft 404: redirected to the home page {final}")
    warnings = []
    if seen.redirects:
        if _https_upgrade(seen.url, seen.redirects):
            warnings.append("redirected from http to https")
        else:
            warnings.append(f"redirected: {_chain(seen.url, seen.redirects)}")
    if seen.rate_limited:
        warnings.append(f"rate-limited, then {text}")
    if warnings:
        return Verdict("ok-with-warning", "; ".join(warnings))
    return Verdict("ok", text)


def classify_doi(
    status: int | None, body: bytes, error: str | None = None, message: str = ""
) -> tuple[Verdict, str | None]:
    """A DOI through the handle API (responseCode 1 found, 100 not found), and its URL if known."""
    if error is not None:  # our side or the registry's: the DOI itself is not in question
        detail = classify(Seen(url="", error=error, message=message)).detail
        return Verdict("transient", f"the handle API could not be reached: {detail}"), None
    payload: Any = None
    try:
        payload = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        payload = None
    code = payload.get("responseCode") if isinstance(payload, dict) else None
    if status == 404 or code == 100:
        return Verdict("broken", "DOI not registered (handle API responseCode 100)"), None
    if status == 200 and code in (1, 200):
        return Verdict("ok", "DOI registered"), _handle_url(payload)
    if status == 400:
        return Verdict("broken", "invalid DOI (the handle API answered 400)"), None
    if status == 200:
        return Verdict("transient", "the handle API gave an unexpected answer"), None
    return Verdict("transient", f"the handle API answered {status} (responseCode {code})"), None


def _handle_url(payload: dict[str, Any]) -> str | None:
    for value in payload.get("values") or []:
        if isinstance(value, dict) and value.get("type") == "URL":
            data = value.get("data")
            if isinstance(data, dict) and isinstance(data.get("value"), str):
                return str(data["value"])
    return None
