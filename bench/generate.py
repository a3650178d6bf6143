"""Deterministic test corpora for benchmarks: an N-entry BibTeX library and Markdown articles.

Everything comes from a seeded `random.Random`, so the same arguments always give the same
bytes, and no network or data files are needed.

As a module (with bench/ on sys.path)::

    from generate import generate_library, library_keys, generate_article, write_corpus

    bib = generate_library(10_000, seed=0)    # BibTeX text
    keys = library_keys(bib)                  # its entry keys, in file order
    md = generate_article(keys, 20, seed=7)   # Markdown with 20 pandoc citations
    corpus = write_corpus(out_dir, entries=10_000, articles=1_000, seed=0)

As a script::

    python bench/generate.py --entries 10000 --articles 1000 --out DIR

writes DIR/refs/library.bib and DIR/articles/a0000.md ... a0999.md.

The library (shares approximate): @article 70% (2-12 authors, LaTeX accents such as
`M{\\"u}ller` and `Garc{\\'\\i}a`, von parts, initials, `and others` in some; titles with
`{DNA}`-style braces, `--` ranges and a little `\\textit`/math; journal, year, volume, number,
pages `123--130` or an e-locator, doi, pmid; a month macro such as `month = mar` in most;
a journal given by an `@string` macro in some; an abstract in a few), @inproceedings 8%,
@book 6%, @incollection 5%, @online 5% (url, urldate), @techreport 3%, @phdthesis 3%; plus
`%` comment lines and one `@comment` block, as reference managers write them. Entries are
well-formed and keys unique, so loading the library gives no findings.

An article: YAML front matter, a title, a few sections of prose, `n_citations` pandoc
citations (`[@key]`, groups `[@a; @b; @c]`, locators `[@k, p. 12]`, repeats of keys cited
earlier), and a `::: {#refs}` placeholder at the end.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Corpus",
    "article_seed",
    "generate_article",
    "generate_library",
    "library_keys",
    "write_corpus",
]

# ---------------------------------------------------------------------------------------------
# Word pools

# fmt: off
_PLAIN_SURNAMES_TEXT = """
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin
Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green
Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins
Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard
Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders Myers Long Ross Foster
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng
Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song
Nguyen Tran Pham Le Hoang Phan Vu Dang Bui Do
Tanaka Suzuki Sato Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Yamada
Patel Singh Kumar Sharma Gupta Shah Mehta Reddy Rao Iyer Nair Das Bose Chatterjee
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti
Silva Santos Oliveira Souza Pereira Costa Rodrigues Almeida Nascimento Lima Carvalho Ferreira
Novak Horvat Kovac Nowak Kowalski Wisniewski Ivanov Petrov Smirnov Popov Volkov
Jensen Hansen Larsen Pedersen Nielsen Andersson Johansson Karlsson Nilsson Eriksson Olsen
Fischer Weber Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf Neumann Schwarz Braun
Dubois Moreau Laurent Simon Michel Leroy Roux David Bertrand Morel Fournier Girard Bonnet
Cohen Levi Mizrahi Friedman Katz Okafor Adeyemi Mensah Owusu Abubakar Mwangi Ochieng
O'Brien Walsh Byrne Ryan Doyle MacDonald Fraser Murray Hamilton Graham Kennedy
"""
_PLAIN_SURNAMES = tuple(_PLAIN_SURNAMES_TEXT.split())

# (as BibTeX writes it, as ASCII for keys)
_ACCENTED_SURNAMES = (
    ('M{\\"u}ller', "muller"), ("Garc{\\'\\i}a", "garcia"), ("Gonz{\\'a}lez", "gonzalez"),
    ("Jim{\\'e}nez", "jimenez"), ("Mart{\\'\\i}nez", "martinez"), ("Hern{\\'a}ndez", "hernandez"),
    ("L{\\'o}pez", "lopez"), ("P{\\'e}rez", "perez"), ("S{\\'a}nchez", "sanchez"),
    ("Nu{\\~n}ez", "nunez"), ("Pe{\\~n}a", "pena"), ("Ib{\\'a}{\\~n}ez", "ibanez"),
    ("S{\\o}rensen", "sorensen"), ("{\\O}stergaard", "ostergaard"),
    ("Dvo{\\v{r}}{\\'a}k", "dvorak"),
    ('Sch{\\"o}nberg', "schonberg"), ("Lef{\\`e}vre", "lefevre"), ('Bj{\\"o}rk', "bjork"),
    ("Wei{\\ss}", "weiss"), ("Ko{\\c{c}}", "koc"), ("{\\L}ukasiewicz", "lukasiewicz"),
    ("Erd{\\H{o}}s", "erdos"), ("Ma{\\l}ecki", "malecki"), ("Andr{\\'e}", "andre"),
    ('J{\\"a}rvinen', "jarvinen"), ("Gon{\\c{c}}alves", "goncalves"), ("Y{\\i}lmaz", "yilmaz"),
    ('M\\"uller', "muller"), ("Garc\\'{\\i}a", "garcia"), ("{\\v{S}}imi{\\'c}", "simic"),
    ('{\\"O}zt{\\"u}rk', "ozturk"), ("{\\AA}berg", "aberg"),
)
_VON_SURNAMES = (
    ("van der Berg", "berg"), ("de la Cruz", "cruz"), ("van Dijk", "dijk"), ("de Souza", "souza"),
    ("von Neumann", "neumann"), ("van den Bosch", "bosch"), ("da Silva", "silva"),
    ("di Stefano", "stefano"), ("le Roux", "roux"),
)
_FIRST_NAMES_TEXT = """
John Mary James Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard
Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony Margaret
Wei Jing Li Hua Xin Yan Min-Jun Seo-Yeon Ji-Hoon Hiroshi Yuki Kenji Aiko Priya Rahul Anjali
Arjun Giulia Marco Luca Francesca Ana Pedro Lucas Mariana Jan Piotr Katarzyna Olga Dmitri
Lars Ingrid Erik Astrid Hans Klaus Anna Claire Pierre Camille Noa Yosef Chinedu Amara Kwame
Ming-Shun Kee-Hsin Pei-Chuan Mei-Ling Fei-Peng
"""
_FIRST_NAMES = tuple(_FIRST_NAMES_TEXT.split())
_ACCENTED_FIRST = (
    "Jos{\\'e}", "Fran{\\c{c}}ois", 'J{\\"o}rg', "Ren{\\'e}e", 'Zo{\\"e}', "S{\\o}ren",
    "Agn{\\`e}s", "In{\\'e}s", "{\\'A}lvaro", "Ma{\\l}gorzata",
)
_INITIALS = "ABCDEFGHJKLMNPRSTW"
_CORPORATE = (
    "{World Health Organization}", "{Mayo Clinic Staff}", "{Cochrane Collaboration}",
    "{National Institute for Health and Care Excellence}",
    "{GBD 2019 Diseases and Injuries Collaborators}", "{U.S. Preventive Services Task Force}",
)

_JOURNALS = (
    "PLoS One", "BMJ Open", "Journal of Clinical Medicine", "Scientific Reports", "Pain",
    "Journal of Pain Research", "Clinical Journal of Pain", "Arthritis Care \\& Research",
    "Osteoarthritis and Cartilage", "Annals of Internal Medicine", "Spine",
    "Acupuncture in Medicine", "Complementary Therapies in Medicine", "Medicine (Baltimore)",
    "Journal of Orthopaedic Research", "Physical Therapy", "Rheumatology (Oxford)",
    "BMC Musculoskeletal Disorders", "Evidence-Based Complementary and Alternative Medicine",
    "Zhongguo Zhen Jiu", "Trials", "Systematic Reviews", "Healthcare", "Nutrients",
    "Frontiers in Neurology", "European Journal of Pain", "The Journal of Pain",
    "Nature Medicine", "Cell", "Nucleic Acids Research", "Bioinformatics", "eLife",
)
# The library's @string macros; some journals and publishers are given through them.
_STRING_MACROS = {
    "jama": "JAMA", "nejm": "N Engl J Med", "lancet": "Lancet", "bmj": "BMJ",
    "cochrane": "Cochrane Database of Systematic Reviews", "plosmed": "PLoS Medicine",
    "jbjs": "Journal of Bone and Joint Surgery", "ard": "Annals of the Rheumatic Diseases",
    "springer": "Springer", "elsevier": "Elsevier",
}
_JOURNAL_MACROS = ("jama", "nejm", "lancet", "bmj", "cochrane", "plosmed", "jbjs", "ard")
_PUBLISHER_MACROS = ("springer", "elsevier")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PUBLISHERS = (
    "Oxford University Press", "Cambridge University Press", "Wiley", "CRC Press",
    "Lippincott Williams \\& Wilkins", "Thieme", "Churchill Livingstone", "MIT Press",
)
_CITIES = (
    "New York", "London", "Oxford", "Cambridge, MA", "Berlin", "Philadelphia", "Stuttgart",
    "Edinburgh", "Boca Raton, FL",
)
_INSTITUTIONS = (
    "Agency for Healthcare Research and Quality", "RAND Corporation",
    "National Bureau of Economic Research", "Institute of Medicine",
    "Swiss Federal Institute of Technology", "Karolinska Institutet",
)
_SCHOOLS = (
    "University of Oxford", "Harvard University", "Universit{\\'e} de Montr{\\'e}al",
    'Ludwig-Maximilians-Universit{\\"a}t M{\\"u}nchen', "University of Tokyo",
    "National Yang-Ming University", "Karolinska Institutet", "Stanford University",
)
_CONFERENCES = (
    "Annual Meeting of the American Pain Society", "World Congress on Pain",
    "International Conference on Machine Learning",
    "{IEEE} Engineering in Medicine and Biology Conference",
    "European League Against Rheumatism Congress",
    "Conference on Neural Information Processing Systems",
)
_SITES = (
    ("Mayo Clinic", "www.mayoclinic.org"), ("NHS", "www.nhs.uk"),
    ("MedlinePlus", "medlineplus.gov"), ("WHO", "www.who.int"),
    ("Arthritis Foundation", "www.arthritis.org"), ("NCCIH", "www.nccih.nih.gov"),
)
_DOI_PREFIXES = (
    "10.1371/journal.pone.", "10.1136/bmjopen-", "10.3390/jcm", "10.1016/j.pain.",
    "10.1002/art.", "10.1097/j.pain.", "10.1186/s12891-",
)

_OPENERS = (
    "Efficacy of", "Effectiveness of", "Safety of", "Long-term outcomes of",
    "Cost-effectiveness of", "Mechanisms of", "Prevalence of", "Risk factors for",
    "Association between", "A comparison of", "Predictors of", "The role of", "Trends in",
    "Patterns of", "Determinants of", "Clinical relevance of",
)
_SUBJECTS = (
    "acupuncture", "electroacupuncture", "exercise therapy", "physical therapy",
    "total hip arthroplasty", "nonsteroidal anti-inflammatory drugs",
    "intra-articular corticosteroid injection", "manual therapy", "dry needling",
    "opioid prescribing", "cognitive behavioural therapy", "weight loss", "{DNA} methylation",
    "{RNA} sequencing", "{MRI} findings", "{COVID-19} infection", "{BRCA1} variants",
    "vitamin {D} supplementation", "{Tai Chi}", "yoga",
    "transcutaneous electrical nerve stimulation", "platelet-rich plasma",
    "{Alzheimer}'s disease", "{Parkinson}'s disease", "hip osteoarthritis",
    "chronic low back pain", "knee osteoarthritis", "postoperative pain",
)
_CONTEXTS = (
    "in older adults", "in patients with chronic pain", "after hip surgery", "in primary care",
    "in a multicentre cohort", "among women", "in hospitalised patients",
    "in {Europe} and {North America}", "in {China}", "in the {United States}",
    "across 195 countries", "in community-dwelling adults", "in elite athletes",
)
_DESIGNS = (
    "a systematic review and meta-analysis", "a randomized controlled trial",
    "a prospective cohort study", "a cross-sectional study", "a pilot study",
    "a network meta-analysis", "a pragmatic trial", "a narrative review",
    "results from a national registry", "a {Bayesian} analysis", "a qualitative study",
    "protocol for a randomized trial",
)
_BOOK_TITLES = (
    "Textbook of Pain", "Principles of Neurology", "Clinical Epidemiology",
    "Acupuncture: Theory and Practice", "Orthopaedic Physical Assessment",
    "The Hip: Diagnosis and Management", "Evidence-Based Medicine",
    "Statistical Methods in Medical Research", "Handbook of {Chinese} Medicine",
    "Musculoskeletal Medicine", "Rheumatology", "Pain Management",
)

_SENTENCES = (
    "Hip pain can gradually limit how people move through daily life",
    "Several trials have compared needling with sham procedures, with mixed results",
    "The quality of the evidence varies between studies and across outcome measures",
    "Most patients try medication and physical therapy before considering other options",
    "Observational data suggest a modest benefit that persists for several months",
    "Adverse events were rare and mostly mild, such as bruising or transient soreness",
    "Guidelines differ in how strongly they recommend these interventions",
    "Larger pragmatic trials have reported improvements in function as well as pain scores",
    "The mechanism is thought to involve both local and central nervous system responses",
    "Costs and access remain barriers for many patients, especially in rural areas",
    "Heterogeneity between trials limits the certainty of pooled estimates",
    "Follow-up periods were short in most studies, rarely exceeding twelve weeks",
    "Patients with severe structural damage may benefit less than those with early disease",
    "Combining exercise with other treatments appears to give the most consistent results",
    "Expectation and the therapeutic relationship may explain part of the observed effect",
)
_SECTIONS = (
    "Background", "Types of Hip Pain and Their Causes", "Conventional Treatment",
    "What the Evidence Shows", "Safety", "Who May Benefit", "Practical Considerations",
    "Summary",
)
_LOCATORS = ("p. {n}", "pp. {n}-{m}", "chap. {c}", "fig. {c}", "table {c}", "sec. {c}")
_ENTRY_TYPES = (
    ("article", 70), ("inproceedings", 8), ("book", 6), ("incollection", 5), ("online", 5),
    ("techreport", 3), ("phdthesis", 3),
)
# fmt: on

Fields = list[tuple[str, str]]  # (name, value as written after `=`, delimiters included)


# ---------------------------------------------------------------------------------------------
# The library


def generate_library(n: int, seed: int = 0) -> str:
    """BibTeX text with `n` entries, after a header of `@string` macros; fixed by `seed`."""
    rng = random.Random(seed)
    out = [
        "% Generated by bench/generate.py: a synthetic library for benchmarks.\n",
        "@comment{jabref-meta: databaseType:biblatex;}\n\n",
        *(f"@string{{{name} = {{{value}}}}}\n" for name, value in _STRING_MACROS.items()),
        "\n",
    ]
    names = [name for name, _ in _ENTRY_TYPES]
    weights = [weight for _, weight in _ENTRY_TYPES]
    taken: set[str] = set()
    for _ in range(n):
        kind = rng.choices(names, weights)[0]
        if rng.random() < 0.05:
            out.append(f"% {rng.choice(_SENTENCES)}.\n")
        fields, surname, year, title = _ENTRY_WRITERS[kind](rng)
        key = _key(taken, surname, year, title)
        body = "".join(f"  {name} = {value},\n" for name, value in fields)
        out.append(f"@{kind}{{{key},\n{body}}}\n\n")
    return "".join(out)


_KEY_RE = re.compile(r"^@(?!string\b|comment\b|preamble\b)\w+\s*\{\s*([^,\s]+)\s*,", re.M | re.I)


def library_keys(bib: str) -> list[str]:
    """The entry keys of a library made by `generate_library`, in file order."""
    return _KEY_RE.findall(bib)


def _issn(seven: str) -> str:
    """A valid ISSN from seven digits: real libraries hold valid check digits."""
    total = sum(int(d) * w for d, w in zip(seven, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return f"{seven[:4]}-{seven[4:]}{'X' if check == 10 else check}"


def _isbn13_check(first12: str) -> str:
    digits = [int(d) for d in first12 if d.isdigit()]
    return str((10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10)


def _braced(value: object) -> str:
    return f"{{{value}}}"


def _text(rng: random.Random, value: str) -> str:
    """A text value: mostly `{...}`, sometimes `"..."`."""
    return f'"{value}"' if rng.random() < 0.08 and '"' not in value else _braced(value)


def _surname(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.12:
        return rng.choice(_ACCENTED_SURNAMES)
    if r < 0.16:
        return rng.choice(_VON_SURNAMES)
    name = rng.choice(_PLAIN_SURNAMES)
    ascii_name = re.sub(r"[^a-z]", "", name.lower())
    if rng.random() < 0.03:  # double-barrelled
        return f"{name}-{rng.choice(_PLAIN_SURNAMES)}", ascii_name
    return name, ascii_name


def _given(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.06:
        return rng.choice(_ACCENTED_FIRST)
    given = rng.choice(_FIRST_NAMES)
    if r < 0.40:  # initials only, as PubMed exports them: `M.-S.` is written `M. S.` here
        letters = [part[0] for part in given.split("-")]
        if rng.random() < 0.4:
            letters.append(rng.choice(_INITIALS))
        return " ".join(f"{c}." for c in letters)
    if r < 0.50:
        return f"{given} {rng.choice(_INITIALS)}."
    return given


def _person(rng: random.Random) -> tuple[str, str]:
    """One name as BibTeX writes it, and its ASCII surname."""
    last, ascii_last = _surname(rng)
    given = _given(rng)
    r = rng.random()
    if r < 0.015:
        return f"{last}, Jr., {given}", ascii_last
    if r < 0.10 and " " not in last:
        return f"{given} {last}", ascii_last  # "First Last" order
    return f"{last}, {given}", ascii_last


def _names(rng: random.Random, low: int, high: int, others: float = 0.0) -> tuple[str, str]:
    """A name list (`A and B and others`) of low..high people, and the first one's surname."""
    people = [_person(rng) for _ in range(rng.randint(low, high))]
    names = [name for name, _ in people]
    if len(names) >= 3 and rng.random() < others:
        names.append("others")
    return " and ".join(names), people[0][1]


def _title(rng: random.Random) -> str:
    r = rng.random()
    subject = rng.choice(_SUBJECTS)
    opener = rng.choice(_OPENERS)
    if r < 0.55:
        title = f"{opener} {subject} {rng.choice(_CONTEXTS)}: {rng.choice(_DESIGNS)}"
    elif r < 0.75:
        title = f"{opener} {subject}: {rng.choice(_DESIGNS)}"
    elif r < 0.87:
        start = rng.randint(1980, 2015)
        end = start + rng.randint(3, 25)
        title = f"{opener} {subject} {rng.choice(_CONTEXTS)}, {start}--{end}"
    elif r < 0.94:
        title = f"Dose--response relationship of {subject} {rng.choice(_CONTEXTS)}"
    elif r < 0.97:
        title = f"\\textit{{In vitro}} and \\textit{{in vivo}} effects of {subject}"
    else:
        title = f"$\\beta$-blockers versus {subject}: {rng.choice(_DESIGNS)}"
    return title[0].upper() + title[1:]


_KEY_STOPWORDS = frozenset({"with", "from", "after", "among", "across", "textit", "between"})


def _key(taken: set[str], surname: str, year: int, title: str) -> str:
    """`surnameYEARword`, with a, b, ... appended when that is taken."""
    words = re.findall(r"[a-z]{4,}", title.lower())
    word = next((w for w in words if w not in _KEY_STOPWORDS), "")
    base = f"{surname or 'anon'}{year}{word}"
    key, n = base, 0
    while key in taken:
        n += 1
        key = base + _letters(n)
    taken.add(key)
    return key


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def _year(rng: random.Random) -> int:
    return min(2025, int(rng.triangular(1975, 2026, 2021)))


def _pages(rng: random.Random) -> str:
    if rng.random() < 0.12:
        return f"e{rng.randint(100000, 9999999):07d}"  # an e-locator, as PLoS prints them
    start = rng.randint(1, 2400)
    return f"{start}--{start + rng.randint(2, 22)}"


def _doi(rng: random.Random, year: int) -> str:
    return f"{rng.choice(_DOI_PREFIXES)}{year % 100:02d}{rng.randint(10000, 999999)}"


def _date(rng: random.Random, first_year: int, last_year: int) -> str:
    year = rng.randint(first_year, last_year)
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


_Entry = tuple[Fields, str, int, str]  # fields, ASCII surname for the key, year, title


def _article(rng: random.Random) -> _Entry:
    author, surname = _names(rng, 2, 12, others=0.08)
    year, title = _year(rng), _title(rng)
    fields = [("author", _braced(author)), ("title", _text(rng, title))]
    if rng.random() < 0.20:
        fields.append(("journal", rng.choice(_JOURNAL_MACROS)))
    else:
        fields.append(("journal", _text(rng, rng.choice(_JOURNALS))))
    if rng.random() < 0.3:
        issn = _issn(f"{rng.randint(1000, 9999)}{rng.randint(100, 999)}")
        fields.append(("issn", _braced(issn)))
    fields.append(("year", str(year) if rng.random() < 0.3 else _braced(year)))
    if rng.random() < 0.6:
        fields.append(("month", rng.choice(_MONTHS)))
    fields.append(("volume", _braced(rng.randint(1, 400))))
    if rng.random() < 0.8:
        fields.append(("number", _braced(rng.randint(1, 24))))
    fields.append(("pages", _braced(_pages(rng))))
    if rng.random() < 0.85:
        fields.append(("doi", _braced(_doi(rng, year))))
    if rng.random() < 0.7:
        fields.append(("pmid", _braced(rng.randint(10_000_000, 39_999_999))))
    if rng.random() < 0.25:
        fields.append(("pmcid", _braced(f"PMC{rng.randint(1_000_000, 11_999_999)}")))
    if rng.random() < 0.05:
        fields.append(("langid", _braced(rng.choice(["chinese", "german", "spanish"]))))
    if rng.random() < 0.10:
        abstract = ". ".join(rng.choice(_SENTENCES) for _ in range(rng.randint(3, 8)))
        fields.append(("abstract", _braced(abstract + ".")))
    return fields, surname, year, title


def _book(rng: random.Random) -> _Entry:
    year, title = _year(rng), rng.choice(_BOOK_TITLES)
    people, surname = _names(rng, 1, 4)
    fields = [("editor" if rng.random() < 0.3 else "author", _braced(people))]
    fields.append(("title", _braced(title)))
    if rng.random() < 0.4:
        fields.append(("edition", _braced(rng.randint(2, 9))))
    if rng.random() < 0.25:
        fields.append(("publisher", rng.choice(_PUBLISHER_MACROS)))
    else:
        fields.append(("publisher", _braced(rng.choice(_PUBLISHERS))))
    fields += [("address", _braced(rng.choice(_CITIES))), ("year", _braced(year))]
    if rng.random() < 0.6:
        isbn = f"978-{rng.randint(0, 9)}-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-"
        fields.append(("isbn", _braced(isbn + _isbn13_check(isbn))))
    return fields, surname, year, title


def _incollection(rng: random.Random) -> _Entry:
    year, title = _year(rng), _title(rng)
    author, surname = _names(rng, 1, 3)
    editor, _ = _names(rng, 1, 3)
    fields = [
        ("author", _braced(author)), ("title", _braced(title)),
        ("booktitle", _braced(rng.choice(_BOOK_TITLES))), ("editor", _braced(editor)),
        ("publisher", _braced(rng.choice(_PUBLISHERS))), ("address", _braced(rng.choice(_CITIES))),
        ("year", _braced(year)),
    ]  # fmt: skip
    if rng.random() < 0.5:
        fields.append(("chapter", _braced(rng.randint(1, 40))))
    fields.append(("pages", _braced(_pages(rng))))
    return fields, surname, year, title


def _inproceedings(rng: random.Random) -> _Entry:
    year, title = _year(rng), _title(rng)
    author, surname = _names(rng, 2, 8, others=0.05)
    fields = [
        ("author", _braced(author)), ("title", _braced(title)),
        ("booktitle", _braced(f"Proceedings of the {rng.choice(_CONFERENCES)}")),
        ("year", _braced(year)), ("pages", _braced(_pages(rng))),
        ("address", _braced(rng.choice(_CITIES))),
    ]  # fmt: skip
    if rng.random() < 0.5:
        fields.append(("doi", _braced(_doi(rng, year))))
    if rng.random() < 0.3:
        fields.append(("month", rng.choice(_MONTHS)))
    return fields, surname, year, title


def _online(rng: random.Random) -> _Entry:
    year, title = _year(rng), _title(rng).split(":")[0]
    site, host = rng.choice(_SITES)
    if rng.random() < 0.5:
        author, surname = rng.choice(_CORPORATE), re.sub(r"[^a-z]", "", site.lower())
    else:
        author, surname = _names(rng, 1, 3)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower().replace("{", "").replace("}", "")).strip("-")
    url = f"https://{host}/health/{slug[:60]}_{rng.randint(1, 99999)}"
    fields = [
        ("author", _braced(author)), ("title", _braced(title)),
        ("organization", _braced(site)), ("year", _braced(year)), ("url", _braced(url)),
        ("urldate", _braced(_date(rng, max(year, 2019), 2025))),
    ]  # fmt: skip
    return fields, surname, year, title


def _techreport(rng: random.Random) -> _Entry:
    year, title = _year(rng), _title(rng)
    if rng.random() < 0.3:
        author, surname = rng.choice(_CORPORATE), "report"
    else:
        author, surname = _names(rng, 1, 6)
    number = f"{rng.choice(['No. ', 'WP-', 'TR-'])}{rng.randint(1, 999)}"
    fields = [
        ("author", _braced(author)), ("title", _braced(title)),
        ("institution", _braced(rng.choice(_INSTITUTIONS))), ("number", _braced(number)),
        ("address", _braced(rng.choice(_CITIES))), ("year", _braced(year)),
    ]  # fmt: skip
    if rng.random() < 0.4:
        url = f"https://www.example.org/reports/{rng.randint(1000, 9999)}.pdf"
        fields.append(("url", _braced(url)))
    return fields, surname, year, title


def _phdthesis(rng: random.Random) -> _Entry:
    year, title = _year(rng), _title(rng)
    author, surname = _names(rng, 1, 1)
    fields = [
        ("author", _braced(author)), ("title", _braced(title)),
        ("school", _braced(rng.choice(_SCHOOLS))), ("year", _braced(year)),
    ]  # fmt: skip
    if rng.random() < 0.5:
        fields.append(("address", _braced(rng.choice(_CITIES))))
    return fields, surname, year, title


_ENTRY_WRITERS: dict[str, Callable[[random.Random], _Entry]] = {
    "article": _article, "book": _book, "incollection": _incollection,
    "inproceedings": _inproceedings, "online": _online, "techreport": _techreport,
    "phdthesis": _phdthesis,
}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Articles


def article_seed(seed: int, index: int) -> int:
    """The seed `write_corpus` gives article number `index` of a corpus made with `seed`."""
    return seed * 1_000_003 + index + 1


def generate_article(
    keys: Sequence[str], n_citations: int = 20, seed: int = 0, title: str | None = None
) -> str:
    """A Markdown article with `n_citations` pandoc citations of `keys`, fixed by `seed`.

    Citations, roughly: 55% `[@key]`, 20% groups `[@a; @b; @c]` of 2-4 keys, 10% with a
    locator (`[@k, p. 12]`, `[@k, pp. 3-9]`, `[@k, chap. 2]`, ...), 15% repeats of a key
    cited earlier. Every cited key comes from `keys`, so none is missing.
    """
    if not keys:
        raise ValueError("generate_article needs at least one key")
    rng = random.Random(seed)
    cited: list[str] = []

    def fresh() -> str:
        key = rng.choice(keys)
        cited.append(key)
        return key

    def citation() -> str:
        r = rng.random()
        if r < 0.15 and cited:
            return f"[@{rng.choice(cited)}]"
        if r < 0.35:
            group = dict.fromkeys(fresh() for _ in range(rng.randint(2, 4)))
            return "[" + "; ".join(f"@{k}" for k in group) + "]"
        if r < 0.45:
            n = rng.randint(1, 400)
            where = rng.choice(_LOCATORS).format(n=n, m=n + rng.randint(1, 9), c=rng.randint(1, 12))
            return f"[@{fresh()}, {where}]"
        return f"[@{fresh()}]"

    if title is None:
        title = f"{rng.choice(_OPENERS)} {rng.choice(_SUBJECTS)}"
        title = title.replace("{", "").replace("}", "")
    date = _date(rng, 2025, 2025)
    out = [f'---\ntitle: "{title}"\ndate: {date}\n---\n', f"# {title}\n"]
    sections = rng.sample(_SECTIONS, k=min(len(_SECTIONS), max(2, n_citations // 6)))
    for s, section in enumerate(sections):
        count = n_citations // len(sections) + (1 if s < n_citations % len(sections) else 0)
        out.append(f"## {section}\n")
        paragraphs = max(1, (count + 2) // 3)
        for p in range(paragraphs):
            here = count // paragraphs + (1 if p < count % paragraphs else 0)
            sentences = [rng.choice(_SENTENCES) for _ in range(here + rng.randint(1, 3))]
            for i in sorted(rng.sample(range(len(sentences)), k=here)):
                sentences[i] = f"{sentences[i]} {citation()}"
            text = ". ".join(sentences) + "."
            if rng.random() < 0.1:
                text += " See the [patient leaflet](https://www.example.org/leaflet?id=12)."
            out.append(text + "\n")
    out.append("## References\n\n::: {#refs}\n:::\n")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# On disk


@dataclass(frozen=True)
class Corpus:
    """What `write_corpus` wrote: the library file, its keys, and the article files."""

    root: Path
    library: Path
    keys: tuple[str, ...]
    articles: tuple[Path, ...]


def write_corpus(
    out: Path, entries: int, articles: int, seed: int = 0, citations: int = 20
) -> Corpus:
    """Write `out/refs/library.bib` and `out/articles/a0000.md`, `a0001.md`, ..."""
    out = Path(out)
    (out / "refs").mkdir(parents=True, exist_ok=True)
    (out / "articles").mkdir(parents=True, exist_ok=True)
    bib = generate_library(entries, seed)
    library = out / "refs" / "library.bib"
    library.write_text(bib, encoding="utf-8")
    keys = library_keys(bib)
    width = max(4, len(str(articles - 1)))
    paths = []
    for i in range(articles):
        path = out / "articles" / f"a{i:0{width}d}.md"
        path.write_text(generate_article(keys, citations, article_seed(seed, i)), encoding="utf-8")
        paths.append(path)
    return Corpus(out, library, tuple(keys), tuple(paths))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a generated BibTeX library and Markdown articles citing it."
    )
    parser.add_argument("--entries", type=int, default=10_000, help="library entries (10000)")
    parser.add_argument("--articles", type=int, default=10, help="articles to write (10)")
    parser.add_argument("--citations", type=int, default=20, help="citations per article (20)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (0)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    args = parser.parse_args(argv)
    corpus = write_corpus(args.out, args.entries, args.articles, args.seed, args.citations)
    size = corpus.library.stat().st_size / 1e6
    print(f"wrote {corpus.library} ({len(corpus.keys)} entries, {size:.1f} MB)")
    print(f"wrote {len(corpus.articles)} articles to {args.out / 'articles'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
