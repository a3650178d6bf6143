"""Field values that cannot be right: years, months, pages, volumes, braces, bare capitals."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..findings import Finding, Rule
from ..library.values import MONTH_MACROS
from ..model import Reference
from ..render.styles.base import decimal
from ..snapshot import Snapshot
from .base import Check, entry_finding

YEAR = Rule(
    "invalid-year", "error", "a year (or date) that is malformed, before 1000 or after next year"
)
MONTH = Rule("invalid-month", "error", "a month that is not 1–12, an English month name or a macro")
MONTH_MACRO = Rule(
    "month-not-macro", "info", "a month in braces or quotes, not the macro (`mar`)", fixable=True
)
PAGES = Rule("invalid-pages", "error", "a page range that is malformed or runs backwards")
PAGES_HYPHEN = Rule(
    "pages-single-hyphen",
    "warning",
    "a page range joined by `-` or `–` instead of `--`",
    fixable=True,
)
VOLUME = Rule("invalid-volume", "warning", "a volume or issue with a label or an issue in it")
BRACES = Rule("unbalanced-braces", "error", "a field value whose braces do not balance")
CAPS = Rule("title-all-caps", "warning", "an all-capitals title word not protected by braces")
RULES = (YEAR, MONTH, MONTH_MACRO, PAGES, PAGES_HYPHEN, VOLUME, BRACES, CAPS)

_BLANK = " \t\r\n{}"
_BRACE = re.compile(r"[{}]")

_YEAR = re.compile(r"\d{4}")
# ISO 8601 as biblatex reads it: a date, a range (`2023/2024`) or an open range (`2023/`),
# with EDTF's uncertainty marks (`2023?`, `2023~`).
_DAY = r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?)?)?[?~%]?"
_DATE = re.compile(rf"(?:{_DAY})?(?:/(?:{_DAY})?)?")
# biblatex's date fields. This project's `updated` and `reviewed` are left alone: its styles
# also read prose dates there ("April 2025").
DATE_FIELDS = frozenset({"date", "origdate", "eventdate", "urldate"})

_MONTH_NUMBERS = {name: n for n, name in enumerate(MONTH_MACROS, start=1)}
_MONTH_NUMBERS |= {full.lower(): n for n, full in enumerate(MONTH_MACROS.values(), start=1)}
_MONTH_NUMBERS["sept"] = 9
_MACROS = tuple(MONTH_MACROS)
_VALUE_START = re.compile(r"\s*=\s*(\S?)")

_PAGE = r"(?:[A-Za-z]{0,3}\d+[A-Za-z]?|[ivxlcdmIVXLCDM]+)"
_PAGE_ITEM = re.compile(rf"({_PAGE})(?:\s*(-{{1,3}}|[–—])\s*({_PAGE})|\+)?")
_PAGE_PARTS = re.compile(r"([A-Za-z]*)(\d+)([A-Za-z]?)")
_ROMAN = re.compile(r"[ivxlcdm]+", re.IGNORECASE)
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_LIST_SEPARATOR = re.compile(r"\s*,\s*")
_RANGE_DASH = re.compile(r"\s*(?:-{1,3}|[–—])\s*")

_VOLUME_ITEM = r"(?:[A-Za-z]?\d+[A-Za-z]?|[IVXLCDM]+|[ivxlcdm]+)"
_VOLUME_OK = re.compile(
    rf"{_VOLUME_ITEM}(?:\s*(?:-{{1,2}}|[–/&+,])\s*{_VOLUME_ITEM})?"
    r"|(?:\d+\s+)?(?:suppl(?:ement)?|spec|special|pt|part|sup)\.?(?:\s*\d+[A-Za-z]?)?"
    r"(?:\s+(?:pt|part)\.?\s*\d+)?",
    re.IGNORECASE,
)
_VOLUME_LABEL = re.compile(r"(?:vol(?:ume)?|no|nr|num(?:ber)?|issue|iss)\b\.?\s*(\S.*)", re.I)
_ISSUE_INSIDE = re.compile(r"(\w+)\s*\(\s*([^()]+?)\s*\)")
_SHORT_WORDS = re.compile(r"[\w.-]+(?: [\w.-]+)?")
# In these types `number` is an issue; elsewhere it is a report or series number, free-form.
_ISSUE_TYPES = frozenset({"article", "periodical", "suppperiodical"})

_TWO_CAPITALS = re.compile(r"[A-Z]{2}")
_UNPROTECTED = re.compile(r"\$[^$]*\$|\\[A-Za-z]+|\\.")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_SMALL_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")


def run(snapshot: Snapshot) -> Iterator[Finding]:
    latest = datetime.date.today().year + 1
    for ref in snapshot.library:
        raw = ref.raw
        # Only the entry's own fields: inherited ones are reported at their parent.
        for name in ref.field_lines:
            value = raw.get(name)
            if value is None or not value.strip(_BLANK):
                continue  # empty: the fields check reports it
            if ("{" in value or "}" in value) and not balanced(value):
                yield entry_finding(
                    snapshot,
                    BRACES,
                    ref,
                    f"the braces in '{name}' do not balance",
                    field=name,
                    hint="every { needs a matching } inside the value",
                )
                continue
            checker = _CHECKERS.get(name)
            if checker is not None:
                finding = checker(_Field(snapshot, ref, name, value, latest))
                if finding is not None:
                    yield finding


@dataclass(frozen=True, slots=True)
class _Field:
    """One field of one entry under check, and how to report on it."""

    snapshot: Snapshot
    ref: Reference
    name: str
    value: str
    latest: int  # the last year a date may name: next year

    def finding(
        self, rule: Rule, message: str, hint: str, fix_value: str | None = None, bare: bool = False
    ) -> Finding:
        return entry_finding(
            self.snapshot,
            rule,
            self.ref,
            message,
            field=self.name,
            hint=hint,
            fix_value=fix_value,
            bare=bare,
        )


def balanced(value: str) -> bool:
    """True when every `{` in `value` closes, in order."""
    depth = 0
    for m in _BRACE.finditer(value):
        depth += 1 if m.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _year(f: _Field) -> Finding | None:
    text = f.value.strip(_BLANK)
    if _YEAR.fullmatch(text) and 1000 <= int(text) <= f.latest:
        return None
    return f.finding(
        YEAR,
        f"year '{text}' is not a year between 1000 and {f.latest}",
        "a four-digit year; give a full date in 'date' (YYYY-MM-DD)",
    )


def _date(f: _Field) -> Finding | None:
    text = f.value.strip(_BLANK)
    m = _DATE.fullmatch(text)
    if m is not None and text.strip("/") and _valid_days(m.groups(), f.latest):
        return None
    return f.finding(
        YEAR,
        f"'{f.name}' is not an ISO 8601 date up to {f.latest}: '{text}'",
        "YYYY, YYYY-MM or YYYY-MM-DD, or a range YYYY/YYYY",
    )


def _valid_days(groups: tuple[str | None, ...], latest: int) -> bool:
    for year, month, day in (groups[:3], groups[3:]):
        if year is None:
            continue
        try:
            datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            return False
        if not 1000 <= int(year) <= latest:
            return False
    return True


def _month(f: _Field) -> Finding | None:
    text = f.value.strip(_BLANK)
    number = month_number(text)
    if number is None:
        hint = "use a month macro: month = jan ... dec (a day goes in 'date')"
        return f.finding(MONTH, f"'{text}' is not a month", hint)
    if not _delimited(f.snapshot, f.ref, f.name):
        return None
    macro = _MACROS[number - 1]
    return f.finding(
        MONTH_MACRO,
        f"month '{text}' is written as text, not as a macro",
        f"write month = {macro} (no braces), which every style understands",
        fix_value=macro,
        bare=True,
    )


def month_number(text: str) -> int | None:
    """1-12 for `3`, `03`, `mar`, `Mar.`, `March`, `Sept`; None for anything else."""
    if text.isdigit():
        number = decimal(text)
        return number if number is not None and 1 <= number <= 12 else None
    return _MONTH_NUMBERS.get(text.rstrip(".").lower())


def _delimited(snapshot: Snapshot, ref: Reference, name: str) -> bool:
    """True when the field is written `{...}` or `"..."` in the file, not as a bare macro.

    The loader expands macros, so the raw value cannot tell `month = mar` from `{March}`.
    """
    lines = snapshot.lines(ref.span.path)
    index = ref.field_lines[name] - 1
    at = snapshot.name_at(ref.span.path, index + 1, name)
    m = _VALUE_START.match(lines[index], at + len(name)) if at is not None else None
    if m is None:
        return False
    first = m.group(1)
    while not first and index + 1 < len(lines):  # the value starts on a later line
        index += 1
        first = lines[index].strip()[:1]
    return first in ("{", '"')


def _pages(f: _Field) -> Finding | None:
    text = f.value.strip()
    plain = text.replace("{", "").replace("}", "")
    single = False
    for item in _LIST_SEPARATOR.split(plain):
        m = _PAGE_ITEM.fullmatch(item)
        problem = f"'{item}' is not a page or a page range" if m is None else ""
        if m is not None and m[3] is not None:
            problem = _backwards(m[1], m[3])
            single = single or m[2] != "--"
        if problem:
            return f.finding(PAGES, problem, "pages as 123--130, e0150367 or xii--xv")
    if not single:
        return None
    fixed = _RANGE_DASH.sub("--", text)
    # With braces inside, rewriting the value is not obviously safe: hint only.
    return f.finding(
        PAGES_HYPHEN,
        f"page range '{text}' is not joined by '--'",
        f"write {fixed}",
        fix_value=fixed if text == plain else None,
    )


def _backwards(start: str, end: str) -> str:
    """Why the range start--end is wrong, or ""."""
    a, b = _PAGE_PARTS.fullmatch(start), _PAGE_PARTS.fullmatch(end)
    first, last = (decimal(m[2]) if m else None for m in (a, b))
    if a and b and first is not None and last is not None:
        if a[1].lower() != b[1].lower() or last >= first:
            return ""  # in order, or different sections (S1--A3) that do not compare
        if len(b[2]) < len(a[2]):
            full = a[2][: len(a[2]) - len(b[2])] + b[2]
            return f"page range '{start}--{end}' is abbreviated; write it in full ({start}--{full})"
        return f"page range '{start}--{end}' ends before it starts"
    if _ROMAN.fullmatch(start) and _ROMAN.fullmatch(end) and _roman(end) < _roman(start):
        return f"page range '{start}--{end}' ends before it starts"
    return ""  # roman into arabic: front matter into the body, rare but possible


def _roman(text: str) -> int:
    values = [_ROMAN_VALUES[c] for c in text.lower()]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _volume(f: _Field) -> Finding | None:
    if f.name == "number" and f.ref.type not in _ISSUE_TYPES:
        return None
    text = f.value.strip(_BLANK)
    if _VOLUME_OK.fullmatch(text):
        return None
    inside = _ISSUE_INSIDE.fullmatch(text) if f.name == "volume" else None
    label = _VOLUME_LABEL.fullmatch(text)
    if inside:
        hint = f"put the issue in 'number': volume = {{{inside[1]}}}, number = {{{inside[2]}}}"
    elif label:
        hint = f"write only the {f.name}: {{{label[1]}}}"
    elif len(text) <= 12 and _SHORT_WORDS.fullmatch(text):
        return None  # a short free form, e.g. an issue called "Spring"
    else:
        hint = f"'{f.name}' holds a number such as 11, XIV, 3-4 or Suppl 2"
    return f.finding(VOLUME, f"{f.name} '{text}' is not a plain {f.name}", hint)


def _capitals(f: _Field) -> Finding | None:
    words = capital_words(f.value)
    if not words:
        return None
    return f.finding(
        CAPS,
        f"'{f.name}' has words in capitals without braces: {', '.join(words)}",
        f"a sentence-case style lowercases them; protect them: {{{words[0]}}}",
    )


def capital_words(value: str) -> list[str]:
    """Words of two or more letters, all capitals, outside braces, math and commands.

    Small roman numerals (II, XIV) are left alone; words with digits (COVID-19) are not.
    """
    if not _TWO_CAPITALS.search(value):
        return []
    text = _UNPROTECTED.sub(" ", without_groups(value))
    found = [
        w
        for w in _WORD.findall(text)
        if w.isupper() and sum(c.isalpha() for c in w) >= 2 and not _SMALL_ROMAN.fullmatch(w)
    ]
    return list(dict.fromkeys(found))


def without_groups(value: str) -> str:
    """`value` with each outermost balanced `{...}` group replaced by one space; unmatched
    braces stay. (Removing innermost groups until none is left did the same in time
    quadratic in the nesting depth.)"""
    out: list[str] = []
    opened: list[int] = []  # where each unclosed `{` is, as an index into `out`
    pos = 0
    for m in _BRACE.finditer(value):
        out.append(value[pos : m.start()])
        pos = m.end()
        if m.group() == "{":
            opened.append(len(out))
            out.append("{")
        elif opened:
            del out[opened.pop() :]
            out.append(" ")
        else:
            out.append("}")
    out.append(value[pos:])
    return "".join(out)


FieldCheck = Callable[[_Field], Finding | None]
_CHECKERS: dict[str, FieldCheck] = {
    "year": _year,
    **dict.fromkeys(DATE_FIELDS, _date),
    "month": _month,
    "pages": _pages,
    "volume": _volume,
    "number": _volume,
    "title": _capitals,
    "booktitle": _capitals,
}

CHECK = Check("values", run, RULES)
