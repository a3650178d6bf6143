"""`citations add`, the pure parts: identifiers, entry text, titles, pages, keys, web pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.add.entry import names, page_entry, pages, record_entry, title_text
from citations.add.identify import BadIdentifier, Identifier, identify
from citations.add.keys import (
    DEFAULT_KEY_PATTERN,
    KeyParts,
    make_key,
    page_key_parts,
    pattern_problem,
    record_key_parts,
    title_words,
)
from citations.add.webpage import WebPage, person, read_page
from citations.identifiers import normalise_doi
from citations.library import load_library
from citations.registries.model import Person, Record

FIXTURES = Path(__file__).parent / "fixtures" / "add"
PLOS = "10.1371/journal.pone.0150367"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        pytest.param(PLOS, "doi", PLOS, id="bare-doi"),
        pytest.param(f"doi:{PLOS}", "doi", PLOS, id="doi-label"),
        pytest.param(f"DOI: {PLOS}.", "doi", PLOS, id="doi-label-spaced-final-period"),
        pytest.param(f"https://doi.org/{PLOS}", "doi", PLOS, id="doi-org"),
        pytest.param(
            "https://dx.doi.org/10.1371%2Fjournal.pone.0150367",
            "doi",
            PLOS,
            id="dx-doi-org-percent-encoded",
        ),
        pytest.param(
            f"https://journals.plos.org/plosone/article?id={PLOS}", "doi", PLOS, id="doi-in-query"
        ),
        pytest.param(
            "https://onlinelibrary.wiley.com/doi/full/10.1002/anie.201915678",
            "doi",
            "10.1002/anie.201915678",
            id="wiley-full",
        ),
        pytest.param(
            "https://onlinelibrary.wiley.com/doi/10.1002/anie.201915678/abstract",
            "doi",
            "10.1002/anie.201915678",
            id="suffix-abstract",
        ),
        pytest.param(
            "https://link.springer.com/content/pdf/10.1007/s00330-019-06092-x.pdf",
            "doi",
            "10.1007/s00330-019-06092-x",
            id="suffix-pdf",
        ),
        pytest.param(
            "https://www.biorxiv.org/content/10.1101/2020.01.01.123456v2.full.pdf",
            "doi",
            "10.1101/2020.01.01.123456",
            id="biorxiv-version",
        ),
        pytest.param(
            "10.1016/s0140-6736(97)11096-0",
            "doi",
            "10.1016/s0140-6736(97)11096-0",
            id="doi-with-parentheses",
        ),
        pytest.param(
            "doi:10.1016/s0140-6736(97)11096-0),",
            "doi",
            "10.1016/s0140-6736(97)11096-0",
            id="unbalanced-parenthesis",
        ),
        pytest.param("pmid:26959661", "pmid", "26959661", id="pmid-label"),
        pytest.param("26959661", "pmid", "26959661", id="bare-digits-are-a-pmid"),
        pytest.param(
            "https://pubmed.ncbi.nlm.nih.gov/26959661/", "pmid", "26959661", id="pubmed-url"
        ),
        pytest.param("pmcid:PMC4784927", "pmcid", "PMC4784927", id="pmcid-label"),
        pytest.param("pmcid:4784927", "pmcid", "PMC4784927", id="pmcid-label-digits"),
        pytest.param("pmc4784927", "pmcid", "PMC4784927", id="bare-pmcid"),
        pytest.param(
            "https://pmc.ncbi.nlm.nih.gov/articles/PMC4784927/", "pmcid", "PMC4784927", id="pmc-url"
        ),
        pytest.param("arxiv:2101.00001v2", "arxiv", "2101.00001v2", id="arxiv-label"),
        pytest.param("https://arxiv.org/abs/2101.00001v2", "arxiv", "2101.00001v2", id="arxiv-abs"),
        pytest.param("https://arxiv.org/pdf/2101.00001.pdf", "arxiv", "2101.00001", id="arxiv-pdf"),
        pytest.param("hep-th/9901001", "arxiv", "hep-th/9901001", id="arxiv-old-style"),
        pytest.param("isbn:978-0-306-40615-7", "isbn", "9780306406157", id="isbn-13"),
        pytest.param("isbn:0-306-40615-2", "isbn", "0306406152", id="isbn-10"),
        pytest.param(
            "https://www.mdpi.com/2227-9032/11/11/1624",
            "url",
            "https://www.mdpi.com/2227-9032/11/11/1624",
            id="page-without-doi",
        ),
        pytest.param(
            "https://my.clevelandclinic.org/health/diseases/17401-hip-bursitis",
            "url",
            "https://my.clevelandclinic.org/health/diseases/17401-hip-bursitis",
            id="web-page",
        ),
    ],
)
def test_identify(text: str, kind: str, value: str) -> None:
    assert identify(text) == Identifier(kind, value, text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("isbn:978-0-306-40615-8", "check digit", id="isbn-checksum"),
        pytest.param("pmid:12ab", "1 to 8 digits", id="pmid-not-digits"),
        pytest.param("arxiv:2101.1", "arXiv id", id="arxiv-malformed"),
        pytest.param("doi:11.1/x", "DOI looks like", id="doi-malformed"),
        pytest.param("https://doi.org/", "no DOI", id="doi-org-empty"),
        pytest.param("smith2020", "not a DOI", id="a-key-is-not-an-identifier"),
        pytest.param("ftp://example.org/x", "not a DOI", id="not-http"),
    ],
)
def test_identify_refuses(text: str, reason: str) -> None:
    result = identify(text)
    assert isinstance(result, BadIdentifier)
    assert reason in result.reason


def test_normalise_doi() -> None:
    assert normalise_doi("https://doi.org/10.1371/JOURNAL.PONE.0150367") == PLOS
    assert normalise_doi("doi:10.1371%2Fjournal.pone.0150367 ") == PLOS


# --- entries ---------------------------------------------------------------------------------


def _record(**fields: object) -> Record:
    base: dict[str, object] = {"registry": "crossref", "source_url": "https://api.example/x"}
    return Record(**{**base, **fields})  # type: ignore[arg-type]


WU = _record(
    title="The efficacy of acupuncture in post-operative pain management: a systematic review "
    "and meta-analysis",
    authors=(Person("Wu", "Ming-Shun"), Person("Chen", "Kee-Hsin")),
    year=2016,
    month=3,
    container="PLOS ONE",
    short_container="PLoS ONE",
    volume="11",
    issue="3",
    pages="e0150367",
    type="journal-article",
    doi=PLOS,
    issn=("1932-6203",),
    url="https://dx.doi.org/10.1371/journal.pone.0150367",
)


def test_article_entry_text() -> None:
    assert record_entry(WU, "wu2016efficacy").text() == (
        "@article{wu2016efficacy,\n"
        "  author = {Wu, Ming-Shun and Chen, Kee-Hsin},\n"
        "  title = {The efficacy of acupuncture in post-operative pain management: a systematic"
        " review and meta-analysis},\n"
        "  journal = {PLoS ONE},\n"
        "  issn = {1932-6203},\n"
        "  year = {2016},\n"
        "  month = mar,\n"
        "  volume = {11},\n"
        "  number = {3},\n"
        "  pages = {e0150367},\n"
        "  doi = {10.1371/journal.pone.0150367},\n"
        "}\n"
    )


def test_journal_is_the_full_title_without_an_abbreviation() -> None:
    entry = record_entry(_record(type="journal-article", container="Pain & Therapy"), "k")
    assert ("journal", r"{Pain \& Therapy}") in entry.fields


@pytest.mark.parametrize(
    ("kind", "bibtex", "present"),
    [
        pytest.param("journal-article", "article", ["journal"], id="article"),
        pytest.param("book", "book", ["publisher", "isbn", "editor"], id="book"),
        pytest.param(
            "book-chapter", "incollection", ["booktitle", "publisher", "editor"], id="chapter"
        ),
        pytest.param("proceedings-article", "inproceedings", ["booktitle"], id="proceedings"),
        pytest.param("report", "techreport", ["institution"], id="report"),
        pytest.param("dissertation", "phdthesis", ["school"], id="thesis"),
        pytest.param("dataset", "misc", ["publisher"], id="dataset"),
        pytest.param("posted-content", "misc", ["publisher"], id="posted-content"),
        pytest.param("other", "misc", ["publisher"], id="other"),
    ],
)
def test_entry_types(kind: str, bibtex: str, present: list[str]) -> None:
    record = _record(
        type=kind,
        title="A title",
        authors=(Person("Roe", "Ann"),),
        editors=(Person("Doe", "Jane"),),
        container="The Container",
        publisher="Pub",
        year=2020,
        doi="10.5555/x",
        isbn=("9780306406157",),
    )
    entry = record_entry(record, "roe2020title")
    assert entry.type == bibtex
    assert set(present) <= {name for name, _ in entry.fields}
    assert "url" not in dict(entry.fields)  # a DOI says where it is


def test_arxiv_preprint_has_eprint_fields_and_a_url() -> None:
    record = _record(
        registry="arxiv",
        type="posted-content",
        title="Deep nets",
        authors=(Person("Roe", "Ann"),),
        year=2021,
        arxiv="2101.00001v2",
    )
    fields = dict(record_entry(record, "roe2021deep").fields)
    assert fields["eprint"] == "{2101.00001v2}"
    assert fields["eprinttype"] == "{arxiv}"
    assert fields["url"] == "{https://arxiv.org/abs/2101.00001v2}"


def test_pubmed_record_entry() -> None:
    record = _record(
        registry="ncbi",
        type="journal-article",
        title="[Comparative observation on hip osteoarthritis treated with electroacupuncture and "
        "medication].",
        authors=(Person("Sheng", "XP"), Person("Fan", "TY")),
        year=2010,
        container="Zhongguo zhen jiu = Chinese acupuncture & moxibustion",
        short_container="Zhongguo Zhen Jiu",
        volume="30",
        issue="12",
        pages="982-4",
        pmid="21290833",
        issn=("0255-2930",),
        language="chi",
    )
    assert record_entry(record, "sheng2010comparative").text() == (
        "@article{sheng2010comparative,\n"
        "  author = {Sheng, X. P. and Fan, T. Y.},\n"
        "  title = {Comparative observation on hip osteoarthritis treated with electroacupuncture"
        " and medication},\n"
        "  journal = {Zhongguo Zhen Jiu},\n"
        "  issn = {0255-2930},\n"
        "  year = {2010},\n"
        "  volume = {30},\n"
        "  number = {12},\n"
        "  pages = {982--984},\n"
        "  pmid = {21290833},\n"
        "  langid = {chinese},\n"
        "}\n"
    )


def test_a_record_with_no_identifier_keeps_its_url() -> None:
    record = _record(type="report", title="Annual report", url="https://example.org/r.pdf")
    assert ("url", "{https://example.org/r.pdf}") in record_entry(record, "k").fields


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("DNA repair in mice", "{DNA} repair in mice", id="acronym"),
        pytest.param(
            "COVID-19 and mRNA vaccines",
            "{COVID}-19 and {mRNA} vaccines",
            id="acronym-with-digits-and-mixed-case",
        ),
        pytest.param("SARS-CoV-2 in PLoS", "{SARS}-{CoV}-2 in {PLoS}", id="each-part"),
        pytest.param(
            "Osteoarthritis: Symptoms and causes",
            "Osteoarthritis: {Symptoms} and causes",
            id="subtitle-capital",
        ),
        pytest.param("Pain: a review", "Pain: a review", id="lower-subtitle-untouched"),
        pytest.param(
            "Acupuncture for Parkinson disease",
            "Acupuncture for {Parkinson} disease",
            id="proper-noun",
        ),
        pytest.param(
            "Acupuncture Treatment for Hip Pain: A Review",
            "Acupuncture Treatment for Hip Pain: A Review",
            id="title-case-capitals-say-nothing",
        ),
        pytest.param("[A translated title].", "A translated title", id="pubmed-brackets"),
        pytest.param("Ends with a period.", "Ends with a period", id="final-period"),
        pytest.param("Wait...", "Wait...", id="ellipsis-kept"),
        pytest.param("50% of R&D_costs #1 $", r"50\% of {R\&D}\_costs \#1 \$", id="latex-specials"),
        pytest.param(
            "Braces {x} and \\ and ~",
            r"Braces \{x\} and \textbackslash{} and "
            r"\textasciitilde{}",
            id="braces-backslash-tilde",
        ),
        pytest.param("<i>E. coli</i> &amp; <sub>2</sub>", r"E. coli \& 2", id="markup"),
        pytest.param("Über Straße", "Über {Straße}", id="unicode-kept"),
    ],
)
def test_title_text(title: str, expected: str) -> None:
    assert title_text(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param(
            "The Efficacy of Acupuncture in Post-Operative Pain Management: A Systematic Review and"
            " Meta-Analysis.",
            "The efficacy of acupuncture in post-operative pain management: a systematic review and"
            " meta-analysis",
            id="title-case-lowered",
        ),
        pytest.param(
            "COVID-19 and mRNA Vaccines for Older Patients in R&D: H2O2 Levels",
            "{COVID}-19 and {mRNA} vaccines for older patients in {R\\&D}: {H2O2} levels",
            id="acronyms-kept",
        ),
        pytest.param(
            "Vitamin B12 in Patients", "Vitamin {B12} in {Patients}", id="too-short-to-tell"
        ),
        pytest.param(
            "Osteoarthritis: Symptoms and causes",
            "Osteoarthritis: {Symptoms} and causes",
            id="sentence-case-untouched",
        ),
    ],
)
def test_title_text_sentence_case(title: str, expected: str) -> None:
    assert title_text(title, sentence_case=True) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("982-4", "982--984", id="pubmed-elided"),
        pytest.param("320-7", "320--327", id="pubmed-elided-one-digit"),
        pytest.param("1001-12", "1001--1012", id="pubmed-elided-two-digits"),
        pytest.param("320–327", "320--327", id="en-dash"),
        pytest.param("495-518", "495--518", id="full-range"),
        pytest.param("S12-4", "S12--S14", id="letter-prefix"),
        pytest.param("98-4", "98--4", id="not-elided-kept"),
        pytest.param("e0150367", "e0150367", id="article-number"),
        pytest.param("1624", "1624", id="one-page"),
    ],
)
def test_pages(given: str, expected: str) -> None:
    assert pages(given) == expected


def test_names() -> None:
    people = (
        Person("van der Berg", "Anna"),
        Person("", literal="WHO"),
        Person("Smith & Sons", "J"),
        Person("Jones"),
    )
    assert (
        names(people, "crossref") == r"van der Berg, Anna and {WHO} and Smith \& Sons, J and Jones"
    )
    assert names((Person("Sheng", "XP"),), "ncbi") == "Sheng, X. P."
    assert names((Person("ZHANG", "WEI"),), "crossref") == "ZHANG, WEI"


# --- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "title", "key"),
    [
        pytest.param(
            "Park", "Acupuncture treatment for hip pain", "park2023acupuncture", id="plain"
        ),
        pytest.param("Wu", "The efficacy of acupuncture", "wu2023efficacy", id="stop-words"),
        pytest.param(
            "Müller-Lüdenscheidt",
            "Über alles",
            "mullerludenscheidt2023uber",
            id="accents-and-hyphen",
        ),
        pytest.param("van der Berg", "On the origin", "vanderberg2023origin", id="particles-kept"),
        pytest.param("Øster", "A: B", "oster2023b", id="special-letters"),
        pytest.param("O'Neil", "COVID-19 in 2020", "oneil2023covid", id="apostrophe"),
    ],
)
def test_key_from_record(family: str, title: str, key: str) -> None:
    record = _record(title=title, authors=(Person(family, "X"),), year=2023)
    assert make_key(DEFAULT_KEY_PATTERN, record_key_parts(record), ()) == key


def test_key_dedup_with_letter_suffixes() -> None:
    parts = KeyParts("park", "2023", "Acupuncture treatment")
    assert make_key(DEFAULT_KEY_PATTERN, parts, {"other"}) == "park2023acupuncture"
    taken = {"Park2023Acupuncture"}  # keys differing only in case are one key to biber
    assert make_key(DEFAULT_KEY_PATTERN, parts, taken) == "park2023acupuncturea"
    taken |= {"park2023acupuncturea"}
    assert make_key(DEFAULT_KEY_PATTERN, parts, taken) == "park2023acupunctureb"
    many = {"k"} | {f"k{chr(c)}" for c in range(ord("a"), ord("z") + 1)}
    assert make_key("k", parts, many) == "kaa"


def test_key_patterns() -> None:
    parts = KeyParts("park", "2023", "The acupuncture treatment of hip pain")
    assert make_key("{author}:{year}:{title2}", parts, ()) == "park:2023:acupuncturetreatment"
    assert make_key("{author}_{title}", parts, ()) == "park_acupuncture"
    assert make_key(DEFAULT_KEY_PATTERN, KeyParts("anon", "", "x"), ()) == "anonx"
    assert title_words("The of a", 1) == ""


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        pytest.param(DEFAULT_KEY_PATTERN, "", id="default"),
        pytest.param("{author}-{year}", "", id="separator"),
        pytest.param("{surname}{year}", "unknown placeholder {surname}", id="unknown"),
        pytest.param("{author} {year}", "placeholders and letters", id="space"),
        pytest.param("fixed", "placeholders and letters", id="no-placeholder"),
    ],
)
def test_pattern_problem(pattern: str, problem: str) -> None:
    assert (problem in pattern_problem(pattern)) and (
        bool(problem) == bool(pattern_problem(pattern))
    )


def test_organisation_keys() -> None:
    record = _record(
        title="Guidelines", authors=(Person("", literal="World Health Organization"),), year=2020
    )
    assert make_key(DEFAULT_KEY_PATTERN, record_key_parts(record), ()) == (
        "worldhealthorganization2020guidelines"
    )
    page = WebPage("https://x.org", title="Hip bursitis", site="Cleveland Clinic", reviewed="2023")
    assert make_key(DEFAULT_KEY_PATTERN, page_key_parts(page), ()) == "clevelandclinic2023hip"


# --- web pages -------------------------------------------------------------------------------


def test_read_page_meta_tags_and_json_ld() -> None:
    html = (FIXTURES / "pages" / "mayoclinic.html").read_text("utf-8")
    page = read_page(html, "https://www.mayoclinic.org/x")
    assert page.title == "Osteoarthritis: Symptoms and causes"
    assert page.site == "Mayo Clinic"
    assert page.authors == (Person("", literal="Mayo Clinic Staff"),)
    assert page.updated == "2023"
    assert page.doi == ""


def test_read_page_highwire_and_title_fallback() -> None:
    html = """<html><head><title>A study | Journal of Things</title>
    <meta name="citation_title" content="A study of things">
    <meta name="citation_author" content="Roe, Ann"><meta name="citation_author" content="Bo Li">
    <meta name="citation_doi" content="doi:10.5555/things.1">
    <meta name="citation_publication_date" content="2021/05/04">
    </head><body></body></html>"""
    page = read_page(html, "https://things.example/a")
    assert page.title == "A study of things"
    assert page.authors == (Person("Roe", "Ann"), Person("Li", "Bo"))
    assert page.doi == "10.5555/things.1"
    assert page.published == "2021-05-04"
    assert page.site == "things.example"
    bare = read_page(
        "<title>Hip bursitis | Cleveland Clinic</title>"
        "<meta property='og:site_name' content='Cleveland Clinic'>",
        "https://c/x",
    )
    assert bare.title == "Hip bursitis"


def test_read_page_tolerates_broken_json_ld() -> None:
    html = '<script type="application/ld+json">{broken</script><title>T</title>'
    assert read_page(html, "https://a.example/").title == "T"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("Mayo Clinic Staff", Person("", literal="Mayo Clinic Staff"), id="staff"),
        pytest.param("Reuters", Person("", literal="Reuters"), id="one-word"),
        pytest.param("Cleveland Clinic", Person("", literal="Cleveland Clinic"), id="site-name"),
        pytest.param("Jane Smith", Person("Smith", "Jane"), id="person"),
        pytest.param("Ludwig van Beethoven", Person("van Beethoven", "Ludwig"), id="particle"),
        pytest.param("Smith, Jane", Person("Smith", "Jane"), id="inverted"),
    ],
)
def test_person(name: str, expected: Person) -> None:
    assert person(name, "Cleveland Clinic") == expected


def test_page_entry_is_online_and_loads(tmp_path: Path) -> None:
    page = WebPage(
        "https://www.mayoclinic.org/diseases-conditions/osteoarthritis/symptoms-causes/syc-20351925",
        title="Osteoarthritis: Symptoms and causes",
        site="Mayo Clinic",
        authors=(Person("", literal="Mayo Clinic Staff"),),
        updated="2023",
    )
    key = make_key(DEFAULT_KEY_PATTERN, page_key_parts(page), ())
    text = page_entry(page, key, "2025-04").text()
    assert text == (
        "@online{mayoclinic2023osteoarthritis,\n"
        "  author = {{Mayo Clinic Staff}},\n"
        "  title = {Osteoarthritis: {Symptoms} and causes},\n"
        "  organization = {Mayo Clinic},\n"
        "  year = {2023},\n"
        "  updated = {2023},\n"
        "  urldate = {2025-04},\n"
        "  url = {https://www.mayoclinic.org/diseases-conditions/osteoarthritis/symptoms-causes/"
        "syc-20351925},\n"
        "}\n"
    )
    bib = tmp_path / "x.bib"
    bib.write_text(text, "utf-8")
    library = load_library([bib])
    assert library.findings == []
    assert (
        library["mayoclinic2023osteoarthritis"].get("title")
        == "Osteoarthritis: Symptoms and causes"
    )


def test_page_without_author_is_by_its_site_and_dates_precisely() -> None:
    page = WebPage(
        "https://c.example/x",
        title="T",
        site="Cleveland Clinic",
        published="2021-05-04",
        reviewed="2023",
    )
    fields = dict(page_entry(page, "k", "2025-04-17").fields)
    assert fields["author"] == "{{Cleveland Clinic}}"
    assert fields["date"] == "{2021-05-04}"
    assert "year" not in fields
    assert fields["reviewed"] == "{2023}"
    assert fields["urldate"] == "{2025-04-17}"
