"""`citations add` of a reference as printed: matched, validated, or refused with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from citations.add.citation import Fields, choose, fit, vancouver_fields
from citations.add.identify import Identifier, identify
from citations.add.reflist import accessed_date, split_references
from citations.commands.add import AddOutcome, run_add_command
from citations.config import load_config
from citations.library import load_library
from citations.registries.client import Registries
from citations.registries.model import Person, Record
from citations.render.styles import get_style
from citations.richtext import plain

from conftest import FIXTURES
from fakeregistry import FakeRegistry
from linkserver import LinkServer, answer

USICHENKO = (
    "Usichenko TI, Dinse M, Hermsen M, et al. Auricular acupuncture for pain relief after "
    "total hip arthroplasty: a randomized controlled study. Pain. 2005;114:320-327."
)
PARK = ("Park HS, Jeong HI, Sung SH, Kim KH. Acupuncture treatment for hip pain: a systematic "
        "review and meta-analysis. Healthcare. 2023;11:1624.")  # fmt: skip
SHENG = ("Sheng XP, Fan TY. Comparative observation on hip osteoarthritis treated with "
         "electroacupuncture and medication. Zhongguo Zhen Jiu. 2010;30:982-984.")  # fmt: skip
USICHENKO_DOI = "10.5555/usichenko.2005.114.320"
MAYO = "https://www.mayoclinic.org/diseases-conditions/osteoarthritis/symptoms-causes/syc-20351925"
CLEVELAND = "https://my.clevelandclinic.org/health/diseases/17401-hip-bursitis"


def _record(**changes: object) -> Record:
    fields: dict[str, object] = {
        "registry": "crossref", "source_url": "",
        "title": "Auricular acupuncture for pain relief after total hip arthroplasty – a "
                 "randomized controlled study",
        "authors": (Person("Usichenko", "T.I."), Person("Dinse", "M.")),
        "year": 2005, "volume": "114", "pages": "320-327", "doi": USICHENKO_DOI,
    }  # fmt: skip
    return Record(**{**fields, **changes})  # type: ignore[arg-type]


# --- reading the text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (USICHENKO, "citation"),
        ("smith 2020 hip", None),  # three words: a mistyped identifier, not a reference
        ("10.5555/x", "doi"),
        ("Wu MS. Title. PLoS One. 2016;11:e0150367. doi:10.1371/journal.pone.0150367", "citation"),
    ],
)
def test_what_counts_as_a_reference(text: str, kind: str | None) -> None:
    found = identify(text)
    assert (found.kind if isinstance(found, Identifier) else None) == kind


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (USICHENKO, Fields("Pain", "2005", "114", "320", "Usichenko TI")),
        (SHENG, Fields("Zhongguo Zhen Jiu", "2010", "30", "982", "Sheng XP")),
        ("Park HS. A title. Healthcare. 2023 Jun 1;11(11):1624.",
         Fields("Healthcare", "2023", "11", "1624", "Park HS")),
        ("Wu MS, Chen KH. A title: 2005;1:2 in a title. PLoS One. 2016;11:e0150367.",
         Fields("PLoS One", "2016", "11", "e0150367", "Wu MS")),
        ("Usichenko, T. I. (2005). Auricular acupuncture. Pain, 114(3), 320-327.", None),
    ],
)  # fmt: skip
def test_the_vancouver_shape_is_read_for_pubmeds_matcher(text: str, fields: Fields | None) -> None:
    assert vancouver_fields(text) == fields


# --- validating candidates -------------------------------------------------------------------


def test_a_candidate_fits_when_its_title_author_and_year_are_in_the_text() -> None:
    found = fit(USICHENKO, _record())
    assert found is not None and found.agree == 2 and found.similarity >= 95


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"title": "Auricular acupuncture for postoperative nausea"}, id="title"),
        pytest.param({"authors": (Person("Lehmann", "Ch."),)}, id="first-author"),
        pytest.param({"year": 2009}, id="year"),
        pytest.param({"year": 2004, "volume": "9", "pages": "1-2"}, id="year-off-by-one"),
        pytest.param({"title": "Pain"}, id="one-word-title"),
    ],
)
def test_a_candidate_that_does_not_fit_is_refused(changes: dict[str, object]) -> None:
    assert fit(USICHENKO, _record(**changes)) is None


def test_online_first_a_year_early_fits_when_volume_or_page_agrees() -> None:
    assert fit(USICHENKO, _record(year=2004)) is not None


def test_the_candidate_whose_volume_and_page_agree_is_chosen() -> None:
    preprint = _record(doi="10.5555/preprint", volume="", pages="")
    chosen = choose(USICHENKO, [preprint, _record()])
    assert isinstance(chosen, Record) and chosen.doi == USICHENKO_DOI


def test_two_candidates_that_fit_equally_are_not_guessed_between() -> None:
    why = choose(USICHENKO, [_record(doi="10.5555/a"), _record(doi="10.5555/b")])
    assert why == ("it fits more than one work (doi:10.5555/a, doi:10.5555/b): "
                   "add the right one by its identifier")  # fmt: skip


# --- end to end, against the fake registry ---------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "refs").mkdir()
    library = "@article{sheng2010,\n  title = {Here},\n  pmid = {21290833},\n}\n"
    (tmp_path / "refs" / "library.bib").write_text(library, "utf-8")
    (tmp_path / "citations.toml").write_text('refs = ["refs"]\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _add(registries: Registries, *ids: str) -> AddOutcome:
    options = {"dry_run": True, "sentence_case": True}
    return run_add_command(load_config(), ids, options, registries=registries)


def test_a_reference_is_matched_through_crossref(project: Path, registries: Registries) -> None:
    outcome = _add(registries, USICHENKO)
    assert outcome.failed == []
    assert outcome.entries[0] == (
        "@article{usichenko2005auricular,\n"
        "  author = {Usichenko, T.I. and Dinse, M. and Hermsen, M. and Witstruck, T. and "
        "Pavlovic, D. and Lehmann, Ch.},\n"
        "  title = {Auricular acupuncture for pain relief after total hip arthroplasty: a "
        "randomized controlled study},\n"
        "  journal = {Pain},\n  issn = {0304-3959},\n  year = {2005},\n  month = apr,\n"
        "  volume = {114},\n  number = {3},\n  pages = {320--327},\n"
        f"  doi = {{{USICHENKO_DOI}}},\n}}\n"
    )


def test_the_close_runner_up_is_not_taken(project: Path, registries: Registries) -> None:
    """Park's reference: Crossref also ranks a 2022 paper with nearly Park's title (its
    subtitle is longer and its authors are others); Park's own record is chosen."""
    outcome = _add(registries, PARK)
    assert outcome.failed == []
    assert outcome.entries[0].startswith("@article{park2023acupuncture,\n")
    assert "doi = {10.3390/healthcare11111624}" in outcome.entries[0]


def test_a_journal_without_dois_is_matched_by_pubmed_and_refused_as_known(
    project: Path, registries: Registries
) -> None:
    outcome = _add(registries, SHENG)
    assert outcome.failed == [] and outcome.entries == []
    assert outcome.existing == [(SHENG, "sheng2010")]
    assert f"{SHENG}: matched to PMID 21290833 by PubMed's citation matcher: " \
        "'[Comparative observation on hip osteoarthritis treated with electroacupuncture and " \
        "medication]'" in outcome.messages  # fmt: skip


def test_a_fabricated_reference_is_refused(project: Path, registries: Registries) -> None:
    made_up = ("Smithson AB, Jones CD. Auricular acupuncture cures hip dysplasia in adults: a "
               "randomized trial. Pain. 2019;160:100-108.")  # fmt: skip
    outcome = _add(registries, made_up)
    assert outcome.entries == []
    [(given, why)] = outcome.failed
    assert given == made_up
    assert why.startswith("no registry record matches this reference (")
    assert why.endswith("add it by its DOI or PMID")


def test_the_doi_in_a_reference_must_name_its_work(project: Path, registries: Registries) -> None:
    wrong = USICHENKO.replace("320-327.", "320-327. doi:10.3390/healthcare11111624")
    outcome = _add(registries, wrong, PARK + " doi:10.3390/healthcare11111624")
    assert outcome.failed == [(wrong, "its DOI 10.3390/healthcare11111624 names another work: "
                                      "'Acupuncture Treatment for Hip Pain: A Systematic Review "
                                      "and Meta-Analysis'")]  # fmt: skip
    assert len(outcome.entries) == 1 and "park2023acupuncture" in outcome.entries[0]


# --- reference lists -------------------------------------------------------------------------


def test_a_numbered_list_is_cut_into_references() -> None:
    text = (FIXTURES / "example" / "references.txt").read_text("utf-8")
    found = split_references(text)
    assert len(found) == 6
    assert found[0] == (
        "Mayo Clinic Staff. Osteoarthritis: Symptoms and causes. Mayo Clinic. Updated 2023. "
        "Accessed April 2025. https://www.mayoclinic.org/diseases-conditions/osteoarthritis/"
        "symptoms-causes/syc-20351925"
    )
    assert found[4] == USICHENKO


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1] A. One.\n[2] B.\n   Two.\n", ["A. One.", "B. Two."]),
        ("A. One.\nstill one.\n\nB. Two.\n", ["A. One. still one.", "B. Two."]),
        ("A. One.\nB. Two.\n\n", ["A. One.", "B. Two."]),
        ("1) A. One.\n2) B. Two. 2019;3:4.\n", ["A. One.", "B. Two. 2019;3:4."]),
    ],
)  # fmt: skip
def test_other_list_shapes(text: str, expected: list[str]) -> None:
    assert split_references(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mayo Clinic. Updated 2023. Accessed April 2025. https://x", "2025-04"),
        ("Accessed April 17, 2025.", "2025-04-17"),
        ("accessed 3 Sept 2024", "2024-09-03"),
        ("Available from: https://x [cited 2025 Apr 17].", "2025-04-17"),
        ("Accessed February 30, 2025.", ""),  # no such day
        ("Published April 2025.", ""),
    ],
)  # fmt: skip
def test_the_printed_access_date(text: str, expected: str) -> None:
    assert accessed_date(text) == expected


def test_the_examples_reference_list_becomes_the_library_that_prints_it(
    tmp_path: Path, fake: FakeRegistry, monkeypatch: pytest.MonkeyPatch, run: Any
) -> None:
    """The example's reference list, pasted as it is printed: every reference matched
    (Crossref, PubMed's citation matcher, the two clinics' pages with their printed access
    dates), and the library written renders exactly that list."""
    with LinkServer() as site:
        for name, url in (("mayoclinic", MAYO), ("clevelandclinic", CLEVELAND)):
            page = (FIXTURES / "add" / "pages" / f"{name}.html").read_text("utf-8")
            site.route(urlsplit(url).path, answer(200, page))
        mapping = " ".join(f"{u.split('/')[0]}//{urlsplit(u).netloc}={site.url('')}"
                           for u in (MAYO, CLEVELAND))  # fmt: skip
        monkeypatch.setenv("CITATIONS_WEB_MAP", mapping)
        (tmp_path / "refs").mkdir()
        (tmp_path / "citations.toml").write_text('refs = ["refs"]\n', "utf-8")
        listing = FIXTURES / "example" / "references.txt"
        result = run("add", "--sentence-case", "--from", listing, cwd=tmp_path)
    assert result.code == 0, result.err
    library = load_library([tmp_path / "refs"])
    assert library.findings == []
    assert [ref.key for ref in library] == [
        "mayoclinic2023osteoarthritis", "wu2016efficacy", "park2023acupuncture",
        "sheng2010comparative", "usichenko2005auricular", "clevelandclinic2023hip",
    ]  # fmt: skip
    assert library["wu2016efficacy"].get("journal") == "PLoS One"  # as printed, not PLoS ONE
    assert library["mayoclinic2023osteoarthritis"].get("urldate") == "2025-04"
    style = get_style("ama", {"et-al-min": 6, "show-issue": False, "show-doi": False})
    rendered = [" ".join(plain(style.format(ref)).split()) for ref in library]
    assert rendered == split_references(listing.read_text("utf-8"))


def test_a_web_page_already_in_the_library_is_refused_unfetched(
    project: Path, registries: Registries
) -> None:
    known = f"@online{{mayo,\n  title = {{Osteoarthritis}},\n  url = {{{MAYO}/}},\n}}\n"
    (project / "refs" / "web.bib").write_text(known, "utf-8")
    listing = (FIXTURES / "example" / "references.txt").read_text("utf-8")
    mayo = split_references(listing)[0]
    outcome = _add(registries, mayo)
    assert outcome.existing == [(mayo, "mayo")] and outcome.failed == []


def test_a_list_that_cannot_be_read(tmp_path: Path, run: Any) -> None:
    result = run("add", "--from", tmp_path / "missing.txt", cwd=tmp_path)
    assert result.code == 3 and "cannot read" in result.err and "missing.txt" in result.err
    assert run("add", cwd=tmp_path).code == 2
