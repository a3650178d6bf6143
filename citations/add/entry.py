"""A registry Record or a WebPage as a clean BibTeX entry: its type, fields and their text."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..registries.model import Person, Record
from .keys import STOP_WORDS
from .webpage import WebPage

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
TYPES = {
    "journal-article": "article", "article-journal": "article",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "book-chapter": "incollection", "book-section": "incollection", "book-part": "incollection",
    "chapter": "incollection", "reference-entry": "incollection",
    "proceedings-article": "inproceedings", "paper-conference": "inproceedings",
    "report": "techreport", "report-component": "techreport",
    "dissertation": "phdthesis", "thesis": "phdthesis",
}  # fmt: skip
# biblatex language names for the codes registries give (ISO 639-1 and PubMed's 639-2).
LANGUAGES = {
    "chi": "chinese", "zh": "chinese", "jpn": "japanese", "ja": "japanese", "ger": "german",
    "de": "german", "fre": "french", "fr": "french", "spa": "spanish", "es": "spanish",
    "rus": "russian", "ru": "russian", "por": "portuguese", "pt": "portuguese",
    "ita": "italian", "it": "italian", "kor": "korean", "ko": "korean", "dut": "dutch",
    "nl": "dutch", "pol": "polish", "pl": "polish", "tur": "turkish", "tr": "turkish",
}  # fmt: skip
_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
            "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}"}  # fmt: skip
_SUBTITLE_DASH = re.compile(r"\s+(?:[\u2013\u2014]|--?)\s+")
# A word for casing: letters and digits with a letter among them (H2O2, B12); R&D is one word.
_AMP_WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*(?:&[^\W_]+)*")
# A word to brace: letters (joined by \& as in R\&D); never a command's name (\textbackslash).
_LETTERS = re.compile(r"(?<![\\\w])[^\W_]*[^\W\d_][^\W_]*(?:\\&[^\W_]+)*")


@dataclass(frozen=True)
class Entry:
    """A BibTeX entry to write: `fields` are (name, value text with its delimiters)."""

    type: str
    key: str
    fields: tuple[tuple[str, str], ...]

    def text(self) -> str:
        """`@type{key,` then `  name = {value},` one a line, as refs/example.bib writes them."""
        body = "".join(f"  {name} = {value},\n" for name, value in self.fields)
        return f"@{self.type}{{{self.key},\n{body}}}\n"


# --- records ---------------------------------------------------------------------------------


def record_entry(record: Record, key: str, *, sentence_case: bool = False) -> Entry:
    """The entry for a registry record: its type's fields, in a fixed order, none empty."""
    kind = entry_type(record)
    arxiv = kind == "misc" and bool(record.arxiv)
    container = record.short_container or record.container
    f = _Fields()
    f.add("author", names(record.authors, record.registry))
    if kind in ("book", "incollection", "inproceedings") or not record.authors:
        f.add("editor", names(record.editors, record.registry))
    f.add("title", title_text(record.title, sentence_case=sentence_case))
    if kind == "article":
        f.add("journal", escape(container))
        f.add("issn", record.issn[0] if record.issn else "")
    elif kind in ("incollection", "inproceedings"):
        f.add("booktitle", title_text(record.container))
    by = {"techreport": "institution", "phdthesis": "school"}.get(kind, "publisher")
    if kind != "article" and not arxiv:
        f.add(by, escape(record.publisher))
    f.add("year", str(record.year) if record.year else "")
    if record.month and 1 <= record.month <= 12:
        f.add_bare("month", MONTHS[record.month - 1])
    f.add("volume", escape(record.volume))
    f.add("number", escape(record.issue))
    f.add("pages", pages(record.pages))
    if kind in ("book", "incollection"):
        f.add("isbn", record.isbn[0] if record.isbn else "")
    f.add("doi", record.doi)
    f.add("pmid", record.pmid)
    f.add("pmcid", record.pmcid)
    if record.arxiv and kind == "misc":
        f.add("eprint", record.arxiv)
        f.add("eprinttype", "arxiv")
    web_only = not (record.doi or record.pmid or record.pmcid or record.isbn)
    if record.arxiv and kind == "misc":
        f.add("url", f"https://arxiv.org/abs/{record.arxiv}")
    elif web_only:
        f.add("url", record.url)
    f.add("langid", LANGUAGES.get(record.language.lower(), ""))
    return Entry(kind, key, tuple(f.items))


def entry_type(record: Record) -> str:
    """The BibTeX type of a CSL/Crossref type: preprints, datasets and the rest are misc."""
    return TYPES.get(record.type, "misc")


# --- web pages -------------------------------------------------------------------------------


def page_entry(page: WebPage, key: str, accessed: str, *, sentence_case: bool = False) -> Entry:
    """`@online` for a page (`@article` if its Highwire tags name a journal but no DOI).

    A page with no author line is authored by its site, as AMA allows; `urldate` is
    `accessed` (ISO: 2025-04 or 2025-04-17).
    """
    f = _Fields()
    authors = page.authors or ((Person(family="", literal=page.site),) if page.site else ())
    f.add("author", names(authors, ""))
    f.add("title", title_text(page.title, sentence_case=sentence_case))
    year = (page.published or page.updated or page.reviewed)[:4]
    if page.journal:
        f.add("journal", escape(page.journal))
        f.add("issn", page.issn)
        f.add("year", year)
        f.add("volume", escape(page.volume))
        f.add("number", escape(page.issue))
        f.add("pages", pages(page.pages))
    else:
        f.add("organization", escape(page.site))
        precise = len(page.published) > 4
        f.add("date" if precise else "year", page.published if precise else year)
        f.add("updated", page.updated)
        f.add("reviewed", page.reviewed)
    f.add("urldate", accessed)
    f.add("url", page.url)
    return Entry("article" if page.journal else "online", key, tuple(f.items))


# --- field values ----------------------------------------------------------------------------


class _Fields:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, name: str, value: str) -> None:
        if value.strip():
            self.items.append((name, "{" + value.strip() + "}"))

    def add_bare(self, name: str, value: str) -> None:
        self.items.append((name, value))


def names(people: Sequence[Person], registry: str) -> str:
    """`Family, Given and ...`; organisations braced whole; PubMed's `XP` becomes `X. P.`."""
    out = []
    for p in people:
        if p.literal and not p.family:
            out.append("{" + escape(p.literal) + "}")
            continue
        family = escape(p.family)
        if re.search(r"\band\b|,", p.family):
            family = "{" + family + "}"
        given = p.given
        if registry == "ncbi" and re.fullmatch(r"[A-Z]{1,4}", given):
            given = " ".join(c + "." for c in given)
        out.append(f"{family}, {escape(given)}" if given else family)
    return " and ".join(out)


def title_text(title: str, *, sentence_case: bool = False) -> str:
    """The registry's title: PubMed's [translation brackets] and a final period removed, LaTeX
    specials escaped, and braces where a BibTeX style must not lowercase.

    A subtitle set off by a spaced dash (`Title – a subtitle`, as publishers typeset it) is
    set off by a colon, as AMA, Vancouver and BibTeX's own styles write it.

    The case is kept as given unless `sentence_case`, which lowers the capitalised words of a
    Title Case title (not the first word, not acronyms). Every word with two capitals is
    braced ({DNA}, {COVID}-19, {mRNA}); in a title already in sentence case, so is every
    capitalised word after the first (a proper noun, or a subtitle's deliberate capital:
    `Osteoarthritis: {Symptoms} and causes`). A Title Case title's capitals say nothing.
    """
    text = " ".join(_strip_tags(title).split())
    bracketed = re.fullmatch(r"\[(.+)\]\.?", text)
    if bracketed:
        text = bracketed[1]
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if ":" not in text:  # `Title – a subtitle` as typeset: a colon, as styles print them
        text = _SUBTITLE_DASH.sub(": ", text, count=1)
    titled = is_title_case(text)
    if sentence_case and titled:
        text, titled = _lower_words(text), False
    return protect(escape(text), proper_nouns=not titled)


def is_title_case(text: str) -> bool:
    """Most words after the first that are not stop words start with a capital."""
    words = [w for w in _AMP_WORD.findall(text)[1:] if w.lower() not in STOP_WORDS]
    words = [w for w in words if not is_acronym(w)]  # capitals in any case style
    capitals = sum(w[:1].isupper() for w in words)
    return len(words) >= 2 and capitals >= 0.75 * len(words)


def is_acronym(word: str) -> bool:
    """Two capitals (DNA, mRNA, R&D), or a capital among digits (H2O2, B12, IL6)."""
    capitals = sum(c.isupper() for c in word)
    return capitals >= 2 or (capitals == 1 and any(c.isdigit() for c in word))


def _lower_words(text: str) -> str:
    """`The Efficacy of Post-Operative Care: A Review` → `The efficacy of post-operative care:
    a review`: words with one capital, first letter only, are lowered; acronyms stay."""

    def lower(match: re.Match[str]) -> str:
        word = match[0]
        if match.start() == first or is_acronym(word) or not word[0].isupper():
            return word
        return word.lower()

    found = _AMP_WORD.search(text)
    first = found.start() if found else -1
    return _AMP_WORD.sub(lower, text)


def protect(text: str, *, proper_nouns: bool = True) -> str:
    """Brace acronyms and (`proper_nouns`) every capitalised word but the first."""
    first = _LETTERS.search(text)

    def brace(match: re.Match[str]) -> str:
        word = match[0]
        later = first is not None and match.start() != first.start()
        if is_acronym(word.replace("\\&", "&")) or (proper_nouns and later and word[:1].isupper()):
            return "{" + word + "}"
        return word

    return _LETTERS.sub(brace, text)


def escape(text: str) -> str:
    """Plain text as BibTeX text: the characters LaTeX gives a meaning escaped."""
    return "".join(_ESCAPES.get(c, c) for c in " ".join(text.split()))


def pages(text: str) -> str:
    """`982-4` → `982--984` (PubMed elides), `320–327` → `320--327`, `e0150367` as is."""
    text = text.strip().replace("–", "-").replace("—", "-")
    m = re.fullmatch(r"([A-Za-z]*)(\d+)\s*-+\s*([A-Za-z]*)(\d+)", text)
    if m is None:
        return escape(text)
    prefix, first, prefix2, last = m.groups()
    if len(last) < len(first) and prefix2 in ("", prefix):
        full = first[: len(first) - len(last)] + last
        if int(full) >= int(first):
            last = full
    return f"{prefix}{first}--{prefix2 or prefix}{last}"


def _strip_tags(text: str) -> str:
    """Crossref titles carry JATS/HTML markup (<i>, <sub>, <scp>): keep the words only."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))
