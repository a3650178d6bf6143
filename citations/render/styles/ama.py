"""AMA Manual of Style, 11th edition (2020): the reference list entries of chapter 3."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Reference
from ...richtext import Emph
from .base import (
    MONTHS,
    Block,
    Date,
    Style,
    StyleOptions,
    block,
    decimal,
    doi_link,
    issued,
    name_list,
    option,
    ordinal,
    page_range,
    parse_date,
    template_table,
    web_link,
)
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
            block(ref.get("title")),
            block(Emph((journal,)) if journal else None),
            block(self._issue_part(ref)),
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
            block(ref.get("title")),
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
            self._book_title(ref),
            self._volume_edition(ref),
            self._publisher_year(ref),
            *self._links(ref),
        ]

    def _part(self, ref: Reference) -> list[Block | None]:
        """Chapters and papers in proceedings: `In: Editor A, ed. Book. Publisher; Year:pages.`

        A paper with no proceedings is one presented at a meeting (AMA 3.13):
        `Presented at: Meeting; September 2002; Tempe, AZ.`
        """
        container = ref.get("booktitle") or ref.get("journal")
        if ref.type in _PAPERS and not container and ref.get("eventtitle"):
            return [self._authors(ref), block(ref.get("title")), _presented(ref), *self._links(ref)]
        editors = self._editor_text(ref)
        into: list[str | Emph] = ["In: "]
        if editors:
            into.append(f"{editors}. " if container else editors)
        if container:
            field = "booktitle" if ref.get("booktitle") else "journal"
            into.append(Emph((self._cased(ref, container, field),)))
        return [
            self._authors(ref),
            block(ref.get("title")),
            block(*into) if (container or editors) else None,
            self._volume_edition(ref),
            self._publisher_year(ref, pages=True),
            *self._links(ref),
        ]

    def _report(self, ref: Reference) -> list[Block | None]:
        number = ref.get("number")
        kind = ref.get("type")
        label = f"{kind} {number}".strip() if number else ""
        return [
            self._authors(ref),
            self._book_title(ref),
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
            self._book_title(ref),
            block(kind),
            self._publisher_year(ref, publisher=school),
            *self._links(ref),
        ]

    def _misc(self, ref: Reference) -> list[Block | None]:
        where = ref.get("howpublished") or ref.get("publisher") or ref.get("organization")
        date = issued(ref)
        return [
            self._authors(ref),
            block(ref.get("title")),
            block(where) if where else None,
            block(_date(date)) if date else None,
            block(ref.get("note")) if ref.get("note") else None,
            *self._links(ref),
        ]

    # --- pieces -----------------------------------------------------------------------------------

    def _book_title(self, ref: Reference) -> Block | None:
        title = ref.get("title")
        return block(Emph((self._cased(ref, title, "title"),))) if title else None

    def _cased(self, ref: Reference, text: str, field: str) -> str:
        """A book's title in title case, when the option is on and the entry is English."""
        if field == "journal" or not self.options.title_case_books:
            return text
        if not is_english(ref.get("langid") or ref.get("language")):
            return text
        return title_case(text, ref.raw.get(field, ""))

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

    def _journal(self, ref: Reference) -> str:
        if self.options.use_short_journal and ref.get("shortjournal"):
            return ref.get("shortjournal")
        return ref.get("journal") or ref.get("journaltitle")

    def _issue_part(self, ref: Reference) -> str:
        """`2016;11(3):e0150367` with whatever parts exist, and no dangling separators."""
        date = issued(ref)
        volume = ref.get("volume")
        issue = ref.get("number") or ref.get("issue")
        pages = _pages(ref.get("pages") or ref.get("eid"))
        text = str(date.year) if date else ""
        if volume:
            text += f";{volume}" if text else volume
            if issue and self.options.show_issue:
                text += f"({issue})"
        elif issue and self.options.show_issue:
            text += f";({issue})" if text else f"({issue})"
        if pages:
            text += f":{pages}" if text else pages
        return text

    def _volume_edition(self, ref: Reference) -> Block | None:
        edition = ref.get("edition")
        number = decimal(edition)
        if number is not None:
            edition = f"{ordinal(number)} ed"
        elif edition and not edition.lower().endswith(("ed", "ed.")):
            edition = f"{edition} ed"
        volume = f"Vol {ref.get('volume')}" if ref.get("volume") else ""
        parts = [p for p in (volume, edition.rstrip(".")) if p]
        return block(". ".join(parts)) if parts else None

    def _publisher_year(
        self, ref: Reference, *, publisher: str | None = None, pages: bool = False
    ) -> Block | None:
        name = publisher if publisher is not None else ref.get("publisher")
        date = issued(ref)
        text = name or ""
        if date:
            text += f"; {date.year}" if text else str(date.year)
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
        out: list[Block | None] = []
        if o.show_accessed and url and ref.get("urldate") and (by_url or web):
            out.append(block("Accessed ", _date(parse_date(ref.get("urldate")))))
        if by_doi:
            out.append(block(doi_link(doi), close=False))
        elif by_url:
            out.append(block(web_link(url), close=False))
        return out

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
    """AMA dates: `March 9, 2016`, `April 2025`, `2023`."""
    if date is None:
        return ""
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
