"""`citations lsp`: the Language Server Protocol over stdio (pygls), wired to the session."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from ..errors import CitationsError
from ..richtext import to_markdown
from ..version import __version__
from .convert import location, lsp_range, rename_edit
from .features import citations_of, definition, hover_text, rename_places
from .locate import cited_key_at, completion_query, entry_at, valid_key
from .project import Project
from .session import Document, Session

_R = TypeVar("_R")
_AtPosition = types.DefinitionParams | types.ReferenceParams | types.RenameParams
WATCHED = ("**/*.bib", "**/citations.toml", "**/pyproject.toml")
_LOG = logging.getLogger(__name__)  # standard error, the editor's log


def path_of(uri: str) -> Path | None:
    path = to_fs_path(uri)
    return Path(path).resolve() if path else None


def guarded(handler: Callable[..., _R]) -> Callable[..., _R | None]:
    """A handler that never takes the server down: our own errors are answered as invalid
    requests, anything else is written to standard error (the editor's log) and ignored."""

    @functools.wraps(handler)
    def run(*args: Any) -> _R | None:
        try:
            return handler(*args)
        except JsonRpcException:
            raise
        except CitationsError as exc:
            raise JsonRpcInvalidParams(str(exc)) from None
        except Exception:
            _LOG.exception("citations lsp: a request failed (a bug in citations)")
            return None

    return run


def build_server() -> LanguageServer:
    server = LanguageServer("citations", __version__)
    session = Session(
        lambda uri, found: server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found)
        ),
        lambda message: server.window_show_message(
            types.ShowMessageParams(types.MessageType.Error, message)
        ),
    )
    _documents(server, session)
    _completion(server, session)
    _navigation(server, session)
    _edits(server, session)
    return server


def _documents(server: LanguageServer, session: Session) -> None:
    """Start, open, change, save, close, and files changed on disk."""

    @server.feature(types.INITIALIZE)
    @guarded
    def initialize(params: types.InitializeParams) -> None:
        folders = params.workspace_folders or []
        uri = params.root_uri or (folders[0].uri if folders else None)
        root = (path_of(uri) if uri else None) or Path.cwd()
        encoding = server.workspace.position_encoding or "utf-16"
        session.start(root, str(getattr(encoding, "value", encoding)))

    @server.feature(types.INITIALIZED)
    @guarded
    def initialized(params: types.InitializedParams) -> None:
        _watch(server)
        session.diagnose_library()

    @server.feature(types.SHUTDOWN)
    @guarded
    def shutdown(params: None) -> None:
        session.stop()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        _edited(session, params.text_document.uri, params.text_document.text, session.diagnose)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri  # pygls has applied the changes to its copy
        text = server.workspace.get_text_document(uri).source
        _edited(session, uri, text, session.diagnose_soon)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        if path is not None and session.is_library_file(path):
            session.reload()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        session.close(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded
    def changed_on_disk(params: types.DidChangeWatchedFilesParams) -> None:
        paths = [path_of(change.uri) for change in params.changes]
        if any(p is not None and session.is_library_file(p) for p in paths):
            session.reload()


def _edited(session: Session, uri: str, text: str, diagnose: Callable[[str], None]) -> None:
    """A document opened or changed: keep its text and publish its diagnostics."""
    path = path_of(uri)
    if path is not None:
        session.set_text(uri, path, text)
        diagnose(uri)


def _watch(server: LanguageServer) -> None:
    """Ask the client to tell us of .bib and settings files changed on disk, when it can."""
    workspace = server.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if not (watched and watched.dynamic_registration):
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
    )
    registration = types.Registration(
        id="citations-watch-library",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    # No callback: a client that refuses leaves us serving without the watcher, silently.
    server.client_register_capability(types.RegistrationParams(registrations=[registration]))


def _key_at(session: Session, doc: Document, position: types.Position) -> str | None:
    """The key under the cursor: a cited one in an article, the entry's in a .bib file."""
    if doc.article is not None:
        offset = doc.lines.offset((position.line, position.character))
        place = cited_key_at(doc.article, doc.lines, offset)
        return place.key if place else None
    if session.project is not None and doc.path.suffix.lower() == ".bib":
        ref = entry_at(session.project.library, doc.path, position.line + 1)
        return ref.key if ref else None
    return None


def _key_asked(session: Session, params: _AtPosition) -> tuple[Project, str] | None:
    """The project and the key a position request is about, if it is about one."""
    doc = _doc(session, params.text_document.uri)
    key = _key_at(session, doc, params.position) if doc else None
    return (session.project, key) if key is not None and session.project else None


def _doc(session: Session, uri: str) -> Document | None:
    return session.document(uri, path_of(uri)) if session.project else None


def _completion(server: LanguageServer, session: Session) -> None:
    """Keys completed after `@`, documented on demand (completionItem/resolve)."""

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["@"], resolve_provider=True),
    )
    @guarded
    def complete(params: types.CompletionParams) -> types.CompletionList | None:
        doc = _doc(session, params.text_document.uri)
        if doc is None or doc.article is None or session.project is None:
            return None
        position = params.position
        offset = doc.lines.offset((position.line, position.character))
        found = completion_query(doc.article, offset)
        if found is None:
            return None
        start, query = found
        entries, more = session.project.index.search(query)
        span = lsp_range((doc.lines.position(start), doc.lines.position(offset)))
        items = [
            types.CompletionItem(
                label=entry.key,
                kind=types.CompletionItemKind.Reference,
                detail=entry.detail,
                # The typed words may match title words, not the key: filtering on them
                # keeps the client from hiding what the server found.
                filter_text=query if query.strip() else entry.key,
                sort_text=f"{i:05d}",
                text_edit=types.TextEdit(span, entry.key),
                data={"key": entry.key, "uri": params.text_document.uri},
            )
            for i, entry in enumerate(entries)
        ]
        return types.CompletionList(is_incomplete=more or bool(query), items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    @guarded
    def resolve(item: types.CompletionItem) -> types.CompletionItem:
        data = item.data if isinstance(item.data, dict) else {}
        project = session.project
        ref = project.library.get(str(data.get("key"))) if project else None
        if project is None or ref is None:
            return item
        doc = _doc(session, str(data.get("uri", "")))
        style = project.style_for(doc.article if doc else None)
        if style is not None:
            markdown = to_markdown(style.format(ref))
            item.documentation = types.MarkupContent(types.MarkupKind.Markdown, markdown)
        return item


def _navigation(server: LanguageServer, session: Session) -> None:
    """Hover, definition, references."""

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded
    def hover(params: types.HoverParams) -> types.Hover | None:
        doc = _doc(session, params.text_document.uri)
        if doc is None or doc.article is None or session.project is None:
            return None
        offset = doc.lines.offset((params.position.line, params.position.character))
        place = cited_key_at(doc.article, doc.lines, offset)
        if place is None:
            return None
        text = hover_text(session.project, doc.article, place.key)
        span = lsp_range((doc.lines.position(place.start), doc.lines.position(place.end)))
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), span)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded
    def define(params: types.DefinitionParams) -> types.Location | None:
        found = _key_asked(session, params)
        place = definition(found[0], found[1], session.opened()) if found else None
        return location(place) if place else None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded
    def references(params: types.ReferenceParams) -> list[types.Location] | None:
        found = _key_asked(session, params)
        if found is None:
            return None
        project, key = found
        places = citations_of(project, key, session.opened(), session.encoding)
        if params.context.include_declaration:
            entry = definition(project, key, session.opened())
            places = [entry, *places] if entry else places
        return [location(place) for place in places]


def _edits(server: LanguageServer, session: Session) -> None:
    """Rename, and the quick fix for an unknown key."""

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    @guarded
    def rename(params: types.RenameParams) -> types.WorkspaceEdit | None:
        found = _key_asked(session, params)
        if found is None:
            return None
        if not valid_key(params.new_name):
            raise JsonRpcInvalidParams(f"'{params.new_name}' cannot be a citation key")
        opened = session.opened()
        places = rename_places(*found, params.new_name, opened, session.encoding)
        return rename_edit(places, params.new_name)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded
    def code_actions(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        doc = _doc(session, uri)
        if doc is None or doc.article is None or session.project is None:
            return None
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            if diagnostic.code != "unknown-key":
                continue
            start = diagnostic.range.start
            offset = doc.lines.offset((start.line, start.character)) + 1
            place = cited_key_at(doc.article, doc.lines, offset)
            if place is None:
                continue
            span = lsp_range((doc.lines.position(place.start), doc.lines.position(place.end)))
            for n, suggestion in enumerate(session.project.library.suggest(place.key)):
                edit = types.WorkspaceEdit(changes={uri: [types.TextEdit(span, suggestion)]})
                actions.append(
                    types.CodeAction(
                        title=f"Replace with '{suggestion}'",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=edit,
                        is_preferred=n == 0,
                    )
                )
        return actions


class _Refusals(logging.Filter):
    """A request we refuse on purpose (a rename to a bad key) is answered with its message;
    pygls would also log it with a traceback, which is no bug to report."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, JsonRpcInvalidParams)


def run_stdio() -> None:
    """Serve one editor over standard input and output until it says exit."""
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_Refusals())
    build_server().start_io()
