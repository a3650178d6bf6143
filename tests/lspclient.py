"""Driving `citations lsp` as an editor does: a real server process over stdio, pygls's test
client (pytest-lsp), and helpers that open documents and find positions in them."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from conftest import ROOT


def copy_example(root: Path) -> Path:
    """The example project (settings, library, article) copied to `root`."""
    (root / "refs").mkdir(parents=True)
    (root / "articles").mkdir()
    shutil.copy(ROOT / "citations.toml", root / "citations.toml")
    shutil.copy(ROOT / "refs" / "example.bib", root / "refs" / "example.bib")
    article = "acupuncture-for-hip-pain.md"
    shutil.copy(ROOT / "articles" / article, root / "articles" / article)
    return root


async def start_server(root: Path) -> LanguageClient:
    """A server started in `root` and initialized on it, with its own cache folder."""
    client = make_test_lsp_client()
    client.registrations = []  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        client.registrations += params.registrations  # type: ignore[attr-defined]

    env = {**os.environ, "CITATIONS_CACHE_DIR": str(root / ".cache")}
    await client.start_io(sys.executable, "-m", "citations", "lsp", env=env, cwd=root)
    capabilities = client_capabilities("visual-studio-code")
    await client.initialize_session(
        types.InitializeParams(capabilities=capabilities, root_uri=root.as_uri())
    )
    return client


def open_doc(client: LanguageClient, path: Path, text: str | None = None) -> str:
    """Open a document (its file's text unless given); its URI."""
    uri = path.resolve().as_uri()
    text = path.read_text("utf-8") if text is None else text
    language = "bibtex" if path.suffix == ".bib" else "markdown"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text))
    )
    return uri


def change_doc(client: LanguageClient, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def position_of(text: str, needle: str, after: int = 0) -> types.Position:
    """The position `after` characters into the first occurrence of `needle` (ASCII text:
    columns in characters are columns in UTF-16 units)."""
    return position_at(text, text.index(needle) + after)


def position_at(text: str, at: int) -> types.Position:
    line = text.count("\n", 0, at)
    return types.Position(line, at - (text.rfind("\n", 0, at) + 1))


async def complete(
    client: LanguageClient, uri: str, at: types.Position
) -> list[types.CompletionItem]:
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), at)
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


async def diagnostics_of(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """The diagnostics last published for `uri`, once every earlier message was handled (a
    request's answer comes after the notifications sent before it); a .bib file's are
    checked in a thread, and may take a little longer."""
    for _ in range(200):
        await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 0))
        )
        if uri in client.diagnostics:
            break
        await asyncio.sleep(0.05)
    return list(client.diagnostics.get(uri, []))
