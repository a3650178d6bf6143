"""A reference as printed (`Usichenko TI, Dinse M, et al. Auricular ... Pain. 2005;114:320-327.`)
→ the work it names, or why none can be named.

Crossref's `query.bibliographic` is made for this: it ranks candidates for a free-text
reference. Its score alone decides nothing (a high score can be a wrong work): a candidate is
accepted only when its own facts can be read in the text, the way Crossref validates its own
reference matches. Its title must be there nearly word for word, its first author's family name
and its year too. When several candidates pass, the one whose volume and first page are also in
the text wins, and only if it is the only one that does best.

PubMed's citation matcher (ecitmatch) is asked next, for journals without DOIs, when the text
has the AMA/Vancouver shape `Journal. Year;Volume(Issue):Page`; its answer is held to the same
test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..registries.model import Record
from ..verify.compare import TITLE_SAME, norm_title

MIN_WORDS = 4  # fewer words than this are a typo'd identifier, not a reference
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_NUMBER = re.compile(r"(?<![\w.])[A-Za-z]?\d+(?![\d.]\d)")
# `Pain. 2005;114:320-327`, `Zhongguo Zhen Jiu. 2010 Dec;30(12):982-4`: the year, volume, issue
# and first page after the journal (whose name is the sentence before: NLM abbreviations have
# no periods).
_WHERE = re.compile(
    r"\.\s*(?P<year>(?:1[5-9]|20)\d\d)(?:\s+[A-Za-z]{3}[A-Za-z-]*(?:\s+\d{1,2})?)?\s*;"
    r"\s*(?P<volume>[\w-]+)(?:\s*\([^)]*\))?\s*:\s*(?P<page>[A-Za-z]?\d+)"
)


@dataclass(frozen=True)
class Fields:
    """What PubMed's citation matcher takes: `journal|year|volume|first page|author|`."""

    journal: str
    year: str
    volume: str
    page: str
    author: str  # the first author as printed: "Usichenko TI"


@dataclass(frozen=True)
class Fit:
    """How well a candidate's facts are found in the text: `agree` counts volume and first
    page found; `similarity` is the title's (0-100)."""

    similarity: float
    agree: int


def looks_like_citation(text: str) -> bool:
    """Words enough to be a reference, with letters among them."""
    return len(text.split()) >= MIN_WORDS and any(c.isalpha() for c in text)


def fit(text: str, record: Record) -> Fit | None:
    """The candidate's fit to `text`, or None if its title, first author or year is not in it."""
    said, title = norm_title(text), norm_title(record.title)
    if len(title.split()) < 2 or len(title) > len(said):
        return None
    similarity = float(fuzz.partial_ratio(title, said))
    if similarity < TITLE_SAME:
        return None
    if record.authors:
        first = record.authors[0]
        family = norm_title(first.family or first.literal)
        if not family or f" {family} " not in f" {said} ":
            return None
    years = {int(y) for y in _YEAR.findall(text)}
    # Online first, in print the next year: the same work if its volume or first page agrees.
    year_off = bool(record.year and years and record.year not in years)
    if record.year and year_off and not {record.year - 1, record.year + 1} & years:
        return None
    numbers = {n.lower() for n in _NUMBER.findall(text)}
    first_page = re.split(r"[-–—]", record.pages, maxsplit=1)[0].strip().lower()
    agree = (bool(record.volume) and record.volume.lower() in numbers) + (
        bool(first_page) and first_page in numbers
    )
    if year_off and not agree:
        return None
    return Fit(similarity, int(agree))


def choose(text: str, candidates: tuple[Record, ...] | list[Record]) -> Record | str:
    """The one candidate that fits `text` best, or why none is chosen."""
    fits = [(f, c) for c in candidates if (f := fit(text, c)) is not None]
    if not fits:
        return "no candidate's title, first author and year are all in the text"
    best = max(f.agree for f, _ in fits)
    top = [(f, c) for f, c in fits if f.agree == best]
    top.sort(key=lambda pair: -pair[0].similarity)
    if len(top) > 1 and top[0][0].similarity - top[1][0].similarity < 5:
        dois = ", ".join(f"doi:{c.doi}" for _, c in top[:3] if c.doi) or "several works"
        return f"it fits more than one work ({dois}): add the right one by its identifier"
    return top[0][1]


def vancouver_fields(text: str) -> Fields | None:
    """Journal, year, volume, first page and first author of an AMA/Vancouver reference."""
    found = list(_WHERE.finditer(text))
    if not found:
        return None
    where = found[-1]  # the last: a title may itself hold `. 2005;1:2`
    journal = text[: where.start()].rsplit(". ", 1)[-1].strip()
    author = text.split(",", 1)[0].split(".", 1)[0].strip()
    if not journal or journal == text[: where.start()].strip() or not author:
        return None
    if len(author.split()) > 4:
        return None
    return Fields(" ".join(journal.split()), where["year"], where["volume"], where["page"], author)
