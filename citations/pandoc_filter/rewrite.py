"""The document's edits: each Cite replaced by its numbered citation (the punctuation moved as
the style says), and the reference list put in the `#refs` Div or at the end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import panflute as pf

from ..library import Library
from ..render.numbering import Citation, Numbering
from ..render.styles import Style
from ..render.templating import Templates
from ..richtext import plain
from .inlines import Entry, backlink_mark, citation_element, reference_block, words

# Output formats that show no links: there a back-link would be a stray arrow.
NO_LINK_FORMATS = frozenset({"plain"})
_PLACEHOLDER = "\ue000"  # where a template puts the list: a character no title holds


def replace_cites(
    doc: Any, cites: Sequence[Any], numbering: Numbering, library: Library, style: Style
) -> list[Entry]:
    """Replace each Cite (in the order numbered) by its citation; the list's entries."""
    first = {key: indexes[0] for key, indexes in numbering.cited_at.items()}
    entries = {
        key: Entry(key, numbering.numbers[key], rich, plain(rich), first[key])
        for key in numbering.order
        for rich in [style.format(library[key])]
    }
    by_cite = {id(cite): c for cite, c in zip(cites, numbering.citations, strict=True)}

    def element(c: Citation) -> Any:
        author = ""
        item = c.marker.items[0]
        if c.marker.in_text and not item.suppress_author and item.key in library:
            author = style.short(library[item.key])
        locators = {
            i: style.locator(label.locator_label, label.locator)
            for i, label in enumerate(c.labels)
            if label.locator
        }
        return citation_element(c, entries, author, locators)

    def action(elem: Any, _doc: Any) -> None:
        for name in elem._children:
            inlines = getattr(elem, name)
            if isinstance(inlines, pf.ListContainer) and any(id(x) in by_cite for x in inlines):
                rewritten = _rewrite(list(inlines), by_cite, element, style)
                setattr(elem, name, rewritten)

    doc.content.walk(action, doc)
    return list(entries.values())


def _rewrite(inlines: list[Any], by_cite: dict[int, Citation], element: Any, style: Style) -> Any:
    """One list of inlines with its Cites replaced. As `render` does, a superscript sits on
    the word before it (the space goes) and, where the style moves punctuation (AMA), a
    period or comma just after it comes before it: `pain [@a].` → `pain.¹`."""
    out: list[Any] = []
    moved: Any = None  # the Str whose first character went before the citation
    for i, x in enumerate(inlines):
        c = by_cite.get(id(x))
        if c is None:
            if x is moved:
                x.text = x.text[1:]
                if not x.text:
                    continue
            out.append(x)
            continue
        if not c.marker.in_text:
            while out and isinstance(out[-1], (pf.Space, pf.SoftBreak)):
                out.pop()
            after: Any = inlines[i + 1] if i + 1 < len(inlines) else None
            if style.options.move_punctuation and _leading_mark(after):
                mark = after.text[0]
                if not (out and isinstance(out[-1], pf.Str) and out[-1].text.endswith(mark)):
                    out.append(pf.Str(mark))
                moved = after
        out.append(element(c))
    return out


def _leading_mark(x: Any) -> bool:
    """Whether `x` starts with one period or comma (not an ellipsis, nor `,,`)."""
    if not isinstance(x, pf.Str):
        return False
    text: str = x.text
    return text[:1] in (".", ",") and text[1:2] != text[:1]


def place_references(
    doc: Any, entries: Sequence[Entry], templates: Templates, meta: Mapping[str, Any], *, fmt: str
) -> None:
    """The list in the Div `#refs` where the article has one (`::: {#refs}`), else at the end
    under the heading our Markdown template gives it."""
    # pandoc's Markdown writer leaves out a Div `#refs` (for its citeproc to fill again):
    # there the list keeps its entries' ids but not that one.
    refs_id = "" if fmt == "markdown" else "refs"
    blocks = [
        reference_block(e, backlink=None if fmt in NO_LINK_FORMATS else backlink_mark(fmt))
        for e in entries
    ]
    found: list[Any] = []
    doc.content.walk(
        lambda e, _d: (
            found.append(e)
            if isinstance(e, pf.Div) and e.identifier == "refs" and not found
            else None
        ),
        doc,
    )
    if found:
        div = found[0]
        div.content = blocks
        div.identifier = refs_id
        div.classes = [*div.classes, *(["references"] if "references" not in div.classes else [])]
        return
    if not blocks:
        return
    heading = _heading(templates, meta)
    if heading is not None:
        level, text = heading
        doc.content.append(pf.Header(*words(text), level=level))
    doc.content.append(pf.Div(*blocks, identifier=refs_id, classes=["references"]))


def _heading(templates: Templates, meta: Mapping[str, Any]) -> tuple[int, str] | None:
    """The heading article.md puts over the list (`## References`): its level and text, from
    the project's own template where it has one. `meta`: the article's, with the title."""
    context: dict[str, Any] = {
        "title": str(meta.get("title", "")),
        "lang": str(meta.get("lang", "en")),
        "body": "",
        "references": _PLACEHOLDER,
        "references_title": meta["references-title"],
        "stylesheet": None,
        "meta": meta,
    }
    before = templates.render("article.md", context).split(_PLACEHOLDER, 1)[0]
    lines = [line.strip() for line in before.splitlines() if line.strip()]
    if not lines:
        return None
    text = lines[-1].lstrip("#")
    level = len(lines[-1]) - len(text)
    if not 1 <= level <= 6 or not text[:1].isspace():
        return None  # not an ATX heading: the template puts none
    return level, text.rstrip(" \t#").strip() or text.strip()
