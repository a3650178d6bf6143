"""Identifier syntax: DOI, ISBN and ISSN checksums, PMID, PMCID, arXiv ids and URLs (no network)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from ..findings import Finding, Rule
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

_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
_DOI_PREFIX = re.compile(r"(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi:\s*|doi\s+", re.I)
_ISBN_SEPARATORS = re.compile(r"[-\s]")
_ISBN_10 = re.compile(r"\d{9}[\dX]")
_ISBN_13 = re.compile(r"97[89]\d{10}")
_ISSN = re.compile(r"(\d{4})[- ]?(\d{3}[\dX])")
_LIST = re.compile(r"\s*[,;]\s*")
_PMID = re.compile(r"\d{1,8}")
_PMID_LABEL = re.compile(r"pmid:?\s*(\d{1,8})", re.I)
_PMCID = re.compile(r"PMC\d{1,9}")
# New style (2007 on): YYMM.NNNN until 1412, YYMM.NNNNN from 1501; old: archive[.SC]/YYMMNNN.
_ARXIV_NEW = re.compile(r"(\d{2})(\d{2})\.(\d{4,5})(?:v\d+)?")
_ARXIV_OLD = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
_HOST = re.compile(
    r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.?|[0-9a-f]*:[0-9a-f:.]*"
)


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
    prefix = _DOI_PREFIX.match(value)
    bare = value[prefix.end() :].strip() if prefix else value
    if not _DOI.fullmatch(bare):
        yield entry_finding(
            snapshot, DOI, ref, f"'{value}' is not a DOI", field=name,
            hint="a DOI looks like 10.1371/journal.pone.0150367, with no spaces",
        )  # fmt: skip
    elif bare != value:
        yield entry_finding(
            snapshot, DOI_FORM, ref, f"DOI '{value}' is not written bare", field=name,
            hint=f"write doi = {{{bare}}}; styles add the link", fix_value=bare,
        )  # fmt: skip


def _isbn(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    for item in _LIST.split(value):
        problem = isbn_problem(item)
        if problem:
            yield entry_finding(snapshot, ISBN, ref, f"ISBN '{item}' {problem}", field=name,
                                hint="hyphens and spaces are fine; check the digits")  # fmt: skip
            return


def isbn_problem(text: str) -> str:
    """Why `text` is not an ISBN-10 or ISBN-13, or ""."""
    digits = _ISBN_SEPARATORS.sub("", text).upper()
    if _ISBN_10.fullmatch(digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return "" if total % 11 == 0 else "has a wrong check digit"
    if _ISBN_13.fullmatch(digits):
        total = sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits))
        return "" if total % 10 == 0 else "has a wrong check digit"
    return "is not 10 or 13 digits (978/979...)"


def _issn(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    for item in _LIST.split(value):
        problem = issn_problem(item)
        if problem:
            yield entry_finding(snapshot, ISSN, ref, f"ISSN '{item}' {problem}", field=name,
                                hint="an ISSN looks like 1932-6203")  # fmt: skip
            return


def issn_problem(text: str) -> str:
    """Why `text` is not an ISSN, or ""."""
    m = _ISSN.fullmatch(text.upper())
    if m is None:
        return "is not of the form NNNN-NNNC"
    digits = m[1] + m[2]
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return "" if digits[7] == ("X" if check == 10 else str(check)) else "has a wrong check digit"


def _pmid(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    if _PMID.fullmatch(value):
        return
    label = _PMID_LABEL.fullmatch(value)
    hint = f"write only the number: {label[1]}" if label else "a PMID is 1 to 8 digits"
    yield entry_finding(snapshot, PMID, ref, f"'{value}' is not a PMID", field=name, hint=hint)


def _pmcid(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    if _PMCID.fullmatch(value):
        return
    hint = "a PMCID is PMC followed by digits, e.g. PMC4784927"
    if value.isdigit():
        hint = f"add the prefix: PMC{value}"
    elif value.upper().startswith("PMC") and value[3:].isdigit():
        hint = f"write PMC in capitals: PMC{value[3:]}"
    yield entry_finding(snapshot, PMCID, ref, f"'{value}' is not a PMCID", field=name, hint=hint)


def _arxiv(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    if name == "eprint":
        kind = ref.raw.get("eprinttype") or ref.raw.get("archiveprefix") or ""
        if kind.strip().lower() != "arxiv":
            return
    if arxiv_valid(value):
        return
    hint = "new style 2101.00001 (v2), old style hep-th/9901001"
    if value.lower().startswith("arxiv:"):
        hint = f"write only the id: {value[6:].strip()}"
    yield entry_finding(snapshot, ARXIV, ref, f"'{value}' is not an arXiv id", field=name,
                        hint=hint)  # fmt: skip


def arxiv_valid(text: str) -> bool:
    m = _ARXIV_NEW.fullmatch(text)
    if m is not None:
        year, month, number = int(m[1]), int(m[2]), m[3]
        if not 1 <= month <= 12 or (year, month) < (7, 4):
            return False
        return len(number) == (4 if year < 15 else 5)
    return _ARXIV_OLD.fullmatch(text) is not None


def _url(snapshot: Snapshot, ref: Reference, name: str, value: str) -> Iterator[Finding]:
    problem, scheme = url_problem(value)
    if problem:
        yield entry_finding(
            snapshot, URL, ref, f"'{value}' is not a valid URL: {problem}", field=name,
            hint="write the address as the browser shows it",
        )  # fmt: skip
    elif scheme not in ("http", "https"):
        yield entry_finding(
            snapshot, URL_SCHEME, ref, f"URL '{value}' is not an http(s) address", field=name,
            hint="readers' browsers open http and https links; is there a web address?",
        )  # fmt: skip


def url_problem(text: str) -> tuple[str, str]:
    """(why `text` is not a URL or "", its lower-case scheme)."""
    if any(c.isspace() for c in text):
        return "it contains spaces (write them as %20)", ""
    if "\\" in text:
        return "it contains a backslash (the field is verbatim: write _ and %, not \\_ and \\%)", ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return "it cannot be parsed (an unclosed [ in the host?)", ""
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "its port is not a number", ""
    scheme = parts.scheme.lower()
    if not scheme or "." in scheme:  # `example.org:8080/x` reads as scheme "example.org"
        return "it has no scheme (start it with https://)", ""
    if scheme in ("http", "https", "ftp", "ftps"):
        host = parts.hostname or ""
        if not host:
            return "it has no host", scheme
        if not _HOST.fullmatch(host):
            return f"'{host}' is not a host name", scheme
    return "", scheme


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
