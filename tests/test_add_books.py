"""`citations add isbn:…`: books from Open Library's Books API, served by the fake registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.commands.add import AddOutcome, run_add_command
from citations.config import load_config
from citations.identifiers import normalise_isbn as isbn13
from citations.library import load_library
from citations.registries.client import Registries
from citations.registries.openlibrary import parse_books
from citations.render.styles import get_style
from citations.richtext import plain

from fakeregistry import FakeRegistry

BOOK = (
    "@book{garcialopez2019acupuncture,\n"
    "  author = {García-López, Ana and van der Berg, Hans},\n"
    "  title = {Acupuncture in practice: a fixture handbook for musculoskeletal pain},\n"
    "  publisher = {Fixture Medical Press},\n"
    "  year = {2019},\n"
    "  month = mar,\n"
    "  isbn = {9781402894626},\n"
    "}\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "refs").mkdir()
    (tmp_path / "citations.toml").write_text('refs = ["refs"]\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _add(registries: Registries, *ids: str, **options: object) -> AddOutcome:
    return run_add_command(load_config(), ids, options, registries=registries)


@pytest.mark.parametrize("given", ["isbn:978-1-4028-9462-6", "9781402894626", "isbn:1402894627"])
def test_a_book_by_its_isbn(project: Path, registries: Registries, given: str) -> None:
    outcome = _add(registries, given, dry_run=True)
    assert outcome.failed == []
    assert outcome.entries == [BOOK]


def test_the_book_is_written_and_renders(
    project: Path, registries: Registries, fake: FakeRegistry
) -> None:
    outcome = _add(registries, "isbn:978-1-4028-9462-6")
    assert outcome.written == Path("refs/added.bib")
    library = load_library([project / "refs"])
    assert library.findings == []
    [book] = list(library)
    rendered = " ".join(plain(get_style("ama", {}).format(book)).split())
    assert rendered == (
        "García-López A, van der Berg H. Acupuncture in Practice: A Fixture Handbook for "
        "Musculoskeletal Pain. Fixture Medical Press; 2019."
    )
    [hit] = fake.hits("/openlibrary/")
    assert hit.path == "/openlibrary/api/books?bibkeys=ISBN:9781402894626&format=json&jscmd=data"


def test_a_book_already_there_is_refused_but_not_a_chapter_of_it(
    project: Path, registries: Registries
) -> None:
    chapter = "@incollection{chapter,\n  title = {A chapter},\n  isbn = {1-4028-9462-7},\n}\n"
    (project / "refs" / "library.bib").write_text(chapter, "utf-8")
    first = _add(registries, "isbn:1402894627", dry_run=True)
    assert first.existing == [] and len(first.entries) == 1  # the chapter's ISBN is its book's
    (project / "refs" / "library.bib").write_text(chapter + "\n" + BOOK, "utf-8")
    again = _add(registries, "isbn:1-4028-9462-7", dry_run=True)
    assert again.existing == [("isbn:1-4028-9462-7", "garcialopez2019acupuncture")]
    assert again.entries == []


def test_open_library_down_is_a_failure_not_a_miss(
    project: Path, registries: Registries, fake: FakeRegistry
) -> None:
    fake.html("/openlibrary/*", status=503)
    outcome = _add(registries, "isbn:9781402894626", dry_run=True)
    [(_, why)] = outcome.failed
    assert why.startswith("could not be looked up: Open Library: HTTP 503")


@pytest.mark.parametrize(
    ("isbn", "expected"),
    [("1402894627", "9781402894626"), ("0-8044-2957-X", "9780804429573"),
     ("9783161484100", "9783161484100")],
)  # fmt: skip
def test_isbn10_becomes_isbn13(isbn: str, expected: str) -> None:
    assert isbn13(isbn) == expected


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{}", "not-found"), (b"{not json", "unavailable"), (b"[]", "unavailable"),
     (b'{"ISBN:9781402894626": "x"}', "unavailable")],
)  # fmt: skip
def test_open_librarys_other_answers(body: bytes, status: str) -> None:
    assert parse_books(body, "9781402894626", "").status == status
