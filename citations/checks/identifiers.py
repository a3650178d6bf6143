"""The identifiers check: findings for DOI, ISBN, ISSN, PMID, PMCID, arXiv and URL fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..findings import Finding, Rule
from ..identifiers import (
    bare_doi,
    isbn_problem,
    issn_problem,
    normalise_pmcid,
    normalise_pmid,
    parse_arxiv,
    url_problem,
    valid_arxiv,
    valid_doi,
)
from ..model import Reference
from ..snapshot import Snapshot
from .base import Check, entry_finding

DOI = Rule("invalid-doi", "error", "a DOI that is not 10.NNNN/suffix, or has spaces in it")
DOI_FORM = Rule(
    "doi-not-normalized", "warning", "a DOI written as a link or with a `doi:` prefix", fixable=True
)
ISBN = Rule("invalid-isbn", "error", "an ISBN of the wrong length or with a wrong check digit")
ISSN = Rule("invalid-issn", "error", "an ISSN that is not NNNN-NNNC or has a wrong check digit")
PMID = Rule("invalid-pmid", "error", "a PubMed id that is not 1–8 digits")
PMCID = Rule("invalid-pmcid", "error", "a PubMed Central id that is not PMC followed by digits")
ARXIV = Rule("invalid-arxiv", "error", "an arXiv id in neither the new (2101.00001) nor old form")
URL = Rule("invalid-url", "error", "a URL that cannot be parsed, has no host, or has spaces")
URL_SCHEME = Rule("url-not-http", "warning", "a URL whose scheme is not http or https")
RULES = (DOI, DOI_FORM, ISBN, ISSN, PMID, PMCID, ARXIV, URL, URL_SCHEME)

_LIST = re.compile(r"\s*[,;]\s*")


def run(snapshot: Snapshot) -> Iterator[Finding]:
    for ref in snapshot.library:
        raw = ref.raw
        for name in ref.field_lines:  # own fields: inherited ones are reported at the parent
            checker = _CHECKERS.get(name)
            if checker is None:
                continue
            value = raw[name].strip()
            if value.strip("{}"):  # empty: the fields check reports it
                yield from checker(snapshot, ref, name, value)


def _doi(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    bare = bare_doi(value)
    if not valid_doi(bare):
        yield entry_finding(
            snapshot,
            DOI,
            ref,
            f"'{value}' is not a DOI",
            field=name,
            hint="a DOI looks like 10.1371/journal.pone.0150367, with no spaces",
        )
    elif bare != value:
        yield entry_finding(
            snapshot,
            DOI_FORM,
            ref,
            f"DOI '{value}' is not written bare",
            field=name,
            hint=f"write doi = {{{bare}}}; styles add the link",
            fix_value=bare,
        )


def _isbn(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    for item in _LIST.split(value):
        problem = isbn_problem(item)
        if problem:
            yield entry_finding(
                snapshot,
                ISBN,
                ref,
                f"ISBN '{item}' {problem}",
                field=name,
                hint="hyphens and spaces are fine; check the digits",
            )
            return


def _issn(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    for item in _LIST.split(value):
        problem = issn_problem(item)
        if problem:
            yield entry_finding(
                snapshot,
                ISSN,
                ref,
                f"ISSN '{item}' {problem}",
                field=name,
                hint="an ISSN looks like 1932-6203",
            )
            return


def _pmid(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    pmid = normalise_pmid(value)
    if pmid and value.isdigit():
        return
    hint = f"write only the number: {pmid}" if pmid else "a PMID is 1 to 8 digits"
    yield entry_finding(snapshot, PMID, ref, f"'{value}' is not a PMID", field=name, hint=hint)


def _pmcid(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    pmcid = normalise_pmcid(value)
    if pmcid == value:
        return
    hint = "a PMCID is PMC followed by digits, e.g. PMC4784927"
    if pmcid:
        hint = f"add the prefix: {pmcid}" if value.isdigit() else f"write PMC in capitals: {pmcid}"
    yield entry_finding(snapshot, PMCID, ref, f"'{value}' is not a PMCID", field=name, hint=hint)


def _arxiv(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    if name == "eprint":
        kind = ref.raw.get("eprinttype") or ref.raw.get("archiveprefix") or ""
        if kind.strip().lower() != "arxiv":
            return
    if valid_arxiv(value):
        return
    bare = parse_arxiv(value)
    hint = "new style 2101.00001 (v2), old style hep-th/9901001"
    if bare and bare != value:
        hint = f"write only the id: {bare}"
    yield entry_finding(
        snapshot, ARXIV, ref, f"'{value}' is not an arXiv id", field=name, hint=hint
    )


def _url(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    problem, scheme = url_problem(value)
    if problem:
        yield entry_finding(
            snapshot,
            URL,
            ref,
            f"'{value}' is not a valid URL: {problem}",
            field=name,
            hint="write the address as the browser shows it",
        )
    elif scheme not in ("http", "https"):
        yield entry_finding(
            snapshot,
            URL_SCHEME,
            ref,
            f"URL '{value}' is not an http(s) address",
            field=name,
            hint="readers' browsers open http and https links; is there a web address?",
        )


Checker = Callable[[Snapshot, Reference, str, str], Iterator[Finding]]
_CHECKERS: dict[str, Checker] = {
    "doi": _doi,
    "isbn": _isbn,
    "issn": _issn,
    "pmid": _pmid,
    "pmcid": _pmcid,
    "eprint": _arxiv,
    "arxiv": _arxiv,
    "url": _url,
}

CHECK = Check("identifiers", run, RULES)
