"""NCBI E-utilities for PubMed: esummary/esearch URLs, and esummary JSON items as Records."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from .crossref import UpdateKind, clean, load_json
from .model import Lookup, Person, Record, Update

BATCH = 200  # ids per esummary request: NCBI asks for POST beyond a few hundred
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_INITIALS = re.compile(r"^[A-Z]{1,4}$")
_SUFFIXES = {"Jr", "Sr", "2nd", "3rd", "4th", "II", "III", "IV"}
_RANGE = re.compile(r"^([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)$")
# pubtypes that make the item a notice about another article, not an article
NOTICES = {
    "retraction of publication": "a retraction notice",
    "published erratum": "an erratum notice",
    "expression of concern": "an expression of concern",
}
# esummary `references[].reftype`: notices that update this article
REFTYPES: dict[str, UpdateKind] = {
    "retraction in": "retraction",
    "partial retraction in": "retraction",
    "retraction and republication in": "retraction",
    "erratum in": "correction",
    "corrected and republished in": "correction",
    "expression of concern in": "expression-of-concern",
}


def esummary_url(base: str, db: str, ids: Sequence[str], params: Mapping[str, str]) -> str:
    query = {"db": db, "id": ",".join(ids), "retmode": "json", **params}
    return f"{base}/esummary.fcgi?{urlencode(query, safe=',')}"


def esearch_url(base: str, term: str, params: Mapping[str, str], retmax: int = 20) -> str:
    query = {"db": "pubmed", "term": term, "retmode": "json", "retmax": str(retmax), **params}
    return f"{base}/esearch.fcgi?{urlencode(query)}"


def ecitmatch_url(base: str, fields: Sequence[str], params: Mapping[str, str]) -> str:
    """NCBI's citation matcher: `bdata` is `journal|year|volume|first page|author|key|`."""
    bdata = "|".join(" ".join(f.replace("|", " ").split()).lower() for f in fields) + "|1|"
    query = {"db": "pubmed", "retmode": "xml", "bdata": bdata, **params}
    return f"{base}/ecitmatch.cgi?{urlencode(query, safe='|')}"


def parse_ecitmatch(body: bytes) -> tuple[str, str]:
    """(the PMID, "") of an ecitmatch answer; ("", why) when it found none or several.

    It answers in plain text, one line per citation, the PMID appended to what was asked:
    `proc natl acad sci u s a|1991|88|3248|mann bj|1|2014248` (NCBI's own example), else
    `NOT_FOUND;INVALID_JOURNAL`, `AMBIGUOUS 2 citations`...
    """
    lines = [line for line in body.decode("utf-8", "replace").splitlines() if "|" in line]
    if not lines:
        return "", ""  # not its answer's shape: nothing learnt
    answer = lines[0].rsplit("|", 1)[-1].strip()
    if answer.isdigit():
        return answer, ""
    return "", f"PubMed's citation matcher: {answer or 'no match'}"


def split_esummary(body: bytes) -> tuple[dict[str, dict[str, Any]], str]:
    """Each uid's item in an esummary answer, or ({}, why the answer is unusable)."""
    data, problem = load_json(body)
    if problem:
        return {}, f"NCBI {problem}"
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, dict):
        error = data.get("error") if isinstance(data, dict) else None
        return {}, f"NCBI answered {clean(error) or 'without a result'}"
    items = {k: v for k, v in result.items() if k != "uids" and isinstance(v, dict)}
    return {clean(v.get("uid")) or k: v for k, v in items.items()}, ""


def read_item(item: dict[str, Any], source_url: str) -> Lookup:
    """One esummary item; an item with `error` ("cannot get document summary") is not-found."""
    if item.get("error"):
        return Lookup("not-found", detail=f"PubMed: {clean(item['error'])}")
    ids = {
        clean(a.get("idtype")).lower(): clean(a.get("value"))
        for a in item.get("articleids") or []
        if isinstance(a, dict)
    }
    pubdate, epubdate = clean(item.get("pubdate")), clean(item.get("epubdate"))
    year, month, day = parse_pubdate(pubdate or epubdate)
    named = [clean(p) for p in item.get("pubtype") or [] if clean(p)]
    pubtypes = [p.lower() for p in named]
    # esummary's pubdate and epubdate are efetch's PubDate and ArticleDate.
    given = (("PubDate", pubdate), ("ArticleDate", epubdate))
    dates = [(name, parse_pubdate(text)[0]) for name, text in given if text]
    lang = item.get("lang")
    issn = tuple(dict.fromkeys(filter(None, (clean(item.get("issn")), clean(item.get("essn"))))))
    record = Record(
        registry="ncbi",
        source_url=source_url,
        title=clean(item.get("title")).removesuffix("."),
        authors=tuple(
            split_name(clean(a.get("name")), clean(a.get("authtype")))
            for a in item.get("authors") or []
            if isinstance(a, dict) and clean(a.get("name"))
        ),
        year=year,
        month=month,
        day=day,
        container=clean(item.get("fulljournalname")),
        short_container=clean(item.get("source")),
        volume=clean(item.get("volume")),
        issue=clean(item.get("issue")),
        pages=expand_pages(clean(item.get("pages"))) or elocation(clean(item.get("elocationid"))),
        type="journal-article" if "journal article" in pubtypes else "",
        doi=ids.get("doi", ""),
        pmid=clean(item.get("uid")) or ids.get("pubmed", ""),
        pmcid=ids.get("pmc", "") or ids.get("pmcid", "").removeprefix("pmc-id: ").rstrip(";"),
        issn=issn,
        language=clean(lang[0]) if isinstance(lang, list) and lang else clean(lang),
        updates=_updates(item, pubtypes),
        dates=tuple((name, y) for name, y in dates if y is not None),
        pubtypes=tuple(named),
    )
    notice = "; ".join(text for kind, text in NOTICES.items() if kind in pubtypes)
    return Lookup("found", record, detail=notice)


def _updates(item: dict[str, Any], pubtypes: list[str]) -> tuple[Update, ...]:
    found = [
        Update(REFTYPES[kind], source="pubmed")
        for ref in item.get("references") or []
        if isinstance(ref, dict) and (kind := clean(ref.get("reftype")).lower()) in REFTYPES
    ]
    retracted = "retracted publication" in pubtypes
    if retracted and not any(u.kind == "retraction" for u in found):
        found.insert(0, Update("retraction", source="pubmed"))
    return tuple(dict.fromkeys(found))


def split_name(name: str, authtype: str = "Author") -> Person:
    """NLM's "Smith JA" → Person("Smith", "J. A."); a collective name stays whole."""
    words = name.split()
    if authtype.lower().startswith("collective"):
        return Person("", literal=name)
    if len(words) < 2:
        return Person(name)
    if words[-1] in _SUFFIXES and len(words) > 2:
        words = words[:-1]  # "Smith J Jr": the suffix is not part of the initials
    if not _INITIALS.match(words[-1]):
        return Person("", literal=name)
    return Person(" ".join(words[:-1]), " ".join(f"{c}." for c in words[-1]))


def parse_pubdate(text: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of "2016 Mar 9", "2010 Dec", "2015 Winter" or "2016 Mar-Apr"."""
    parts = text.replace("-", " ").split()
    year = int(parts[0]) if parts and parts[0].isdigit() and len(parts[0]) == 4 else None
    month = MONTHS.get(parts[1][:3].lower()) if year and len(parts) > 1 else None
    day = int(parts[2]) if month and len(parts) > 2 and parts[2].isdigit() else None
    return year, month, day if day is None or 1 <= day <= 31 else None


def expand_pages(pages: str) -> str:
    """NLM elides the end of a range: "982-4" → "982-984", "S12-5" → "S12-S15"."""
    parts = []
    for part in pages.split(","):
        part = part.strip()
        match = _RANGE.match(part)
        if match:
            prefix, start, end_prefix, end = match.groups()
            if len(end) < len(start):
                end = start[: len(start) - len(end)] + end
            part = f"{prefix}{start}-{end_prefix or prefix}{end}"
        parts.append(part)
    return ", ".join(p for p in parts if p)


def elocation(text: str) -> str:
    """The article number from "pii: e0150367. doi: 10.1371/..."; "" if only a DOI."""
    for part in text.split(". "):
        part = part.strip().rstrip(".")
        if part and not part.lower().startswith("doi:"):
            return part.removeprefix("pii:").strip()
    return ""


def parse_esearch(body: bytes) -> tuple[list[str], str]:
    """The PMIDs of an esearch answer, or ([], why the answer is unusable)."""
    data, problem = load_json(body)
    if problem:
        return [], f"NCBI {problem}"
    result = data.get("esearchresult") if isinstance(data, dict) else None
    ids = result.get("idlist") if isinstance(result, dict) else None
    if not isinstance(ids, list):
        return [], "NCBI answered without an id list"
    return [text for text in map(clean, ids) if text.isdigit()], ""


def pmid_of_pmc(item: dict[str, Any]) -> str:
    """The PMID in a PMC esummary item's `articleids`; "" if it has none (or is an error)."""
    for a in item.get("articleids") or []:
        if isinstance(a, dict) and clean(a.get("idtype")).lower() == "pmid":
            value = clean(a.get("value"))
            return value if value.isdigit() and value != "0" else ""
    return ""


def idconv_url(base: str, dois: Sequence[str], params: Mapping[str, str]) -> str:
    """NCBI's ID converter for up to 200 DOIs (it knows only articles in PMC)."""
    query = {"ids": ",".join(dois), "idtype": "doi", "format": "json", **params}
    return f"{base}/?{urlencode(query, safe=',/')}"


def parse_idconv(body: bytes) -> tuple[dict[str, str], str]:
    """DOI (lower case) → PMID ("" for a DOI it does not know), or ({}, why unusable):
    `{"status":"ok","records":[{"requested-id":…,"doi":…,"pmcid":…,"pmid":…}]}`, an unknown
    id's record carrying `"status":"error"` and an `errmsg`."""
    data, problem = load_json(body)
    if problem:
        return {}, f"NCBI's ID converter {problem}"
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, list):
        return {}, "NCBI's ID converter answered without records"
    found: dict[str, str] = {}
    for record in records:
        if not isinstance(record, dict):
            continue
        asked = clean(record.get("requested-id")) or clean(record.get("doi"))
        pmid = clean(record.get("pmid"))
        known = pmid.isdigit() and record.get("status") != "error"
        if asked:
            found[asked.lower()] = pmid if known else ""
    return found, ""
