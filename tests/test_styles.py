"""Golden tests for the AMA (11th ed., 2020) and Vancouver (NLM Citing Medicine, 2nd ed.) styles.

Every case is one entry of tests/fixtures/styles/cases.bib, keyed by the case's name; each
expected string is the reference exactly as the manual prints it.
"""

# ruff: noqa: E501 - a golden reference stays on one line, to read and diff as printed

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citations.library import Library, load_library
from citations.render.styles import get_style
from citations.richtext import plain, to_html

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "fixtures" / "styles" / "cases.bib"
EXAMPLE = ROOT / "refs" / "example.bib"


@pytest.fixture(scope="module")
def lib() -> Library:
    library = load_library([CASES], cache_dir=None)
    assert not library.findings, library.findings
    return library


AMA = [
    # journal articles: all names up to 6; more than 6 → the first 3, then et al
    ("article_1_author", "Mayor S. Coming home. BMJ. 2005;331(7510):488-489. doi:10.1136/bmj.331.7510.488"),
    ("article_2_authors", "Hannonen M, Sundström L. Worker nepotism among polygynous ants. Nature. 2003;421(6926):910."),
    ("article_6_authors", "Ezenwaka CE, Nwagbara E, Seales D, Okali F, Hussaini S, Raja B. Prediction of coronary heart disease risk in type 2 diabetic patients. Int J Cardiol. 2009;132(3):348-353."),
    ("article_7_authors", "Rose ME, Huerbin MB, Melick J, et al. Regulation of interstitial excitatory amino acid concentrations after cortical contusion injury. Brain Res. 2002;935(1-2):40-46."),
    ("article_30_authors", "Alpha A, Bravo B, Charlie C, et al. A consortium report on thirty authors. Lancet. 2020;395(10223):1-10."),
    ("article_and_others", "Smith J, Jones K, et al. A study with more authors than listed. J Clin Invest. 2019;129(2):500-512."),
    ("article_with_url", "Duchin JS. Can preparedness for biological terrorism save us from pertussis? Arch Pediatr Adolesc Med. 2004;158(2):106-107. Accessed June 1, 2004. https://archpedi.jamanetwork.com/article.aspx?articleid=485643"),
    # books and their parts (AMA 11 gives no place of publication)
    ("book", "Riffenburgh RH. Statistics in Medicine. 2nd ed. Elsevier Academic Press; 2006."),
    ("edited_book", "Guyatt G, Rennie D, eds. Users' Guides to the Medical Literature. AMA Press; 2002."),
    ("book_chapter", "Meltzer PS, Kallioniemi A. Chromosome alterations in human solid tumors. In: Vogelstein B, Kinzler KW, eds. The Genetic Basis of Human Cancer. McGraw-Hill; 2002:93-113."),
    ("inbook_crossref", "Longo DL. Approach to the patient with cancer. In: Kasper DL, ed. Harrison's Principles of Internal Medicine. 19th ed. McGraw-Hill; 2015:467-475."),
    # web pages: author, title, website, published, updated, accessed, URL
    ("web_page", "Centers for Disease Control and Prevention. Measles cases and outbreaks. CDC. Published April 25, 2019. Accessed May 3, 2019. https://www.cdc.gov/measles/cases-outbreaks.html"),
    ("web_page_updated", "World Health Organization. Hypertension fact sheet. WHO. Published March 16, 2023. Updated August 1, 2023. Accessed April 10, 2025. https://www.who.int/news-room/fact-sheets/detail/hypertension"),
    # conference papers: published proceedings like a chapter; otherwise "Presented at:"
    ("conference_paper", "Rice AS, Farquhar-Smith WP. Cannabinoids and pain. In: Dostrovsky JO, Carr DB, eds. Proceedings of the 10th World Congress on Pain. IASP Press; 2003:437-468."),
    ("conference_presented", "Durbin D, Kallan M. Risk of injury to restrained children from passenger air bags. Presented at: 46th Annual Meeting of the Association for the Advancement of Automotive Medicine; September 2002; Tempe, AZ."),
    ("report", "Page E, Harney JM. Health Hazard Evaluation Report. National Institute for Occupational Safety and Health; 2001. HETA2000-0139-2824. Accessed April 1, 2025. https://www.cdc.gov/niosh/hhe/reports/pdfs/2000-0139-2824.pdf"),
    ("phd_thesis", "Kay JG. Intracellular Cytokine Trafficking and Phagocytosis in Macrophages. Dissertation. University of Queensland; 2007."),
    ("masters_thesis", "Neel ST. A Cost-Minimization Analysis of Sequential Cataract Surgery. Master's thesis. London School of Economics and Political Science; 2013."),
    # a group author is printed whole; an issue with no volume keeps its semicolon
    ("corporate_author", "World Health Organization. Evaluation of certain contaminants in food. World Health Organ Tech Rep Ser. 2017;(1002):1-166."),
    # missing fields leave no dangling punctuation
    ("missing_volume_pages", "Nguyen A. Published online first. JAMA. 2024."),
    ("missing_year", "Nguyen A. An undated article. JAMA. 331:12-15."),
    ("book_no_publisher", "Osler W. The Principles and Practice of Medicine. 1892."),
    ("no_author", "Incorrect percentages in the abstract. JAMA Oncol. 2017;3(12):1742."),
    # LaTeX in titles and names; particles and suffixes; a title ending in "?"
    ("latex_title", "Müller J. DNA repair über alles: in vivo 1990–2000 & beyond. Nucleic Acids Res. 2001;29:1-9."),
    ("von_and_jr", "van Gogh V, King ML Jr. Letters on art and justice. Hist Med. 1963;4:12-20."),
    ("title_question", "Hirsch J. Is there an obesity epidemic? N Engl J Med. 2004;350:1000-1001."),
    ("doi_as_url", "Chen L. A DOI written as a link. PLoS One. 2016;11:e0150367. doi:10.1371/journal.pone.0150367"),
]  # fmt: skip

VANCOUVER = [
    # journal articles: all names up to 6; more than 6 → the first 6, then et al.
    ("article_1_author", "Mayor S. Coming home. BMJ. 2005 Jul 28;331(7510):488-9. doi:10.1136/bmj.331.7510.488"),
    ("article_2_authors", "Hannonen M, Sundström L. Worker nepotism among polygynous ants. Nature. 2003 Feb;421(6926):910."),
    ("article_6_authors", "Ezenwaka CE, Nwagbara E, Seales D, Okali F, Hussaini S, Raja B. Prediction of coronary heart disease risk in type 2 diabetic patients. Int J Cardiol. 2009;132(3):348-53."),
    ("article_7_authors", "Rose ME, Huerbin MB, Melick J, Marion DW, Palmer AM, Schiding JK, et al. Regulation of interstitial excitatory amino acid concentrations after cortical contusion injury. Brain Res. 2002;935(1-2):40-6."),
    ("article_30_authors", "Alpha A, Bravo B, Charlie C, Delta D, Echo E, Foxtrot F, et al. A consortium report on thirty authors. Lancet. 2020;395(10223):1-10."),
    ("article_and_others", "Smith J, Jones K, et al. A study with more authors than listed. J Clin Invest. 2019;129(2):500-12."),
    ("article_with_url", "Duchin JS. Can preparedness for biological terrorism save us from pertussis? Arch Pediatr Adolesc Med [Internet]. 2004 Feb [cited 2004 Jun 1];158(2):106-7. Available from: https://archpedi.jamanetwork.com/article.aspx?articleid=485643"),
    # books and their parts: Place: Publisher; Year. and p. for a chapter's pages
    ("book", "Riffenburgh RH. Statistics in Medicine. 2nd ed. Amsterdam: Elsevier Academic Press; 2006."),
    ("edited_book", "Guyatt G, Rennie D, editors. Users' Guides to the Medical Literature. Chicago (IL): AMA Press; 2002."),
    ("book_chapter", "Meltzer PS, Kallioniemi A. Chromosome alterations in human solid tumors. In: Vogelstein B, Kinzler KW, editors. The Genetic Basis of Human Cancer. New York: McGraw-Hill; 2002. p. 93-113."),
    ("inbook_crossref", "Longo DL. Approach to the patient with cancer. In: Kasper DL, editor. Harrison's Principles of Internal Medicine. 19th ed. New York: McGraw-Hill; 2015. p. 467-75."),
    # web pages: [Internet], [updated ...; cited ...], Available from:
    ("web_page", "Centers for Disease Control and Prevention. Measles cases and outbreaks [Internet]. CDC; 2019 Apr 25 [cited 2019 May 3]. Available from: https://www.cdc.gov/measles/cases-outbreaks.html"),
    ("web_page_updated", "World Health Organization. Hypertension fact sheet [Internet]. WHO; 2023 Mar 16 [updated 2023 Aug 1; cited 2025 Apr 10]. Available from: https://www.who.int/news-room/fact-sheets/detail/hypertension"),
    # conference papers: the meeting's date and place follow the proceedings' title
    ("conference_paper", "Rice AS, Farquhar-Smith WP. Cannabinoids and pain. In: Dostrovsky JO, Carr DB, editors. Proceedings of the 10th World Congress on Pain; 2002 Aug; San Diego, CA. Seattle (WA): IASP Press; 2003. p. 437-68."),
    ("conference_presented", "Durbin D, Kallan M. Risk of injury to restrained children from passenger air bags. Presented at: 46th Annual Meeting of the Association for the Advancement of Automotive Medicine; 2002 Sep; Tempe, AZ."),
    ("report", "Page E, Harney JM. Health Hazard Evaluation Report [Internet]. Cincinnati (OH): National Institute for Occupational Safety and Health; 2001 [cited 2025 Apr 1]. Report No.: HETA2000-0139-2824. Available from: https://www.cdc.gov/niosh/hhe/reports/pdfs/2000-0139-2824.pdf"),
    ("phd_thesis", "Kay JG. Intracellular Cytokine Trafficking and Phagocytosis in Macrophages [dissertation]. St Lucia, QLD: University of Queensland; 2007."),
    ("masters_thesis", "Neel ST. A Cost-Minimization Analysis of Sequential Cataract Surgery [master's thesis]. London School of Economics and Political Science; 2013."),
    ("corporate_author", "World Health Organization. Evaluation of certain contaminants in food. World Health Organ Tech Rep Ser. 2017;(1002):1-166."),
    ("missing_volume_pages", "Nguyen A. Published online first. JAMA. 2024."),
    ("missing_year", "Nguyen A. An undated article. JAMA. 331:12-5."),
    ("book_no_publisher", "Osler W. The Principles and Practice of Medicine. 1892."),
    ("no_author", "Incorrect percentages in the abstract. JAMA Oncol. 2017;3(12):1742."),
    ("latex_title", "Müller J. DNA repair über alles: in vivo 1990–2000 & beyond. Nucleic Acids Res. 2001;29:1-9."),
    ("von_and_jr", "van Gogh V, King ML Jr. Letters on art and justice. Hist Med. 1963;4:12-20."),
    ("title_question", "Hirsch J. Is there an obesity epidemic? N Engl J Med. 2004;350:1000-1."),
    ("doi_as_url", "Chen L. A DOI written as a link. PLoS One. 2016;11:e0150367. doi:10.1371/journal.pone.0150367"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "expected"), [pytest.param(k, e, id=k) for k, e in AMA])
def test_ama(lib: Library, key: str, expected: str) -> None:
    assert plain(get_style("ama").format(lib[key])) == expected


@pytest.mark.parametrize(("key", "expected"), [pytest.param(k, e, id=k) for k, e in VANCOUVER])
def test_vancouver(lib: Library, key: str, expected: str) -> None:
    assert plain(get_style("vancouver").format(lib[key])) == expected


def test_every_case_has_a_golden_line_in_each_style(lib: Library) -> None:
    extra = {"parent_book", "script_title", "javascript_url"}  # crossref parent; HTML-only cases
    keys = {r.key for r in lib} - extra
    assert keys == {k for k, _ in AMA} == {k for k, _ in VANCOUVER}


# --- the example article's reference list ---------------------------------------------------

EXAMPLE_AMA = """\
Mayo Clinic Staff. Osteoarthritis: Symptoms and causes. Mayo Clinic. Updated 2023. Accessed April 2025. https://www.mayoclinic.org/diseases-conditions/osteoarthritis/symptoms-causes/syc-20351925
Wu MS, Chen KH, Chen IF, et al. The efficacy of acupuncture in post-operative pain management: a systematic review and meta-analysis. PLoS One. 2016;11:e0150367.
Park HS, Jeong HI, Sung SH, Kim KH. Acupuncture treatment for hip pain: a systematic review and meta-analysis. Healthcare. 2023;11:1624.
Sheng XP, Fan TY. Comparative observation on hip osteoarthritis treated with electroacupuncture and medication. Zhongguo Zhen Jiu. 2010;30:982-984.
Usichenko TI, Dinse M, Hermsen M, et al. Auricular acupuncture for pain relief after total hip arthroplasty: a randomized controlled study. Pain. 2005;114:320-327.
Cleveland Clinic. Hip bursitis: Symptoms, causes, and treatments. Cleveland Clinic. Reviewed 2023. Accessed April 2025. https://my.clevelandclinic.org/health/diseases/17401-hip-bursitis
"""

EXAMPLE_VANCOUVER = """\
Mayo Clinic Staff. Osteoarthritis: Symptoms and causes [Internet]. Mayo Clinic; 2023 [updated 2023; cited 2025 Apr]. Available from: https://www.mayoclinic.org/diseases-conditions/osteoarthritis/symptoms-causes/syc-20351925
Wu MS, Chen KH, Chen IF, Huang SK, Tzeng PC, Yeh ML, et al. The efficacy of acupuncture in post-operative pain management: a systematic review and meta-analysis. PLoS One. 2016 Mar;11(3):e0150367. doi:10.1371/journal.pone.0150367
Park HS, Jeong HI, Sung SH, Kim KH. Acupuncture treatment for hip pain: a systematic review and meta-analysis. Healthcare. 2023 Jun;11(11):1624. doi:10.3390/healthcare11111624
Sheng XP, Fan TY. Comparative observation on hip osteoarthritis treated with electroacupuncture and medication. Zhongguo Zhen Jiu. 2010;30(12):982-4.
Usichenko TI, Dinse M, Hermsen M, Witstruck T, Pavlovic D, Lehmann C. Auricular acupuncture for pain relief after total hip arthroplasty: a randomized controlled study. Pain. 2005 Apr;114(3):320-7.
Cleveland Clinic. Hip bursitis: Symptoms, causes, and treatments [Internet]. Cleveland Clinic; 2023 [reviewed 2023; cited 2025 Apr]. Available from: https://my.clevelandclinic.org/health/diseases/17401-hip-bursitis
"""


@pytest.mark.parametrize(
    ("name", "options", "expected"),
    [
        pytest.param(
            "ama", {"et-al-min": 6, "show-issue": False, "show-doi": False}, EXAMPLE_AMA, id="ama"
        ),
        pytest.param("vancouver", {}, EXAMPLE_VANCOUVER, id="vancouver"),
    ],
)
def test_example_reference_list(name: str, options: dict[str, object], expected: str) -> None:
    style = get_style(name, options)
    lines = [plain(style.format(ref)) for ref in load_library([EXAMPLE], cache_dir=None)]
    assert "\n".join(lines) + "\n" == expected


# --- options ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "options", "key", "expected"),
    [
        pytest.param("ama", {"et-al-min": 6}, "article_6_authors",
                     "Ezenwaka CE, Nwagbara E, Seales D, et al. Prediction of coronary heart disease risk in type 2 diabetic patients. Int J Cardiol. 2009;132(3):348-353.",
                     id="ama-et-al-min"),
        pytest.param("ama", {"use-short-journal": False}, "article_1_author",
                     "Mayor S. Coming home. British Medical Journal. 2005;331(7510):488-489. doi:10.1136/bmj.331.7510.488",
                     id="ama-full-journal"),
        pytest.param("ama", {"show-doi": False, "show-url": False}, "article_with_url",
                     "Duchin JS. Can preparedness for biological terrorism save us from pertussis? Arch Pediatr Adolesc Med. 2004;158(2):106-107.",
                     id="ama-no-links"),
        pytest.param("ama", {"show-accessed": False}, "web_page",
                     "Centers for Disease Control and Prevention. Measles cases and outbreaks. CDC. Published April 25, 2019. https://www.cdc.gov/measles/cases-outbreaks.html",
                     id="ama-no-accessed"),
        pytest.param("vancouver", {"elide-pages": False}, "article_7_authors",
                     "Rose ME, Huerbin MB, Melick J, Marion DW, Palmer AM, Schiding JK, et al. Regulation of interstitial excitatory amino acid concentrations after cortical contusion injury. Brain Res. 2002;935(1-2):40-46.",
                     id="vancouver-full-pages"),
        pytest.param("vancouver", {"show-issue": False}, "corporate_author",
                     "World Health Organization. Evaluation of certain contaminants in food. World Health Organ Tech Rep Ser. 2017:1-166.",
                     id="vancouver-no-issue"),
        pytest.param("vancouver", {"show-url": False}, "report",
                     "Page E, Harney JM. Health Hazard Evaluation Report. Cincinnati (OH): National Institute for Occupational Safety and Health; 2001. Report No.: HETA2000-0139-2824.",
                     id="vancouver-no-url"),
    ],
)  # fmt: skip
def test_options(
    lib: Library, name: str, options: dict[str, object], key: str, expected: str
) -> None:
    assert plain(get_style(name, options).format(lib[key])) == expected


# --- no dangling punctuation, whatever is missing or switched off -------------------------------

_DANGLING = re.compile(r"\.\s*\.|;\s*[:;.,]|:\s*[;.,]|,\s*[.,;:]|\(\)|\[\]|\s[.,;:]|\s{2}|[,;:]$")
_OPTION_SETS = [
    {},
    {"show-issue": False, "show-doi": False, "show-url": False, "show-accessed": False},
    {"et-al-min": 2, "et-al-use-first": 1},
]


@pytest.mark.parametrize("name", ["ama", "vancouver"])
@pytest.mark.parametrize("options", _OPTION_SETS, ids=["defaults", "bare", "short-et-al"])
def test_no_dangling_punctuation(lib: Library, name: str, options: dict[str, object]) -> None:
    style = get_style(name, options)
    for ref in lib:
        text = plain(style.format(ref))
        # a URL may hold any punctuation: check the text before it
        prose = re.split(r"(?:Available from: )?(?:https?|javascript):|doi:10\.", text)[0].rstrip()
        assert not _DANGLING.search(prose), (ref.key, text)
        ends_in_link = re.search(r"(doi:10\.|https?://|javascript:)\S+$", text)
        assert text.endswith((".", "?", "!")) or ends_in_link, (ref.key, text)


# --- HTML ---------------------------------------------------------------------------------------


def test_html_italicises_journal_and_links_doi(lib: Library) -> None:
    html = to_html(get_style("ama").format(lib["article_1_author"]))
    assert html == (
        "Mayor S. Coming home. <i>BMJ</i>. 2005;331(7510):488-489. "
        '<a href="https://doi.org/10.1136/bmj.331.7510.488">doi:10.1136/bmj.331.7510.488</a>'
    )


@pytest.mark.parametrize(
    ("key", "italic"),
    [
        pytest.param("book", "<i>Statistics in Medicine</i>", id="book"),
        pytest.param("book_chapter", "<i>The Genetic Basis of Human Cancer</i>", id="chapter"),
        pytest.param("phd_thesis", "<i>Intracellular Cytokine Trafficking and Phagocytosis in Macrophages</i>", id="thesis"),
        pytest.param("report", "<i>Health Hazard Evaluation Report</i>", id="report"),
    ],
)  # fmt: skip
def test_html_ama_italic_titles(lib: Library, key: str, italic: str) -> None:
    html = to_html(get_style("ama").format(lib[key]))
    assert italic in html
    assert html.count("<i>") == 1


def test_html_vancouver_uses_no_italics(lib: Library) -> None:
    style = get_style("vancouver")
    assert not any("<i>" in to_html(style.format(ref)) for ref in lib)


@pytest.mark.parametrize("name", ["ama", "vancouver"])
def test_html_links_web_urls(lib: Library, name: str) -> None:
    html = to_html(get_style(name).format(lib["web_page"]))
    url = "https://www.cdc.gov/measles/cases-outbreaks.html"
    assert html.endswith(f'<a href="{url}">{url}</a>')


@pytest.mark.parametrize("name", ["ama", "vancouver"])
def test_html_escapes_markup_in_titles(lib: Library, name: str) -> None:
    html = to_html(get_style(name).format(lib["script_title"]))
    assert "<script>" not in html
    assert "Evil E. &lt;script&gt;alert(1)&lt;/script&gt; &amp; friends." in html


@pytest.mark.parametrize("name", ["ama", "vancouver"])
def test_html_escapes_latex_ampersand(lib: Library, name: str) -> None:
    html = to_html(get_style(name).format(lib["latex_title"]))
    assert "1990–2000 &amp; beyond." in html


@pytest.mark.parametrize("name", ["ama", "vancouver"])
def test_html_javascript_url_is_inert_text(lib: Library, name: str) -> None:
    html = to_html(get_style(name).format(lib["javascript_url"]))
    assert html.endswith("javascript:alert(1)")
    assert "<a" not in html
    assert "href" not in html
