"""`citations verify` end to end: a fixture library against the fake registries on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from citations.commands.verify import UsageError, VerifyOutcome, run_verify_command
from citations.config import Config
from citations.errors import EXIT_USAGE, ConfigError
from citations.findings import fails_run

from conftest import FIXTURES, ROOT, junit_schema_errors
from fakeregistry import FakeRegistry

LIBRARY = FIXTURES / "verify" / "library.bib"
OWN_REGISTRY = FIXTURES / "verify" / "registry"
SCHEMA = json.loads((ROOT / "citations/schemas/verify-1.json").read_text("utf-8"))

# The acceptance list: every perturbation of the fixture library and its verdict.
EXPECTED = {
    "ioannidis2005": "verified",
    "button2013": "mismatch",  # wrong year
    "simmons2011": "mismatch",  # swapped page digits
    "osc2015": "mismatch",  # truncated title
    "kahneman1979": "different-work",  # the DOI of another paper
    "whitfield2019": "not-found",  # a fabricated title with real-sounding authors
    "kuhn1962": "unverifiable",  # a real book no registry indexes
    "wakefield1998": "retracted",
    "higgins2002": "corrected",
    "pandas2023": "verified",  # a DataCite DOI: compared with its CSL-JSON
    "vaswani2017": "verified",  # an arXiv preprint
    "tatsioni2007": "verified",  # PMID only
    "sheng2010": "verified",  # PMID as eprint; PubMed's bracketed title, elided pages
    "wu2016": "verified",  # PMCID only
    "button2013search": "verified",  # no identifier: a title search
    "ghostdoi": "not-found",  # a DOI no agency has
    "who2020": "unverifiable",  # a web page
}


@pytest.fixture
def fake() -> Iterator[FakeRegistry]:
    with FakeRegistry(FIXTURES / "registry", OWN_REGISTRY) as server:
        yield server


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A copy of the fixture library that a test may fix."""
    path = tmp_path / "refs" / "library.bib"
    path.parent.mkdir()
    shutil.copyfile(LIBRARY, path)
    return path


def verify(
    fake: FakeRegistry,
    refs: Path,
    *keys: str,
    cache: Path | None = None,
    backoff: float = 0.01,
    **options: Any,
) -> VerifyOutcome:
    opts: dict[str, Any] = {"keys": keys, "refs": (refs,), **options}
    if cache is not None:
        opts["cache"] = cache
    else:
        opts.setdefault("no_cache", True)
    settings = fake.settings(backoff=backoff)
    return run_verify_command(Config(refs=(refs,)), opts, settings=settings)


def verdicts(outcome: VerifyOutcome) -> dict[str, str]:
    return {r.key: r.verdict for r in outcome.results}


def by_key(outcome: VerifyOutcome, key: str) -> Any:
    return next(r for r in outcome.results if r.key == key)


# --- verdicts --------------------------------------------------------------------------------


def test_every_verdict_of_the_fixture_library_is_right(fake: FakeRegistry) -> None:
    outcome = verify(fake, LIBRARY)
    assert verdicts(outcome) == EXPECTED
    assert [r.key for r in outcome.results] == list(EXPECTED)  # library order, whatever the pool


@pytest.mark.parametrize(
    ("key", "fields"),
    [
        pytest.param("button2013", {"year": ("2014", "2013")}, id="wrong-year"),
        pytest.param("simmons2011", {"pages": ("1359–1636", "1359-1366")}, id="swapped-pages"),
        pytest.param(
            "osc2015",
            {
                "title": (
                    "Estimating the reproducibility",
                    "Estimating the reproducibility of psychological science",
                )
            },
            id="truncated-title",
        ),
        pytest.param("ioannidis2005", {}, id="verified"),
        pytest.param("tatsioni2007", {}, id="elided-pubmed-pages"),
    ],
)
def test_mismatches_name_the_field_ours_and_theirs(
    fake: FakeRegistry, key: str, fields: dict[str, tuple[str, str]]
) -> None:
    result = by_key(verify(fake, LIBRARY, key), key)
    assert {d.field: (d.ours, d.theirs) for d in result.fields} == fields
    assert result.source.startswith(fake.server.url("/"))
    assert 0.5 < result.confidence <= 1.0


def test_another_paper_s_doi_is_reported_at_the_doi(fake: FakeRegistry) -> None:
    outcome = verify(fake, LIBRARY, "kahneman1979")
    assert [(f.code, f.severity, f.span.line if f.span else 0) for f in outcome.findings] == [
        ("verify-different-work", "error", 60)
    ]
    assert "Power failure" in outcome.findings[0].message


def test_a_fabricated_article_is_not_found_after_crossref_and_pubmed(fake: FakeRegistry) -> None:
    outcome = verify(fake, LIBRARY, "whitfield2019")
    assert verdicts(outcome) == {"whitfield2019": "not-found"}
    assert len(fake.hits("/crossref/works?")) == 1
    assert len(fake.hits("/ncbi/esearch.fcgi")) == 1


def test_entries_no_registry_indexes_cost_no_request(fake: FakeRegistry) -> None:
    outcome = verify(fake, LIBRARY, "kuhn1962", "who2020")
    assert verdicts(outcome) == {"kuhn1962": "unverifiable", "who2020": "unverifiable"}
    assert fake.hits() == []


def test_retraction_notices_of_crossref_and_pubmed_are_merged(fake: FakeRegistry) -> None:
    result = by_key(verify(fake, LIBRARY, "wakefield1998"), "wakefield1998")
    assert [(u.kind, u.source) for u in result.updates] == [("retraction", "retraction-watch")]


def test_pubmed_alone_can_say_retracted(fake: FakeRegistry, tmp_path: Path) -> None:
    fake.add_work({"DOI": "10.5555/verify.quiet.2017", "title": ["Fish oil and mood"],
                   "author": [{"family": "Doe", "given": "Jane"}],
                   "issued": {"date-parts": [[2017]]}})  # fmt: skip
    fake.add_summary({"uid": "99100001", "title": "Fish oil and mood.", "pubdate": "2017",
                      "authors": [{"name": "Doe J", "authtype": "Author"}],
                      "pubtype": ["Journal Article", "Retracted Publication"]})  # fmt: skip
    bib = tmp_path / "one.bib"
    bib.write_text(
        "@article{doe2017, author = {Doe, Jane}, title = {Fish oil and mood},\n"
        "  year = {2017}, doi = {10.5555/verify.quiet.2017}, pmid = {99100001}}\n"
    )
    result = verify(fake, bib).results[0]
    assert (result.verdict, [(u.kind, u.source) for u in result.updates]) == (
        "retracted", [("retraction", "pubmed")]
    )  # fmt: skip


def test_a_dead_doi_beside_a_good_pmid_is_a_mismatch_of_the_doi(
    fake: FakeRegistry, tmp_path: Path
) -> None:
    text = LIBRARY.read_text("utf-8").split("@article{sheng2010,")[1].split("\n}")[0]
    bib = tmp_path / "one.bib"
    bib.write_text("@article{sheng2010," + text + "\n  doi = {10.5555/no.such.doi},\n}\n")
    result = verify(fake, bib).results[0]
    assert (result.verdict, result.how) == ("mismatch", "pmid")
    assert [(d.field, d.ours, d.theirs, d.fix) for d in result.fields] == [
        ("doi", "10.5555/no.such.doi", "", None)
    ]


def test_pubmed_is_asked_once_for_every_pmid(fake: FakeRegistry) -> None:
    verify(fake, LIBRARY)
    batches = [h.path for h in fake.hits("/ncbi/esummary.fcgi?db=pubmed")]
    assert len(batches) == 1
    assert all(pmid in batches[0] for pmid in ("9500320", "18056905", "21290833", "26959661"))


def test_a_datacite_doi_without_metadata_is_unverifiable(fake: FakeRegistry) -> None:
    fake.respond("/doi/10.5281/zenodo.8364959", 406, "")
    result = verify(fake, LIBRARY, "pandas2023").results[0]
    assert result.verdict == "unverifiable"
    assert "DataCite" in result.detail


def test_registries_that_cannot_answer_never_make_not_found(fake: FakeRegistry) -> None:
    for registry in ("crossref", "doi", "ncbi", "arxiv"):
        fake.respond(f"/{registry}/*", 503, "down")
    # A few entries only: each 503 widens the client's gap to the (one, shared) fake host.
    keys = ("ghostdoi", "whitfield2019", "tatsioni2007", "vaswani2017", "pandas2023")
    outcome = verify(fake, LIBRARY, *keys, backoff=0.001)
    assert verdicts(outcome) == dict.fromkeys(keys, "unverifiable")
    assert all("503" in r.detail for r in outcome.results)
    assert not outcome.failed


# --- reports ---------------------------------------------------------------------------------


def test_the_json_report_follows_its_schema(fake: FakeRegistry) -> None:
    outcome = verify(fake, LIBRARY, report_format="json")
    document = json.loads(outcome.report)
    Draft202012Validator(SCHEMA).validate(document)
    results = {r["key"]: r for r in document["results"]}
    assert {k: r["verdict"] for k, r in results.items()} == EXPECTED
    assert results["button2013"]["fields"]["year"] == {
        "ours": "2014", "theirs": "2013", "note": "1 year apart: online and print years can differ"
    }  # fmt: skip
    assert results["kuhn1962"]["source"] is None
    assert results["wakefield1998"]["updates"][0]["kind"] == "retraction"
    assert document["summary"]["verified"] == 7


@pytest.mark.parametrize("report_format", ["text", "junit", "sarif", "github"])
def test_the_findings_formats(fake: FakeRegistry, report_format: str) -> None:
    report = verify(fake, LIBRARY, report_format=report_format).report
    for code in ("verify-mismatch", "verify-different-work", "verify-not-found"):
        assert code in report


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_junit_fails_what_the_exit_code_fails(fake: FakeRegistry, strict: bool) -> None:
    outcome = verify(fake, LIBRARY, report_format="junit", strict=strict)
    assert junit_schema_errors(outcome.report) == []
    suite = ET.fromstring(outcome.report.encode("utf-8")).find("testsuite")
    assert suite is not None
    failing = [f for f in outcome.findings if fails_run(f, strict=strict)]
    assert int(suite.get("failures", "")) == len(failing) > 0
    assert outcome.failed
    warnings = sum(f.severity == "warning" for f in outcome.findings)
    assert int(suite.get("skipped", "")) == (0 if strict else warnings) and warnings > 0


def test_findings_point_at_the_differing_field_and_carry_the_fix(fake: FakeRegistry) -> None:
    outcome = verify(fake, LIBRARY, "button2013")
    [finding] = outcome.findings
    assert (finding.code, finding.span.line if finding.span else 0) == ("verify-mismatch", 22)
    assert finding.fix is not None and (finding.fix.field, finding.fix.value) == ("year", "2013")


# --- --fix -----------------------------------------------------------------------------------


def test_fix_of_one_field_changes_only_its_bytes(fake: FakeRegistry, library: Path) -> None:
    before = library.read_bytes()
    outcome = verify(fake, library, fix=True, fields="year")
    after = library.read_bytes()
    assert after == before.replace(b"year    = {2014}", b"year    = {2013}", 1)
    assert "-  year    = {2014}," in outcome.diff and "+  year    = {2013}," in outcome.diff
    assert by_key(outcome, "button2013").verdict == "verified"  # judged again after writing
    assert by_key(outcome, "simmons2011").verdict == "mismatch"  # not a chosen field
    assert "fixed 1 field in 1 file" in outcome.notes


def test_fix_takes_every_mismatch_but_never_touches_another_work(
    fake: FakeRegistry, library: Path
) -> None:
    outcome = verify(fake, library, fix=True)
    text = library.read_text("utf-8")
    assert "pages   = {1359--1366}" in text
    assert "title   = {Estimating the reproducibility of psychological science}" in text
    assert "Prospect Theory" in text and "year    = {1979}" in text  # kahneman1979 untouched
    changed = {k for k, v in verdicts(outcome).items() if v != EXPECTED[k]}
    assert changed == {"button2013", "simmons2011", "osc2015"}
    assert {verdicts(outcome)[k] for k in changed} == {"verified"}
    again = verify(fake, library)
    assert {verdicts(again)[k] for k in changed} == {"verified"}


def test_fix_with_fields_adds_a_field_the_entry_lacks(fake: FakeRegistry, library: Path) -> None:
    verify(fake, library, "button2013search", fix=True, fields="issue")
    entry = library.read_text("utf-8").split("@article{button2013search,")[1].split("\n}")[0]
    assert entry.rstrip().endswith("number = {5},")


def test_diff_shows_and_writes_nothing(fake: FakeRegistry, library: Path) -> None:
    before = library.read_bytes()
    outcome = verify(fake, library, diff=True, fields="pages")
    assert library.read_bytes() == before
    assert "+  pages   = {1359--1366}," in outcome.diff
    assert by_key(outcome, "simmons2011").verdict == "mismatch"


# --- cache and offline ------------------------------------------------------------------------


def test_offline_answers_from_the_cache_without_a_request(
    fake: FakeRegistry, tmp_path: Path
) -> None:
    cache = tmp_path / "registry.sqlite"
    online = verify(fake, LIBRARY, cache=cache)
    asked = len(fake.hits())
    offline = verify(fake, LIBRARY, cache=cache, offline=True)
    assert len(fake.hits()) == asked
    assert verdicts(offline) == verdicts(online) == EXPECTED


def test_offline_with_an_empty_cache_is_unverifiable_not_fabricated(
    fake: FakeRegistry, tmp_path: Path
) -> None:
    outcome = verify(fake, LIBRARY, cache=tmp_path / "empty.sqlite", offline=True)
    assert set(verdicts(outcome).values()) == {"unverifiable"}
    assert fake.hits() == []


# --- exit and usage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "strict", "failed"),
    [
        pytest.param(("ioannidis2005", "kuhn1962"), True, False, id="verified-and-unverifiable"),
        pytest.param(("button2013", "higgins2002"), False, False, id="mismatch-corrected"),
        pytest.param(("button2013",), True, True, id="mismatch-strict"),
        pytest.param(("higgins2002",), True, True, id="corrected-strict"),
        pytest.param(("whitfield2019",), False, True, id="not-found"),
        pytest.param(("kahneman1979",), False, True, id="different-work"),
        pytest.param(("wakefield1998",), False, True, id="retracted"),
    ],
)
def test_what_fails_the_run(
    fake: FakeRegistry, keys: tuple[str, ...], strict: bool, failed: bool
) -> None:
    assert verify(fake, LIBRARY, *keys, strict=strict).failed is failed


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"keys": ("nosuchkey",)}, id="unknown-key"),
        pytest.param({"fix": True, "fields": "colour"}, id="unknown-field"),
        pytest.param({"fields": "year"}, id="fields-without-fix"),
        pytest.param({"offline": True, "no_cache": True}, id="offline-without-cache"),
        pytest.param({"report_format": "yaml"}, id="unknown-format"),
    ],
)
def test_usage_errors(fake: FakeRegistry, options: dict[str, Any]) -> None:
    with pytest.raises(UsageError) as caught:
        run_verify_command(Config(refs=(LIBRARY,)), options, settings=fake.settings())
    assert caught.value.exit_code == EXIT_USAGE
    assert fake.hits() == []


def test_the_verify_table_of_the_config(fake: FakeRegistry) -> None:
    def run(table: dict[str, Any]) -> VerifyOutcome:
        config = Config(refs=(LIBRARY,), sections={"verify": table})
        options = {"keys": ("button2013",), "no_cache": True}
        return run_verify_command(config, options, settings=fake.settings())

    assert not run({"concurrency": 1}).failed
    assert run({"strict": True}).failed
    with pytest.raises(ConfigError):
        run({"colour": "blue"})


def test_the_text_report_ends_with_the_verdicts(fake: FakeRegistry) -> None:
    seen: list[tuple[int, int]] = []
    outcome = run_verify_command(
        Config(refs=(LIBRARY,)), {"keys": ("ioannidis2005",), "no_cache": True},
        lambda done, total: seen.append((done, total)), settings=fake.settings(),
    )  # fmt: skip
    assert outcome.report.splitlines()[-2:] == ["no findings", "1 entry: 1 verified"]
    assert seen == [(1, 1)]
