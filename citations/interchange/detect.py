"""Which exchange format a file is in, told by its content first and its name second."""

from __future__ import annotations

import re
from collections.abc import Callable

from .csljson import looks_like_csl_json, read_csl_json
from .medline import looks_like_medline, read_medline
from .ris import looks_like_ris, read_ris
from .work import Read

IMPORT_FORMATS = ("nbib", "ris", "csl-json", "bibtex")
# The formats read from text here; BibTeX is read by the library's own loader.
TEXT_READERS: dict[str, Callable[[str], Read]] = {
    "nbib": read_medline,
    "ris": read_ris,
    "csl-json": read_csl_json,
}
_SUFFIXES = {
    ".nbib": "nbib", ".medline": "nbib", ".ris": "ris", ".json": "csl-json",
    ".bib": "bibtex", ".bibtex": "bibtex",
}  # fmt: skip
_BIBTEX = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.M)


def detect_format(name: str, text: str) -> str | None:
    """The format `text` is in (a `.txt` from PubMed is MEDLINE, a `.json` may be anything):
    its content decides; the file name's suffix only when the content tells nothing."""
    if looks_like_csl_json(text):
        return "csl-json"
    if looks_like_medline(text):
        return "nbib"
    if looks_like_ris(text):
        return "ris"
    if _BIBTEX.search(text[:65536]):
        return "bibtex"
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return _SUFFIXES.get(suffix)
