"""Templates: defaults found installed or in the source tree, user overrides, escaping, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.errors import TemplateError
from citations.render.templating import Templates, default_templates_dir, superscript


def test_default_templates_are_found() -> None:
    names = {p.name for p in default_templates_dir().iterdir()}
    for fmt in ("html", "md", "txt"):
        assert {f"article.{fmt}", f"citation.{fmt}", f"references.{fmt}"} <= names


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3–5", "³⁻⁵"), ("12", "¹²"), ("1,2", "¹˒²"), ("(p12)", "⁽ᵖ¹²⁾")],
)
def test_superscript(text: str, expected: str) -> None:
    assert superscript(text) == expected


def test_html_is_autoescaped_and_text_is_not(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text("{{ v }}", "utf-8")
    (tmp_path / "x.txt").write_text("{{ v }}", "utf-8")
    templates = Templates(tmp_path)
    assert templates.render("x.html", {"v": "<b>&"}) == "&lt;b&gt;&amp;"
    assert templates.render("x.txt", {"v": "<b>&"}) == "<b>&"


def test_undefined_variables_are_errors_with_a_line(tmp_path: Path) -> None:
    (tmp_path / "x.html").write_text("a\n{{ nothing_here }}\n", "utf-8")
    with pytest.raises(TemplateError) as info:
        Templates(tmp_path).render("x.html", {})
    assert info.value.span is not None and info.value.span.line == 2
    assert info.value.span.path.endswith("x.html")


def test_a_missing_template_is_named(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"template not found: nope\.html"):
        Templates(tmp_path).render("nope.html", {})
