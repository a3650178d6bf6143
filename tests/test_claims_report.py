"""The claims report: the example's golden files, the JSON schema, Markdown, and one-file HTML."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from citations.commands.claims import run_claims_command
from citations.config import Config, load_config
from citations.errors import CitationsError

from conftest import FIXTURES, ROOT
from test_reporters import schema_errors

CLAIMS_SCHEMA = json.loads((ROOT / "citations/schemas/claims-1.json").read_text("utf-8"))
EXAMPLE = Path("articles/acupuncture-for-hip-pain.md")
GOLDEN = FIXTURES / "claims"


def golden(path: Path, text: str) -> None:
    """Compare with the committed file; UPDATE_GOLDEN=1 rewrites it instead."""
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")


def example(fmt: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)
    config = load_config(ROOT / "citations.toml")
    return run_claims_command(config, [EXAMPLE], {"report_format": fmt, "no_cache": True}).report


def two(fmt: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(GOLDEN / "two")
    options = {"report_format": fmt, "no_cache": True, "refs": [Path("refs.bib")]}
    return run_claims_command(Config(), [Path("first.md"), Path("second.md")], options).report


@pytest.mark.parametrize(
    ("fmt", "name"),
    [pytest.param("text", "txt", id="text"), pytest.param("json", "json", id="json")],
)
def test_the_example_report_matches_its_golden_file(
    fmt: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    golden(GOLDEN / f"acupuncture-for-hip-pain.{name}", example(fmt, monkeypatch))


def test_the_example_lists_every_citing_sentence_and_flags_the_faq(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = json.loads(example("json", monkeypatch))
    assert len(document["claims"]) == 10  # one per marker of the example
    assert all(claim["keys"] for claim in document["claims"])
    uncited = [f for f in document["flags"] if f["code"] == "uncited-evidence-claim"]
    # The FAQ's first sentence (its second cites Park), and an appeal to institutions.
    assert [(f["line"], f["column"]) for f in uncited] == [(154, 3), (178, 3)]
    assert "institutions increasingly recognize" in uncited[0]["message"]
    assert "Research suggests acupuncture can help manage" in uncited[1]["message"]
    web_only = [f["key"] for f in document["flags"] if f["code"] == "web-only-support"]
    assert web_only == ["mayoclinic2023osteoarthritis", "clevelandclinic2023hip"]
    evidence = {r["key"]: r["evidence"]["type"] for r in document["references"]}
    assert evidence == {
        "mayoclinic2023osteoarthritis": "web-page",
        "wu2016efficacy": "systematic-review",
        "park2023acupuncture": "systematic-review",
        "sheng2010comparative": "cohort-observational",
        "usichenko2005auricular": "randomized-controlled-trial",
        "clevelandclinic2023hip": "web-page",
    }


@pytest.mark.parametrize(
    "source", [pytest.param(example, id="example"), pytest.param(two, id="two")]
)
def test_json_follows_the_documented_schema(source: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(source("json", monkeypatch))
    assert schema_errors(document, CLAIMS_SCHEMA) == []
    for i, claim in enumerate(document["claims"]):
        assert len(claim["keys"]) == len(claim["numbers"])
        for key in claim["keys"]:
            assert i in next(r["claims"] for r in document["references"] if r["key"] == key)


def test_json_of_two_articles_numbers_keys_per_article(monkeypatch: pytest.MonkeyPatch) -> None:
    references = {r["key"]: r for r in json.loads(two("json", monkeypatch))["references"]}
    assert "number" not in references["smith2020trial"]
    assert references["smith2020trial"]["numbers"] == {"first.md": 1, "second.md": 2}
    assert references["clinic2024heat"]["number"] == 3
    assert references["missing2030"]["evidence"] is None
    assert references["missing2030"]["in_library"] is False


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.external: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if "href" in values:
            self.hrefs.append(values["href"])
        self.external += [(n, v) for n, v in values.items() if n in ("src", "srcset", "action")]


@pytest.mark.parametrize(
    "source", [pytest.param(example, id="example"), pytest.param(two, id="two")]
)
def test_html_is_one_self_contained_file(source: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    page = source("html", monkeypatch)
    parser = _Page()
    parser.feed(page)
    assert page.startswith("<!DOCTYPE html>")
    assert not {"script", "link", "img", "iframe", "object"} & set(parser.tags)
    assert parser.external == []
    assert all(href.startswith("#") for href in parser.hrefs)
    assert {href[1:] for href in parser.hrefs} <= parser.ids  # every link lands
    assert "default-src 'none'" in page


def test_each_html_source_links_to_every_claim_citing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    page = example("html", monkeypatch)
    park = page[page.index('<tr id="source-3">') :]
    park = park[: park.index("</tr>")]
    assert [f'href="#claim-{n}"' in park for n in (3, 4, 9)] == [True] * 3
    assert park.count('href="#claim-') == 3
    claim_1 = page[page.index('<tr id="claim-1">') :]
    assert 'href="#source-1"' in claim_1[: claim_1.index("</tr>")]


def test_markdown_has_a_table_per_article_and_the_reverse_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = two("markdown", monkeypatch)
    rows = [line for line in report.splitlines() if line.startswith("| ")]
    header_cells = {"| # | Claim | Section | Line | Sources |": 5, "| Reference |": 3}
    for line in rows:
        cells = line.replace("\\|", "").count("|") - 1
        assert cells in header_cells.values(), line
    assert report.count("## Claims of") == 2 and "## Reverse index" in report
    assert "first.md:8:57 claim 2<br>second.md:5:9 claim 1" in report


HOSTILE_ARTICLE = (
    "# Head <b>x</b> | y\n\n"
    'Fish &lt;script&gt;alert(1)&lt;/script&gt; "q" | *pipes* & more.[@evil]\n'
)
HOSTILE_BIB = "@online{evil, author = {{Org <img src=x onerror=alert(1)>}}, title = {T}, " \
    "year = {2020}, url = {https://x.example/}}\n"  # fmt: skip


@pytest.mark.parametrize("fmt", ["html", "markdown", "text", "json"])
def test_every_format_escapes_what_articles_and_entries_hold(fmt: str, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(HOSTILE_ARTICLE, "utf-8")
    (tmp_path / "refs.bib").write_text(HOSTILE_BIB, "utf-8")
    options = {"report_format": fmt, "no_cache": True, "refs": [tmp_path / "refs.bib"]}
    report = run_claims_command(Config(), [tmp_path / "a.md"], options).report
    if fmt == "html":
        assert "<script" not in report and "<img" not in report
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    elif fmt == "markdown":
        line = next(row for row in report.splitlines() if row.startswith("| 1 |"))
        assert line.replace("\\|", "").count("|") == 6
        assert "\\<img" in report and "<img" not in report.replace("\\<img", "")
    elif fmt == "json":
        assert json.loads(report)["claims"][0]["text"].startswith("Fish <script>")
    else:
        assert "1. Fish <script>alert(1)</script>" in report


def test_an_unknown_format_or_no_article_is_a_usage_problem(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("Text.\n", "utf-8")
    (tmp_path / "refs.bib").write_text("", "utf-8")
    options = {"report_format": "pdf", "no_cache": True, "refs": [tmp_path / "refs.bib"]}
    with pytest.raises(CitationsError, match="unknown report format"):
        run_claims_command(Config(), [article], options)
    with pytest.raises(CitationsError, match="no articles"):
        run_claims_command(Config(), [], options)
