"""The filter's one pass over a pandoc document: its Cites numbered as `citations render`
numbers them, replaced by our citations, and the reference list put in place."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..commands.render import RenderSettings
from ..config import parse_value
from ..errors import ArticleError, StyleError
from ..findings import Finding
from ..library import Library
from ..render.article import Article
from ..render.coverage import uncited_summary, unknown_keys
from ..render.numbering import Numbering, number_citations
from ..render.styles import Style
from .cites import UNPLACED_LINE, cite_markers
from .sources import SOURCE_KEY, named_sources, pandoc_inputs, read_sources

_METADATA = "<metadata>"  # the article's path when pandoc read it from standard input


@dataclass
class FilterOutcome:
    """The document to hand back to pandoc (JSON) and what went wrong on the way."""

    document: str
    findings: list[Finding]


def run_filter(
    source: str, settings: RenderSettings, fmt: str, pandoc_argv: Sequence[str] = ()
) -> FilterOutcome:
    """Filter pandoc's JSON document `source` for output format `fmt`; `pandoc_argv` is the
    command line of the pandoc that runs us, where the input files are named."""
    import panflute as pf

    from .rewrite import place_references, replace_cites

    doc = _load(source)
    named = named_sources(doc.get_metadata(SOURCE_KEY, None))
    articles = read_sources(named or pandoc_inputs(pandoc_argv), named=bool(named))
    where = articles[0].path if articles else None
    article = articles[0] if articles else Article(_METADATA, "", "markdown", meta=_meta(doc))
    cites: list[Any] = []
    doc.content.walk(lambda e, _d: cites.append(e) if isinstance(e, pf.Cite) else None, doc)
    markers = cite_markers(cites, articles, where or "-")
    library, style, templates = settings.load()
    style = _article_style(article, settings, style)
    numbering = number_citations(
        markers,
        library.references,
        collapse=style.options.collapse_ranges,
        range_min=style.options.range_min,
    )
    entries = replace_cites(doc, cites, numbering, library, style)
    # pandoc's own `reference-section-title` too, for documents written for its citeproc
    pandoc_title = article.meta.get("reference-section-title", settings.references_title)
    title = str(article.meta.get("references-title", pandoc_title))
    meta = {**article.meta, "references-title": title}
    place_references(doc, entries, templates, meta, fmt=fmt)
    findings = [*library.findings, *_findings(numbering, library, where)]
    return FilterOutcome(_dump(doc), findings)


def _load(source: str) -> Any:
    import panflute as pf

    try:
        return pf.load(io.StringIO(source))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise ArticleError(
            f"standard input is not a pandoc JSON document ({type(exc).__name__}: {exc})",
            hint="run it as a pandoc filter: pandoc ARTICLE --filter citations-pandoc -o OUT",
        ) from None


def _dump(doc: Any) -> str:
    import panflute as pf

    out = io.StringIO()
    pf.dump(doc, out)
    return out.getvalue()


def _meta(doc: Any) -> dict[str, Any]:
    """Pandoc's metadata as front matter: its values come as text, so `6` and `false` in
    style-options are read as TOML values, as on the command line."""
    meta = doc.get_metadata()
    meta = meta if isinstance(meta, dict) else {}
    options = meta.get("style-options")
    if isinstance(options, dict):
        meta["style-options"] = {
            k: parse_value(v) if isinstance(v, str) else v for k, v in options.items()
        }
    return meta


def _article_style(article: Article, settings: RenderSettings, style: Style) -> Style:
    """The style the article's front matter asks for, as `citations render` chooses it; from
    pandoc's metadata (no file), a bad one has no line to name."""
    try:
        return settings.style_for(article, style)
    except StyleError as exc:
        if article.path == _METADATA:
            exc.span = None
            exc.message = f"document metadata: {exc.message}"
        raise


def _findings(numbering: Numbering, library: Library, where: str | None) -> list[Finding]:
    """Unknown keys (at their lines where the source shows them) and uncited entries."""
    found = [
        replace(f, span=None, message=f"{f.message} (cited in {where})" if where else f.message)
        if f.span is not None and f.span.line == UNPLACED_LINE
        else f
        for f in unknown_keys((c.marker for c in numbering.citations), library)
    ]
    if where is None:
        return found  # from standard input: no file to name, nor to `citations check`
    return found + uncited_summary(library, set(numbering.numbers), where)
