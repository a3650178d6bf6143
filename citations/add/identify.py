"""What the user typed after `citations add`: a DOI, PMID, PMCID, arXiv id, ISBN, web page, or a
reference as printed, to search for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from ..identifiers import (
    bare_doi,
    find_doi,
    isbn_problem,
    normalise_pmcid,
    normalise_pmid,
    parse_arxiv,
    parse_isbn,
    valid_arxiv,
)
from .citation import looks_like_citation

Kind = Literal["doi", "pmid", "pmcid", "arxiv", "isbn", "url", "citation"]


@dataclass(frozen=True)
class Identifier:
    """One work to add: `value` is normalised (a bare DOI, `PMC123`, `2101.00001v2`, ...)."""

    kind: Kind
    value: str
    given: str  # as typed, for messages


@dataclass(frozen=True)
class BadIdentifier:
    """Text that names no work we can look up, and why."""

    given: str
    reason: str


_DOI_HOSTS = ("doi.org", "dx.doi.org", "www.doi.org")
_LABEL = re.compile(r"^(doi|pmid|pmcid|arxiv|isbn)\s*:\s*", re.I)
_PUBMED_PATH = re.compile(r"^/(?:pubmed/)?(\d+)/?$")
_PMC_PATH = re.compile(r"/(PMC\d+)/?$", re.I)


def identify(text: str) -> Identifier | BadIdentifier:
    """Read one identifier; never raises. A URL that is no registry's becomes a web page;
    text of four words or more that is no identifier is a reference to search for."""
    given = text
    text = text.strip()
    label = _LABEL.match(text)
    if label:
        return _labelled(label[1].lower(), text[label.end() :].strip(), given)
    if re.match(r"^https?://", text, re.I):
        return _from_url(text, given)
    if text.lower().startswith("10."):
        return _doi(text, given)
    if text[:3].upper() == "PMC" and (pmcid := normalise_pmcid(text)):  # digits: a PMID
        return Identifier("pmcid", pmcid, given)
    if pmid := normalise_pmid(text):
        return Identifier("pmid", pmid, given)
    if len(isbn := parse_isbn(text)) == 13:  # an ISBN-10 needs its label, isbn:
        return Identifier("isbn", isbn, given)
    if valid_arxiv(text):
        return Identifier("arxiv", text, given)
    if looks_like_citation(text):
        return Identifier("citation", " ".join(text.split()), given)
    return BadIdentifier(
        given,
        "not a DOI, PMID, PMCID, arXiv id, ISBN, http(s) URL or reference as printed"
        " (write e.g. doi:10.1/x)",
    )


def _labelled(label: str, rest: str, given: str) -> Identifier | BadIdentifier:
    if label == "doi":
        return _doi(rest, given)
    if label == "pmid":
        if pmid := normalise_pmid(rest):
            return Identifier("pmid", pmid, given)
        return BadIdentifier(given, "a PMID is 1 to 8 digits")
    if label == "pmcid":
        if pmcid := normalise_pmcid(rest):
            return Identifier("pmcid", pmcid, given)
        return BadIdentifier(given, "a PMCID is PMC followed by digits, e.g. PMC4784927")
    if label == "arxiv":
        if valid_arxiv(rest):
            return Identifier("arxiv", rest, given)
        return BadIdentifier(given, "an arXiv id is 2101.00001 (v2) or hep-th/9901001")
    problem = isbn_problem(rest)
    if problem:
        return BadIdentifier(given, f"the ISBN {problem}")
    return Identifier("isbn", parse_isbn(rest), given)


def _doi(text: str, given: str) -> Identifier | BadIdentifier:
    bare = bare_doi(text)
    doi = find_doi(bare)
    if not doi or not bare.startswith(doi):  # typed, the text starts with the DOI
        return BadIdentifier(given, "a DOI looks like 10.1371/journal.pone.0150367")
    return Identifier("doi", doi, given)


def _from_url(url: str, given: str) -> Identifier | BadIdentifier:
    try:
        parts = urlsplit(url)
    except ValueError:
        return BadIdentifier(given, "not a valid URL")
    host = (parts.hostname or "").lower()
    if not host:
        return BadIdentifier(given, "a URL needs a host")
    path = unquote(parts.path)
    if host in _DOI_HOSTS:
        doi = find_doi(path, in_url=True)
        return Identifier("doi", doi, given) if doi else BadIdentifier(given, "no DOI in the URL")
    if host.endswith("arxiv.org"):
        arxiv_id = parse_arxiv(url)
        if valid_arxiv(arxiv_id):
            return Identifier("arxiv", arxiv_id, given)
    if host in ("pubmed.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov"):
        m = _PUBMED_PATH.match(path)
        if m and (pmid := normalise_pmid(m[1])):
            return Identifier("pmid", pmid, given)
    if host.endswith("ncbi.nlm.nih.gov") and "pmc" in (host + path).lower():
        m = _PMC_PATH.search(path)
        if m and (pmcid := normalise_pmcid(m[1])):
            return Identifier("pmcid", pmcid, given)
    doi = find_doi(unquote(url), in_url=True)
    if doi:
        return Identifier("doi", doi, given)
    return Identifier("url", url, given)
