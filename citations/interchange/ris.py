"""RIS (EndNote, Zotero, Mendeley dialects) read into works; library entries written as RIS."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..identifiers import bare_doi, normalise_pmcid, normalise_pmid, valid_doi
from ..model import Reference
from ..registries.model import Person, Record
from .csl import csl_item, language_code
from .work import Failure, Read, Work, iso_date, month_number, parse_date, split_name

# `TY  - JOUR`: two characters, two spaces, a hyphen; exporters differ on the space after it.
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*)|)")
_TYPES = {
    "JOUR": "journal-article", "JFULL": "journal-article", "EJOUR": "journal-article",
    "MGZN": "article-magazine", "NEWS": "article-newspaper", "BOOK": "book",
    "EBOOK": "book", "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter",
    "CONF": "paper-conference", "CPAPER": "paper-conference", "RPRT": "report",
    "THES": "thesis", "ELEC": "webpage", "WEB": "webpage", "BLOG": "post-weblog",
    "DATA": "dataset", "COMP": "software",
}  # fmt: skip
_RIS_TYPES = {
    "article-journal": "JOUR", "book": "BOOK", "chapter": "CHAP", "paper-conference": "CPAPER",
    "report": "RPRT", "thesis": "THES", "webpage": "ELEC", "dataset": "DATA",
    "software": "COMP", "manuscript": "UNPB", "patent": "PAT",
}  # fmt: skip
_ISSN = re.compile(r"\b\d{4}-\d{3}[\dXx]\b")
_ISBN = re.compile(r"\b(?:97[89][- ]?)?(?:\d[- ]?){9}[\dXx]\b")
_PMID_NOTE = re.compile(r"\bPMID:\s*(\d+)", re.I)
_PMCID_NOTE = re.compile(r"\bPMCID:\s*(PMC\d+)", re.I)

Tags = list[tuple[str, str]]


def looks_like_ris(text: str) -> bool:
    return re.search(r"^TY  -", text[:65536], re.M) is not None


def read_ris(text: str) -> Read:
    """Every record from `TY` to `ER`. A record cut off (no `ER` before the next `TY` or the
    end) fails at its `TY` line, as does one with no title; lines outside records that are
    not blank fail at their line."""
    read = Read()
    for item in _records(text.replace("\r\n", "\n").replace("\r", "\n")):
        if isinstance(item, Failure):
            read.failures.append(item)
            continue
        line, tags = item
        work = _work(tags, line)
        (read.failures if isinstance(work, Failure) else read.works).append(work)  # type: ignore[arg-type]
    return read


def _records(text: str) -> Iterator[tuple[int, Tags] | Failure]:
    tags: Tags | None = None
    start = 0
    stray = False  # in a run of lines outside records: the run is reported once, at its start
    for number, line in enumerate(text.split("\n"), 1):
        m = _TAG_LINE.fullmatch(line.rstrip().lstrip("\ufeff"))
        if m and m[1] == "TY":
            if tags is not None:
                yield Failure(start, "record has no ER line before the next TY")
            tags, start, stray = [("TY", (m[2] or "").strip())], number, False
        elif tags is None:
            if line.strip() and not stray:
                yield Failure(number, f"not a RIS line outside a record: {line.strip()[:40]!r}")
            stray = bool(line.strip()) or stray
        elif m and m[1] == "ER":
            yield start, tags
            tags = None
        elif m:
            tags.append((m[1], (m[2] or "").strip()))
        elif line.strip() and tags:  # a wrapped value goes on
            name, value = tags[-1]
            tags[-1] = (name, f"{value} {line.strip()}")
    if tags is not None:
        yield Failure(start, "record has no ER line: the file ends inside it")


def _work(tags: Tags, line: int) -> Work | Failure:
    first: dict[str, str] = {}
    for name, value in tags:
        if value:
            first.setdefault(name, value)
    title = first.get("TI") or first.get("T1") or first.get("CT") or ""
    if not title:
        return Failure(line, "record has no title (TI or T1)")
    kind = _TYPES.get(first.get("TY", "").upper(), "")
    year, month, day = _date(first)
    record = Record(
        registry="crossref",
        source_url="",
        title=title,
        authors=_people(tags, ("AU", "A1")),
        editors=_people(tags, ("A2", "ED")) if kind in ("chapter", "paper-conference") else (),
        year=year,
        month=month,
        day=day,
        container=_container(first, kind),
        short_container=first.get("J2") or first.get("JA") or first.get("J1") or "",
        volume=first.get("VL", ""),
        issue=first.get("IS", ""),
        pages=_pages(first),
        publisher=first.get("PB", ""),
        type=kind,
        doi=_doi(first),
        pmid=_pmid(tags),
        pmcid=_pmcid(tags),
        isbn=_numbers(first, _ISBN) if kind in ("book", "chapter") else (),
        issn=_numbers(first, _ISSN) if kind not in ("book", "chapter") else (),
        url=first.get("UR") or _http(first.get("L2", "")) or _http(first.get("L1", "")),
        language=language_code(first.get("LA", "")),
    )
    web = kind == "webpage" or (not kind and bool(record.url) and not record.container)
    accessed = iso_date(*parse_date(first.get("Y2", ""))) if web else ""
    site = record.container or record.publisher if web else ""
    return Work(record, line, web, site, iso_date(year, month, day), accessed=accessed)


def _date(first: dict[str, str]) -> tuple[int | None, int | None, int | None]:
    """The year from PY (or Y1, DA); month and day from DA or Y1 (`2016/03/09/`), or from
    EndNote's year-less DA (`Jun 1`)."""
    year, month, day = parse_date(first.get("DA") or first.get("Y1") or "")
    if year is None and first.get("DA"):
        words = first["DA"].replace("/", " ").split()
        month = month_number(words[0]) if words else None
        day = int(words[1]) if month and len(words) > 1 and words[1].isdigit() else None
    year = parse_date(first.get("PY", ""))[0] or year or parse_date(first.get("Y1", ""))[0]
    return year, month, day if day and 1 <= day <= 31 else None


def _numbers(first: dict[str, str], pattern: re.Pattern[str]) -> tuple[str, ...]:
    """ISSNs or ISBNs from SN, which EndNote fills with several: `2227-9032 (Print) ...`."""
    found = pattern.findall(first.get("SN", ""))
    return tuple(dict.fromkeys(n.upper() for n in found))


def _people(tags: Tags, names: tuple[str, ...]) -> tuple[Person, ...]:
    return tuple(split_name(v) for n, v in tags if n in names and v.strip(", "))


def _container(first: dict[str, str], kind: str) -> str:
    """The journal or book: T2 (Zotero, EndNote), JF (full name), JO (Mendeley's full name,
    the spec's abbreviation: read as the name when nothing else gives one), BT (book title)."""
    if kind in ("chapter", "paper-conference"):
        return first.get("T2") or first.get("BT") or ""
    return first.get("T2") or first.get("JF") or first.get("JO") or first.get("BT") or ""


def _pages(first: dict[str, str]) -> str:
    start, end = first.get("SP", ""), first.get("EP", "")
    return f"{start}-{end}" if start and end and "-" not in start else start


def _doi(first: dict[str, str]) -> str:
    doi = bare_doi(first.get("DO") or first.get("DI") or "")
    return doi if valid_doi(doi) else ""


def _pmid(tags: Tags) -> str:
    """Zotero and EndNote keep PubMed's id in AN (accession number, with DB or DP naming
    PubMed) or in a note (`PMID: 123`)."""
    db = " ".join(v for n, v in tags if n in ("DB", "DP")).lower()
    for name, value in tags:
        if name == "AN" and ("pubmed" in db or "medline" in db) and normalise_pmid(value):
            return normalise_pmid(value)
        found = _PMID_NOTE.search(value) if name in ("N1", "M1", "C1", "AN") else None
        if found:
            return normalise_pmid(found[1])
    return ""


def _pmcid(tags: Tags) -> str:
    """EndNote's PubMed import keeps the PMCID in C2; Zotero in a note (`PMCID: PMC1`)."""
    for name, value in tags:
        if name == "C2" and normalise_pmcid(value.removeprefix("PMCID:").strip()):
            return normalise_pmcid(value.removeprefix("PMCID:").strip())
        found = _PMCID_NOTE.search(value) if name in ("N1", "M1", "C1") else None
        if found:
            return normalise_pmcid(found[1])
    return ""


def _http(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else ""


# --- writing -----------------------------------------------------------------------------------


def write_ris(refs: Iterable[Reference]) -> str:
    """Each entry as a RIS record with the common tags, `ER` after each, CRLF-free UTF-8."""
    return "".join(_record(ref) for ref in refs)


def _record(ref: Reference) -> str:
    item = csl_item(ref)
    lines = [("TY", _RIS_TYPES.get(item["type"], "GEN")), ("ID", ref.key)]
    lines += [("AU", _person(p)) for p in item.get("author", [])]
    lines += [("A2", _person(p)) for p in item.get("editor", [])]
    lines.append(("TI", item.get("title", "")))
    container = item.get("container-title", "")
    lines.append(("T2", container))
    if item["type"] == "article-journal":
        lines.append(("JO", item.get("container-title-short") or container))
    issued = item.get("issued", {}).get("date-parts", [[]])[0]
    lines.append(("PY", str(issued[0]) if issued else ""))
    if len(issued) > 1:
        lines.append(("DA", "/".join(f"{p:02d}" for p in issued) + ("/" * (3 - len(issued)))))
    lines += [("VL", item.get("volume", "")), ("IS", item.get("issue", ""))]
    start, _, end = item.get("page", "").partition("-")
    lines += [("SP", start), ("EP", end), ("PB", item.get("publisher", ""))]
    lines += [("DO", item.get("DOI", "")), ("UR", item.get("URL", ""))]
    lines += [("SN", item.get("ISSN") or item.get("ISBN") or ""), ("AN", item.get("PMID", ""))]
    if item.get("PMID"):
        lines.append(("DB", "PubMed"))
    lines += [("C2", item.get("PMCID", "")), ("LA", item.get("language", ""))]
    accessed = item.get("accessed", {}).get("date-parts", [[]])[0]
    lines.append(("Y2", "/".join(f"{p:02d}" for p in accessed)))
    lines += [("N1", line) for line in item.get("note", "").split("\n")]
    body = "".join(f"{tag}  - {' '.join(str(value).split())}\n" for tag, value in lines if value)
    return body + "ER  - \n\n"


def _person(name: dict[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    family = " ".join(filter(None, [name.get("non-dropping-particle", ""), name.get("family")]))
    given = ", ".join(filter(None, [name.get("given", ""), name.get("suffix", "")]))
    return f"{family}, {given}" if given else family
