"""Evidence types of references: from an explicit field, or inferred, with the rule that decided."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Reference

# Stable names (used in JSON and in `evidence = {...}`) → labels for people, strongest first:
# when keywords name several types, the first here wins.
EVIDENCE_TYPES: dict[str, str] = {
    "systematic-review": "systematic review / meta-analysis",
    "randomized-controlled-trial": "randomized controlled trial",
    "guideline": "guideline / institutional guidance",
    "cohort-observational": "cohort / observational study",
    "case-report": "case report / case series",
    "narrative-review": "narrative review",
    "web-page": "web page",
    "other": "other",
}
WEAK_TYPES = frozenset({"web-page"})

# What people write in `evidence` or `keywords` (PubMed publication types included),
# normalised by _normalise, → type.
ALIASES: dict[str, str] = {name: name for name in EVIDENCE_TYPES} | {
    "systematic-reviews": "systematic-review", "meta-analysis": "systematic-review",
    "metaanalysis": "systematic-review", "meta-analyses": "systematic-review",
    "umbrella-review": "systematic-review",
    "rct": "randomized-controlled-trial", "randomised-controlled-trial":
    "randomized-controlled-trial", "randomized-trial": "randomized-controlled-trial",
    "clinical-trial": "randomized-controlled-trial", "controlled-clinical-trial":
    "randomized-controlled-trial", "pragmatic-clinical-trial": "randomized-controlled-trial",
    "cohort": "cohort-observational", "cohort-study": "cohort-observational",
    "observational": "cohort-observational", "observational-study": "cohort-observational",
    "case-control": "cohort-observational", "cross-sectional": "cohort-observational",
    "comparative-study": "cohort-observational",
    "case-reports": "case-report", "case-series": "case-report",
    "practice-guideline": "guideline", "guidelines": "guideline",
    "consensus-statement": "guideline", "consensus-development-conference": "guideline",
    "position-statement": "guideline", "institutional-page": "guideline",
    "review": "narrative-review", "narrative": "narrative-review",
    "literature-review": "narrative-review", "scoping-review": "narrative-review",
    "web": "web-page", "webpage": "web-page", "website": "web-page", "online": "web-page",
}  # fmt: skip

WEB_ENTRY_TYPES = frozenset({"online", "www", "electronic", "webpage"})
# Bodies whose published recommendations count as guidance: public health authorities and
# professional societies. Hospitals' patient pages are not guidance (they stay web pages).
_AUTHORITY = re.compile(
    r"\b(?:World Health Organi[sz]ation|WHO|NICE|National Institutes? (?:of|for) Health"
    r"|National Institute for Health and (?:Care|Clinical) Excellence|NIH|NHS|CDC|FDA|AHRQ"
    r"|Centers? for Disease Control|Preventive Services Task Force|Ministry of Health"
    r"|Department of Health|Public Health|Health Canada|European Medicines Agency"
    r"|(?:American|British|European|Royal|National) (?:\w+ ){0,3}"
    r"(?:College|Academy|Association|Society|Federation|Board)|Cochrane)\b"
)
_GUIDANCE = (
    r"guidelines?|consensus|recommendations?|position (?:statement|paper)|practice parameter"
)


class _RandomizedTrial:
    r"""`randomi[sz]ed\b.*\b(?:trials?|controlled)\b|\bRCTs?\b` (ignoring case) as a search,
    in linear time: `.*` read each "randomized" to the end of its line, so a title of them
    was quadratic. Only the first on a line can match: a later one sees fewer trials."""

    _START = re.compile(r"randomi[sz]ed\b|\bRCTs?\b", re.I)
    _TRIAL = re.compile(r"\b(?:trials?|controlled)\b", re.I)
    _ANY = re.compile(".*", re.S)

    def search(self, text: str) -> re.Match[str] | None:
        failed_line = -1  # the end of the line whose first "randomized" has no trial after it
        for m in self._START.finditer(text):
            if m.group()[:3].lower() == "rct":
                return m
            line_end = text.find("\n", m.end())
            line_end = len(text) if line_end < 0 else line_end
            if line_end == failed_line:
                continue
            last = None  # `.*` is greedy: the match ends at the line's last trial word
            for trial in self._TRIAL.finditer(text, m.end(), line_end):
                last = trial
            if last is not None:
                return self._ANY.match(text, m.start(), last.end())
            failed_line = line_end
        return None


# Title/journal rules, in order: (rule name, type, pattern).
PATTERNS: tuple[tuple[str, str, re.Pattern[str] | _RandomizedTrial], ...] = (
    ("systematic-review-pattern", "systematic-review", re.compile(
        r"systematic (?:review|literature review)|meta-?analys[ie]s|umbrella review"
        r"|pooled analysis|cochrane database|syst(?:ematic)?\.? rev", re.I)),
    ("randomized-trial-pattern", "randomized-controlled-trial", _RandomizedTrial()),
    ("observational-pattern", "cohort-observational", re.compile(
        r"\bcohort\b|\bobservation(?:al)?\b|case-control|case control|cross-sectional"
        r"|\bregistry\b|comparative (?:study|observation)|retrospective|prospective", re.I)),
    ("case-report-pattern", "case-report", re.compile(
        r"\bcase (?:reports?|series|study)\b", re.I)),
    ("guideline-pattern", "guideline", re.compile(rf"\b(?:{_GUIDANCE})\b", re.I)),
    ("review-pattern", "narrative-review", re.compile(r"\breview\b|\boverview\b", re.I)),
)  # fmt: skip
PATTERN_FIELDS = ("title", "subtitle", "titleaddon", "journal", "journaltitle", "booktitle")
RULES = (
    "evidence-field",
    "pubmed-publication-type",
    "mesh-heading",
    "crossref-type",
    "keywords",
    "institutional-guideline",
    "web-entry",
    *(name for name, _, _ in PATTERNS),
    "default",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A reference's evidence type, the rule that decided it, and what that rule saw.

    `ignored` holds an `evidence` field value that names no known type (reported as a flag).
    """

    type: str
    rule: str
    detail: str = ""
    ignored: str = ""

    @property
    def label(self) -> str:
        return EVIDENCE_TYPES[self.type]


def classify(ref: Reference, record: Mapping[str, Any] | None = None) -> Evidence:
    """The evidence type of `ref`: the first rule of RULES that decides. `record` is what
    `citations verify` stored of the registries' records (`pubmed_types`, `mesh`,
    `crossref_type`):
    what PubMed and Crossref say a work is comes before any guess from its title."""
    ignored = ""
    given = ref.get("evidence").strip()
    if given:
        name = ALIASES.get(_normalise(given))
        if name is not None:
            return Evidence(name, "evidence-field", f"evidence = {given}")
        ignored = given
    decided = from_record(ref, record or {})
    if decided is not None:
        return Evidence(decided.type, decided.rule, decided.detail, ignored)
    found = _from_keywords(ref.get("keywords"))
    if found is not None:
        return Evidence(found[0], "keywords", f"keywords: {found[1]}", ignored)
    if ref.type in WEB_ENTRY_TYPES or (ref.type == "misc" and ref.get("url") and not _printed(ref)):
        body = " ".join(ref.get(f) for f in ("organization", "institution", "publisher", "author"))
        authority = _AUTHORITY.search(body)
        guidance = re.search(rf"\b(?:{_GUIDANCE})\b", ref.get("title"), re.I)
        if authority and guidance:
            what = f"{authority.group()}; title: {guidance.group().lower()}"
            return Evidence("guideline", "institutional-guideline", what, ignored)
        return Evidence("web-page", "web-entry", f"@{ref.type}", ignored)
    for rule, kind, pattern in PATTERNS:
        for name in PATTERN_FIELDS:
            m = pattern.search(ref.get(name))
            if m:
                return Evidence(kind, rule, f"{name}: {m.group().lower()}", ignored)
    return Evidence("other", "default", "", ignored)


# PubMed publication types that say nothing of the kind of evidence.
_SILENT_PUBTYPES = frozenset({"journal-article", "english-abstract", "research-support"})
# MeSH headings that name the study's own design, where PubMed's publication types have no
# word for it (there is no "Cohort Study" type). "... as Topic" headings are about a subject
# (a review of cohort studies), never the design, and are not read.
MESH_DESIGNS = dict.fromkeys(
    (
        "Cohort Studies", "Prospective Studies", "Retrospective Studies", "Longitudinal Studies",
        "Follow-Up Studies", "Case-Control Studies", "Cross-Sectional Studies",
    ),
    "cohort-observational",
)  # fmt: skip
# Crossref types that say what a work is, whatever its title.
CROSSREF_TYPES = {"standard": "guideline", "dataset": "other", "database": "other"}


def from_record(ref: Reference, record: Mapping[str, Any]) -> Evidence | None:
    """PubMed's strongest publication type (a bare "Review" whose title says systematic
    review or meta-analysis is one), else a MeSH heading naming the study's design, else
    Crossref's type where it decides."""
    pubtypes = [str(p) for p in record.get("pubmed_types") or () if isinstance(p, str)]
    named: dict[str, str] = {}
    for pubtype in pubtypes:
        name = ALIASES.get(_normalise(pubtype))
        if name is not None and _normalise(pubtype) not in _SILENT_PUBTYPES:
            named.setdefault(name, pubtype)
    for name in EVIDENCE_TYPES if named else ():
        if name not in named:
            continue
        detail = f"PubMed publication type: {named[name]}"
        if name == "narrative-review":
            m = PATTERNS[0][2].search(ref.get("title"))
            if m:
                detail += f"; title: {m.group().lower()}"
                return Evidence("systematic-review", "pubmed-publication-type", detail)
        return Evidence(name, "pubmed-publication-type", detail)
    for heading in record.get("mesh") or ():
        name = MESH_DESIGNS.get(heading) if isinstance(heading, str) else None
        if name is not None:
            return Evidence(name, "mesh-heading", f"MeSH heading: {heading}")
    kind = record.get("crossref_type")
    if isinstance(kind, str) and kind in CROSSREF_TYPES:
        return Evidence(CROSSREF_TYPES[kind], "crossref-type", f"Crossref type: {kind}")
    return None


def _normalise(value: str) -> str:
    return re.sub(r"[\s_/]+", "-", value.strip().lower().replace("randomised", "randomized"))


def _from_keywords(keywords: str) -> tuple[str, str] | None:
    """The strongest type a keyword names, and that keyword."""
    found: dict[str, str] = {}
    for word in re.split(r"[,;]", keywords):
        name = ALIASES.get(_normalise(word))
        if name is not None:
            found.setdefault(name, word.strip())
    for name in EVIDENCE_TYPES:
        if name in found:
            return name, found[name]
    return None


def _printed(ref: Reference) -> bool:
    """A @misc with a DOI or a journal is a published work that happens to have a URL."""
    return any(ref.get(f) for f in ("doi", "journal", "journaltitle", "eprint"))
