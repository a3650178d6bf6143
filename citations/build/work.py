"""Rendering one article of a build, in this process or in a worker: output, sidecar, findings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import atomic_write
from ..findings import Finding
from ..library import Library
from ..render.article import Article, front_matter_style, read_article
from ..render.compose import RenderOptions, render_article
from ..render.numbering import Numbering, number_citations
from ..render.settings import article_style
from ..render.styles import Style
from ..render.templating import Templates
from .manifest import digest

SIDECAR_SUFFIX = ".citations.json"


@dataclass(frozen=True)
class Task:
    source: Path
    rel: str  # the source's path relative to the source folder, with /
    output: Path
    stylesheet: str | None  # the CSS file, relative to the output
    numbers: dict[str, int] | None = None  # continuous numbering: the collection's numbers
    write: bool = True  # False for --check: render and compare, write nothing


@dataclass
class Result:
    rel: str
    output_hash: str
    keys: list[str]
    findings: list[Finding] = field(default_factory=list)
    changed: bool = True  # the output differs from what was on disk
    sidecar: str = ""
    title: str = ""


@dataclass
class State:
    """What every render of one build shares; a forked worker inherits it as it is."""

    library: Library
    style_name: str
    style_options: dict[str, dict[str, Any]]  # style name → its options, from the settings
    templates: Templates
    to: str
    references_title: str
    sidecars: bool = True
    _styles: dict[str, Style] = field(default_factory=dict)

    def style_for(self, article: Article) -> Style:
        """The build's style, or the one the article's front matter asks for."""
        asked, extra = front_matter_style(article)
        name = asked or self.style_name
        options = {**self.style_options.get(name.lower(), {}), **extra}
        key = json.dumps([name, options], sort_keys=True, default=str)
        if key not in self._styles:
            self._styles[key] = article_style(article, name, options)
        return self._styles[key]


_STATE: State | None = None


def set_state(state: State) -> None:
    global _STATE
    _STATE = state


def run_task(task: Task) -> Result:
    """Render one article (the worker entry point: it uses the state set before the fork)."""
    assert _STATE is not None, "set_state() before run_task()"
    return render_task(_STATE, task)


def render_task(state: State, task: Task) -> Result:
    article = read_article(task.source)
    style = state.style_for(article)
    numbering: Numbering | None = None
    if task.numbers is not None:
        numbering = number_citations(
            article.markers,
            state.library.references,
            collapse=style.options.collapse_ranges,
            range_min=style.options.range_min,
            counter=dict(task.numbers),
        )
    options = RenderOptions(
        to=state.to,
        references_title=state.references_title,
        stylesheet=task.stylesheet,
        report_uncited=False,
    )
    rendered = render_article(article, state.library, style, state.templates, options, numbering)
    data = rendered.text.encode("utf-8")
    try:
        changed = task.output.read_bytes() != data
    except OSError:
        changed = True
    keys = list(dict.fromkeys(i.key for m in article.markers for i in m.items))
    result = Result(task.rel, digest(data), keys, rendered.findings, changed, title=rendered.title)
    if task.write:
        if changed:
            atomic_write(task.output, data)
        if state.sidecars:
            sidecar = task.output.with_name(task.output.name + SIDECAR_SUFFIX)
            atomic_write(sidecar, sidecar_json(task, rendered.numbering).encode("utf-8"))
            result.sidecar = sidecar.name
    return result


def sidecar_json(task: Task, numbering: Numbering) -> str:
    """The citation map for other tools: number → key → every place it is cited."""
    places: dict[str, list[dict[str, int]]] = {}
    missing = []
    for citation in numbering.citations:
        for item in citation.marker.items:
            place = {"line": item.span.line, "column": item.span.column, "citation": citation.index}
            if item.key in numbering.numbers:
                places.setdefault(item.key, []).append(place)
            else:
                missing.append({"key": item.key, **place})
    document = {
        "schema": "citations-sidecar",
        "version": 1,
        "article": task.rel,
        "output": task.output.name,
        "references": [
            {"number": numbering.numbers[key], "key": key, "places": places.get(key, [])}
            for key in numbering.order
        ],
        "missing": missing,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"
