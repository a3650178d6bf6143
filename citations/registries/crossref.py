"""Crossref's REST API: request URLs, and its work JSON (and CSL-JSON, its near twin) as Records."""

from __future__ import annotations

import html
import json
import re
from typing import Any, Literal
from urllib.parse import quote, urlencode

from ..identifiers import normalise_doi
from .model import Lookup, Person, Record, RegistryName, Update

# Fields a search asks for: every one is in Crossref's list of valid `select` values, and
# leaving out `reference` keeps a page of hits small.
SELECT = (
    "DOI,title,subtitle,author,editor,issued,published-print,published-online,published,"
    "container-title,short-container-title,volume,issue,page,article-number,publisher,type,"
    "ISSN,ISBN,URL,score,update-to,updated-by"
)
# The dates a work may be known by, the one its year is read from first. `created` is when the
# DOI was deposited: a last resort, but an online-first paper may have nothing closer.
DATE_FIELDS = ("issued", "published-print", "published-online", "published", "created")
UpdateKind = Literal["retraction", "correction", "expression-of-concern", "withdrawal", "other"]
UPDATE_KINDS: dict[str, UpdateKind] = {
    "retraction": "retraction",
    "partial_retraction": "retraction",  # still a retraction notice a reader must see
    "correction": "correction",
    "corrigendum": "correction",
    "erratum": "correction",
    "expression_of_concern": "expression-of-concern",
    "withdrawal": "withdrawal",
    "removal": "withdrawal",
}
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")  # JATS, MathML, HTML: not "p < 0.05"
_SPACE = re.compile(r"\s+")


def work_url(base: str, doi: str, mailto: str = "") -> str:
    """`/works/{doi}`; a DOI's `?`, `#`, `;` and `<>` are escaped, its slashes kept."""
    url = f"{base}/works/{quote(doi, safe='/')}"
    return f"{url}?{urlencode({'mailto': mailto})}" if mailto else url


def search_url(base: str, bibliographic: str, author: str, rows: int, mailto: str = "") -> str:
    params = {"query.bibliographic": bibliographic, "rows": str(rows), "select": SELECT}
    if author:
        params["query.author"] = author
    if mailto:
        params["mailto"] = mailto
    return f"{base}/works?{urlencode(params)}"


def load_json(body: bytes) -> tuple[Any, str]:
    """The decoded JSON and "", or None and why it is not JSON (an HTML page, a cut answer)."""
    if body.lstrip()[:1] == b"<":
        return None, "answered HTML, not JSON"
    try:
        return json.loads(body), ""
    except ValueError as error:  # UnicodeDecodeError is a ValueError too
        return None, f"answered malformed JSON ({error})"


def clean(value: Any) -> str:
    """Text without markup tags, entities or runs of white space; "" for anything but text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", value))).strip()


def first(value: Any) -> str:
    """The first string of a Crossref list (`title`, `container-title`), or the string itself."""
    if isinstance(value, list):
        return next((clean(v) for v in value if clean(v)), "")
    return clean(value)


def strings(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(text for text in map(clean, items) if text)


def people(value: Any) -> tuple[Person, ...]:
    """Crossref or CSL names: given/family, or `name`/`literal` for organisations."""
    found = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        family, given = clean(item.get("family")), clean(item.get("given"))
        literal = clean(item.get("name")) or clean(item.get("literal"))
        if family or given:
            found.append(Person(family, given))
        elif literal:
            found.append(Person("", literal=literal))
    return tuple(found)


def date_parts(value: Any) -> tuple[int, ...]:
    """`{"date-parts": [[2016, 3, 9]]}` → (2016, 3, 9); () when absent or `[[null]]`."""
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return ()
    numbers: list[int] = []
    for part in parts[0][:3]:
        if isinstance(part, str) and part.isdigit():
            part = int(part)
        if not isinstance(part, int) or isinstance(part, bool):
            break
        numbers.append(part)
    return tuple(numbers)


def iso_date(parts: tuple[int, ...]) -> str:
    return "-".join(f"{n:04d}" if i == 0 else f"{n:02d}" for i, n in enumerate(parts))


def full_title(title: str, subtitle: str) -> str:
    if not subtitle or subtitle.lower() in title.lower():  # some deposits repeat it in title
        return title or subtitle
    return f"{title} {subtitle}" if title[-1:] in ":?!." else f"{title}: {subtitle}"


def read_work(m: dict[str, Any], source_url: str, registry: RegistryName = "crossref") -> Record:
    """A Crossref work message (or CSL-JSON, whose fields are nearly the same) as a Record."""
    doi = clean(m.get("DOI"))
    found = [(key, date_parts(m.get(key))) for key in DATE_FIELDS]
    date = next((parts for _, parts in found if parts), ())
    page = clean(m.get("page")) or clean(m.get("article-number"))
    score = m.get("score")
    return Record(
        registry=registry,
        source_url=source_url,
        title=full_title(first(m.get("title")), first(m.get("subtitle"))),
        authors=people(m.get("author")),
        editors=people(m.get("editor")),
        year=date[0] if date else None,
        month=date[1] if len(date) > 1 and 1 <= date[1] <= 12 else None,
        day=date[2] if len(date) > 2 and 1 <= date[2] <= 31 else None,
        container=first(m.get("container-title")),
        containers=strings(m.get("container-title")),
        short_container=first(m.get("short-container-title"))
        or first(m.get("container-title-short")),
        volume=clean(m.get("volume")),
        issue=clean(m.get("issue")),
        pages=page,
        publisher=clean(m.get("publisher")),
        type=clean(m.get("type")),
        doi=doi,
        isbn=strings(m.get("ISBN")),
        issn=strings(m.get("ISSN")),
        url=clean(m.get("URL")),
        language=clean(m.get("language")),
        updates=updates_of(m, doi),
        score=float(score) if isinstance(score, int | float) else None,
        dates=tuple(dict.fromkeys((key, parts[0]) for key, parts in found if parts)),
    )


def updates_of(m: dict[str, Any], doi: str) -> tuple[Update, ...]:
    """`updated-by` notices, and `update-to` entries naming the work itself (a publisher that
    retracts in place, or a self-update); `update-to` naming another work makes this a notice."""
    found = []
    for field, own in (("updated-by", False), ("update-to", True)):
        for item in m.get(field) or []:
            if not isinstance(item, dict):
                continue
            target = clean(item.get("DOI"))
            if own and normalise_doi(target) != normalise_doi(doi):
                continue
            kind = UPDATE_KINDS.get(clean(item.get("type")).lower().replace("-", "_"), "other")
            date = iso_date(date_parts(item.get("updated")))
            found.append(Update(kind, target, date, clean(item.get("source"))))
    return tuple(dict.fromkeys(found))  # one notice may be listed under both fields


def notice_of(m: dict[str, Any]) -> str:
    """What the work is a notice of, e.g. "a retraction notice for 10.x/y"; "" for a work."""
    doi = clean(m.get("DOI"))
    notes = [
        f"a {clean(item.get('type')).replace('_', ' ') or 'update'} notice for {item['DOI']}"
        for item in m.get("update-to") or []
        if isinstance(item, dict) and normalise_doi(str(item.get("DOI", doi))) != normalise_doi(doi)
    ]
    return "; ".join(notes)


def parse_work(body: bytes, source_url: str) -> Lookup:
    """A `/works/{doi}` answer: {"status":"ok","message-type":"work","message":{...}}."""
    data, problem = load_json(body)
    if problem:
        return Lookup("unavailable", detail=f"Crossref {problem}")
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict) or data.get("status") != "ok":
        return Lookup("unavailable", detail="Crossref answered without a work")
    return Lookup("found", read_work(message, source_url), detail=notice_of(message))


def parse_search(body: bytes, base: str) -> Lookup:
    """A `/works?query.bibliographic=` answer: the hits best first, each with its score."""
    data, problem = load_json(body)
    if problem:
        return Lookup("unavailable", detail=f"Crossref {problem}")
    message = data.get("message") if isinstance(data, dict) else None
    items = message.get("items") if isinstance(message, dict) else None
    if not isinstance(items, list) or data.get("status") != "ok":
        return Lookup("unavailable", detail="Crossref answered without a list of works")
    hits = [
        read_work(item, work_url(base, clean(item.get("DOI"))))
        for item in items
        if isinstance(item, dict)
    ]
    hits.sort(key=lambda r: -(r.score or 0.0))  # stable: Crossref's own order breaks ties
    if not hits:
        return Lookup("not-found", detail="Crossref found no candidates")
    return Lookup("found", hits[0], candidates=tuple(hits))
