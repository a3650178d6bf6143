"""How every request is made (identity, timeouts, retries, limits, trust): one frozen value
that the client (http.py) and its transport (transport.py) both read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HttpConfig:
    """How every request is made: identity, timeouts, retries, limits and trust."""

    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    per_host: int = 4
    host_interval: float = 0.0
    host_limits: Mapping[str, tuple[int, float]] = field(default_factory=dict)
    host_headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    retries: int = 3
    backoff: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0
    max_body: int = 1 << 20
    verify: bool | str = True  # False, or a CA bundle to trust instead of certifi's
    extra_ca: str | None = None  # a CA bundle to trust as well
    public_only: bool = False  # refuse connections to loopback, private, link-local peers
