"""Text folded for comparing names and titles, and for making keys: case, accents and
punctuation dropped (`Müller` → `muller`, `O'Brien` → `obrien`, `Søren` → `soren`)."""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not split into a base letter and an accent.
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile(r"[\W_]+")


def strip_accents(text: str) -> str:
    """Case-folded, with accents dropped and `ø`, `ß`... spelled in ASCII: `Søren` → `soren`."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS)))


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped: `Müller` → `muller`, `O'Brien` → `obrien`.
    Letters of other scripts stay (`李` is still `李`)."""
    return _NON_WORD.sub("", text.lower() if text.isascii() else strip_accents(text))


def ascii_fold(text: str) -> str:
    """`fold`, then ASCII letters and digits only: what a BibTeX key may hold."""
    return re.sub(r"[^a-z0-9]", "", fold(text).encode("ascii", "ignore").decode())
