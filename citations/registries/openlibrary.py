"""Open Library's Books API for ISBNs: URLs, and `jscmd=data` answers as Records.

`/api/books?bibkeys=ISBN:{isbn}&format=json&jscmd=data` answers `{"ISBN:…": {title, subtitle,
authors: [{name, url}], publishers: [{name}], publish_date, identifiers: {isbn_10, isbn_13,
…}, url, …}}`, and `{}` for an ISBN it does not know. Names come whole ("Frank Herbert") and
dates as catalogued ("1993", "March 1993", "Mar 15, 1993").
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from ..identifiers import normalise_isbn
from ..library.names import parse_names
from .crossref import clean, load_json
from .model import Lookup, Person, Record
from .pubmed import MONTHS

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_CORPORATE = frozenset(
    {
        "organization",
        "organisation",
        "association",
        "society",
        "institute",
        "council",
        "committee",
        "agency",
        "department",
        "university",
        "press",
        "staff",
        "clinic",
        "foundation",
        "group",
    }
)


def books_url(base: str, isbn: str) -> str:
    query = {"bibkeys": f"ISBN:{isbn}", "format": "json", "jscmd": "data"}
    return f"{base}/api/books?{urlencode(query, safe=':')}"


def parse_books(body: bytes, isbn: str, source_url: str) -> Lookup:
    """The book under `ISBN:{isbn}`; an answer without it is not-found."""
    data, problem = load_json(body)
    if problem or not isinstance(data, dict):
        return Lookup("unavailable", detail=f"Open Library {problem or 'answered nonsense'}")
    item = data.get(f"ISBN:{isbn}")
    if not item:
        return Lookup("not-found", detail=f"Open Library: no book with ISBN {isbn}")
    if not isinstance(item, dict):
        return Lookup("unavailable", detail="Open Library answered nonsense")
    return Lookup("found", read_book(item, isbn, source_url))


def read_book(item: dict[str, Any], isbn: str, source_url: str) -> Record:
    ids = item.get("identifiers") if isinstance(item.get("identifiers"), dict) else {}
    isbns = [clean(i) for i in (ids or {}).get("isbn_13") or [] if clean(i)]
    date = clean(item.get("publish_date"))
    year = _YEAR.search(date)
    month = next(
        (MONTHS[w[:3]] for w in re.findall(r"[a-z]+", date.lower()) if w[:3] in MONTHS), None
    )
    title = clean(item.get("title"))
    subtitle = clean(item.get("subtitle"))
    return Record(
        registry="openlibrary",
        source_url=source_url,
        title=f"{title}: {subtitle}" if subtitle else title,
        authors=tuple(_person(clean(a.get("name"))) for a in _dicts(item.get("authors"))),
        year=int(year[1]) if year else None,
        month=month if year else None,
        publisher=next((clean(p.get("name")) for p in _dicts(item.get("publishers"))), ""),
        type="book",
        isbn=tuple(dict.fromkeys([normalise_isbn(isbn) or isbn, *isbns])),
        url=clean(item.get("url")),
    )


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _person(name: str) -> Person:
    """A catalogued name ("Frank Herbert", "Herbert, Frank", "World Health Organization")
    split by BibTeX's rules."""
    parsed, _ = parse_names("{" + name + "}" if _corporate(name) else name)
    if not parsed or not parsed[0].last:
        return Person("", literal=name)
    found = parsed[0]
    family = " ".join(p for p in (found.von, found.last) if p)
    return Person(family, " ".join(p for p in (found.first, found.jr) if p))


def _corporate(name: str) -> bool:
    return bool(_CORPORATE & {w.lower().strip(",.") for w in name.split()})
