"""The authors check: `et al.` typed out, unbraced corporate names, names joined by commas."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.checks.authors import CHECK, first_author, run
from citations.findings import Finding
from citations.folding import fold
from citations.library import load_library
from citations.library.names import parse_names
from citations.snapshot import Snapshot

from conftest import FIXTURES, ROOT

LIBRARY = FIXTURES / "check_authors" / "library.bib"


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    return list(run(Snapshot(load_library([LIBRARY]))))


def found(findings: list[Finding], key: str) -> list[tuple[str, int, int]]:
    return [(f.code, f.span.line, f.span.column) for f in findings if f.key == key and f.span]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("etal", [("et-al-in-authors", 5, 3)], id="et-al"),
        pytest.param("andetal", [("et-al-in-authors", 11, 3)], id="and-et-al-quoted"),
        pytest.param("editoretal", [("et-al-in-authors", 15, 3)], id="et-al-in-editor"),
        pytest.param("etalmacro", [("et-al-in-authors", 20, 3)], id="et-al-from-macro"),
        pytest.param("parentetal", [("et-al-in-authors", 75, 3)], id="et-al-at-crossref-parent"),
        pytest.param("mayo", [("corporate-author-unbraced", 35, 3)], id="corporate"),
        pytest.param("company", [("corporate-author-unbraced", 40, 3)], id="company-suffix"),
        pytest.param(
            "commasvancouver", [("authors-joined-by-commas", 55, 3)], id="commas-vancouver"
        ),
        pytest.param("commasfull", [("authors-joined-by-commas", 60, 3)], id="commas-full-names"),
        pytest.param(
            "commasinitials", [("authors-joined-by-commas", 65, 3)], id="commas-in-translator"
        ),
        pytest.param(
            "commasetal",
            [("et-al-in-authors", 86, 3), ("authors-joined-by-commas", 86, 3)],
            id="et-al-and-commas",
        ),
    ],
)
def test_triggers(findings: list[Finding], key: str, expected: list[tuple[str, int, int]]) -> None:
    assert found(findings, key) == expected


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("othersok", id="and-others"),
        pytest.param("metalname", id="names-ending-in-al"),
        pytest.param("mayobraced", id="corporate-braced"),
        pytest.param("servicesurname", id="organisation-words-as-surnames"),
        pytest.param("commasok", id="jr-von-initials"),
        pytest.param("childofetal", id="inherited-editor"),
    ],
)
def test_near_misses(findings: list[Finding], key: str) -> None:
    assert found(findings, key) == []


@pytest.mark.parametrize(
    ("key", "field", "value"),
    [
        pytest.param("etal", "author", "Wu, Ming-Shun and Chen, K. and others", id="braced"),
        pytest.param(
            "andetal", "author", 'M{\\"u}ller, J. and Chen, K. and others', id="quoted-latex-kept"
        ),
        pytest.param("editoretal", "editor", "Smith, J. and others", id="editor"),
    ],
)
def test_et_al_fix_replaces_the_tail(
    findings: list[Finding], key: str, field: str, value: str
) -> None:
    (finding,) = [f for f in findings if f.key == key]
    assert finding.fix is not None
    assert (finding.fix.key, finding.fix.field, finding.fix.value, finding.fix.bare) == (
        key, field, value, False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("etalmacro", id="macro-value"),
        pytest.param("commasetal", id="names-need-splitting"),
    ],
)
def test_et_al_without_a_safe_fix(findings: list[Finding], key: str) -> None:
    assert [f.fix for f in findings if f.code == "et-al-in-authors" and f.key == key] == [None]


def test_concatenated_value_gets_no_fix(tmp_path: Path) -> None:
    bib = tmp_path / "cat.bib"
    bib.write_text('@article{cat,\n  author = {Wu, M.} # " et al.",\n  title = {T},\n}\n')
    (finding,) = run(Snapshot(load_library([bib])))
    assert (finding.code, finding.span.line if finding.span else 0, finding.fix) == (
        "et-al-in-authors", 2, None,
    )  # fmt: skip


def test_every_code_is_a_rule(findings: list[Finding]) -> None:
    assert {f.code for f in findings} == {rule.code for rule in CHECK.rules}
    assert {rule.code: rule.fixable for rule in CHECK.rules}["et-al-in-authors"]


def test_example_library_is_clean() -> None:
    assert list(run(Snapshot(load_library([ROOT / "refs"])))) == []


@pytest.mark.parametrize(
    "author",
    [
        pytest.param("Smith, J. and Jones, K.", id="last-first"),
        pytest.param("van der Berg, J.", id="von-last-first"),
        pytest.param("Ludwig van Beethoven", id="first-von-last"),
        pytest.param("Ford, Jr., Henry", id="jr"),
        pytest.param("O'Brien, P.", id="apostrophe"),
        pytest.param('M{\\"u}ller, J. and Smith, K.', id="latex-accent"),
        pytest.param("Müller, Jörg", id="unicode"),
        pytest.param("Garc{\\'\\i}a M{\\'a}rquez, Gabriel", id="two-word-surname"),
        pytest.param("{Barnes and Noble} and Smith, J.", id="and-inside-braces"),
        pytest.param("{World Health Organization}", id="corporate"),
        pytest.param("Jos{\\'e} de la Cruz", id="latex-first-von-last"),
        pytest.param("", id="none"),
    ],
)
def test_first_author_agrees_with_the_name_parser(tmp_path: Path, author: str) -> None:
    """The quick paths give the family name the full parser gives, folded."""
    bib = tmp_path / "one.bib"
    bib.write_text(f"@article{{k, author = {{{author}}}, title = {{T}}}}", encoding="utf-8")
    (ref,) = load_library([bib])
    names, _ = parse_names(author)
    assert first_author(ref) == (fold(names[0].last) if names else "")
