"""Vancouver, as the NLM's Citing Medicine (2nd ed.) writes it: `2016 Mar 9;11(3):e0150367.`"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Reference
from ..richtext import Rich
from .base import (
    MONTHS,
    Block,
    Date,
    Style,
    StyleOptions,
    block,
    doi_link,
    elide_pages,
    issued,
    join_blocks,
    name_list,
    ordinal,
    page_range,
    parse_date,
    web_link,
)

_WEB = {"online", "electronic", "www", "webpage"}
_BOOKS = {"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings",
          "reference", "mvreference", "booklet", "manual"}  # fmt: skip
_PARTS = {"inbook", "incollection", "bookinbook", "suppbook", "inreference", "suppcollection",
          "inproceedings", "conference"}  # fmt: skip
_THESIS = {"phdthesis": "dissertation", "mastersthesis": "master's thesis"}


@dataclass(frozen=True)
class VancouverOptions(StyleOptions):
    et_al_min: int = 7  # NLM: more than six authors → the first six, then "et al."
    et_al_use_first: int = 6
    elide_pages: bool = True  # 320-327 → 320-7


class VancouverStyle(Style):
    """NLM/Vancouver: `Author AA, Author BB. Title. Journal. Year Mon Day;Vol(Issue):pages.`"""

    name = "vancouver"
    description = "Vancouver / NLM Citing Medicine, 2nd edition"
    Options = VancouverOptions
    options: VancouverOptions

    def format(self, ref: Reference) -> Rich:
        kind = ref.type
        if kind == "article":
            blocks = self._article(ref)
        elif kind in _WEB or (kind == "misc" and ref.get("url") and not ref.get("publisher")):
            blocks = self._web(ref)
        elif kind in _PARTS:
            blocks = self._part(ref)
        elif kind in _BOOKS or kind in ("report", "techreport", "thesis") or kind in _THESIS:
            blocks = self._book(ref)
        else:
            blocks = self._book(ref)
        return join_blocks(blocks)

    def _article(self, ref: Reference) -> list[Block | None]:
        journal = ref.get("shortjournal") or ref.get("journal") or ref.get("journaltitle")
        date = issued(ref)
        text = _date(date) if date else ""
        volume, issue = ref.get("volume"), ref.get("number") or ref.get("issue")
        if volume:
            text += f";{volume}" if text else volume
        if issue and self.options.show_issue:
            text += f"({issue})"
        pages = self._pages(ref.get("pages") or ref.get("eid"))
        if pages:
            text += f":{pages}" if text else pages
        return [self._authors(ref), block(ref.get("title")), block(journal), block(text),
                *self._links(ref)]  # fmt: skip

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
        title = ref.get("title")
        return [
            self._authors(ref),
            block(f"{title} [Internet]") if title else None,
            block(published) if published else None,
            *self._links(ref, label=True),
        ]

    def _book(self, ref: Reference) -> list[Block | None]:
        kind = _THESIS.get(ref.type) or (ref.get("type") if ref.type == "thesis" else "")
        title = ref.get("title")
        if title and kind:
            title = f"{title} [{kind}]"
        edition = ref.get("edition")
        edition_text = f"{ordinal(int(edition))} ed" if edition.isdigit() else edition
        publisher = ref.get("publisher") or ref.get("institution") or ref.get("school")
        place = ref.get("address") or ref.get("location")
        date = issued(ref)
        where = f"{place}: {publisher}" if place and publisher else (publisher or place)
        pub = "; ".join(p for p in (where, str(date.year) if date else "") if p)
        number = ref.get("number") if ref.type in ("report", "techreport") else ""
        authors = self._authors(ref) or self._editors(ref)
        return [
            authors,
            block(title),
            block(edition_text) if edition_text else None,
            block(pub) if pub else None,
            block(f"Report No.: {number}") if number else None,
            *self._links(ref, label=True),
        ]

    def _part(self, ref: Reference) -> list[Block | None]:
        editors = self._editor_text(ref)
        container = ref.get("booktitle")
        into = "In: " + ". ".join(p for p in (editors, container) if p)
        publisher = ref.get("publisher")
        place = ref.get("address") or ref.get("location")
        date = issued(ref)
        where = f"{place}: {publisher}" if place and publisher else (publisher or place)
        pub = "; ".join(p for p in (where, str(date.year) if date else "") if p)
        pages = ref.get("pages")
        return [
            self._authors(ref),
            block(ref.get("title")),
            block(into) if (editors or container) else None,
            block(pub) if pub else None,
            block(f"p. {self._pages(pages)}") if pages else None,
            *self._links(ref, label=True),
        ]

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

    def _pages(self, pages: str) -> str:
        span = page_range(pages)
        if not span:
            return pages.strip()
        return elide_pages(*span) if self.options.elide_pages else f"{span[0]}-{span[1]}"

    def _links(self, ref: Reference, *, label: bool = False) -> list[Block | None]:
        o = self.options
        out: list[Block | None] = []
        if ref.get("url") and o.show_url and (label or not ref.get("doi")):
            out.append(block("Available from: ", web_link(ref.get("url")), close=False))
        if ref.get("doi") and o.show_doi:
            out.append(block(doi_link(ref.get("doi")), close=False))
        return out


def _date(date: Date | None) -> str:
    """NLM dates: `2016 Mar 9`, `2025 Apr`, `2023`."""
    if date is None:
        return ""
    text = str(date.year)
    if date.month:
        text += f" {MONTHS[date.month - 1][:3]}"
        if date.day:
            text += f" {date.day}"
    return text
