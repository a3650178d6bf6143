"""BibTeX name lists: splitting `author`/`editor` values into Names, and AMA/Vancouver initials."""

from __future__ import annotations

import re
import unicodedata

from ..model import Name
from .latex import decode_latex

# Braces and commas alone, whitespace runs, `~`, and everything else in runs.
_PIECE = re.compile(r"[^\s~,{}]+|\s+|.", re.S)
_CONTROL_WORD = re.compile(r"[A-Za-z]+")
# BibTeX's foreign letters decide a word's case by themselves (`{\o}rsted` is lower case).
_FOREIGN = frozenset(("i", "j", "oe", "OE", "ae", "AE", "aa", "AA", "o", "O", "l", "L", "ss"))


def parse_names(value: str) -> tuple[tuple[Name, ...], bool]:
    """Parse a raw `author`/`editor` value; the flag is True when it ends in `and others`."""
    names: list[Name] = []
    others = False
    for words in _split_and(_words(value)):
        if len(words) == 1 and words[0].lower() == "others":
            others = True
            continue
        others = False  # only a final `and others` counts
        name = _parse_one(words)
        if name is not None:
            names.append(name)
    return tuple(names), others


def initials(first: str, *, hyphen: bool = False) -> str:
    """AMA/Vancouver initials: `Ming-Shun` → `MS` (`M-S` with hyphen), `T. I.` → `TI`."""
    out: list[str] = []
    for word in unicodedata.normalize("NFC", first).split():
        groups = []
        for group in word.split("-"):
            letters = "".join(_first_letter(part) for part in group.split("."))
            if letters:
                groups.append(letters)
        out.append(("-" if hyphen else "").join(groups))
    return "".join(out)


def _first_letter(part: str) -> str:
    for k, ch in enumerate(part):
        if ch.isalnum():
            # Keep combining marks the NFC form could not fold in (the letter stays whole).
            end = k + 1
            while end < len(part) and unicodedata.combining(part[end]):
                end += 1
            return part[k:end].upper()
    return ""


def _words(value: str) -> list[str]:
    """Words at brace depth 0 (split on whitespace and `~`) with each depth-0 comma its own item."""
    if "{" not in value and "}" not in value:
        return value.replace("~", " ").replace(",", " , ").split()
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for p in _PIECE.findall(value):
        c = p[0]
        if c == "{":
            depth += 1
            cur.append(p)
        elif c == "}":
            if depth:  # a stray closing brace is dropped
                depth -= 1
                cur.append(p)
        elif depth:
            cur.append(" " if c.isspace() else p)
        elif c == "," or c == "~" or c.isspace():
            if cur:
                out.append("".join(cur))
                cur = []
            if c == ",":
                out.append(",")
        else:
            cur.append(p)
    if cur:
        out.append("".join(cur))
    return out


def _split_and(words: list[str]) -> list[list[str]]:
    """One word list per name: `and` (any case) at depth 0 separates; empty names are skipped."""
    names: list[list[str]] = []
    cur: list[str] = []
    for w in words:
        if w.lower() == "and":
            if cur:
                names.append(cur)
            cur = []
        else:
            cur.append(w)
    if cur:
        names.append(cur)
    return names


def _parse_one(words: list[str]) -> Name | None:
    parts: list[list[str]] = [[]]
    for w in words:
        if w == ",":
            parts.append([])
        else:
            parts[-1].append(w)
    if not any(parts):
        return None
    if len(parts) == 1 and len(words) == 1 and _is_corporate(words[0]):
        last = decode_latex(words[0][1:-1]).strip()
        return Name(last=last, corporate=True) if last else None
    first: list[str]
    jr: list[str] = []
    if len(parts) == 1:  # First von Last
        ws = parts[0]
        start = next((k for k, w in enumerate(ws[:-1]) if _is_von(w)), len(ws) - 1)
        first, von_last = ws[:start], ws[start:]
    else:  # von Last, First  /  von Last, Jr, First (more commas: the rest is First)
        von_last = parts[0]
        if len(parts) == 2:
            first = parts[1]
        else:
            jr = parts[1]
            first = [w for part in parts[2:] for w in part]
    if not von_last:  # `, Jean`: nothing before the comma; the given name is all there is
        von_last, first = first, []
    # von runs to its last lower-case word; Last keeps at least one word.
    end = next((k + 1 for k in range(len(von_last) - 2, -1, -1) if _is_von(von_last[k])), 0)
    name = Name(
        first=_text(first), von=_text(von_last[:end]), last=_text(von_last[end:]), jr=_text(jr)
    )
    # Markup that decodes to nothing (`{`, `\\`) names nobody.
    return name if name.first or name.von or name.last or name.jr else None


def _text(words: list[str]) -> str:
    return decode_latex(" ".join(words)).strip() if words else ""


def _is_corporate(word: str) -> bool:
    """The whole word is one brace group, not a special character like `{\\"O}`."""
    if len(word) < 2 or word[0] != "{" or word[-1] != "}" or word[1] == "\\":
        return False
    depth = 0
    for k, ch in enumerate(word):
        depth += (ch == "{") - (ch == "}")
        if depth == 0:
            return k == len(word) - 1
    return False


def _is_von(word: str) -> bool:
    """A word is von when its first letter is lower case, as BibTeX judges it."""
    k, n = 0, len(word)
    while k < n:
        ch = word[k]
        if ch.isalpha():
            return ch.islower()
        if ch == "{":
            if k + 1 < n and word[k + 1] == "\\":
                return _special_is_lower(word, k + 2)
            return False  # a plain brace group protects its case: upper
        if ch == "\\":  # an unbraced accent or letter macro: \"uber, \o
            m = _CONTROL_WORD.match(word, k + 1)
            if m and m.group() in _FOREIGN:
                return m.group()[0].islower()
            k += 1 + (len(m.group()) if m else 1)
            continue
        k += 1
    return False


def _special_is_lower(word: str, k: int) -> bool:
    """Case of a special character `{\\...}` whose control sequence starts at word[k]."""
    m = _CONTROL_WORD.match(word, k)
    if m and m.group() in _FOREIGN:
        return m.group()[0].islower()
    k += len(m.group()) if m else 1
    for ch in word[k:]:
        if ch.isalpha():
            return ch.islower()
        if ch == "}":
            break
    return False
