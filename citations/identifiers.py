"""Identifiers read, checked and compared: DOI, arXiv, PMID, PMCID, ISBN, ISSN, URL (no I/O).

Each kind has one reading here that every command uses: `bare_doi` (what is requested and
shown), `normalise_*` (what is compared: two spellings of one work give one value), and the
checks `valid_*` / `*_problem`. The normalisers return '' for text that is no such identifier.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# --- DOI -------------------------------------------------------------------------------------

# How text names a DOI around it: a doi.org link (any of its hosts, scheme or not) or a label.
_DOI_NAME = r"(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi(?::\s*|\s+)"
_DOI_NAMED = re.compile(_DOI_NAME, re.IGNORECASE)
_DOI_HEAD = r"10\.[0-9]{4,9}(?:\.[0-9]+)*/"  # directory 10, registrant (and its parts), slash
_DOI = re.compile(_DOI_HEAD + r"\S+")
_DOI_IN_URL = re.compile(_DOI_HEAD + r"[^\s?#&\"<>]+")
_DOI_IN_PROSE = re.compile(rf"(?:{_DOI_NAME})({_DOI_HEAD}\S+)", re.IGNORECASE)
_TRAILING = ".,;:'\"!]>}"  # what ends a sentence or a quotation after a DOI
# What publishers put after a DOI in their URLs: views of the article, not part of the DOI.
_URL_SUFFIXES = re.compile(
    r"(?:[./](?:full|pdf|epdf|abstract|fulltext|html|meta|summary|references|figures|"
    r"full-text|pdfft|xml))+$",
    re.IGNORECASE,
)
_BIORXIV_VERSION = re.compile(r"v[0-9]+$")


def bare_doi(text: str) -> str:
    """The DOI `text` writes, as registered: a doi.org link or `doi:` label around it taken
    off, percent-escapes decoded (`%2F` is `/`), LaTeX's `\\_` read as `_`. Its case is kept
    (it is shown and requested as written); nothing is checked: see `valid_doi`."""
    text = text.strip()
    named = _DOI_NAMED.match(text)
    if named:
        text = text[named.end() :]
    return unquote(text).replace("\\_", "_").strip()


def valid_doi(doi: str) -> bool:
    """Whether `doi` is a bare DOI: 10.NNNN/suffix (a 4 to 9 digit registrant), no spaces."""
    return _DOI.fullmatch(doi) is not None


def normalise_doi(text: str) -> str:
    """A DOI as compared: bare, spaces dropped, lower case (DOIs are case-insensitive); ''
    unless it is at least `10.x/y`. Lenient on purpose: two spellings of one malformed DOI
    are still one DOI."""
    doi = "".join(bare_doi(text).split()).lower()
    return doi if doi.startswith("10.") and "/" in doi else ""


def find_doi(text: str, *, named: bool = False, in_url: bool = False) -> str:
    """The first DOI in `text`, '' if none, without what ends a sentence after it (`.,;:!`,
    quotes, closing brackets, a `)` it did not open). `named`: only a DOI after `doi:` or in
    a doi.org link, as prose is full of other numbers. `in_url`: `text` is a URL, so the DOI
    stops at `?#&` and loses what publishers append (/full, /pdf, .pdf; bioRxiv's v2)."""
    if named:
        found = _DOI_IN_PROSE.search(text)
        doi = found[1] if found else ""
    else:
        found = (_DOI_IN_URL if in_url else _DOI).search(text)
        doi = found[0] if found else ""
    while True:
        before = doi
        doi = (_URL_SUFFIXES.sub("", doi) if in_url else doi).rstrip(_TRAILING)
        # A closing parenthesis is the DOI's own only if it closes one the DOI opened.
        if doi.endswith(")") and doi.count(")") > doi.count("("):
            doi = doi[:-1]
        if doi == before:
            break
    if in_url and doi.lower().startswith("10.1101/"):  # bioRxiv pages add the version: v2
        doi = _BIORXIV_VERSION.sub("", doi)
    return doi if "/" in doi and not doi.endswith("/") else ""


# --- arXiv -----------------------------------------------------------------------------------

# New style (2007 on): YYMM.NNNN until 1412, YYMM.NNNNN from 1501; old: archive[.SC]/YYMMNNN.
_ARXIV_NEW = re.compile(r"([0-9]{2})([0-9]{2})\.([0-9]{4,5})(?:v[0-9]+)?")
_ARXIV_OLD = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7}(?:v[0-9]+)?")
# The shape of any id, checked loosely (case, dates): the registry judges the rest.
_ARXIV_ID = r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z][a-z.-]*/[0-9]{7})(?:v[0-9]+)?"
_ARXIV_WRITTEN = re.compile(
    rf"(?:arxiv:\s*|(?:https?://)?(?:[\w-]+\.)*arxiv\.org/(?:abs|pdf|html)/)?({_ARXIV_ID})"
    r"(?:\.pdf)?/?",
    re.IGNORECASE,
)
_ARXIV_IN_PROSE = re.compile(
    rf"(?:arxiv:\s*|arxiv\.org/(?:abs|pdf|html)/)({_ARXIV_ID})(?![0-9])", re.IGNORECASE
)
_ARXIV_DOI = "10.48550/arxiv."  # arXiv's own DOIs (DataCite): 10.48550/arXiv.2101.00001
_ARXIV_VERSION = re.compile(r"v[0-9]+$")
_QUERY = re.compile(r"[?#]")


def parse_arxiv(text: str) -> str:
    """The arXiv id `text` writes (bare, after `arXiv:`, as an arxiv.org abs/pdf/html link or
    as arXiv's DOI), with its case and version; '' if it has no arXiv id's shape."""
    doi = bare_doi(text)
    if doi[: len(_ARXIV_DOI)].lower() == _ARXIV_DOI:
        text = doi[len(_ARXIV_DOI) :]
    found = _ARXIV_WRITTEN.fullmatch(_QUERY.split(text.strip(), maxsplit=1)[0])
    return found[1] if found else ""


def find_arxiv(text: str) -> str:
    """The first arXiv id named in prose (`arXiv preprint arXiv:1706.03762`, an arxiv.org
    link in a note), with its version; '' if none."""
    found = _ARXIV_IN_PROSE.search(text)
    return found[1] if found else ""


def valid_arxiv(text: str) -> bool:
    """Whether `text` is an arXiv id exactly as arXiv writes it: new style (2101.00001, four
    digits to 1412, from 0704 on) or old style (hep-th/9901001), a version (v2) allowed."""
    m = _ARXIV_NEW.fullmatch(text)
    if m is not None:
        year, month, number = int(m[1]), int(m[2]), m[3]
        if not 1 <= month <= 12 or (year, month) < (7, 4):
            return False
        return len(number) == (4 if year < 15 else 5)
    return _ARXIV_OLD.fullmatch(text) is not None


def split_arxiv_version(arxiv_id: str) -> tuple[str, str]:
    """`2101.00001v2` → (`2101.00001`, `v2`); an id without a version → (id, '')."""
    m = _ARXIV_VERSION.search(arxiv_id)
    return (arxiv_id[: m.start()], m[0]) if m else (arxiv_id, "")


def normalise_arxiv(text: str) -> str:
    """An arXiv id as compared: parsed, lower case, without its version (every version is
    one work); '' if it is not one."""
    return split_arxiv_version(parse_arxiv(text).lower())[0]


# --- PubMed ----------------------------------------------------------------------------------

_PMID = re.compile(r"(?:pmid:?\s*)?([0-9]{1,8})", re.IGNORECASE)
_PMCID = re.compile(r"(?:pmc)?([0-9]{1,9})", re.IGNORECASE)


def normalise_pmid(text: str) -> str:
    """A PubMed id as compared and requested: 1 to 8 digits, without a `PMID:` label or
    leading zeros (`PMID: 0123` is 123); '' if it is not one."""
    m = _PMID.fullmatch(text.strip())
    return m[1].lstrip("0") if m else ""


def normalise_pmcid(text: str) -> str:
    """A PubMed Central id as compared and requested: `PMC` in capitals and 1 to 9 digits
    (`pmc4784927` and `4784927` are PMC4784927); '' if it is not one."""
    m = _PMCID.fullmatch(text.strip())
    return f"PMC{m[1]}" if m else ""


# --- ISBN and ISSN ---------------------------------------------------------------------------

_ISBN_SEPARATORS = re.compile(r"[-\s]")
_ISBN_10 = re.compile(r"[0-9]{9}[0-9X]")
_ISBN_13 = re.compile(r"97[89][0-9]{10}")
_THIRTEEN_DIGITS = re.compile(r"[0-9]{13}")
_ISSN = re.compile(r"([0-9]{4})[- ]?([0-9]{3}[0-9X])")


def _compact_isbn(text: str) -> str:
    return _ISBN_SEPARATORS.sub("", text).upper()


def isbn_problem(text: str) -> str:
    """Why `text` is not an ISBN-10 or ISBN-13 (hyphens and spaces allowed), or ""."""
    digits = _compact_isbn(text)
    if _ISBN_10.fullmatch(digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return "" if total % 11 == 0 else "has a wrong check digit"
    if _ISBN_13.fullmatch(digits):
        total = sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits))
        return "" if total % 10 == 0 else "has a wrong check digit"
    return "is not 10 or 13 digits (978/979...)"


def parse_isbn(text: str) -> str:
    """A valid ISBN as written, without its hyphens and spaces (an ISBN-10 stays one); ''
    if it is not valid."""
    isbn = _compact_isbn(text)
    return isbn if not isbn_problem(isbn) else ""


def normalise_isbn(text: str) -> str:
    """An ISBN as compared and as Open Library is asked: its ISBN-13, separators dropped (an
    ISBN-10 gets the 978 prefix and a new check digit); '' unless 10 or 13 ISBN characters.
    Check digits are not checked: `isbn_problem` does that."""
    isbn = _compact_isbn(text)
    if _ISBN_10.fullmatch(isbn):
        body = "978" + isbn[:9]
        check = (10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body)) % 10) % 10
        return body + str(check)
    return isbn if _THIRTEEN_DIGITS.fullmatch(isbn) else ""


def issn_problem(text: str) -> str:
    """Why `text` is not an ISSN (NNNN-NNNC, C a check digit or X), or ""."""
    m = _ISSN.fullmatch(text.upper())
    if m is None:
        return "is not of the form NNNN-NNNC"
    digits = m[1] + m[2]
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return "" if digits[7] == ("X" if check == 10 else str(check)) else "has a wrong check digit"


# --- URL -------------------------------------------------------------------------------------

_HOST = re.compile(
    r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.?|[0-9a-f]*:[0-9a-f:.]*"
)
_URL_HEAD = re.compile(r"^https?://(?:www\.)?")


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


def is_http_url(url: str) -> bool:
    """Only http(s) URLs with a host are web addresses: never javascript:, data:, file: ..."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def normalise_url(url: str) -> str:
    """A URL as compared when adding pages: lower case, without its scheme, `www.` or a
    final slash (`https://www.example.org/a/` is `example.org/a`)."""
    return _URL_HEAD.sub("", url.strip().lower()).rstrip("/")
