"""Registry values written as BibTeX for `--fix`: text escaped, acronyms braced, page ranges."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_TEX_SPECIAL = re.compile(r"([&%$#_])")
_PROTECT = re.compile(r"(?<![\w{])(\w*[A-Z]\w*[A-Z]\w*|\w+[A-Z]\w*)(?![\w}])")
_PAGES_PREFIX = re.compile(r"(?i)^pp?(?:\.\s*|\s+)(?=\d)")
_RANGE = re.compile(r"([A-Za-z]*)(\d+)-([A-Za-z]*)(\d+)")


def full_range(text: str) -> str:
    t = _PAGES_PREFIX.sub("", text.strip())
    t = re.sub(r"\s*[-‐‑‒–—]+\s*", "-", t)
    m = _RANGE.fullmatch(t)
    if m is None:
        return t
    first_prefix, first, last_prefix, last = m.groups()
    if len(last) < len(first):  # an elided range: 982-4
        last = first[: len(first) - len(last)] + last
    return f"{first_prefix}{first}-{last_prefix or first_prefix}{last}"


def bibtex_text(text: str) -> str:
    """Registry text as a BibTeX value: tags dropped, TeX specials escaped."""
    return _TEX_SPECIAL.sub(r"\\\1", " ".join(html.unescape(_TAG.sub("", text)).split()))


def bibtex_title(text: str) -> str:
    """As bibtex_text, with acronyms and words like `mRNA` braced against case changes."""
    return _PROTECT.sub(r"{\1}", bibtex_text(text))


def bibtex_pages(text: str) -> str:
    """`982-4` → `982--984`."""
    pages = full_range(text)
    return pages.replace("-", "--") if _RANGE.fullmatch(pages) else pages
