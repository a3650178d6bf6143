"""The JUnit XML report: one testsuite, one testcase per finding, as CI test reporters read it.

The mapping, for GitLab, Jenkins and the GitHub test-report actions alike, valid against the
strict schema Jenkins' xunit plugin applies (junit-10.xsd, kept in tests/fixtures/):

- a finding that fails the run (an error; a warning too under --strict or links' --fail-on)
  is a `<failure type="CODE">` (`warning:CODE` for a warning);
- a warning that does not fail the run is `<skipped type="warning:CODE">`: shown and counted,
  never a failed test on a green job;
- an info finding is a passing testcase carrying its text in `<system-out>`;
- no findings at all is one passing testcase, so the suite is never empty.

The schema allows no `file` or `line` on a testcase: the place leads the failure's message
(`path:line: ...`) and its text, and the path is the testcase's classname. `errors` stays 0:
in JUnit it counts crashes of the run, and a finding is never one.
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
    judged = [(finding, meta.fails(finding)) for finding in findings]
    failures = sum(fails for _, fails in judged)
    skipped = sum(f.severity != "info" and not fails for f, fails in judged)
    counts = {"tests": str(max(len(judged), 1)), "failures": str(failures), "errors": "0"}
    suites = ET.Element("testsuites", {"name": "citations", **counts})
    name = f"citations {meta.command}"
    suite = ET.SubElement(suites, "testsuite", {"name": name, **counts, "skipped": str(skipped)})
    if meta.version:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", {"name": "citations.version", "value": meta.version})
    for finding, fails in judged:
        _testcase(suite, finding, fails)
    if not findings:
        ET.SubElement(
            suite, "testcase", {"classname": "citations", "name": f"{meta.command} passed"}
        )
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _testcase(suite: ET.Element, finding: Finding, fails: bool) -> None:
    span = finding.span
    attributes = {"classname": _shown(span.path) if span else "citations", "name": _name(finding)}
    case = ET.SubElement(suite, "testcase", attributes)
    text = _shown(_details(finding))
    if finding.severity == "info" and not fails:
        ET.SubElement(case, "system-out").text = text
        return
    kind = finding.code if finding.severity == "error" else f"warning:{finding.code}"
    tag = "failure" if fails else "skipped"
    outcome = ET.SubElement(case, tag, {"type": _shown(kind), "message": _message(finding)})
    outcome.text = text


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
    where = f"{finding.span}: " if finding.span else ""
    hint = f" ({finding.hint})" if finding.hint else ""
    return _shown(f"{where}{finding.message}{hint}")


def _details(finding: Finding) -> str:
    """The text report's line for the finding, then its related places."""
    return "\n".join([str(finding), *(f"see {span}" for span in finding.related)])
