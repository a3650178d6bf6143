"""What a rendered page's citation links point at: every id, every in-page link, the numbers of
each citation in order, and each reference's back-links (for HTML, Markdown made HTML, MkDocs)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote

VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "wbr"})


class Anchors(HTMLParser):
    """Feed it a page; then `ids`, `links` (in-page hrefs, fragment percent-decoded as a
    browser does before it looks for the id), `labels` (the text of each .citation) and
    `backlinks` (reference id → the #cite-… hrefs of its back-links)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.hrefs: list[str] = []  # every href, as written
        self.text = ""
        self.labels: list[str] = []
        self.titles: dict[str, str] = {}  # ref-KEY → the hover text of a link to it
        self.backlinks: dict[str, list[str]] = {}
        self._stack: list[str] = []
        self._reference = ""  # the id of the reference read last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        classes = values.get("class", "").split()
        if "id" in values:
            self.ids.append(values["id"])
            if values["id"].startswith("ref-"):
                self._reference = values["id"]
                self.backlinks.setdefault(self._reference, [])
        href = values.get("href", "")
        if tag == "a":
            self.hrefs.append(href)
        if tag == "a" and href.startswith("#"):
            target = unquote(href[1:])
            self.links.append(target)
            if "backlinks" in self._stack:
                self.backlinks[self._reference].append(target)
            elif "title" in values and target.startswith("ref-"):
                self.titles[target] = values["title"]
        role = (
            "citation" if "citation" in classes else "backlinks" if "backlinks" in classes else ""
        )
        if role == "citation":
            self.labels.append("")
        if tag not in VOID:
            self._stack.append(role)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        if "citation" in self._stack:
            self.labels[-1] += data


def anchors(html: str) -> Anchors:
    page = Anchors()
    page.feed(html)
    page.close()
    return page


def assert_links_resolve(page: Anchors) -> None:
    """Every in-page link has its target, ids are unique, and each reference links back to
    citations that exist."""
    assert len(page.ids) == len(set(page.ids)), "an id is given twice"
    dangling = [link for link in page.links if link not in page.ids]
    assert dangling == [], dangling
    references = [i for i in page.ids if i.startswith("ref-")]
    assert references and all(page.backlinks[r] for r in references), page.backlinks
    cited = {target for links in page.backlinks.values() for target in links}
    assert cited <= {i for i in page.ids if i.startswith("cite-")}
