"""The fields and values checks: required fields per entry type, typos, blanks, sane values."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from citations.checks import fields, sanity
from citations.checks.base import Check
from citations.findings import Finding, Fix
from citations.library import load_library
from citations.snapshot import Snapshot

from conftest import FIXTURES, ROOT

HERE = FIXTURES / "check_fields"
CHECKS = {"fields": fields.CHECK, "values": sanity.CHECK}

Place = tuple[str, int, int]


def run_check(check: Check, path: Path) -> list[Finding]:
    library = load_library([path])
    return list(check.run(Snapshot(library)))


def by_key(check: Check, fixture: str) -> dict[str, list[Place]]:
    """(code, line, column) of each finding, by entry key; every key of the fixture is there."""
    path = HERE / fixture
    library = load_library([path])
    assert library.findings == []  # the fixture itself loads cleanly
    found: dict[str, list[Place]] = {ref.key: [] for ref in library}
    for f in check.run(Snapshot(library)):
        assert f.span is not None and f.span.path == str(path) and f.key is not None
        found[f.key].append((f.code, f.span.line, f.span.column))
    return found


# (check, fixture, entry key, the one finding it gives: code, line, column)
_TRIGGERS = [
    # fields: required and recommended fields, entry types
    ("fields", "types.bib", "no-journal", "missing-field", 3, 1),
    ("fields", "types.bib", "empty-title", "missing-field", 20, 1),
    ("fields", "types.bib", "page-without-address", "missing-field", 44, 1),
    ("fields", "types.bib", "no-pages", "missing-recommended-field", 29, 1),
    ("fields", "types.bib", "misspelled-type", "unknown-entry-type", 59, 1),
    # fields: typos, blanks, urldate
    ("fields", "fields.bib", "typo", "unknown-field", 7, 3),
    ("fields", "fields.bib", "blank-note", "empty-field", 23, 3),
    ("fields", "fields.bib", "braces-only-note", "empty-field", 30, 5),
    ("fields", "fields.bib", "no-urldate", "missing-urldate", 44, 3),
    ("fields", "fields.bib", "misc-web-page", "missing-urldate", 51, 3),
    # values: years and dates
    ("values", "values.bib", "future-year", "invalid-year", 3, 33),
    ("values", "values.bib", "two-digit-year", "invalid-year", 4, 36),
    ("values", "values.bib", "medieval-year", "invalid-year", 5, 35),
    ("values", "values.bib", "no-such-day", "invalid-year", 6, 33),
    ("values", "values.bib", "prose-date", "invalid-year", 7, 32),
    ("values", "values.bib", "bad-urldate", "invalid-year", 8, 46),
    # values: months
    ("values", "values.bib", "misspelled-month", "invalid-month", 12, 53),
    ("values", "values.bib", "month-thirteen", "invalid-month", 13, 51),
    ("values", "values.bib", "month-name-braced", "month-not-macro", 17, 54),
    ("values", "values.bib", "month-number-quoted", "month-not-macro", 18, 56),
    ("values", "values.bib", "month-abbreviation-braced", "month-not-macro", 22, 3),
    # values: pages
    ("values", "values.bib", "backwards-pages", "invalid-pages", 26, 52),
    ("values", "values.bib", "abbreviated-pages", "invalid-pages", 27, 54),
    ("values", "values.bib", "open-range", "invalid-pages", 28, 47),
    ("values", "values.bib", "pages-label", "invalid-pages", 29, 48),
    ("values", "values.bib", "backwards-roman", "invalid-pages", 30, 52),
    ("values", "values.bib", "single-hyphen", "pages-single-hyphen", 34, 50),
    ("values", "values.bib", "en-dash", "pages-single-hyphen", 35, 44),
    ("values", "values.bib", "lettered-hyphen", "pages-single-hyphen", 36, 52),
    # values: volumes and issues
    ("values", "values.bib", "volume-label", "invalid-volume", 38, 52),
    ("values", "values.bib", "issue-in-volume", "invalid-volume", 39, 55),
    ("values", "values.bib", "issue-label", "invalid-volume", 40, 66),
    # values: braces and capitals
    ("values", "values.bib", "unclosed-quoted", "unbalanced-braces", 45, 24),
    ("values", "values.bib", "closing-first", "unbalanced-braces", 46, 22),
    ("values", "values.bib", "capital-word", "title-all-caps", 49, 21),
    ("values", "values.bib", "capital-with-digits", "title-all-caps", 50, 28),
    ("values", "values.bib", "capital-booktitle", "title-all-caps", 51, 48),
]
TRIGGERS = [pytest.param(*row, id=f"{row[3]}:{row[2]}") for row in _TRIGGERS]

# (check, fixture, entry key) of entries close to a trigger that give no finding at all
_NEAR_MISSES = [
    ("fields", "types.bib", "journaltitle-and-date"),  # biblatex's alternatives
    ("fields", "types.bib", "edited-book"),  # an editor instead of an author
    ("fields", "types.bib", "page-with-doi"),  # a web page found by DOI
    ("fields", "types.bib", "known-type"),  # @Software: types are case-insensitive
    ("fields", "types.bib", "parent"),
    ("fields", "types.bib", "child"),  # booktitle and year come through crossref
    ("fields", "fields.bib", "custom-fields"),  # rating, title_en, url2: custom, not typos
    ("fields", "fields.bib", "braced-note"),
    ("fields", "fields.bib", "misc-without-url"),
    ("fields", "fields.bib", "with-urldate"),
    ("values", "values.bib", "good-dates"),  # ISO dates, ranges, urldate YYYY-MM
    ("values", "values.bib", "month-macro"),
    ("values", "values.bib", "month-number"),  # month = 3, bare: not delimited text
    ("values", "values.bib", "good-pages"),  # e0150367
    ("values", "values.bib", "good-ranges"),  # S12--S15, xii--xv, lists, 7+
    ("values", "values.bib", "good-volume"),  # Suppl 2, 3-4
    ("values", "values.bib", "roman-volume"),  # XIV, an issue called Spring
    ("values", "values.bib", "report-number"),  # a report's number is free-form
    ("values", "values.bib", "nested-braces"),
    ("values", "values.bib", "protected-capitals"),  # {USA}, II, $HIV$, \LaTeX
    ("values", "values.bib", "child"),  # inherited values are reported at the parent
]
NEAR_MISSES = [pytest.param(*row, id=row[2]) for row in _NEAR_MISSES]


@pytest.mark.parametrize(("check", "fixture", "key", "code", "line", "column"), TRIGGERS)
def test_finding_at_its_place(
    check: str, fixture: str, key: str, code: str, line: int, column: int
) -> None:
    assert by_key(CHECKS[check], fixture)[key] == [(code, line, column)]


def test_inherited_values_are_reported_once_at_the_parent() -> None:
    found = by_key(sanity.CHECK, "values.bib")
    assert sorted(found["parent"]) == [("month-not-macro", 54, 82), ("title-all-caps", 54, 22)]
    assert found["child"] == []


@pytest.mark.parametrize(("check", "fixture", "key"), NEAR_MISSES)
def test_near_miss_is_clean(check: str, fixture: str, key: str) -> None:
    assert by_key(CHECKS[check], fixture)[key] == []


def test_every_code_has_a_fixture_that_triggers_it() -> None:
    triggered = {row[3] for row in _TRIGGERS}
    assert triggered == {rule.code for check in CHECKS.values() for rule in check.rules}


@pytest.mark.parametrize("fixture", ["types.bib", "fields.bib", "values.bib"])
def test_severity_and_fixability_follow_the_rules(fixture: str) -> None:
    for check in CHECKS.values():
        rules = {rule.code: rule for rule in check.rules}
        for f in run_check(check, HERE / fixture):
            assert f.severity == rules[f.code].severity
            assert (f.fix is not None) == rules[f.code].fixable


@pytest.mark.parametrize(
    ("key", "field", "value", "bare"),
    [
        pytest.param("month-name-braced", "month", "mar", True, id="{March}"),
        pytest.param("month-number-quoted", "month", "mar", True, id='"3"'),
        pytest.param("single-hyphen", "pages", "320--327", False, id="hyphen"),
        pytest.param("en-dash", "pages", "320--327", False, id="en-dash"),
    ],
)
def test_fixes_write_the_macro_bare_and_double_hyphens(
    key: str, field: str, value: str, bare: bool
) -> None:
    path = HERE / "values.bib"
    fixes = [f.fix for f in run_check(sanity.CHECK, path) if f.key == key]
    assert fixes == [Fix(str(path), key, field, value, bare)]


@pytest.mark.parametrize(
    ("offset", "codes"),
    [pytest.param(1, [], id="next-year-is-fine"), pytest.param(2, ["invalid-year"], id="later")],
)
def test_years_run_up_to_next_year(tmp_path: Path, offset: int, codes: list[str]) -> None:
    year = datetime.date.today().year + offset
    path = tmp_path / "year.bib"
    path.write_text(f"@misc{{k, title = {{A}}, year = {{{year}}}, date = {{{year}-01}}}}\n")
    assert [f.code for f in run_check(sanity.CHECK, path)] == codes * 2


@pytest.mark.parametrize(
    ("title", "words"),
    [
        pytest.param("The {DNA} of COVID-19 in the USA", ["COVID-19", "USA"], id="digits-flagged"),
        pytest.param("Part II and XIV of the LCD", ["LCD"], id="small-roman-numerals-kept"),
        pytest.param(r"$HIV$ \textbf{AIDS} \LaTeX{} in the U.S. and NHS's", [], id="protected"),
        pytest.param("DNA DNA", ["DNA"], id="listed-once"),
    ],
)
def test_capital_words(title: str, words: list[str]) -> None:
    assert sanity.capital_words(title) == words


def test_the_shipped_library_gives_no_finding() -> None:
    snapshot = Snapshot(load_library([ROOT / "refs"]))
    for check in CHECKS.values():
        assert [str(f) for f in check.run(snapshot)] == []
