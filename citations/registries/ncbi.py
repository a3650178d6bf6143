"""The questions asked of NCBI's E-utilities (PubMed, PMC), as part of `Registries`.

NCBI asks for batches and allows 3 requests a second (10 with a key): esummary takes up to
200 ids a request, each answer is cached one id at a time, and PMC ids are mapped to PMIDs
in batches too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..identifiers import normalise_pmcid, normalise_pmid
from . import crossref, mesh, pubmed
from .model import Lookup
from .transport import OFFLINE, Answer, Transport

if TYPE_CHECKING:
    from .settings import RegistrySettings


class PubMedQuestions:
    """PubMed and PMC lookups; `Registries` supplies the settings and the transport."""

    settings: RegistrySettings
    _net: Transport

    def pubmed(self, pmids: Sequence[str]) -> dict[str, Lookup]:
        """esummary for each PMID (keys as given), asking for at most 200 ids at a time."""
        wanted = dict.fromkeys(pmid for raw in pmids if (pmid := normalise_pmid(raw)))
        found: dict[str, Lookup] = {}
        todo = []
        for pmid in wanted:
            cached = self._net.cached(f"ncbi:esummary:{pmid}")
            item, _ = crossref.load_json(cached.body) if cached is not None else (None, "")
            if isinstance(item, dict):
                found[pmid] = pubmed.read_item(item, self._summary_url(pmid))
            elif self.settings.offline:
                found[pmid] = Lookup("unavailable", detail=OFFLINE)
            else:
                todo.append(pmid)
        for start in range(0, len(todo), pubmed.BATCH):
            found.update(self._esummary(todo[start : start + pubmed.BATCH]))
        not_pmid = "PubMed: {!r} is not a PMID"
        return {
            raw: found.get(normalise_pmid(raw)) or Lookup("not-found", detail=not_pmid.format(raw))
            for raw in pmids
        }

    def pubmed_search(self, term: str) -> list[str]:
        """esearch → PMIDs (`10.1/x[doi]`, `words[ti] AND name[au]`); [] when none or unknown."""
        term = " ".join(term.split())
        if not term:
            return []
        key = f"ncbi:esearch:{term}"
        url = pubmed.esearch_url(self.settings.urls["ncbi"], term, self._ncbi_params())
        answer = self._net.fetch("ncbi", key, url, {"Accept": "application/json"})
        if isinstance(answer, str) or not answer.ok:
            return []
        ids, problem = pubmed.parse_esearch(answer.body)
        if not problem:
            self._net.keep(key, answer, found=bool(ids))
        return ids

    def pubmed_citation(self, fields: Sequence[str]) -> str:
        """ecitmatch: the PMID of (journal, year, volume, first page, first author); "" when
        PubMed finds none, several, or cannot be asked."""
        url = pubmed.ecitmatch_url(self.settings.urls["ncbi"], fields, self._ncbi_params())
        key = "ncbi:ecitmatch:" + "|".join(" ".join(f.lower().split()) for f in fields)
        answer = self._net.fetch("ncbi", key, url, {"Accept": "text/plain"})
        if isinstance(answer, str) or not answer.ok:
            return ""
        pmid, why = pubmed.parse_ecitmatch(answer.body)
        if pmid or why:  # an answer in its shape, found or not; nonsense is not kept
            self._net.keep(key, answer, found=bool(pmid))
        return pmid

    def pmc_to_pmids(self, pmcids: Sequence[str]) -> dict[str, str]:
        """PMIDs of PMC articles (keys as given; "" when unknown or unanswered), asking PMC's
        esummary for up to 200 ids at a time: NCBI allows few requests a second."""
        digits_of = {}
        for raw in pmcids:
            digits = normalise_pmcid(raw).removeprefix("PMC")
            if digits:
                digits_of[raw] = digits
        found: dict[str, str] = {}
        todo = []
        for digits in dict.fromkeys(digits_of.values()):
            cached = self._net.cached(f"ncbi:pmc:PMC{digits}")
            if cached is not None:
                items, problem = pubmed.split_esummary(cached.body)
                item = items.get(digits)
                found[digits] = pubmed.pmid_of_pmc(item) if item and not problem else ""
            elif not self.settings.offline:
                todo.append(digits)
        base = self.settings.urls["ncbi"]
        for start in range(0, len(todo), pubmed.BATCH):
            batch = todo[start : start + pubmed.BATCH]
            url = pubmed.esummary_url(base, "pmc", batch, self._ncbi_params())
            answer = self._net.get("ncbi", url, {"Accept": "application/json"})
            if isinstance(answer, str) or not answer.ok:
                continue
            items, problem = pubmed.split_esummary(answer.body)
            if problem:
                continue
            for digits in batch:
                item = items.get(digits)
                if item is None:
                    continue
                found[digits] = pmid = pubmed.pmid_of_pmc(item)
                # Cached one id at a time, in the shape a single lookup stores.
                body = json.dumps({"result": {"uids": [digits], digits: item}}).encode()
                single = replace(answer, body=body)
                self._net.keep(f"ncbi:pmc:PMC{digits}", single, found=bool(pmid))
        return {raw: found.get(digits_of.get(raw, ""), "") for raw in pmcids}

    def pmc_to_pmid(self, pmcid: str) -> str:
        """The PMID of a PMC article, from PMC's esummary; "" when unknown or unanswered."""
        digits = normalise_pmcid(pmcid).removeprefix("PMC")
        if not digits:
            return ""
        key = f"ncbi:pmc:PMC{digits}"
        url = pubmed.esummary_url(self.settings.urls["ncbi"], "pmc", [digits], self._ncbi_params())
        answer = self._net.fetch("ncbi", key, url, {"Accept": "application/json"})
        if isinstance(answer, str) or not answer.ok:
            return ""
        items, problem = pubmed.split_esummary(answer.body)
        item = items.get(digits)
        if problem or item is None:
            return ""
        pmid = pubmed.pmid_of_pmc(item)
        self._net.keep(key, answer, found=bool(pmid))
        return pmid

    def doi_to_pmids(self, dois: Sequence[str]) -> dict[str, str]:
        """DOI (lower case) → PMID from NCBI's ID converter, 200 DOIs a request; "" when it
        has none (it knows only articles in PMC) or could not be asked."""
        wanted = list(dict.fromkeys(d.strip().lower() for d in dois if d.strip()))
        found: dict[str, str] = {}
        todo = []
        for doi in wanted:
            cached = self._net.cached(f"ncbi:idconv:{doi}")
            if cached is not None:
                found[doi] = cached.body.decode("utf-8", "replace")
            elif not self.settings.offline:
                todo.append(doi)
        for start in range(0, len(todo), pubmed.BATCH):
            batch = todo[start : start + pubmed.BATCH]
            url = pubmed.idconv_url(self.settings.urls["idconv"], batch, self._ncbi_params())
            answer = self._net.get("idconv", url, {"Accept": "application/json"})
            if isinstance(answer, str) or not answer.ok:
                continue
            pmids, problem = pubmed.parse_idconv(answer.body)
            for doi in batch if not problem else ():
                found[doi] = pmid = pmids.get(doi, "")
                kept = Answer(200 if pmid else 404, pmid.encode(), {}, url)
                self._net.keep(f"ncbi:idconv:{doi}", kept, found=bool(pmid))
        return {doi: found.get(doi, "") for doi in wanted}

    def pubmed_mesh(self, pmids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """MeSH descriptor names of each PMID PubMed answers for (efetch, 200 ids a
        request); a PMID left out (unanswered, offline) has no entry."""
        found: dict[str, tuple[str, ...]] = {}
        todo = []
        for pmid in dict.fromkeys(p for raw in pmids if (p := normalise_pmid(raw))):
            cached = self._net.cached(f"ncbi:mesh:{pmid}")
            if cached is not None:
                found[pmid] = tuple(n for n in cached.body.decode("utf-8").split("\n") if n)
            elif not self.settings.offline:
                todo.append(pmid)
        base = self.settings.urls["ncbi"]
        for start in range(0, len(todo), pubmed.BATCH):
            batch = todo[start : start + pubmed.BATCH]
            url = mesh.efetch_url(base, batch, self._ncbi_params())
            answer = self._net.get("ncbi", url, {"Accept": "application/xml"})
            if isinstance(answer, str) or not answer.ok:
                continue
            headings, problem = mesh.parse_mesh(answer.body)
            for pmid in batch if not problem else ():
                if pmid in headings:
                    found[pmid] = headings[pmid]
                    body = "\n".join(headings[pmid]).encode("utf-8")
                    kept = Answer(200, body, {}, mesh.efetch_url(base, [pmid], {}))
                    self._net.keep(f"ncbi:mesh:{pmid}", kept, found=True)
        return found

    def _esummary(self, batch: list[str]) -> dict[str, Lookup]:
        base = self.settings.urls["ncbi"]
        url = pubmed.esummary_url(base, "pubmed", batch, self._ncbi_params())
        answer = self._net.get("ncbi", url, {"Accept": "application/json"})
        if isinstance(answer, str) or not answer.ok:
            why = answer if isinstance(answer, str) else answer.problem()
            return dict.fromkeys(batch, Lookup("unavailable", detail=f"PubMed: {why}"))
        items, problem = pubmed.split_esummary(answer.body)
        if problem:
            return dict.fromkeys(batch, Lookup("unavailable", detail=f"PubMed: {problem}"))
        found = {}
        for pmid in batch:
            item = items.get(pmid)
            if item is None:
                found[pmid] = Lookup("unavailable", detail="PubMed: the answer left it out")
                continue
            found[pmid] = lookup = pubmed.read_item(item, self._summary_url(pmid))
            status = 200 if lookup.status == "found" else 404
            body = json.dumps(item, ensure_ascii=False).encode()
            kept = Answer(status, body, {}, self._summary_url(pmid))
            self._net.keep(f"ncbi:esummary:{pmid}", kept, found=status == 200)
        return found

    def _summary_url(self, pmid: str) -> str:
        return pubmed.esummary_url(self.settings.urls["ncbi"], "pubmed", [pmid], {})

    def _ncbi_params(self) -> dict[str, str]:
        s = self.settings
        params = {"tool": s.tool, "email": s.email or s.mailto, "api_key": s.ncbi_api_key}
        return {k: v for k, v in params.items() if v}
