"""The registries behind one object: their settings, and each question a verifier asks them."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType

from ..identifiers import bare_doi, normalise_doi, normalise_isbn, parse_arxiv, valid_doi
from ..net.cache import Cache
from ..net.settings import HttpConfig
from . import arxiv, crossref, doiorg, openlibrary
from .model import Lookup
from .ncbi import PubMedQuestions
from .settings import REGISTRIES, RegistrySettings
from .transport import OFFLINE, Answer, Transport, polite_user_agent

MAX_REDIRECTS = 5
MAX_BODY = 8 << 20  # a Crossref work with a long reference list runs to a few hundred KB


class Registries(PubMedQuestions):
    """Crossref, doi.org, NCBI and arXiv behind one thread-safe object: one per run.

    Every answer is a value: a registry that cannot be reached, or answers nonsense, gives
    Lookup("unavailable"), never an exception and never "not-found". Successful and not-found
    answers are cached; offline, the cache answers (however old) and nothing is requested.

    The run's deadline (`settings.deadline` seconds from now, or `until`, a time.monotonic()
    value) bounds every lookup: past it, each is unavailable at once.
    """

    def __init__(
        self,
        settings: RegistrySettings,
        cache: Cache | None = None,
        *,
        until: float | None = None,
    ) -> None:
        self.settings = settings
        if until is None and settings.deadline is not None:
            until = time.monotonic() + settings.deadline
        self.deadline = until
        config = HttpConfig(
            user_agent=polite_user_agent(settings.user_agent, settings.mailto),
            connect_timeout=min(10.0, settings.timeout),
            read_timeout=settings.timeout,
            per_host=2,
            retries=settings.retries,
            backoff=settings.backoff,
            # A 503 widens the gap to its host up to this; scaled so a test's short backoff
            # keeps it short (0.5 s gives the client's usual 8 s).
            backoff_max=16 * settings.backoff,
            max_body=MAX_BODY,
        )
        rates = {name: settings.rate(name) for name in REGISTRIES}
        self._net = Transport(
            config, rates, cache, offline=settings.offline, ttl=settings.ttl, deadline=until
        )
        self._agencies: dict[str, str] = {}  # DOI (lower case) → agency, as learnt this run

    def __enter__(self) -> Registries:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._net.close()

    def requests_made(self) -> int:
        """HTTP requests sent so far (retries and redirects count), for tests and benchmarks."""
        return self._net.requests_made()

    def unreachable(self) -> bool:
        """Whether no registry asked during this run answered at all (offline, most likely)."""
        return self._net.unreachable()

    def expired(self) -> bool:
        """Whether the run's deadline has passed."""
        return self.deadline is not None and time.monotonic() >= self.deadline

    def rate(self, registry: str) -> float:
        """The requests a second now allowed at `registry` (Crossref's headers may lower it)."""
        return self._net.rate(registry)

    # -- Crossref --------------------------------------------------------------------------

    def crossref_work(self, doi: str) -> Lookup:
        """`/works/{doi}`; 404 is not-found, which means "not a Crossref DOI", nothing more."""
        doi = bare_doi(doi)
        if not valid_doi(doi):
            return Lookup("not-found", detail=f"Crossref: {doi!r} is not a DOI")
        base, mailto = self.settings.urls["crossref"], self.settings.mailto
        source = crossref.work_url(base, doi)

        def parse(answer: Answer) -> Lookup:
            if answer.status == 404:
                return Lookup("not-found", detail="Crossref: not a Crossref DOI")
            if not answer.ok:
                return Lookup("unavailable", detail=f"Crossref: {answer.problem()}")
            return crossref.parse_work(answer.body, source)

        url = crossref.work_url(base, doi, mailto)
        key = f"crossref:work:{normalise_doi(doi)}"
        return self._lookup("crossref", key, url, parse, self._crossref_headers())

    def crossref_search(self, bibliographic: str, *, author: str = "", rows: int = 5) -> Lookup:
        """`/works?query.bibliographic=`: candidates best first, each with Crossref's score."""
        query, author = " ".join(bibliographic.split()), " ".join(author.split())
        if not query:
            return Lookup("not-found", detail="Crossref: nothing to search for")
        base = self.settings.urls["crossref"]

        def parse(answer: Answer) -> Lookup:
            if not answer.ok:
                return Lookup("unavailable", detail=f"Crossref: {answer.problem()}")
            return crossref.parse_search(answer.body, base)

        url = crossref.search_url(base, query, author, rows, self.settings.mailto)
        key = f"crossref:search:{rows}:{author.lower()}:{query.lower()}"
        return self._lookup("crossref", key, url, parse, self._crossref_headers())

    # -- doi.org ---------------------------------------------------------------------------

    def doi_exists(self, doi: str) -> Lookup:
        """The handle API: found (detail: where the DOI points) or not-found; record None."""
        doi = bare_doi(doi)
        if not valid_doi(doi):
            return Lookup("not-found", detail=f"doi.org: {doi!r} is not a DOI")

        def parse(answer: Answer) -> Lookup:
            if answer.ok or answer.status == 404:
                return doiorg.parse_handle(answer.status, answer.body)
            return Lookup("unavailable", detail=f"doi.org: {answer.problem()}")

        url = doiorg.handle_url(self.settings.urls["doi"], doi)
        headers = {"Accept": "application/json"}
        return self._lookup("doi", f"doi:handle:{normalise_doi(doi)}", url, parse, headers)

    def doi_agency(self, doi: str) -> str:
        """The registration agency: "Crossref", "DataCite", "mEDRA", ...; "" if none or unknown."""
        doi = bare_doi(doi)
        if not valid_doi(doi):
            return ""
        key = f"doi:ra:{normalise_doi(doi)}"
        url = doiorg.ra_url(self.settings.urls["doi"], doi)
        answer = self._net.fetch("doi", key, url, {"Accept": "application/json"})
        if isinstance(answer, str) or not answer.ok:
            return ""
        agency, definitive = doiorg.parse_ra(answer.body)
        if definitive:
            self._net.keep(key, answer, found=bool(agency))
            self._agencies[normalise_doi(doi)] = agency
        return agency

    def doi_csl(self, doi: str) -> Lookup:
        """CSL-JSON by content negotiation at {doi}/{doi}: any agency's metadata (DataCite...)."""
        doi = bare_doi(doi)
        if not valid_doi(doi):
            return Lookup("not-found", detail=f"doi.org: {doi!r} is not a DOI")

        def parse(answer: Answer) -> Lookup:
            if answer.status in (404, 410):
                return Lookup("not-found", detail="doi.org: no such DOI")
            if answer.status == 406:
                return Lookup("unavailable", detail="doi.org: the agency offers no CSL-JSON")
            if not answer.ok:
                return Lookup("unavailable", detail=f"doi.org: {answer.problem()}")
            known = self._agencies.get(normalise_doi(doi), "")
            return doiorg.parse_csl(answer.body, answer.url, known)

        url = doiorg.csl_url(self.settings.urls["doi"], doi)
        headers = {"Accept": doiorg.CSL_ACCEPT}
        key = f"doi:csl:{normalise_doi(doi)}"
        return self._lookup("doi", key, url, parse, headers, follow=MAX_REDIRECTS)

    # -- arXiv -----------------------------------------------------------------------------

    def arxiv(self, arxiv_id: str) -> Lookup:
        """`query?id_list=`: the preprint (its `arxiv` field without the version)."""
        given, arxiv_id = arxiv_id.strip(), parse_arxiv(arxiv_id)
        if not arxiv_id:
            return Lookup("not-found", detail=f"arXiv: {given!r} is not an arXiv id")
        url = arxiv.query_url(self.settings.urls["arxiv"], arxiv_id)

        def parse(answer: Answer) -> Lookup:
            if answer.ok or answer.status == 400:  # 400 comes with an "Error" entry
                return arxiv.parse_feed(answer.body, url)
            return Lookup("unavailable", detail=f"arXiv: {answer.problem()}")

        headers = {"Accept": "application/atom+xml"}
        return self._lookup("arxiv", f"arxiv:{arxiv_id.lower()}", url, parse, headers)

    # -- Open Library ----------------------------------------------------------------------

    def book(self, isbn: str) -> Lookup:
        """An ISBN's book from Open Library's Books API (ISBN-10s are asked as ISBN-13s)."""
        given, isbn = isbn.strip(), normalise_isbn(isbn)  # ISBN-10s are asked as ISBN-13s
        if not isbn:
            return Lookup("not-found", detail=f"Open Library: {given!r} is not an ISBN")
        url = openlibrary.books_url(self.settings.urls["openlibrary"], isbn)

        def parse(answer: Answer) -> Lookup:
            if not answer.ok:
                return Lookup("unavailable", detail=f"Open Library: {answer.problem()}")
            return openlibrary.parse_books(answer.body, isbn, url)

        headers = {"Accept": "application/json"}
        return self._lookup("openlibrary", f"openlibrary:isbn:{isbn}", url, parse, headers)

    # -- asking ----------------------------------------------------------------------------

    def _lookup(
        self,
        registry: str,
        key: str,
        url: str,
        parse: Callable[[Answer], Lookup],
        headers: Mapping[str, str],
        follow: int = 0,
    ) -> Lookup:
        answer = self._net.fetch(registry, key, url, headers, follow)
        if isinstance(answer, str):
            if answer != OFFLINE:
                names = {"doi": "doi.org", "ncbi": "PubMed", "openlibrary": "Open Library"}
                name = names.get(registry, registry.capitalize())
                answer = f"{name}: {answer}"
            return Lookup("unavailable", detail=answer)
        lookup = parse(answer)
        if lookup.status != "unavailable":  # nonsense is never cached: it would stick
            self._net.keep(key, answer, found=lookup.status == "found")
        return lookup

    def _crossref_headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.settings.crossref_token:
            headers["Crossref-Plus-API-Token"] = f"Bearer {self.settings.crossref_token}"
        return headers
