"""The model example, end to end: the clinic article's citation labels and reference list."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from conftest import FIXTURES, ROOT, run_process

ARTICLE = ROOT / "articles" / "acupuncture-for-hip-pain.md"
EXPECTED_LABELS = ["1", "2", "3–5", "3", "4", "4", "5", "6", "3", "2"]


class _Outline(HTMLParser):
    """Collects the text of every .citation element and of each reference list item."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[str] = []
        self.items: list[str] = []
        self.links: list[str] = []
        self._stack: list[str] = []  # what each open element is: citation, item, backlinks, other

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        role = "other"
        if "citation" in classes:
            role = "citation"
            self.labels.append("")
        elif tag == "li" and any(r == "list" for r in self._stack):
            role = "item"
            self.items.append("")
        elif tag == "ol" and "references" in classes:
            role = "list"
        elif "backlinks" in classes:
            role = "backlinks"
        if tag == "a" and "item" in self._stack and "backlinks" not in self._stack:
            self.links.append(dict(attrs).get("href") or "")
        if tag not in ("br", "img", "meta", "link", "input", "hr"):
            self._stack.append(role)

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if "backlinks" in self._stack:
            return
        if "citation" in self._stack:
            self.labels[-1] += data
        elif "item" in self._stack:
            self.items[-1] += data


def _normalise(text: str) -> str:
    return " ".join(text.split())


def test_render_matches_the_example() -> None:
    proc = run_process("render", ARTICLE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    outline = _Outline()
    outline.feed(proc.stdout)
    assert outline.labels == EXPECTED_LABELS
    expected = (FIXTURES / "example" / "references.txt").read_text("utf-8")
    entries = [_normalise(e) for e in re.split(r"^\s*\d+\.\s", expected, flags=re.M) if e.strip()]
    assert [_normalise(item) for item in outline.items] == entries
    # URLs are links, and only the two web pages have them.
    assert outline.links == [
        "https://www.mayoclinic.org/diseases-conditions/osteoarthritis/symptoms-causes/syc-20351925",
        "https://my.clevelandclinic.org/health/diseases/17401-hip-bursitis",
    ]


def test_text_output_uses_unicode_superscripts() -> None:
    proc = run_process("render", ARTICLE, "--to", "txt")
    assert proc.returncode == 0, proc.stderr
    assert "chronic hip pain.³⁻⁵ It is" in proc.stdout
    assert "conventional treatment alone.³" in proc.stdout
    assert "  2. Wu MS, Chen KH, Chen IF, et al. The efficacy" in proc.stdout


def test_markdown_output_keeps_the_numbering() -> None:
    proc = run_process("render", ARTICLE, "--to", "md")
    assert proc.returncode == 0, proc.stderr
    labels = re.findall(r"<sup>(.*?)</sup>", proc.stdout)
    assert [re.sub(r"<[^<>]*>", "", label) for label in labels] == EXPECTED_LABELS
    assert (
        '6. <span class="reference" id="ref-clevelandclinic2023hip">Cleveland Clinic.'
        in proc.stdout
    )
