"""parse_names (BibTeX's name rules) and initials (AMA/Vancouver)."""

from __future__ import annotations

import pytest

from citations.library.names import initials, parse_names
from citations.model import Name

P = pytest.param


def person(first: str = "", von: str = "", last: str = "", jr: str = "") -> Name:
    return Name(first=first, von=von, last=last, jr=jr)


ONE_NAME = [
    P("Donald E. Knuth", person("Donald E.", "", "Knuth"), id="first-last"),
    P("Knuth, Donald E.", person("Donald E.", "", "Knuth"), id="last-comma-first"),
    P("Knuth", person(last="Knuth"), id="last-only"),
    P("Ludwig van Beethoven", person("Ludwig", "van", "Beethoven"), id="first-von-last"),
    P("van Beethoven, Ludwig", person("Ludwig", "van", "Beethoven"), id="von-last-comma-first"),
    P("de la Fontaine, Jean", person("Jean", "de la", "Fontaine"), id="two-word-von-comma"),
    P("Jean de la Fontaine", person("Jean", "de la", "Fontaine"), id="two-word-von"),
    P(
        "Charles Louis Xavier Joseph de la Vallée Poussin",
        person("Charles Louis Xavier Joseph", "de la", "Vallée Poussin"),
        id="long-first-von-two-word-last",
    ),
    P("Ford, Jr., Henry", person("Henry", "", "Ford", "Jr."), id="jr"),
    P("van der Berg, Jr, Hans", person("Hans", "van der", "Berg", "Jr"), id="von-jr"),
    P("Brinch Hansen, Per", person("Per", "", "Brinch Hansen"), id="two-word-last"),
    P("jean de la fontaine", person("", "jean de la", "fontaine"), id="all-lower-keeps-a-last"),
    P("Jean de", person("Jean", "", "de"), id="lower-last-word-is-last"),
    P("Vincent {van Gogh}", person("Vincent", "", "van Gogh"), id="braced-von-is-last"),
    P("{van} Gogh, Vincent", person("Vincent", "", "van Gogh"), id="braced-word-counts-upper"),
    P(r"Jan {\"u}ber Test", person("Jan", "über", "Test"), id="special-char-lower-is-von"),
    P(r"{\"U}ber, Hans", person("Hans", "", "Über"), id="special-char-upper"),
    P(r"{\relax Ch}ristopher Smith", person("Christopher", "", "Smith"), id="relax"),
    P(r"M{\"u}ller, Hans", person("Hans", "", "Müller"), id="accent-in-last"),
    P(r"Hans M{\"u}ller", person("Hans", "", "Müller"), id="accent-first-last"),
    P(r"\"Ozil, Mesut", person("Mesut", "", "Özil"), id="unbraced-accent"),
    P(r"Zo{\"e} {\o}rsted", person("Zoë", "", "ørsted"), id="last-word-always-last"),
    P("Ming-Shun Wang", person("Ming-Shun", "", "Wang"), id="hyphenated-first"),
    P("Usichenko, Taras I.", person("Taras I.", "", "Usichenko"), id="middle-initial"),
    P("Tsai, T. I.", person("T. I.", "", "Tsai"), id="initials-first"),
    P("D.~E. Knuth", person("D. E.", "", "Knuth"), id="tie-separates-words"),
    P("  Knuth,\n\t Donald   E. ", person("Donald E.", "", "Knuth"), id="whitespace-collapses"),
    P("a, b, c, d", person("c d", "", "a", "b"), id="extra-commas-join-first"),
    P("Smith,", person(last="Smith"), id="trailing-comma"),
    P(", Jean", person(last="Jean"), id="nothing-before-comma"),
]


@pytest.mark.parametrize(("value", "name"), ONE_NAME)
def test_one_name(value: str, name: Name) -> None:
    assert parse_names(value) == ((name,), False)


@pytest.mark.parametrize(
    ("value", "last"),
    [
        P("{Mayo Clinic Staff}", "Mayo Clinic Staff", id="mayo"),
        P("{World Health Organization}", "World Health Organization", id="who"),
        P("{Barnes and Noble}", "Barnes and Noble", id="and-inside-braces"),
        P("  {Centers for\n Disease Control}  ", "Centers for Disease Control", id="whitespace"),
        P(r"{Soci{\'e}t{\'e} G{\'e}n{\'e}rale}", "Société Générale", id="accents-inside"),
    ],
)
def test_corporate(value: str, last: str) -> None:
    assert parse_names(value) == ((Name(last=last, corporate=True),), False)


@pytest.mark.parametrize(
    "value",
    [
        P(r"{\"O}", id="special-char"),
        P("{Mayo} Clinic", id="two-words"),
        P("{A}{B}", id="two-groups"),
    ],
)
def test_not_corporate(value: str) -> None:
    names, _ = parse_names(value)
    assert not any(n.corporate for n in names)


@pytest.mark.parametrize(
    ("value", "lasts", "others"),
    [
        P("Smith, J. and Doe, Jane", ["Smith", "Doe"], False, id="two"),
        P("Smith, J. and Doe, Jane and others", ["Smith", "Doe"], True, id="and-others"),
        P("Smith, J. and Others", ["Smith"], True, id="and-Others"),
        P("Smith, J. AND Doe, Jane", ["Smith", "Doe"], False, id="AND-caps"),
        P("Smith, J. And Doe, Jane", ["Smith", "Doe"], False, id="And-title"),
        P("Smith and\nDoe", ["Smith", "Doe"], False, id="and-newline"),
        P("Anderson and Sandy Brand", ["Anderson", "Brand"], False, id="and-inside-words"),
        P("{Barnes and Noble} and Smith", ["Barnes and Noble", "Smith"], False, id="braced-and"),
        P("{WHO} and Doe, J.", ["WHO", "Doe"], False, id="corporate-then-person"),
        P("others", [], True, id="only-others"),
        P("Smith and others and Doe", ["Smith", "Doe"], False, id="others-not-last"),
    ],
)
def test_lists(value: str, lasts: list[str], others: bool) -> None:
    names, flag = parse_names(value)
    assert [n.last for n in names] == lasts
    assert flag is others


@pytest.mark.parametrize(
    ("value", "lasts"),
    [
        P("", [], id="empty"),
        P("   \n ", [], id="blank"),
        P("Smith and", ["Smith"], id="trailing-and"),
        P("and Smith", ["Smith"], id="leading-and"),
        P("Smith and and Doe", ["Smith", "Doe"], id="empty-between-ands"),
        P("Smith and , and Doe", ["Smith", "Doe"], id="only-comma-between"),
        P("{Unbalanced and Smith", ["Unbalanced and Smith"], id="unclosed-brace"),
        P("Smith} and Doe", ["Smith", "Doe"], id="stray-closing-brace"),
        P("Smith\\", ["Smith"], id="trailing-backslash"),
        P("{", [], id="lone-brace"),
        P(",,,", [], id="only-commas"),
    ],
)
def test_malformed(value: str, lasts: list[str]) -> None:
    names, others = parse_names(value)
    assert [n.last for n in names] == lasts
    assert others is False


@pytest.mark.parametrize(
    ("first", "plain", "hyphenated"),
    [
        P("Ming-Shun", "MS", "M-S", id="hyphenated"),
        P("T. I.", "TI", "TI", id="dotted-initials"),
        P("T.I.", "TI", "TI", id="dotted-no-space"),
        P("Hans Peter", "HP", "HP", id="two-names"),
        P("J.-P.", "JP", "J-P", id="dotted-hyphen"),
        P("Kee-Hsin", "KH", "K-H", id="kee-hsin"),
        P("Ming-shun", "MS", "M-S", id="lower-after-hyphen"),
        P("Taras I", "TI", "TI", id="bare-initial"),
        P("Ö", "Ö", "Ö", id="accent-kept"),
        P("O\u0308rjan", "Ö", "Ö", id="decomposed-accent"),
        P("élise", "É", "É", id="lower-accented"),
        P("", "", "", id="empty"),
        P("  ", "", "", id="blank"),
    ],
)
def test_initials(first: str, plain: str, hyphenated: str) -> None:
    assert initials(first) == plain
    assert initials(first, hyphen=True) == hyphenated
