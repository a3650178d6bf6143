"""A web page's own metadata (meta tags, Highwire citation_*, JSON-LD) read into a WebPage."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..identifiers import bare_doi
from ..net.http import Client
from ..registries.model import Person

MAX_REDIRECTS = 5
MAX_PAGE = 2 << 20  # a page's metadata sits in its head: two megabytes is plenty
# Words that make an author line an organisation rather than a person.
_ORG_WORDS = frozenset(
    {
        "academy",
        "agency",
        "association",
        "board",
        "center",
        "centre",
        "clinic",
        "college",
        "committee",
        "council",
        "department",
        "editors",
        "editorial",
        "foundation",
        "group",
        "hospital",
        "inc",
        "institute",
        "library",
        "ltd",
        "ministry",
        "network",
        "news",
        "office",
        "organisation",
        "organization",
        "press",
        "program",
        "programme",
        "project",
        "service",
        "services",
        "society",
        "staff",
        "team",
        "trust",
        "university",
    }
)
_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "dos",
        "la",
        "le",
        "ten",
        "ter",
    }
)
_ISO = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ")


@dataclass(frozen=True)
class WebPage:
    """What a page says about itself; empty strings where it says nothing.

    Dates are ISO 8601 as precise as the page gives them (`2023`, `2023-05-17`). `doi` is a
    Highwire `citation_doi`: the page is that article's, and the DOI is the better source.
    """

    url: str
    title: str = ""
    authors: tuple[Person, ...] = ()
    site: str = ""
    published: str = ""
    updated: str = ""
    reviewed: str = ""
    doi: str = ""
    journal: str = ""  # citation_journal_title: an article without a DOI
    volume: str = ""
    issue: str = ""
    pages: str = ""
    issn: str = ""


def fetch_page(client: Client, url: str, fetch_url: str = "") -> WebPage | str:
    """Fetch `url` (from `fetch_url` if given: a mirror or a test server) and read its head.

    Redirects are followed (at most MAX_REDIRECTS); a failure is a message, never an error.
    """
    target = fetch_url or url
    for _ in range(MAX_REDIRECTS + 1):
        exchange = client.request(
            "GET", target, headers={"Accept": "text/html,application/xhtml+xml"}, max_body=MAX_PAGE
        )
        response = exchange.response
        if response is None:
            error = exchange.error
            kind = error.kind if error else "unknown"
            detail = f": {error.message}" if error and error.message else ""
            return f"could not fetch the page ({kind}{detail})"
        location = response.headers.get("location", "")
        if response.status in (301, 302, 303, 307, 308) and location:
            target = urljoin(target, location)
            continue
        if response.status != 200:
            return f"the page answered {response.status} {response.reason}".rstrip()
        kind = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
        if kind not in ("text/html", "application/xhtml+xml"):
            return f"not a web page ({kind})"
        return read_page(_decode(response.body, response.headers.get("content-type", "")), url)
    return f"more than {MAX_REDIRECTS} redirects"


def read_page(html: str, url: str) -> WebPage:
    """The metadata in a page's HTML; `url` is the address the page is cited by."""
    head = _Head()
    head.feed(html)
    head.close()
    meta, ld = head.meta, _ld_nodes(head.scripts)

    def first(*names: str) -> str:
        return next((meta[n][0] for n in names if meta.get(n)), "")

    site = first("og:site_name", "citation_publisher", "dc.publisher")
    site = site or _ld_text(ld, "publisher") or _host(url)
    title = first("citation_title", "og:title", "dc.title") or _ld_text(ld, "headline")
    title = title or _ld_text(ld, "name") or _strip_site(head.title, site)
    authors = _people(meta.get("citation_author", []), site)
    if not authors:
        authors = _ld_people(ld, site)
    if not authors:
        authors = _people(meta.get("author", []) + meta.get("article:author", []), site)
    first_page, last_page = first("citation_firstpage"), first("citation_lastpage")
    pages = f"{first_page}-{last_page}" if first_page and last_page else first_page
    return WebPage(
        url=url,
        title=" ".join(title.split()),
        authors=authors,
        site=" ".join(site.split()),
        published=_iso(
            first(
                "article:published_time",
                "citation_publication_date",
                "citation_date",
                "dc.date",
                "dcterms.date",
            )
            or _ld_text(ld, "datePublished")
        ),
        updated=_iso(
            first("article:modified_time", "og:updated_time", "dcterms.modified")
            or _ld_text(ld, "dateModified")
        ),
        reviewed=_iso(_ld_text(ld, "lastReviewed")),
        doi=bare_doi(first("citation_doi")),
        journal=first("citation_journal_title"),
        volume=first("citation_volume"),
        issue=first("citation_issue"),
        pages=pages,
        issn=first("citation_issn"),
    )


def is_organisation(name: str, site: str = "") -> bool:
    """An author line that names an organisation: the site itself, or an organisation word."""
    words = re.findall(r"[^\W\d_]+", name.lower())
    return name.strip().lower() == site.strip().lower() or any(w in _ORG_WORDS for w in words)


def person(name: str, site: str = "") -> Person:
    """`Smith, Jane`, `Jane van Smith` or an organisation, as a Person."""
    name = " ".join(name.split())
    if is_organisation(name, site) or " " not in name.strip(", "):
        return Person(family="", literal=name)
    if "," in name:
        family, _, given = name.partition(",")
        return Person(family=family.strip(), given=given.strip())
    words = name.split()
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return Person(family=" ".join(words[cut:]), given=" ".join(words[:cut]))


class _Head(HTMLParser):
    """Collects <title>, <meta name|property content> and JSON-LD scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.title = ""
        self.scripts: list[str] = []
        self._in: str = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            name = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            content = a.get("content", "").strip()
            if name and content:
                self.meta.setdefault(name, []).append(content)
        elif tag == "title" and not self.title:
            self._in = "title"
        elif tag == "script" and a.get("type", "").lower() == "application/ld+json":
            self._in = "script"
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "script"):
            self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts[-1] += data


def _ld_nodes(scripts: list[str]) -> list[dict[str, Any]]:
    """Every JSON-LD object, pages and articles first (they describe the page itself)."""
    nodes: list[dict[str, Any]] = []
    for text in scripts:
        try:
            data = json.loads(text)
        except ValueError:
            continue  # a broken script tells us nothing; the meta tags may still
        nodes.extend(_walk(data))

    def rank(node: dict[str, Any]) -> int:
        kinds = node.get("@type", "")
        kinds = " ".join(kinds) if isinstance(kinds, list) else str(kinds)
        return 0 if re.search(r"WebPage|Article|Posting|Report", kinds) else 1

    return sorted(nodes, key=rank)


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        yield data
        yield from _walk(data.get("@graph", []))


def _ld_text(nodes: list[dict[str, Any]], key: str) -> str:
    for node in nodes:
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, list) and value:
            value = value[0].get("name") if isinstance(value[0], dict) else value[0]
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


def _ld_people(nodes: list[dict[str, Any]], site: str) -> tuple[Person, ...]:
    for node in nodes:
        value = node.get("author")
        items = value if isinstance(value, list) else [value] if value else []
        people: list[Person] = []
        for item in items:
            if isinstance(item, str) and item.strip():
                people.append(person(item, site))
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                name = " ".join(item["name"].split())
                if "Organization" in str(item.get("@type", "")):
                    people.append(Person(family="", literal=name))
                elif name:
                    people.append(person(name, site))
        if people:
            return tuple(people)
    return ()


def _people(names: list[str], site: str) -> tuple[Person, ...]:
    return tuple(person(n, site) for n in dict.fromkeys(names) if n.strip())


def _iso(text: str) -> str:
    """`2023-05-17T10:00:00Z` → `2023-05-17`, `2023/5` → `2023-05`; "" if no year leads."""
    m = _ISO.match(text.strip())
    if m is None:
        return ""
    parts = [m[1]] + [f"{int(p):02d}" for p in (m[2], m[3]) if p]
    return "-".join(parts)


def _strip_site(title: str, site: str) -> str:
    """`Hip bursitis | Cleveland Clinic` → `Hip bursitis`: the site is said elsewhere."""
    title = " ".join(title.split())
    for sep in _TITLE_SEPARATORS:
        head, found, tail = title.rpartition(sep)
        if found and head and (not site or tail.strip().lower() == site.lower()):
            return head.strip()
    return title


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _decode(body: bytes, content_type: str) -> str:
    """The page's text in its charset (the header's, else a <meta charset>), else UTF-8."""
    header = re.search(r"charset=([\w-]+)", content_type, re.I)
    meta = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.I)
    name = header[1] if header else meta[1].decode("ascii") if meta else "utf-8"
    try:
        return body.decode(name, "replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", "replace")
