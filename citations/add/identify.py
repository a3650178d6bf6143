"""What the user typed after `citations add`: a DOI, PMID, PMCID, arXiv id, ISBN, web page, or a
reference as printed, to search for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from ..checks.identifiers import arxiv_valid, isbn_problem
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


_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
_DOI_IN_URL = re.compile(r"10\.\d{4,9}(?:\.\d+)*/[^\s?#&\"<>]+")
_DOI_HOSTS = ("doi.org", "dx.doi.org", "www.doi.org")
_LABEL = re.compile(r"^(doi|pmid|pmcid|arxiv|isbn)\s*:\s*", re.I)
# What publishers put after a DOI in their URLs: views of the article, not part of the DOI.
_URL_SUFFIXES = re.compile(
    r"(?:[./](?:full|pdf|epdf|abstract|fulltext|html|meta|summary|references|figures|"
    r"full-text|pdfft|xml))+$",
    re.I,
)
_TRAILING = ".,;:'\"!]>}"
_PMC = re.compile(r"PMC\d{1,9}", re.I)
_PMID = re.compile(r"\d{1,8}")
_ARXIV_PATH = re.compile(r"^/(?:abs|pdf|html)/(.+?)(?:\.pdf)?/?$")
_PUBMED_PATH = re.compile(r"^/(?:pubmed/)?(\d{1,8})/?$")
_PMC_PATH = re.compile(r"/(PMC\d{1,9})/?$", re.I)


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
    if _PMC.fullmatch(text):
        return Identifier("pmcid", "PMC" + text[3:], given)
    if _PMID.fullmatch(text):
        return Identifier("pmid", str(int(text)), given)
    digits = re.sub(r"[-\s]", "", text)
    if len(digits) == 13 and digits.isdigit() and not isbn_problem(digits):
        return Identifier("isbn", digits, given)
    if arxiv_valid(text):
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
        if _PMID.fullmatch(rest):
            return Identifier("pmid", str(int(rest)), given)
        return BadIdentifier(given, "a PMID is 1 to 8 digits")
    if label == "pmcid":
        rest = rest if rest.upper().startswith("PMC") else "PMC" + rest
        if _PMC.fullmatch(rest):
            return Identifier("pmcid", "PMC" + rest[3:], given)
        return BadIdentifier(given, "a PMCID is PMC followed by digits, e.g. PMC4784927")
    if label == "arxiv":
        if arxiv_valid(rest):
            return Identifier("arxiv", rest, given)
        return BadIdentifier(given, "an arXiv id is 2101.00001 (v2) or hep-th/9901001")
    problem = isbn_problem(rest)
    if problem:
        return BadIdentifier(given, f"the ISBN {problem}")
    return Identifier("isbn", re.sub(r"[-\s]", "", rest).upper(), given)


def _doi(text: str, given: str) -> Identifier | BadIdentifier:
    doi = clean_doi(unquote(text.strip()))
    if doi is None:
        return BadIdentifier(given, "a DOI looks like 10.1371/journal.pone.0150367")
    return Identifier("doi", doi, given)


def clean_doi(text: str, *, from_url: bool = False) -> str | None:
    """The DOI at the start of `text` without trailing punctuation (and, `from_url`, without
    what publishers append in their URLs: /full, /pdf, .pdf, ...)."""
    match = (_DOI_IN_URL if from_url else _DOI).match(text)
    if match is None:
        return None
    doi = match[0]
    while True:
        before = doi
        doi = (_URL_SUFFIXES.sub("", doi) if from_url else doi).rstrip(_TRAILING)
        # A closing parenthesis is the DOI's own only if it closes one the DOI opened.
        if doi.endswith(")") and doi.count(")") > doi.count("("):
            doi = doi[:-1]
        if doi == before:
            break
    if from_url and doi.lower().startswith("10.1101/"):  # bioRxiv pages add the version: v2
        doi = re.sub(r"v\d+$", "", doi)
    return doi if "/" in doi and not doi.endswith("/") else None


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
        doi = clean_doi(path.lstrip("/"), from_url=True)
        return Identifier("doi", doi, given) if doi else BadIdentifier(given, "no DOI in the URL")
    if host.endswith("arxiv.org"):
        m = _ARXIV_PATH.match(path)
        if m and arxiv_valid(m[1]):
            return Identifier("arxiv", m[1], given)
    if host in ("pubmed.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov"):
        m = _PUBMED_PATH.match(path)
        if m:
            return Identifier("pmid", str(int(m[1])), given)
    if host.endswith("ncbi.nlm.nih.gov") and "pmc" in (host + path).lower():
        m = _PMC_PATH.search(path)
        if m:
            return Identifier("pmcid", "PMC" + m[1][3:], given)
    found = _DOI_IN_URL.search(unquote(url))
    if found:
        doi = clean_doi(found[0], from_url=True)
        if doi:
            return Identifier("doi", doi, given)
    return Identifier("url", url, given)


def normalise_doi(doi: str) -> str:
    """A DOI as compared: bare, percent-decoded, lower case (DOIs are case-insensitive)."""
    text = unquote(doi.strip())
    text = re.sub(r"^(?:https?://(?:dx\.|www\.)?doi\.org/|doi:\s*)", "", text, flags=re.I)
    return text.strip().lower()
