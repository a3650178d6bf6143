"""The JUnit XML report: one testsuite, one testcase per finding, as CI test reporters read it.

The mapping, for GitLab, Jenkins and the GitHub test-report actions alike:

- an error is a `<failure type="CODE">`;
- a warning is a `<failure type="warning:CODE">`, so that it shows up in the report too;
- an info finding is a passing testcase carrying its text in `<system-out>`;
- no findings at all is one passing testcase, so the suite is never empty.

`errors` stays 0: in JUnit it counts crashes of the run, and a finding is never one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..findings import Finding
from .escape import inert
from .meta import ReportMeta

# XML 1.0 has no way to write these, not even escaped: a message that carries one (a stray
# control character copied from a PDF, say) would make the whole report unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def _shown(text: str) -> str:
    """Text for a message: what a terminal acts on (ESC, BEL, C1) escaped, then cleaned."""
    return clean(inert(text))


def report(findings: Sequence[Finding], meta: ReportMeta) -> str:
    failures = sum(1 for f in findings if f.severity != "info")
    tests = max(len(findings), 1)
    counts = {"tests": str(tests), "failures": str(failures), "errors": "0", "skipped": "0"}
    suites = ET.Element("testsuites", {"name": "citations", **counts})
    suite = ET.SubElement(suites, "testsuite", {"name": f"citations {meta.command}", **counts})
    if meta.version:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", {"name": "citations.version", "value": meta.version})
    for finding in findings:
        _testcase(suite, finding)
    if not findings:
        ET.SubElement(
            suite, "testcase", {"classname": "citations", "name": f"{meta.command} passed"}
        )
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _testcase(suite: ET.Element, finding: Finding) -> None:
    span = finding.span
    attributes = {"classname": _shown(span.path) if span else "citations", "name": _name(finding)}
    if span:
        attributes |= {"file": _shown(span.path), "line": str(span.line)}
    case = ET.SubElement(suite, "testcase", attributes)
    text = _shown(_details(finding))
    if finding.severity == "info":
        ET.SubElement(case, "system-out").text = text
        return
    kind = finding.code if finding.severity == "error" else f"warning:{finding.code}"
    failure = ET.SubElement(case, "failure", {"type": _shown(kind), "message": _message(finding)})
    failure.text = text


def _name(finding: Finding) -> str:
    """`CODE KEY`, else `CODE PATH:LINE`: unique enough for a report to list them apart."""
    if finding.key is not None:
        where = finding.key
    elif finding.span is not None:
        where = f"{finding.span.path}:{finding.span.line}"
    else:
        return _shown(finding.code)
    return _shown(f"{finding.code} {where}")


def _message(finding: Finding) -> str:
    hint = f" ({finding.hint})" if finding.hint else ""
    return _shown(f"{finding.message}{hint}")


def _details(finding: Finding) -> str:
    """The text report's line for the finding, then its related places."""
    return "\n".join([str(finding), *(f"see {span}" for span in finding.related)])
