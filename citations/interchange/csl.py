"""One library entry as a CSL item (what pandoc and citeproc-js read), and a CSL item as a Work."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..model import NO_NAMES, Name, Reference
from ..registries.model import Person, Record
from .work import Work, iso_date, month_number, parse_date

# BibTeX / biblatex entry types → CSL types; what is not here is a `document`.
CSL_TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "inbook": "chapter",
    "incollection": "chapter", "bookinbook": "chapter", "inproceedings": "paper-conference",
    "conference": "paper-conference", "proceedings": "book", "online": "webpage",
    "www": "webpage", "electronic": "webpage", "report": "report", "techreport": "report",
    "thesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis", "manual": "report",
    "unpublished": "manuscript", "patent": "patent", "dataset": "dataset",
    "software": "software", "periodical": "periodical",
}  # fmt: skip
WEB_TYPES = frozenset({"webpage", "post-weblog", "post"})
_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
# biblatex `langid` names → the ISO 639-1 codes CSL's `language` holds.
LANGUAGE_CODES = {
    "english": "en", "american": "en", "british": "en", "chinese": "zh", "japanese": "ja",
    "german": "de", "ngerman": "de", "french": "fr", "spanish": "es", "russian": "ru",
    "portuguese": "pt", "italian": "it", "korean": "ko", "dutch": "nl", "polish": "pl",
    "turkish": "tr",
}  # fmt: skip
# Fields CSL holds, as (BibTeX field, CSL variable); each entry uses the first one it has.
_SIMPLE = (
    ("volume", "volume"), ("number", "issue"), ("issue", "issue"), ("edition", "edition"),
    ("doi", "DOI"), ("pmid", "PMID"), ("pmcid", "PMCID"), ("url", "URL"), ("issn", "ISSN"),
    ("isbn", "ISBN"), ("abstract", "abstract"), ("series", "collection-title"),
    ("address", "publisher-place"), ("location", "publisher-place"),
    ("shortjournal", "container-title-short"), ("keywords", "keyword"),
    ("eventtitle", "event-title"), ("pagetotal", "number-of-pages"),
)  # fmt: skip
# Read for the item elsewhere, or never worth a note (inheritance links, local files).
_USED = frozenset(
    {
        "author", "editor", "title", "subtitle", "journal", "journaltitle", "booktitle",
        "organization", "publisher", "institution", "school", "howpublished", "year", "month",
        "day", "date", "urldate", "pages", "note", "langid", "language", "type", "crossref",
        "xdata", "file",
    }
)  # fmt: skip


def csl_item(ref: Reference) -> dict[str, Any]:
    """The CSL item for an entry: names split, dates as date-parts, LaTeX decoded, and the
    fields CSL has no variable for kept in `note` as `name: value` lines."""
    kind = csl_type(ref)
    item: dict[str, Any] = {"id": ref.key, "type": kind}
    for role in ("author", "editor"):
        people = (
            [csl_name(n) for n in ref.names.get(role, NO_NAMES).names] if role in ref.raw else []
        )
        if people:
            item[role] = people
    title = ref.get("title")
    item["title"] = f"{title}: {ref.get('subtitle')}" if ref.get("subtitle") else title
    item.update(_containers(ref, kind))
    issued = _issued(ref)
    if issued:
        item["issued"] = {"date-parts": [issued]}
    accessed = parse_date(ref.get("urldate"))
    if accessed[0]:
        item["accessed"] = {"date-parts": [[p for p in accessed if p]]}
    if ref.get("pages"):
        item["page"] = re.sub(r"\s*[\u2013\u2014-]+\s*", "-", ref.get("pages"))
    done = set(_USED)
    for field_name, variable in _SIMPLE:
        if ref.get(field_name) and variable not in item:
            item[variable] = ref.get(field_name)
        done.add(field_name)
    language = ref.get("langid") or ref.get("language")
    if language:
        item["language"] = LANGUAGE_CODES.get(language.lower(), language)
    if ref.type in _GENRES or ref.get("type"):
        item["genre"] = ref.get("type") or _GENRES[ref.type]
    notes = [ref.get("note")] if ref.get("note") else []
    notes += [f"{name}: {ref.get(name)}" for name in ref.raw if name not in done]
    if notes:
        item["note"] = "\n".join(notes)
    return {k: v for k, v in item.items() if v not in ("", [], None)}


def csl_type(ref: Reference) -> str:
    """The CSL type; a `misc` entry with a URL and no journal is a web page."""
    if ref.type == "misc":
        return "webpage" if ref.get("url") and not ref.get("journal") else "document"
    return CSL_TYPES.get(ref.type, "document")


def csl_name(name: Name) -> dict[str, str]:
    if name.corporate:
        return {"literal": name.last}
    parts = {"family": name.last, "given": name.first, "non-dropping-particle": name.von}
    parts["suffix"] = name.jr
    return {k: v for k, v in parts.items() if v}


def _containers(ref: Reference, kind: str) -> dict[str, str]:
    """container-title (journal, book, or a web page's site) and publisher."""
    journal = ref.get("journaltitle") or ref.get("journal")
    if kind in WEB_TYPES:
        site = ref.get("organization") or ref.get("howpublished") or journal
        return {"container-title": site, "publisher": ref.get("publisher")}
    publisher = ref.get("publisher") or ref.get("institution") or ref.get("school")
    publisher = publisher or ref.get("organization")
    return {"container-title": journal or ref.get("booktitle"), "publisher": publisher}


def _issued(ref: Reference) -> list[int]:
    year, month, day = parse_date(ref.get("date"))
    if not year:
        year = parse_date(ref.get("year"))[0]
        month = month_number(ref.get("month")) if ref.get("month") else None
        day = int(ref.get("day")) if ref.get("day").isdigit() and month else None
    return [p for p in (year, month, day) if p]


# --- CSL item → Work --------------------------------------------------------------------------


class ItemError(ValueError):
    """An item that cannot be read: the message says why."""


def item_work(item: Mapping[str, Any], line: int) -> Work:
    """The Work a CSL item describes; ItemError if it is not one (no title, wrong shapes)."""
    title = _text(item, "title")
    if not title:
        raise ItemError("item has no title")
    kind = _text(item, "type")
    note = item.get("note")
    notes = _note_fields(note if isinstance(note, str) else "")
    year, month, day = _date(item.get("issued"), "issued")
    record = Record(
        registry="crossref",
        source_url="",
        title=title,
        authors=_people(item.get("author"), "author"),
        editors=_people(item.get("editor"), "editor"),
        year=year,
        month=month,
        day=day,
        container=_text(item, "container-title"),
        short_container=_text(item, "container-title-short") or _text(item, "journalAbbreviation"),
        volume=_text(item, "volume"),
        issue=_text(item, "issue"),
        pages=_text(item, "page"),
        publisher=_text(item, "publisher"),
        type=kind,
        doi=_text(item, "DOI"),
        pmid=_text(item, "PMID") or notes.get("pmid", ""),
        pmcid=_text(item, "PMCID") or notes.get("pmcid", ""),
        isbn=tuple(re.split(r"[\s,;]+", _text(item, "ISBN"))) if _text(item, "ISBN") else (),
        issn=tuple(re.split(r"[\s,;]+", _text(item, "ISSN"))) if _text(item, "ISSN") else (),
        url=_text(item, "URL"),
        language=language_code(_text(item, "language")),
    )
    web = kind in WEB_TYPES
    return Work(
        record,
        line,
        web=web,
        site=record.container or record.publisher if web else "",
        published=iso_date(year, month, day),
        updated=iso_date(*parse_date(notes.get("updated", ""))),
        reviewed=iso_date(*parse_date(notes.get("reviewed", ""))),
        accessed=iso_date(*_date(item.get("accessed"), "accessed")),
    )


def language_code(text: str) -> str:
    """`zh-CN` → `zh`, `chinese` → `zh`: the code `add` names languages by."""
    text = text.strip().lower()
    return LANGUAGE_CODES.get(text, text.split("-")[0])


def _text(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ItemError(f"'{name}' is not text")
    return " ".join(str(value).split())


def _people(value: Any, role: str) -> tuple[Person, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
        raise ItemError(f"'{role}' is not a list of names")
    people = []
    for p in value:
        literal = _text(p, "literal")
        particles = [_text(p, "dropping-particle"), _text(p, "non-dropping-particle")]
        family = " ".join(filter(None, [*particles, _text(p, "family")]))
        if literal or family:
            given = _text(p, "given")
            people.append(Person(family, given) if family else Person("", literal=literal))
    return tuple(people)


def _date(value: Any, name: str) -> tuple[int | None, int | None, int | None]:
    """`{"date-parts": [[2016, 3, 9]]}`, `{"raw": "2016-03"}`, or an EDTF string."""
    if value is None:
        return None, None, None
    if isinstance(value, str):
        return parse_date(value)
    if not isinstance(value, dict):
        raise ItemError(f"'{name}' is not a date")
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            numbers = [int(str(p)) for p in parts[0][:3]]
        except ValueError:
            raise ItemError(f"'{name}' has date-parts that are not numbers") from None
        numbers += [0] * (3 - len(numbers))
        month = numbers[1] if 1 <= numbers[1] <= 12 else None
        day = numbers[2] if month and 1 <= numbers[2] <= 31 else None
        return numbers[0] or None, month, day
    raw = value.get("raw") or value.get("literal")
    return parse_date(raw) if isinstance(raw, str) else (None, None, None)


def _note_fields(note: str) -> dict[str, str]:
    """`name: value` lines of a note (Zotero's Extra: `PMID: 123`; ours: `updated: 2023`)."""
    found: dict[str, str] = {}
    for line in note.split("\n") if note else ():
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() in ("pmid", "pmcid", "updated", "reviewed"):
            found.setdefault(name.strip().lower(), value.strip())
    return found
