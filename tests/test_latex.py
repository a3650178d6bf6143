"""decode_latex and has_latex: accents, punctuation, markup, math, fallback, malformed input."""

from __future__ import annotations

import logging
import unicodedata
from unittest import mock

import pytest

from citations.library import latex
from citations.library.latex import decode_latex, has_latex

P = pytest.param

ACCENTS = [
    P(r"{\"u}", "ü", id="braced-umlaut"),
    P(r"\"{u}", "ü", id="umlaut-arg"),
    P(r"\"u", "ü", id="umlaut-bare"),
    P(r"{\'e}", "é", id="braced-acute"),
    P(r"\'{e}", "é", id="acute-arg"),
    P(r"\'e", "é", id="acute-bare"),
    P(r"\^o", "ô", id="circumflex"),
    P(r"\`a", "à", id="grave"),
    P(r"\~n", "ñ", id="tilde"),
    P(r"\=a", "ā", id="macron"),
    P(r"\.z", "ż", id="dot-above"),
    P(r"\u{a}", "ă", id="breve"),
    P(r"\v{s}", "š", id="caron"),
    P(r"\v s", "š", id="caron-space"),
    P(r"\H{o}", "ő", id="double-acute"),
    P(r"\c{c}", "ç", id="cedilla"),
    P(r"{\c c}", "ç", id="cedilla-braced-space"),
    P(r"\k{a}", "ą", id="ogonek"),
    P(r"\r{a}", "å", id="ring"),
    P(r"\d{a}", "ạ", id="dot-below"),
    P(r"\t{oo}", "o\u0361o", id="tie"),
    P(r"{\"{U}}", "Ü", id="double-braced-capital"),
    P(r"{\" u}", "ü", id="space-before-arg"),
    P(r"{\i}", "ı", id="dotless-i"),
    P(r"\'{\i}", "í", id="acute-dotless-i"),
    P(r"\'\i", "í", id="acute-dotless-i-bare"),
    P(r"{\"\i}", "ï", id="umlaut-dotless-i"),
    P(r"\v{\j}", "ǰ", id="caron-dotless-j"),
    P(r"Stra\ss e", "Straße", id="ss-swallows-space"),
    P(r"\ss{}", "ß", id="ss-empty-group"),
    P(r"\o", "ø", id="o-slash"),
    P(r"\O", "Ø", id="O-slash"),
    P(r"\aa", "å", id="aa"),
    P(r"\AA", "Å", id="AA"),
    P(r"\ae", "æ", id="ae"),
    P(r"\AE", "Æ", id="AE"),
    P(r"\oe", "œ", id="oe"),
    P(r"\OE", "Œ", id="OE"),
    P(r"\l", "ł", id="l-stroke"),
    P(r"\L", "Ł", id="L-stroke"),
    P(r"{\o}rsted", "ørsted", id="letter-in-word"),
    P(r"Sch{\"o}n, J{\"o}rg", "Schön, Jörg", id="accents-in-words"),
    P(r"\emph\"u", "ü", id="accent-as-macro-arg"),
]

PUNCTUATION = [
    P("pages 1--10", "pages 1\u201310", id="en-dash"),
    P("yes---no", "yes\u2014no", id="em-dash"),
    P("a----b", "a\u2014-b", id="four-hyphens"),
    P("-{}-", "--", id="dash-ligature-broken"),
    P("well-known", "well-known", id="single-hyphen"),
    P("Fig.~3", "Fig.\u00a03", id="tie-nbsp"),
    P(r"A \& B", "A & B", id="ampersand"),
    P(r"50\%", "50%", id="percent"),
    P(r"\$5", "$5", id="dollar"),
    P(r"a\_b", "a_b", id="underscore"),
    P(r"\#1", "#1", id="hash"),
    P(r"\{x\}", "{x}", id="escaped-braces"),
    P(r"a\textendash b", "a\u2013b", id="textendash"),
    P(r"a\textemdash{}b", "a\u2014b", id="textemdash"),
    P(r"wait\ldots", "wait…", id="ldots"),
    P(r"\dots and", "…and", id="dots-swallows-space"),
    P(r"\dots{} and", "… and", id="dots-empty-group"),
    P(r"it\textquoteright s", "it\u2019s", id="textquoteright"),
    P(r"\textquoteleft x", "\u2018x", id="textquoteleft"),
    P("``quoted''", "\u201cquoted\u201d", id="tex-double-quotes"),
    P("O'Brien's `x'", "O'Brien's `x'", id="single-quotes-untouched"),
    P(r"10\,000", "10\u2009000", id="thin-space"),
    P(r"line\\break", "line break", id="double-backslash"),
    P(r"\LaTeX\ and \TeX{} x", "LaTeX and TeX x", id="logos"),
]

MARKUP = [
    P(r"{\em in vitro}", "in vitro", id="em-declaration"),
    P(r"{\it x} and {\bf y}", "x and y", id="it-bf-declarations"),
    P(r"\emph{in vivo}", "in vivo", id="emph"),
    P(r"\textit{x}", "x", id="textit"),
    P(r"\textbf{bold text}", "bold text", id="textbf"),
    P(r"\textsc{Smith}", "Smith", id="textsc"),
    P(r"\texttt{code}", "code", id="texttt"),
    P(r"\mkbibquote{Title}", "Title", id="mkbibquote"),
    P(r"m\textsuperscript{2}", "m²", id="textsuperscript-digit"),
    P(r"1\textsuperscript{st}", "1st", id="textsuperscript-letters"),
    P(r"H\textsubscript{2}O", "H₂O", id="textsubscript"),
    P(r"\emph{nested \textbf{bold}}", "nested bold", id="nested"),
    P(r"\href{http://x.org/a_b}{the site}", "the site", id="href"),
    P(r"\url{http://x.org/a_b~c}", "http://x.org/a_b~c", id="url-verbatim"),
    P(r"\noopsort{b}Alpha", "Alpha", id="noopsort"),
    P(r"\MakeUppercase{abc}", "ABC", id="uppercase"),
    P(r"{DNA} repair", "DNA repair", id="protected-word"),
    P(r"{B}ayesian {M}odels", "Bayesian Models", id="protected-letters"),
    P(r"{{nested}} {C}ase", "nested Case", id="nested-protection"),
    P(r"{\relax Ch}ristopher", "Christopher", id="relax"),
]

MATH = [
    P(r"$\alpha$", "α", id="alpha"),
    P(r"$\Gamma$ and $\lambda$", "Γ and λ", id="greek-capital-lambda"),
    P(r"$\beta$-blocker", "β-blocker", id="beta-blocker"),
    P(r"$^{2}$", "²", id="superscript-braced"),
    P(r"m$^2$", "m²", id="superscript-bare"),
    P(r"CO$_2$", "CO₂", id="subscript"),
    P(r"$\mathrm{CO}_2$", "CO₂", id="mathrm-subscript"),
    P(r"$x^{-1}$", "x⁻¹", id="negative-exponent"),
    P(r"37$^\circ$C", "37°C", id="degree"),
    P(r"$a \times b$", "a × b", id="times"),
    P(r"$\pm$ $\leq$ $\geq$", "± ≤ ≥", id="relations"),
    P(r"$\alpha\beta$", "αβ", id="adjacent-greek"),
    P(r"\ensuremath{\mu}m", "μm", id="ensuremath"),
    P(r"\alpha-helix", "α-helix", id="greek-without-dollars"),
]

FALLBACK = [
    P(r"$\frac{1}{2}$", "1/2", id="frac"),
    P(r"$\sqrt{x}$ test", "√(x) test", id="sqrt"),
    P(r"$x^{a}$", "x^a", id="letter-superscript"),
    P(r"\textonehalf{} cup", "½ cup", id="symbol-only-pylatexenc-knows"),
    P(r"50% of $\frac12$ & so", "50% of 1/2 & so", id="percent-and-ampersand-kept"),
    P(r"\"u $\frac12$", "ü 1/2", id="accents-too"),
    P(r"\unknownmacro $\frac12$", "unknownmacro 1/2", id="unknown-name-kept"),
    P(r"\unknownmacro{arg} $\frac12$", "arg 1/2", id="unknown-arg-kept"),
]

UNKNOWN = [
    P(r"\foo{bar} baz", "bar baz", id="arg-kept"),
    P(r"\foo baz", "foo baz", id="name-kept"),
    P(r"\foo {bar}", "bar", id="arg-after-space"),
]

MALFORMED = [
    P("{unbalanced", "unbalanced", id="open-brace"),
    P("unbalanced}", "unbalanced", id="close-brace"),
    P("}{", "", id="reversed-braces"),
    P("trailing\\", "trailing", id="trailing-backslash"),
    P('\\"', "", id="accent-without-arg"),
    P(r"\'{}", "", id="accent-empty-arg"),
    P("$5 cost", "$5 cost", id="lone-dollar"),
    P(r"\emph{open", "open", id="unclosed-arg"),
    P("{" * 3000 + "deep" + "}" * 3000, "deep", id="deep-nesting"),
    P(r"\\\\\\", "   ", id="backslashes"),
    P("", "", id="empty"),
]


@pytest.mark.parametrize(
    ("raw", "expected"), ACCENTS + PUNCTUATION + MARKUP + MATH + FALLBACK + UNKNOWN + MALFORMED
)
def test_decode(raw: str, expected: str) -> None:
    assert decode_latex(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        P("A randomized trial of acupuncture", id="ascii"),
        P("Well-known O'Brien's results", id="single-hyphen-and-quote"),
        P("Müller et al.", id="unicode"),
        P("line\n  breaks", id="whitespace"),
    ],
)
def test_plain_text_is_returned_untouched(text: str) -> None:
    assert not has_latex(text)
    assert decode_latex(text) is text


@pytest.mark.parametrize(
    "text",
    [
        P(r"\"u", id="backslash"),
        P("{DNA}", id="brace"),
        P("}", id="closing-brace"),
        P("a~b", id="tilde"),
        P("$x$", id="dollar"),
        P("1--2", id="en-dash"),
        P("``x", id="open-quotes"),
        P("x''", id="close-quotes"),
    ],
)
def test_has_latex(text: str) -> None:
    assert has_latex(text)


@pytest.mark.parametrize(
    "raw",
    [
        P(r"M{\"u}ller, Hans and Sch{\"o}n --- {DNA}", id="common"),
        P(r"{\em x} $\alpha$ \foo{y} \emph{z}", id="markup-math-unknown"),
    ],
)
def test_fast_path_never_calls_pylatexenc(raw: str) -> None:
    converter = mock.Mock()
    with mock.patch.object(latex, "_slow", converter):
        decode_latex(raw)
    converter.assert_not_called()


@pytest.mark.parametrize(
    "raw",
    [
        P(r"$\frac{1}{2}$", id="math"),
        P(r"\textonehalf", id="macro"),
        P(r"\begin{x}y\end{x}", id="env"),
    ],
)
def test_rare_cases_fall_back(raw: str) -> None:
    with mock.patch.object(latex, "_slow", return_value="slow") as slow:
        assert decode_latex(raw) == "slow"
    slow.assert_called_once_with(raw)


def test_pylatexenc_failure_still_returns_text() -> None:
    broken = mock.Mock()
    broken.latex_to_text.side_effect = RuntimeError("boom")
    with mock.patch.object(latex, "_pylatexenc", return_value=(broken, frozenset({"frac"}))):
        assert decode_latex(r"{Big} \"u $\frac{1}{2}$ -- x") == "Big ü frac12 \u2013 x"


@pytest.mark.parametrize(
    "raw",
    [
        P(r"\"u", id="bare"),
        P(r"{\"u}", id="braced"),
        P(r"\"{\i}", id="dotless"),
        P(r"\c{c}", id="c"),
    ],
)
def test_output_is_nfc(raw: str) -> None:
    out = decode_latex(raw)
    assert out == unicodedata.normalize("NFC", out)
    assert len(out) == 1


@pytest.mark.parametrize(
    "raw",
    [
        P("\\", id="backslash"),
        P("{\\", id="brace-backslash"),
        P("$", id="dollar"),
        P("$$", id="double-dollar"),
        P("$^", id="caret-at-end"),
        P("$\\frac{$", id="broken-math"),
        P("\\href{", id="href-unclosed"),
        P("\\url", id="url-no-arg"),
        P("\\ensuremath", id="ensuremath-no-arg"),
        P("\\textsuperscript", id="script-no-arg"),
        P("\\begin{", id="begin"),
        P("%&#^_", id="specials"),
    ],
)
def test_malformed_never_raises(raw: str) -> None:
    assert isinstance(decode_latex(raw), str)


def test_fallback_does_not_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        decode_latex(r"\frac and \url")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
