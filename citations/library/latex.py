"""LaTeX in BibTeX field values to plain Unicode: fast by hand, pylatexenc for the rare rest."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import Any

# The common accent forms, `\"u`, `\"{u}`, `{\"u}`, `\v{s}`, `{\c c}`, composed before tokenising:
# balanced outer braces only, and not after a backslash (`\\"u` is a line break and text).
_SIMPLE_ACCENT = re.compile(
    r"(?<!\\)(\{)?\\(?:([.\"'^`~=])|([uvHckrdbt])(?=[\s{]))\s*(?:\{([A-Za-z])\}|([A-Za-z]))(?(1)\})"
)
# Control word (plus the spaces TeX swallows after it), control symbol, lone trailing backslash,
# then the specials, then runs of ordinary text.
_TOKEN = re.compile(r"\\(?:[A-Za-z]+\s*|[^A-Za-z]|\Z)|-{2,3}|``|''|[^\\{}$~`'^_-]+|.", re.S)
# pylatexenc reads these as a comment and an alignment tab; in a field value they are text.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")
_CRUDE = re.compile(r"\\([A-Za-z]+)\s*|\\([&%$_#{}])|\\.?|[{}$]", re.S)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# fmt: off
_PUNCT = {"--": "\u2013", "---": "\u2014", "~": "\u00a0", "``": "\u201c", "''": "\u201d"}
# For values with no macro and no math, in order: dashes before braces, so `-{}-` stays two hyphens.
_PLAIN_STEPS = (
    ("---", "\u2014"), ("--", "\u2013"), ("~", "\u00a0"), ("``", "\u201c"), ("''", "\u201d"),
    ("{", ""), ("}", ""),
)
_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "^": "\u0302", "`": "\u0300", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361",
    "acute": "\u0301", "grave": "\u0300", "hat": "\u0302", "tilde": "\u0303", "bar": "\u0304",
    "breve": "\u0306", "check": "\u030c", "dot": "\u0307", "ddot": "\u0308", "vec": "\u20d7",
}
_DOTLESS = {"\u0131": "i", "\u0237": "j"}

_SYMBOLS: dict[str, str] = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "\u0131", "j": "\u0237", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "&": "&", "%": "%", "$": "$", "_": "_", "#": "#", "{": "{", "}": "}", "\\": " ",
    ",": "\u2009", ";": " ", ":": " ", "!": "", "-": "", "/": "", "@": "",
    "textendash": "\u2013", "textemdash": "\u2014", "ldots": "…", "dots": "…", "textellipsis": "…",
    "textquoteleft": "\u2018", "textquoteright": "\u2019", "textquotedblleft": "\u201c",
    "textquotedblright": "\u201d", "textquotesingle": "'", "textquotedbl": '"',
    "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«", "guillemetright": "»",
    "guilsinglleft": "‹", "guilsinglright": "›", "quotedblbase": "„", "quotesinglbase": "‚",
    "textasciitilde": "~", "textasciicircum": "^", "textbackslash": "\\", "textbar": "|",
    "textless": "<", "textgreater": ">", "textunderscore": "_", "textbraceleft": "{",
    "textbraceright": "}", "textdollar": "$", "textregistered": "®", "textcopyright": "©",
    "copyright": "©", "texttrademark": "™", "textdegree": "°", "S": "§", "textsection": "§",
    "P": "¶", "textparagraph": "¶", "textperiodcentered": "·", "textbullet": "•", "dag": "†",
    "textdagger": "†", "ddag": "‡", "textdaggerdbl": "‡", "pounds": "£", "textsterling": "£",
    "euro": "€", "texteuro": "€", "textexclamdown": "¡", "textquestiondown": "¿",
    "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "slash": "/", "nobreakspace": "\u00a0",
    "thinspace": "\u2009", "newline": " ", "par": " ", "quad": " ", "qquad": " ", "space": " ",
    **dict.fromkeys(_words(
        "em it bf sc tt rm sf sl md up itshape bfseries scshape upshape mdseries normalfont "
        "ttfamily rmfamily sffamily slshape relax protect nocorr tiny scriptsize footnotesize "
        "small normalsize large Large LARGE huge Huge displaystyle textstyle"
    ), ""),
}
_MATH: dict[str, str] = {
    "times": "×", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠",
    "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡", "cdot": "·", "cdots": "⋯",
    "infty": "∞", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
    "leftrightarrow": "↔", "circ": "∘", "prime": "′", "partial": "∂", "nabla": "∇", "div": "÷",
    "ast": "∗", "star": "⋆", "in": "∈", "propto": "∝", "ell": "ℓ", "hbar": "ℏ", "ll": "≪",
    "gg": "≫", "lt": "<", "gt": ">", "sum": "∑", "prod": "∏", "int": "∫", "langle": "⟨",
    "rangle": "⟩", "bullet": "•", "degree": "°", "varepsilon": "ε", "vartheta": "ϑ",
    "varphi": "φ", "varrho": "ϱ", "varsigma": "ς", "varpi": "ϖ", "epsilon": "ϵ", "phi": "ϕ",
}
for _g in _words(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega"
):
    _u = "LAMDA" if _g == "lambda" else _g.upper()
    _MATH.setdefault(_g, unicodedata.lookup(f"GREEK SMALL LETTER {_u}"))
    _MATH[_g.capitalize()] = unicodedata.lookup(f"GREEK CAPITAL LETTER {_u}")
# Math symbols are accepted in text too: BibTeX files often omit the $...$ around \alpha.
_SYMBOLS.update(_MATH)

# Text mode swallows the space after a control word, as TeX does (`Stra\ss e`, `\ldots{} and`); in
# math, where TeX ignores spaces anyway, `a \times b` keeps the space its author typed.
_SPACED = frozenset(
    n for n, s in _SYMBOLS.items() if s.strip() and not (len(s) == 1 and s.isalpha())
)

_KEEP = "keep"
_ARG_MACROS: dict[str, str] = {
    **dict.fromkeys(_words(
        "emph textit textbf textsc texttt textrm textsf textsl textup textmd textnormal mbox "
        "hbox text mkbibquote mkbibemph mkbibitalic mkbibbold enquote mathrm mathit mathbf "
        "mathsf mathtt mathcal mathnormal operatorname boldsymbol"
    ), _KEEP),
    # The usual @preamble definition is \newcommand{\noopsort}[1]{}: sort key only, never printed.
    **dict.fromkeys(("noopsort", "sortnoop", "SortNoop"), "drop"),
    **dict.fromkeys(("url", "nolinkurl", "path", "doi"), "raw"),
    "href": "href", "ensuremath": "math", "textsuperscript": "^", "textsubscript": "_",
    "MakeUppercase": "upper", "uppercase": "upper", "MakeLowercase": "lower", "lowercase": "lower",
}
# pylatexenc parses these specially (environments, verbatim); the fast decoder does not try.
_ALWAYS_FALLBACK = frozenset({"begin", "end", "verb"})

_SCRIPTS = {
    "^": {ord(k): v for k, v in zip("0123456789+-=()ni∘′", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ°′", strict=True)},
    "_": {ord(k): v for k, v in zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True)},
}
# fmt: on


class _Fallback(Exception):
    """The fast decoder met something it does not handle but pylatexenc does."""


def has_latex(text: str) -> bool:
    """True when `text` holds anything decode_latex would change (the fast-path test)."""
    # str scans beat one regex alternation by 3x; a lone ' or - is text, only the pairs count.
    return (
        "\\" in text
        or "{" in text
        or "}" in text
        or "~" in text
        or "$" in text
        or "--" in text
        or "``" in text
        or "''" in text
    )


def decode_latex(text: str) -> str:
    """Convert a BibTeX field value (delimiters removed, macros resolved) to plain Unicode."""
    if not has_latex(text):
        return text
    if "\\" in text:
        text = _SIMPLE_ACCENT.sub(_compose, text)
    if "\\" not in text and "$" not in text:
        for old, new in _PLAIN_STEPS:
            text = text.replace(old, new)
        return text
    try:
        out = _render(_TOKEN.findall(text), False)
    except Exception:  # _Fallback, too deep a nesting, or a surprise: pylatexenc decides
        return _slow(text)
    return unicodedata.normalize("NFC", out)


def _compose(m: re.Match[str]) -> str:
    key = (m.group(2) or m.group(3), m.group(4) or m.group(5))
    try:
        return _COMPOSED[key]
    except KeyError:
        out = _COMPOSED[key] = unicodedata.normalize("NFC", key[1] + _ACCENTS[key[0]])
        return out


_COMPOSED: dict[tuple[str, str], str] = {}  # at most 16 accents x 52 letters


def _render(toks: list[str], math: bool) -> str:
    parts: list[str] = []
    i, n = 0, len(toks)
    while True:  # a stray `}` ends _group early; skip it and carry on
        s, i = _group(toks, i, math)
        parts.append(s)
        if i >= n:
            return "".join(parts)


def _group(toks: list[str], i: int, math: bool) -> tuple[str, int]:
    """Render from toks[i] to the closing brace (or the end); return the text and the next index."""
    out: list[str] = []
    n = len(toks)
    while i < n:
        t = toks[i]
        i += 1
        c = t[0]
        if c == "\\":
            s, i = _macro(t, toks, i, math)
            out.append(s)
        elif c == "{":
            s, i = _group(toks, i, math)
            out.append(s)
        elif c == "}":
            return "".join(out), i
        elif c == "$":
            try:
                j = toks.index("$", i)
            except ValueError:  # unbalanced: a literal dollar
                out.append(t)
                continue
            out.append(_render(toks[i:j], True))
            i = j + 1
        elif math and (t == "^" or t == "_"):
            s, i = _arg(toks, i, True)
            out.append(_script(s, t, strict=True))
        else:
            out.append(_PUNCT.get(t, t))
    return "".join(out), i


def _arg(toks: list[str], i: int, math: bool) -> tuple[str, int]:
    """Render one undelimited macro argument: a group, a control sequence or a single character."""
    n = len(toks)
    while i < n:
        t = toks[i]
        c = t[0]
        if c == "{":
            return _group(toks, i + 1, math)
        if c == "\\":
            return _macro(t, toks, i + 1, math)
        if c == "}" or c == "$":
            return "", i
        s = t.lstrip()
        if not s:
            i += 1
        elif len(s) > 1:
            toks[i] = s[1:]  # the rest of the text run stays for the caller
            return s[0], i
        else:
            return s, i + 1
    return "", i


def _raw_arg(toks: list[str], i: int) -> tuple[list[str], int]:
    """The tokens of one braced argument, undecoded (for URLs and math)."""
    n = len(toks)
    while i < n and toks[i].isspace():
        i += 1
    if i >= n or toks[i] != "{":
        return toks[i : i + 1], i + 1
    depth, start = 0, i + 1
    for j in range(i, n):
        depth += (toks[j] == "{") - (toks[j] == "}")
        if depth == 0:
            return toks[start:j], j + 1
    return toks[start:], n


def _script(s: str, kind: str, *, strict: bool) -> str:
    table = _SCRIPTS[kind]
    if s and all(ord(ch) in table for ch in s):
        return s.translate(table)
    if strict:
        raise _Fallback
    return s


def _macro(t: str, toks: list[str], i: int, math: bool) -> tuple[str, int]:
    """Render the control sequence `t` (toks[i] follows it) with its arguments."""
    name = t[1:]
    if name[:1].isalpha():
        name = name.rstrip()
    elif not name:
        return "", i  # a trailing lone backslash
    elif name.isspace():
        return " ", i
    mark = _ACCENTS.get(name)
    if mark is not None:
        s, i = _arg(toks, i, math)
        return (_DOTLESS.get(s[0], s[0]) + mark + s[1:] if s else ""), i
    sym = _SYMBOLS.get(name)
    if sym is not None:
        return (sym + t[1 + len(name) :] if math and name in _SPACED else sym), i
    kind = _ARG_MACROS.get(name)
    if kind is None:
        if name in _ALWAYS_FALLBACK or name in _pylatexenc()[1]:
            raise _Fallback
        # Unknown to pylatexenc too: its braced argument is rendered as a plain group next;
        # with no argument, keep the name itself rather than let it vanish.
        return ("" if i < len(toks) and toks[i] == "{" else t[1:]), i
    if kind == "raw":
        raw, i = _raw_arg(toks, i)
        return "".join(raw), i
    if kind == "math":
        raw, i = _raw_arg(toks, i)
        return _render(raw, True), i
    if kind == "href":
        _, i = _raw_arg(toks, i)
    s, i = _arg(toks, i, math)
    if kind == "drop":
        return "", i
    if kind in _SCRIPTS:
        return _script(s, kind, strict=False), i
    if kind == "upper":
        return s.upper(), i
    if kind == "lower":
        return s.lower(), i
    return s, i


@functools.cache
def _pylatexenc() -> tuple[Any, frozenset[str]]:
    """The pylatexenc converter (built once, on first need) and the macro names it knows."""
    from pylatexenc import latex2text

    # It warns on every malformed macro call; a bad field value is the loader's to report, once.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    db = latex2text.get_default_latex_context_db()
    known = frozenset(spec.macroname for spec in db.iter_macro_specs())
    ours = [("\\", " "), ("LaTeX", "LaTeX"), ("TeX", "TeX"), ("BibTeX", "BibTeX")]
    db.add_context_category(
        "citations", prepend=True, macros=[latex2text.MacroTextSpec(k, v) for k, v in ours]
    )
    db.set_unknown_macro_spec(latex2text.MacroTextSpec("", simplify_repl=_unknown_macro_text))
    return latex2text.LatexNodes2Text(latex_context=db, math_mode="text"), known


def _unknown_macro_text(node: Any) -> str:
    """pylatexenc's text for a macro it does not know: as in the fast path, arg or else name."""
    rest = node.parsing_state.s[node.pos + node.len :]
    if rest.lstrip().startswith("{"):
        return ""
    return f"{node.macroname}{node.macro_post_space}"


def _slow(text: str) -> str:
    try:
        out = _pylatexenc()[0].latex_to_text(_BARE_SPECIAL.sub(r"\\\1", text))
    except Exception:  # never raise on a field value: strip the markup crudely instead
        out = _CRUDE.sub(lambda m: m.group(1) or m.group(2) or "", text)
        for old, new in _PLAIN_STEPS:
            out = out.replace(old, new)
    return unicodedata.normalize("NFC", out)
