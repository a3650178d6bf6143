"""Link reports: findings, exit status, and every format's output validated and escaped."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import pytest

from citations.errors import CitationsError
from citations.links.model import OUTCOMES, Outcome, Place, Result
from citations.links.report import (
    FORMATS,
    LINK_RULES,
    exit_failed,
    fails_run,
    failure_streak,
    link_findings,
    render_report,
)
from citations.reporters import ReportMeta

from conftest import ROOT, junit_schema_errors
from test_reporters import SARIF_SCHEMA, schema_errors

LINKS_SCHEMA = json.loads((ROOT / "citations/schemas/links-1.json").read_text("utf-8"))
SINCE = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc).timestamp()
BIB = "refs/main.bib"
HOSTILE = "<script>alert(1)</script> a|b\nforged.bib:1:1: broken x"

OK = Result("https://ok.example/", "url", "ok", 200, "200 OK", places=(Place(BIB, 3, 3, "a"),))
MOVED = Result(
    "http://old.example/paper", "url", "ok-with-warning", 200, "moved permanently",
    redirects=[(301, "https://new.example/paper")], final_url="https://new.example/paper",
    permanent_redirect="https://new.example/paper", places=(Place(BIB, 9, 3, "b"),),
)  # fmt: skip
SLOWED = Result(
    "https://slow.example/", "url", "ok-with-warning", 200, "rate-limited (429), then ok",
    places=(Place("articles/a.md", 4, 12),),
)  # fmt: skip
BROKEN = Result(
    "https://gone.example/x", "url", "broken", 404, "404 Not Found",
    places=(Place(BIB, 12, 3, "smith2020"), Place("articles/a.md", 7, 20)),
    failing_since=SINCE, recent_failures=3, recent_runs=4, consecutive_failures=3, from_cache=True,
)  # fmt: skip
UNREGISTERED = Result(
    "10.9999/nope", "doi", "broken", 404, "DOI not registered", places=(Place(BIB, 20, 3, "c"),)
)
BLOCKED = Result(
    "https://walled.example/", "url", "blocked", 403, "403 Forbidden (challenge page)",
    note="exists but refuses robots: check it in a browser", places=(Place(BIB, 30, 3, "d"),),
)  # fmt: skip
TRANSIENT = Result(
    "https://flaky.example/", "url", "transient", 503, "503 Service Unavailable",
    attempts=4, places=(Place(BIB, 40, 3, "e"),), failing_since=SINCE,
    recent_failures=2, recent_runs=2, consecutive_failures=2,
)  # fmt: skip
TLS = Result(
    "https://expired.example/", "url", "tls-error", None, "certificate has expired",
    places=(Place(BIB, 50, 3, "f"),),
)  # fmt: skip
EXCLUDED = Result("https://skip.example/", "url", "excluded", places=(Place(BIB, 60, 3, "g"),))
EVIL = Result(
    "javascript:alert(1)//|x", "url", "broken", None, HOSTILE, note="see <b>this</b> | that",
    places=(Place("articles/<evil>|.md", 2, 5, "k<&>\"'|"),),
)  # fmt: skip
EVIL_REDIRECT = Result(
    'https://evil.example/"onmouseover="alert(1)', "url", "ok-with-warning", 200, "302",
    redirects=[(302, "javascript:alert(2)"), (302, "https://x.example/<script>alert(3)")],
    places=(Place(BIB, 70, 3, "h"),),
)  # fmt: skip
NOWHERE = Result("https://orphan.example/", "url", "transient", None, "timed out")
SAMPLE = (OK, MOVED, SLOWED, BROKEN, UNREGISTERED, BLOCKED, TRANSIENT, TLS, EXCLUDED, EVIL,
          EVIL_REDIRECT, NOWHERE)  # fmt: skip


@pytest.fixture
def meta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReportMeta:
    monkeypatch.chdir(tmp_path)  # place paths are relative to the project root, as in a run
    return ReportMeta("links", "1.2.3", {}, tmp_path)


def test_the_sample_has_every_outcome() -> None:
    assert {r.outcome for r in SAMPLE} == set(OUTCOMES)


# --- findings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        pytest.param(OK, [], id="ok"),
        pytest.param(EXCLUDED, [], id="excluded"),
        pytest.param(MOVED, [("link-redirected", "info", f"{BIB}:9:3", "b")], id="redirected"),
        pytest.param(SLOWED, [("link-warning", "info", "articles/a.md:4:12", None)], id="warn"),
        pytest.param(
            BROKEN,
            [
                ("link-broken", "error", f"{BIB}:12:3", "smith2020"),
                ("link-broken", "error", "articles/a.md:7:20", None),
            ],
            id="broken-two-places",
        ),
        pytest.param(UNREGISTERED, [("link-broken", "error", f"{BIB}:20:3", "c")], id="doi"),
        pytest.param(BLOCKED, [("link-blocked", "warning", f"{BIB}:30:3", "d")], id="blocked"),
        pytest.param(
            TRANSIENT, [("link-transient", "warning", f"{BIB}:40:3", "e")], id="transient"
        ),
        pytest.param(TLS, [("link-tls-error", "error", f"{BIB}:50:3", "f")], id="tls"),
        pytest.param(NOWHERE, [("link-transient", "warning", None, None)], id="no-place"),
    ],
)
def test_link_findings(result: Result, expected: list[tuple[str, str, str | None, str]]) -> None:
    found = [
        (f.code, f.severity, str(f.span) if f.span else None, f.key)
        for f in link_findings([result])
    ]
    assert found == expected


def test_findings_name_the_link_and_carry_redirects_notes_and_history() -> None:
    moved, broken, _, doi, blocked = link_findings([MOVED, BROKEN, UNREGISTERED, BLOCKED])
    assert moved.hint == "update it to https://new.example/paper"
    assert "https://new.example/paper" in moved.message
    assert "https://gone.example/x" in broken.message and "404 Not Found" in broken.message
    assert "broken since 2026-11-20" in broken.message
    assert "failed 3 of the last 4 runs" in broken.message
    assert "DOI 10.9999/nope" in doi.message
    assert blocked.hint == BLOCKED.note


def test_the_catalog_covers_every_code_once() -> None:
    codes = [rule.code for rule in LINK_RULES]
    assert len(codes) == len(set(codes))
    assert {f.code for f in link_findings(SAMPLE)} <= set(codes)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in codes)


# --- exit status ---------------------------------------------------------------------------


def _with(result: Result, outcome: Outcome, failures: int = 0, runs: int = 0) -> Result:
    return Result(
        result.url,
        "url",
        outcome,
        recent_failures=failures,
        recent_runs=runs,
        consecutive_failures=failures,
    )


@pytest.mark.parametrize(
    ("outcome", "failures", "runs", "fail_on", "fail_after", "failed"),
    [
        pytest.param("broken", 0, 0, None, 1, True, id="broken-by-default"),
        pytest.param("tls-error", 0, 0, None, 1, False, id="tls-not-by-default"),
        pytest.param("transient", 5, 5, None, 1, False, id="transient-not-by-default"),
        pytest.param("blocked", 0, 0, None, 1, False, id="blocked-not-by-default"),
        pytest.param("ok-with-warning", 0, 0, None, 1, False, id="warning-never"),
        pytest.param("tls-error", 0, 0, {"broken", "tls-error"}, 3, True, id="tls-configured"),
        pytest.param("broken", 0, 0, {"tls-error"}, 1, False, id="broken-unselected"),
        pytest.param("transient", 0, 0, {"transient"}, 1, True, id="transient-at-once"),
        pytest.param("transient", 0, 0, {"transient"}, 3, False, id="transient-no-history"),
        pytest.param("transient", 2, 2, {"transient"}, 3, False, id="transient-twice"),
        pytest.param("transient", 3, 3, {"transient"}, 3, True, id="transient-thrice"),
        pytest.param("blocked", 3, 4, {"blocked"}, 3, True, id="blocked-3-of-4"),
        pytest.param("blocked", 9, 9, {"transient"}, 3, False, id="blocked-unselected"),
    ],
)
def test_exit_failed(
    outcome: Outcome, failures: int, runs: int, fail_on: set[str] | None, fail_after: int,
    failed: bool,
) -> None:  # fmt: skip
    results = [OK, EXCLUDED, _with(OK, outcome, failures, runs)]
    if fail_on is None:
        assert exit_failed(results, fail_after=fail_after) is failed
    else:
        assert exit_failed(results, frozenset(fail_on), fail_after) is failed


def test_failure_streak() -> None:
    assert [failure_streak(r) for r in (OK, MOVED, EXCLUDED, TLS, BROKEN, TRANSIENT)] == [
        0, 0, 0, 1, 3, 2,
    ]  # fmt: skip


def test_an_unknown_format_is_refused_with_a_suggestion(meta: ReportMeta) -> None:
    with pytest.raises(CitationsError) as caught:
        render_report(SAMPLE, "markdwn", meta)
    assert "markdown" in caught.value.hint


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in FORMATS])
def test_every_format_renders_nothing_too(fmt: str, meta: ReportMeta) -> None:
    assert isinstance(render_report([], fmt, meta), str)


# --- text ----------------------------------------------------------------------------------


def test_text_lines_per_place_then_the_summary(meta: ReportMeta) -> None:
    out = render_report([OK, BROKEN, MOVED, EXCLUDED], "text", meta).splitlines()
    assert out == [
        "articles/a.md:7:20: broken https://gone.example/x — 404 Not Found"
        " (broken since 2026-11-20; failed 3 of the last 4 runs; from cache)",
        f"{BIB}:9:3: ok-with-warning http://old.example/paper — moved permanently — update it"
        " to https://new.example/paper [b]",
        "    301 → https://new.example/paper",
        f"{BIB}:12:3: broken https://gone.example/x — 404 Not Found"
        " [smith2020] (broken since 2026-11-20; failed 3 of the last 4 runs; from cache)",
        "4 links checked (1 from cache): 1 broken, 1 ok-with-warning, 1 ok, 1 excluded",
    ]


def test_text_cannot_be_forged_by_a_detail(meta: ReportMeta) -> None:
    terminal = Result("https://t.example/", "url", "broken", 404, "\x1b[2J\u202egnp.exe\r!")
    out = render_report([EVIL, terminal], "text", meta)
    lines = out.splitlines()
    assert len(lines) == 3
    assert not any(line.startswith("forged.bib") for line in lines)
    assert "\\n" in next(line for line in lines if "javascript:" in line)
    assert "\\x1b[2J\\u202egnp.exe\\r!" in next(line for line in lines if "t.example" in line)
    assert not re.search(r"[\x00-\x1f\u202e]", out.replace("\n", ""))


# --- JSON ----------------------------------------------------------------------------------


def test_json_validates_and_carries_places_and_history(meta: ReportMeta) -> None:
    document = json.loads(render_report(SAMPLE, "json", meta))
    assert schema_errors(document, LINKS_SCHEMA) == []
    assert (document["schema"], document["version"], document["tool"]) == (
        "citations-links", 1, {"name": "citations", "version": "1.2.3"},
    )  # fmt: skip
    assert [r["url"] for r in document["results"]] == [r.url for r in SAMPLE]
    assert document["summary"] == {
        "ok": 1, "ok-with-warning": 3, "broken": 3, "blocked": 1, "transient": 2,
        "tls-error": 1, "excluded": 1,
    }  # fmt: skip
    broken = document["results"][3]
    assert broken["places"] == [
        {"path": BIB, "line": 12, "column": 3, "key": "smith2020"},
        {"path": "articles/a.md", "line": 7, "column": 20, "key": None},
    ]
    assert (broken["outcome"], broken["status"], broken["detail"]) == (
        "broken", 404, "404 Not Found",
    )  # fmt: skip
    assert datetime.fromisoformat(broken["failing_since"]).timestamp() == SINCE
    assert (broken["recent_failures"], broken["recent_runs"], broken["from_cache"]) == (3, 4, True)
    assert document["results"][1]["redirects"] == [[301, "https://new.example/paper"]]
    assert document["results"][0]["failing_since"] is None


def test_the_links_schema_check_is_not_a_no_op(meta: ReportMeta) -> None:
    document = json.loads(render_report(SAMPLE, "json", meta))
    document["results"][0]["outcome"] = "fine"
    del document["results"][1]["places"][0]["key"]
    del document["results"][2]["status"]
    assert len(schema_errors(document, LINKS_SCHEMA)) == 3


# --- the finding formats -------------------------------------------------------------------


def test_sarif_validates_and_describes_the_link_rules(meta: ReportMeta) -> None:
    document = json.loads(render_report(SAMPLE, "sarif", meta))
    assert schema_errors(document, SARIF_SCHEMA) == []
    run = document["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in LINK_RULES]
    assert len(run["results"]) == len(link_findings(SAMPLE)) == 11
    first = run["results"][0]
    assert (first["ruleId"], first["level"], first["properties"]) == (
        "link-redirected", "note", {"key": "b"},
    )  # fmt: skip


def test_junit_fails_what_fails_the_run_and_shows_the_rest_as_skipped(meta: ReportMeta) -> None:
    out = render_report(SAMPLE, "junit", meta)
    assert junit_schema_errors(out) == []
    suite = ET.fromstring(out.encode("utf-8")).find("testsuite")
    assert suite is not None
    assert len(suite.findall("testcase")) == 11
    assert sorted(f.get("type") or "" for f in suite.iter("failure")) == ["link-broken"] * 4
    assert sorted(f.get("type") or "" for f in suite.iter("skipped")) == sorted(
        ["link-tls-error", "warning:link-blocked"] + ["warning:link-transient"] * 2
    )


def test_junit_follows_fail_on(meta: ReportMeta) -> None:
    everything = frozenset({"broken", "tls-error", "transient", "blocked"})
    out = render_report(SAMPLE, "junit", meta, partial(fails_run, fail_on=everything))
    assert junit_schema_errors(out) == []
    suite = ET.fromstring(out.encode("utf-8")).find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped")) == ("8", "0")
    assert exit_failed(SAMPLE, everything)


def test_github_annotations_one_line_each(meta: ReportMeta) -> None:
    lines = render_report(SAMPLE, "github", meta).splitlines()
    assert len(lines) == 11
    assert lines[2].startswith(f"::error file={BIB},line=12,col=3,title=link-broken::")
    assert lines[0].startswith(f"::notice file={BIB},line=9,col=3,title=link-redirected::")


# --- Markdown ------------------------------------------------------------------------------


def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_markdown_table(meta: ReportMeta) -> None:
    out = render_report(SAMPLE, "markdown", meta)
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert all(len(_cells(row)) == 5 for row in rows), rows
    body = rows[2:]
    assert [_cells(row)[0].strip() for row in body] == [
        "broken", "broken", "broken", "tls-error", "transient", "transient", "blocked",
        "ok-with-warning", "ok-with-warning", "ok-with-warning",
    ]  # fmt: skip
    assert "[doi:10.9999/nope](https://doi.org/10.9999/nope)" in out
    assert "[https://gone.example/x](https://gone.example/x)" in out
    assert f"{BIB}:12 (smith2020)<br>articles/a.md:7" in out
    assert "<script>" not in out and "](javascript:" not in out
    assert "\\<script\\>alert(1)\\</script\\> a\\|b<br>forged.bib:1:1: broken x" in out


def test_markdown_when_every_link_is_fine(meta: ReportMeta) -> None:
    out = render_report([OK, EXCLUDED], "markdown", meta)
    assert "|" not in out and "2 links checked: 1 ok, 1 excluded" in out


# --- HTML ----------------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, list[str]] = {}
        self.rows: list[list[str]] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        if tag == "td":
            self.rows[-1].append("")
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        tag = self._open[-1] if self._open else ""
        self.data.setdefault(tag, []).append(data)
        if "td" in self._open and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def _page(meta: ReportMeta) -> tuple[str, _Page]:
    out = render_report(SAMPLE, "html", meta)
    page = _Page()
    page.feed(out)
    page.close()
    return out, page


def test_html_is_one_self_contained_file(meta: ReportMeta) -> None:
    out, page = _page(meta)
    assert out.startswith("<!DOCTYPE html>")
    assert not [attrs for _, attrs in page.tags if "src" in attrs]
    assert not [tag for tag, _ in page.tags if tag in {"link", "img", "iframe", "object"}]
    assert [tag for tag, _ in page.tags].count("script") == 1
    assert "@import" not in out and "url(" not in "".join(page.data["style"])
    hrefs = [attrs["href"] or "" for tag, attrs in page.tags if "href" in attrs]
    assert all(tag == "a" for tag, attrs in page.tags if "href" in attrs)
    assert hrefs and all(re.match(r"https?://", href) for href in hrefs)


def test_html_escapes_everything_and_links_only_http(meta: ReportMeta) -> None:
    out, page = _page(meta)
    assert "<script>alert" not in out and "<b>this" not in out
    hrefs = [attrs["href"] or "" for tag, attrs in page.tags if tag == "a"]
    assert not [h for h in hrefs if "javascript" in h.lower() or '"' in h or "<" in h]
    assert "https://doi.org/10.9999/nope" in hrefs
    assert any(h.startswith("https://evil.example/%22onmouseover") for h in hrefs)
    assert not [attrs for _, attrs in page.tags if any(a.startswith("on") for a in attrs)]
    evil = next(row for row in page.rows if row and row[1].startswith("javascript:"))
    assert HOSTILE in evil[3] and "articles/<evil>|.md:2:5 (k<&>\"'|)" in evil[5]


def test_html_table_rows_history_and_sorting(meta: ReportMeta) -> None:
    _, page = _page(meta)
    rows = [row for row in page.rows if row]
    assert len(rows) == len(SAMPLE)
    outcomes = [row[0] for row in rows]
    assert outcomes == sorted(outcomes, key=lambda o: [
        "broken", "tls-error", "transient", "blocked", "ok-with-warning", "ok", "excluded",
    ].index(o))  # fmt: skip
    classes = [attrs.get("class") for tag, attrs in page.tags if tag == "tr"][1:]
    assert classes == [f"o-{o}" for o in outcomes]
    broken = next(row for row in rows if row[1] == "https://gone.example/x")
    assert "broken since 2026-11-20" in broken[6] and "failed 3 of the last 4 runs" in broken[6]
    assert broken[7] == "cached" and broken[2] == "404"
    moved = next(row for row in rows if row[1] == "http://old.example/paper")
    assert "301 → https://new.example/paper" in moved[4]
    assert "update it to https://new.example/paper" in moved[3]
    script = "".join(page.data["script"])
    assert "addEventListener" in script and "data-sort" in script and "aria-sort" in script


def test_html_content_security_policy_admits_only_its_own_style_and_script(
    meta: ReportMeta,
) -> None:
    _, page = _page(meta)
    policy = next(a["content"] or "" for t, a in page.tags if a.get("http-equiv"))
    for tag in ("style", "script"):
        source = "".join(page.data[tag]).encode("utf-8")
        digest = base64.b64encode(hashlib.sha256(source).digest()).decode("ascii")
        assert f"'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy


def test_html_short_cells_never_break_inside_a_word(meta: ReportMeta) -> None:
    _, page = _page(meta)
    style = "".join(page.data["style"])
    assert "th, td.short { white-space: nowrap; }" in style
    assert "overflow-wrap: anywhere" not in style.split("td.long", 1)[0]  # only long cells
    cells = [attrs.get("class") for tag, attrs in page.tags if tag == "td"]
    per_row = len(cells) // len(SAMPLE)
    assert cells[:per_row] == ["short", "long", "short", "long", "long", "long", "long", "short"]


def test_html_leaves_out_columns_empty_in_every_row(meta: ReportMeta) -> None:
    page = _Page()
    page.feed(render_report([OK, NOWHERE], "html", meta))
    headers = page.data["th"]
    assert headers == ["Outcome", "Link", "Status", "Detail", "Places"]
    rows = [row for row in page.rows if row]
    assert all(len(row) == len(headers) for row in rows)
