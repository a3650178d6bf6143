"""Which article files a pandoc document came from, so that messages can name their lines.

Pandoc hands a filter the document, not its file names: they come from the metadata
(`-M citations-source=FILE`), or else from the command line of the pandoc that runs us.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import ArticleError
from ..render.article import Article, read_article

SOURCE_KEY = "citations-source"

# pandoc's options whose value is the next argument (`-o x.docx`): that argument is no input.
_SHORT_WITH_VALUE = frozenset("frtwodLFMVHBAcD")
_LONG_WITH_VALUE = frozenset(
    """from read to write output data-dir defaults template variable metadata metadata-file
    filter lua-filter bibliography csl citation-abbreviations reference-doc include-in-header
    include-before-body include-after-body css resource-path extract-media log pdf-engine
    pdf-engine-opt title-prefix id-prefix shift-heading-level-by columns tab-stop dpi wrap eol
    toc-depth top-level-division number-offset highlight-style syntax-highlighting
    syntax-definition email-obfuscation track-changes abbreviations indented-code-classes
    default-image-extension reference-location markdown-headings ipynb-output chunk-template
    split-level slide-level epub-cover-image epub-metadata epub-embed-font epub-subdirectory
    request-header print-default-template print-default-data-file""".split()  # noqa: SIM905
)


def named_sources(value: object) -> list[Path]:
    """The files the metadata's `citations-source` names (a string or a list of them)."""
    if isinstance(value, str) and value.strip():
        return [Path(value.strip())]
    if isinstance(value, list):
        return [Path(v.strip()) for v in value if isinstance(v, str) and v.strip()]
    return []


def pandoc_inputs(argv: Sequence[str]) -> list[Path]:
    """The input files on a pandoc command line (`pandoc a.md b.md -o x.docx`): arguments
    that are no option nor an option's value, and name an existing file. Empty when
    `argv` is not pandoc's."""
    if not argv or "pandoc" not in Path(argv[0]).name.lower():
        return []
    inputs: list[str] = []
    skip = False
    only_inputs = False
    for arg in argv[1:]:
        if skip:
            skip = False
        elif only_inputs or arg == "-" or not arg.startswith("-"):
            inputs.append(arg)
        elif arg == "--":
            only_inputs = True
        elif arg.startswith("--"):
            skip = "=" not in arg and arg[2:] in _LONG_WITH_VALUE
        else:
            skip = len(arg) == 2 and arg[1] in _SHORT_WITH_VALUE
    return [Path(a) for a in inputs if a != "-" and Path(a).is_file()]


def read_sources(paths: Sequence[Path], *, named: bool) -> list[Article]:
    """The articles at `paths`. A file the metadata named must be readable; one guessed from
    pandoc's command line that we cannot read as an article is passed over."""
    articles: list[Article] = []
    for path in paths:
        try:
            articles.append(read_article(path))
        except ArticleError:
            if named:
                raise
    return articles
