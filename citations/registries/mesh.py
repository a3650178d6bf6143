"""PubMed's MeSH headings: efetch's XML, which esummary's JSON does not carry.

MeSH indexers name a study's design (Cohort Studies, Case-Control Studies, Cross-Sectional
Studies...) where PubMed's publication types have no word for it: `claims` reads them for
the kind of evidence a citation is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

# A DOCTYPE with an internal subset can declare entities that ElementTree expands: refused.
# PubMed's own DOCTYPE only names its external DTD, which ElementTree never fetches.
_INTERNAL_SUBSET = re.compile(rb"<!ENTITY|<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


def efetch_url(base: str, pmids: Sequence[str], params: Mapping[str, str]) -> str:
    query = {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml", **params}
    return f"{base}/efetch.fcgi?{urlencode(query, safe=',')}"


def parse_mesh(body: bytes) -> tuple[dict[str, tuple[str, ...]], str]:
    """Each article's MeSH descriptor names by PMID (in PubMed's order), or ({}, why the
    answer is unusable). An article without a MeshHeadingList maps to ()."""
    if _INTERNAL_SUBSET.search(body):
        return {}, "XML declaring entities (refused)"
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        return {}, f"malformed XML ({error})"
    if root.tag != "PubmedArticleSet":
        return {}, f"not a PubmedArticleSet but <{root.tag}>"
    found: dict[str, tuple[str, ...]] = {}
    for article in root.iter("MedlineCitation"):
        pmid = (article.findtext("PMID") or "").strip()
        if pmid.isdigit():
            names = (
                d.text or "" for d in article.iterfind("MeshHeadingList/MeshHeading/DescriptorName")
            )
            found[pmid] = tuple(" ".join(n.split()) for n in names if n.strip())
    return found, ""
