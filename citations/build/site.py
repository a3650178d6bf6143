"""`citations build`: every article of a site, rendered once, in parallel, and only when changed."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..errors import ArticleError
from ..findings import Finding
from ..library import Library
from ..render.article import scan_article
from ..render.styles import STYLES
from ..render.templating import Templates, default_templates_dir
from ..version import __version__
from .manifest import (
    MANIFEST,
    MANIFEST_DIR,
    Built,
    Manifest,
    digest,
    entry_digest,
    files_digest,
    merge_manifests,
    settings_digest,
)
from .model import BuildReport, BuildSettings, Source
from .paths import Inside, outside_finding, outside_source, remove_stale_beside_outputs
from .work import SIDECAR_SUFFIX, Result, State, Task, render_task, run_task, set_state

STYLESHEET = "citations.css"
_PARALLEL_FROM = 8  # fewer stale articles than this render here: a pool costs more


def build_site(settings: BuildSettings) -> BuildReport:
    """Build (or with `check`, verify) the site; problems come back in the report's findings."""
    started = time.perf_counter()
    build = _Build(settings)
    tasks = build.plan()
    build.render(tasks)
    build.finish()
    build.report.built.sort()
    build.report.seconds = time.perf_counter() - started
    return build.report


class _Build:
    """One build: what is loaded once, the manifest before and after, and the report."""

    def __init__(self, settings: BuildSettings) -> None:
        self.settings = settings
        self.library, self.style, self.templates = settings.render.load()
        self.site = Inside(settings.out)
        self.manifest_path = settings.out / MANIFEST_DIR / MANIFEST
        self.manifest, damage = Manifest.read(self.manifest_path, settings.out)
        self.report = BuildReport(findings=list(self.library.findings) + damage)
        self.wide = _settings_digest(settings, self.style.options, self.templates)
        self.full = settings.force or self.manifest.settings != self.wide
        continuous = settings.numbering == "continuous"
        # Keys are needed up front only to number the site as one; otherwise a stale article's
        # keys come from its render (scanning it twice would double the cost of a full build).
        known = self.manifest if not self.full else Manifest()
        self.sources = _sources(settings, known, self.report.findings, need_keys=continuous)
        self.numbers = _continuous_numbers(self.sources, self.library) if continuous else None
        self.records: dict[str, Built] = {}
        self._digests: dict[str, str] = {}

    def deps_of(self, keys: list[str], own: dict[str, int] | None) -> str:
        """What an output depends on: the site-wide settings and each cited entry's digest."""
        for key in keys:
            if key not in self._digests:
                self._digests[key] = entry_digest(self.library.get(key))
        parts = (f"{k}={self._digests[k]}" for k in keys)
        return digest(self.wide, *parts, repr(sorted(own.items())) if own else "")

    def plan(self) -> list[Task]:
        """The articles to render: those of this shard whose output is missing or stale."""
        settings, numbers, tasks = self.settings, self.numbers, []
        for source in self.sources:
            if settings.shard and not _in_shard(source.rel, settings.shard):
                continue
            keys = source.keys or []
            own = {k: numbers[k] for k in keys if k in numbers} if numbers is not None else None
            previous = None if self.full else self.manifest.articles.get(source.rel)
            deps = self.deps_of(keys, own) if source.keys is not None else ""
            if (
                previous
                and source.keys is not None
                and _fresh(previous, source, deps, settings.out)
            ):
                self.records[source.rel] = previous
                self.report.unchanged.append(source.rel)
                continue
            if not self.site.takes(source.output):  # a link in the output folder leads out
                name = _rel(source.output, settings.out)
                finding = outside_finding(source.path, name, settings.out, "its output would be")
                self.report.findings.append(finding)
                continue
            sheet = os.path.relpath(settings.out / STYLESHEET, source.output.parent)
            html = settings.render.to == "html"
            tasks.append(
                Task(
                    source.path,
                    source.rel,
                    source.output,
                    sheet if html else None,
                    own,
                    write=not settings.check,
                )
            )
            output = _rel(source.output, settings.out)
            self.records[source.rel] = Built(output, source.source_hash, [], deps, "")
        return tasks

    def render(self, tasks: list[Task]) -> None:
        """Render the tasks (on every core when there are enough) and record each result."""
        render = self.settings.render
        state = State(
            self.library,
            style_name=render.style,
            style_options={name: render.options_for(name) for name in STYLES},
            templates=self.templates,
            to=render.to,
            references_title=render.references_title,
            sidecars=self.settings.sidecars,
        )
        by_rel = {source.rel: source for source in self.sources}
        for result in _run(state, tasks, self.settings.jobs):
            record = self.records[result.rel]
            if by_rel[result.rel].keys is None:  # not scanned before: its render tells its keys
                by_rel[result.rel].keys = result.keys
                record.deps = self.deps_of(result.keys, None)
            record.output_hash, record.keys = result.output_hash, result.keys
            record.sidecar, record.title = result.sidecar, result.title
            record.errors = sum(1 for f in result.findings if f.severity == "error")
            self.report.built.append(result.rel)
            self.report.findings += result.findings
            if result.changed:
                self.report.changed.append(record.output)

    def finish(self) -> None:
        """Outputs of removed articles, the stylesheet, the bibliography page, the manifest."""
        settings, report = self.settings, self.report
        if not settings.shard:
            report.removed = self.remove_vanished()
            report.changed += report.removed
        css = (default_templates_dir() / STYLESHEET).read_bytes()
        if settings.render.to == "html" and self._write(STYLESHEET, css):
            report.changed.append(STYLESHEET)
        if settings.bibliography and not settings.shard:
            from .bibliography import bibliography_page

            page = bibliography_page(
                settings,
                self.library,
                self.style,
                self.templates,
                self.sources,
                self.records,
                self.numbers,
            )
            if self._write(settings.bibliography, page):
                report.changed.append(settings.bibliography)
        if settings.check:
            return
        outputs = [s.output for s in self.sources]
        sidecars = [p.with_name(p.name + SIDECAR_SUFFIX) for p in outputs]
        remove_stale_beside_outputs(outputs + sidecars, self.site)
        manifest = Manifest(self.wide, self.records)
        if settings.shard:
            k, n = settings.shard
            manifest.write(settings.out / MANIFEST_DIR / f"manifest.shard-{k}-of-{n}.json")
        else:
            manifest.write(self.manifest_path)

    def remove_vanished(self) -> list[str]:
        """Outputs whose source is gone: deleted (or, with --check, reported). Never one that
        a present article writes, nor one outside the output folder (checked again here, as
        the folder may have changed since the manifest was read)."""
        out, sources = self.settings.out, self.sources
        present = {s.rel for s in sources}
        written = {_rel(s.output, out) for s in sources}
        removed = []
        for rel, built in sorted(self.manifest.articles.items()):
            if rel in present or built.output in written:
                continue
            removed.append(built.output)
            for name in (built.output, built.output + SIDECAR_SUFFIX):
                if not self.site.holds_output(name):
                    where = self.manifest_path
                    finding = outside_finding(where, name, out, "the manifest names")
                    self.report.findings.append(finding)
                elif not self.settings.check:
                    (out / name).unlink(missing_ok=True)
        return removed

    def _write(self, name: str, data: bytes) -> bool:
        """Write a site-wide file unless it holds `data` already (with --check, only say
        so); True if it did not. One outside the output folder is refused."""
        path = self.settings.out / name
        if not self.site.takes(path):
            finding = outside_finding(path, name, self.settings.out, "it would write")
            self.report.findings.append(finding)
            return False
        return _write_if_changed(path, data, self.settings.check)


def merge_shards(out: Path) -> tuple[list[Path], list[Finding]]:
    """Merge the shards' manifests into the site's one manifest; returns the merged files and
    what was wrong with them (records naming outputs outside `out` are left out)."""
    merged, parts, findings = merge_manifests(out)
    merged.write(out / MANIFEST_DIR / MANIFEST)
    for part in parts:
        part.unlink()
    return parts, findings


def _sources(
    settings: BuildSettings, manifest: Manifest, findings: list[Finding], *, need_keys: bool
) -> list[Source]:
    """Every article under src, sorted. Keys come from the manifest when the source is
    unchanged, from a scan when `need_keys`, else are None (the render will tell). A link
    to a file outside src is skipped with a finding, unless `follow_symlinks`: a site built
    from many hands' files must not publish, say, a link to the process environment."""
    from ..snapshot import find_articles

    if not settings.src.is_dir():
        raise ArticleError(f"no such folder: {settings.src}")
    suffix = ".html" if settings.render.to == "html" else f".{settings.render.to}"
    out = Path(os.path.abspath(settings.out))
    source_folder = Inside(settings.src)
    sources = []
    for path in find_articles([settings.src]):
        rel = path.relative_to(settings.src).as_posix()
        if path.name.endswith(SIDECAR_SUFFIX) or _inside(path, out):
            continue
        if not (settings.follow_symlinks or source_folder.holds(path)):
            findings.append(outside_source(path, settings.src))
            continue
        data = path.read_bytes()
        source_hash = digest(data)
        previous = manifest.articles.get(rel)
        keys: list[str] | None = None
        if previous is not None and previous.source_hash == source_hash:
            keys = previous.keys
        elif need_keys:
            keys = _cited_keys(data, path)
        output = settings.out / Path(rel).with_suffix(suffix)
        sources.append(Source(rel, path, source_hash, keys, output))
    return sources


def _cited_keys(data: bytes, path: Path) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []  # the render reports it, with its line
    from ..render.article import HTML_SUFFIXES, Kind

    kind: Kind = "html" if path.suffix.lower() in HTML_SUFFIXES else "markdown"
    article = scan_article(text, str(path), kind)
    return list(dict.fromkeys(i.key for m in article.markers for i in m.items))


def _continuous_numbers(sources: list[Source], library: Library) -> dict[str, int]:
    """One numbering across the site, in the articles' (sorted) order."""
    numbers: dict[str, int] = {}
    for source in sources:
        for key in source.keys or ():
            if key in library:
                numbers.setdefault(key, len(numbers) + 1)
    return numbers


def _fresh(previous: Built, source: Source, deps: str, out: Path) -> bool:
    if previous.errors or previous.source_hash != source.source_hash or previous.deps != deps:
        return False
    if previous.output != _rel(source.output, out):
        return False  # recorded for another output: this one was never checked
    try:
        return digest((out / previous.output).read_bytes()) == previous.output_hash
    except OSError:
        return False  # deleted or unreadable: build it again


def _run(state: State, tasks: list[Task], jobs: int) -> Iterable[Result]:
    """Render the tasks, on every core when there are enough of them; results in task order.

    Workers are forked (they inherit the loaded library), but only from a process with no
    other thread: a fork copies locks another thread may hold, and the child can deadlock
    on them (Python 3.12+ warns of it). A program that calls `build` beside its own threads
    (a server, a file watcher) gets its pages rendered in-process instead."""
    jobs = jobs or os.cpu_count() or 1
    can_fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if jobs == 1 or len(tasks) < _PARALLEL_FROM or not can_fork:
        return [render_task(state, task) for task in tasks]
    set_state(state)  # the forked workers inherit the loaded library: nothing is re-parsed
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        chunk = max(1, len(tasks) // (jobs * 8))
        return list(pool.map(run_task, tasks, chunksize=chunk))


def _write_if_changed(path: Path, data: bytes, check: bool) -> bool:
    """Write `path` unless it holds `data` already; True if it did not."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    if not check:
        from ..files import atomic_write

        atomic_write(path, data)
    return True


def _settings_digest(settings: BuildSettings, options: Any, templates: Templates) -> str:
    """Everything every output depends on: a change rebuilds the whole site."""
    folders = [default_templates_dir()]
    if settings.render.templates:
        folders.append(settings.render.templates)
    template_files = [p for folder in folders for p in folder.iterdir() if p.is_file()]
    return settings_digest(
        {
            "version": __version__,
            "style": settings.render.style,
            "options": repr(options),
            "to": settings.render.to,
            "references_title": settings.render.references_title,
            "numbering": settings.numbering,
            "templates": files_digest(template_files),
            "sidecars": settings.sidecars,
            # an article's front matter may pick another style: its options count too
            "styles": repr({name: settings.render.options_for(name) for name in STYLES}),
        }
    )


def _in_shard(rel: str, shard: tuple[int, int]) -> bool:
    k, n = shard
    return zlib.crc32(rel.encode("utf-8")) % n == k - 1


def _inside(path: Path, folder: Path) -> bool:
    """Is `path` in the (absolute) `folder`? Sources inside the output are not sources."""
    return Path(os.path.abspath(path)).is_relative_to(folder)


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()
