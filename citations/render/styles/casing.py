"""Title case for the titles AMA capitalises: books, reports, theses (AMA 11th ed., 3.9.1).

"Capitalize the first letter of each major word. Do not capitalize articles, prepositions of
3 or fewer letters, coordinating conjunctions, or the to in infinitives"; the first and last
words, and the first word of a subtitle, are capitalised whatever they are.

Only lower-case words are raised: a word with a capital already (mRNA, pH, iPhone, DNA) or a
digit first (2nd) is left as written, and a capitalised minor word is never lowered (it may be
`Vitamin A`). A word the entry braces (`{aureus}`: BibTeX's own way to protect case) is left
too, and only the first part of a hyphenated word is raised (`Long-term`, `Follow-up`).
"""

from __future__ import annotations

import re

# Articles, coordinating conjunctions, prepositions of three letters or fewer, infinitive `to`.
MINOR = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "for",
        "nor",
        "but",
        "yet",
        "so",
        "as",
        "at",
        "by",
        "in",
        "of",
        "off",
        "on",
        "out",
        "per",
        "to",
        "up",
        "via",
        "vs",
        "v",
    }
)
ENGLISH = frozenset(
    {
        "",
        "english",
        "american",
        "british",
        "canadian",
        "australian",
        "newzealand",
        "usenglish",
        "ukenglish",
        "en",
        "en-us",
        "en-gb",
    }
)
_TOKEN = re.compile(r"\S+")
_LEAD = re.compile(r"^[\"'“‘(\[¿¡]*")
_SUBTITLE_END = (":", "?", "!", ".")
_DASHES = {"–", "—", "-", "--"}
_BRACED = re.compile(r"\{([^{}\\]*)\}")


def title_case(text: str, raw: str = "") -> str:
    """`Acupuncture in practice: a handbook` → `Acupuncture in Practice: A Handbook`.

    `raw` is the field as written in the .bib file, for its braced words."""
    protected = {w for group in _BRACED.findall(raw) for w in group.split()}
    words = list(_TOKEN.finditer(text))
    out: list[str] = []
    end = 0
    starts = True  # the first word of the title or of a subtitle
    for n, match in enumerate(words):
        word = match[0]
        out.append(text[end : match.start()])
        end = match.end()
        if word in _DASHES:
            out.append(word)
            starts = True
            continue
        lead = _LEAD.match(word)
        at = lead.end() if lead else 0
        core = word[at:].rstrip(".,;:?!)]\"'”’")
        major = starts or n == len(words) - 1 or core.lower() not in MINOR
        if major and _raisable(core) and core not in protected:
            word = word[:at] + word[at].upper() + word[at + 1 :]
        out.append(word)
        starts = word.endswith(_SUBTITLE_END)
    out.append(text[end:])
    return "".join(out)


def is_english(language: str) -> bool:
    """Whether `langid` (or `language`) names English, or nothing: the rule is for English."""
    return language.strip().lower().replace(" ", "") in ENGLISH


def _raisable(core: str) -> bool:
    """A word all in lower case (up to its first hyphen) that starts with a letter."""
    head = core.split("-", 1)[0]
    return bool(head) and head[0].isalpha() and head == head.lower() and head != head.upper()
