"""Numbering: first appearance, repeats reuse their number, AMA ranges, locators stand alone."""

from __future__ import annotations

import pytest

from citations.render.article import scan_article
from citations.render.numbering import number_citations

KNOWN = {f"k{i}" for i in range(1, 10)}


def _labels(text: str, **options: object) -> list[str]:
    numbering = number_citations(scan_article(text, "a.md").markers, KNOWN, **options)  # type: ignore[arg-type]
    out = []
    for c in numbering.citations:
        parts = []
        for label in c.labels:
            if label.is_range:
                parts.append(f"{label.numbers[0]}–{label.numbers[-1]}")
            else:
                parts.append(
                    f"{label.numbers[0]}" + (f"({label.locator})" if label.locator else "")
                )
        parts += [f"{i.key}?" for i in c.missing]
        out.append(",".join(parts))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[@k1] [@k2] [@k1]", ["1", "2", "1"], id="repeats-reuse"),
        pytest.param(
            "[@k1] [@k2] [@k3; @k4; @k5] [@k3]", ["1", "2", "3–5", "3"], id="example-range"
        ),
        pytest.param("[@k1; @k2]", ["1,2"], id="pair-stays"),
        pytest.param(
            "[@k1] [@k2] [@k3] [@k4] [@k5] [@k6] [@k6; @k4; @k7; @k5]",
            ["1", "2", "3", "4", "5", "6", "4–7"],
            id="sorted-first",
        ),
        pytest.param(
            "[@k1] [@k2] [@k3] [@k4] [@k5] [@k1; @k3; @k5]",
            ["1", "2", "3", "4", "5", "1,3,5"],
            id="gaps-stay",
        ),
        pytest.param(
            "[@k1] [@k2] [@k3] [@k4] [@k5] [@k1; @k2; @k3; @k5]",
            ["1", "2", "3", "4", "5", "1–3,5"],
            id="range-then-single",
        ),
        pytest.param("[@k1; @k1]", ["1"], id="duplicate-in-group"),
        pytest.param("[@k1; @k2, p. 12; @k3]", ["1,2(12),3"], id="locator-never-folded"),
        pytest.param("[@k1; @nope] [@k2]", ["1,nope?", "2"], id="unknown-gets-no-number"),
    ],
)
def test_labels(text: str, expected: list[str]) -> None:
    assert _labels(text) == expected


def test_collapsing_is_an_option() -> None:
    assert _labels("[@k1; @k2; @k3]", collapse=False) == ["1,2,3"]
    assert _labels("[@k1; @k2]", range_min=2) == ["1–2"]


def test_ranges_keep_every_member() -> None:
    numbering = number_citations(scan_article("[@k1; @k2; @k3]", "a.md").markers, KNOWN)
    label = numbering.citations[0].labels[0]
    assert label.numbers == (1, 2, 3) and label.keys == ("k1", "k2", "k3")


def test_cited_at_lists_every_place() -> None:
    numbering = number_citations(scan_article("[@k1] [@k2; @k1] [@k1]", "a.md").markers, KNOWN)
    assert numbering.cited_at == {"k1": [1, 2, 3], "k2": [2]}
    assert numbering.order == ["k1", "k2"]


def test_numbering_continues_across_articles() -> None:
    first = number_citations(scan_article("[@k1] [@k2]", "a.md").markers, KNOWN)
    both = number_citations(scan_article("[@k3] [@k1]", "b.md").markers, KNOWN, numbering=first)
    assert both.numbers == {"k1": 1, "k2": 2, "k3": 3}


def test_continuous_numbering_with_a_shared_counter() -> None:
    counter: dict[str, int] = {}
    first = number_citations(scan_article("[@k1] [@k2]", "a.md").markers, KNOWN, counter=counter)
    second = number_citations(scan_article("[@k3] [@k1]", "b.md").markers, KNOWN, counter=counter)
    assert first.numbers == {"k1": 1, "k2": 2}
    assert second.numbers == {"k3": 3, "k1": 1}
    assert second.order == ["k1", "k3"]  # the page's list runs by number
    assert [c.labels[0].numbers for c in second.citations] == [(3,), (1,)]
