"""What the server answers, as plain values: hover text, where a key is defined and cited,
and the edits that rename it. Open documents' texts win over the files on disk."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import CitationsError
from ..identifiers import bare_doi
from ..library.encoding import decode_bib
from ..model import Reference
from ..render.article import HTML_SUFFIXES, Article, scan_article
from ..render.numbering import number_citations
from ..richtext import to_markdown
from .locate import KeyPlace, cited_places, entry_key_place
from .project import Project
from .text import Lines, folded

# Open documents: resolved path → the editor's text.
OpenTexts = Mapping[Path, str]


@dataclass(frozen=True)
class Place:
    """A key written in a file: the file, its text's lines, and where."""

    path: Path
    lines: Lines
    key: KeyPlace


def article_of(path: Path, text: str) -> Article:
    """An article from its text, scanned as `check` and `build` scan it (may raise
    ArticleError: front matter that is not YAML, say)."""
    html = path.suffix.lower() in HTML_SUFFIXES
    return scan_article(folded(text), str(path), "html" if html else "markdown")


def file_text(path: Path, opened: OpenTexts, project: Project | None = None) -> str | None:
    """A file's text: the editor's if open, else the disk's (a .bib file decoded as the
    library decodes it); None if it cannot be read."""
    if path in opened:
        return folded(opened[path])
    try:
        data = path.read_bytes()
        if project is not None and path.suffix.lower() == ".bib":
            return folded(decode_bib(data, path, project.library.encodings).text)
        return folded(data.decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None


def definition(project: Project, key: str, opened: OpenTexts) -> Place | None:
    """Where the library defines `key`: its entry's key in its .bib file."""
    ref = project.library.get(key)
    if ref is None:
        return None
    path = Path(ref.span.path).resolve()
    text = file_text(path, opened, project) or ""
    lines = Lines.of(text)
    place = entry_key_place(text, ref) if text else None
    if place is None:  # the file changed since it was loaded: its line is all we know
        start = lines.span_offset(ref.span)
        place = KeyPlace(key, start, start)
    return Place(path, lines, place)


def citations_of(project: Project, key: str, opened: OpenTexts, encoding: str) -> list[Place]:
    """Every place an article of the project (or an open one) cites `key`."""
    found: list[Place] = []
    for path in dict.fromkeys([*project.articles(), *(p for p in opened if is_article(p))]):
        text = file_text(path, opened)
        if text is None:
            continue
        try:
            article = article_of(path, text)
        except CitationsError:
            continue  # an unreadable article cites nothing we can point at
        lines = Lines.of(article.text, encoding)
        found += [Place(path, lines, place) for place in cited_places(article, lines, key)]
    return found


def is_article(path: Path) -> bool:
    from ..snapshot import ARTICLE_SUFFIXES

    return path.suffix.lower() in ARTICLE_SUFFIXES


def rename_places(
    project: Project, key: str, new: str, opened: OpenTexts, encoding: str
) -> list[Place]:
    """Every place renaming `key` to `new` edits: its entry and each citation of it."""
    if new in project.library:
        raise CitationsError(f"the library already has an entry '{new}'")
    entry = definition(project, key, opened)
    if entry is None or entry.key.start == entry.key.end:
        raise CitationsError(f"no entry '{key}' in the library to rename")
    lines = Lines.of(entry.lines.text, encoding)
    return [Place(entry.path, lines, entry.key), *citations_of(project, key, opened, encoding)]


def hover_text(project: Project, article: Article, key: str) -> str:
    """The hover for a cited key, in Markdown: the reference as the article's style prints
    it, its number in this article, its evidence type, and what `links` and `verify` last
    recorded (read from their caches; nothing is fetched)."""
    ref = project.library.get(key)
    if ref is None:
        return f"`{key}` is not in the library"
    numbering = number_citations(article.markers, project.library.references)
    style = project.style_for(article)
    parts = [to_markdown(style.format(ref)) if style is not None else f"`{key}`"]
    number = numbering.numbers.get(key)
    if number is not None:
        times = len(numbering.cited_at.get(key, []))
        parts.append(f"**Number {number}** in this article (cited {times}×)")
    parts += recorded(project, ref)
    return "\n\n".join(parts)


def recorded(project: Project, ref: Reference) -> list[str]:
    """The evidence type, and what `links` and `verify` stored about the entry."""
    from ..claims.evidence import classify
    from ..verify.store import recorded_verdicts

    lines: list[str] = []
    with project.caches() as (links, verify):
        stored = recorded_verdicts(verify, project.library, [ref.key]).get(ref.key)
        evidence = classify(ref, stored.evidence if stored else None)
        detail = f" ({evidence.detail})" if evidence.detail else ""
        lines.append(f"Evidence: {evidence.label}{detail}")
        targets = (("doi", bare_doi(ref.raw.get("doi", ""))), ("url", ref.raw.get("url", "")))
        checked = []
        for kind, value in targets:
            value = value.strip()
            result = links.get_result(kind, value, allow_stale=True) if links and value else None
            if result is not None:
                checked.append(f"Links: {kind} {value}: {_link_outcome(result)}")
        lines += checked or ["Links: not checked yet (`citations links`)"]
        if stored is not None:
            source = f" against {stored.source}" if stored.source else ""
            lines.append(f"Verify: {stored.verdict}{source} on {stored.recorded_on}")
        else:
            lines.append("Verify: not verified yet (`citations verify`)")
    return lines


def _link_outcome(result: Mapping[str, object]) -> str:
    outcome = str(result.get("outcome") or "unknown")
    status = result.get("status")
    detail = str(result.get("detail") or "").strip()
    at = result.get("checked_at")
    when = time.strftime(" on %Y-%m-%d", time.gmtime(at)) if isinstance(at, int | float) else ""
    extra = f" (HTTP {status})" if isinstance(status, int) else f" ({detail})" if detail else ""
    return f"{outcome}{extra}{when}"
