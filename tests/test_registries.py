"""The registry clients against a fake Crossref, doi.org, NCBI and arXiv on 127.0.0.1."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citations.config import Config, load_config
from citations.errors import ConfigError
from citations.net.cache import Cache
from citations.registries import pubmed
from citations.registries.client import Registries
from citations.registries.model import Person, Update
from citations.registries.settings import RegistrySettings
from citations.registries.transport import polite_user_agent

from fakeregistry import FakeRegistry
from linkserver import LinkServer, answer, closed_port

WU = "10.1371/journal.pone.0150367"
PARK = "10.3390/healthcare11111624"
TWIN = "10.5555/twin.2022.0003"
ZENODO = "10.5281/zenodo.1234567"
RETRACTED = "10.5555/retracted.2019.0001"
NOTICE = "10.5555/retraction.2021.0002"
PARK_TITLE = "Acupuncture Treatment for Hip Pain: A Systematic Review and Meta-Analysis"


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    with Cache.open(tmp_path / "cache.sqlite") as opened:
        yield opened


# -- Crossref --------------------------------------------------------------------------------


def test_crossref_work_reads_every_field(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        lookup = registries.crossref_work(f"https://doi.org/{WU}")
    record = lookup.record
    assert lookup.status == "found" and record is not None
    assert record.title == (
        "The Efficacy of Acupuncture in Post-Operative Pain Management: "
        "A Systematic Review and Meta-Analysis"
    )
    assert len(record.authors) == 9
    assert record.authors[0] == Person("Wu", "Ming-Shun")
    assert record.authors[3] == Person("Huang", "Shihping Kevin")
    assert (record.year, record.month, record.day) == (2016, 3, 9)
    assert (record.container, record.short_container) == ("PLOS ONE", "PLoS ONE")
    assert (record.volume, record.issue, record.pages) == ("11", "3", "e0150367")
    assert (record.type, record.doi, record.issn) == ("journal-article", WU, ("1932-6203",))
    assert record.registry == "crossref" and record.source_url.endswith(f"/crossref/works/{WU}")
    assert record.updates == ()


def test_crossref_article_number_stands_in_for_pages(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        record = registries.crossref_work(PARK).record
    assert record is not None
    assert (record.pages, record.volume, record.issue) == ("1624", "11", "11")
    assert (record.year, record.month, record.day) == (2023, 6, 1)
    assert [p.family for p in record.authors] == ["Park", "Jeong", "Sung", "Kim"]


def test_crossref_titles_lose_their_markup(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        record = registries.crossref_work("10.5555/markup.2018.0005").record
    assert record is not None
    assert record.title == "Effect of Electroacupuncture on H2O2 Levels & Pain: The ACUTE Trial"
    assert record.authors[0] == Person("", literal="ACUTE Trial Group")
    assert (record.year, record.month, record.day) == (2018, 11, None)


def test_crossref_chapter_has_editors_and_isbn(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        record = registries.crossref_work("10.5555/chapter.2020.0004").record
    assert record is not None
    assert record.type == "book-chapter" and record.container == "Handbook of Test Fixtures"
    assert record.editors == (Person("Editor", "Erin"), Person("Redactor", "Finn"))
    assert record.isbn == ("9780306406157",) and record.pages == "45-67"


def test_a_doi_crossref_does_not_know_is_not_found(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        lookup = registries.crossref_work(ZENODO)
    assert lookup.status == "not-found" and "not a Crossref DOI" in lookup.detail


def test_a_retracted_work_carries_its_retraction(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        record = registries.crossref_work(RETRACTED).record
    assert record is not None
    assert Update("retraction", NOTICE, "2021-02-03", "retraction-watch") in record.updates
    assert {u.kind for u in record.updates} == {"retraction"}


def test_a_retraction_notice_is_not_itself_retracted(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        lookup = registries.crossref_work(NOTICE)
    assert lookup.record is not None and lookup.record.updates == ()
    assert lookup.detail == f"a retraction notice for {RETRACTED}"


def test_crossref_is_asked_politely(fake: FakeRegistry) -> None:
    settings = fake.settings(mailto="me@example.org", crossref_token="secret")
    with Registries(settings) as registries:
        registries.crossref_work(WU)
        registries.crossref_search("hip pain")
    for hit in fake.hits("/crossref/"):
        assert "mailto=me%40example.org" in hit.path
        assert "mailto:me@example.org" in hit.headers["user-agent"]
        assert hit.headers["crossref-plus-api-token"] == "Bearer secret"


def test_title_search_ranks_a_close_runner_up_second(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        lookup = registries.crossref_search(PARK_TITLE, author="Park", rows=3)
    assert lookup.status == "found" and lookup.record == lookup.candidates[0]
    assert [c.doi for c in lookup.candidates[:2]] == [PARK, TWIN]
    scores = [c.score or 0.0 for c in lookup.candidates]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3
    assert scores[0] < 1.5 * scores[1]  # too close to accept on the score alone
    (hit,) = fake.hits("/crossref/works")
    assert "query.author=Park" in hit.path and "rows=3" in hit.path


def test_title_search_without_hits_is_not_found(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        lookup = registries.crossref_search("zyxxy qwertz")
    assert lookup.status == "not-found" and lookup.candidates == ()


@pytest.mark.parametrize(
    ("ceiling", "advertised", "expected"),
    [
        pytest.param(1000.0, ("5", "1s"), 5.0, id="headers-lower-the-rate"),
        pytest.param(2.0, ("50", "1s"), 2.0, id="never-above-our-own-ceiling"),
        pytest.param(1000.0, ("100", "2000ms"), 50.0, id="interval-in-milliseconds"),
    ],
)
def test_crossref_follows_its_rate_limit_headers(
    fake: FakeRegistry, ceiling: float, advertised: tuple[str, str], expected: float
) -> None:
    fake.crossref_limit = advertised
    rates = {"crossref": ceiling, "doi": 1000.0, "ncbi": 1000.0, "arxiv": 1000.0}
    with Registries(fake.settings(rates=rates)) as registries:
        registries.crossref_work(WU)
        assert registries.rate("crossref") == expected


# -- doi.org ---------------------------------------------------------------------------------


def test_handle_api_tells_whether_a_doi_exists(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        found = registries.doi_exists(f"doi:{WU}")
        missing = registries.doi_exists("10.5555/no.such.doi")
    assert (found.status, found.record) == ("found", None)
    assert found.detail == f"https://dx.plos.org/{WU}"
    assert missing.status == "not-found"
    assert [h.path for h in fake.hits("/doi/")] == [
        f"/doi/api/handles/{WU}",
        "/doi/api/handles/10.5555/no.such.doi",
    ]


@pytest.mark.parametrize(
    ("doi", "agency"),
    [
        pytest.param(WU, "Crossref", id="crossref"),
        pytest.param(ZENODO, "DataCite", id="datacite"),
        pytest.param("10.5555/no.such.doi", "", id="does-not-exist"),
    ],
)
def test_registration_agency(fake: FakeRegistry, doi: str, agency: str) -> None:
    with Registries(fake.settings()) as registries:
        assert registries.doi_agency(doi) == agency


def test_a_datacite_doi_is_read_through_content_negotiation(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        assert registries.crossref_work(ZENODO).status == "not-found"
        assert registries.doi_agency(ZENODO) == "DataCite"
        lookup = registries.doi_csl(ZENODO)
    record = lookup.record
    assert lookup.status == "found" and record is not None
    assert (record.registry, record.type, record.publisher) == ("datacite", "dataset", "Zenodo")
    assert record.authors == (
        Person("Example", "Ada"),
        Person("", literal="Test Fixtures Consortium"),
    )
    assert (record.year, record.month, record.day, record.doi) == (2018, 5, 14, ZENODO)
    (hit,) = fake.hits(f"/doi/{ZENODO}")
    assert hit.headers["accept"] == "application/vnd.citationstyles.csl+json"


def test_content_negotiation_follows_redirects(fake: FakeRegistry) -> None:
    csl = '{"type": "report", "DOI": "10.5555/moved", "title": "Moved"}'
    with LinkServer() as agency:
        agency.route("/datacite/10.5555/moved", answer(200, csl, content_type="application/json"))
        fake.redirect("/doi/10.5555/moved", agency.url("/datacite/10.5555/moved"))
        fake.redirect("/doi/10.5555/loop", "/doi/10.5555/loop")
        fake.redirect("/doi/10.5555/ftp", "ftp://example.org/x")
        with Registries(fake.settings()) as registries:
            moved = registries.doi_csl("10.5555/moved")
            loop = registries.doi_csl("10.5555/loop")
            ftp = registries.doi_csl("10.5555/ftp")
        (hop,) = agency.hits()
    assert moved.record is not None and moved.record.title == "Moved"
    assert moved.record.registry == "datacite"  # the last hop was DataCite's
    assert hop.headers["accept"] == "application/vnd.citationstyles.csl+json"
    assert loop.status == "unavailable" and "more than 5 redirects" in loop.detail
    assert len(fake.hits("/doi/10.5555/loop")) == 6
    assert ftp.status == "unavailable" and "not HTTP" in ftp.detail


def test_content_negotiation_for_an_unknown_doi(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        assert registries.doi_csl("10.5555/no.such.doi").status == "not-found"


# -- PubMed ----------------------------------------------------------------------------------


def test_pubmed_summaries(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        found = registries.pubmed(["26959661", "37297763", "21290833"])
    wu, park, sheng = (found[k].record for k in ("26959661", "37297763", "21290833"))
    assert wu is not None and park is not None and sheng is not None
    assert wu.title.endswith("A Systematic Review and Meta-Analysis")
    assert (wu.doi, wu.pmid, wu.pmcid, wu.pages) == (WU, "26959661", "PMC4784927", "e0150367")
    assert (wu.year, wu.month, wu.day, len(wu.authors)) == (2016, 3, 9, 9)
    assert wu.authors[0] == Person("Wu", "M. S.") and wu.short_container == "PLoS One"
    assert (park.pages, park.pmcid, park.short_container) == (
        "1624",
        "PMC10252336",
        "Healthcare (Basel)",
    )
    assert sheng.title == (
        "[Comparative observation on hip osteoarthritis treated with electroacupuncture "
        "and medication]"
    )
    assert sheng.authors == (Person("Sheng", "X. P."), Person("Fan", "T. Y."))
    assert (sheng.year, sheng.month, sheng.day) == (2010, 12, None)
    assert (sheng.volume, sheng.issue, sheng.pages) == ("30", "12", "982-984")
    assert (sheng.short_container, sheng.language, sheng.doi) == ("Zhongguo Zhen Jiu", "chi", "")
    assert sheng.registry == "ncbi" and sheng.type == "journal-article"
    assert len(fake.hits("/ncbi/esummary.fcgi")) == 1


def test_pubmed_unknown_and_malformed_ids(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        found = registries.pubmed(["abc", "1", " 26959661", "1"])
    assert list(found) == ["abc", "1", " 26959661"]
    assert found["abc"].status == "not-found" and "not a PMID" in found["abc"].detail
    assert found["1"].status == "not-found" and "cannot get document summary" in found["1"].detail
    assert found[" 26959661"].status == "found"
    (hit,) = fake.hits("/ncbi/esummary.fcgi")
    assert "id=1,26959661&" in hit.path


def test_pubmed_retracted_publication(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        found = registries.pubmed(["99000001", "99000002"])
    retracted, notice = found["99000001"].record, found["99000002"].record
    assert retracted is not None and notice is not None
    assert retracted.updates == (Update("retraction", source="pubmed"),)
    assert retracted.pages == "101-109" and retracted.doi == RETRACTED
    assert notice.updates == () and found["99000002"].detail == "a retraction notice"


def test_esummary_asks_for_at_most_200_ids_at_a_time(fake: FakeRegistry) -> None:
    pmids = ["26959661", "37297763", "21290833"] + [str(90000000 + n) for n in range(198)]
    with Registries(fake.settings()) as registries:
        found = registries.pubmed(pmids)
    hits = fake.hits("/ncbi/esummary.fcgi")
    assert len(hits) == 2
    asked = [h.path.split("id=")[1].split("&")[0].split(",") for h in hits]
    assert [len(ids) for ids in asked] == [200, 1] and [i for ids in asked for i in ids] == pmids
    assert found["21290833"].status == "found" and found[pmids[-1]].status == "not-found"


@pytest.mark.parametrize(
    ("term", "pmids"),
    [
        pytest.param(f"{WU}[doi]", ["26959661"], id="by-doi"),
        pytest.param("hip pain meta-analysis[ti] AND park[au]", ["37297763"], id="title-author"),
        pytest.param("electroacupuncture[ti]", ["21290833"], id="title-words"),
        pytest.param("zyxxy[ti]", [], id="no-hits"),
    ],
)
def test_pubmed_search(fake: FakeRegistry, term: str, pmids: list[str]) -> None:
    with Registries(fake.settings()) as registries:
        assert registries.pubmed_search(term) == pmids


@pytest.mark.parametrize(
    ("pmcid", "pmid", "asked"),
    [
        pytest.param("PMC4784927", "26959661", True, id="known"),
        pytest.param("pmc10252336", "37297763", True, id="lower-case"),
        pytest.param("PMC1", "", True, id="unknown"),
        pytest.param("PMCX", "", False, id="not-a-pmcid"),
    ],
)
def test_pmc_to_pmid(fake: FakeRegistry, pmcid: str, pmid: str, asked: bool) -> None:
    with Registries(fake.settings()) as registries:
        assert registries.pmc_to_pmid(pmcid) == pmid
    assert len(fake.hits("/ncbi/")) == int(asked)


def test_pmc_to_pmids_asks_once_for_a_batch_and_caches_each(
    fake: FakeRegistry, tmp_path: Path
) -> None:
    wanted = ["PMC4784927", "pmc10252336", "PMC1", "PMCX"]
    expected = {"PMC4784927": "26959661", "pmc10252336": "37297763", "PMC1": "", "PMCX": ""}
    with Cache.open(tmp_path / "c.sqlite") as cache:
        with Registries(fake.settings(), cache) as registries:
            assert registries.pmc_to_pmids(wanted) == expected
        assert len(fake.hits("/ncbi/")) == 1  # one request for the three well-formed ids
        with Registries(fake.settings(), cache) as registries:
            assert registries.pmc_to_pmid("PMC4784927") == "26959661"  # from the cache
        assert len(fake.hits("/ncbi/")) == 1


def test_ncbi_is_asked_politely(fake: FakeRegistry) -> None:
    settings = fake.settings(tool="citations-tests", email="me@example.org", ncbi_api_key="k3y")
    with Registries(settings) as registries:
        record = registries.pubmed(["26959661"])["26959661"].record
    (hit,) = fake.hits("/ncbi/")
    assert "tool=citations-tests" in hit.path and "email=me%40example.org" in hit.path
    assert "api_key=k3y" in hit.path
    assert record is not None and "k3y" not in record.source_url


def test_ncbi_allows_more_with_an_api_key() -> None:
    assert RegistrySettings(urls={}).rate("ncbi") == 3.0
    assert RegistrySettings(urls={}, ncbi_api_key="k").rate("ncbi") == 10.0
    assert RegistrySettings(urls={}).rate("arxiv") == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("pages", "expanded"),
    [
        pytest.param("982-4", "982-984", id="elided"),
        pytest.param("1021-35", "1021-1035", id="two-digits"),
        pytest.param("495-518", "495-518", id="whole"),
        pytest.param("S12-5", "S12-S15", id="prefixed"),
        pytest.param("e0150367", "e0150367", id="article-number"),
        pytest.param("12-4, 20-2", "12-14, 20-22", id="two-ranges"),
    ],
)
def test_nlm_page_ranges_are_expanded(pages: str, expanded: str) -> None:
    assert pubmed.expand_pages(pages) == expanded


@pytest.mark.parametrize(
    ("pubdate", "parts"),
    [
        pytest.param("2016 Mar 9", (2016, 3, 9), id="day"),
        pytest.param("2010 Dec", (2010, 12, None), id="month"),
        pytest.param("2016 Mar-Apr", (2016, 3, None), id="month-range"),
        pytest.param("2015 Winter", (2015, None, None), id="season"),
        pytest.param("", (None, None, None), id="empty"),
    ],
)
def test_pubmed_dates(pubdate: str, parts: tuple[int | None, ...]) -> None:
    assert pubmed.parse_pubdate(pubdate) == parts


@pytest.mark.parametrize(
    ("name", "authtype", "person"),
    [
        pytest.param("Smith JA", "Author", Person("Smith", "J. A."), id="initials"),
        pytest.param("van der Berg AB", "Author", Person("van der Berg", "A. B."), id="particles"),
        pytest.param("Smith J Jr", "Author", Person("Smith", "J."), id="suffix"),
        pytest.param(
            "WHO Study Group",
            "CollectiveName",
            Person("", literal="WHO Study Group"),
            id="collective",
        ),
    ],
)
def test_nlm_names(name: str, authtype: str, person: Person) -> None:
    assert pubmed.split_name(name, authtype) == person


# -- arXiv -----------------------------------------------------------------------------------


def test_arxiv_new_style_id(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        lookup = registries.arxiv("arXiv:1706.03762v5")
    record = lookup.record
    assert lookup.status == "found" and record is not None
    assert record.title == "Attention Is All You Need" and record.arxiv == "1706.03762"
    assert record.authors[0] == Person("Vaswani", "Ashish")
    assert record.authors[5] == Person("Gomez", "Aidan N.") and len(record.authors) == 8
    assert (record.year, record.month, record.day) == (2017, 6, 12)
    assert (record.registry, record.type, record.doi) == ("arxiv", "posted-content", "")
    (hit,) = fake.hits("/arxiv/query")
    assert "id_list=1706.03762v5" in hit.path


def test_arxiv_old_style_id_with_doi_and_journal_ref(fake: FakeRegistry) -> None:
    with Registries(fake.settings()) as registries:
        lookup = registries.arxiv("hep-th/9711200")
    record = lookup.record
    assert record is not None
    assert record.title == "The Large N Limit of Superconformal Field Theories and Supergravity"
    assert (record.doi, record.arxiv, record.year) == (
        "10.1023/A:1026654312961",
        "hep-th/9711200",
        1997,
    )
    assert lookup.detail == "journal_ref: Adv.Theor.Math.Phys.2:231-252,1998"


@pytest.mark.parametrize(
    ("arxiv_id", "asked"),
    [
        pytest.param("2301.99999", True, id="unknown"),
        pytest.param("not-an-id", False, id="not-an-id"),
    ],
)
def test_arxiv_unknown_ids_are_not_found(fake: FakeRegistry, arxiv_id: str, asked: bool) -> None:
    with Registries(fake.settings()) as registries:
        assert registries.arxiv(arxiv_id).status == "not-found"
    assert len(fake.hits("/arxiv/")) == int(asked)


def test_arxiv_error_entry_is_not_found(fake: FakeRegistry) -> None:
    error = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        "<id>http://arxiv.org/api/errors#incorrect_id_format_for_2301.0001</id>"
        "<title>Error</title><summary>incorrect id format for 2301.0001</summary></entry></feed>"
    )
    fake.respond("/arxiv/query", 400, error, content_type="application/atom+xml")
    with Registries(fake.settings()) as registries:
        lookup = registries.arxiv("2301.0001")
    assert lookup.status == "not-found" and "incorrect id format" in lookup.detail


def test_arxiv_xml_with_a_dtd_is_refused(fake: FakeRegistry) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>'
    )
    fake.respond("/arxiv/query", 200, bomb, content_type="application/atom+xml")
    with Registries(fake.settings()) as registries:
        lookup = registries.arxiv("1706.03762")
    assert lookup.status == "unavailable" and "DTD" in lookup.detail


# -- the cache and offline -------------------------------------------------------------------


def test_a_second_question_is_answered_from_the_cache(fake: FakeRegistry, cache: Cache) -> None:
    with Registries(fake.settings(), cache) as registries:
        first = registries.crossref_work(WU)
        upper = registries.crossref_work(WU.upper())  # DOIs are case-insensitive
        assert upper.record is not None and first.record is not None
        assert upper.record.title == first.record.title
        assert registries.crossref_work(ZENODO).status == "not-found"
        assert registries.crossref_work(ZENODO).status == "not-found"
        assert registries.requests_made() == 2
    with Registries(fake.settings(), cache) as registries:  # another run, same cache
        assert registries.crossref_work(WU) == first
        assert registries.requests_made() == 0
    assert len(fake.hits()) == 2


def test_pubmed_items_are_cached_one_by_one(fake: FakeRegistry, cache: Cache) -> None:
    with Registries(fake.settings(), cache) as registries:
        registries.pubmed(["26959661", "1"])
        again = registries.pubmed(["1", "26959661", "37297763"])
    assert again["1"].status == "not-found" and again["37297763"].status == "found"
    second = fake.hits("/ncbi/esummary.fcgi")[1]
    assert "id=37297763&" in second.path


def test_offline_answers_from_the_cache_however_old(fake: FakeRegistry, cache: Cache) -> None:
    with Registries(fake.settings(ttl=0.05), cache) as registries:
        found = registries.crossref_work(WU)
        registries.pubmed(["21290833"])
        registries.arxiv("1706.03762")
        registries.doi_agency(ZENODO)
    time.sleep(0.1)
    asked = len(fake.hits())
    with Registries(fake.settings(offline=True), cache) as registries:
        assert registries.crossref_work(WU) == found
        assert registries.pubmed(["21290833"])["21290833"].status == "found"
        assert registries.arxiv("1706.03762").status == "found"
        assert registries.doi_agency(ZENODO) == "DataCite"
        assert registries.requests_made() == 0
    assert len(fake.hits()) == asked
    with Registries(fake.settings(), cache) as registries:  # online, a stale answer is asked again
        registries.crossref_work(WU)
    assert len(fake.hits()) == asked + 1


def test_offline_without_a_cached_answer_is_unavailable(fake: FakeRegistry, cache: Cache) -> None:
    with Registries(fake.settings(offline=True), cache) as registries:
        lookups = [
            registries.crossref_work(WU),
            registries.crossref_search(PARK_TITLE),
            registries.doi_exists(WU),
            registries.doi_csl(ZENODO),
            registries.pubmed(["26959661"])["26959661"],
            registries.arxiv("1706.03762"),
        ]
        assert registries.doi_agency(WU) == "" and registries.pubmed_search("x[ti]") == []
        assert registries.pmc_to_pmid("PMC4784927") == ""
    assert {(x.status, x.detail) for x in lookups} == {("unavailable", "offline: not in the cache")}
    assert fake.hits() == []


def test_offline_without_any_cache_is_unavailable(fake: FakeRegistry) -> None:
    with Registries(fake.settings(offline=True)) as registries:
        assert registries.crossref_work(WU).status == "unavailable"
    assert fake.hits() == []


def test_nonsense_is_never_cached(fake: FakeRegistry, cache: Cache) -> None:
    fake.malformed(f"/crossref/works/{WU}", times=1)
    with Registries(fake.settings(), cache) as registries:
        assert registries.crossref_work(WU).status == "unavailable"
        assert registries.crossref_work(WU).status == "found"
    assert len(fake.hits()) == 2


# -- failures are values ---------------------------------------------------------------------


def test_429_with_retry_after_is_waited_out(fake: FakeRegistry) -> None:
    fake.rate_limit(f"/crossref/works/{WU}", retry_after="1", times=1)
    started = time.monotonic()
    with Registries(fake.settings()) as registries:
        lookup = registries.crossref_work(WU)
        assert registries.requests_made() == 2
    first, second = fake.hits()
    assert lookup.status == "found"
    assert second.started - first.started >= 0.9 and time.monotonic() - started < 5


def test_rate_limited_to_the_end_is_unavailable(fake: FakeRegistry) -> None:
    fake.rate_limit("/ncbi/*", retry_after="0", times=None)
    with Registries(fake.settings()) as registries:
        found = registries.pubmed(["26959661"])["26959661"]
    assert found.status == "unavailable" and "429" in found.detail


def test_a_server_error_after_retries_is_unavailable(fake: FakeRegistry) -> None:
    fake.respond(f"/crossref/works/{WU}", 503, "Service Unavailable", content_type="text/plain")
    with Registries(fake.settings(retries=1)) as registries:
        lookup = registries.crossref_work(WU)
    assert lookup.status == "unavailable" and "HTTP 503" in lookup.detail
    assert len(fake.hits()) == 2


def test_a_registry_that_keeps_failing_does_not_stall_the_run(fake: FakeRegistry) -> None:
    fake.respond("/crossref/*", 503, "Service Unavailable", content_type="text/plain")
    started = time.monotonic()
    with Registries(fake.settings(retries=1, backoff=0.001)) as registries:
        lookups = [registries.crossref_work(f"10.5555/down.{n}") for n in range(15)]
    assert {x.status for x in lookups} == {"unavailable"}
    # each 503 widens the gap to the host, up to 16 backoffs: 16 ms here, not the usual 8 s
    assert time.monotonic() - started < 2


def test_a_slow_answer_beyond_the_timeout_is_unavailable(fake: FakeRegistry) -> None:
    fake.slow(f"/crossref/works/{WU}", 5)
    started = time.monotonic()
    with Registries(fake.settings(timeout=0.3, retries=0)) as registries:
        lookup = registries.crossref_work(WU)
    assert lookup.status == "unavailable" and "timed out" in lookup.detail
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("spoil", "detail"),
    [
        pytest.param(FakeRegistry.malformed, "malformed JSON", id="malformed-json"),
        pytest.param(FakeRegistry.html, "HTML", id="html"),
    ],
)
def test_answers_that_are_not_json_are_unavailable(
    fake: FakeRegistry, spoil: object, detail: str
) -> None:
    for pattern in (f"/crossref/works/{WU}", "/crossref/works", "/ncbi/*", f"/doi/{ZENODO}"):
        spoil(fake, pattern)  # type: ignore[operator]
    with Registries(fake.settings()) as registries:
        lookups = [
            registries.crossref_work(WU),
            registries.crossref_search(PARK_TITLE),
            registries.pubmed(["26959661"])["26959661"],
            registries.doi_csl(ZENODO),
        ]
        assert registries.pubmed_search(f"{WU}[doi]") == []
    for lookup in lookups:
        assert lookup.status == "unavailable" and detail in lookup.detail


def test_a_registry_that_cannot_be_reached_is_unavailable() -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    urls = {name: dead for name in ("crossref", "doi", "ncbi", "arxiv")}
    settings = RegistrySettings(urls=urls, timeout=1.0, retries=0, rates=dict.fromkeys(urls, 1e3))
    with Registries(settings) as registries:
        lookups = [
            registries.crossref_work(WU),
            registries.doi_exists(WU),
            registries.pubmed(["26959661"])["26959661"],
            registries.arxiv("1706.03762"),
        ]
    assert all(x.status == "unavailable" and "refused" in x.detail for x in lookups)


# -- politeness ------------------------------------------------------------------------------


def test_the_ncbi_rate_limit_spaces_requests(fake: FakeRegistry) -> None:
    rates = {"crossref": 1e3, "doi": 1e3, "ncbi": 20.0, "arxiv": 1e3}
    with Registries(fake.settings(rates=rates)) as registries:
        for n in range(7):
            registries.pubmed_search(f"word{n}[ti]")
    starts = [hit.started for hit in fake.hits("/ncbi/")]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # 20 a second: 50 ms apart when sent; a little less allowed for the server's own jitter
    assert len(starts) == 7 and min(gaps) >= 0.03
    assert starts[-1] - starts[0] >= 0.28


def test_few_requests_at_once(fake: FakeRegistry) -> None:
    fake.slow("/crossref/works/*", 0.1)
    dois = [WU, PARK, TWIN, RETRACTED, NOTICE, "10.5555/markup.2018.0005"]
    with Registries(fake.settings()) as registries:
        threads = [threading.Thread(target=registries.crossref_work, args=(d,)) for d in dois]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(fake.hits()) == 6 and fake.server.max_overlap() <= 2


@pytest.mark.parametrize(
    ("agent", "mailto", "sent"),
    [
        pytest.param(
            "t/1 (+https://x.org/)", "a@b", "t/1 (+https://x.org/; mailto:a@b)", id="inside"
        ),
        pytest.param("t/1", "a@b", "t/1 (mailto:a@b)", id="appended"),
        pytest.param("t/1 (mailto:c@d)", "a@b", "t/1 (mailto:c@d)", id="kept"),
        pytest.param("t/1", "", "t/1", id="no-mailto"),
    ],
)
def test_user_agent_carries_the_mailto(agent: str, mailto: str, sent: str) -> None:
    assert polite_user_agent(agent, mailto) == sent


# -- settings --------------------------------------------------------------------------------


def test_environment_wins_over_the_config(
    tmp_path: Path, fake: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "citations.toml").write_text(
        "[registries]\n"
        'crossref = "https://crossref-mirror.example.org"\n'
        'doi = "https://doi-mirror.example.org/"\n'
        'mailto = "me@example.org"\n'
        'ncbi-api-key = "k3y"\n'
        'crossref-token = "t0k"\n',
        "utf-8",
    )
    monkeypatch.setenv("CITATIONS_CROSSREF_URL", fake.urls()["crossref"])
    for name in ("DOI", "NCBI", "ARXIV"):
        monkeypatch.delenv(f"CITATIONS_{name}_URL", raising=False)
    settings = RegistrySettings.from_config(load_config(tmp_path / "citations.toml"), offline=True)
    assert settings.urls["crossref"] == fake.urls()["crossref"]
    assert settings.urls["doi"] == "https://doi-mirror.example.org"
    assert settings.urls["ncbi"] == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    assert (settings.mailto, settings.ncbi_api_key, settings.crossref_token) == (
        "me@example.org",
        "k3y",
        "t0k",
    )
    assert settings.offline and settings.tool == "citations"


def test_the_fake_stands_in_through_the_environment(
    fake: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in fake.env().items():
        monkeypatch.setenv(name, value)
    settings = RegistrySettings.from_config(Config())
    with Registries(settings) as registries:
        assert registries.crossref_work(WU).status == "found"
        assert registries.pubmed(["21290833"])["21290833"].status == "found"
    assert len(fake.hits()) == 2


def test_registry_settings_must_be_strings(tmp_path: Path) -> None:
    (tmp_path / "citations.toml").write_text("[registries]\nmailto = 3\n", "utf-8")
    with pytest.raises(ConfigError, match=r"registries\.mailto"):
        RegistrySettings.from_config(load_config(tmp_path / "citations.toml"))
