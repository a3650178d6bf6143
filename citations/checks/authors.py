"""Name lists as written: `et al.`, unbraced corporate names, comma joins; first-author keys."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from ..findings import Finding, Rule
from ..folding import fold
from ..library.names import parse_names
from ..model import Reference
from ..snapshot import Snapshot
from .base import Check, entry_finding

ET_AL = Rule(
    "et-al-in-authors", "warning", "a name list ending in 'et al.' instead of 'and others'", True
)
CORPORATE = Rule(
    "corporate-author-unbraced",
    "warning",
    "an organisation written as a person's name, so it prints as initials ('Staff MC')",
)
COMMAS = Rule(
    "authors-joined-by-commas",
    "warning",
    "names separated by commas instead of 'and', so BibTeX reads them as one name",
)
RULES = (ET_AL, CORPORATE, COMMAS)

NAME_FIELDS = ("author", "editor", "translator")

_BRACE = re.compile(r"[{}]")
# Not after a space: each `and` is tried from the start of its run of spaces, once (a long
# run of spaces was otherwise tried from every one of its positions, quadratic in its length).
_AND = re.compile(r"(?<!\s)\s+and\s+", re.I)
# A name with nothing to decode: no braces, macros, `~` or letters outside ASCII.
_PLAIN_NAME = re.compile(r"[A-Za-z .,'-]*")
# A trailing `et al.` (also `and et al.`, `, et al`, `et. al.`), found in the masked text.
_TRAILING_ET_AL = re.compile(r"(?:[\s,;]+and)?[\s,;]*\bet\.?\s*al\b\.?\s*$", re.I)
_BRACED_ET_AL = re.compile(r"(?<!\s)(?:\s+and)?\s*\{\s*et\.?\s*al\.?\s*\}\s*$", re.I)
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_JR = re.compile(r"(?i)(?:jr|sr|[ivx]{1,4}|\d+(?:st|nd|rd|th))\.?")

# Words that make a name an organisation: STRONG alone, the others need a second sign.
_STRONG = frozenset(
    {
        "clinic",
        "hospital",
        "organization",
        "organisation",
        "institute",
        "institut",
        "association",
        "society",
        "foundation",
        "university",
        "college",
        "council",
        "committee",
        "agency",
        "department",
        "ministry",
        "centre",
        "center",
        "collaboration",
        "collaborators",
        "consortium",
        "investigators",
        "corporation",
        "commission",
        "federation",
        "inc",
        "ltd",
        "llc",
        "gmbh",
        "plc",
    }
)
_WEAK = frozenset(
    {
        "staff",
        "group",
        "network",
        "service",
        "services",
        "board",
        "trust",
        "team",
        "office",
        "bureau",
        "taskforce",
        "force",
        "program",
        "programme",
        "alliance",
        "academy",
        "research",
        "study",
        "writing",
        "health",
        "medical",
        "national",
        "international",
        "world",
        "american",
        "european",
        "british",
        "royal",
    }
)
_ORG_WORDS = _STRONG | _WEAK | {"corp"}
# Capitals right before a comma, as in `Smith J., Jones K.` (a superset, to test first).
_INITIALS_COMMA = re.compile(r"[A-Z]\.?-?\s*,")
_CONNECTIVES = frozenset({"of", "for", "on", "the", "&", "\\&"})
# Case-sensitive: `AG` or `SA` after a comma are a person's initials far more often.
_COMPANY_SUFFIX = re.compile(r"(?:Inc|INC|Ltd|LTD|LLC|Corp|GmbH|plc|PLC)\.?")


def run(snapshot: Snapshot) -> Iterator[Finding]:
    for ref in snapshot.library:
        for name in NAME_FIELDS:
            # An inherited field is reported at the parent that writes it.
            if name in ref.raw and name in ref.field_lines:
                yield from check_names(snapshot, ref, name)


def _trailing_et_al(raw: str, masked: str) -> re.Match[str] | None:
    """A written-out "et al." ending the list (cheap tests first: nearly every field passes)."""
    et_al = None
    if "al" in masked.rstrip()[-4:].lower():
        et_al = _TRAILING_ET_AL.search(masked, max(0, len(masked) - 40))
    if et_al is None and raw.rstrip().endswith("}"):
        et_al = _BRACED_ET_AL.search(raw)
    return et_al


def check_names(snapshot: Snapshot, ref: Reference, field: str) -> Iterator[Finding]:
    """The findings for one name field of one entry, from its raw (LaTeX) text."""
    raw = ref.raw[field]
    masked = mask_braces(raw)
    et_al = _trailing_et_al(raw, masked)
    end = len(raw) if et_al is None else et_al.start()
    body, body_masked = raw[:end], masked[:end]
    # ` and ` undercounts names split by newlines: that only sends more fields to the full test.
    many_commas = body_masked.count(",") > body_masked.lower().count(" and ") + 1
    joined: list[str] = []
    corporate: list[str] = []
    words = body_masked.lower().replace(",", " ").replace(".", " ").split()
    org = not _ORG_WORDS.isdisjoint(words)
    if org or many_commas or _INITIALS_COMMA.search(body_masked):
        chunks = split_names(body, body_masked)
        joined = [text.strip() for text, m in chunks if _joined_by_commas(m)]
        if org:
            corporate = [text.strip() for text, m in chunks if _looks_corporate(m)]
    if et_al is not None:
        head = body.rstrip()
        # No fix when the names before it are comma-joined: that needs a person to split them.
        fixable = bool(head) and not joined and _plain_value(snapshot, ref, field)
        fix = f"{head} and others" if fixable else None
        yield entry_finding(
            snapshot,
            ET_AL,
            ref,
            f"'{ref.key}': {field} ends in '{raw[et_al.start() :].strip()}'; "
            "BibTeX reads it as a person's name",
            field=field,
            hint="end the list with 'and others'",
            fix_value=fix,
        )
    if corporate:
        names = ", ".join(f"'{n}'" for n in corporate)
        example = corporate[0]
        verb = "looks like an organisation" if len(corporate) == 1 else "look like organisations"
        yield entry_finding(
            snapshot,
            CORPORATE,
            ref,
            f"'{ref.key}': {field} {names} {verb} but not braced, "
            "so BibTeX splits it into first and last names",
            field=field,
            hint=f"brace the whole name: {{{example}}} (a lone name: {field} = {{{{{example}}}}})",
        )
    if joined:
        yield entry_finding(
            snapshot,
            COMMAS,
            ref,
            f"'{ref.key}': {field} '{joined[0]}' looks like several names "
            "joined by commas; BibTeX reads it as one",
            field=field,
            hint="separate names with ' and '",
        )


def mask_braces(text: str) -> str:
    """`text` with every brace group blanked out (same length), so only depth 0 is visible."""
    if "{" not in text:
        return text.replace("~", " ")
    # One pass with a stack, not one pass a level (quadratic in the depth): the blanked spans
    # are the outermost pairs of braces that match; an unmatched brace stays.
    opened: list[int] = []
    pairs: list[tuple[int, int]] = []
    for m in _BRACE.finditer(text):
        if m.group() == "{":
            opened.append(m.start())
        elif opened:
            pairs.append((opened.pop(), m.end()))
    pieces: list[str] = []
    pos = 0
    for start, end in sorted(pairs):
        if start >= pos:  # not inside a pair already blanked
            pieces += [text[pos:start], "\0" * (end - start)]
            pos = end
    pieces.append(text[pos:])
    return "".join(pieces).replace("~", " ")


def split_names(raw: str, masked: str) -> list[tuple[str, str]]:
    """(raw text, masked text) of each name, split at depth-0 `and`; `others` left out."""
    out: list[tuple[str, str]] = []
    start = 0
    for m in [*_AND.finditer(masked), None]:
        end = m.start() if m else len(masked)
        part = masked[start:end]
        if part.strip() and part.strip().lower() != "others":
            out.append((raw[start:end], part))
        if m:
            start = m.end()
    return out


def _joined_by_commas(masked: str) -> bool:
    parts = [p.split() for p in masked.split(",")]
    commas = len(parts) - 1
    if commas >= 3:
        return True
    if commas == 2:  # `Last, Jr, First` is the only two-comma form (`Last, First, Jr` tolerated)
        return not any(len(p) == 1 and _JR.fullmatch(p[0]) for p in parts[1:])
    if commas == 1:  # `Smith J., Jones K.`: a surname and initials on both sides
        return all(
            len(p) >= 2 and _INITIALS.fullmatch(p[-1]) and not _INITIALS.fullmatch(p[0])
            for p in parts
        )
    return False


def _looks_corporate(masked: str) -> bool:
    head, _, rest = masked.partition(",")
    if rest and _COMPANY_SUFFIX.fullmatch(rest.strip()):
        return True  # `Pfizer, Inc.`: the suffix would become a first name
    words = head.split()
    if len(words) < 2:
        return False  # one word prints as itself
    score = signs = 0
    for word in words:
        folded = word.strip(".,").casefold()
        if folded in _STRONG:
            score, signs = score + 2, signs + 1
        elif folded in _WEAK:
            score, signs = score + 1, signs + 1
        elif folded in _CONNECTIVES:
            score += 1
        elif len(word) >= 3 and word.isalpha() and word.isupper():
            score += 1  # an acronym: `NHS Staff`
    # `John of the Cross` has two signs but no organisation word.
    return signs > 0 and score >= 2


def _plain_value(snapshot: Snapshot, ref: Reference, field: str) -> bool:
    """Whether the field is written as one `{...}` or `"..."` value: the fixer can rewrite it.

    A macro or a `#` concatenation has no single text to replace.
    """
    lines = snapshot.lines(ref.span.path)
    first = ref.field_lines[field] - 1
    text = "\n".join(lines[first : first + 200])
    m = re.search(rf"(?i)(?<![\w-]){re.escape(field)}\s*=\s*", text)
    if m is None or m.end() >= len(text) or text[m.end()] not in '{"':
        return False
    depth = 0
    quoted = text[m.end()] == '"'
    k = m.end() + 1
    while k < len(text):
        ch = text[k]
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                if not quoted:
                    break
                return False  # the entry closed inside a quoted value: malformed
            depth -= 1
        elif ch == '"' and quoted and depth == 0:
            break
        k += 1
    else:
        return False
    after = text[k + 1 :].lstrip()
    return after[:1] in (",", "}", "")


# ---------------------------------------------------------------------------------------------
# The first author, as a key for matching entries


def first_author(ref: Reference) -> str:
    """The first author's (else editor's) family name, case and accents folded; '' if none."""
    raw = ref.raw.get("author") or ref.raw.get("editor") or ""
    m = _AND.search(raw)
    if m and raw.count("{", 0, m.start()) != raw.count("}", 0, m.start()):
        m = _AND.search(mask_braces(raw))  # that `and` was inside braces: `{Barnes and Noble}`
    first = raw[: m.start()] if m else raw
    if _PLAIN_NAME.fullmatch(first):
        head, comma, _ = first.partition(",")
        if comma and head.isalpha():  # `Smith, J.`: most names, so the quickest path
            return head.lower()
        return _plain_family(first)
    head, comma, _ = first.partition(",")
    if comma and head.count("{") == head.count("}"):
        return _family_before_comma(head)  # `M{\"u}ller, J.`: the surname alone, cached
    names, _ = parse_names(first)
    return fold(names[0].last) if names else ""


@functools.lru_cache(maxsize=4096)
def _family_before_comma(head: str) -> str:
    names, _ = parse_names(head + ", X")
    return fold(names[0].last) if names else ""


def _plain_family(name: str) -> str:
    """`parse_names` for a name of plain ASCII words (most of them), many times faster."""
    parts = [p.split() for p in name.split(",")]
    first: list[str] = []
    if len(parts) == 1:  # First von Last
        words = parts[0]
        start = next((k for k, w in enumerate(words[:-1]) if _is_lower(w)), len(words) - 1)
        von_last = words[start:]
    else:  # von Last, First  /  von Last, Jr, First
        von_last = parts[0]
        first = parts[1] if len(parts) == 2 else [w for p in parts[2:] for w in p]
    if not von_last:
        von_last = first
    end = next((k + 1 for k in range(len(von_last) - 2, -1, -1) if _is_lower(von_last[k])), 0)
    return fold(" ".join(von_last[end:]))


def _is_lower(word: str) -> bool:
    return next((c.islower() for c in word if c.isalpha()), False)


CHECK = Check("authors", run, RULES)
