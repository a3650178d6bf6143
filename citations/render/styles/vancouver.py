"""Vancouver, as the NLM's Citing Medicine (2nd ed.) writes it: `2016 Mar 9;11(3):e0150367.`"""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Reference
from .base import (
    MONTHS,
    PRINTED,
    Block,
    Date,
    Style,
    StyleOptions,
    block,
    doi_link,
    elide_pages,
    issued,
    name_list,
    option,
    page_range,
    parse_date,
    template_table,
    web_link,
    years,
)
from .biblatex import edition_text, eprint_part, place, pubstate, titled

_WEB = {"online", "electronic", "www", "webpage"}
_PARTS = {
    "inbook",
    "incollection",
    "bookinbook",
    "suppbook",
    "inreference",
    "suppcollection",
    "inproceedings",
    "conference",
}
_THESIS = {"phdthesis": "dissertation", "mastersthesis": "master's thesis"}
_THESIS_TYPES = {**_THESIS, "mathesis": "master's thesis"}
_PAPERS = {"inproceedings", "conference"}
# biblatex's `pubstate` keys as Citing Medicine prints them: "Forthcoming" has replaced
# "in press" (ch. 11), and an article out before its issue is "[Epub ahead of print]" (ch. 23).
_STATES = {"inpress": "Forthcoming", "forthcoming": "Forthcoming", "submitted": "Submitted"}


@dataclass(frozen=True)
class VancouverOptions(StyleOptions):
    et_al_min: int = 7  # NLM: more than six authors → the first six, then "et al."
    et_al_use_first: int = 6
    elide_pages: bool = option(True, "shorten a page range's second number: 320-327 → 320-7")


class VancouverStyle(Style):
    """NLM/Vancouver: `Author AA, Author BB. Title. Journal. Year Mon Day;Vol(Issue):pages.`"""

    name = "vancouver"
    description = "Vancouver / NLM Citing Medicine, 2nd edition"
    Options = VancouverOptions
    options: VancouverOptions
    printed = PRINTED

    def _article(self, ref: Reference) -> list[Block | None]:
        """`Journal. 2016 Mar 9;11(3):e0150367.`; `Journal [Internet]. 2016 [cited 2025 Apr];...`
        when a URL is given; `2002;(401):230-8.` for an issue with no volume."""
        journal = ref.get("shortjournal") or titled(ref, "journal")[0]
        online = self._url_shown(ref, with_doi=False)
        if journal and online:
            journal = f"{journal} [Internet]"
        date, state = issued(ref), pubstate(ref)
        ahead = "[Epub ahead of print]" if state == "prepublished" else ""
        forthcoming = "Forthcoming" if _STATES.get(state) == "Forthcoming" else ""
        cited = self._cited(ref) if online else ""
        text = " ".join(p for p in (forthcoming, _date(date), cited, ahead) if p)
        volume, issue = ref.get("volume"), ref.get("number") or ref.get("issue")
        issue = issue if self.options.show_issue else ""
        if volume or issue:
            text += (";" if text else "") + volume + (f"({issue})" if issue else "")
        pages = self._pages(ref.get("pages") or ref.get("eid"))
        if pages:
            text += f":{pages}" if text else pages
        return [
            self._authors(ref),
            *self._titles(ref),
            block(journal),
            block(text),
            *self._links(ref, with_doi=False),
        ]

    def _web(self, ref: Reference) -> list[Block | None]:
        site = ref.get("organization") or ref.get("publisher") or ref.get("howpublished")
        date = parse_date(ref.get("date")) if ref.get("date") else issued(ref)
        notes = []
        if ref.get("updated"):
            notes.append(f"updated {_date(parse_date(ref.get('updated')))}")
        if ref.get("reviewed"):
            notes.append(f"reviewed {_date(parse_date(ref.get('reviewed')))}")
        if ref.get("urldate") and self.options.show_accessed:
            notes.append(f"cited {_date(parse_date(ref.get('urldate')))}")
        published = ", ".join(p for p in (site, _date(date) if date else "") if p)
        if site and date:
            published = f"{site}; {_date(date)}"
        if notes:
            published = f"{published} [{'; '.join(notes)}]".strip()
        return [
            self._authors(ref),
            *self._titles(ref, "Internet"),
            block(published) if published else None,
            *self._links(ref),
        ]

    def _book(self, ref: Reference) -> list[Block | None]:
        """Books, reports and theses: `Title [dissertation]. 2nd ed. Place: Publisher; Year.`
        With a URL: `Title [Internet]. Place: Publisher; Year [cited 2025 Apr 1].`"""
        kind = _THESIS.get(ref.type) or (ref.get("type") if ref.type == "thesis" else "")
        kind = _THESIS_TYPES.get(kind.lower(), kind)  # biblatex's keys: type = {phdthesis}
        online = self._url_shown(ref)
        medium = f"{kind} on the Internet" if kind and online else kind
        medium = medium or ("Internet" if online else "")
        publisher = ref.get("publisher") or ref.get("institution") or ref.get("school")
        number = ref.get("number") if ref.type in ("report", "techreport") else ""
        authors = self._authors(ref) or self._editors(ref)
        return [
            authors,
            *self._titles(ref, medium, work=True),
            self._meeting(ref) if ref.type in ("proceedings", "mvproceedings") else None,
            self._edition(ref),
            self._publication(ref, publisher, online=online),
            block(f"Report No.: {number}") if number else None,
            *self._links(ref),
        ]

    def _part(self, ref: Reference) -> list[Block | None]:
        """`In: Editor A, editors. Book. 2nd ed. Place: Publisher; Year. p. 12-20.`

        Proceedings add the meeting's date and place (`Proceedings; 2002 Aug; San Diego, CA.`);
        a paper with no proceedings was `Presented at: Meeting; 2002 Sep; Tempe, AZ.`
        """
        editors = self._editor_text(ref)
        container = self._work(ref, "booktitle")
        paper = ref.type in _PAPERS
        if paper and not container and ref.get("eventtitle"):
            where = "; ".join(p for p in (ref.get("eventtitle"), *_meeting(ref, True)) if p)
            return [
                self._authors(ref),
                *self._titles(ref),
                block(f"Presented at: {where}"),
                *self._links(ref),
            ]
        online = self._url_shown(ref)
        if container and online:
            container = f"{container} [Internet]"
        if container and paper:
            container = _proceedings(ref, container)
        into = "In: " + ". ".join(p for p in (editors, container) if p)
        pages = ref.get("pages")
        return [
            self._authors(ref),
            *self._titles(ref),
            block(into) if (editors or container) else None,
            self._edition(ref),
            self._publication(ref, ref.get("publisher"), online=online),
            block(f"p. {self._pages(pages)}") if pages else None,
            *self._links(ref),
        ]

    def _titles(
        self, ref: Reference, medium: str = "", *, work: bool = False
    ) -> list[Block | None]:
        """The title with its subtitle and `[medium]`, then `titleaddon` as a block of its own
        (biblatex's standard styles print it as a unit after the title; Citing Medicine has no
        place for it inside the title). A `work` that is a volume of a multivolume one
        (`maintitle`) is `Main title. Vol. 2, Volume title` (Citing Medicine ch. 2, "Volume")."""
        title = self._work(ref, "title") if work else titled(ref, "title")[0]
        if title and medium:
            title = f"{title} [{medium}]"
        return [block(title), block(ref.get("titleaddon"))]

    def _work(self, ref: Reference, field: str) -> str:
        """A book's title (`field`), after its `maintitle` and volume when it has one."""
        title, main = titled(ref, field)[0], titled(ref, "maintitle")[0]
        if not main:
            return title
        volume = f"Vol. {ref.get('volume')}" if ref.get("volume") else ""
        return ". ".join(p for p in (main, ", ".join(p for p in (volume, title) if p)) if p)

    def _meeting(self, ref: Reference) -> Block | None:
        """Proceedings' meeting (Citing Medicine ch. 3): its name, unless the title gives it,
        then its date and place: `6th Conference; 2005 Sep; Leeds, UK`."""
        return block("; ".join(p for p in (_event(ref, "title"), *_meeting(ref, False)) if p))

    def _authors(self, ref: Reference) -> Block | None:
        o = self.options
        return block(name_list(ref.authors, o.et_al_min, o.et_al_use_first))

    def _editor_text(self, ref: Reference) -> str:
        o = self.options
        if not ref.editors.names:
            return ""
        text = name_list(ref.editors, o.et_al_min, o.et_al_use_first)
        many = len(ref.editors.names) > 1 or ref.editors.others
        return f"{text}, {'editors' if many else 'editor'}"

    def _editors(self, ref: Reference) -> Block | None:
        text = self._editor_text(ref)
        return block(text) if text else None

    def _edition(self, ref: Reference) -> Block | None:
        return block(edition_text(ref.get("edition")))

    def _publication(self, ref: Reference, publisher: str, *, online: bool) -> Block | None:
        """`Place: Publisher; Year`, and ` [cited 2025 Apr 1]` after the year when online."""
        town = place(ref)
        date = issued(ref)
        where = f"{town}: {publisher}" if town and publisher else (publisher or town)
        cited = self._cited(ref) if online else ""
        year = " ".join(p for p in (years(date) if date else "", cited) if p)
        return block("; ".join(p for p in (where, year) if p))

    def _cited(self, ref: Reference) -> str:
        date = parse_date(ref.get("urldate")) if ref.get("urldate") else None
        return f"[cited {_date(date)}]" if date and self.options.show_accessed else ""

    def _url_shown(self, ref: Reference, *, with_doi: bool = True) -> bool:
        """Books print the URL beside a DOI; articles print it only when no DOI is shown."""
        o = self.options
        doi_shown = bool(ref.get("doi")) and o.show_doi
        return bool(ref.get("url")) and o.show_url and (with_doi or not doi_shown)

    def _pages(self, pages: str) -> str:
        span = page_range(pages)
        if not span:
            return pages.strip()
        return elide_pages(*span) if self.options.elide_pages else f"{span[0]}-{span[1]}"

    def _links(self, ref: Reference, *, with_doi: bool = True) -> list[Block | None]:
        """Notes, then `Available from: URL`, the DOI, and last the eprint (`PubMed PMID: 123`:
        Citing Medicine's notes name the PMID last)."""
        out = self._notes(ref)
        if self._url_shown(ref, with_doi=with_doi):
            out.append(block("Available from: ", web_link(ref.get("url")), close=False))
        if ref.get("doi") and self.options.show_doi:
            out.append(block(doi_link(ref.get("doi")), close=False))
        eprint = eprint_part(ref, "PubMed PMID:")
        out.append(block(eprint, close=isinstance(eprint, str)) if eprint else None)
        return out

    def _notes(self, ref: Reference) -> list[Block | None]:
        """A work's `pubstate` (an article's is in its date) and `origdate`."""
        state = "" if self.kind(ref) == "article" else pubstate(ref)
        if state == "prepublished":
            state = "Epub ahead of print"
        original = parse_date(ref.get("origdate")) if ref.get("origdate") else None
        return [
            block(_STATES.get(state, state)),
            block(f"Originally published {years(original)}") if original else None,
        ]

    templates = template_table(
        ({"article"}, _article), (_WEB, _web), (_PARTS, _part), default=_book
    )


def _event(ref: Reference, title: str) -> str:
    """`eventtitle`, unless the book's `title` already names the meeting."""
    event = ref.get("eventtitle")
    return event if event and event.casefold() not in ref.get(title).casefold() else ""


def _proceedings(ref: Reference, container: str) -> str:
    """`Proceedings; 2002 Aug; San Diego, CA`, or with a meeting the title does not name
    `Germ cell tumours V. 5th Germ Cell Tumour Conference; 2001 Sep 13-15; Leeds, UK`
    (Citing Medicine ch. 3)."""
    meeting = _meeting(ref, False)
    event = _event(ref, "booktitle")
    if event:
        return f"{container}. " + "; ".join(p for p in (event, *meeting) if p)
    return "; ".join(p for p in (container, *meeting) if p)


def _meeting(ref: Reference, presented: bool) -> tuple[str, str]:
    """A meeting's date and place: (`2002 Aug`, `San Diego, CA`); either may be empty.

    In proceedings `location` is the publisher's; only a paper merely presented has no
    publisher, so there the entry's own date and location are the meeting's.
    """
    date = parse_date(ref.get("eventdate")) if ref.get("eventdate") else None
    if presented:
        date = date or issued(ref)
        return _date(date), ref.get("venue") or ref.get("location") or ref.get("address")
    return _date(date), ref.get("venue")


def _date(date: Date | None) -> str:
    """NLM dates: `2016 Mar 9`, `2025 Apr`, `2023`; ranges drop what the end shares with the
    start (Citing Medicine ch. 1, "Date of Publication"): `2020 Jan 5-Mar 1`, `2000 Dec 23-30`,
    `2019-2020`, `2002 Dec-2003 Jan`, and an open range `1988-`."""
    if date is None:
        return ""
    start = _one_date(date)
    if date.ongoing:
        return f"{start}-"
    if date.end is None:
        return start
    end = _one_date(date.end).split(" ")
    shared = 0
    for word, other in zip(start.split(" "), end[:-1], strict=False):
        if word != other:
            break
        shared += 1
    return f"{start}-{' '.join(end[shared:])}"


def _one_date(date: Date) -> str:
    text = str(date.year)
    if date.month:
        text += f" {MONTHS[date.month - 1][:3]}"
        if date.day:
            text += f" {date.day}"
    return text
