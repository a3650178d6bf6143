"""GitHub Actions annotations: one `::error file=…,line=…,col=…,title=CODE::message` per finding."""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding
from .escape import inert
from .meta import ReportMeta

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part: a raw newline would end the command, a raw `%` start an escape, and
    an ESC or BEL (from a server's answer, say) would reach the log viewer: shown escaped."""
    return inert(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `name=value` property: also `:` and `,`, which end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report(findings: Sequence[Finding], meta: ReportMeta) -> str:
    return "".join(annotation(f) + "\n" for f in findings)


def annotation(finding: Finding) -> str:
    properties: list[tuple[str, object]] = []
    if finding.span is not None:
        span = finding.span
        properties += [("file", span.path), ("line", span.line), ("col", span.column)]
    properties.append(("title", finding.code))
    props = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties)
    hint = f" ({finding.hint})" if finding.hint else ""
    # Related places go on lines of their own: GitHub shows a multi-line annotation as such.
    message = "\n".join([f"{finding.message}{hint}", *(f"see {s}" for s in finding.related)])
    return f"::{COMMANDS[finding.severity]} {props}::{escape_data(message)}"
