"""AMA title case for books, reports and theses (3.9.1): raise major words, touch nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.library import load_library
from citations.render.styles import get_style
from citations.render.styles.casing import title_case
from citations.richtext import plain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("statistics in medicine", "Statistics in Medicine"),
        ("acupuncture in practice: a handbook for the clinic",
         "Acupuncture in Practice: A Handbook for the Clinic"),
        ("patients with parkinson disease", "Patients With Parkinson Disease"),  # 4 letters
        ("what is pain and what is it for", "What Is Pain and What Is It For"),  # last word
        ("the role of mRNA and pH in DNA repair", "The Role of mRNA and pH in DNA Repair"),
        ("long-term follow-up of hip pain", "Long-term Follow-up of Hip Pain"),
        ("vitamin A in the 2nd trimester", "Vitamin A in the 2nd Trimester"),
        ("hip pain – a guide", "Hip Pain – A Guide"),
        ("(re)thinking “evidence” in care", "(Re)thinking “Evidence” in Care"),
        ("The Efficacy Of Care", "The Efficacy Of Care"),  # capitals are never lowered
        ("", ""),
    ],
)  # fmt: skip
def test_title_case(text: str, expected: str) -> None:
    assert title_case(text) == expected


def test_braced_words_keep_their_case() -> None:
    raw = "Infections with Staphylococcus {aureus} in care homes"
    assert title_case("Infections with Staphylococcus aureus in care homes", raw) == (
        "Infections With Staphylococcus aureus in Care Homes"
    )


BIB = """@book{plain,
  author = {Riffenburgh, R. H.},
  title = {Statistics in medicine: a primer},
  publisher = {Elsevier},
  year = {2006},
}
@book{german,
  author = {Müller, Anna},
  title = {Akupunktur in der Praxis},
  publisher = {Thieme},
  year = {2010},
  langid = {german},
}
@incollection{chapter,
  author = {Meltzer, P. S.},
  title = {Chromosome alterations in human solid tumors},
  booktitle = {The genetic basis of human cancer},
  publisher = {McGraw-Hill},
  year = {2002},
}
@phdthesis{thesis,
  author = {Dinse, Michaela},
  title = {Ohrakupunktur nach Hüftendoprothetik},
  school = {Universität Greifswald},
  year = {2006},
  langid = {ngerman},
}
"""


@pytest.fixture
def library(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "refs.bib").write_text(BIB, "utf-8")
    lib = load_library([tmp_path / "refs.bib"])
    assert lib.findings == []
    return {ref.key: plain(get_style("ama", {}).format(ref)) for ref in lib} | {
        f"off:{ref.key}": plain(get_style("ama", {"title-case-books": False}).format(ref))
        for ref in lib
    }


def test_ama_books_and_book_titles_are_title_cased(library: dict[str, str]) -> None:
    assert library["plain"] == "Riffenburgh RH. Statistics in Medicine: A Primer. Elsevier; 2006."
    assert library["chapter"] == (
        "Meltzer PS. Chromosome alterations in human solid tumors. In: The Genetic Basis of "
        "Human Cancer. McGraw-Hill; 2002."
    )  # the chapter's own title stays in sentence case


def test_other_languages_and_the_option_off_are_left_as_written(library: dict[str, str]) -> None:
    assert "Akupunktur in der Praxis." in library["german"]
    assert "Ohrakupunktur nach Hüftendoprothetik." in library["thesis"]
    assert "Statistics in medicine: a primer." in library["off:plain"]
