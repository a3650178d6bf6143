"""Numbered citations and reference entries as pandoc elements: our rich text turned into
inlines (italics and links kept), numbers linked to `#ref-KEY`, entries linked back."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import panflute as pf

from ..identifiers import is_http_url
from ..render.numbering import Citation, Label
from ..richtext import Emph, Rich

_WORDS_RE = re.compile(r"\S+")
BACKLINK = "↩"
# LaTeX (PDF through pdflatex, pandoc's default) has no ↩ unless a package declares it.
_LATEX_FORMATS = frozenset({"latex", "beamer"})


@dataclass(frozen=True)
class Entry:
    """One reference of the list: its number, style text, and the citation it links back to."""

    key: str
    number: int
    rich: Rich
    text: str  # plain, for hover titles
    first_citation: int  # the index of the citation that cites it first: #cite-INDEX


def words(text: str) -> list[Any]:
    """Text as pandoc inlines: words and the spaces between them."""
    out: list[Any] = []
    pos = 0
    for m in _WORDS_RE.finditer(text):
        if m.start() > pos:
            out.append(pf.Space())
        out.append(pf.Str(m.group()))
        pos = m.end()
    if pos < len(text) and text:
        out.append(pf.Space())
    return out


def rich_inlines(rich: Rich) -> list[Any]:
    """Our rich text as inlines: italics as Emph, only http(s) URLs as links."""
    out: list[Any] = []
    for part in rich:
        if isinstance(part, str):
            out += words(part)
        elif isinstance(part, Emph):
            out.append(pf.Emph(*rich_inlines(part.parts)))
        elif is_http_url(part.url):
            out.append(pf.Link(*words(part.text or part.url), url=part.url.strip()))
        else:
            out += words(part.text or part.url)
    return out


def citation_element(
    citation: Citation, entries: Mapping[str, Entry], author: str, locators: Mapping[int, str]
) -> Any:
    """The citation as `render --to md` prints it (`Author<sup>1,3–5</sup>`) in a Span
    `#cite-INDEX` that references link back to. `locators`: label index → its text."""
    numbers: list[Any] = []
    for i, label in enumerate(citation.labels):
        if numbers:
            numbers.append(pf.Str(","))
        numbers += _label_inlines(label, entries, locators.get(i, ""))
    for key in (item.key for item in citation.missing):
        if numbers:
            numbers.append(pf.Str(","))
        numbers.append(pf.Strong(pf.Str(f"{key}?")))
    content = [*words(author), pf.Superscript(*numbers)] if author else [pf.Superscript(*numbers)]
    return pf.Span(
        *content,
        identifier=f"cite-{citation.index}",
        classes=["citation"],
        attributes={"data-cites": " ".join(citation.keys)},
    )


def _label_inlines(label: Label, entries: Mapping[str, Entry], locator: str) -> list[Any]:
    first, last = entries[label.keys[0]], entries[label.keys[-1]]
    if label.is_range:
        return [
            _number_link(first, str(first.number)),
            pf.Str("–"),
            _number_link(last, str(last.number)),
        ]
    shown = f"{first.number}({locator})" if locator else str(first.number)
    return [_number_link(first, shown)]


def _number_link(entry: Entry, shown: str) -> Any:
    """A number linked to its reference, its title the reference (a hover preview in HTML)."""
    return pf.Link(
        pf.Str(shown),
        url=f"#ref-{entry.key}",
        title=f"{entry.number}. {entry.text}",
    )


def backlink_mark(fmt: str) -> Any:
    """The back-link's text: ↩, or its LaTeX symbol where the writer is LaTeX."""
    if fmt in _LATEX_FORMATS:
        return pf.RawInline(r"$\hookleftarrow$", format="latex")
    return pf.Str(BACKLINK)


def reference_block(entry: Entry, *, backlink: Any) -> Any:
    """`N. text ↩` in a Div `#ref-KEY`, the ↩ linking to the first citation of it (pandoc's
    citeproc lays entries out the same way: Divs of class csl-entry). `backlink`: the ↩'s
    inline, or None for no back-link."""
    inlines = [pf.Str(f"{entry.number}."), pf.Space(), *rich_inlines(entry.rich)]
    if backlink is not None:
        back = pf.Link(
            backlink,
            url=f"#cite-{entry.first_citation}",
            title="back to the citation",
            classes=["backlink"],
        )
        inlines += [pf.Space(), back]
    return pf.Div(pf.Para(*inlines), identifier=f"ref-{entry.key}", classes=["csl-entry"])
