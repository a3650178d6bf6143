"""One link target checked: HEAD then GET, redirects followed by hand, DOIs by the handle API."""

from __future__ import annotations

import socket
import time
from urllib.parse import quote, urljoin, urlsplit

from ..identifiers import valid_doi
from ..net.connections import endpoint, is_public
from ..net.errors import describe_error
from ..net.http import DNS_ERRORS, Client, Exchange, Response, default_retry
from .classify import Seen, classify, classify_doi, is_challenge, is_html, permanent_redirect
from .model import (
    LinkSettings,
    Outcome,
    Result,
    Target,
)

# HEAD answers that say more about the server's HEAD than about the page: ask again with GET.
# A 503 may be a challenge page, which only a body tells apart: GET decides, and retries.
HEAD_UNRELIABLE = frozenset({400, 403, 404, 405, 406, 409, 412, 418, 501, 503, 999})
HEAD_ERRORS = frozenset({"reset", "other"})
ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
OTHER_SCHEMES = frozenset(
    {
        "ftp",
        "ftps",
        "sftp",
        "file",
        "mailto",
        "tel",
        "data",
        "javascript",
        "news",
        "nntp",
        "gopher",
        "irc",
        "ssh",
        "git",
        "svn",
        "urn",
        "s3",
        "magnet",
    }
)
OK = frozenset({"ok", "ok-with-warning"})


def deadline_result(target: Target) -> Result:
    """A target left unchecked when the run's deadline passed."""
    return Result(
        url=target.url,
        kind=target.kind,
        outcome="transient",
        attempts=0,
        detail="not checked: the run's deadline passed",
        checked_at=time.time(),
    )


def check_one(client: Client, target: Target, settings: LinkSettings, deadline: float) -> Result:
    """One target, with the network; a value whatever happens."""
    if time.monotonic() >= deadline:
        return deadline_result(target)
    started, checked_at = time.monotonic(), time.time()
    if target.kind == "doi":
        result = _check_doi(client, target.url, settings)
    else:
        result = _check_url(client, target.url, settings)
    result.elapsed = time.monotonic() - started
    result.checked_at = checked_at
    return result


def _unusable(url: str) -> tuple[Outcome, str] | None:
    """Why a URL is not requested at all: malformed (broken), or not http(s) (not checked)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as exc:
        return "broken", f"invalid URL: {exc}"
    scheme = parts.scheme.lower()
    if scheme in OTHER_SCHEMES:
        return "excluded", f"not checked: only http(s) URLs are checked, not {scheme}:"
    why = (
        "empty, or with white space"
        if not url or any(c.isspace() for c in url)
        else "no scheme (http:// or https://)"
        if not scheme
        else f"unsupported scheme {scheme!r}"
        if scheme not in ("http", "https")
        else "no host"
        if not parts.hostname
        else None
    )
    return None if why is None else ("broken", f"invalid URL: {why}")


def refusal(
    url: str, settings: LinkSettings, client: Client | None = None
) -> tuple[str, str] | None:
    """Why a hop must not be requested: a scheme other than http(s), or (--no-private) a
    private address or a host that parsers read differently. The host vetted is the one the
    connection will be made to, as urllib3 reads it: through a proxy this check is the only
    one. A name resolved here is noted on `client` (name resolution works)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return "bad-scheme", url
    if settings.allow_private:
        return None
    target = endpoint(url)
    if isinstance(target, str):
        return "ambiguous-host", target
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        error = describe_error(exc)
        return error.kind, error.message
    if client is not None:
        client.note_resolved(target.host)
    for info in infos:
        address = str(info[4][0]).split("%")[0]
        if not is_public(address):
            return "private", f"{target.host} is {address} (--no-private)"
    return None


def _retry_link(response: Response) -> bool:
    """A challenge page answers 503 or 429 to every robot: waiting does not help."""
    return default_retry(response) and not is_challenge(
        response.status, response.headers, response.body
    )


def _retry_head(response: Response) -> bool:
    return response.status != 503 and _retry_link(response)


def _fetch(client: Client, url: str) -> tuple[Exchange, str]:
    """HEAD, then GET when HEAD is refused or unreliable, or to read a page's first bytes.

    A HEAD that finds an HTML page is followed by a GET for the body prefix (soft-404
    detection); if that GET fails while HEAD succeeded, HEAD's answer stands, with a note.
    """
    headers = {"Accept": ACCEPT_HTML}
    head = client.request("HEAD", url, headers=headers, retry_on=_retry_head)
    first = head.response
    if first is None:
        if head.error is None or head.error.kind not in HEAD_ERRORS:
            return head, ""
    elif first.status not in HEAD_UNRELIABLE and not (
        200 <= first.status < 300 and is_html(first.headers)
    ):
        return head, ""
    get = client.request("GET", url, headers=headers, retry_on=_retry_link)
    get.attempts = max(get.attempts, head.attempts)
    get.rate_limited = get.rate_limited or head.rate_limited
    second = get.response
    if first is None or not 200 <= first.status < 300:
        return get, ""
    if second is None:
        return head, f"HEAD answered {first.status}; GET failed ({get.error or 'no answer'})"
    if second.status >= 400 and second.status not in (404, 410):
        return head, f"HEAD answered {first.status}; GET answered {second.status} {second.reason}"
    return get, ""


def _check_url(client: Client, url: str, settings: LinkSettings) -> Result:
    unusable = _unusable(url)
    if unusable is not None:
        return Result(url=url, kind="url", outcome=unusable[0], detail=unusable[1], attempts=0)
    redirects: list[tuple[int, str]] = []
    visits = {url: 1}
    current, attempts, rate_limited, note = url, 0, False, ""
    exchange: Exchange | None = None
    error: tuple[str, str] | None = None
    while True:
        error = refusal(current, settings, client)
        if error is not None:
            break
        exchange, note = _fetch(client, current)
        attempts = max(attempts, exchange.attempts)
        rate_limited = rate_limited or exchange.rate_limited
        response = exchange.response
        location = response.headers.get("location") if response else None
        if response is None or not (300 <= response.status < 400) or not location:
            break
        current = urljoin(current, location.strip())
        redirects.append((response.status, current))
        visits[current] = visits.get(current, 0) + 1
        error = _hop_problem(url, redirects, visits, settings.max_redirects)
        if error is not None:
            break
    response = exchange.response if exchange else None
    if error is None and exchange is not None and exchange.error is not None:
        error = (exchange.error.kind, exchange.error.message)
    seen = Seen(
        url=url,
        status=response.status if response else None,
        reason=response.reason if response else "",
        error=error[0] if error else None,
        message=error[1] if error else "",
        redirects=tuple(redirects),
        final_url=current,
        headers=response.headers if response else {},
        body=response.body if response else b"",
        attempts=max(attempts, 1),
        rate_limited=rate_limited,
        gave_up=exchange.gave_up if exchange else "",
    )
    verdict = classify(seen, settings.accept)
    if response is not None and response.body_error:
        note = "; ".join(filter(None, [note, f"the body stopped early: {response.body_error}"]))
    return Result(
        url=url,
        kind="url",
        outcome=verdict.outcome,
        status=seen.status,
        detail=verdict.detail,
        redirects=redirects,
        final_url=current,
        attempts=attempts,
        note=note,
        permanent_redirect=permanent_redirect(redirects) if verdict.outcome in OK else None,
        dns_failure=error is not None and error[0] in DNS_ERRORS,
    )


def _hop_problem(
    url: str, redirects: list[tuple[int, str]], visits: dict[str, int], most: int
) -> tuple[str, str] | None:
    """Why the redirect just taken ends the chain: not http(s), a loop, or one hop too many."""
    current = redirects[-1][1]
    if urlsplit(current).scheme.lower() not in ("http", "https"):
        return "bad-scheme", current
    if visits[current] > 2:  # one revisit is allowed: some sites set a cookie and loop back
        return "redirect-loop", " → ".join([url, *(target for _, target in redirects)])
    if len(redirects) > most:
        return "too-many-redirects", f"more than {most}"
    return None


def _check_doi(client: Client, doi: str, settings: LinkSettings) -> Result:
    """Whether the DOI is registered, from the handle API: the publisher's page is never fetched."""
    if not valid_doi(doi):
        return Result(url=doi, kind="doi", outcome="broken", detail="invalid DOI", attempts=0)
    api = f"{settings.doi_base.rstrip('/')}/api/handles/{quote(doi, safe='/')}"
    exchange = client.request("GET", api, headers={"Accept": "application/json"})
    response, error = exchange.response, exchange.error
    verdict, landing = classify_doi(
        response.status if response else None,
        response.body if response else b"",
        error.kind if error else None,
        error.message if error else "",
    )
    note = ""
    if verdict.outcome == "ok":
        where = f" ({landing})" if landing else ""
        note = f"the landing page{where} is not visited: publishers often refuse robots"
    return Result(
        url=doi,
        kind="doi",
        outcome=verdict.outcome,
        detail=verdict.detail,
        status=response.status if response else None,
        final_url=landing,
        attempts=max(exchange.attempts, 1),
        note=note,
        dns_failure=error is not None and error.kind in DNS_ERRORS,
    )
