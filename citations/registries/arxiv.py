"""arXiv's query API: the request URL, and its Atom feed (untrusted XML) read into a Record."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from ..identifiers import split_arxiv_version
from .crossref import clean
from .model import Lookup, Person, Record

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le"}


def query_url(base: str, arxiv_id: str) -> str:
    return f"{base}/query?{urlencode({'id_list': arxiv_id, 'max_results': '1'}, safe='/')}"


def parse_feed(body: bytes, source_url: str) -> Lookup:
    """The first entry of an Atom feed; no entry, or arXiv's "Error" entry, is not-found."""
    # ElementTree expands internal entities: a hostile answer could blow up memory, so XML
    # declaring any DTD is refused (arXiv's feeds never carry one).
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", body, re.IGNORECASE):
        return Lookup("unavailable", detail="arXiv answered XML with a DTD (refused)")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        return Lookup("unavailable", detail=f"arXiv answered malformed XML ({error})")
    if root.tag != f"{{{NS['atom']}}}feed":
        return Lookup("unavailable", detail="arXiv answered without an Atom feed")
    entry = root.find("atom:entry", NS)
    if entry is None:
        return Lookup("not-found", detail="arXiv has no such id")
    entry_id = _text(entry, "atom:id")
    if _text(entry, "atom:title") == "Error" or "/api/errors" in entry_id:
        return Lookup("not-found", detail=f"arXiv: {_text(entry, 'atom:summary') or 'error'}")
    published = _text(entry, "atom:published")[:10].split("-")
    numbers = [int(p) for p in published if p.isdigit()]
    link = next(
        (
            str(el.get("href"))
            for el in entry.findall("atom:link", NS)
            if el.get("rel") == "alternate" and el.get("href")
        ),
        entry_id,
    )
    journal_ref = _text(entry, "arxiv:journal_ref")
    record = Record(
        registry="arxiv",
        source_url=source_url,
        title=_text(entry, "atom:title"),
        authors=tuple(
            split_name(name)
            for name in (_text(a, "atom:name") for a in entry.findall("atom:author", NS))
            if name
        ),
        year=numbers[0] if numbers else None,
        month=numbers[1] if len(numbers) > 1 else None,
        day=numbers[2] if len(numbers) > 2 else None,
        publisher="arXiv",
        type="posted-content",
        doi=_text(entry, "arxiv:doi"),
        arxiv=split_arxiv_version(entry_id.rsplit("/abs/", 1)[-1])[0],
        url=link,
    )
    return Lookup("found", record, detail=f"journal_ref: {journal_ref}" if journal_ref else "")


def split_name(name: str) -> Person:
    """An Atom author: "Aidan N. Gomez" → Person("Gomez", "Aidan N."); particles stay family."""
    words = name.split()
    if len(words) < 2:
        return Person(name)
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return Person(" ".join(words[cut:]), " ".join(words[:cut]))


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path, NS)
    return clean(found.text) if found is not None and found.text else ""
