"""What link checking passes around: targets with their places, settings, and outcome values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal[
    "ok", "ok-with-warning", "broken", "blocked", "transient", "tls-error", "excluded"
]
OUTCOMES: tuple[Outcome, ...] = (
    "ok",
    "ok-with-warning",
    "broken",
    "blocked",
    "transient",
    "tls-error",
    "excluded",
)
Kind = Literal["url", "doi"]
NO_NETWORK = "no network: no host name could be resolved"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a link is written: a .bib field (with its entry key) or an article's text."""

    path: str
    line: int
    column: int = 1
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """One thing to check, once, whatever the number of places it is written.

    For kind "doi", `url` holds the normalised DOI (`10.1371/journal.pone.0150367`): a DOI is
    checked as an identifier (the handle API), never by following it to the publisher.
    """

    url: str
    kind: Kind
    places: tuple[Place, ...]


@dataclass
class Result:
    """The outcome of one target: a value, never an exception."""

    url: str
    kind: Kind
    outcome: Outcome
    status: int | None = None  # the last HTTP status, if any
    detail: str = ""  # what happened, for people: "404 Not Found", "certificate has expired"
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, Location) per hop
    final_url: str | None = None
    permanent_redirect: str | None = None  # the new URL when every hop was permanent (301/308)
    attempts: int = 1
    elapsed: float = 0.0
    checked_at: float = 0.0  # time.time() of the check
    from_cache: bool = False
    note: str = ""  # e.g. "the DOI resolves; its landing page refuses robots (403)"
    places: tuple[Place, ...] = ()
    # From the cache's history, filled by the checker: "broken since" and "failed N of last M".
    failing_since: float | None = None
    recent_failures: int = 0
    recent_runs: int = 0
    consecutive_failures: int = 0  # failing runs in a row, this one included
    # This run only (never stored): the check failed because its host name did not resolve,
    # which means "no such host" only if the run shows that name resolution works at all.
    dns_failure: bool = False


@dataclass(frozen=True)
class LinkSettings:
    """How to check: limits, timeouts, politeness, and what counts as what."""

    concurrency: int = 128
    per_host: int = 4
    host_interval: float = 0.0  # seconds between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 600.0  # the whole run; what is left unchecked then is "transient"
    max_redirects: int = 10
    retries: int = 2  # extra attempts for transient failures
    backoff: float = 0.5  # first retry delay; doubles each time, with jitter
    backoff_max: float = 8.0
    retry_after_max: float = 60.0  # a longer Retry-After is not waited for: "transient"
    user_agent: str = "citations-linkcheck/0.1 (+https://pypi.org/project/citations/)"
    accept: frozenset[int] = frozenset(range(200, 300))
    exclude: tuple[str, ...] = ()  # regular expressions; a matching URL is "excluded"
    host_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    host_limits: dict[str, tuple[int, float]] = field(default_factory=dict)  # host → (n, interval)
    allow_private: bool = True  # False (--no-private): refuse loopback/private/link-local hosts
    max_body: int = 65536  # bytes read from a body at most (soft-404 detection)
    doi_base: str = "https://doi.org"  # the handle API: {doi_base}/api/handles/{doi}
    verify_tls: bool = True
    ca_bundle: str | None = None  # a CA file to trust (tests use one for their TLS server)


def result_to_dict(result: Result) -> dict[str, Any]:
    """A JSON-able dict of a result (the cache stores it; reporters read it)."""
    return {
        "url": result.url,
        "kind": result.kind,
        "outcome": result.outcome,
        "status": result.status,
        "detail": result.detail,
        "redirects": [list(hop) for hop in result.redirects],
        "final_url": result.final_url,
        "permanent_redirect": result.permanent_redirect,
        "attempts": result.attempts,
        "elapsed": result.elapsed,
        "checked_at": result.checked_at,
        "note": result.note,
    }


def result_from_dict(data: dict[str, Any], places: tuple[Place, ...] = ()) -> Result:
    """The inverse of result_to_dict; unknown keys are ignored (older or newer caches)."""
    return Result(
        url=str(data["url"]),
        kind=data["kind"],
        outcome=data["outcome"],
        status=data.get("status"),
        detail=str(data.get("detail") or ""),
        redirects=[(int(s), str(u)) for s, u in data.get("redirects") or []],
        final_url=data.get("final_url"),
        permanent_redirect=data.get("permanent_redirect"),
        attempts=int(data.get("attempts") or 1),
        elapsed=float(data.get("elapsed") or 0.0),
        checked_at=float(data.get("checked_at") or 0.0),
        note=str(data.get("note") or ""),
        from_cache=True,
        places=places,
    )
