"""One link target checked, as steps a scheduler drives: one streamed GET a hop (headers and
the body's first bytes, only for pages and bot walls), redirects followed by hand, retries
planned not slept, DOIs by the handle API. No HEAD: a GET that stops reading early costs the
same round trip and answers everything a HEAD would, and more."""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from ..identifiers import valid_doi
from ..net.connections import endpoint, is_public
from ..net.errors import NetError, describe_error
from ..net.http import DNS_ERRORS, Client, Response
from ..net.retry import default_retry, plan_retry
from ..net.settings import HttpConfig
from .classify import Seen, classify, classify_doi, is_challenge, is_html, permanent_redirect
from .model import (
    LinkSettings,
    Outcome,
    Result,
    Target,
)

# Statuses whose body the classifier reads even when it is not a page: bot walls.
CHALLENGE_STATUSES = frozenset({403, 429, 503})
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


def host_of(url: str) -> str:
    """The host a URL's request goes to, as limits and pacing know it."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


@dataclass(eq=False)
class LinkJob:
    """A link under way: the URL its next request asks for, and what its chain has seen."""

    target: Target
    current: str
    started: float  # time.monotonic()
    checked_at: float  # time.time()
    redirects: list[tuple[int, str]] = field(default_factory=list)
    visits: dict[str, int] = field(default_factory=dict)
    tries: int = 0  # attempts at `current`
    attempts: int = 0  # the most any URL of the chain took
    rate_limited: bool = False

    @property
    def host(self) -> str:
        return host_of(self.current)


@dataclass(frozen=True)
class Step:
    """What a request's outcome leads to: the link's result, or its next request at `at`.
    `pause`: a 429/503 asked its host to slow down; `good`: the host answered normally."""

    result: Result | None = None
    at: float = 0.0
    pause: float | None = None
    good: bool = False


Refused = tuple[str, str]  # (kind, message): a hop refused before any request


def start_check(target: Target, settings: LinkSettings) -> LinkJob | Result:
    """A target's first request, or its result when it needs none (malformed, not http)."""
    now, checked_at = time.monotonic(), time.time()
    if target.kind == "doi":
        if not valid_doi(target.url):
            return Result(
                url=target.url,
                kind="doi",
                outcome="broken",
                detail="invalid DOI",
                attempts=0,
                checked_at=checked_at,
            )
        api = f"{settings.doi_base.rstrip('/')}/api/handles/{quote(target.url, safe='/')}"
        return LinkJob(target, api, now, checked_at)
    unusable = _unusable(target.url)
    if unusable is not None:
        return Result(
            url=target.url,
            kind="url",
            outcome=unusable[0],
            detail=unusable[1],
            attempts=0,
            checked_at=checked_at,
        )
    return LinkJob(target, target.url, now, checked_at, visits={target.url: 1})


def perform(client: Client, job: LinkJob, settings: LinkSettings) -> Response | NetError | Refused:
    """The job's next request, once (in a worker thread): the hop vetted, then one GET."""
    if job.target.kind == "doi":
        return client.attempt("GET", job.current, headers={"Accept": "application/json"})
    refused = refusal(job.current, settings, client)
    if refused is not None:
        return refused

    def wanted(status: int, headers: Mapping[str, str]) -> int:
        """A body is read only where the classifier looks at it: pages and bot walls."""
        return settings.max_body if is_html(headers) or status in CHALLENGE_STATUSES else 0

    return client.attempt("GET", job.current, headers={"Accept": ACCEPT_HTML}, max_body=wanted)


def advance(
    job: LinkJob,
    outcome: Response | NetError | Refused,
    settings: LinkSettings,
    config: HttpConfig,
    deadline: float,
) -> Step:
    """The job after one request: done, retried later, or on to its redirect's target."""
    if isinstance(outcome, tuple):
        return Step(result=_url_result(job, settings, None, outcome))
    job.tries += 1
    job.attempts = max(job.attempts, job.tries)
    retry_on = default_retry if job.target.kind == "doi" else _retry_link
    plan = plan_retry(config, outcome, job.tries - 1, retry_on)
    now = time.monotonic()
    response = outcome if isinstance(outcome, Response) else None
    good = response is not None and response.status not in (429, 503)
    gave_up = plan.gave_up
    if plan.delay is not None:
        if now + plan.delay <= deadline:
            job.rate_limited = job.rate_limited or plan.rate_limited
            return Step(at=now + plan.delay, pause=plan.pause, good=good)
        gave_up = "the run's deadline passed"
    error = outcome if isinstance(outcome, NetError) else None
    if job.target.kind == "doi":
        return Step(result=_doi_result(job, response, error), pause=plan.pause, good=good)
    location = response.headers.get("location") if response else None
    if response is None or not 300 <= response.status < 400 or not location:
        result = _url_result(job, settings, response, error, gave_up)
        return Step(result=result, pause=plan.pause, good=good)
    job.current = urljoin(job.current, location.strip())
    job.redirects.append((response.status, job.current))
    job.visits[job.current] = job.visits.get(job.current, 0) + 1
    job.tries = 0
    problem = _hop_problem(job.target.url, job.redirects, job.visits, settings.max_redirects)
    if problem is not None:
        return Step(result=_url_result(job, settings, response, problem), good=good)
    return Step(at=now, pause=plan.pause, good=good)


def _url_result(
    job: LinkJob,
    settings: LinkSettings,
    response: Response | None,
    error: NetError | Refused | None,
    gave_up: str = "",
) -> Result:
    if isinstance(error, NetError):
        error = (error.kind, error.message)
    url = job.target.url
    seen = Seen(
        url=url,
        status=response.status if response else None,
        reason=response.reason if response else "",
        error=error[0] if error else None,
        message=error[1] if error else "",
        redirects=tuple(job.redirects),
        final_url=job.current,
        headers=response.headers if response else {},
        body=response.body if response else b"",
        attempts=max(job.attempts, 1),
        rate_limited=job.rate_limited,
        gave_up=gave_up,
    )
    verdict = classify(seen, settings.accept)
    note = ""
    if response is not None and response.body_error:
        note = f"the body stopped early: {response.body_error}"
    ok = verdict.outcome in OK
    return Result(
        url=url,
        kind="url",
        outcome=verdict.outcome,
        status=seen.status,
        detail=verdict.detail,
        redirects=list(job.redirects),
        final_url=job.current,
        attempts=job.attempts,
        note=note,
        permanent_redirect=permanent_redirect(job.redirects) if ok else None,
        dns_failure=error is not None and error[0] in DNS_ERRORS,
        elapsed=time.monotonic() - job.started,
        checked_at=job.checked_at,
        places=job.target.places,
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


def _doi_result(job: LinkJob, response: Response | None, error: NetError | None) -> Result:
    """Whether the DOI is registered, from the handle API: the publisher's page is never fetched."""
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
        url=job.target.url,
        kind="doi",
        outcome=verdict.outcome,
        detail=verdict.detail,
        status=response.status if response else None,
        final_url=landing,
        attempts=max(job.attempts, 1),
        note=note,
        dns_failure=error is not None and error.kind in DNS_ERRORS,
        elapsed=time.monotonic() - job.started,
        checked_at=job.checked_at,
        places=job.target.places,
    )
