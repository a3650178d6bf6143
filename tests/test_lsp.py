"""`citations lsp` driven over stdio as an editor drives it, on a copy of the example project:
completion, hover, definition, references, diagnostics with a quick fix, rename, reload."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

from citations.library import load_library
from citations.net.cache import Cache
from citations.render.article import read_article
from citations.render.numbering import number_citations
from citations.verify.store import KIND, verdict_url

from lspclient import (
    change_doc,
    complete,
    copy_example,
    diagnostics_of,
    open_doc,
    position_at,
    position_of,
    start_server,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")
ARTICLE = "articles/acupuncture-for-hip-pain.md"
BIB = "refs/example.bib"


RECORDED_AT = 1764000000.0  # 2025-11-24


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, with what `links` and `verify` would have recorded about Park 2023 in the
    cache the server reads (its doi broken; the work retracted)."""
    root = copy_example(tmp_path_factory.mktemp("lsp") / "project")
    park = load_library([root / "refs"])["park2023acupuncture"]
    doi = {"kind": "doi", "url": park.raw["doi"], "outcome": "broken", "status": 404}
    verdict = {"kind": KIND, "url": verdict_url(park), "outcome": "retracted"}
    verdict |= {"verdict": "retracted", "source": "crossref", "checked_at": RECORDED_AT}
    with Cache.open(root / ".cache" / "cache.sqlite") as cache:
        cache.put_results([doi, verdict], ttl=60, now=RECORDED_AT)
    return root


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(project: Path) -> AsyncIterator[LanguageClient]:
    client = await start_server(project)
    yield client
    await client.shutdown_session()
    await client.stop()


async def draft(client: LanguageClient, project: Path, text: str, name: str) -> str:
    """An unsaved article in the project's articles folder, opened with `text`."""
    return open_doc(client, project / "articles" / f"{name}.md", text)


async def test_completion_after_a_key_prefix(client: LanguageClient, project: Path) -> None:
    text = project.joinpath(ARTICLE).read_text("utf-8") + "\nMore pain relief [@wu"
    uri = open_doc(client, project / ARTICLE, text)
    items = await complete(client, uri, position_at(text, len(text)))
    assert items[0].label == "wu2016efficacy"
    edit = items[0].text_edit
    assert isinstance(edit, types.TextEdit)
    assert edit.new_text == "wu2016efficacy"
    end = position_at(text, len(text))
    assert edit.range == types.Range(types.Position(end.line, end.character - 2), end)
    assert items[0].detail and "2016" in items[0].detail
    change_doc(client, uri, project.joinpath(ARTICLE).read_text("utf-8"), 2)


@pytest.mark.parametrize(
    "typed", ["[@hip acupuncture", "[@acupuncture hip", "see [@wu2016efficacy; @park 2023"]
)
async def test_completion_by_words(client: LanguageClient, project: Path, typed: str) -> None:
    uri = await draft(client, project, typed, "words")
    items = await complete(client, uri, position_at(typed, len(typed)))
    assert "park2023acupuncture" in [item.label for item in items]
    assert "wu2016efficacy" not in [item.label for item in items]


async def test_completion_never_breaks_brackets(client: LanguageClient, project: Path) -> None:
    text = "Pain [@pa] and more."
    uri = await draft(client, project, text, "brackets")
    items = await complete(client, uri, position_of(text, "@pa", 3))
    park = next(item for item in items if item.label == "park2023acupuncture")
    assert isinstance(park.text_edit, types.TextEdit)
    assert park.text_edit.new_text == "park2023acupuncture"
    assert park.text_edit.range == types.Range(position_of(text, "pa]"), position_of(text, "]"))


async def test_completion_in_an_html_article(client: LanguageClient, project: Path) -> None:
    text = '<p class="x">Needles help <a href="#">[see @wu'
    uri = open_doc(client, project / "articles" / "page.html", text)
    items = await complete(client, uri, position_at(text, len(text)))
    assert [item.label for item in items] == ["wu2016efficacy"]
    inside_tag = '<p title="[@wu">Text</p>'  # an attribute is no citation
    uri = open_doc(client, project / "articles" / "tag.html", inside_tag)
    assert await complete(client, uri, position_of(inside_tag, "wu", 2)) == []


@pytest.mark.parametrize(
    "text", ["mail me at someone@wu", "`[@wu`", "[@wu2016efficacy] done"], ids=str
)
async def test_no_completion_outside_a_citation(
    client: LanguageClient, project: Path, text: str
) -> None:
    uri = await draft(client, project, text, "none")
    assert await complete(client, uri, position_at(text, len(text))) == []


async def test_resolve_gives_the_reference_as_the_style_prints_it(
    client: LanguageClient, project: Path
) -> None:
    text = "[@park"
    uri = await draft(client, project, text, "resolve")
    items = await complete(client, uri, position_at(text, len(text)))
    resolved = await client.completion_item_resolve_async(items[0])
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert "Park HS" in resolved.documentation.value
    assert "Healthcare" in resolved.documentation.value


async def test_hover_shows_the_reference_and_its_number(
    client: LanguageClient, project: Path
) -> None:
    text = project.joinpath(ARTICLE).read_text("utf-8")
    uri = open_doc(client, project / "articles" / "hover.md", text)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), position_of(text, "@park2023", 3))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    library = load_library([project / "refs"])
    numbers = number_citations(read_article(project / ARTICLE).markers, library.references)
    assert "Park HS" in hover.contents.value
    assert f"Number {numbers.numbers['park2023acupuncture']}" in hover.contents.value
    assert "systematic review" in hover.contents.value  # its evidence type
    assert "broken (HTTP 404)" in hover.contents.value  # as `links` recorded it
    assert "retracted against crossref on 2025-11-24" in hover.contents.value  # and `verify`


async def test_claim_flags_are_information(client: LanguageClient, project: Path) -> None:
    text = project.joinpath(ARTICLE).read_text("utf-8")
    uri = open_doc(client, project / "articles" / "flags.md", text)
    found = await diagnostics_of(client, uri)
    flagged = {(d.code, d.severity) for d in found if d.code and str(d.code).startswith("cites-")}
    info = types.DiagnosticSeverity.Information
    assert flagged == {("cites-broken-reference", info), ("cites-unverified-reference", info)}
    cited = [position_at(text, m.start()) for m in re.finditer("@park2023", text)]
    broken = [d.range.start for d in found if d.code == "cites-broken-reference"]
    assert broken == cited


async def test_definition_lands_on_the_entry(client: LanguageClient, project: Path) -> None:
    text = project.joinpath(ARTICLE).read_text("utf-8")
    uri = open_doc(client, project / "articles" / "definition.md", text)
    found = await client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(uri), position_of(text, "@wu2016", 4))
    )
    assert isinstance(found, types.Location)
    bib = project.joinpath(BIB).read_text("utf-8")
    assert found.uri == (project / BIB).resolve().as_uri()
    assert found.range.start == position_of(bib, "wu2016efficacy,")


async def test_references_from_the_entry(client: LanguageClient, project: Path) -> None:
    bib = project.joinpath(BIB).read_text("utf-8")
    uri = (project / BIB).resolve().as_uri()
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri),
            position=position_of(bib, "  title = {Acupuncture treatment for hip"),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    article = project.joinpath(ARTICLE).read_text("utf-8")
    expected = [position_at(article, m.start() + 1) for m in re.finditer("@park2023", article)]
    in_article = [loc.range.start for loc in found or [] if loc.uri.endswith(ARTICLE)]
    assert in_article == expected


async def test_typo_gets_a_diagnostic_and_a_quick_fix(
    client: LanguageClient, project: Path
) -> None:
    text = "Hip pain eases with needles [@park2023acupunture].\n"
    uri = await draft(client, project, text, "typo")
    found = [d for d in await diagnostics_of(client, uri) if d.code == "unknown-key"]
    assert [d.range.start for d in found] == [position_of(text, "@park")]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            found[0].range,
            types.CodeActionContext(diagnostics=found),
        )
    )
    fix = (actions or [])[0]
    assert isinstance(fix, types.CodeAction) and fix.kind == types.CodeActionKind.QuickFix
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == "park2023acupuncture"
    assert edit.range == types.Range(position_of(text, "park"), position_of(text, "]"))


async def test_rename_edits_the_entry_and_every_citation(
    client: LanguageClient, project: Path
) -> None:
    text = project.joinpath(ARTICLE).read_text("utf-8")
    article_uri = (project / ARTICLE).resolve().as_uri()
    edit = await client.text_document_rename_async(
        types.RenameParams(
            types.TextDocumentIdentifier(article_uri),
            position_of(text, "@park2023", 2),
            "park2023hip",
        )
    )
    assert edit is not None and edit.changes is not None
    bib_uri = (project / BIB).resolve().as_uri()
    bib = project.joinpath(BIB).read_text("utf-8")
    assert [e.range.start for e in edit.changes[bib_uri]] == [position_of(bib, "park2023")]
    cited = [position_at(text, m.start() + 1) for m in re.finditer("@park2023", text)]
    assert [e.range.start for e in edit.changes[article_uri]] == cited
    assert {e.new_text for edits in edit.changes.values() for e in edits} == {"park2023hip"}


async def test_rename_from_the_entry(client: LanguageClient, project: Path) -> None:
    bib = project.joinpath(BIB).read_text("utf-8")
    bib_uri = (project / BIB).resolve().as_uri()
    edit = await client.text_document_rename_async(
        types.RenameParams(
            types.TextDocumentIdentifier(bib_uri), position_of(bib, "wu2016efficacy,"), "wu2016"
        )
    )
    assert edit is not None and edit.changes is not None
    article = project.joinpath(ARTICLE).read_text("utf-8")
    cited = [position_at(article, m.start() + 1) for m in re.finditer("@wu2016", article)]
    article_uri = (project / ARTICLE).resolve().as_uri()
    assert [e.range.start for e in edit.changes[article_uri]] == cited
    assert [e.range.end.character - e.range.start.character for e in edit.changes[bib_uri]] == [
        len("wu2016efficacy")
    ]


@pytest.mark.parametrize("name", ["wu2016efficacy", "two words", ""])
async def test_rename_refuses_a_bad_name(client: LanguageClient, project: Path, name: str) -> None:
    text = project.joinpath(ARTICLE).read_text("utf-8")
    uri = (project / ARTICLE).resolve().as_uri()
    params = types.RenameParams(
        types.TextDocumentIdentifier(uri), position_of(text, "@park2023", 2), name
    )
    with pytest.raises(Exception, match=r"cannot be a citation key|already has"):
        await client.text_document_rename_async(params)


NEW_ENTRY = """
@article{zhou2024electro,
  author = {Zhou, Lin and Ng, Amy},
  title = {Electroacupuncture after hip replacement},
  journal = {Pain Medicine},
  year = {2024},
}
"""


async def test_a_saved_bib_is_seen_by_the_next_completion(
    client: LanguageClient, project: Path
) -> None:
    text = "[@electroacupuncture replacement"
    uri = await draft(client, project, text, "reload")
    assert await complete(client, uri, position_at(text, len(text))) == []
    bib = project / BIB
    bib.write_text(bib.read_text("utf-8") + NEW_ENTRY, "utf-8")
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(bib.resolve().as_uri()))
    )
    items = await complete(client, uri, position_at(text, len(text)))
    assert [item.label for item in items] == ["zhou2024electro"]


async def test_a_bib_changed_on_disk_is_seen(client: LanguageClient, project: Path) -> None:
    extra = project / "refs" / "more.bib"
    extra.write_text("@book{quinn2020needles, title = {Needles}, year = {2020}}\n", "utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent(extra.resolve().as_uri(), types.FileChangeType.Created)]
        )
    )
    text = "[@quinn"
    uri = await draft(client, project, text, "watched")
    assert [i.label for i in await complete(client, uri, position_at(text, len(text)))] == [
        "quinn2020needles"
    ]
