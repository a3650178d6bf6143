"""Claims: the sentences that cite, their references by number, and the reverse index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..library import Library
from ..model import CiteItem, Span
from ..render.article import Article
from ..render.numbering import Numbering, number_citations
from .sentences import Sentence, split_sentences


@dataclass(frozen=True)
class Claim:
    """A sentence (or list item, or table cell) that carries citation markers.

    `keys` are the cited keys, each once, in the order written; `numbers[i]` is the number
    of `keys[i]` in its article's reference list, None when the library lacks the key.
    `number` is the claim's 1-based place among its article's claims.
    """

    article: str
    number: int
    sentence: Sentence
    keys: tuple[str, ...]
    numbers: tuple[int | None, ...]
    items: tuple[CiteItem, ...] = ()  # each key's first cite item, for its place

    @property
    def text(self) -> str:
        return self.sentence.text

    @property
    def span(self) -> Span:
        return self.sentence.span

    @property
    def section(self) -> str:
        return self.sentence.section


@dataclass
class ArticleClaims:
    """One article's sentences, its claims, and the numbers its reference list gives keys."""

    article: Article
    sentences: list[Sentence]
    claims: list[Claim]
    numbering: Numbering


@dataclass
class ClaimIndex:
    """The claims of several articles and, for each cited key, every claim citing it.

    `citing` maps a key to indexes into `claims`, keys in order of first citation across the
    articles (article order, then reading order).
    """

    articles: list[ArticleClaims] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    citing: dict[str, list[int]] = field(default_factory=dict)

    def numbers_of(self, key: str) -> dict[str, int]:
        """The key's number in each article that cites it (article path → number)."""
        return {
            a.article.path: a.numbering.numbers[key]
            for a in self.articles
            if key in a.numbering.numbers
        }


def find_claims(articles: Sequence[Article], library: Library) -> ClaimIndex:
    """Split each article into sentences, keep those that cite, and index them by key."""
    index = ClaimIndex()
    for article in articles:
        numbering = number_citations(article.markers, library)
        sentences = split_sentences(article)
        claims: list[Claim] = []
        for sentence in sentences:
            if not sentence.markers:
                continue
            items: dict[str, CiteItem] = {}
            for marker in sentence.markers:
                for item in marker.items:
                    items.setdefault(item.key, item)
            keys = tuple(items)
            numbers = tuple(numbering.numbers.get(k) for k in keys)
            claim = Claim(
                article.path, len(claims) + 1, sentence, keys, numbers, tuple(items.values())
            )
            for key in keys:
                index.citing.setdefault(key, []).append(len(index.claims))
            claims.append(claim)
            index.claims.append(claim)
        index.articles.append(ArticleClaims(article, sentences, claims, numbering))
    return index
