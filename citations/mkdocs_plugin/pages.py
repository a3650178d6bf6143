"""What the MkDocs plugin does without MkDocs: settings found as the CLI finds them, the library
loaded once and again only when a .bib file changes, and one page's Markdown rendered."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..commands.render import render_loaded
from ..config import load_config
from ..files import shown
from ..findings import Finding
from ..library import Library, load_library
from ..library.load import find_bib_files
from ..render.article import scan_article
from ..render.settings import RenderSettings
from ..render.styles import Style
from ..render.templating import Templates

CSS_NAME = "citations-mkdocs.css"  # the template holding the plugin's stylesheet
CSS_URI = "assets/citations.css"  # where the site serves it


def project_settings(
    base: Path, config_file: str | None, refs: str | Sequence[str] | None, style: str | None
) -> RenderSettings:
    """Markdown settings from citations.toml (`config_file`, else the one found from `base`,
    the folder of mkdocs.yml, upward), with the plugin's options over it; paths in the
    options are relative to `base`."""
    config = load_config(base / config_file) if config_file else load_config(cwd=base)
    listed = [refs] if isinstance(refs, str) else list(refs or ())
    return RenderSettings.from_config(
        config,
        refs=[shown(base / r) for r in listed] or None,
        style=style,
        to="md",
        cache_dir=config.cache_folder(),
    )


@dataclass
class Loaded:
    """The library, style and templates of one set of settings. `stamp` says which files
    (and their versions) the library was read from, so a rebuild reads it again only when
    one of them changed."""

    settings: RenderSettings
    library: Library
    style: Style
    templates: Templates
    stamp: tuple[Any, ...]


def library_stamp(settings: RenderSettings) -> tuple[Any, ...]:
    """The settings the library depends on and each .bib file's size and modification time."""
    files = []
    for path in find_bib_files(settings.refs):
        stat = path.stat()
        files.append((str(path), stat.st_mtime_ns, stat.st_size))
    return (settings.refs, settings.encodings, tuple(files))


def load(settings: RenderSettings, previous: Loaded | None) -> Loaded:
    """The style and templates of `settings`, and the library: `previous`'s while no .bib file
    changed (a `mkdocs serve` rebuild), else read afresh."""
    style = settings.load_style()
    templates = Templates(settings.templates)
    stamp = library_stamp(settings)
    if previous is not None and previous.stamp == stamp:
        library = previous.library
    else:
        library = load_library(settings.refs, settings.cache_dir, settings.encodings)
    return Loaded(settings, library, style, templates, stamp)


def watched_paths(settings: RenderSettings) -> list[str]:
    """What `mkdocs serve` should watch: the refs (folders catch new .bib files), the settings."""
    paths = [str(p) for p in settings.refs if p.exists()]
    config = settings.config
    if config is not None and config.path is not None:
        paths.append(str(config.path))
    return paths


def render_page(
    markdown: str, path: str, source: str | None, meta: Mapping[str, Any], loaded: Loaded
) -> tuple[str, list[Finding]]:
    """A page's Markdown with its citations numbered and linked and its reference list in
    place, and the findings (unknown keys) at their lines in the page's file. MkDocs hands
    over the Markdown without the front matter; `source` is the whole file, to count the
    lines it took (None, or text another plugin changed: lines count from the Markdown)."""
    article = scan_article(markdown, path, front_matter=False)  # MkDocs took it off
    if not article.markers and article.refs_at is None:
        return markdown, []
    article.meta = dict(meta)  # the page's front matter may pick a style, a list title
    rendered = render_loaded(
        article,
        loaded.library,
        loaded.style,
        loaded.templates,
        loaded.settings,
        report_uncited=False,  # each page cites a part of the library
    )
    offset = _lines_before(source, markdown)
    return rendered.text, [_moved(f, offset) for f in rendered.findings]


def _lines_before(source: str | None, markdown: str) -> int:
    if source is None or not source.replace("\r\n", "\n").endswith(markdown):
        return 0
    source = source.replace("\r\n", "\n")
    return source.count("\n", 0, len(source) - len(markdown))


def _moved(finding: Finding, lines: int) -> Finding:
    if finding.span is None or not lines:
        return finding
    span = dataclasses.replace(finding.span, line=finding.span.line + lines)
    return dataclasses.replace(finding, span=span)


def page_path(abs_src_path: str | None, src_uri: str, base: Path) -> str:
    """The page's file as messages name it: relative to mkdocs.yml's folder (docs/page.md)."""
    if abs_src_path is None:
        return src_uri
    return os.path.relpath(abs_src_path, base).replace(os.sep, "/")
