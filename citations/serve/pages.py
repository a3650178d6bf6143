"""What serve mode adds to pages: the reload script, the error overlay, and its own pages.

Added as a page is sent, never written to the output folder: the files a server shows are
byte for byte what `citations build` writes, and no build output ever carries the script."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from .model import Problem

EVENTS_PATH = "/__citations/events"
SCRIPT_ID = "citations-serve-reload"
OVERLAY_ID = "citations-serve-errors"

# The page's build tag is compared with the server's on every event: another tag means
# another build (or another server), so the page reloads. EventSource reconnects by itself.
_SCRIPT = """<script id="{id}">(function () {{
  var tag = {tag};
  var events = new EventSource("{path}");
  events.onmessage = function (event) {{
    if (event.data !== tag) {{ events.close(); location.reload(); }}
  }};
}})();</script>
"""

_OVERLAY_STYLE = (
    "position:fixed;top:0;left:0;right:0;max-height:60vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1em 1.5em;background:#fff4f4;color:#5c0000;border-bottom:3px solid #c00;"
    "font:14px/1.5 ui-monospace,monospace;box-shadow:0 2px 8px rgba(0,0,0,.25)"
)


def reload_script(tag: str) -> str:
    return _SCRIPT.format(id=SCRIPT_ID, tag=json.dumps(tag), path=EVENTS_PATH)


def overlay(problems: tuple[Problem, ...]) -> str:
    """The build's errors over the page, each naming its file:line; empty if there are none."""
    if not problems:
        return ""
    items = "".join(
        f'<li><code class="where">{escape(p.where)}</code> {escape(p.message)}</li>'
        if p.where
        else f"<li>{escape(p.message)}</li>"
        for p in problems
    )
    count = f"{len(problems)} error{'s' if len(problems) != 1 else ''}"
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="{_OVERLAY_STYLE}">'
        '<button type="button" onclick="this.parentNode.remove()" aria-label="close" '
        'style="float:right">×</button>'
        f"<strong>citations serve: {count} in the last build</strong>"
        f'<ul style="margin:.5em 0 0;padding-left:1.2em">{items}</ul></div>\n'
    )


def live_page(page: bytes, tag: str, problems: tuple[Problem, ...]) -> bytes:
    """An HTML page with the overlay and the reload script before its `</body>`."""
    addition = (overlay(problems) + reload_script(tag)).encode("utf-8")
    end = page.lower().rfind(b"</body>")
    if end < 0:
        return page + addition
    return page[:end] + addition + page[end:]


def listing_page(title: str, names: list[str]) -> bytes:
    """A folder's pages, linked (the server's own page where the site has no index.html)."""
    links = "".join(f'<li><a href="{escape(quote(n))}">{escape(n)}</a></li>' for n in names)
    body = f"<ul>{links}</ul>" if names else "<p>No pages yet.</p>"
    return _page(title, body)


def not_found_page(path: str) -> bytes:
    return _page("Not found", f"<p>Nothing is built at <code>{escape(path)}</code>.</p>")


def _page(title: str, body: str) -> bytes:
    text = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f"{body}\n</body>\n</html>\n"
    )
    return text.encode("utf-8")
