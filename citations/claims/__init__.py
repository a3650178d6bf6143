"""Claims: the sentences that cite, their sources, evidence types and flags."""

from __future__ import annotations

from .index import ArticleClaims, Claim, ClaimIndex, find_claims
from .sentences import Sentence, split_sentences

__all__ = ["ArticleClaims", "Claim", "ClaimIndex", "Sentence", "find_claims", "split_sentences"]
