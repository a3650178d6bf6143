"""The render path: article + library + style → numbered citations and a reference list."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import ArticleError
from ..findings import Finding
from ..library import Library
from ..model import Reference
from ..richtext import escape_markdown, plain, to_html, to_markdown
from .article import Article
from .masking import NextMark
from .numbering import Citation, Numbering, letter_label, number_citations
from .styles import Style
from .templating import Templates

# Placeholders are private-use characters, which markdown-it passes through untouched:
# U+E000-E002 unless the article holds them (then others it does not hold).
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd]")
_FULL_DOCUMENT_RE = re.compile(r"<(?:html|body)\b", re.IGNORECASE)
_BODY_END_RE = re.compile(r"</body\s*>", re.IGNORECASE)
_HEADING_LINE_RE = re.compile(r"^#{1,6}([ \t]+)(.*)$", re.MULTILINE)
_HTML_TITLE_START_RE = re.compile(r"<(?:title|h1)\b", re.I)
_HTML_TITLE_END_RE = re.compile(r"</(?:title|h1)>", re.I)
_TAG_OR_CITATION_RE = re.compile(r"<|\[@")


@dataclass(frozen=True)
class RenderOptions:
    to: str = "html"
    references_title: str = "References"
    stylesheet: str | None = None  # link this CSS file instead of inlining the default one
    report_uncited: bool = True


@dataclass
class Rendered:
    text: str
    numbering: Numbering
    findings: list[Finding] = field(default_factory=list)
    title: str = ""


def render_article(
    article: Article,
    library: Library,
    style: Style,
    templates: Templates,
    options: RenderOptions | None = None,
    numbering: Numbering | None = None,
) -> Rendered:
    """Render one article. Problems (unknown keys, uncited entries) come back as findings."""
    options = options or RenderOptions()
    fmt = options.to
    if numbering is None:
        numbering = number_citations(
            article.markers,
            library.references,
            collapse=style.options.collapse_ranges,
            range_min=style.options.range_min,
        )
    entries = {key: _reference_view(library, style, key, numbering) for key in numbering.order}
    snippets = [
        templates.render(f"citation.{fmt}", {"c": _citation_view(c, library, style, fmt, entries)})
        for c in numbering.citations
    ]
    listed = list(entries.values())
    references = templates.render(f"references.{fmt}", {"references": listed}) if listed else ""
    body, placed = _compose(article, snippets, references, fmt, style.options.move_punctuation)
    context: dict[str, Any] = {
        "title": _title(article),
        "lang": str(article.meta.get("lang", "en")),
        "body": body,
        "references": "" if placed else references,
        "references_title": str(article.meta.get("references-title", options.references_title)),
        "stylesheet": options.stylesheet,
        "meta": article.meta,
    }
    if fmt == "html":
        from markupsafe import Markup

        context["body"] = Markup(body)
        context["references"] = Markup(context["references"])
        if article.kind == "html" and _FULL_DOCUMENT_RE.search(article.text):
            text = _into_document(body, context["references"], templates, context)
        else:
            text = templates.render("article.html", context)
    else:
        text = templates.render(f"article.{fmt}", context)
    findings = _findings(article, library, numbering, options)
    return Rendered(text.rstrip("\n") + "\n", numbering, findings, context["title"])


def _compose(
    article: Article, snippets: list[str], references: str, fmt: str, move_punctuation: bool
) -> tuple[str, bool]:
    """The article body with citations in place; True when the references went in too.

    A superscript sits on the word before it: the space before a bracketed citation goes,
    and (AMA) a period or comma just after it moves before it: `pain [@a].` → `pain.¹`.
    """
    text = article.text
    pieces: list[str] = []
    pos = article.body_start if fmt != "md" else 0
    cite_open, cite_close, refs_mark = _placeholders(text)
    edits = [
        (m.start, m.end, f"{cite_open}{i}{cite_close}", m.in_text)
        for i, m in enumerate(article.markers)
    ]
    if article.refs_at is not None:
        edits.append((*article.refs_at, refs_mark, True))
    for start, end, token, in_text in sorted(edits):
        before = text[pos:start]
        if not in_text:
            before = before.rstrip(" \t")
            mark = text[end : end + 1]
            if move_punctuation and mark in (".", ",") and text[end + 1 : end + 2] != mark:
                if not before.endswith(mark):
                    before += mark
                end += 1
        pieces += [before, token]
        pos = end
    pieces.append(text[pos:])
    source = "".join(pieces)
    if fmt == "html" and article.kind == "markdown":
        source = _markdown_to_html(source)
        block = f'<div id="refs" class="references-section">\n{references}</div>'
        source = re.sub(f"<p>{refs_mark}</p>", lambda _: block, source)
    elif fmt == "html":
        block = f'<div id="refs" class="references-section">\n{references}</div>'
        source = source.replace(refs_mark, block)
    else:
        if fmt == "txt":
            source = source.replace("\\@", "@")
        source = source.replace(refs_mark, references.rstrip("\n"))
    cite = re.compile(f"{cite_open}(\\d+){cite_close}")
    body = cite.sub(lambda m: snippets[int(m.group(1))], source)
    return body.strip("\n"), article.refs_at is not None


def _placeholders(text: str) -> tuple[str, str, str]:
    """Three private-use characters `text` does not hold: a citation's two ends, and the
    reference list. An article holding them would otherwise have its own text taken for
    citations (and crash the render on a number that is no citation's)."""
    used = set(_PRIVATE_USE.findall(text))
    ranges = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE))
    free = (chr(c) for r in ranges for c in r if chr(c) not in used)
    try:
        return next(free), next(free), next(free)
    except StopIteration:
        raise ArticleError("the article holds every private-use character") from None


def _markdown_to_html(source: str) -> str:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return str(md.render(source))


def _into_document(
    body: str, references: str, templates: Templates, context: dict[str, Any]
) -> str:
    """A whole HTML page as the source: the references go in before </body>."""
    if not references:
        return body + "\n"
    section = templates.render("references-section.html", context)
    ends = list(_BODY_END_RE.finditer(body))
    if not ends:
        return body + "\n" + section + "\n"
    at = ends[-1].start()
    return body[:at] + section + "\n" + body[at:] + "\n"


@dataclass(frozen=True)
class LabelView:
    """One label as templates see it: `titles` are the hover texts of its members."""

    numbers: tuple[int, ...]
    keys: tuple[str, ...]
    titles: tuple[str, ...]
    locator: str


@dataclass(frozen=True)
class CitationView:
    """One citation group as templates see it (`c` in citation.*)."""

    index: int
    keys: tuple[str, ...]
    labels: tuple[LabelView, ...]
    missing: tuple[str, ...]
    author: str  # for an in-text citation (`@key` in running text), else ""
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]


@dataclass(frozen=True)
class Backlink:
    index: int  # the citation's index: its element is #cite-INDEX
    letter: str


@dataclass(frozen=True)
class ReferenceView:
    """One reference list entry as templates see it (items of `references`)."""

    number: int
    key: str
    html: Any  # Markup: escaped HTML
    markdown: str
    text: str
    entry: Reference
    backlinks: tuple[Backlink, ...]


def _citation_view(
    c: Citation, library: Library, style: Style, fmt: str, entries: dict[str, ReferenceView]
) -> CitationView:
    """The citation for `citation.{fmt}`; for Markdown, whatever came from the library or the
    markers (a name, a locator, a key no entry has) is escaped: HTML templates escape their
    own, and a Markdown one cannot."""
    shown = escape_markdown if fmt == "md" else str
    author = ""
    first = c.marker.items[0]
    if c.marker.in_text and not first.suppress_author and first.key in library:
        author = shown(style.short(library[first.key]))
    labels = tuple(
        LabelView(
            label.numbers,
            label.keys,
            tuple(f"{entries[k].number}. {entries[k].text}" for k in label.keys),
            shown(style.locator(label.locator_label, label.locator)) if label.locator else "",
        )
        for label in c.labels
    )
    items = c.marker.items
    return CitationView(
        c.index,
        c.keys,
        labels,
        tuple(shown(i.key) for i in c.missing),
        author,
        tuple(i.prefix for i in items),
        tuple(i.suffix for i in items),
    )


def _reference_view(
    library: Library, style: Style, key: str, numbering: Numbering
) -> ReferenceView:
    from markupsafe import Markup

    rich = style.format(library[key])
    backlinks = tuple(
        Backlink(index, letter_label(i)) for i, index in enumerate(numbering.cited_at.get(key, []))
    )
    return ReferenceView(
        numbering.numbers[key],
        key,
        Markup(to_html(rich)),
        to_markdown(rich),
        plain(rich),
        library[key],
        backlinks,
    )


def _title(article: Article) -> str:
    if article.meta.get("title"):
        return str(article.meta["title"])
    body = article.text[article.body_start :]
    title = _html_title(body) if article.kind == "html" else _heading(body)
    if title is not None:
        return " ".join(_without_tags_and_citations(title).split())
    return article.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _heading(body: str) -> str | None:
    r"""The first ATX heading's text, as `^#{1,6}[ \t]+(.+?)[ \t#]*$` finds it, without the
    lazy match: from every length of text it tried every run of spaces after (quadratic)."""
    for m in _HEADING_LINE_RE.finditer(body):
        spaces, rest = m.group(1), m.group(2)
        text = rest.rstrip(" \t#")
        if text or rest:
            return text or rest[0]  # at least one character, then only spaces and #
        if len(spaces) > 1:
            return spaces[-1]  # `#` and spaces only: the last space is the text
    return None


def _html_title(body: str) -> str | None:
    """The first <title> or <h1>'s content, as `<(?:title|h1)\b[^>]*>(.*?)</(?:title|h1)>`
    finds it: if the first opening tag has no closing one after it, no later one has."""
    start = _HTML_TITLE_START_RE.search(body)
    tag_end = body.find(">", start.end()) if start else -1
    end = _HTML_TITLE_END_RE.search(body, tag_end + 1) if tag_end >= 0 else None
    return body[tag_end + 1 : end.start()] if end else None


def _without_tags_and_citations(text: str) -> str:
    r"""`text` without what `<[^>]+>|\[@[^\]]*\]` matches, each end searched for once."""
    tag_end, citation_end = NextMark(text, ">"), NextMark(text, "]")
    pieces: list[str] = []
    pos = 0
    for m in _TAG_OR_CITATION_RE.finditer(text):
        if m.start() < pos:
            continue
        end = tag_end(m.end()) if m.group() == "<" else citation_end(m.end())
        if end < 0 or (m.group() == "<" and end == m.end()):
            continue  # no end, or `<>`: a tag holds at least one character
        pieces.append(text[pos : m.start()])
        pos = end + 1
    pieces.append(text[pos:])
    return "".join(pieces)


def _findings(
    article: Article, library: Library, numbering: Numbering, options: RenderOptions
) -> list[Finding]:
    from .coverage import uncited_summary, unknown_keys

    findings = list(unknown_keys(article.markers, library))
    if options.report_uncited:
        findings += uncited_summary(library, set(numbering.numbers), article.path)
    return findings
