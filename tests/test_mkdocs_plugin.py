"""The MkDocs plugin: a real `mkdocs build --strict` of a small site (the example article and
two more pages) links each page's citations to its references and back; a typo'd key fails
--strict at its page and line; a rebuild (as `mkdocs serve` runs) rereads a changed library."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anchors import anchors, assert_links_resolve
from conftest import ROOT

EXPECTED_LABELS = ["1", "2", "3–5", "3", "4", "4", "5", "6", "3", "2"]  # as test_example's
OTHER = """---
title: Other page
---
# Other page

Numbered on its own: [@wu2016efficacy], then [@park2023acupuncture; @wu2016efficacy].

```
[@not-a-citation] stays as it is in a fence
```

and in `[@inline]` code too.
"""
LISTED = """---

# Listed

The list goes where the placeholder stands [@sheng2010comparative]; the rules are no front matter.

[[references]]

---

## After the list
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """mkdocs.yml, docs/ (the example article as its home page), citations.toml and refs/."""
    shutil.copytree(ROOT / "refs", tmp_path / "refs")
    shutil.copy(ROOT / "citations.toml", tmp_path / "citations.toml")
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(ROOT / "articles" / "acupuncture-for-hip-pain.md", docs / "index.md")
    (docs / "other.md").write_text(OTHER, "utf-8")
    (docs / "listed.md").write_text(LISTED, "utf-8")
    (docs / "index.md.citations.json").write_text("{}", "utf-8")  # from a `citations build`
    (tmp_path / "mkdocs.yml").write_text("site_name: Clinic\nplugins:\n  - citations\n", "utf-8")
    return tmp_path


def mkdocs_build(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=site, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def test_a_strict_build_links_each_page(site: Path) -> None:
    proc = mkdocs_build(site)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr
    home = (site / "site" / "index.html").read_text("utf-8")
    page = anchors(home)
    assert [" ".join(label.split()) for label in page.labels] == EXPECTED_LABELS
    assert_links_resolve(page)
    assert page.backlinks["ref-park2023acupuncture"] == ["cite-3", "cite-4", "cite-9"]
    assert page.titles["ref-wu2016efficacy"].startswith("2. Wu MS")  # the hover preview
    # the list stands where `::: {#refs}` stood: under the example's own heading
    assert home.index("References and Clinical Sources") < home.index('id="ref-')
    assert "{#refs}" not in home

    other_html = (site / "site" / "other" / "index.html").read_text("utf-8")
    other = anchors(other_html)
    assert [" ".join(label.split()) for label in other.labels] == ["1", "1,2"]
    assert_links_resolve(other)
    assert [i for i in other.ids if i.startswith("ref-")] == [
        "ref-wu2016efficacy",
        "ref-park2023acupuncture",
    ]
    assert "[@not-a-citation] stays" in other_html and "<code>[@inline]</code>" in other_html
    assert other_html.index('id="references"') < other_html.index('id="ref-')  # at the end

    listed = (site / "site" / "listed" / "index.html").read_text("utf-8")
    assert listed.index('id="ref-sheng2010comparative"') < listed.index('<h2 id="after-the-list"')
    assert_links_resolve(anchors(listed))

    assert (site / "site" / "assets" / "citations.css").is_file()
    assert 'href="assets/citations.css"' in home
    assert not list((site / "site").rglob("*.citations.json"))  # sidecars stay out of the site


def test_a_typo_fails_strict_with_page_and_line(site: Path) -> None:
    other = site / "docs" / "other.md"
    other.write_text(OTHER.replace("then [@park2023acupuncture", "then [@park2023acupunture"))
    proc = mkdocs_build(site)
    assert proc.returncode != 0
    assert "docs/other.md:6:" in proc.stderr and "[unknown-key]" in proc.stderr
    assert "park2023acupunture" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        pytest.param("refs: nothere", "nothere", id="missing-refs"),
        pytest.param("style: nostyle", "nostyle", id="unknown-style"),
        pytest.param("config: none.toml", "none.toml", id="missing-config"),
    ],
)
def test_bad_options_stop_the_build_with_a_message(site: Path, options: str, problem: str) -> None:
    (site / "mkdocs.yml").write_text(
        f"site_name: Clinic\nplugins:\n  - citations:\n      {options}\n", "utf-8"
    )
    proc = mkdocs_build(site)
    assert proc.returncode != 0
    assert problem in proc.stderr and "Traceback" not in proc.stderr


NEW_ENTRY = """
@article{new2024,
  author = {Nguyen, An},
  title = {A study added while the site is served},
  journal = {J Test},
  year = {2024},
}
"""


def test_a_rebuild_rereads_the_library_only_when_a_bib_file_changed(site: Path) -> None:
    """What `mkdocs serve` does on a change: load the config again (the plugin instance is
    kept) and build; the library is the one already read until a .bib file changes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    def rebuild() -> object:
        config = load_config(config_file=str(site / "mkdocs.yml"))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        return config.plugins["citations"]

    plugin = rebuild()
    first = plugin.loaded.library  # type: ignore[attr-defined]
    assert rebuild() is plugin and plugin.loaded.library is first  # type: ignore[attr-defined]

    bib = site / "refs" / "example.bib"
    bib.write_text(bib.read_text("utf-8") + NEW_ENTRY, "utf-8")
    stat = bib.stat()
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    (site / "docs" / "other.md").write_text(OTHER + "\nNew [@new2024].\n", "utf-8")
    assert rebuild() is plugin and plugin.loaded.library is not first  # type: ignore[attr-defined]
    other = (site / "site" / "other" / "index.html").read_text("utf-8")
    assert 'id="ref-new2024"' in other and "A study added while the site is served" in other

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(site))
    config = load_config(config_file=str(site / "mkdocs.yml"))
    config.plugins.on_config(config)
    config.plugins.on_serve(server, config=config, builder=lambda: None)
    assert {str(site / "refs"), str(site / "citations.toml")} <= set(server._watched_paths)


def test_only_the_plugin_imports_mkdocs() -> None:
    """mkdocs is no dependency: nothing but the plugin (which only MkDocs loads) imports it."""
    importing = re.compile(r"^\s*(?:from|import) mkdocs\b", re.M)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "citations").rglob("*.py")
        if "mkdocs_plugin" not in path.parts and importing.search(path.read_text("utf-8"))
    ]
    assert offenders == []
    code = "import sys, citations.cli; print(sorted(m for m in sys.modules if 'mkdocs' in m))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr
