"""What every style shares: options, names, dates, pages, and punctuation that never dangles."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, ClassVar

from ...errors import StyleError
from ...identifiers import bare_doi
from ...library.names import initials
from ...model import Name, NameList, Reference
from ...richtext import Link, Part, Rich
from ...wording import did_you_mean

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBERS = {m.lower(): i for i, m in enumerate(MONTHS, 1)} | {
    m[:3].lower(): i for i, m in enumerate(MONTHS, 1)
}
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# biblatex's date ranges (manual §2.3.8): `2020-01-05/2020-03-01`, `2019/2020`, open `1988/`.
_ISO_RANGE = re.compile(r"^(\d{4}(?:-\d{1,2}){0,2})\s*/\s*(\d{4}(?:-\d{1,2}){0,2})?$")


_LOCATOR_ABBREVIATIONS = {
    "page": "p", "pages": "pp", "chapter": "ch", "section": "sec", "figure": "fig",
    "table": "table", "volume": "vol", "paragraph": "para", "line": "line", "note": "n",
    "issue": "no", "column": "col", "part": "pt", "book": "bk", "article": "art",
    "verse": "v", "opus": "op", "folio": "fol", "sub-verbo": "s.v.", "reference": "ref",
}  # fmt: skip


@dataclass(frozen=True)
class Date:
    """A date, or the start of a range: `end` is its last day, `ongoing` an open range (`1988/`)."""

    year: int
    month: int | None = None
    day: int | None = None
    end: Date | None = None
    ongoing: bool = False


def option(default: Any, help: str, minimum: int = 0) -> Any:
    """A style option's field: its default, one line saying what it does, and for a number
    the least value that makes sense."""
    return field(default=default, metadata={"help": help, "minimum": minimum})


def option_help(options: type[StyleOptions], name: str) -> str:
    """The one line saying what option `name` does (a subclass may only change its default)."""
    return str(_metadata(options, name).get("help", ""))


def _metadata(options: type[StyleOptions], name: str) -> Mapping[str, Any]:
    """What `option(...)` said of `name`, wherever in the class's bases it was declared."""
    for cls in options.__mro__:
        for f in fields(cls) if is_dataclass(cls) else ():
            if f.name == name and "help" in f.metadata:
                return f.metadata
    return {}


@dataclass(frozen=True)
class StyleOptions:
    """Options every numeric style understands; a style adds its own in a subclass.

    Names are written with dashes in citations.toml (`et-al-min = 6`).
    """

    et_al_min: int = option(
        7, "this many authors or more print as the first et-al-use-first, then 'et al.'", 1
    )
    et_al_use_first: int = option(3, "how many authors to print before 'et al.'", 1)
    show_issue: bool = option(True, "print the issue number: 2016;11(3):e0150367")
    show_doi: bool = option(True, "print the DOI at the end: doi:10.1371/...")
    show_url: bool = option(True, "print the URL of works read online")
    show_accessed: bool = option(True, "print the access date (urldate): Accessed April 2025")
    collapse_ranges: bool = option(True, "range-min or more consecutive numbers as a range: 3–5")
    range_min: int = option(3, "how many consecutive numbers make a range", 2)
    move_punctuation: bool = option(
        True, "a period or comma after a citation moves before it: pain [@a]. → pain.¹"
    )


class Style:
    """A citation style: formats one reference as rich text. Subclasses set `name` and `Options`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    Options: ClassVar[type[StyleOptions]] = StyleOptions
    # Entry type → the method that formats it; DEFAULT for every other type (`template_table`).
    templates: ClassVar[Mapping[str, Template]] = {}
    # The fields some template prints (for some entry type): `check` names every other field.
    printed: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.options = build_options(self.Options, options or {}, self.name)

    @classmethod
    def option_names(cls) -> frozenset[str]:
        """The options this style takes (with underscores, as the Options fields are named)."""
        return frozenset(f.name for f in fields(cls.Options))

    def format(self, ref: Reference) -> Rich:
        """`ref` through the template of its kind (pybtex's get_<type>_template idea)."""
        template = self.templates.get(self.kind(ref)) or self.templates[DEFAULT]
        return join_blocks(template(self, ref))

    def kind(self, ref: Reference) -> str:
        """The entry's type as the templates see it: a `@misc` with a URL and no publisher is
        a web page."""
        if ref.type == "misc" and ref.get("url") and not ref.get("publisher"):
            return "online"
        return ref.type

    def locator(self, label: str, value: str) -> str:
        """A locator inside the superscript, AMA-style: `p12`, `pp33-35`, `ch 3`."""
        short = _LOCATOR_ABBREVIATIONS.get(label, label)
        return f"{short}{value}" if label in ("page", "pages") else f"{short} {value}".strip()

    def short(self, ref: Reference) -> str:
        """Author for in-text citations (`@key` in running text): Park et al., Park and Kim."""
        names = ref.authors.names or ref.editors.names
        if not names:
            return ref.get("title")[:40] or ref.key
        first = names[0].last if names[0].corporate else family(names[0])
        if len(names) == 1 and not ref.authors.others:
            return first
        if len(names) == 2 and not ref.authors.others:
            second = names[1].last if names[1].corporate else family(names[1])
            return f"{first} and {second}"
        return f"{first} et al."


Template = Callable[[Any, Reference], "list[Block | None]"]
DEFAULT = "*"  # the templates' key for every type without a template of its own


def template_table(
    *served: tuple[Iterable[str], Template], default: Template
) -> dict[str, Template]:
    """A style's table: each template with the entry types it serves, and the default."""
    table = {DEFAULT: default}
    for types, template in served:
        table.update(dict.fromkeys(types, template))
    return table


def build_options(
    cls: type[StyleOptions], given: Mapping[str, Any], style: str, table: str | None = None
) -> StyleOptions:
    """`given` (names with dashes) as `cls`; an unknown name or a wrong type is a StyleError
    naming the option (and `table`, the [style-options.<table>] it came from, if one)."""
    known = {f.name: f for f in fields(cls)}
    defaults = cls()
    values: dict[str, Any] = {}
    for raw_name, value in given.items():
        name = raw_name.replace("-", "_")

        def bad(message: str, hint: str = "") -> StyleError:
            return StyleError(message, hint=hint, option=raw_name, table=table)  # noqa: B023

        if name not in known:
            hint = did_you_mean(raw_name, [n.replace("_", "-") for n in known])
            raise bad(f"unknown option '{raw_name}' for style '{style}'", hint)
        default = getattr(defaults, name)
        if type(default) is bool and not isinstance(value, bool):
            raise bad(f"style option '{raw_name}' must be true or false, not {value!r}")
        least = int(_metadata(cls, name).get("minimum", 0))
        if type(default) is int and (
            isinstance(value, bool) or not isinstance(value, int) or value < least
        ):
            raise bad(f"style option '{raw_name}' must be a whole number of at least {least}, "
                      f"not {value!r}")  # fmt: skip
        if type(default) is str and not isinstance(value, str):
            raise bad(f"style option '{raw_name}' must be a string, not {value!r}")
        values[name] = value
    return replace(defaults, **values)


# The fields both styles print, for some entry type or other; tests/test_styles_biblatex.py
# checks that leaving out each one changes some reference.
_PRINTED = """
    author editor title subtitle titleaddon journal journaltitle journalsubtitle shortjournal
    year month day date volume number issue pages eid doi url urldate booktitle booksubtitle
    maintitle mainsubtitle eventtitle eventdate venue edition publisher location address
    institution school organization howpublished type updated reviewed origdate pubstate
    eprint eprinttype eprintclass archiveprefix primaryclass
    """
PRINTED = frozenset(_PRINTED.split())


# --- names ---------------------------------------------------------------------------------


def family(name: Name) -> str:
    """The family name as printed: particles kept (van Gogh), corporate names whole."""
    if name.corporate:
        return name.last
    return f"{name.von} {name.last}".strip()


def name_initials(name: Name) -> str:
    """`Usichenko TI`, `van Gogh V`, `King ML Jr`; a corporate name as written."""
    if name.corporate:
        return name.last
    text = family(name)
    given = initials(name.first)
    if given:
        text = f"{text} {given}"
    if name.jr:
        text = f"{text} {name.jr.rstrip('.')}"
    return text


def name_list(names: NameList, et_al_min: int, use_first: int, *, et_al: str = "et al") -> str:
    """`Wu MS, Chen KH, Chen IF, et al` — no final period; the caller ends the part."""
    people = list(names.names)
    truncated = names.others
    if len(people) >= et_al_min:
        people = people[:use_first]
        truncated = True
    printed = [name_initials(n) for n in people]
    if truncated and printed:
        printed.append(et_al)
    return ", ".join(printed)


# --- dates and numbers -----------------------------------------------------------------------


def parse_date(text: str) -> Date | None:
    """`2025-04-15`, `2025-04`, `2023`, `April 2025`, `15 April 2025`, `Apr. 2025`, and the
    ranges `2020-01-05/2020-03-01`, `2019/2020`, `1988/`."""
    text = text.strip()
    span = _ISO_RANGE.match(text)
    if span:
        start = parse_date(span[1])
        end = parse_date(span[2]) if span[2] else None
        if start is not None and end is not None and end != start:
            return replace(start, end=end)
        return replace(start, ongoing=span[2] is None) if start is not None else None
    m = _ISO_DATE.match(text)
    if m and (len(text) == m.end() or not text[m.end()].isdigit()):
        year, month, day = (int(g) if g else None for g in m.groups())
        if month is not None and not 1 <= month <= 12:
            month = day = None
        assert year is not None
        return Date(year, month, day)
    words = re.findall(r"[A-Za-z]+|\d+", text)
    year = next((int(w) for w in words if w.isdigit() and len(w) == 4), None)
    if year is None:
        return None
    month = next((_MONTH_NUMBERS[w.lower()] for w in words if w.lower() in _MONTH_NUMBERS), None)
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31), None)
    return Date(year, month, day if month else None)


def years(date: Date) -> str:
    """The year of a date, or of a range: `2019`, `2019-2020`, `1988-` (a range in one year
    is that year)."""
    if date.ongoing:
        return f"{date.year}-"
    if date.end is not None and date.end.year != date.year:
        return f"{date.year}-{date.end.year}"
    return str(date.year)


def month_number(text: str) -> int | None:
    text = text.strip().rstrip(".").lower()
    if text.isdigit():
        number = decimal(text)
        return number if number is not None and 1 <= number <= 12 else None
    return _MONTH_NUMBERS.get(text) or _MONTH_NUMBERS.get(text[:3])


def issued(ref: Reference) -> Date | None:
    """The entry's date from `date`, or from `year` with `month` (and `day`)."""
    if ref.get("date"):
        return parse_date(ref.get("date"))
    year = re.search(r"\d{4}", ref.get("year"))
    if not year:
        return None
    month = month_number(ref.get("month")) if ref.get("month") else None
    day = ref.get("day").strip()
    return Date(int(year.group()), month, decimal(day) if month else None)


def decimal(text: str) -> int | None:
    """`text` as a whole number if it is one written in decimal digits, else None. Not int()
    on isdigit(): ² is a digit that int() refuses, and int() refuses 4,300 digits or more."""
    if not text.isdecimal():
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 1_000 else None


def page_range(pages: str) -> tuple[str, str] | None:
    """`320--327`, `320-327`, `320–327` → ("320", "327"); a single page → None."""
    parts = [p.strip() for p in re.split(r"\s*(?:-{1,3}|–|—)\s*", pages.strip()) if p.strip()]
    return (parts[0], parts[-1]) if len(parts) == 2 else None


def elide_pages(first: str, last: str) -> str:
    """NLM's elided ranges: 320-327 → 320-7, 982-984 → 982-4, 1624-1630 → 1624-30."""
    if first.isdigit() and last.isdigit() and len(first) == len(last):
        i = 0
        while i < len(first) - 1 and first[i] == last[i]:
            i += 1
        return f"{first}-{last[i:]}"
    return f"{first}-{last}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st: editions."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- assembling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One unit of a reference, printed with a closing period unless `close` is False."""

    parts: Rich
    close: bool = True


def block(*parts: Part | None, close: bool = True) -> Block | None:
    kept = tuple(p for p in parts if p)
    return Block(kept, close) if kept else None


def join_blocks(blocks: Sequence[Block | None]) -> Rich:
    """Blocks separated by spaces, each closed by a period unless it already ends in . ? !"""
    out: list[Part] = []
    for b in blocks:
        if b is None:
            continue
        if out:
            out.append(" ")
        out.extend(b.parts)
        if b.close and not _ends_with_stop(b.parts):
            out.append(".")
    return tuple(out)


def _ends_with_stop(parts: Rich) -> bool:
    from ...richtext import plain

    text = plain(parts).rstrip()
    return text.endswith((".", "?", "!"))


def doi_link(doi: str) -> Link:
    doi = bare_doi(doi)
    return Link(f"https://doi.org/{doi}", f"doi:{doi}")


def web_link(url: str) -> Link:
    return Link(url.strip())
