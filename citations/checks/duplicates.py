"""Duplicate entries: keys equal but for case, shared DOI/PMID/arXiv ids, near-identical titles."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..findings import Finding, Rule
from ..folding import fold, strip_accents
from ..identifiers import find_arxiv, normalise_arxiv, normalise_doi, normalise_pmid
from ..model import Reference
from ..snapshot import Snapshot
from .authors import first_author
from .base import Check, entry_finding

KEY_CASE = Rule(
    "duplicate-key-case", "warning", "two keys that differ only in case (BibTeX sees one key)"
)
DOI = Rule("duplicate-doi", "error", "two entries with the same DOI")
PMID = Rule("duplicate-pmid", "error", "two entries with the same PubMed id")
ARXIV = Rule("duplicate-arxiv", "error", "two entries with the same arXiv id (any version)")
TITLE = Rule(
    "similar-title",
    "warning",
    "two entries with the same or a near-identical title, first author and year",
)
PREPRINT = Rule(
    "related-preprint", "info", "a preprint and its published version: related, not duplicates"
)
RULES = (KEY_CASE, DOI, PMID, ARXIV, TITLE, PREPRINT)

# When one pair matches for several reasons, the finding takes the first of these codes.
_PRIORITY = (DOI, PMID, ARXIV, TITLE, PREPRINT)
SIMILARITY = 92.0  # rapidfuzz ratio (0-100) of normalised titles; typos and punctuation pass
_BIG_BLOCK = 500  # past this, fuzzy matching in a block is only within a title start

_PREPRINT_VENUE = re.compile(
    r"(?i)\b(?:arxiv|biorxiv|medrxiv|chemrxiv|psyarxiv|ssrn|research\s*square|preprints)\b"
)
_PREPRINT_DOI = re.compile(r"^10\.(?:48550/|21203/|2139/ssrn|1101/(?:\d{4}\.\d\d\.\d\d\.)?\d{6})")
_PREPRINT_HOST = re.compile(
    r"(?i)//(?:[\w-]+\.)*(?:arxiv\.org|biorxiv\.org|medrxiv\.org|ssrn\.com|researchsquare\.com)\b"
)
_PREPRINT_SERVERS = frozenset({"arxiv", "biorxiv", "medrxiv", "ssrn", "chemrxiv"})
_VENUE_FIELDS = ("journal", "journaltitle", "publisher", "howpublished", "organization")
# Types whose preprint status comes from where they point (an eprint, a URL) when no journal.
_LOOSE_TYPES = frozenset(
    {
        "misc",
        "unpublished",
        "online",
        "electronic",
        "www",
        "preprint",
        "article",
        "report",
        "techreport",
    }
)
_ASCII_PUNCT = str.maketrans(
    dict.fromkeys("".join(chr(c) for c in range(128) if not chr(c).isalnum()), " ")
)
_DIGITS = re.compile(r"\d+")
_WORD_SIMILARITY = 70.0  # a replaced word this close to its counterpart is a misspelling
_YEAR = re.compile(r"\d{4}")
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


@dataclass
class _Candidate:
    """The reasons one later entry matches one earlier entry."""

    reasons: dict[str, str] = field(default_factory=dict)  # code → why, in words
    where: str | None = None  # the field of the later entry that holds the strongest reason


Pairs = dict[int, dict[int, _Candidate]]  # later index → earlier index → reasons


class Ids(dict[str, tuple[str, str]]):
    """An entry's identifiers: code → (normalised id, the field it is written in)."""

    preprint: bool = False

    def registered_apart(self, other: Ids) -> bool:
        """Both have a DOI (or a PMID) and they differ: two works, whatever their titles say."""
        return any(
            code in self and code in other and self[code][0] != other[code][0]
            for code in (DOI.code, PMID.code)
        )


def run(snapshot: Snapshot) -> Iterator[Finding]:
    refs = list(snapshot.library)
    yield from _key_case(snapshot, refs)
    pairs: Pairs = defaultdict(dict)
    ids = _match_ids(refs, pairs)
    _match_titles(refs, ids, pairs)
    for later in sorted(pairs):
        related = False
        for earlier, cand in sorted(pairs[later].items()):
            if PREPRINT.code in cand.reasons and len(cand.reasons) > 1:
                del cand.reasons[PREPRINT.code]  # a stronger match says more
            elif PREPRINT.code in cand.reasons:
                if related:
                    continue  # one version named is enough: the earliest
                related = True
            yield _finding(snapshot, refs[later], refs[earlier], cand)


def _key_case(snapshot: Snapshot, refs: list[Reference]) -> Iterator[Finding]:
    first: dict[str, Reference] = {}
    for ref in refs:
        earlier = first.setdefault(ref.key.casefold(), ref)
        if earlier is not ref:
            yield entry_finding(
                snapshot,
                KEY_CASE,
                ref,
                f"key '{ref.key}' differs only in case from "
                f"'{earlier.key}' ({earlier.span}); BibTeX treats them as the same key",
                hint="rename one of them (or remove the duplicate)",
                related=(earlier.span,),
            )


def _finding(snapshot: Snapshot, ref: Reference, earlier: Reference, cand: _Candidate) -> Finding:
    rule = next(r for r in _PRIORITY if r.code in cand.reasons)
    why = "; ".join(cand.reasons[r.code] for r in _PRIORITY if r.code in cand.reasons)
    where = f"'{ref.key}' and '{earlier.key}' ({earlier.span})"
    if rule is PREPRINT:
        message = f"{where} look like a preprint and its published version: {why}"
        hint = "cite the published version, unless you mean the preprint"
    else:
        message = f"{where} look like the same work: {why}"
        hint = "remove one, or merge them and keep one key"
    return entry_finding(
        snapshot, rule, ref, message, field=cand.where, hint=hint, related=(earlier.span,)
    )


def _add(pairs: Pairs, later: int, earlier: int, rule: Rule, why: str, where: str) -> None:
    cand = pairs[later].setdefault(earlier, _Candidate())
    if rule.code in cand.reasons:
        return
    cand.reasons[rule.code] = why
    strongest = next(r for r in _PRIORITY if r.code in cand.reasons)
    if strongest is rule:
        cand.where = where


# ---------------------------------------------------------------------------------------------
# Identifiers


def _match_ids(refs: list[Reference], pairs: Pairs) -> list[Ids]:
    """Pairs that share a DOI, PMID or arXiv id; returns each entry's ids."""
    every: list[Ids] = []
    seen: dict[tuple[str, str], int] = {}
    for i, ref in enumerate(refs):
        ids = _identifiers(ref)
        every.append(ids)
        for kind, (value, where) in ids.items():
            j = seen.setdefault((kind, value), i)
            if j == i:
                continue
            if kind == ARXIV.code and ids.preprint != every[j].preprint:
                _add(pairs, i, j, PREPRINT, f"same arXiv id {value}", where)
            else:
                name = {DOI.code: "DOI", PMID.code: "PMID", ARXIV.code: "arXiv id"}[kind]
                _add(pairs, i, j, _rule(kind), f"same {name} {value}", where)
    return every


def _rule(code: str) -> Rule:
    return next(r for r in RULES if r.code == code)


def _own(ref: Reference, name: str) -> str:
    """A field the entry writes itself: a crossref parent's DOI is not the child's."""
    return ref.raw[name].strip() if name in ref.raw and name in ref.field_lines else ""


def _identifiers(ref: Reference) -> Ids:
    out = Ids()
    doi = normalise_doi(_own(ref, "doi"))
    if doi:
        out[DOI.code] = (doi, "doi")
    pmid = _own(ref, "pmid")
    eprint = _own(ref, "eprint")
    kind = (ref.raw.get("eprinttype") or ref.raw.get("archiveprefix") or "").strip().lower()
    where = "pmid"
    if not pmid and kind == "pubmed":
        pmid, where = eprint, "eprint"
    pmid = normalise_pmid(pmid)
    if pmid:
        out[PMID.code] = (pmid, where)
    arxiv = ""
    if eprint and (kind == "arxiv" or eprint[:6].lower() == "arxiv:"):
        arxiv, where = normalise_arxiv(eprint), "eprint"
    if not arxiv and "arxiv" in ref.raw:
        arxiv, where = normalise_arxiv(_own(ref, "arxiv")), "arxiv"
    if not arxiv and doi:  # arXiv's own DOI, 10.48550/arXiv.2101.00001
        arxiv, where = normalise_arxiv(doi), "doi"
    if not arxiv:
        arxiv, where = normalise_arxiv(find_arxiv(_own(ref, "url"))), "url"
    if arxiv:
        out[ARXIV.code] = (arxiv, where)
    out.preprint = _is_preprint(ref, out)
    return out


def _is_preprint(ref: Reference, ids: Ids) -> bool:
    raw = ref.raw
    if any(_PREPRINT_VENUE.search(raw[f]) for f in _VENUE_FIELDS if f in raw):
        return True
    if DOI.code in ids and _PREPRINT_DOI.match(ids[DOI.code][0]):
        return True
    if ref.type not in _LOOSE_TYPES or "journal" in raw or "journaltitle" in raw:
        return False  # a journal article or a book that also links its arXiv copy
    kind = (raw.get("eprinttype") or raw.get("archiveprefix") or "").strip().lower()
    return (
        ARXIV.code in ids
        or kind in _PREPRINT_SERVERS
        or _PREPRINT_HOST.search(raw.get("url", "")) is not None
    )


# ---------------------------------------------------------------------------------------------
# Titles


def _match_titles(refs: list[Reference], ids: list[Ids], pairs: Pairs) -> None:
    """Same or similar titles with the same first author: same year, or preprint/published."""
    titles = _Titles(refs, ids)
    by_author: dict[str, list[int]] = defaultdict(list)
    by_author_year: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    authors: dict[int, str] = {}
    for i, ref in enumerate(refs):
        if not _own(ref, "title"):
            continue
        authors[i] = author = first_author(ref)
        by_author[author].append(i)
        # Preprints apart: a preprint against a published version is related, whatever the years.
        by_author_year[author, _year(ref), ids[i].preprint].append(i)
    for block in by_author_year.values():
        for later, earlier, score in _similar(block, titles):
            why = _title_reason(score, refs[later], same_year=True)
            _add(pairs, later, earlier, TITLE, why, "title")
    for i, author in authors.items():
        if not ids[i].preprint or not titles(i):
            continue
        published = [j for j in by_author[author] if not ids[j].preprint and titles(j)]
        matches = process.extract(
            titles(i),
            [titles(j) for j in published],
            scorer=fuzz.ratio,
            score_cutoff=SIMILARITY,
            limit=None,
        )
        for _, score, k in matches:
            if titles.agree(i, published[k]):
                later, earlier = max(i, published[k]), min(i, published[k])
                why = _title_reason(score, refs[later], same_year=False)
                _add(pairs, later, earlier, PREPRINT, why, "title")


class _Titles:
    """Normalised titles, decoded on first use; and whether two close titles may be one work."""

    def __init__(self, refs: list[Reference], ids: list[Ids]) -> None:
        self.refs = refs
        self.ids = ids
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
        a, b = self.ids[i], self.ids[j]
        if differ_in_substance(self(i), self(j)):
            return False
        if a.preprint == b.preprint and a.registered_apart(b):
            return False  # an erratum, a second part: registered as a work of its own
        initial_i, initial_j = _first_initial(self.refs[i]), _first_initial(self.refs[j])
        return not (initial_i and initial_j and initial_i != initial_j)


def _first_initial(ref: Reference) -> str:
    names = ref.authors.names if ref.raw.get("author") else ref.editors.names
    if not names or names[0].corporate:
        return ""
    return fold(names[0].first)[:1]


def _similar(block: list[int], titles: _Titles) -> Iterator[tuple[int, int, float]]:
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
    block: list[int], titles: _Titles, *, fuzzy: bool
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


def _title_reason(score: float, ref: Reference, *, same_year: bool) -> str:
    title = "same title" if score >= 100 else f"similar title (score {score:.0f})"
    names = ref.authors.names or ref.editors.names
    who = f"same first author ({names[0].last})" if names else "no author"
    year = _year(ref)
    when = f", same year ({year})" if same_year and year else ""
    return f"{title}, {who}{when}"


def normalise_title(title: str) -> str:
    """A decoded title, case and accents folded, punctuation and spaces collapsed to one space,
    and a leading article dropped (`The Rheumatology` is `Rheumatology`)."""
    if title.isascii():
        text = " ".join(title.lower().translate(_ASCII_PUNCT).split())
    else:
        text = _NON_WORD.sub(" ", strip_accents(title)).strip()
    first, _, rest = text.partition(" ")
    return rest if rest and first in ("the", "a", "an") else text


def _year(ref: Reference) -> str:
    m = _YEAR.search(ref.raw.get("year") or ref.raw.get("date") or "")
    return m.group() if m else ""


CHECK = Check("duplicates", run, RULES)
