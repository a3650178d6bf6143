"""Neutral rich text that styles emit; only the backends here know HTML, Markdown or plain text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Union

from .identifiers import is_http_url


@dataclass(frozen=True, slots=True)
class Emph:
    """Italic text (journal and book titles)."""

    parts: Rich


@dataclass(frozen=True, slots=True)
class Link:
    """A URL shown as itself. Backends make it a link only when `is_http_url` allows."""

    url: str
    text: str = ""


Part = Union[str, Emph, Link]  # noqa: UP007 - a runtime alias; `|` needs 3.10 types
Rich = tuple[Part, ...]


def plain(rich: Rich) -> str:
    """The text a reader sees, with no markup."""
    out = []
    for part in rich:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Emph):
            out.append(plain(part.parts))
        else:
            out.append(part.text or part.url)
    return "".join(out)


def to_html(rich: Rich) -> str:
    """Escaped HTML; safe to insert into a page as it is."""
    out = []
    for part in rich:
        if isinstance(part, str):
            out.append(html.escape(part, quote=False))
        elif isinstance(part, Emph):
            out.append(f"<i>{to_html(part.parts)}</i>")
        else:
            text = html.escape(part.text or part.url, quote=False)
            if is_http_url(part.url):
                out.append(f'<a href="{html.escape(part.url.strip(), quote=True)}">{text}</a>')
            else:
                out.append(text)
    return "".join(out)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape_markdown(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(rich: Rich) -> str:
    out = []
    for part in rich:
        if isinstance(part, str):
            out.append(escape_markdown(part))
        elif isinstance(part, Emph):
            out.append(f"*{to_markdown(part.parts)}*")
        elif is_http_url(part.url) and not part.text:
            out.append(f"<{part.url.strip().replace('>', '%3E').replace(' ', '%20')}>")
        elif is_http_url(part.url):
            target = part.url.strip().replace(")", "%29").replace(" ", "%20")
            out.append(f"[{escape_markdown(part.text)}]({target})")
        else:
            out.append(escape_markdown(part.text or part.url))
    return "".join(out)
