"""Crossref, doi.org, NCBI E-utilities, arXiv and Open Library faked on 127.0.0.1, in their real
answer shapes.

    with FakeRegistry() as fake:
        registries = Registries(fake.settings())  # or monkeypatch.setenv(...) from fake.env()
        fake.rate_limit("/crossref/works/10.1371/journal.pone.0150367", retry_after="1")
        ...
        assert len(fake.hits("/crossref/works/")) == 2

Every file under tests/fixtures/registry/{crossref,csl,pubmed,arxiv,openlibrary}/ is served
(the layout is in that folder's README.md), or under each root given (`FakeRegistry(root1, root2)`);
`add_work`, `add_csl`, `add_summary` and `add_feed` add more for one test. Knobs (`respond`,
`rate_limit`, `slow`, `trickle`, `malformed`, `html`, `redirect`) act on the decoded request path,
exactly or by prefix when the pattern ends in `*`.
"""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote
from xml.sax.saxutils import escape

from citations.config import ENVIRONMENT
from citations.registries.settings import REGISTRIES, RegistrySettings

from linkserver import Hit, LinkServer, Request

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "registry"
JSON = "application/json; charset=utf-8"
ATOM = "http://www.w3.org/2005/Atom"
CSL = "application/vnd.citationstyles.csl+json"
_ARXIV_ID = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z-]*(\.[A-Za-z]{2})?/\d{7})(v\d+)?$")
_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?id_list%3D{id}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: id_list={id}&amp;start=0&amp;max_results=1</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>2024-01-15T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:itemsPerPage>{entry}
</feed>
"""
_ERROR_ENTRY = """
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_{id}</id>
    <title>Error</title>
    <summary>incorrect id format for {id}</summary>
    <updated>2024-01-15T00:00:00-05:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_{id}" rel="alternate"
          type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>"""


@dataclass
class _Rule:
    pattern: str
    handle: Callable[[Request], bool]  # True: answered; False: go on to the normal answer
    times: int | None  # None: every time

    def matches(self, path: str) -> bool:
        if self.pattern.endswith("*"):
            return path.startswith(self.pattern[:-1])
        return path == self.pattern


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


class FakeRegistry:
    """One loopback server answering the registries under /crossref, /doi, /ncbi, /arxiv and
    /openlibrary."""

    def __init__(self, *roots: Path) -> None:
        self.server = LinkServer()
        self.works: dict[str, dict[str, Any]] = {}  # DOI (lower case) → Crossref message
        self.csl: dict[str, dict[str, Any]] = {}  # DOI (lower case) → CSL-JSON
        self.summaries: dict[str, dict[str, Any]] = {}  # PMID → esummary item
        self.feeds: dict[str, str] = {}  # arXiv id (no version, lower case) → Atom feed
        self.books: dict[str, dict[str, Any]] = {}  # "ISBN:978…" → Books API item
        self.agencies: dict[str, str] = {}  # DOI → RA, over "Crossref"/"DataCite" by source
        self.mesh: dict[str, list[str]] = {}  # PMID → MeSH descriptor names, for efetch
        self.idconv: dict[str, str] = {}  # DOI (lower case) → PMID, over those read from PMC
        self.crossref_limit = ("50", "1s")  # sent as x-rate-limit-limit / -interval
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()
        for root in roots or (FIXTURES,):
            self.load(root)
        for name in REGISTRIES:
            self.server.route(f"/{name}/*", self._dispatch)

    def __enter__(self) -> FakeRegistry:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    # -- content ---------------------------------------------------------------------------

    def load(self, root: Path) -> None:
        """Every fixture file under `root`'s crossref/, csl/, pubmed/ and arxiv/ folders."""
        for path in sorted((root / "crossref").glob("*.json")):
            data = json.loads(path.read_text("utf-8"))
            self.add_work(data.get("message", data))
        for path in sorted((root / "csl").glob("*.json")):
            self.add_csl(json.loads(path.read_text("utf-8")))
        for path in sorted((root / "pubmed").glob("*.json")):
            self.add_summary(json.loads(path.read_text("utf-8")))
        for path in sorted((root / "arxiv").glob("*.xml")):
            self.add_feed(path.read_text("utf-8"))
        for path in sorted((root / "openlibrary").glob("*.json")):
            self.books.update(json.loads(path.read_text("utf-8")))

    def add_work(self, message: dict[str, Any]) -> None:
        self.works[message["DOI"].lower()] = message

    def add_csl(self, item: dict[str, Any]) -> None:
        self.csl[item["DOI"].lower()] = item

    def add_summary(self, item: dict[str, Any]) -> None:
        self.summaries[str(item["uid"])] = item

    def add_feed(self, feed: str) -> None:
        entry_id = ET.fromstring(feed).findtext(f"{{{ATOM}}}entry/{{{ATOM}}}id") or ""
        bare = re.sub(r"v\d+$", "", entry_id.rsplit("/abs/", 1)[-1])
        self.feeds[bare.lower()] = feed

    # -- where it is -----------------------------------------------------------------------

    def urls(self) -> dict[str, str]:
        return {name: self.server.url(f"/{name}") for name in REGISTRIES}

    def env(self) -> dict[str, str]:
        """CITATIONS_*_URL variables pointing every registry here."""
        return {ENVIRONMENT[name]: url for name, url in self.urls().items()}

    def settings(self, **changes: Any) -> RegistrySettings:
        """Settings for tests: this server, fast rates, short timeouts and backoffs."""
        base = RegistrySettings(
            urls=self.urls(), timeout=2.0, retries=1, backoff=0.01,
            rates=dict.fromkeys(REGISTRIES, 1000.0),
        )  # fmt: skip
        return replace(base, **changes)

    def hits(self, prefix: str = "/") -> list[Hit]:
        """The requests so far whose decoded path starts with `prefix`."""
        return [h for h in self.server.hits() if unquote(h.path).startswith(prefix)]

    # -- knobs -----------------------------------------------------------------------------

    def respond(
        self,
        pattern: str,
        status: int,
        body: bytes | str = b"",
        *,
        headers: Mapping[str, str] | None = None,
        content_type: str = JSON,
        times: int | None = None,
    ) -> None:
        """Answer requests for `pattern` this way (the first `times` of them, or all)."""

        def handle(req: Request) -> bool:
            req.reply(status, body, headers, content_type)
            return True

        self._add(_Rule(pattern, handle, times))

    def rate_limit(self, pattern: str, *, retry_after: str = "1", times: int | None = 1) -> None:
        body = '{"status":"error","message":"Too many requests"}'
        self.respond(pattern, 429, body, headers={"Retry-After": retry_after}, times=times)

    def slow(self, pattern: str, seconds: float, *, times: int | None = None) -> None:
        """Wait `seconds` before the normal answer."""
        self._add(_Rule(pattern, lambda req: not req.sleep(seconds), times))

    def trickle(self, pattern: str, every: float = 0.2, *, headers: bool = False) -> None:
        """Answer one byte every `every` seconds until the client hangs up: the body of a 200
        (a megabyte long, by its Content-Length), or with `headers` the status line itself."""

        def handle(req: Request) -> bool:
            if headers:
                data, req.answered = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * (1 << 20), True
            else:
                req.start(200, {"Content-Type": JSON}, 1 << 20)
                data = b" " * (1 << 20)
            for byte in range(len(data)):
                if not req.write(data[byte : byte + 1]) or not req.sleep(every):
                    break
            return True

        self._add(_Rule(pattern, handle, None))

    def malformed(self, pattern: str, *, times: int | None = None) -> None:
        """A 200 whose JSON is cut off mid-way."""
        self.respond(pattern, 200, '{"status":"ok","message-type":"work","message":{"DOI":"10.',
                     times=times)  # fmt: skip

    def html(self, pattern: str, *, status: int = 200, times: int | None = None) -> None:
        """An HTML page (a maintenance page, a login wall) where JSON was expected."""
        page = "<!DOCTYPE html><html><head><title>Down for maintenance</title></head></html>"
        self.respond(pattern, status, page, content_type="text/html; charset=utf-8", times=times)

    def redirect(self, pattern: str, location: str, *, status: int = 302) -> None:
        self.respond(pattern, status, headers={"Location": location}, content_type="text/plain")

    def _add(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    def _next_rule(self, path: str, start: int) -> tuple[int, _Rule] | None:
        """The first rule from `start` on that applies to `path`, counted as used."""
        with self._lock:
            for index in range(start, len(self._rules)):
                rule = self._rules[index]
                if rule.matches(path) and rule.times != 0:
                    if rule.times is not None:
                        rule.times -= 1
                    return index, rule
            return None

    # -- answers ---------------------------------------------------------------------------

    def _dispatch(self, req: Request) -> None:
        raw_path, _, query = req._handler.path.partition("?")
        path = unquote(raw_path)
        start = 0
        while (found := self._next_rule(path, start)) is not None:
            index, rule = found
            if rule.handle(req):
                return
            start = index + 1
        params = dict(parse_qsl(query, keep_blank_values=True))
        registry, _, rest = path[1:].partition("/")
        answer = {"crossref": self._crossref, "doi": self._doi, "ncbi": self._ncbi,
                  "arxiv": self._arxiv, "openlibrary": self._openlibrary,
                  "idconv": self._idconv}[registry]  # fmt: skip
        answer(req, rest, params)

    def _json(self, req: Request, data: Any, status: int = 200, **headers: str) -> None:
        req.reply(status, json.dumps(data, ensure_ascii=False), headers, JSON)

    def _crossref(self, req: Request, rest: str, params: dict[str, str]) -> None:
        limit, interval = self.crossref_limit
        headers = {"X-Rate-Limit-Limit": limit, "X-Rate-Limit-Interval": interval}
        if rest.startswith("works/"):
            message = self.works.get(rest.removeprefix("works/").lower())
            if message is None:
                req.reply(404, "Resource not found.", headers, "text/plain")
                return
            body = {"status": "ok", "message-type": "work", "message-version": "1.0.0",
                    "message": message}  # fmt: skip
            req.reply(200, json.dumps(body, ensure_ascii=False), headers, JSON)
        elif rest == "works":
            items = self._search(params)
            message = {"facets": {}, "total-results": len(items), "items": items,
                       "items-per-page": int(params.get("rows", "20")),
                       "query": {"start-index": 0,
                                 "search-terms": params.get("query.bibliographic")}}  # fmt: skip
            body = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                    "message": message}  # fmt: skip
            req.reply(200, json.dumps(body, ensure_ascii=False), headers, JSON)
        else:
            req.reply(404, "Resource not found.", headers, "text/plain")

    def _search(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """Word overlap of the query with title, subtitle and first author (Jaccard × 100),
        plus 10 for each `query.author` word among the authors' family names."""
        query, author = (
            words(params.get("query.bibliographic", "")),
            words(params.get("query.author", "")),
        )
        scored = []
        for message in self.works.values():
            people = message.get("author") or [{}]
            text = " ".join(message.get("title", []) + message.get("subtitle", []))
            target = words(f"{text} {people[0].get('family', '')}")
            overlap = len(query & target)
            if not overlap:
                continue
            score = 100.0 * overlap / len(query | target)
            families = words(" ".join(p.get("family", "") for p in people))
            score += 10.0 * len(author & families)
            scored.append((round(score, 3), message["DOI"], message))
        scored.sort(key=lambda hit: (-hit[0], hit[1]))
        rows = int(params.get("rows", "20"))
        return [{**message, "score": score} for score, _, message in scored[:rows]]

    def _doi(self, req: Request, rest: str, params: dict[str, str]) -> None:
        if rest.startswith("api/handles/"):
            doi = rest.removeprefix("api/handles/")
            target = self._target(doi)
            if target is None:
                self._json(req, {"responseCode": 100, "handle": doi}, 404)
                return
            value = {"index": 1, "type": "URL", "data": {"format": "string", "value": target},
                     "ttl": 86400, "timestamp": "2016-03-09T19:04:10Z"}  # fmt: skip
            admin = {"index": 100, "type": "HS_ADMIN", "ttl": 86400,
                     "timestamp": "2016-03-09T19:04:10Z",
                     "data": {"format": "admin", "value": {"handle": f"0.na/{doi.split('/')[0]}",
                              "index": 200, "permissions": "111111110010"}}}  # fmt: skip
            self._json(req, {"responseCode": 1, "handle": doi, "values": [value, admin]})
        elif rest.startswith("ra/"):
            doi = rest.removeprefix("ra/")
            agency = self._agency(doi)
            if agency:
                self._json(req, [{"DOI": doi, "RA": agency}])
            else:
                status = "DOI does not exist" if doi.startswith("10.") else "Invalid DOI"
                self._json(req, [{"DOI": doi, "status": status}])
        elif CSL in req.headers.get("accept", ""):
            csl = self._csl(rest)
            if csl is None:
                req.reply(404, "<html><head><title>Error: DOI Not Found</title></head></html>")
            else:
                req.reply(200, json.dumps(csl, ensure_ascii=False), None, CSL)
        else:
            target = self._target(rest)
            if target is None:
                req.reply(404, "<html><head><title>Error: DOI Not Found</title></head></html>")
            else:
                req.reply(302, "", {"Location": target})

    def _agency(self, doi: str) -> str:
        key = doi.lower()
        if key in self.agencies:
            return self.agencies[key]
        return "Crossref" if key in self.works else "DataCite" if key in self.csl else ""

    def _target(self, doi: str) -> str | None:
        work, csl = self.works.get(doi.lower()), self.csl.get(doi.lower())
        if work is not None:
            primary = work.get("resource", {}).get("primary", {}).get("URL")
            return str(primary or work.get("URL") or f"https://example.org/{doi}")
        if csl is not None:
            return str(csl.get("URL") or f"https://example.org/{doi}")
        return None

    def _csl(self, doi: str) -> dict[str, Any] | None:
        """The CSL fixture, or a Crossref work as Crossref's content negotiation gives it."""
        if doi.lower() in self.csl:
            return self.csl[doi.lower()]
        m = self.works.get(doi.lower())
        if m is None:
            return None
        kept = ("type", "author", "editor", "issued", "DOI", "URL", "volume", "issue", "page",
                "publisher", "ISSN", "ISBN")  # fmt: skip
        csl: dict[str, Any] = {k: m[k] for k in kept if k in m}
        for key in ("title", "container-title", "short-container-title"):
            if m.get(key):
                csl[key] = m[key][0]
        return {**csl, "source": "Crossref"}

    def _ncbi(self, req: Request, rest: str, params: dict[str, str]) -> None:
        header = {"type": rest.removesuffix(".fcgi"), "version": "0.3"}
        if rest == "esummary.fcgi":
            ids = [i for i in params.get("id", "").split(",") if i]
            if len(ids) > 200:  # NCBI wants POST (or epost) for long lists
                req.reply(414, "<html><title>414 Request-URI Too Long</title></html>")
                return
            if not ids:
                self._json(
                    req, {"header": header, "esummaryresult": ["Empty id list - nothing todo"]}
                )
                return
            pmc = params.get("db") == "pmc"
            result: dict[str, Any] = {"uids": ids}
            for uid in ids:
                item = self._pmc_item(uid) if pmc else self.summaries.get(uid)
                result[uid] = item or {"uid": uid, "error": "cannot get document summary"}
            self._json(req, {"header": header, "result": result})
        elif rest == "esearch.fcgi":
            term = params.get("term", "")
            ids = self._esearch(term)
            retmax = int(params.get("retmax", "20"))
            found = {"count": str(len(ids)), "retmax": str(min(len(ids), retmax)),
                     "retstart": "0", "idlist": ids[:retmax], "translationset": [],
                     "querytranslation": term}  # fmt: skip
            self._json(req, {"header": header, "esearchresult": found})
        elif rest == "ecitmatch.cgi":
            req.reply(200, self._ecitmatch(params.get("bdata", "")), None, "text/plain")
        elif rest == "efetch.fcgi":
            ids = [i for i in params.get("id", "").split(",") if i in self.summaries]
            req.reply(200, self._efetch(ids), None, "text/xml")
        else:
            req.reply(404, "<html><title>404 Not Found</title></html>")

    def _efetch(self, pmids: list[str]) -> str:
        """PubMed's efetch XML (its DOCTYPE too): each known PMID's citation, with the MeSH
        headings set in `self.mesh`; unknown PMIDs are left out, as PubMed leaves them."""
        articles = []
        for pmid in pmids:
            headings = "".join(
                f'<MeshHeading><DescriptorName UI="D{n:06d}" MajorTopicYN="N">{escape(name)}'
                "</DescriptorName></MeshHeading>"
                for n, name in enumerate(self.mesh.get(pmid, ()), 1)
            )
            mesh = f"<MeshHeadingList>{headings}</MeshHeadingList>" if headings else ""
            articles.append(
                '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
                f'<PMID Version="1">{pmid}</PMID>{mesh}</MedlineCitation>'
                "<PubmedData><PublicationStatus>ppublish</PublicationStatus></PubmedData>"
                "</PubmedArticle>"
            )
        return (
            '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
            'PubMedArticle, 1st January 2024//EN" '
            '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n'
            f"<PubmedArticleSet>{''.join(articles)}</PubmedArticleSet>"
        )

    def _ecitmatch(self, bdata: str) -> str:
        """`journal|year|volume|first page|author|key|` lines, each answered with the PMID
        appended (or NOT_FOUND / AMBIGUOUS, as ecitmatch.cgi does): the journal is matched
        to `source` (NLM's abbreviation), the author to the first author's name."""
        lines = []
        for line in filter(None, bdata.splitlines()):
            journal, year, volume, page, author, *_ = [*line.split("|"), "", "", "", "", ""]
            hits = [
                uid for uid, item in self.summaries.items()
                if item.get("source", "").lower() == journal.strip().lower()
                and item.get("pubdate", "").startswith(year.strip())
                and item.get("volume", "") == volume.strip()
                and item.get("pages", "").split("-")[0] == page.strip()
                and (not author.strip() or words(author) <= words(
                    (item.get("authors") or [{}])[0].get("name", "")))
            ]  # fmt: skip
            found = hits[0] if len(hits) == 1 else ("AMBIGUOUS" if hits else "NOT_FOUND")
            lines.append(f"{line.rstrip('|')}|{found}")
        return "\n".join(lines) + "\n"

    def _pmc_item(self, digits: str) -> dict[str, Any] | None:
        for pmid, item in self.summaries.items():
            ids = {a["idtype"]: a["value"] for a in item.get("articleids", [])}
            if ids.get("pmc", "").upper() == f"PMC{digits}":
                articleids = [{"idtype": "pmid", "value": pmid},
                              {"idtype": "doi", "value": ids.get("doi", "")},
                              {"idtype": "pmcid", "value": f"PMC{digits}"}]  # fmt: skip
                return {"uid": digits, "title": item.get("title", ""),
                        "pubdate": item.get("pubdate", ""), "articleids": articleids}  # fmt: skip
        return None

    def _esearch(self, term: str) -> list[str]:
        """`10.1/x[doi]`, `PMC123[pmcid]`, `words[ti]`, `name[au]`, plain words; AND only."""
        chosen: set[str] | None = None
        for clause in re.split(r"\s+AND\s+", term.strip(), flags=re.IGNORECASE):
            match = re.fullmatch(r'"?(.+?)"?\s*\[(\w+)\]', clause.strip())
            value, field = (match[1], match[2].lower()) if match else (clause.strip('" '), "all")
            hits = {uid for uid, item in self.summaries.items() if _matches(item, value, field)}
            chosen = hits if chosen is None else chosen & hits
        return sorted(chosen or (), key=int, reverse=True)

    def _arxiv(self, req: Request, rest: str, params: dict[str, str]) -> None:
        if rest != "query":
            req.reply(404, "<html><title>404 Not Found</title></html>")
            return
        wanted = params.get("id_list", "")
        feed = self.feeds.get(re.sub(r"v\d+$", "", wanted).lower())
        atom = "application/atom+xml; charset=utf-8"
        if feed is not None:
            req.reply(200, feed, None, atom)
        elif _ARXIV_ID.match(wanted):  # well formed but unknown: an empty feed
            req.reply(200, _FEED.format(id=wanted, total=0, entry=""), None, atom)
        else:
            entry = _ERROR_ENTRY.format(id=wanted)
            req.reply(400, _FEED.format(id=wanted, total=1, entry=entry), None, atom)

    def _idconv(self, req: Request, rest: str, params: dict[str, str]) -> None:
        """NCBI's ID converter (`/?ids=…&idtype=doi&format=json`): like the real one it knows
        only articles in PMC (esummary items with a `pmc` article id), plus `self.idconv`."""
        if rest.strip("/"):
            req.reply(404, "<html><title>404 Not Found</title></html>")
            return
        known = dict(self.idconv)
        for uid, item in self.summaries.items():
            ids = {a.get("idtype"): str(a.get("value", "")) for a in item.get("articleids", [])}
            if ids.get("doi") and ids.get("pmc"):
                known.setdefault(ids["doi"].lower(), uid)
        records = []
        for asked in filter(None, params.get("ids", "").split(",")):
            pmid = known.get(asked.lower())
            if pmid:  # the real API gives the PMID as a number, the others as strings
                records.append({"pmid": int(pmid), "doi": asked, "requested-id": asked})
            else:
                records.append({"requested-id": asked, "status": "error",
                                "errmsg": "Identifier not found in PMC"})  # fmt: skip
        request = {"ids": params.get("ids", "").split(","), "idtype": params.get("idtype"),
                   "format": "json", "versions": False, "showaiid": False}  # fmt: skip
        self._json(req, {"status": "ok", "responseDate": "2026-12-06 10:00:00",
                         "request": request, "records": records})  # fmt: skip

    def _openlibrary(self, req: Request, rest: str, params: dict[str, str]) -> None:
        """`/api/books?bibkeys=ISBN:…,ISBN:…&format=json&jscmd=data`: the books it knows, by
        the keys as asked (`{}` when none); another path is its 404 page."""
        if rest != "api/books":
            req.reply(404, "<html><title>404 - Page Not Found</title></html>")
            return
        keys = [k for k in params.get("bibkeys", "").split(",") if k]
        found = {k: self.books[k] for k in keys if k in self.books}
        self._json(req, found)


def _matches(item: dict[str, Any], value: str, field: str) -> bool:
    ids = {a.get("idtype"): str(a.get("value", "")) for a in item.get("articleids", [])}
    names = " ".join(a.get("name", "") for a in item.get("authors", []))
    if field == "doi":
        return ids.get("doi", "").lower() == value.lower()
    if field in ("pmcid", "pmc"):
        return ids.get("pmc", "").upper() == value.upper()
    if field in ("pmid", "uid"):
        return str(item.get("uid")) == value
    if field in ("ti", "title"):
        return words(value) <= words(item.get("title", ""))
    if field in ("au", "author"):
        return words(value) <= words(names)
    return words(value) <= words(f"{item.get('title', '')} {names} {item.get('source', '')}")
