"""The report formats: JUnit XML, SARIF 2.1.0, GitHub annotations, and the JSON schema's hold."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from citations.checks import RULES
from citations.findings import Finding, fails_run
from citations.model import Span
from citations.reporters import REPORTERS, ReportMeta, get_reporter
from citations.reporters.github import escape_data, escape_property
from citations.reporters.junit import clean
from citations.reporters.sarif import FINGERPRINT

from conftest import FIXTURES, junit_schema_errors

HERE = FIXTURES / "reporters"
SARIF_SCHEMA = json.loads((HERE / "sarif-schema-2.1.0.json").read_text("utf-8"))
FINDINGS_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "citations/schemas/findings-1.json"
FINDINGS_SCHEMA = json.loads(FINDINGS_SCHEMA_PATH.read_text("utf-8"))

BIB = "refs/my lib ü.bib"
TRICKY = "key 'a<&>\"' defined twice\nsecond line"
ERROR = Finding(
    "duplicate-key", "error", TRICKY, Span(BIB, 8, 3), hint="rename one", key="smith2020",
    related=(Span(BIB, 1, 1),),
)  # fmt: skip
WARNING = Finding("uncited-entry", "warning", "50%: a,b", Span("refs/main.bib", 4, 2), key="x")
INFO = Finding("no-citations", "info", "nothing cited", Span("articles/a.md", 1, 1))
NOWHERE = Finding("bib-encoding", "error", "bad\x0bbyte\x00", hint="re-save as UTF-8")
SAMPLE = (ERROR, WARNING, INFO, NOWHERE)

# RFC 3986 characters only: the draft-04 checker of `jsonschema` has no `uri` format of its
# own without an extra package, and an unescaped space or letter is exactly what could slip in.
_URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
FORMATS = FormatChecker()


@FORMATS.checks("uri-reference")
def _is_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or _URI_REFERENCE.fullmatch(value) is not None


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return _is_uri_reference(value) and re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value) is not None


def schema_errors(document: Any, schema: dict[str, Any]) -> list[str]:
    """Every violation, by the validator class the schema's own `$schema` names."""
    validator = validator_for(schema)(schema, format_checker=FORMATS)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture
def meta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReportMeta:
    """Span paths are relative to the working folder, which is the project root here."""
    monkeypatch.chdir(tmp_path)
    return ReportMeta("check", "1.2.3", dict(RULES), tmp_path)


def test_every_format_is_registered() -> None:
    assert set(REPORTERS) == {"text", "json", "junit", "sarif", "github"}


# --- JUnit ---------------------------------------------------------------------------------


def junit(findings: tuple[Finding, ...], meta: ReportMeta) -> ET.Element:
    out = get_reporter("junit")(findings, meta)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(out.encode("utf-8"))  # raises on anything that is not well-formed


def test_junit_suite_counts(meta: ReportMeta) -> None:
    root = junit(SAMPLE, meta)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "citations check"
    for element in (root, suite):
        assert (element.get("tests"), element.get("failures"), element.get("errors")) == (
            "4", "2", "0",
        )  # fmt: skip
    assert suite.get("skipped") == "1"  # the warning: shown, not a failed test
    assert root.get("skipped") is None  # the schema allows it on a testsuite only
    assert len(suite.findall("testcase")) == 4


def test_junit_under_strict_counts_warnings_as_failures(meta: ReportMeta) -> None:
    strict = replace(meta, fails=partial(fails_run, strict=True))
    suite = junit(SAMPLE, strict).find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped")) == ("3", "0")
    assert [f.get("type") for f in suite.iter("failure")] == [
        "duplicate-key", "warning:uncited-entry", "bib-encoding",
    ]  # fmt: skip


def test_junit_testcases(meta: ReportMeta) -> None:
    cases = junit(SAMPLE, meta).findall("testsuite/testcase")
    shape = [
        (c.get("classname"), c.get("name"), sorted(c.attrib),
         [(o.tag, o.get("type")) for o in c if o.tag != "system-out"],
         c.find("system-out") is not None)
        for c in cases
    ]  # fmt: skip
    plain = ["classname", "name"]
    assert shape == [
        (BIB, "duplicate-key smith2020", plain, [("failure", "duplicate-key")], False),
        (
            "refs/main.bib",
            "uncited-entry x",
            plain,
            [("skipped", "warning:uncited-entry")],
            False,
        ),
        ("articles/a.md", "no-citations articles/a.md:1", plain, [], True),
        ("citations", "bib-encoding", plain, [("failure", "bib-encoding")], False),
    ]


@pytest.mark.parametrize(
    "findings, strict",
    [
        pytest.param(SAMPLE, False, id="errors-fail"),
        pytest.param(SAMPLE, True, id="strict"),
        pytest.param((), False, id="nothing-found"),
        pytest.param((WARNING, INFO), False, id="warnings-only"),
    ],
)
def test_junit_is_valid_against_the_strict_xunit_schema(
    meta: ReportMeta, findings: tuple[Finding, ...], strict: bool
) -> None:
    out = get_reporter("junit")(findings, replace(meta, fails=partial(fails_run, strict=strict)))
    assert junit_schema_errors(out) == []


def test_junit_escapes_markup_and_keeps_newlines(meta: ReportMeta) -> None:
    failure = junit(SAMPLE, meta).find("testsuite/testcase/failure")
    assert failure is not None and failure.text is not None
    assert failure.get("message") == f"{BIB}:8:3: {TRICKY} (rename one)"  # the place leads
    assert failure.text.startswith(f"{BIB}:8:3: error[duplicate-key] {TRICKY} (rename one)")
    assert failure.text.endswith(f"\nsee {BIB}:1:1")


def test_junit_drops_characters_xml_cannot_hold(meta: ReportMeta) -> None:
    failure = junit(SAMPLE, meta).findall("testsuite/testcase")[3].find("failure")
    assert failure is not None
    assert failure.get("message") == "badbyte (re-save as UTF-8)"
    assert clean("a\x00b\x1fc\td\ufffee\U0001f600") == "abc\tde\U0001f600"


def test_junit_without_findings_has_one_passing_testcase(meta: ReportMeta) -> None:
    root = junit((), meta)
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")
    (case,) = suite.findall("testcase")
    assert list(case) == []


# --- SARIF ---------------------------------------------------------------------------------


def sarif(findings: tuple[Finding, ...], meta: ReportMeta) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(get_reporter("sarif")(findings, meta))
    assert schema_errors(document, SARIF_SCHEMA) == []
    return document


def location(result: dict[str, Any]) -> tuple[str, str | None, int, int]:
    physical = result["locations"][0]["physicalLocation"]
    where = physical["artifactLocation"]
    return (
        where["uri"],
        where.get("uriBaseId"),
        physical["region"]["startLine"],
        (physical["region"]["startColumn"]),
    )


@pytest.mark.parametrize(
    "findings",
    [pytest.param(SAMPLE, id="sample"), pytest.param((), id="empty")],
)
def test_sarif_validates_against_the_official_schema(
    findings: tuple[Finding, ...], meta: ReportMeta
) -> None:
    document = sarif(findings, meta)
    assert document["version"] == "2.1.0"
    assert document["$schema"] == SARIF_SCHEMA["id"]
    assert len(document["runs"]) == 1


def test_the_sarif_schema_check_is_not_a_no_op(meta: ReportMeta) -> None:
    document = sarif(SAMPLE, meta)
    document["runs"][0]["results"][0]["level"] = "info"
    document["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ] = "my lib.bib"
    assert len(schema_errors(document, SARIF_SCHEMA)) == 2


def test_sarif_rules_mirror_the_catalog(meta: ReportMeta) -> None:
    driver = sarif(SAMPLE, meta)["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == (
        "citations", "1.2.3", "1.2.3",
    )  # fmt: skip
    levels = {"error": "error", "warning": "warning", "info": "note"}
    assert [
        (r["id"], r["shortDescription"]["text"], r["defaultConfiguration"]["level"])
        for r in driver["rules"]
    ] == [(rule.code, rule.summary, levels[rule.severity]) for rule in RULES.values()]


def test_sarif_results(meta: ReportMeta, tmp_path: Path) -> None:
    run = sarif(SAMPLE, meta)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [(r["ruleId"], rules[r["ruleIndex"]]["id"], r["level"]) for r in results] == [
        ("duplicate-key", "duplicate-key", "error"),
        ("uncited-entry", "uncited-entry", "warning"),
        ("no-citations", "no-citations", "note"),
        ("bib-encoding", "bib-encoding", "error"),
    ]
    assert [location(r) for r in results[:3]] == [
        ("refs/my%20lib%20%C3%BC.bib", "%SRCROOT%", 8, 3),
        ("refs/main.bib", "%SRCROOT%", 4, 2),
        ("articles/a.md", "%SRCROOT%", 1, 1),
    ]
    assert "locations" not in results[3]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert results[0]["message"]["text"] == f"{TRICKY} (rename one)"
    assert results[1]["message"]["text"] == "50%: a,b"
    related = results[0]["relatedLocations"]
    assert [(r["id"], *location({"locations": [r]})) for r in related] == [
        (0, "refs/my%20lib%20%C3%BC.bib", "%SRCROOT%", 1, 1),
    ]
    assert [r.get("properties", {}).get("key") for r in results] == ["smith2020", "x", None, None]


def test_sarif_fingerprints_follow_code_key_and_file(meta: ReportMeta) -> None:
    def prints(*findings: Finding) -> list[str]:
        results = sarif(findings, meta)["runs"][0]["results"]
        return [r["partialFingerprints"][FINGERPRINT] for r in results]

    moved = Finding("duplicate-key", "error", "other words", Span(BIB, 40, 1), key="smith2020")
    other_key = Finding("duplicate-key", "error", TRICKY, Span(BIB, 8, 3), key="jones2021")
    other_file = Finding("duplicate-key", "error", TRICKY, Span("b.bib", 8, 3), key="smith2020")
    first = prints(*SAMPLE)
    assert first == prints(*SAMPLE)  # stable from run to run
    assert prints(moved) == first[:1]  # lines and wording may change, the alert stays
    assert prints(other_key)[0] != first[0]
    assert prints(other_file)[0] != first[0]
    twice = prints(ERROR, moved)  # the same problem twice in one run: told apart by order
    assert [p.rsplit(":", 1)[1] for p in twice] == ["1", "2"]
    assert twice[0].rsplit(":", 1)[0] == twice[1].rsplit(":", 1)[0]


def test_sarif_file_outside_the_project_keeps_an_absolute_uri(
    meta: ReportMeta, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "shared refs.bib"
    finding = Finding("duplicate-key", "error", "twice", Span(str(elsewhere), 2, 1), key="k")
    (result,) = sarif((finding,), meta)["runs"][0]["results"]
    uri, base, _, _ = location(result)
    assert (uri, base) == (elsewhere.resolve().as_uri(), None)
    assert uri.endswith("/shared%20refs.bib")


def test_sarif_code_outside_the_catalog_gets_a_rule(meta: ReportMeta) -> None:
    finding = Finding("made-up-code", "info", "hello", Span("a.md", 1, 1))
    run = sarif((finding,), meta)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    (result,) = run["results"]
    assert rules[result["ruleIndex"]]["id"] == "made-up-code"
    assert rules[result["ruleIndex"]]["defaultConfiguration"]["level"] == "note"


# --- GitHub annotations --------------------------------------------------------------------


def test_github_annotations(meta: ReportMeta) -> None:
    out = get_reporter("github")(SAMPLE, meta)
    # Only \n ends a workflow command: other characters str.splitlines() breaks at do not.
    assert out.split("\n") == [
        f"::error file={BIB},line=8,col=3,title=duplicate-key::"
        f"key 'a<&>\"' defined twice%0Asecond line (rename one)%0Asee {BIB}:1:1",
        "::warning file=refs/main.bib,line=4,col=2,title=uncited-entry::50%25: a,b",
        "::notice file=articles/a.md,line=1,col=1,title=no-citations::nothing cited",
        "::error title=bib-encoding::bad\x0bbyte\x00 (re-save as UTF-8)",
        "",
    ]


def test_github_without_findings_is_empty(meta: ReportMeta) -> None:
    assert get_reporter("github")((), meta) == ""


@pytest.mark.parametrize(
    ("escape", "raw", "escaped"),
    [
        pytest.param(escape_data, "50% a:b,c\r\nd", "50%25 a:b,c%0D%0Ad", id="data"),
        pytest.param(escape_property, "50% a:b,c\r\nd", "50%25 a%3Ab%2Cc%0D%0Ad", id="property"),
        pytest.param(escape_property, "%3A", "%253A", id="percent-first"),
    ],
)
def test_github_escaping(escape: Callable[[str], str], raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_github_escapes_properties(meta: ReportMeta) -> None:
    finding = Finding("bib-syntax", "error", "x", Span("C:/refs,old/a%b.bib", 3, 7))
    assert get_reporter("github")((finding,), meta) == (
        "::error file=C%3A/refs%2Cold/a%25b.bib,line=3,col=7,title=bib-syntax::x\n"
    )


# --- JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "findings",
    [pytest.param(SAMPLE, id="sample"), pytest.param((), id="empty")],
)
def test_json_validates_against_its_schema(findings: tuple[Finding, ...], meta: ReportMeta) -> None:
    document = json.loads(get_reporter("json")(findings, meta))
    assert schema_errors(document, FINDINGS_SCHEMA) == []
    assert [(f["code"], f["path"], f["line"], f["column"]) for f in document["findings"]] == [
        (f.code, f.span.path if f.span else None, f.span.line if f.span else None,
         f.span.column if f.span else None)
        for f in findings
    ]  # fmt: skip


# --- end to end, through the command line --------------------------------------------------

ARTICLE = "draft é.md"
EXPECTED = [("unknown-key", ARTICLE, 3, 6), ("duplicate-key", "refs.bib", 8, 1)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A duplicate key in refs.bib and an unknown key in the article: two errors."""
    shutil.copytree(HERE / "project", tmp_path / "project")
    return tmp_path / "project"


def check(run: Callable[..., Any], project: Path, fmt: str) -> str:
    result = run("check", "--refs", "refs.bib", "-f", fmt, ARTICLE, cwd=project)
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    out: str = result.out
    return out


def test_cli_text(run: Callable[..., Any], project: Path) -> None:
    lines = check(run, project, "text").splitlines()
    for code, path, line, column in EXPECTED:
        assert any(s.startswith(f"{path}:{line}:{column}: error[{code}]") for s in lines)


def test_cli_json(run: Callable[..., Any], project: Path) -> None:
    document = json.loads(check(run, project, "json"))
    assert schema_errors(document, FINDINGS_SCHEMA) == []
    found = [(f["code"], f["path"], f["line"], f["column"]) for f in document["findings"]]
    assert sorted(found) == sorted(EXPECTED)


def test_cli_junit(run: Callable[..., Any], project: Path) -> None:
    out = check(run, project, "junit")
    assert junit_schema_errors(out) == []
    cases = ET.fromstring(out.encode("utf-8")).findall("testsuite/testcase")
    failures = [(case.find("failure"), case) for case in cases]
    found = [
        (f.get("type"), c.get("classname"), f.get("message", ""))
        for f, c in failures
        if f is not None
    ]
    assert len(found) == len(cases)
    assert sorted((code, path, message.split(": ")[0]) for code, path, message in found) == sorted(
        (code, path, f"{path}:{line}:{column}") for code, path, line, column in EXPECTED
    )


def test_cli_junit_counts_what_the_exit_code_counts(run: Callable[..., Any], project: Path) -> None:
    """A run with warnings only exits 0: its JUnit report has no failed test (GitLab would show
    red tests on a green job); under --strict both fail."""
    (project / "refs.bib").write_text(
        "@article{solo,\n  author = {Solo, Ann},\n  title = {Alone},\n  journal = {J},\n"
        "  year = {2020},\n}\n@misc{uncited, title = {Not cited}, year = {2021}}\n",
        encoding="utf-8",
    )
    (project / ARTICLE).write_text("Cited.[@solo]\n", encoding="utf-8")
    counts = []
    for flags, code in (([], 0), (["--strict"], 1)):
        result = run("check", "--refs", "refs.bib", "-f", "junit", *flags, ARTICLE, cwd=project)
        assert result.code == code, result.err
        assert junit_schema_errors(result.out) == []
        suite = ET.fromstring(result.out.encode("utf-8")).find("testsuite")
        assert suite is not None
        counts.append((int(suite.get("failures", "")), int(suite.get("skipped", ""))))
    warnings = counts[0][1]
    assert warnings > 0
    assert counts == [(0, warnings), (warnings, 0)]


def test_cli_sarif(run: Callable[..., Any], project: Path) -> None:
    document = json.loads(check(run, project, "sarif"))
    assert schema_errors(document, SARIF_SCHEMA) == []
    results = document["runs"][0]["results"]
    found = [(r["ruleId"], *location(r)) for r in results]
    assert sorted(found) == [
        ("duplicate-key", "refs.bib", "%SRCROOT%", 8, 1),
        ("unknown-key", "draft%20%C3%A9.md", "%SRCROOT%", 3, 6),
    ]


def test_cli_github(run: Callable[..., Any], project: Path) -> None:
    lines = check(run, project, "github").splitlines()
    assert len(lines) == len(EXPECTED)
    for code, path, line, column in EXPECTED:
        prefix = f"::error file={path},line={line},col={column},title={code}::"
        assert any(s.startswith(prefix) for s in lines)
