"""biblatex's fields as both styles print them: subtitles, places, editions, eprints, states."""

from __future__ import annotations

import re

from ...model import Reference
from ...richtext import Link, Part
from .base import decimal, ordinal

# Each printed title and the field holding its subtitle (biblatex manual §2.2.2).
SUBTITLES = {
    "title": "subtitle",
    "booktitle": "booksubtitle",
    "maintitle": "mainsubtitle",
    "journaltitle": "journalsubtitle",
    "journal": "journalsubtitle",
}
# A title ending in one of these takes its subtitle after a space, not after ": ".
_TITLE_STOPS = (":", "?", "!", ".")
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
_ORDINAL_WORDS = {word: n for n, word in enumerate(_ORDINALS.split(" "), 1)}
_NUMBERED = re.compile(r"^(\d+)(?:st|nd|rd|th)?\.?$", re.I)
_EDITION_WORD = re.compile(r"\s*\b(?:edition|edn\.?|ed\.?)$", re.I)
# eprinttype → the label biblatex prints before the identifier, and the link it resolves to.
_EPRINT_LINKS = {
    "arxiv": ("arXiv:", "https://arxiv.org/abs/"),
    "hdl": ("hdl:", "https://hdl.handle.net/"),
    "jstor": ("JSTOR: ", "https://www.jstor.org/stable/"),
}
_EPRINT_LABELS = {"googlebooks": "Google Books: ", "pmcid": "PMCID: ", "doi": "doi:"}
# biblatex's localisation keys for `pubstate` (biblatex manual §4.9.2.11).
PUBSTATES = {"inpress", "forthcoming", "submitted", "prepublished"}


def titled(ref: Reference, field: str) -> tuple[str, str]:
    """`field` with its subtitle, `Acupuncture in practice: a handbook`, and the two as written
    in the .bib file (for the braces that protect a word's case). `journal` falls back to
    `journaltitle`, biblatex's name for it."""
    if field == "journal" and not ref.get("journal"):
        field = "journaltitle"
    title, subtitle = ref.get(field), ref.get(SUBTITLES.get(field, ""))
    raw = " ".join(ref.raw.get(f, "") for f in (field, SUBTITLES.get(field, "")))
    return join_subtitle(title, subtitle), raw


def join_subtitle(title: str, subtitle: str) -> str:
    """`Title: subtitle`: both manuals join a subtitle with a colon and keep its case as
    written in sentence-case titles (title case raises it: casing.py). After a title that
    ends in its own stop (`Does it work?`) a space joins them, and the subtitle, now a new
    sentence, starts with a capital unless its first word has one of its own (`mRNA`)."""
    if not (title and subtitle):
        return title or subtitle
    if not title.rstrip().endswith(_TITLE_STOPS):
        return f"{title}: {subtitle}"
    first = subtitle.split(" ", 1)[0]
    if first[:1].isalpha() and first == first.lower():
        subtitle = subtitle[0].upper() + subtitle[1:]
    return f"{title} {subtitle}"


def place(ref: Reference) -> str:
    """The place of publication: biblatex's `location`, or BibTeX's `address` it replaces."""
    return ref.get("location") or ref.get("address")


def edition_text(edition: str) -> str:
    """`2` → `2nd ed`, `Second` → `2nd ed`, `3rd edition` → `3rd ed`, `Revised` → `Revised ed`.

    biblatex takes an integer or a literal (manual §2.2.2, `edition`); BibTeX styles expect an
    ordinal word (`Second`). Both manuals abbreviate the word edition as `ed`.
    """
    text = _EDITION_WORD.sub("", edition.strip()).rstrip(" .,")
    if not text:
        return ""
    number = _NUMBERED.match(text)
    count = decimal(number[1]) if number else _ORDINAL_WORDS.get(text.lower())
    return f"{ordinal(count)} ed" if count is not None else f"{text} ed"


def eprint_part(ref: Reference, pubmed: str) -> Part | None:
    """`eprint` as biblatex prints it for its `eprinttype`: `arXiv:2101.00001 [cs.CL]` and
    `hdl:...` link to their resolvers; `pubmed` prints `pubmed` then the PMID; another type
    `Type: id`. `archiveprefix` and `primaryclass` are the arXiv exports' names for
    `eprinttype` and `eprintclass`."""
    value = ref.get("eprint").strip()
    if not value:
        return None
    kind = (ref.get("eprinttype") or ref.get("archiveprefix")).strip()
    if kind.lower() == "pubmed":
        return f"{pubmed} {value}"
    if kind.lower() in _EPRINT_LINKS:
        label, base = _EPRINT_LINKS[kind.lower()]
        text = f"{label}{value}"
        category = (ref.get("eprintclass") or ref.get("primaryclass")).strip()
        if kind.lower() == "arxiv" and category and "/" not in value:
            text += f" [{category}]"  # an old-style id (hep-th/9901001) names its class
        return Link(f"{base}{value}", text)
    label = _EPRINT_LABELS.get(kind.lower(), f"{kind}: " if kind else "eprint: ")
    return f"{label}{value}"


def pubstate(ref: Reference) -> str:
    """`pubstate` as biblatex's key (`inpress`, `forthcoming`, ...), else the text as written
    with its first letter raised (`Accepted`); empty when the field is."""
    text = ref.get("pubstate").strip()
    key = text.lower().replace(" ", "").replace("-", "")
    if key in PUBSTATES:
        return key
    return text[:1].upper() + text[1:]
