"""`citations verify` of books by ISBN, through Open Library on the fake registry."""

from __future__ import annotations

from pathlib import Path

from citations.commands.verify import VerifyOutcome, run_verify_command
from citations.config import Config

from fakeregistry import FakeRegistry

BOOKS = """@book{right,
  author = {García-López, Ana and van der Berg, Hans},
  title = {Acupuncture in Practice: A Fixture Handbook for Musculoskeletal Pain},
  publisher = {Fixture Medical Press},
  year = {2019},
  isbn = {978-1-4028-9462-6},
}
@book{wrongyear,
  author = {García-López, Ana and van der Berg, Hans},
  title = {Acupuncture in practice: a fixture handbook for musculoskeletal pain},
  publisher = {Fixture Medical Press},
  year = {2016},
  isbn = {1-4028-9462-7},
}
@book{otherbook,
  author = {Kuhn, Thomas S.},
  title = {The structure of scientific revolutions},
  publisher = {University of Chicago Press},
  year = {1962},
  isbn = {9781402894626},
}
@book{unknown,
  author = {Kuhn, Thomas S.},
  title = {The structure of scientific revolutions},
  publisher = {University of Chicago Press},
  year = {1962},
  isbn = {978-3-16-148410-0},
}
@incollection{chapter,
  author = {Smith, Jane},
  title = {A chapter of that handbook},
  booktitle = {Acupuncture in practice},
  publisher = {Fixture Medical Press},
  year = {2019},
  isbn = {978-1-4028-9462-6},
}
"""


def _verify(fake: FakeRegistry, tmp_path: Path) -> VerifyOutcome:
    bib = tmp_path / "books.bib"
    bib.write_text(BOOKS, "utf-8")
    options = {"keys": (), "refs": (bib,), "no_cache": True}
    return run_verify_command(Config(refs=(bib,)), options, settings=fake.settings())


def test_books_are_verified_by_isbn(fake: FakeRegistry, tmp_path: Path) -> None:
    results = {r.key: r for r in _verify(fake, tmp_path).results}
    assert {k: r.verdict for k, r in results.items()} == {
        "right": "verified",  # title case or not, the same title
        "wrongyear": "mismatch",
        "otherbook": "different-work",
        "unknown": "unverifiable",  # not in Open Library: never called fabricated
        "chapter": "unverifiable",  # a chapter's ISBN is its book's
    }
    right = results["right"]
    assert (right.registry, right.how, right.identifier) == (
        "openlibrary", "isbn", {"isbn": "9781402894626"}
    )  # fmt: skip
    assert right.detail == "agrees with Open Library (found by its ISBN)"
    [year] = results["wrongyear"].fields
    assert (year.field, year.ours, year.theirs) == ("year", "2016", "2019")
    assert results["unknown"].detail == (
        "Open Library has no book with ISBN 9783161484100; books are often not indexed"
    )
    asked = sorted(h.path for h in fake.hits("/openlibrary/"))
    assert len(asked) == 4 and all("bibkeys=ISBN:978" in path for path in asked)
