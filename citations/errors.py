"""The exceptions that stop a run, each with its exit code and, where known, the place at fault."""

from __future__ import annotations

from .model import Span

# Exit codes, documented in README.md. Other tools rely on them: never renumber.
EXIT_OK = 0
EXIT_FINDINGS = 1  # the run worked and found errors (unknown keys, or warnings under --strict)
EXIT_USAGE = 2  # bad command line (click's own convention)
EXIT_INPUT = 3  # input that cannot be used: missing file, bad config, unknown style, bad template
EXIT_UNCHECKED = 4  # could not check: no network (no host name resolved, no registry reached)
EXIT_UNSERVED = 5  # could not serve: the address is in use, or cannot be bound
EXIT_INTERNAL = 70  # a bug in citations itself (EX_SOFTWARE)


class CitationsError(Exception):
    """A problem in the user's input or setup: shown as one message, never a traceback."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, span: Span | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class UsageError(CitationsError):
    """A bad command line found past click's own parsing: an unknown key, a bad -O value,
    options that do not go together."""

    exit_code = EXIT_USAGE


class ConfigError(CitationsError):
    """citations.toml cannot be read or holds a value we do not accept."""


class LibraryError(CitationsError):
    """A .bib file cannot be read at all (missing, not UTF-8)."""


class ArticleError(CitationsError):
    """An article cannot be read."""


class StyleError(CitationsError):
    """An unknown style or style option; `option` names the option at fault, if one is."""

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        hint: str = "",
        option: str | None = None,
        table: str | None = None,
    ) -> None:
        super().__init__(message, span, hint)
        self.option = option
        self.table = table  # the [style-options.<table>] the option was read from, if one


class TemplateError(CitationsError):
    """A template is missing or broken."""


class AddressError(CitationsError):
    """`citations serve` cannot listen where asked: the port is taken, the host unknown."""

    exit_code = EXIT_UNSERVED


class InternalError(Exception):
    """A bug in citations: reported with a traceback and EXIT_INTERNAL."""
