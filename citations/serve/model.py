"""What `citations serve` is asked to do, what it tells its caller, and the problems it shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..build import BuildReport, BuildSettings
from ..errors import CitationsError
from ..findings import Finding


@dataclass(frozen=True)
class ServeRequest:
    """The command line, as given: the settings are made again from it on every rebuild, so
    an edit to citations.toml takes effect without a restart."""

    config_path: Path | None  # --config; None: found from the working folder upward
    src: Path | None
    out: Path | None  # None: a temporary folder, removed when the server stops
    options: dict[str, Any] = field(default_factory=dict)  # `build`'s options, click's names
    host: str = "127.0.0.1"
    port: int = 8000


@dataclass(frozen=True)
class Problem:
    """One error shown in the page's overlay: where (path:line:col, if known) and what."""

    where: str
    message: str

    @classmethod
    def of_finding(cls, finding: Finding) -> Problem:
        hint = f" ({finding.hint})" if finding.hint else ""
        where = str(finding.span) if finding.span else ""
        return cls(where, f"{finding.severity}[{finding.code}] {finding.message}{hint}")

    @classmethod
    def of_error(cls, error: CitationsError) -> Problem:
        hint = f" ({error.hint})" if error.hint else ""
        return cls(str(error.span) if error.span else "", f"{error.message}{hint}")

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class Listener(Protocol):
    """The caller's side (the command line prints): the serve package itself never prints."""

    def serving(self, url: str, *, exposed: bool) -> None:
        """Listening at `url`; `exposed`: on an address other machines may reach."""

    def built(self, report: BuildReport, settings: BuildSettings) -> None:
        """A build finished (its findings may hold errors: they are in the overlay too)."""

    def failed(self, error: CitationsError) -> None:
        """A build could not run (bad settings, template, article): shown in the overlay."""

    def crashed(self, error: BaseException) -> None:
        """A bug in citations stopped a build; the server keeps running."""
