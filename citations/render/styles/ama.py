"""AMA Manual of Style, 11th edition (2020): the reference list entries of chapter 3."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...model import Reference
from ...richtext import Emph, Part
from .base import (
    MONTHS,
    PRINTED,
    Block,
    Date,
    Style,
    StyleOptions,
    block,
    doi_link,
    issued,
    name_list,
    option,
    page_range,
    parse_date,
    template_table,
    web_link,
    years,
)
from .biblatex import edition_text, eprint_part, pubstate, titled
from .casing import is_english, title_case

_THESIS = {"phdthesis": "Dissertation", "mastersthesis": "Master's thesis"}
_WEB = {"online", "electronic", "www", "webpage"}
_BOOKS = {
    "book",
    "mvbook",
    "collection",
    "mvcollection",
    "proceedings",
    "mvproceedings",
    "reference",
    "mvreference",
    "booklet",
    "manual",
}
_PARTS = {"inbook", "incollection", "bookinbook", "suppbook", "inreference", "suppcollection"}
_REPORTS = {"report", "techreport"}
_PAPERS = {"inproceedings", "conference"}
_PROCEEDINGS = {"proceedings", "mvproceedings"}
# biblatex's `pubstate` keys as AMA prints them (an accepted article is "In press").
_STATES = {"inpress": "In press", "forthcoming": "Forthcoming", "submitted": "Submitted"}


@dataclass(frozen=True)
class AmaOptions(StyleOptions):
    use_short_journal: bool = option(
        True, "print shortjournal (the NLM abbreviation AMA uses) instead of journal"
    )
    title_case_books: bool = option(True, "books, reports and theses in title case (AMA 3.9.1)")


class AmaStyle(Style):
    """AMA 11th ed.: `Author AA, Author BB. Title. Journal. Year;Vol(Issue):pages. doi:...`"""

    name = "ama"
    description = "AMA Manual of Style, 11th edition (medicine)"
    Options = AmaOptions
    options: AmaOptions
    printed = PRINTED | {"note"}  # a @misc's note

    def kind(self, ref: Reference) -> str:
        """A periodical with a journal is cited as an article."""
        if ref.type in ("periodical", "suppperiodical") and ref.get("journal"):
            return "article"
        return super().kind(ref)

    # --- entry types ---------------------------------------------------------------------------

    def _article(self, ref: Reference) -> list[Block | None]:
        journal = self._journal(ref)
        return [
            self._authors(ref),
            *self._titles(ref),
            block(Emph((journal,)) if journal else None),
            *self._issue_parts(ref),
            *self._links(ref),
        ]

    def _web(self, ref: Reference) -> list[Block | None]:
        site = ref.get("organization") or ref.get("publisher") or ref.get("howpublished")
        site = site or ref.get("journal") or ref.get("institution")
        updated, reviewed = ref.get("updated"), ref.get("reviewed")
        published = parse_date(ref.get("date")) if ref.get("date") else None
        if published is None and not (updated or reviewed):
            published = issued(ref)  # with no other date shown, the year is the publication's
        return [
            self._authors(ref),
            *self._titles(ref),
            block(site) if site and site != ref.get("title") else None,
            block("Published ", _date(published)) if published else None,
            block("Updated ", _date(parse_date(updated))) if updated else None,
            block("Reviewed ", _date(parse_date(reviewed))) if reviewed else None,
            *self._links(ref, web=True),
        ]

    def _book(self, ref: Reference) -> list[Block | None]:
        editors = self._editor_text(ref)
        authors = self._authors(ref) or (block(editors) if editors else None)
        return [
            authors,
            *self._titles(ref, work="title"),
            self._volume_edition(ref, volume=not ref.get("maintitle")),
            self._meeting(ref) if ref.type in _PROCEEDINGS else None,
            self._publisher_year(ref),
            *self._links(ref),
        ]

    def _part(self, ref: Reference) -> list[Block | None]:
        """Chapters and papers in proceedings: `In: Editor A, ed. Book. Publisher; Year:pages.`

        A paper with no proceedings is one presented at a meeting (AMA 3.13):
        `Presented at: Meeting; September 2002; Tempe, AZ.`
        """
        container = ref.get("booktitle") or ref.get("maintitle") or ref.get("journal")
        if ref.type in _PAPERS and not container and ref.get("eventtitle"):
            return [self._authors(ref), *self._titles(ref), _presented(ref), *self._links(ref)]
        editors = self._editor_text(ref)
        into: list[Part] = ["In: "]
        if editors:
            into.append(f"{editors}. " if container else editors)
        if ref.get("booktitle") or ref.get("maintitle"):
            into.extend(self._work(ref, "booktitle"))
        elif container:
            into.append(Emph((self._journal(ref, short=False),)))
        return [
            self._authors(ref),
            *self._titles(ref),
            block(*into) if (container or editors) else None,
            self._meeting(ref) if ref.type in _PAPERS else None,
            self._volume_edition(ref, volume=not ref.get("maintitle")),
            self._publisher_year(ref, pages=True),
            *self._links(ref),
        ]

    def _report(self, ref: Reference) -> list[Block | None]:
        number = ref.get("number")
        kind = ref.get("type")
        label = f"{kind} {number}".strip() if number else ""
        return [
            self._authors(ref),
            *self._titles(ref, work="title"),
            self._publisher_year(ref, publisher=ref.get("institution") or ref.get("publisher")),
            block(label) if label else None,
            *self._links(ref),
        ]

    def _thesis(self, ref: Reference) -> list[Block | None]:
        kind = _THESIS.get(ref.type) or ref.get("type") or "Thesis"
        kind = {"phdthesis": "Dissertation", "mathesis": "Master's thesis"}.get(kind, kind)
        school = ref.get("school") or ref.get("institution")
        return [
            self._authors(ref),
            *self._titles(ref, work="title"),
            block(kind),
            self._publisher_year(ref, publisher=school),
            *self._links(ref),
        ]

    def _misc(self, ref: Reference) -> list[Block | None]:
        where = ref.get("howpublished") or ref.get("publisher") or ref.get("organization")
        date = issued(ref)
        return [
            self._authors(ref),
            *self._titles(ref),
            block(where) if where else None,
            block(_date(date)) if date else None,
            block(ref.get("note")) if ref.get("note") else None,
            *self._links(ref),
        ]

    # --- pieces -----------------------------------------------------------------------------------

    def _titles(self, ref: Reference, *, work: str = "") -> list[Block | None]:
        """The title and its subtitle, then `titleaddon` as a block of its own: biblatex's
        standard styles print the addon after the title as a separate unit, and neither manual
        has a place for it inside the title. A `work` (a book's `title`) is italic, in title
        case, and printed after its `maintitle` when it is a volume of one."""
        title = block(*self._work(ref, work)) if work else block(titled(ref, "title")[0])
        return [title, block(ref.get("titleaddon"))]

    def _work(self, ref: Reference, field: str) -> list[Part]:
        """A book's title in italics; a volume of a multivolume work (`maintitle`) prints the
        whole work's title first, then the volume's: `*Main*. Vol 2: *Volume title*` (AMA
        gives a book's volume number and title after its title, before the edition)."""
        text, raw = titled(ref, field)
        main, main_raw = titled(ref, "maintitle")
        parts: list[Part] = [Emph((self._cased(ref, text, raw),))] if text else []
        if not main:
            return parts
        volume = ref.get("volume")
        label = [f"Vol {volume}" + (": " if parts else "")] if volume else []
        joint = [". "] if (label or parts) else []
        return [Emph((self._cased(ref, main, main_raw),)), *joint, *label, *parts]

    def _cased(self, ref: Reference, text: str, raw: str) -> str:
        """A book's title in title case, when the option is on and the entry is English; `raw`
        is the title as written, for the words it braces."""
        if not self.options.title_case_books:
            return text
        if not is_english(ref.get("langid") or ref.get("language")):
            return text
        return title_case(text, raw)

    def _authors(self, ref: Reference) -> Block | None:
        o = self.options
        text = name_list(ref.authors, o.et_al_min, o.et_al_use_first)
        return block(text)

    def _editor_text(self, ref: Reference) -> str:
        """`Smith J, Jones K, eds` (AMA writes no period after eds inside the In: part)."""
        o = self.options
        names = ref.editors
        if not names.names:
            return ""
        text = name_list(names, o.et_al_min, o.et_al_use_first)
        many = len(names.names) > 1 or names.others
        return f"{text}, {'eds' if many else 'ed'}"

    def _journal(self, ref: Reference, *, short: bool = True) -> str:
        """The journal: its NLM abbreviation (`shortjournal`) when the option allows, else its
        full title with any `journalsubtitle`."""
        if short and self.options.use_short_journal and ref.get("shortjournal"):
            return ref.get("shortjournal")
        return titled(ref, "journal")[0]

    def _issue_parts(self, ref: Reference) -> list[Block | None]:
        """The issue part, with the article's `pubstate`: `In press` after it (AMA 11th ed.,
        references: an accepted article not yet published is cited "In press"), and an article
        published ahead of print as `Published online March 9, 2020` in place of the year."""
        state = pubstate(ref)
        if state != "prepublished":
            return [block(self._issue_part(ref)), block(_STATES.get(state, state))]
        date = issued(ref)
        online = f"Published online {_date(date)}" if date else "Published online"
        return [block(online), block(self._issue_part(ref, year=False))]

    def _issue_part(self, ref: Reference, *, year: bool = True) -> str:
        """`2016;11(3):e0150367` with whatever parts exist, and no dangling separators."""
        date = issued(ref) if year else None
        volume = ref.get("volume")
        issue = ref.get("number") or ref.get("issue")
        pages = _pages(ref.get("pages") or ref.get("eid"))
        text = years(date) if date else ""
        if volume:
            text += f";{volume}" if text else volume
            if issue and self.options.show_issue:
                text += f"({issue})"
        elif issue and self.options.show_issue:
            text += f";({issue})" if text else f"({issue})"
        if pages:
            text += f":{pages}" if text else pages
        return text

    def _volume_edition(self, ref: Reference, *, volume: bool = True) -> Block | None:
        """`Vol 2. 3rd ed`: the volume (unless the title already gave it) before the edition."""
        edition = edition_text(ref.get("edition"))
        number = f"Vol {ref.get('volume')}" if volume and ref.get("volume") else ""
        parts = [p for p in (number, edition) if p]
        return block(". ".join(parts)) if parts else None

    def _meeting(self, ref: Reference) -> Block | None:
        """A published proceedings' meeting, when `eventtitle` names one the book title does
        not: `46th Annual Meeting; September 2002; Tempe, AZ` (the form of AMA 3.13's
        "Presented at:"; `location` is the publisher's there, so only `venue` is the place)."""
        event = ref.get("eventtitle")
        named = ref.get("booktitle") if ref.type in _PAPERS else ref.get("title")
        if not event or event.casefold() in named.casefold():
            return None
        date = parse_date(ref.get("eventdate")) if ref.get("eventdate") else None
        return block("; ".join(p for p in (event, _date(date), ref.get("venue")) if p))

    def _publisher_year(
        self, ref: Reference, *, publisher: str | None = None, pages: bool = False
    ) -> Block | None:
        name = publisher if publisher is not None else ref.get("publisher")
        date = issued(ref)
        text = name or ""
        if date:
            text += f"; {years(date)}" if text else years(date)
        page_text = _pages(ref.get("pages")) if pages else ""
        if page_text:
            text += f":{page_text}" if text else page_text
        return block(text) if text else None

    def _links(self, ref: Reference, *, web: bool = False) -> list[Block | None]:
        """`doi:...`, or `Accessed April 1, 2025. https://...`: a URL always comes with the date
        it was accessed (AMA 3.15); a web page keeps its accessed date even with no URL shown.
        """
        o = self.options
        doi, url = ref.get("doi"), ref.get("url")
        by_doi = bool(doi) and o.show_doi
        by_url = not by_doi and bool(url) and o.show_url
        out = self._notes(ref)
        if o.show_accessed and url and ref.get("urldate") and (by_url or web):
            out.append(block("Accessed ", _date(parse_date(ref.get("urldate")))))
        if by_doi:
            out.append(block(doi_link(doi), close=False))
        elif by_url:
            out.append(block(web_link(url), close=False))
        eprint = eprint_part(ref, "PMID:")
        out.append(block(eprint, close=isinstance(eprint, str)) if eprint else None)
        return out

    def _notes(self, ref: Reference) -> list[Block | None]:
        """Before the links: a work's `pubstate` (an article's is in its issue part) and its
        `origdate`, `Originally published 1890`."""
        state = "" if self.kind(ref) == "article" else pubstate(ref)
        if state == "prepublished":
            date = issued(ref)
            state = f"Published online {_date(date)}" if date else "Published online"
        original = parse_date(ref.get("origdate")) if ref.get("origdate") else None
        return [
            block(_STATES.get(state, state)),
            block(f"Originally published {years(original)}") if original else None,
        ]

    templates = template_table(
        ({"article"}, _article),
        (_WEB, _web),
        (_PARTS | _PAPERS, _part),
        (_BOOKS, _book),
        (_REPORTS, _report),
        ({*_THESIS, "thesis"}, _thesis),
        default=_misc,
    )


def _date(date: Date | None) -> str:
    """AMA dates: `March 9, 2016`, `April 2025`, `2023`; ranges `January 5-March 1, 2020`,
    `January 5-9, 2020`, `2019-2020`, `December 30, 2019-January 2, 2020`, and `1988-`."""
    if date is None:
        return ""
    end = date.end
    if date.ongoing:
        return f"{_date(replace(date, ongoing=False))}-"
    if end is None or end.year != date.year or not (date.month and end.month):
        one = _one_date(date)
        return f"{one}-{_one_date(end)}" if end is not None and one != str(end.year) else one
    if date.month == end.month and date.day and end.day:
        return f"{MONTHS[date.month - 1]} {date.day}-{end.day}, {date.year}"
    start = _one_date(replace(date, end=None)).removesuffix(f" {date.year}").rstrip(",")
    return f"{start}-{_one_date(end)}"


def _one_date(date: Date) -> str:
    if date.month and date.day:
        return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"
    if date.month:
        return f"{MONTHS[date.month - 1]} {date.year}"
    return str(date.year)


def _presented(ref: Reference) -> Block | None:
    """`Presented at: Meeting; September 2002; Tempe, AZ`: meeting, its date, its place."""
    date = parse_date(ref.get("eventdate")) if ref.get("eventdate") else issued(ref)
    place = ref.get("venue") or ref.get("location") or ref.get("address")
    parts = [p for p in (ref.get("eventtitle"), _date(date), place) if p]
    return block("Presented at: ", "; ".join(parts))


def _pages(pages: str) -> str:
    """AMA prints ranges in full with a hyphen: 320-327."""
    span = page_range(pages)
    return f"{span[0]}-{span[1]}" if span else pages.strip()
