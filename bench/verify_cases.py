"""The test set of issue #14: genuine, miscited, fabricated and unindexed references, with the
records the registries would hold for them, in the real answers' shapes.

`build_cases()` gives the BibTeX of every case, what `citations verify` should say of each,
and the records to serve: Crossref `/works/{doi}` messages (journal-article, book-chapter with
`container-title`, `editor`, `publisher`; book, edited-book, monograph, proceedings-article,
report, dissertation, posted-content; `published-print`, `published-online`, `issued`,
`created` date-parts), PubMed esummary items (`pubdate`/`epubdate`, `pubtype`), DataCite
CSL-JSON and arXiv Atom feeds. Every identifier is fictional: DOIs under the 10.5555 test
prefix (DataCite's under 10.5281/zenodo.99…), PMIDs from 97 000 000 on.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from verify_topics import TOPICS as _TOPICS

KINDS = ("genuine", "miscited", "fabricated", "unindexed")


@dataclass(frozen=True)
class Case:
    key: str
    kind: str  # one of KINDS
    what: str  # the kind of case, for the printout
    bibtex: str
    expect: str  # the verdict verify should give


@dataclass
class Cases:
    cases: list[Case] = field(default_factory=list)
    works: list[dict[str, Any]] = field(default_factory=list)  # Crossref messages
    summaries: list[dict[str, Any]] = field(default_factory=list)  # esummary items
    csl: list[dict[str, Any]] = field(default_factory=list)  # DataCite CSL-JSON
    feeds: list[str] = field(default_factory=list)  # arXiv Atom feeds
    idconv: dict[str, str] = field(default_factory=dict)  # DOI → PMID (articles in PMC)


_FAMILIES = [
    "Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Kowalski", "Brennan", "Ferreira",
    "Nakamura", "Osei", "Valdés", "Schmidt", "Rahman", "Ivanova", "O'Neill", "Petrov",
    "Andersson", "Chowdhury", "Mbeki", "Rossi", "Nguyen", "Haugen", "Gallagher", "Szabó",
    "Kaur", "Delgado", "Müller", "Abernathy", "Yilmaz", "Costa", "Whitfield", "Baptiste",
]  # fmt: skip
_GIVEN = ["Amara", "Jonas", "Leila", "Pierre", "Yuki", "Marta", "Ciaran", "Bruna", "Kenji",
          "Kwame", "Lucía", "Dieter", "Farhan", "Olga", "Siobhan", "Pavel"]  # fmt: skip
_JOURNALS = [
    ("Journal of Integrative Medicine", "J Integr Med", "2095-4964"),
    ("Pain Medicine", "Pain Med", "1526-2375"),
    ("BMC Complementary Medicine and Therapies", "BMC Complement Med Ther", "2662-7671"),
    ("Clinical Rehabilitation", "Clin Rehabil", "0269-2155"),
    ("Journal of Clinical Nursing", "J Clin Nurs", "0962-1067"),
]


class _Draw:
    """Deterministic titles, people and journals, each drawn once."""

    def __init__(self) -> None:
        shifted = [(w, _TOPICS[(i * 7 + 3) % len(_TOPICS)][1], _TOPICS[(i * 13 + 5) %
                    len(_TOPICS)][2]) for i, (w, _, _) in enumerate(_TOPICS)]  # fmt: skip
        self.topics = iter(_TOPICS + shifted)
        self.people = itertools.cycle(
            [(g, f) for f, g in zip(_FAMILIES, itertools.cycle(_GIVEN), strict=False)]
        )
        self.journals = itertools.cycle(_JOURNALS)
        self.count = itertools.count(1)

    def title(self, shape: str = "trial") -> str:
        what, outcome, who = next(self.topics)
        shapes = {
            "trial": f"{what} for {outcome} in {who}: a randomized controlled trial",
            "review": f"{what} for {outcome}: a systematic review and meta-analysis",
            "cohort": f"{what} and {outcome} among {who}: a prospective cohort study",
            "chapter": f"{what} in the management of {outcome}",
            "book": f"{what} and {outcome}: principles and practice",
            "paper": f"Predicting {outcome} from {what.lower()} records in {who}",
            "report": f"{what} services for {outcome}: a national survey of {who}",
            "thesis": f"{what} and {outcome} in {who}",
            "data": f"{what} and {outcome}: individual participant data",
        }
        return shapes[shape]

    def authors(self, n: int) -> list[tuple[str, str]]:
        return [next(self.people) for _ in range(n)]

    def number(self) -> int:
        return next(self.count)


def _people(names: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"given": g, "family": f, "sequence": "first" if i == 0 else "additional",
         "affiliation": []}
        for i, (g, f) in enumerate(names)
    ]  # fmt: skip


def _date(*parts: int) -> dict[str, Any]:
    return {"date-parts": [list(parts)]}


def crossref_message(
    doi: str, kind: str, title: str, authors: list[tuple[str, str]], year: int, **more: Any
) -> dict[str, Any]:
    """A Crossref work message as `/works/{doi}` gives it (trimmed of `reference`).
    `online`/`printed` (years) give published-online/-print; `issued` follows the earlier,
    as Crossref's does; `created` is the deposit, a little before."""
    online, printed = more.pop("online", None), more.pop("printed", None)
    issued = min(y for y in (online, printed, year) if y is not None)
    m: dict[str, Any] = {
        "indexed": {"date-parts": [[2026, 11, 2]], "date-time": "2026-11-02T10:00:00Z",
                    "timestamp": 1793613600000},
        "reference-count": 31, "publisher": more.pop("publisher", "Example Academic Press"),
        "content-domain": {"domain": [], "crossmark-restriction": False},
        "DOI": doi, "type": kind,
        "created": {"date-parts": [[issued - (1 if online else 0), 11, 20]],
                    "date-time": f"{issued}-11-20T08:00:00Z", "timestamp": 1600000000000},
        "source": "Crossref", "is-referenced-by-count": 4, "title": [title], "prefix": "10.5555",
        "member": "0", "URL": f"https://doi.org/{doi}", "language": "en",
        "issued": _date(issued, 12 if online and online < year else 3),
        "published": _date(issued, 12 if online and online < year else 3),
    }  # fmt: skip
    if authors:
        m["author"] = _people(authors)
    if online is not None:
        m["published-online"] = _date(online, 12, 14)
    if printed is not None:
        m["published-print"] = _date(printed, 1)
    for name in ("container-title", "short-container-title", "ISBN", "ISSN", "institution"):
        if name in more:
            m[name] = more.pop(name)
    if "editors" in more:
        m["editor"] = _people(more.pop("editors"))
    m.update(more)
    return m


def esummary_item(
    pmid: str, title: str, authors: list[tuple[str, str]], journal: tuple[str, str, str], **f: Any
) -> dict[str, Any]:
    """One esummary `result` item, as PubMed gives it."""
    ids = [{"idtype": "pubmed", "idtypen": 1, "value": pmid}]
    if f.get("doi"):
        ids.append({"idtype": "doi", "idtypen": 3, "value": f["doi"]})
    if f.get("pmc"):
        ids.append({"idtype": "pmc", "idtypen": 8, "value": f["pmc"]})
    names = [f"{fam} {g[0]}" for g, fam in authors]
    return {
        "uid": pmid, "pubdate": f.get("pubdate", ""), "epubdate": f.get("epubdate", ""),
        "source": journal[1], "authors": [{"name": n, "authtype": "Author", "clusterid": ""}
                                          for n in names],
        "lastauthor": names[-1], "title": f"{title}.", "sorttitle": title.lower(),
        "volume": f.get("volume", ""), "issue": f.get("issue", ""), "pages": f.get("pages", ""),
        "lang": ["eng"], "nlmuniqueid": "101234567", "issn": journal[2], "essn": "",
        "pubtype": f.get("pubtype", ["Journal Article"]),
        "recordstatus": "PubMed - indexed for MEDLINE",
        "pubstatus": "4", "articleids": ids, "history": [], "references": [],
        "attributes": ["Has Abstract"], "pmcrefcount": 0, "fulljournalname": journal[0],
        "elocationid": f"doi: {f['doi']}" if f.get("doi") else "", "doctype": "citation",
        "sortpubdate": f"{f.get('pubdate', '')[:4]}/01/01 00:00",
        "sortfirstauthor": names[0], "booktitle": "", "medium": "", "edition": "",
    }  # fmt: skip


def bibtex(kind: str, key: str, **fields: str) -> str:
    lines = [f"  {name} = {{{value}}}," for name, value in fields.items() if value]
    return "@" + kind + "{" + key + ",\n" + "\n".join(lines) + "\n}\n"


def names_field(authors: list[tuple[str, str]]) -> str:
    return " and ".join(f"{f}, {g}" for g, f in authors)


@dataclass
class Work:
    """What the registries hold for one work; `bib()` writes the entry that cites it."""

    key: str
    entry: str  # BibTeX type
    fields: dict[str, str]

    def bib(self, **changes: str | None) -> str:
        fields = {**self.fields, **changes}
        return bibtex(self.entry, self.key, **{k: v for k, v in fields.items() if v})


def article(
    c: Cases, d: _Draw, key: str, *, ids: str = "doi", shape: str = "trial", **how: Any
) -> Work:
    """A journal article in Crossref (`doi` in ids) and/or PubMed (`pmid`); `online` makes it
    online first (online in December of the year before its print issue); `epub` the same in
    PubMed; `pmc` puts it in PMC (so NCBI's ID converter knows its DOI)."""
    n = d.number()
    title, authors = d.title(shape), d.authors(2 + n % 4)
    journal = next(d.journals)
    year, volume, issue = 2010 + n % 14, str(10 + n), str(1 + n % 12)
    pages = f"{100 + 7 * n}-{100 + 7 * n + 9}"
    doi, pmid = f"10.5555/bench.{key}", str(97_000_000 + n)
    registered = how.get("registered", "doi" in ids or "search" in ids)
    if registered:
        online = year - 1 if how.get("online") else None
        c.works.append(crossref_message(
            doi, "journal-article", title, authors, year, online=online,
            printed=year if online else None, **{"container-title": [journal[0]],
            "short-container-title": [journal[1]], "ISSN": [journal[2]]},
            volume=volume, issue=issue, page=pages))  # fmt: skip
    if "pmid" in ids or how.get("pubmed"):
        epub = f"{year - 1} Dec 12" if how.get("epub") else ""
        pmc = f"PMC{9_000_000 + n}" if how.get("pmc") else ""
        types = how.get("pubtype", ["Journal Article"])
        c.summaries.append(esummary_item(
            pmid, title, authors, journal, pubdate=f"{year} Jan", epubdate=epub,
            volume=volume, issue=issue, pages=nlm_pages(pages),
            doi=doi if registered else "", pmc=pmc, pubtype=types))  # fmt: skip
    fields = {"author": names_field(authors), "title": title, "journal": journal[1],
              "year": str(year - 1 if how.get("epub") else year), "volume": volume,
              "number": issue, "pages": pages.replace("-", "--"),
              "doi": doi if "doi" in ids else "",
              "pmid": pmid if "pmid" in ids else ""}  # fmt: skip
    return Work(key, "article", fields)


def chapter(c: Cases, d: _Draw, key: str, *, doi: bool = True, online: bool = False) -> Work:
    """A chapter (@incollection) and its Crossref book-chapter record: the book's title in
    `container-title` (with the series first, as some publishers deposit), editors, pages."""
    n = d.number()
    title, authors, editors = d.title("chapter"), d.authors(1 + n % 3), d.authors(2)
    book = f"Handbook of {_TOPICS[n % len(_TOPICS)][1].title()}: Evidence and Practice"
    year, pages = 2012 + n % 12, f"{20 * n}-{20 * n + 17}"
    isbn = f"978-1-5555-{n:04d}-{n % 10}"
    c.works.append(crossref_message(
        f"10.5555/bench.{key}", "book-chapter", title, authors, year,
        online=year - 1 if online else None, printed=year if online else None,
        publisher="Springer International Publishing",
        **{"container-title": ["Lecture Notes in Clinical Practice", book], "ISBN": [isbn]},
        editors=editors, page=pages))  # fmt: skip
    fields = {"author": names_field(authors), "title": title, "booktitle": book,
              "editor": names_field(editors), "publisher": "Springer", "year": str(year),
              "pages": pages.replace("-", "--"),
              "doi": f"10.5555/bench.{key}" if doi else "", "isbn": isbn}  # fmt: skip
    return Work(key, "incollection", fields)


def book(c: Cases, d: _Draw, key: str, kind: str = "monograph") -> Work:
    """A book with a DOI: `monograph`, `book`, or an `edited-book` (editors, no authors)."""
    n = d.number()
    title, people = d.title("book"), d.authors(2)
    year = 2008 + n % 15
    edited = kind == "edited-book"
    c.works.append(crossref_message(
        f"10.5555/bench.{key}", kind, title, [] if edited else people, year,
        publisher="Oxford University Press", ISBN=[f"978-0-19-55{n:04d}-{n % 10}"],
        **({"editors": people} if edited else {})))  # fmt: skip
    who = {"editor" if edited else "author": names_field(people)}
    fields = {**who, "title": title, "publisher": "OUP", "year": str(year),
              "doi": f"10.5555/bench.{key}"}  # fmt: skip
    return Work(key, "book", fields)


def proceedings(c: Cases, d: _Draw, key: str, *, doi: bool = True) -> Work:
    """A conference paper: Crossref's proceedings title is long, the entry's short."""
    n = d.number()
    title, authors = d.title("paper"), d.authors(3)
    year = 2015 + n % 9
    long_title = f"Proceedings of the {year} International Conference on Health Informatics"
    c.works.append(crossref_message(
        f"10.5555/bench.{key}", "proceedings-article", title, authors, year,
        **{"container-title": [long_title]}, page=f"{n}-{n + 8}",
        event={"name": "ICHI", "location": "Lisbon"}))  # fmt: skip
    fields = {"author": names_field(authors), "title": title,
              "booktitle": "International Conference on Health Informatics",
              "year": str(year), "pages": f"{n}--{n + 8}",
              "doi": f"10.5555/bench.{key}" if doi else ""}  # fmt: skip
    return Work(key, "inproceedings", fields)


def report(c: Cases, d: _Draw, key: str, kind: str = "report") -> Work:
    """A report (@techreport, Crossref `report`) or a thesis (@phdthesis, `dissertation`)."""
    n = d.number()
    thesis = kind == "dissertation"
    title, authors = d.title("thesis" if thesis else "report"), d.authors(1 if thesis else 2)
    year, where = 2011 + n % 12, "University of Leeds" if thesis else "RAND Corporation"
    extra: dict[str, Any] = {"institution": [{"name": where}]} if thesis else {}
    c.works.append(crossref_message(f"10.5555/bench.{key}", kind, title, authors, year,
                                    publisher=where, **extra))  # fmt: skip
    fields = {"author": names_field(authors), "title": title, "year": str(year),
              "institution": where, "number": "" if thesis else f"RR-{n}",
              "doi": f"10.5555/bench.{key}"}  # fmt: skip
    return Work(key, "phdthesis" if thesis else "techreport", fields)


def dataset(c: Cases, d: _Draw, key: str) -> Work:
    """A DataCite dataset (Zenodo-like DOI): CSL-JSON at doi.org, nothing at Crossref."""
    n = d.number()
    title, authors = d.title("data"), d.authors(2)
    doi = f"10.5281/zenodo.99{n:05d}"
    c.csl.append({"type": "dataset", "id": f"https://doi.org/{doi}", "language": "en",
                  "author": [{"family": f, "given": g} for g, f in authors],
                  "issued": _date(2019 + n % 5, 5, 14), "DOI": doi, "publisher": "Zenodo",
                  "title": title, "URL": f"https://zenodo.org/record/99{n:05d}",
                  "version": "1.0"})  # fmt: skip
    fields = {"author": names_field(authors), "title": title, "year": str(2019 + n % 5),
              "publisher": "Zenodo", "doi": doi}  # fmt: skip
    return Work(key, "dataset", fields)


def preprint(c: Cases, d: _Draw, key: str) -> Work:
    """A medRxiv preprint: Crossref `posted-content`, `institution` medRxiv, no container."""
    n = d.number()
    title, authors = d.title("cohort"), d.authors(3)
    year = 2020 + n % 5
    c.works.append(crossref_message(
        f"10.5555/bench.{key}", "posted-content", title, authors, year,
        institution=[{"name": "medRxiv"}], subtype="preprint", **{"group-title": "Epidemiology"},
        publisher="Cold Spring Harbor Laboratory"))  # fmt: skip
    fields = {"author": names_field(authors), "title": title, "year": str(year),
              "howpublished": "medRxiv", "doi": f"10.5555/bench.{key}"}  # fmt: skip
    return Work(key, "misc", fields)


_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <id>http://arxiv.org/api/bench</id>
  <updated>2024-01-15T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/{id}v2</id>
    <updated>{year}-09-02T00:41:18Z</updated>
    <published>{year}-06-12T17:57:34Z</published>
    <title>{title}</title>
    <summary>A fictional preprint for the benchmark.</summary>
{authors}
    <arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""


def arxiv_preprint(c: Cases, d: _Draw, key: str) -> Work:
    n = d.number()
    title, authors = d.title("paper"), d.authors(2)
    year, arxiv_id = 2018 + n % 6, f"{18 + n % 6}{n % 12 + 1:02d}.{40000 + n}"
    people = "\n".join(f"    <author><name>{g} {f}</name></author>" for g, f in authors)
    c.feeds.append(_FEED.format(id=arxiv_id, year=year, title=title, authors=people))
    fields = {"author": names_field(authors), "title": title, "year": str(year),
              "eprint": arxiv_id, "eprinttype": "arxiv"}  # fmt: skip
    return Work(key, "misc", fields)


def nlm_pages(pages: str) -> str:
    """`982-984` → `982-4`, `198-207` → `198-207`: NLM leaves out the digits both share."""
    first, last = pages.split("-")
    if len(first) != len(last):
        return pages
    same = next((i for i, (a, b) in enumerate(zip(first, last, strict=True)) if a != b), 0)
    return f"{first}-{last[same:]}"
