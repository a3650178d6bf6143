"""`citations lsp` on bad input: a broken .bib, one in Latin-1, an article that is not UTF-8,
hostile article text and broken settings give diagnostics, never a dead server; and the
server exits cleanly when the editor says so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

import lspclient as editor

pytestmark = pytest.mark.asyncio(loop_scope="module")

BROKEN_BIB = """@article{ok2020, title = {Fine}, year = {2020}}

@article{broken2021, title = {Never closed, year = {2021}

@misc{after2022, title = {After the break}, year = {2022}}
"""
HOSTILE = (
    "---\ntitle: [unclosed\n---\n",  # front matter that is not YAML
    "\x00\ufeff\ue000\U0010fffd [@" * 2000 + "\n",
    "\u2028[@{}] [@] @@@ [[[[@wu2016efficacy]]]] \\[@wu2016efficacy]\n",
    "[@" + "a" * 100_000 + "]\n",
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = editor.copy_example(tmp_path_factory.mktemp("lsp-hostile") / "project")
    (root / "refs" / "broken.bib").write_text(BROKEN_BIB, "utf-8")
    (root / "refs" / "latin.bib").write_bytes(
        b"@article{muller1999, author = {M\xfcller, Hans}, title = {Nadeln}, year = {1999}}\n"
    )
    (root / "articles" / "latin.md").write_bytes(b"Na\xefve text citing [@muller1999].\n")
    return root


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(project: Path) -> AsyncIterator[LanguageClient]:
    client = await editor.start_server(project)
    yield client
    server = client._server
    if server is not None and server.returncode is None:
        await client.shutdown_session()
    await client.stop()


def uri(project: Path, name: str) -> str:
    return (project / name).resolve().as_uri()


async def test_a_broken_bib_gets_the_check_findings(client: LanguageClient, project: Path) -> None:
    found = await editor.diagnostics_of(client, uri(project, "refs/broken.bib"))
    assert "bib-syntax" in {d.code for d in found}
    text = (project / "refs" / "broken.bib").read_text("utf-8")
    [syntax] = [d for d in found if d.code == "bib-syntax"]
    assert syntax.range.start.line == editor.position_of(text, "@article{broken2021").line
    assert syntax.severity == types.DiagnosticSeverity.Error


async def test_a_latin1_bib_loads_with_a_warning(client: LanguageClient, project: Path) -> None:
    found = await editor.diagnostics_of(client, uri(project, "refs/latin.bib"))
    assert "bib-encoding" in [d.code for d in found]
    text = "[@muller"
    doc = editor.open_doc(client, project / "articles" / "draft.md", text)
    items = await editor.complete(client, doc, editor.position_at(text, len(text)))
    assert [item.label for item in items] == ["muller1999"]
    assert items[0].detail is not None and items[0].detail.startswith("Müller H")


@pytest.mark.parametrize("text", HOSTILE, ids=["yaml", "private-use", "brackets", "long-key"])
async def test_hostile_article_text_gets_diagnostics(
    client: LanguageClient, project: Path, text: str
) -> None:
    doc = editor.open_doc(client, project / "articles" / "hostile.md", text + "[@wu")
    found = await editor.diagnostics_of(client, doc)
    assert all(d.range.start.line >= 0 for d in found)
    items = await editor.complete(client, doc, editor.position_at(text, len(text) + 3))
    assert items or text.startswith("---")  # front matter that is not YAML: nothing scanned
    if text.startswith("---"):
        assert [d.code for d in found] == ["unreadable-article"]


async def test_malformed_citations_are_reported(client: LanguageClient, project: Path) -> None:
    text = "Open [@wu2016efficacy and never closed.\n\nEmpty [@] here. Fine [@wu2016efficacy].\n"
    doc = editor.open_doc(client, project / "articles" / "malformed.md", text)
    found = [d for d in await editor.diagnostics_of(client, doc) if d.code == "malformed-citation"]
    assert [d.range.start for d in found] == [
        editor.position_of(text, "[@wu"),
        editor.position_of(text, "[@]"),
    ]


async def test_positions_count_utf16_units(client: LanguageClient, project: Path) -> None:
    text = "Pain 😀 relief [@wu2016efficacy] and [@pa"
    doc = editor.open_doc(client, project / "articles" / "emoji.md", text)
    items = await editor.complete(client, doc, types.Position(0, len(text) + 1))  # 😀: two units
    park = next(item for item in items if item.label == "park2023acupuncture")
    assert isinstance(park.text_edit, types.TextEdit)
    start = text.index("@pa") + 2  # after the emoji, one character is two units
    assert park.text_edit.range.start == types.Position(0, start)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(doc), types.Position(0, 19))
    )
    assert hover is not None and hover.range is not None
    assert hover.range.start == types.Position(0, text.index("wu2016") + 1)


async def test_references_skip_an_article_that_is_not_utf8(
    client: LanguageClient, project: Path
) -> None:
    text = project.joinpath("articles/acupuncture-for-hip-pain.md").read_text("utf-8")
    doc = editor.open_doc(client, project / "articles" / "acupuncture-for-hip-pain.md", text)
    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(doc),
            position=editor.position_of(text, "@wu2016", 2),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert found is not None
    assert found[0].uri == uri(project, "refs/example.bib")
    cited = {loc.uri for loc in found[1:]}  # the drafts opened above cite it too
    assert doc in cited and uri(project, "articles/latin.md") not in cited


async def test_watcher_registered_and_server_exits_cleanly(client: LanguageClient) -> None:
    methods = [r.method for r in client.registrations]  # type: ignore[attr-defined]
    assert methods == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    await client.shutdown_session()
    assert client._server is not None and client._server.returncode == 0


async def test_broken_settings_are_a_diagnostic(tmp_path: Path) -> None:
    project = editor.copy_example(tmp_path / "project")
    (project / "citations.toml").write_text('refs = ["refs"]\nstyle = "ama"\nbogus = 1\n')
    client = await editor.start_server(project)
    try:
        found = await editor.diagnostics_of(client, uri(project, "citations.toml"))
        assert [(d.code, d.range.start.line) for d in found] == [("project-not-loaded", 2)]
        assert client.messages == []  # the place is known: no pop-up needed
        text = "[@wu"  # the defaults serve meanwhile: refs/ in the project's folder
        doc = editor.open_doc(client, project / "articles" / "draft.md", text)
        items = await editor.complete(client, doc, editor.position_at(text, len(text)))
        assert [item.label for item in items] == ["wu2016efficacy"]
        settings = project / "citations.toml"
        settings.write_text('refs = ["nowhere"]\n', "utf-8")  # valid, but no such folder
        client.diagnostics.pop(uri(project, settings.name))  # to wait for the next ones
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(
                types.TextDocumentIdentifier(uri(project, settings.name))
            )
        )
        assert await editor.complete(client, doc, editor.position_at(text, len(text))) == []
        assert await editor.diagnostics_of(client, uri(project, "citations.toml")) == []
        assert [m.type for m in client.messages] == [types.MessageType.Error]
        assert "nowhere" in client.messages[0].message
    finally:
        await client.shutdown_session()
        await client.stop()
