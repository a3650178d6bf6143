"""Random articles and libraries through load, check, render and claims: nothing raises but
the documented errors (CitationsError and its kinds). Derandomized, so CI sees the same
examples every run; the examples are small, so none of this is about time."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations.checks import run_checks
from citations.claims import find_claims
from citations.claims.flags import flag_claims
from citations.commands.render import render_file
from citations.errors import CitationsError
from citations.library import load_library
from citations.render.article import read_article
from citations.render.compose import RenderOptions, render_article
from citations.render.settings import RenderSettings
from citations.render.styles import get_style
from citations.render.templating import Templates
from citations.snapshot import build_snapshot

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ARTICLE_ATOMS = (
    "[@a]", "[@b, p. 3]", "[see @a, pp. 3-5; @b]", "[-@a]", "@a", "@b", "-@a", "@{a}", "[@",
    "[@a]{ii}", "[", "]", "(", ")", "{", "}", "@", "\\@", "\\[", "`", "``", "```\n", "~~~\n",
    "    code [@a]\n", "<code>", "</code>", "<!--", "-->", "<pre>", "</pre>", "<script>",
    "<a href='x'>", "</a>", "<p>", "</p>", "<h1>", "</h1>", "<title>", "::: {#refs}\n", ":::\n",
    "[[references]]\n", '<div id="refs"></div>', "# ", "## Part\n", "#", "\n", "\n\n", " ",
    "Text", "rest", "A.", "e.g.", "et al.", "?", "**", "*", "_", "__", "~~", "![i](u)",
    "[t](u)", "[t][r]", "[r]: http://x\n", "http://x.org/a", "<http://x>", "&amp;", "\\",
    "|", "| a | b |\n", "> ", "- ", "1. ", "[^1]", "[^1]: note\n", "\ue000", "\ue0010\ue001",
    "\ue002", "é", "\t", "\r\n", "Studies have shown", "randomized trial",
)  # fmt: skip
FRONT_MATTER_ATOMS = (
    "title: T\n", "lang: en\n", "a: &x [1, 2]\n", "b: *x\n", "references-title: R\n", "{",
    "- ", ": ", "'", "[", "title: [@a]\n", "style: vancouver\n", "x: &y {a: 1}\n", "y: *y\n",
)  # fmt: skip
FIELDS = (
    "author", "editor", "title", "journal", "booktitle", "year", "month", "date", "pages",
    "volume", "number", "edition", "publisher", "doi", "url", "urldate", "pmid", "eprint",
    "isbn", "crossref", "keywords", "evidence", "note", "tITLe", "titel", "% x\n  title",
)  # fmt: skip
VALUE_ATOMS = (
    "Smith, J.", " and ", "others", "{", "}", "\\'e", '\\"{u}', "\\emph{x}", "$x^2$", "--",
    "²", "13", "mar", "https://doi.org/10.1/x", "10.1/x", "1-2", "9--1", "DNA", "{DNA}", " ",
    "~", "\\\\", "et al", "ü", "\\url{x}", "#", "%", "@", "1" * 30, "0", "-", "v1",
    "arXiv:1234.5678", "PMC12", "978-3-16-148410-0", "randomized trial", "Review", ",", '"',
)  # fmt: skip
JUNK = (
    "{", "}", '"', "@", "%", "% note\n", "@comment{x}\n", '@preamble{"x"}\n', ",", "=", "#",
    "@article{", "@article{d,", "\n", " ", "@string{s = ", "@string{t = s # s}\n",
)  # fmt: skip


def atoms(pool: tuple[str, ...], size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pool), max_size=size).map("".join)


ARTICLES = st.tuples(st.booleans(), atoms(FRONT_MATTER_ATOMS, 6), atoms(ARTICLE_ATOMS, 40)).map(
    lambda parts: (f"---\n{parts[1]}---\n" if parts[0] else "") + parts[2]
)
VALUES = st.one_of(
    atoms(VALUE_ATOMS, 8).map(lambda v: "{" + v + "}"),
    atoms(VALUE_ATOMS, 4).map(lambda v: '"' + v + '"'),
    st.sampled_from(["s", "t", "mar", "2020", "s # {x}", "undefined", ""]),
    st.sampled_from(["{²}", "{" + "9" * 5000 + "}", "{1--" + "1" * 5000 + "}", "{\ue000}"]),
)
ENTRIES = st.builds(
    lambda kind, key, fields: (
        f"@{kind}{{{key},\n" + "".join(f"  {name} = {value},\n" for name, value in fields) + "}\n"
    ),
    st.sampled_from(["article", "book", "misc", "online", "inproceedings", "phdthesis", "x"]),
    st.sampled_from(["a", "b", "c", "A", "a b"]),
    st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), max_size=8),
)
STRINGS = st.builds(
    lambda name, value: f"@string{{{name} = {value}}}\n", st.sampled_from(["s", "t"]), VALUES
)
LIBRARIES = st.lists(st.one_of(ENTRIES, STRINGS, st.sampled_from(JUNK)), max_size=8).map("".join)


@FUZZ
@given(
    bib=LIBRARIES,
    text=ARTICLES,
    kind=st.sampled_from(["markdown", "html"]),
    to=st.sampled_from(["html", "md", "txt"]),
)
def test_random_articles_and_libraries(bib: str, text: str, kind: str, to: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "refs.bib").write_text(bib, "utf-8")
        article = tmp / ("a.html" if kind == "html" else "a.md")
        article.write_text(text, "utf-8")
        with contextlib.suppress(CitationsError):
            library = load_library([tmp / "refs.bib"], tmp / "cache")
            run_checks(build_snapshot(library, [article]))
            scanned = read_article(article)
            options = RenderOptions(to=to)
            render_article(scanned, library, get_style("vancouver"), Templates(), options)
            index = find_claims([scanned], library)
            flag_claims(index, library, None, {})


@FUZZ
@given(bib=st.binary(max_size=300), text=st.binary(max_size=300))
def test_random_bytes(bib: bytes, text: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "refs.bib").write_bytes(bib)
        (tmp / "a.md").write_bytes(text)
        with contextlib.suppress(CitationsError):
            render_file(tmp / "a.md", RenderSettings(refs=(tmp / "refs.bib",)))
