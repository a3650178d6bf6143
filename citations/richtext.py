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


# Markdown's inline specials (backslash-escaped); HTML's `<` `>` are character references,
# since Python-Markdown (MkDocs' renderer) shows `\\<` with its backslash.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")
_MD_ANGLES = str.maketrans({"<": "&lt;", ">": "&gt;"})
# An `&` that would start a character reference (`&lt;`, `&#60;`): shown as written, not decoded.
_MD_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_LINE_BREAK = re.compile(r"\r\n?|\n")
# What could end a link destination or an autolink, or start HTML inside one: white space and
# control characters (a tab or a line break ends `<...>`, and the `<img ...>` after it is live
# HTML), angle brackets; in `[text](...)` also parentheses and the backslash that escapes them.
_URL_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f<>]")
_URL_UNSAFE_IN_PARENS = re.compile(r"[\s\x00-\x1f\x7f-\x9f<>()\\]")


def escape_markdown(text: str) -> str:
    """Text that a Markdown renderer shows as it is: specials backslash-escaped; HTML's `<` `>`
    and an `&` that would start a character reference written as references (Python-Markdown,
    MkDocs' renderer, takes neither `\\<` nor `\\&` for an escape); line breaks as spaces (a
    line of data must not start a heading or a list)."""
    text = _MD_SPECIAL.sub(r"\\\1", _MD_ENTITY.sub("&amp;", text))
    text = text.translate(_MD_ANGLES)
    return _LINE_BREAK.sub(" ", text)


# In an attribute of raw HTML in Markdown, the only safe characters are those no Markdown
# renderer reads: Python-Markdown (MkDocs) finds links, code and escapes before it sets raw
# HTML aside, so `[x](y)` in a title became a link inside the attribute; its extensions find
# bare URLs, e-mail addresses, `~~` and `==`. Everything else is a character reference, which
# HTML decodes back to the text.
_ATTRIBUTE_UNSAFE = re.compile(r"[^A-Za-z0-9 .,;\-\u00a0-\U0010ffff]")


def markdown_attribute(text: object) -> str:
    """`text` for an attribute value (`title="..."`, `id="..."`) of raw HTML in Markdown."""
    return _ATTRIBUTE_UNSAFE.sub(lambda m: f"&#{ord(m.group())};", str(text))


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8"))


def markdown_url(url: str, *, in_parens: bool = False) -> str:
    """`url` percent-encoded where Markdown would read it otherwise: for `<url>`, or with
    `in_parens` for `[text](url)`."""
    unsafe = _URL_UNSAFE_IN_PARENS if in_parens else _URL_UNSAFE
    return unsafe.sub(_percent, url.strip())


def to_markdown(rich: Rich) -> str:
    """Markdown whose every text is shown as written: only http(s) URLs become links."""
    out = []
    for part in rich:
        if isinstance(part, str):
            out.append(escape_markdown(part))
        elif isinstance(part, Emph):
            out.append(f"*{to_markdown(part.parts)}*")
        elif is_http_url(part.url) and not part.text:
            out.append(f"<{markdown_url(part.url)}>")
        elif is_http_url(part.url):
            target = markdown_url(part.url, in_parens=True)
            out.append(f"[{escape_markdown(part.text)}]({target})")
        else:
            out.append(escape_markdown(part.text or part.url))
    return "".join(out)
