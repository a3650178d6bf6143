"""Where the registries are, who we say we are, and how fast we ask: from [registries]."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..errors import ConfigError

REGISTRIES = ("crossref", "doi", "ncbi", "arxiv", "openlibrary", "idconv")
# Requests a second. Crossref's own limit is read from its headers (we never go above ours);
# NCBI allows 3 a second, 10 with an API key; arXiv asks for one every three seconds; Open
# Library asks heavy users to slow down, and ISBNs are looked up one at a time, by hand.
DEFAULT_RATES = {"crossref": 10.0, "doi": 10.0, "ncbi": 3.0, "arxiv": 1 / 3, "openlibrary": 1.0,
                 "idconv": 3.0}  # fmt: skip
NCBI_KEYED_RATE = 10.0


@dataclass(frozen=True)
class RegistrySettings:
    """Where the registries are, who we say we are, and how gently we ask."""

    urls: dict[str, str]  # Config.registry_urls()
    mailto: str = ""
    tool: str = "citations"
    email: str = ""
    ncbi_api_key: str = ""
    crossref_token: str = ""
    user_agent: str = "citations/0.1 (+https://pypi.org/project/citations/)"
    offline: bool = False  # answer from the cache only
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 0.5
    concurrency: int = 4  # requests at once across registries (low: politeness)
    ttl: float = 30 * 86400  # how long registry answers are cached
    rates: dict[str, float] | None = None  # requests a second per registry, over the defaults
    deadline: float | None = None  # seconds for the whole run; None: no bound but per request

    @classmethod
    def from_config(cls, config: Config, *, offline: bool = False) -> RegistrySettings:
        """`[registries]` in citations.toml; CITATIONS_*_URL in the environment win for URLs."""
        urls = config.registry_urls()
        table = config.sections.get("registries", {})

        def text(key: str, default: str = "") -> str:
            value = table.get(key, default)
            if not isinstance(value, str):
                where = config.span_of(key, "registries") if config.path else None
                raise ConfigError(f"'registries.{key}' must be a string", where)
            return value or default

        return cls(
            urls=urls,
            mailto=text("mailto") or config.contact_email(),
            tool=text("tool", cls.tool),
            email=text("email"),
            ncbi_api_key=text("ncbi-api-key"),
            crossref_token=text("crossref-token"),
            user_agent=text("user-agent", cls.user_agent),
            offline=offline,
        )

    def rate(self, registry: str) -> float:
        """Requests a second we allow ourselves at `registry` before any server says less."""
        if self.rates and registry in self.rates:
            return self.rates[registry]
        if registry in ("ncbi", "idconv") and self.ncbi_api_key:
            return NCBI_KEYED_RATE
        return DEFAULT_RATES[registry]


POLITE_NOTICE = (
    "note: no contact e-mail is set for the registries. Crossref serves requests that carry "
    "one from its polite pool, and NCBI asks for one so it can write before it blocks a "
    'client: set `[registries] mailto = "you@example.org"` in citations.toml, or '
    "CITATIONS_MAILTO. (Shown once.)"
)


def polite_notice(settings: RegistrySettings) -> str:
    """The notice to show when no contact e-mail is set ("" when one is, or offline)."""
    if settings.mailto or settings.email or settings.offline:
        return ""
    return POLITE_NOTICE


def notice_marker(cache_folder: Path | None) -> Path | None:
    """Where the polite notice's having been shown is remembered (None: no cache folder)."""
    return cache_folder / "notices" / "no-mailto" if cache_folder is not None else None


def polite_once(settings: RegistrySettings, marker: Path | None) -> list[str]:
    """The polite notice (no contact e-mail set), once: `marker` remembers it was shown (no
    marker: every run, there being nowhere to remember it). verify and add show it."""
    notice = polite_notice(settings)
    if not notice:
        return []
    if marker is not None:
        if marker.exists():
            return []
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only cache folder: shown each time, which is the lesser harm
    return [notice]
