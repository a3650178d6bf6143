"""The HTML link report: one self-contained file, a table sortable by clicking its headers."""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Sequence
from html import escape as escape_html

from ..reporters import ReportMeta
from ..reporters.escape import printable
from .describe import SEVERITY_ORDER, by_severity, hint, history_facts, link_target, summary
from .model import Result

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.4em; }
.summary span { display: inline-block; margin: 0 .4em .4em 0; padding: .2em .6em;
  border-radius: 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
th, td.short { white-space: nowrap; }
td.long { overflow-wrap: anywhere; white-space: pre-line; }
th { background: #eee; position: sticky; top: 0; }
th.sortable { cursor: pointer; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
ul { margin: 0; padding-left: 1.1em; }
.o-broken { background: #fdd; } .o-tls-error { background: #fdc; }
.o-transient { background: #ffd; } .o-blocked { background: #eef; }
.o-ok-with-warning { background: #eff8e8; } .o-ok { background: #fff; }
.o-excluded { background: #f4f4f4; color: #666; }
"""

# No user text goes in here; it reads the data-sort values the rows carry.
SCRIPT = """
(function () {
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    if (v === null) { v = cell.textContent.trim(); }
    var n = Number(v);
    return v !== "" && !isNaN(n) ? n : v.toLowerCase();
  }
  function compare(x, y) {
    if (typeof x === "number" && typeof y === "number") { return x - y; }
    return String(x).localeCompare(String(y));
  }
  document.querySelectorAll("table.links th").forEach(function (th, column) {
    var table = th.closest("table");
    th.className = "sortable";
    th.tabIndex = 0;
    function sort() {
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        return dir * compare(key(a.cells[column]), key(b.cells[column]));
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
    });
  });
})();
"""


def escape(text: str) -> str:
    """HTML text: markup escaped, and control characters shown as escapes (`\\x1b`)."""
    return escape_html(printable(text))


COLUMNS = ("Outcome", "Link", "Status", "Detail", "Redirects", "Places", "History", "Cache")
# Short cells never break inside a word ("cached", "404"); long ones (URLs) break anywhere.
_LONG = frozenset({"Link", "Detail", "Redirects", "Places", "History"})


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# Only our own style and script may run, whatever a server managed to put in a detail.
CSP = (
    f"default-src 'none'; style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; "
    "base-uri 'none'; form-action 'none'"
)


def html_report(results: Sequence[Result], meta: ReportMeta) -> str:
    counts = Counter(r.outcome for r in results)
    badges = "".join(
        f'<span class="o-{o}">{counts[o]} {o}</span>' for o in SEVERITY_ORDER if counts[o]
    )
    ordered = by_severity(results)
    table = [_cells(r) for r in ordered]
    # A column empty in every row (no redirects, nothing cached) is left out.
    shown = [n for n, name in enumerate(COLUMNS) if n < 2 or any(row[n][1] for row in table)]
    head = "".join(f'<th scope="col">{COLUMNS[n]}</th>' for n in shown)
    rows = "\n".join(
        f'<tr class="o-{escape(result.outcome)}">'
        + "".join(_td(COLUMNS[n], *cells[n]) for n in shown)
        + "</tr>"
        for result, cells in zip(ordered, table, strict=True)
    )
    version = f" {escape(meta.version)}" if meta.version else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Link report</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Link report</h1>
<p>{escape(summary(results))}. Made by citations{version}.</p>
<p class="summary">{badges}</p>
<table class="links">
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
<script>{SCRIPT}</script>
</body>
</html>
"""


def _cells(result: Result) -> list[tuple[str, str, str | None]]:
    """Each column's (cell HTML, its text if any, its sort key) for one result."""
    status = "" if result.status is None else str(result.status)
    history = _list(history_facts(result))
    return [
        (escape(result.outcome), result.outcome, str(SEVERITY_ORDER.index(result.outcome))),
        (_link(result), result.url, None),
        (status, status, str(result.status or 0)),
        (_list([result.detail, hint(result)]), result.detail or hint(result), None),
        (
            _list([f"{status} → {url}" for status, url in result.redirects]),
            " ".join(url for _, url in result.redirects),
            None,
        ),
        (
            _list([_place(p.path, p.line, p.column, p.key) for p in result.places]),
            " ".join(p.path for p in result.places),
            None,
        ),
        (history, history, str(result.recent_failures)),
        ("cached" if result.from_cache else "", "cached" if result.from_cache else "", None),
    ]


def _td(column: str, html: str, text: str, sort: str | None) -> str:
    kind = "long" if column in _LONG else "short"
    key = "" if sort is None else f' data-sort="{sort}"'
    return f'<td class="{kind}"{key}>{html}</td>'


def _link(result: Result) -> str:
    text = escape(("doi:" if result.kind == "doi" else "") + result.url)
    target = link_target(result)
    if target is None:
        return text
    return f'<a href="{escape(target)}" rel="noopener noreferrer nofollow">{text}</a>'


def _place(path: str, line: int, column: int, key: str | None) -> str:
    return f"{path}:{line}:{column}" + (f" ({key})" if key else "")


def _list(items: Sequence[str]) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(escape(item) for item in items)
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"
