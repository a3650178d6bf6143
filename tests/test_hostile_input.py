"""Hostile input: small files that made render, claims or check hang, crash or run out of
memory finish, in a forked process given a generous 20 s, with the right result."""

from __future__ import annotations

import multiprocessing
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from citations.checks import run_checks
from citations.claims import find_claims
from citations.claims.flags import flag_claims
from citations.errors import ArticleError
from citations.findings import Finding
from citations.library import Library, load_library
from citations.render.article import read_article, scan_article
from citations.render.compose import RenderOptions, render_article
from citations.render.styles import get_style
from citations.render.templating import Templates
from citations.snapshot import build_snapshot

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate_library, library_keys

BOUND = 20.0  # seconds: what the slowest of these takes on a loaded machine, many times over
LIBRARY = "@article{a, author = {Smith, J.}, title = {A title}, journal = {J}, year = 2020}\n"


def within(fn: Callable[..., Any], *args: Any) -> Any:
    """fn(*args) run in a forked process: its result, or a failure if it raised or did not
    finish in BOUND seconds (a hang in a regular expression cannot be interrupted)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, fn, args))
    child.start()
    send.close()
    if not receive.poll(BOUND):
        child.kill()
        child.join()
        pytest.fail(f"did not finish in {BOUND:.0f} s")
    try:
        ok, value = receive.recv()
    except EOFError:  # the child died without a word: out of memory, say
        child.join()
        pytest.fail(f"the process died (exit code {child.exitcode})")
    child.join()
    if not ok:
        pytest.fail(f"raised:\n{value}")
    return value


def _child(send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        send.send((True, fn(*args)))
    except BaseException:  # everything, to the parent: a MemoryError is a failure too
        send.send((False, traceback.format_exc()))


def _library(tmp: Path, text: str = LIBRARY) -> Library:
    (tmp / "refs.bib").write_text(text, "utf-8")
    return load_library([tmp / "refs.bib"])


def render(text: str, kind: str, tmp: Path, to: str = "html") -> tuple[int, str]:
    """The number of citations and the rendered page."""
    article = scan_article(text, f"a.{'html' if kind == 'html' else 'md'}", kind)  # type: ignore[arg-type]
    options = RenderOptions(to=to, report_uncited=False)
    rendered = render_article(article, _library(tmp), get_style("ama"), Templates(), options)
    return len(rendered.numbering.citations), rendered.text


def claims(text: str, kind: str, tmp: Path) -> tuple[int, int]:
    """The number of sentences and of claims (sentences that cite)."""
    library = _library(tmp)
    article = scan_article(text, f"a.{'html' if kind == 'html' else 'md'}", kind)  # type: ignore[arg-type]
    index = find_claims([article], library)
    flag_claims(index, library, None, {})
    return sum(len(a.sentences) for a in index.articles), len(index.claims)


def check(bib: str | bytes, tmp: Path, cache: bool = False) -> list[tuple[str, int]]:
    """The codes and lines of check's findings on one .bib file."""
    path = tmp / "refs.bib"
    path.write_bytes(bib.encode("utf-8") if isinstance(bib, str) else bib)
    library = load_library([path], tmp / "cache" if cache else None)
    return [
        (f.code, f.span.line if f.span else 0) for f in run_checks(build_snapshot(library, None))
    ]


RENDER = [
    pytest.param("<!--" * 100_000, "markdown", 0, id="comment-openers"),
    pytest.param("<code>" * 100_000, "markdown", 0, id="code-openers"),
    pytest.param("<pre>" * 100_000, "markdown", 0, id="pre-openers"),
    pytest.param("<script>" * 50_000, "html", 0, id="script-openers-html"),
    pytest.param("::: {#refs}\n" * 50_000, "markdown", 0, id="refs-div-openers"),
    pytest.param("# a" + " " * 100_000 + "b\n\ntext [@a].", "markdown", 1, id="heading-spaces"),
    pytest.param("<h1>" * 100_000, "html", 0, id="h1-openers-html"),
]


@pytest.mark.parametrize(("text", "kind", "cited"), RENDER)
def test_pathological_articles_render(text: str, kind: str, cited: int, tmp_path: Path) -> None:
    citations, html = within(render, text, kind, tmp_path)
    assert citations == cited
    assert html.startswith("<!DOCTYPE html>")


def test_many_unknown_keys_against_a_large_library(tmp_path: Path) -> None:
    """Each unknown key was compared with every key of the library for its hint."""
    bib = generate_library(5_000, seed=1)
    (tmp_path / "refs.bib").write_text(bib, "utf-8")
    keys = library_keys(bib)
    text = " ".join(f"[@{keys[i % len(keys)]}x{i}]" for i in range(20_000)) + "\n"

    def unknown() -> tuple[int, int]:
        from citations.render.coverage import unknown_keys

        article = scan_article(text, "a.md")
        found = list(unknown_keys(article.markers, load_library([tmp_path / "refs.bib"])))
        return len(found), sum(1 for f in found if f.hint)

    found, hinted = within(unknown)
    assert found == 20_000
    assert 0 < hinted <= 100


def test_placeholder_characters_in_the_article_are_its_own_text(tmp_path: Path) -> None:
    # U+E000-E002 were the render's own placeholders: an article holding them crashed it.
    text = "odd \ue0005\ue001 and \ue002 text [@a].\n"
    citations, html = within(render, text, "markdown", tmp_path)
    assert citations == 1
    assert "odd \ue0005\ue001 and \ue002 text" in html


CLAIMS = [
    pytest.param("**a " * 50_000, "markdown", id="strong-openers"),
    pytest.param("*a " * 100_000, "markdown", id="emphasis-openers"),
    pytest.param("_a " * 100_000, "markdown", id="underscore-openers"),
    pytest.param("![a" * 50_000, "markdown", id="image-openers"),
    pytest.param("[" * 100_000, "markdown", id="brackets"),
    pytest.param("[@" * 100_000, "markdown", id="citation-openers"),
    pytest.param("x " + "``" * 50_000 + " a", "markdown", id="backticks"),
    pytest.param("<![CDATA[" * 20_000, "markdown", id="cdata"),
    pytest.param("<a" + "b" * 1_000_000, "html", id="endless-tag-html"),
    pytest.param("<!--" * 100_000, "html", id="comment-openers-html"),
    pytest.param("# a" + " " * 100_000 + "b\n", "markdown", id="heading-spaces"),
]


@pytest.mark.parametrize(("text", "kind"), CLAIMS)
def test_pathological_articles_give_their_claims(text: str, kind: str, tmp_path: Path) -> None:
    sentences, cited = within(claims, text + "\n\nIt works [@a].\n", kind, tmp_path)
    assert cited == 1
    assert sentences >= 1


def test_a_title_repeating_randomized_is_classified(tmp_path: Path) -> None:
    title = "randomized " * 80_000 + "\nrandomized trial"
    bib = (
        f"@article{{a, author = {{Smith, J.}}, title = {{{title}}}, journal = {{J}}, year = 2020}}"
    )

    def classified() -> str:
        from citations.claims.evidence import classify

        return classify(_library(tmp_path, bib)["a"]).type

    assert within(classified) == "randomized-controlled-trial"


def _doubling(steps: int) -> str:
    strings = '@string{a0 = "x"}\n' + "".join(
        f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, steps)
    )
    return strings + f"@article{{k, author = {{A, B}}, title = a{steps - 1}, year = 2000}}\n"


CHECK = [
    pytest.param(
        "@article{k, title = {" + "{" * 100_000 + "x" + "}" * 100_000 + "}, year = 2000}\n",
        ("braces-too-deep", 1),
        id="nested-braces",
    ),
    pytest.param(
        "@article{k,\n" + "".join(f"  f{i} = {{v}},\n" for i in range(200_000)) + "}\n",
        ("missing-field", 1),
        id="200k-fields",
    ),
    pytest.param(
        "@article{k, " + "".join(f"f{i} = {{}}, " for i in range(50_000)) + "}\n",
        ("empty-field", 1),
        id="one-line-50k-empty-fields",
    ),
    pytest.param(_doubling(30), ("value-too-large", 21), id="string-doubling"),
    pytest.param(
        "@article{k, author = {A" + " " * 100_000 + "B}, title = {T}, year = 2000}\n",
        ("missing-field", 1),
        id="author-spaces",
    ),
    pytest.param(
        "@article{k, month = {" + "1" * 5_000 + "}, title = {T}, year = 2000}\n",
        ("invalid-month", 1),
        id="month-digits",
    ),
    pytest.param(
        "@article{k, month = {²}, pages = {1--" + "1" * 5_000 + "}, year = 2000}\n",
        ("invalid-month", 1),
        id="superscript-month",
    ),
    pytest.param(
        "".join(f'@string{{s{i} = "x"}}\n' for i in range(50_000)) + "@article{k, title = s1}\n",
        ("missing-field", 50_001),
        id="50k-strings",
    ),
]


@pytest.mark.parametrize(("bib", "finding"), CHECK)
def test_pathological_libraries_check(bib: str, finding: tuple[str, int], tmp_path: Path) -> None:
    found = within(check, bib, tmp_path, True)
    assert finding in found


def test_doubling_strings_stop_at_the_bound(tmp_path: Path) -> None:
    library = within(_library, tmp_path, _doubling(30))
    [problem] = [f for f in library.findings if f.code == "value-too-large"]
    assert "@string 'a20'" in problem.message and problem.span.line == 21
    assert library["k"].raw.get("title") == ""  # a20 and those built on it: empty


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_are_reported_not_read_as_nothing(encoding: str, tmp_path: Path) -> None:
    # Without a byte-order mark, UTF-16 is valid UTF-8: it loaded as 0 entries, no finding.
    found = within(check, LIBRARY.encode(encoding), tmp_path)
    assert found == [("bib-encoding", 1)]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param(b"\xff\xfe" + "@a".encode("utf-16-le"), "UTF-16LE", id="utf-16-le-bom"),
        pytest.param(b"\xfe\xff" + "@a".encode("utf-16-be"), "UTF-16BE", id="utf-16-be-bom"),
        pytest.param(
            b"\xff\xfe\x00\x00" + "@a{é}".encode("utf-32-le"), "UTF-32LE", id="utf-32-bom"
        ),
        pytest.param("Ünïcödé, 中文 and ASCII".encode("utf-16-be"), "UTF-16BE", id="utf-16-be"),
        pytest.param(b"plain", None, id="utf-8"),
        pytest.param("caf\xe9".encode("latin-1"), None, id="latin-1"),
    ],
)
def test_wide_encoding_is_told_by_its_bom_or_its_nuls(data: bytes, name: str | None) -> None:
    from citations.library.encoding import wide_encoding

    assert wide_encoding(data) == name


def test_a_nul_byte_is_reported_at_its_line(tmp_path: Path) -> None:
    assert within(check, LIBRARY + "\n\n\x00\n", tmp_path) == [("bib-encoding", 4)]


def test_a_utf16_article_is_an_article_error(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes("Text [@a].\n".encode("utf-16-le"))
    with pytest.raises(ArticleError, match="UTF-16LE text"):
        read_article(path)


def test_a_yaml_alias_bomb_is_refused_at_its_line(tmp_path: Path) -> None:
    anchors = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]'] + [
        f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 30)
    ]
    text = "---\n" + "\n".join(anchors) + "\ntitle: *a29\n---\nText [@a].\n"

    def scanned() -> str:
        try:
            scan_article(text, "a.md")
        except ArticleError as exc:
            return f"{exc.span}: {exc.message}"
        return "loaded"

    # a0..a3 repeat 8,289 values; a4's first alias passes 10,000. Its line: 2 + 4.
    expected = "front matter repeats more than 10,000 values through YAML aliases"
    assert within(scanned) == f"a.md:6:1: {expected}"


def test_check_fix_is_linear_in_the_library(tmp_path: Path) -> None:
    """Every entry of a 6,000-entry library needs a fix: --fix used to take minutes here."""
    bib = generate_library(6_000, seed=0)
    bib = re.sub(r"doi = \{([^}]*)\}", r"doi = {https://doi.org/\1}", bib)
    bib = re.sub(r"(\n@(?!string|comment|preamble)\w+\{[^,\n]+,)", r"\1\n  month = {3},", bib)
    bib = re.sub(r"\n\s*month = \w+,", "", bib)
    (tmp_path / "refs.bib").write_text(bib, "utf-8")

    def fixed() -> tuple[int, list[Finding]]:
        from citations.checks import CheckSettings
        from citations.commands.check import CheckRun, run_check

        run = CheckRun(CheckSettings(), refs=(tmp_path / "refs.bib",), articles=None, fix=True)
        outcome = run_check(run)
        return bib.count("month = {3}"), [f for f in outcome.findings if f.fix is not None]

    months, unfixed = within(fixed)
    assert months >= 6_000
    assert unfixed == []
    written = (tmp_path / "refs.bib").read_text("utf-8")
    assert "month = {3}" not in written and written.count("month = mar") == months
    assert "https://doi.org/" not in written
