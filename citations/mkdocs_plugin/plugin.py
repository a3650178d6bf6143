"""The MkDocs hooks: settings and the library once per build, each page rendered through the
Markdown pipeline, findings as warnings (which `mkdocs build --strict` fails on), the
stylesheet added to the site, sidecars kept out of it, the library watched by `mkdocs serve`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from mkdocs.config import base
from mkdocs.config import config_options as options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..build.work import SIDECAR_SUFFIX
from ..errors import CitationsError
from ..findings import Finding
from ..render.settings import RenderSettings
from ..reporters.escape import inert
from .pages import CSS_NAME, CSS_URI, Loaded, load, page_path, project_settings, render_page
from .pages import watched_paths as _watched_paths

T = TypeVar("T")
log = get_plugin_logger("citations")  # mkdocs.plugins.citations: --strict counts its warnings


class CitationsConfig(base.Config):
    """The plugin's options in mkdocs.yml; paths relative to mkdocs.yml's folder."""

    refs = options.Optional(options.Type((str, list)))  # .bib files or folders
    style = options.Optional(options.Type(str))
    config = options.Optional(options.Type(str))  # a citations.toml; default: found upward


class CitationsPlugin(BasePlugin[CitationsConfig]):
    """`plugins: [citations]`: each page numbered on its own, linked both ways."""

    def __init__(self) -> None:
        self.loaded: Loaded | None = None
        self.base = Path.cwd()
        self.settings: RenderSettings | None = None

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance across `mkdocs serve` rebuilds, and with
        it the library, read again only when a .bib file changed."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.base = Path(config.config_file_path or ".").resolve().parent
        refs = self.config.refs
        if isinstance(refs, list) and not all(isinstance(r, str) for r in refs):
            raise PluginError("citations: 'refs' must be a path or a list of paths")
        self.settings = _stopping(
            project_settings, self.base, self.config.config, refs, self.config.style
        )
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        assert self.settings is not None  # on_config came first
        self.loaded = _stopping(load, self.settings, self.loaded)
        for finding in self.loaded.library.findings:
            _report(finding)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        for file in list(files):
            if file.src_uri.endswith(SIDECAR_SUFFIX):  # `citations build` output: not for readers
                files.remove(file)
        assert self.loaded is not None
        css = _stopping(self.loaded.templates.render, CSS_NAME, {})
        files.append(File.generated(config, CSS_URI, content=css))
        return files

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer | None:
        assert self.settings is not None
        for path in _watched_paths(self.settings):
            server.watch(path)
        return server

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        assert self.loaded is not None
        path = page_path(page.file.abs_src_path, page.file.src_uri, self.base)
        try:
            source = page.file.content_string
        except (OSError, ValueError):
            source = None
        text, findings = _stopping(render_page, markdown, path, source, page.meta, self.loaded)
        for finding in findings:
            _report(finding)
        return text


def _stopping(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)`; a problem that stops the build (bad settings, an unreadable library,
    a bad template) is MkDocs' PluginError: one message naming the place, no traceback."""
    try:
        return function(*args)
    except CitationsError as exc:
        raise PluginError(f"citations: {inert(str(exc))}") from None


def _report(finding: Finding) -> None:
    """Errors and warnings as MkDocs warnings (a --strict build fails on them), the rest info."""
    if finding.severity in ("error", "warning"):
        log.warning(inert(str(finding)))
    else:
        log.info(inert(str(finding)))
