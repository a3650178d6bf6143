"""The site's shared bibliography page: every cited entry, linking to each article citing it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..library import Library
from ..render.styles import Style
from ..render.templating import Templates
from ..richtext import plain, to_html, to_markdown
from .manifest import Built

if TYPE_CHECKING:
    from .model import BuildSettings, Source


def bibliography_page(
    settings: BuildSettings,
    library: Library,
    style: Style,
    templates: Templates,
    sources: list[Source],
    records: dict[str, Built],
    numbers: dict[str, int] | None,
) -> bytes:
    """The page's bytes. Entries run by number with continuous numbering, else by text."""
    page = settings.out / (settings.bibliography or "bibliography.html")
    citing: dict[str, list[dict[str, str]]] = {}
    for source in sources:
        record = records.get(source.rel)
        title = (record.title if record and record.title else "") or source.rel
        href = os.path.relpath(source.output, page.parent).replace(os.sep, "/")
        for key in source.keys or ():
            if key in library:
                citing.setdefault(key, []).append({"title": title, "href": href})
    entries: list[dict[str, Any]] = []
    for key, articles in citing.items():
        rich = style.format(library[key])
        number = numbers.get(key) if numbers else None
        entries.append(
            {
                "key": key,
                "number": number,
                "html": Markup(to_html(rich)),
                "markdown": to_markdown(rich),
                "text": plain(rich),
                "articles": articles,
            }
        )
    entries.sort(key=lambda e: (e["number"] or 0, e["text"].casefold()))
    fmt = settings.render.to
    context = {
        "title": "Bibliography",
        "entries": entries,
        "numbered": numbers is not None,
        "stylesheet": "citations.css" if fmt == "html" else None,
        "lang": "en",
    }
    return templates.render(f"bibliography.{fmt}", context).rstrip("\n").encode("utf-8") + b"\n"
