"""Importing the package stays light: the command line, HTTP and optional parsers load on use."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def _imported_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in json.loads(proc.stdout)}


def test_the_library_api_does_not_load_the_command_line_or_network() -> None:
    loaded = _imported_after("import citations")
    assert not loaded & {"click", "requests", "urllib3", "markdown_it", "yaml", "platformdirs"}


def test_only_the_cli_package_imports_click() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "citations").rglob("*.py")
        if "cli" not in path.relative_to(ROOT / "citations").parts[:1]
        and "import click" in path.read_text("utf-8")
    ]
    assert offenders == []


def test_every_public_name_resolves() -> None:
    import citations

    assert set(citations.__all__) == {"__version__", *citations._EXPORTS}
    for name in citations.__all__:
        assert getattr(citations, name) is not None


def test_checking_links_does_not_load_the_templates_or_styles() -> None:
    """`citations links` scans articles for URLs: it needs none of the render path's
    templates (jinja2) and styles, which cost a tenth of its start-up."""
    loaded = _imported_after(
        "import citations.cli, citations.commands.links, citations.library, "
        "citations.links.collect, citations.links.report, citations.links.run, "
        "citations.net.cache, citations.render.article, citations.reporters, citations.snapshot"
    )
    assert "jinja2" not in loaded
