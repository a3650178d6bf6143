"""When a request is tried again: transient failures back off with jitter, 429/503 wait their
Retry-After within a bound. Pure decisions; the client (http.py) and the link scheduler
(links/run.py) each carry them out their own way."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from .errors import NetError
from .settings import HttpConfig


class Answer(Protocol):
    """What a retry decision reads of a response (http.Response has it)."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...


AnswerT = TypeVar("AnswerT", bound=Answer)

TRANSIENT_ERRORS = frozenset(
    {
        "dns-temporary",
        "dns",
        "unreachable",
        "reset",
        "connect-timeout",
        "read-timeout",
        "timeout",
        "other",
    }
)


def default_retry(response: Answer) -> bool:
    """Statuses worth another attempt: timeouts, rate limits and passing server trouble."""
    status = response.status
    return status in (408, 429) or (500 <= status <= 599 and status not in (501, 505, 511))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryPlan:
    """What one attempt's outcome asks for: another attempt after `delay` seconds (None: no
    more), and, when a 429/503 asked the host to wait, `pause` seconds for the host."""

    delay: float | None
    pause: float | None = None
    rate_limited: bool = False  # the next attempt follows a 429/503's wait
    gave_up: str = ""


def backoff_delay(config: HttpConfig, attempt: int) -> float:
    """Exponential backoff with jitter, so that workers do not retry in step."""
    base = min(config.backoff_max, config.backoff * 2.0**attempt)
    return base / 2 + random.uniform(0, base / 2)


def plan_retry(
    config: HttpConfig,
    outcome: AnswerT | NetError,
    attempt: int,
    retry_on: Callable[[AnswerT], bool] = default_retry,
) -> RetryPlan:
    """Whether attempt number `attempt` (from 0) is followed by another, and when: transient
    errors and statuses back off; a 429/503 waits its Retry-After (within the bound)."""
    last = attempt >= config.retries
    if isinstance(outcome, NetError):
        transient = outcome.kind in TRANSIENT_ERRORS
        return RetryPlan(None if last or not transient else backoff_delay(config, attempt))
    asked = None
    if outcome.status in (429, 503):
        asked = parse_retry_after(outcome.headers.get("retry-after"))
    if not retry_on(outcome):  # a Retry-After is still heeded by the host's next request
        return RetryPlan(None, None if asked is None else min(asked, config.retry_after_max))
    if outcome.status in (429, 503):
        if asked is not None and asked > config.retry_after_max:
            bound = config.retry_after_max
            why = f"Retry-After {asked:.0f} s is beyond the {bound:g} s bound"
            return RetryPlan(None, bound, gave_up=why)
        pause = backoff_delay(config, attempt) if asked is None else asked
        return RetryPlan(None if last else pause, pause, rate_limited=not last)
    return RetryPlan(None if last else backoff_delay(config, attempt))
