"""Titles that name the same work: normalised, compared fuzzily within blocks, and told
apart when a number or a real word differs."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator

from rapidfuzz import fuzz, process

from ..folding import fold, strip_accents
from ..model import Reference

SIMILARITY = 92.0  # rapidfuzz ratio (0-100) of normalised titles; typos and punctuation pass
_BIG_BLOCK = 500  # past this, fuzzy matching in a block is only within a title start

_ASCII_PUNCT = str.maketrans(
    dict.fromkeys("".join(chr(c) for c in range(128) if not chr(c).isalnum()), " ")
)
_DIGITS = re.compile(r"\d+")
_WORD_SIMILARITY = 70.0  # a replaced word this close to its counterpart is a misspelling
_NON_WORD = re.compile(r"[\W_]+")
# Titles that recur by design: two letters titled "Reply" by one author in a year are two works.
_GENERIC_TITLES = frozenset(
    {
        "reply",
        "response",
        "editorial",
        "commentary",
        "introduction",
        "preface",
        "foreword",
        "index",
        "untitled",
        "letter",
        "in reply",
        "authors reply",
    }
)
# A notice about another article carries its title: `Correction: <title>` is not a duplicate.
_NOTICE = re.compile(
    r"(?i)\W*(?:(?:erratum|errata|corrigendum|retraction|retracted|expression of concern)\b"
    r"|(?:correction|comment|reply|response)(?:\s+(?:to|on))?\s*:"
    r"|(?:correction|comment|reply)\s+(?:to|on)\b)"
)


class TitleIndex:
    """Normalised titles, decoded on first use; and whether two close titles may be one work."""

    def __init__(self, refs: list[Reference], apart: Callable[[int, int], bool]) -> None:
        self.refs = refs
        self.apart = apart  # registered apart: two works, however alike their titles
        self.texts: dict[int, str] = {}

    def __call__(self, i: int) -> str:
        """The normalised title of entry `i`; '' for one that recurs by design."""
        text = self.texts.get(i)
        if text is None:
            decoded = self.refs[i].fields["title"]
            text = normalise_title(decoded)
            if text in _GENERIC_TITLES or _NOTICE.match(decoded):
                text = ""
            self.texts[i] = text
        return text

    def agree(self, i: int, j: int) -> bool:
        """No sign of two works: a word replaced, other DOIs, first authors' initials apart."""
        if differ_in_substance(self(i), self(j)):
            return False
        if self.apart(i, j):
            return False  # an erratum, a second part: registered as a work of its own
        initial_i, initial_j = _first_initial(self.refs[i]), _first_initial(self.refs[j])
        return not (initial_i and initial_j and initial_i != initial_j)


def _first_initial(ref: Reference) -> str:
    names = ref.authors.names if ref.raw.get("author") else ref.editors.names
    if not names or names[0].corporate:
        return ""
    return fold(names[0].first)[:1]


def similar(block: list[int], titles: TitleIndex) -> Iterator[tuple[int, int, float]]:
    """(later, earliest earlier, score) for each entry of the block that matches an earlier one.

    A big block (entries with no author and no year, say) is compared within each title start,
    and a part still too big on exact titles only, so the work stays near linear.
    """
    if len(block) <= _BIG_BLOCK:
        yield from _similar_in(block, titles, fuzzy=True)
        return
    parts: dict[str, list[int]] = defaultdict(list)
    for i in block:
        parts[titles(i)[:8]].append(i)
    for part in parts.values():
        yield from _similar_in(part, titles, fuzzy=len(part) <= _BIG_BLOCK)


def _similar_in(
    block: list[int], titles: TitleIndex, *, fuzzy: bool
) -> Iterator[tuple[int, int, float]]:
    if len(block) < 2:
        return
    texts = [titles(i) for i in block]
    exact: dict[str, list[int]] = defaultdict(list)
    for pos, (i, text) in enumerate(zip(block, texts, strict=True)):
        if not text:
            continue
        same = next((j for j in exact[text] if titles.agree(i, j)), None)
        exact[text].append(i)
        if same is not None:
            yield i, same, 100.0
        elif fuzzy:
            matches = process.extract(
                text, texts[:pos], scorer=fuzz.ratio, score_cutoff=SIMILARITY, limit=None
            )
            kept = [m for m in matches if m[1] < 100 and titles.agree(i, block[m[2]])]
            if kept:
                _, score, k = min(kept, key=lambda m: m[2])
                yield i, block[k], score


def differ_in_substance(a: str, b: str) -> bool:
    """Whether two close titles still name different things: a number, or a word for another.

    `hip` for `knee` or `part 1` for `part 2` is a sibling paper; `reveiw` for `review` a typo.
    """
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return True
    words_a, words_b = set(a.split()), set(b.split())
    only_a, only_b = words_a - words_b, words_b - words_a
    if not only_a or not only_b:
        return False  # words added or dropped, none replaced
    return _replaced(only_a, only_b, b) or _replaced(only_b, only_a, a)


def _replaced(words: set[str], others: set[str], other_title: str) -> bool:
    """A word of 3+ letters that is no misspelling of one of `others`, nor run together there."""
    squeezed = other_title.replace(" ", "")
    return any(
        len(w) >= 3
        and w not in squeezed
        and max(fuzz.ratio(w, v) for v in others) < _WORD_SIMILARITY
        for w in words
    )


def normalise_title(title: str) -> str:
    """A decoded title, case and accents folded, punctuation and spaces collapsed to one space,
    and a leading article dropped (`The Rheumatology` is `Rheumatology`)."""
    if title.isascii():
        text = " ".join(title.lower().translate(_ASCII_PUNCT).split())
    else:
        text = _NON_WORD.sub(" ", strip_accents(title)).strip()
    first, _, rest = text.partition(" ")
    return rest if rest and first in ("the", "a", "an") else text
