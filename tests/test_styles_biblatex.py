"""biblatex's fields in both styles: subtitles, title addons, main titles, meetings, editions,
places, date ranges, original dates, eprints and publication states.

Every case is one entry of tests/fixtures/styles/biblatex.bib, keyed by the case's name.
"""

# ruff: noqa: E501 - a golden reference stays on one line, to read and diff as printed

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citations.library import Library, load_library
from citations.render.styles import get_style
from citations.render.styles.base import Date, parse_date, years
from citations.render.styles.biblatex import edition_text, join_subtitle
from citations.richtext import plain, to_html

CASES = Path(__file__).resolve().parent / "fixtures" / "styles" / "biblatex.bib"


@pytest.fixture(scope="module")
def lib() -> Library:
    library = load_library([CASES], cache_dir=None)
    assert not library.findings, library.findings
    return library


AMA = [
    ("subtitle", "Kim A. Acupuncture for hip pain: a randomized trial. J Pain. 2020;21:1-9."),
    ("subtitle_book", "Lee B. Acupuncture in Practice: A Handbook. Churchill Livingstone; 2019."),
    ("subtitle_after_question", "Kim A. Does acupuncture work? A meta-analysis. J Pain. 2021;22:10-19."),
    ("titleaddon", "Kim A. Needles and nerves. Editorial. J Pain. 2020;21:100."),
    ("journalsubtitle", "Kim A. Hip pain in older adults. Pain: Clinical Updates. 2018;5:7-8."),
    ("booksubtitle", "Park C. Auricular points. In: Lee B, ed. Acupuncture in Practice: A Handbook. Churchill Livingstone; 2019:45-60."),
    ("maintitle", "Kasper DL, ed. Harrison's Principles of Internal Medicine. Vol 2: Cardiology. 19th ed. McGraw-Hill; 2015."),
    ("maintitle_part", "Longo DL. Heart failure. In: Kasper DL, ed. Harrison's Principles of Internal Medicine: The Complete Set. Vol 2: Cardiology. McGraw-Hill; 2015:1500-1510."),
    ("eventtitle", "Harnden P. Pathology of germ cell tumours. In: Joffe JK, ed. Germ Cell Tumours V. 5th Germ Cell Tumour Conference; September 13-15, 2001; Leeds, UK. Springer; 2002:10-20."),
    ("eventtitle_proceedings", "Joffe JK, ed. Germ Cell Tumours V. 5th Germ Cell Tumour Conference; September 2001; Leeds, UK. Springer; 2002."),
    ("edition_word", "Lee B. Pain Medicine. 2nd ed. Elsevier; 2010."),
    ("edition_literal", "Lee B. Pain Medicine. Revised ed. Elsevier; 2012."),
    ("location_over_address", "Lee B. Pain Medicine. Elsevier; 2014."),
    ("date_range", "Kim A. A winter of hip pain. J Pain. 2020;21(1):30-39."),
    ("year_range", "Lee B. Collected Lectures. Elsevier; 2019-2020."),
    ("origdate", "Osler W. The Principles and Practice of Medicine. Appleton; 1920. Originally published 1892."),
    ("eprint_arxiv", "Chen L. Language models read radiology reports. 2021. arXiv:2101.00001 [cs.CL]"),
    ("eprint_archiveprefix", "Chen L. Strings and pain. 1999. arXiv:hep-th/9901001"),
    ("eprint_pubmed", "Kim A. Hip pain after surgery. J Pain. 2019;20:5-6. PMID: 31234567."),
    ("eprint_hdl", "Page E. Occupational Hip Injuries. Institute of Work; 2012. hdl:11250/123456"),
    ("pubstate_inpress", "Kim A. Acupuncture for knee pain. J Pain. 2026. In press."),
    ("pubstate_prepublished", "Kim A. Acupuncture for back pain. J Pain. Published online March 9, 2020. doi:10.1000/jpain.2020.1"),
    ("pubstate_forthcoming", "Lee B. Pain and the Brain. Elsevier; 2026. Forthcoming."),
    ("urldate_range", "World Health Organization. Hip fracture fact sheet. WHO. Published May 2, 2024. Accessed April 1-3, 2025. https://www.who.int/news-room/fact-sheets/detail/hip-fracture"),
    ("presented_address", "Durbin D. Air bags and children. Presented at: Annual Meeting of the Association for the Advancement of Automotive Medicine; 2002; Tempe, AZ."),
    ("presented_location", "Durbin D. Booster seats and children. Presented at: Annual Meeting of the Association for the Advancement of Automotive Medicine; 2003; Boston, MA."),
    ("howpublished_day", "Kim A. Living with hip pain. Pain Society Blog. Published March 9, 2020. Accessed April 1, 2025. https://pain.example.org/blog/hip"),
    ("eid_issue", "Kim A. Hip pain in runners. J Pain. 2020;21(4):e123."),
    ("primaryclass", "Chen L. Models of pain. 2021. arXiv:2101.00002 [cs.LG]"),
    ("thesis_type", "Kay JG. Cytokine Trafficking in Macrophages. Dissertation. University of Queensland; 2007."),
    ("note", "Kim A. Hip pain in a rural clinic. 2024. Unpublished data."),
    ("eventtitle_in_title", "Joffe JK, ed. Proceedings of the 6th Germ Cell Tumour Conference. Springer; 2006."),
]  # fmt: skip

VANCOUVER = [
    ("subtitle", "Kim A. Acupuncture for hip pain: a randomized trial. J Pain. 2020;21:1-9."),
    ("subtitle_book", "Lee B. Acupuncture in practice: a handbook. Edinburgh: Churchill Livingstone; 2019."),
    ("subtitle_after_question", "Kim A. Does acupuncture work? A meta-analysis. J Pain. 2021;22:10-9."),
    ("titleaddon", "Kim A. Needles and nerves. Editorial. J Pain. 2020;21:100."),
    ("journalsubtitle", "Kim A. Hip pain in older adults. Pain: Clinical Updates. 2018;5:7-8."),
    ("booksubtitle", "Park C. Auricular points. In: Lee B, editor. Acupuncture in practice: a handbook. Edinburgh: Churchill Livingstone; 2019. p. 45-60."),
    ("maintitle", "Kasper DL, editor. Harrison's principles of internal medicine. Vol. 2, Cardiology. 19th ed. New York: McGraw-Hill; 2015."),
    ("maintitle_part", "Longo DL. Heart failure. In: Kasper DL, editor. Harrison's principles of internal medicine: the complete set. Vol. 2, Cardiology. New York: McGraw-Hill; 2015. p. 1500-10."),
    ("eventtitle", "Harnden P. Pathology of germ cell tumours. In: Joffe JK, editor. Germ cell tumours V. 5th Germ Cell Tumour Conference; 2001 Sep 13-15; Leeds, UK. New York: Springer; 2002. p. 10-20."),
    ("eventtitle_proceedings", "Joffe JK, editor. Germ cell tumours V. 5th Germ Cell Tumour Conference; 2001 Sep; Leeds, UK. New York: Springer; 2002."),
    ("edition_word", "Lee B. Pain medicine. 2nd ed. Philadelphia: Elsevier; 2010."),
    ("edition_literal", "Lee B. Pain medicine. Revised ed. Philadelphia: Elsevier; 2012."),
    ("location_over_address", "Lee B. Pain medicine. London: Elsevier; 2014."),
    ("date_range", "Kim A. A winter of hip pain. J Pain. 2020 Jan 5-Mar 1;21(1):30-9."),
    ("year_range", "Lee B. Collected lectures. London: Elsevier; 2019-2020."),
    ("origdate", "Osler W. The principles and practice of medicine. New York: Appleton; 1920. Originally published 1892."),
    ("eprint_arxiv", "Chen L. Language models read radiology reports. 2021. arXiv:2101.00001 [cs.CL]"),
    ("eprint_archiveprefix", "Chen L. Strings and pain. 1999. arXiv:hep-th/9901001"),
    ("eprint_pubmed", "Kim A. Hip pain after surgery. J Pain. 2019;20:5-6. PubMed PMID: 31234567."),
    ("eprint_hdl", "Page E. Occupational hip injuries. Oslo: Institute of Work; 2012. hdl:11250/123456"),
    ("pubstate_inpress", "Kim A. Acupuncture for knee pain. J Pain. Forthcoming 2026."),
    ("pubstate_prepublished", "Kim A. Acupuncture for back pain. J Pain. 2020 Mar 9 [Epub ahead of print]. doi:10.1000/jpain.2020.1"),
    ("pubstate_forthcoming", "Lee B. Pain and the brain. London: Elsevier; 2026. Forthcoming."),
    ("urldate_range", "World Health Organization. Hip fracture fact sheet [Internet]. WHO; 2024 May 2 [cited 2025 Apr 1-3]. Available from: https://www.who.int/news-room/fact-sheets/detail/hip-fracture"),
    ("presented_address", "Durbin D. Air bags and children. Presented at: Annual Meeting of the Association for the Advancement of Automotive Medicine; 2002; Tempe, AZ."),
    ("presented_location", "Durbin D. Booster seats and children. Presented at: Annual Meeting of the Association for the Advancement of Automotive Medicine; 2003; Boston, MA."),
    ("howpublished_day", "Kim A. Living with hip pain [Internet]. Pain Society Blog; 2020 Mar 9 [cited 2025 Apr 1]. Available from: https://pain.example.org/blog/hip"),
    ("eid_issue", "Kim A. Hip pain in runners. J Pain. 2020;21(4):e123."),
    ("primaryclass", "Chen L. Models of pain. 2021. arXiv:2101.00002 [cs.LG]"),
    ("thesis_type", "Kay JG. Cytokine trafficking in macrophages [dissertation]. St Lucia, QLD: University of Queensland; 2007."),
    ("note", "Kim A. Hip pain in a rural clinic. 2024."),
    ("eventtitle_in_title", "Joffe JK, editor. Proceedings of the 6th Germ Cell Tumour Conference. 2005 Sep; Leeds, UK. New York: Springer; 2006."),
]  # fmt: skip


@pytest.mark.parametrize(("key", "expected"), [pytest.param(k, e, id=k) for k, e in AMA])
def test_ama(lib: Library, key: str, expected: str) -> None:
    assert plain(get_style("ama").format(lib[key])) == expected


@pytest.mark.parametrize(("key", "expected"), [pytest.param(k, e, id=k) for k, e in VANCOUVER])
def test_vancouver(lib: Library, key: str, expected: str) -> None:
    assert plain(get_style("vancouver").format(lib[key])) == expected


def test_every_case_has_a_golden_line_in_each_style(lib: Library) -> None:
    assert {r.key for r in lib} == {k for k, _ in AMA} == {k for k, _ in VANCOUVER}


_DANGLING = re.compile(r"\.\s*\.|;\s*[:;.,]|:\s*[;.,]|,\s*[.,;:]|\(\)|\[\]|\s[.,;:]|\s{2}|[,;:]$")
_LINK = r"(?:doi:10\.|https?://|arXiv:|hdl:)"


@pytest.mark.parametrize("name", ["ama", "vancouver"])
@pytest.mark.parametrize(
    "options",
    [{}, {"show-issue": False, "show-doi": False, "show-url": False, "show-accessed": False}],
    ids=["defaults", "bare"],
)
def test_no_dangling_punctuation(lib: Library, name: str, options: dict[str, object]) -> None:
    style = get_style(name, options)
    for ref in lib:
        text = plain(style.format(ref))
        prose = re.split(rf"(?:Available from: )?{_LINK}", text)[0].rstrip()
        assert not _DANGLING.search(prose), (ref.key, text)
        assert text.endswith((".", "?", "!")) or re.search(rf"{_LINK}\S+(?: \[\S+\])?$", text)


# --- HTML: italics and links ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "html"),
    [
        pytest.param("subtitle_book", "<i>Acupuncture in Practice: A Handbook</i>", id="subtitle"),
        pytest.param("maintitle", "<i>Harrison's Principles of Internal Medicine</i>. Vol 2: <i>Cardiology</i>.", id="maintitle"),
        pytest.param("journalsubtitle", "<i>Pain: Clinical Updates</i>", id="journalsubtitle"),
    ],
)  # fmt: skip
def test_html_ama_italics(lib: Library, key: str, html: str) -> None:
    assert html in to_html(get_style("ama").format(lib[key]))


@pytest.mark.parametrize("name", ["ama", "vancouver"])
@pytest.mark.parametrize(
    ("key", "link"),
    [
        pytest.param("eprint_arxiv", '<a href="https://arxiv.org/abs/2101.00001">arXiv:2101.00001 [cs.CL]</a>', id="arxiv"),
        pytest.param("eprint_archiveprefix", '<a href="https://arxiv.org/abs/hep-th/9901001">arXiv:hep-th/9901001</a>', id="archiveprefix"),
        pytest.param("eprint_hdl", '<a href="https://hdl.handle.net/11250/123456">hdl:11250/123456</a>', id="hdl"),
    ],
)  # fmt: skip
def test_html_eprint_links(lib: Library, name: str, key: str, link: str) -> None:
    assert to_html(get_style(name).format(lib[key])).endswith(link)


# --- the pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "year"),
    [
        pytest.param("2020-01-05/2020-03-01", Date(2020, 1, 5, end=Date(2020, 3, 1)), "2020", id="days"),
        pytest.param("2019/2020", Date(2019, end=Date(2020)), "2019-2020", id="years"),
        pytest.param("2002-12/2003-01", Date(2002, 12, end=Date(2003, 1)), "2002-2003", id="months"),
        pytest.param("1988/", Date(1988, ongoing=True), "1988-", id="open"),
        pytest.param("2020/2020", Date(2020), "2020", id="same"),
        pytest.param("2025-04", Date(2025, 4), "2025", id="no-range"),
        pytest.param("April 2025", Date(2025, 4), "2025", id="prose"),
    ],
)  # fmt: skip
def test_parse_date_ranges(text: str, date: Date, year: str) -> None:
    assert parse_date(text) == date
    assert years(date) == year


@pytest.mark.parametrize(
    ("name", "date", "expected"),
    [
        ("ama", "2000-12-23/2000-12-30", "December 23-30, 2000"),
        ("ama", "2002-12/2003-01", "December 2002-January 2003"),
        ("ama", "2002-01/2002-03", "January-March 2002"),
        ("ama", "1988/", "1988-"),
        ("vancouver", "2000-12-23/2000-12-30", "2000 Dec 23-30"),
        ("vancouver", "2002-12/2003-01", "2002 Dec-2003 Jan"),
        ("vancouver", "2002-01/2002-03", "2002 Jan-Mar"),
        ("vancouver", "1988/", "1988-"),
    ],
)
def test_date_range_forms(name: str, date: str, expected: str) -> None:
    """Each style's own range forms, straight from its date formatter."""
    from citations.render.styles import ama, vancouver

    formatter = {"ama": ama._date, "vancouver": vancouver._date}[name]
    assert formatter(parse_date(date)) == expected


@pytest.mark.parametrize(
    ("edition", "expected"),
    [("2", "2nd ed"), ("Second", "2nd ed"), ("third", "3rd ed"), ("3rd", "3rd ed"),
     ("3rd edition", "3rd ed"), ("11th ed.", "11th ed"), ("Revised", "Revised ed"),
     ("Revised edition", "Revised ed"), ("2nd edn", "2nd ed"), ("", "")],
)  # fmt: skip
def test_edition_text(edition: str, expected: str) -> None:
    assert edition_text(edition) == expected


@pytest.mark.parametrize(
    ("title", "subtitle", "expected"),
    [("Title", "a subtitle", "Title: a subtitle"), ("Why?", "a study", "Why? A study"),
     ("Why?", "mRNA and pain", "Why? mRNA and pain"), ("Title", "", "Title"),
     ("", "Only subtitle", "Only subtitle")],
)  # fmt: skip
def test_join_subtitle(title: str, subtitle: str, expected: str) -> None:
    assert join_subtitle(title, subtitle) == expected
