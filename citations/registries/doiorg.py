"""The DOI proxy (doi.org): handle API, registration agency look-up and CSL-JSON negotiation."""

from __future__ import annotations

from urllib.parse import quote

from .crossref import clean, load_json, notice_of, read_work
from .model import Lookup, RegistryName

CSL_ACCEPT = "application/vnd.citationstyles.csl+json"
HANDLE_FOUND = (1, 200)  # 200: the handle exists but has no value of the type asked for
HANDLE_NOT_FOUND = 100


def handle_url(base: str, doi: str) -> str:
    return f"{base}/api/handles/{quote(doi, safe='/')}"


def ra_url(base: str, doi: str) -> str:
    return f"{base}/ra/{quote(doi, safe='/')}"


def csl_url(base: str, doi: str) -> str:
    return f"{base}/{quote(doi, safe='/')}"


def parse_handle(status: int, body: bytes) -> Lookup:
    """{"responseCode": 1, "values": [{"type": "URL", "data": {"value": ...}}]}: found, with
    the URL the DOI resolves to as the detail; 100 (an HTTP 404) is not-found."""
    data, problem = load_json(body)
    code = data.get("responseCode") if isinstance(data, dict) else None
    if status == 404 or code == HANDLE_NOT_FOUND:
        return Lookup("not-found", detail="doi.org: no such DOI (handle not found)")
    if problem:
        return Lookup("unavailable", detail=f"doi.org {problem}")
    if code not in HANDLE_FOUND:
        return Lookup("unavailable", detail=f"doi.org answered responseCode {code!r}")
    values = data.get("values") if isinstance(data, dict) else None
    for value in values if isinstance(values, list) else []:
        if isinstance(value, dict) and value.get("type") == "URL":
            target = value.get("data")
            url = clean(target.get("value")) if isinstance(target, dict) else ""
            return Lookup("found", detail=url)
    return Lookup("found")


def parse_ra(body: bytes) -> tuple[str, bool]:
    """`[{"DOI": ..., "RA": "DataCite"}]` → ("DataCite", True); a "DOI does not exist" or
    "Invalid DOI" status → ("", True); an answer that says neither → ("", False)."""
    data, problem = load_json(body)
    item = data[0] if not problem and isinstance(data, list) and data else None
    if not isinstance(item, dict):
        return "", False
    agency = clean(item.get("RA"))
    if agency:
        return agency, True
    return "", bool(clean(item.get("status")))


def parse_csl(body: bytes, source_url: str, agency: str = "") -> Lookup:
    """CSL-JSON from content negotiation: any agency's metadata in one shape. The record's
    registry is "datacite" when the agency is known to be DataCite, else "doi"."""
    data, problem = load_json(body)
    if problem:
        return Lookup("unavailable", detail=f"doi.org {problem}")
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict) or not (data.get("title") or data.get("DOI")):
        return Lookup("unavailable", detail="doi.org answered without CSL-JSON")
    # The proxy hands a DataCite DOI on to DataCite, so the last URL tells when the RA is unknown.
    datacite = agency.lower() == "datacite" or (not agency and "datacite" in source_url.lower())
    registry: RegistryName = "datacite" if datacite else "doi"
    return Lookup("found", read_work(data, source_url, registry), notice_of(data))
