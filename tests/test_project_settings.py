"""The project's settings are found from any folder inside it, as ruff, pytest and git do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from citations.config import find_config, load_config

from conftest import ROOT

ARTICLE = "acupuncture-for-hip-pain.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example project inside a git checkout, below a folder whose own citations.toml
    would make every command fail (the search must stop at the checkout's top)."""
    (tmp_path / "citations.toml").write_text('refs = ["nowhere"]\nstyle = "no-such-style"\n')
    top = tmp_path / "checkout"
    for name in ("refs", "articles"):
        shutil.copytree(ROOT / name, top / name)
    (top / ".git").mkdir()
    return top


def test_the_nearest_settings_file_upward_is_found(project: Path) -> None:
    shutil.copy(ROOT / "citations.toml", project / "citations.toml")
    assert find_config(project / "articles") == project / "citations.toml"
    config = load_config(cwd=project / "refs")
    assert config.path == project / "citations.toml"
    assert [p.resolve() for p in config.refs] == [project / "refs"]
    assert config.style_options["et-al-min"] == 6


def test_pyproject_with_a_citations_table_counts_and_without_one_is_passed_over(
    project: Path,
) -> None:
    (project / "pyproject.toml").write_text('[tool.citations]\nstyle = "vancouver"\n')
    (project / "articles" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(project / "articles") == project / "pyproject.toml"
    assert load_config(cwd=project / "articles").style == "vancouver"


def test_the_search_stops_at_the_checkouts_top(project: Path) -> None:
    assert find_config(project / "articles") is None
    assert load_config(cwd=project / "articles").path is None


@pytest.fixture
def example(project: Path) -> Path:
    shutil.copy(ROOT / "citations.toml", project / "citations.toml")
    return project


@pytest.mark.parametrize("folder", ["articles", "refs"])
def test_check_from_a_subfolder_is_check_from_the_top(run, example: Path, folder: str) -> None:
    top = run("check", "-f", "json", cwd=example)
    below = run("check", "-f", "json", cwd=example / folder)
    assert top.code == 0, top.err  # without the settings: "no such file or folder: refs"
    assert (below.code, below.out, below.err) == (top.code, top.out, top.err)


@pytest.mark.parametrize("folder", ["articles", "refs"])
def test_render_from_a_subfolder_is_render_from_the_top(run, example: Path, folder: str) -> None:
    top = run("render", f"articles/{ARTICLE}", "--to", "txt", cwd=example)
    below = run("render", f"../articles/{ARTICLE}", "--to", "txt", cwd=example / folder)
    assert top.code == 0, top.err
    assert (below.code, below.out) == (top.code, top.out)
    assert "Wu MS, Chen KH, Chen IF, et al." in top.out  # et-al-min = 6: the project's setting


@pytest.mark.parametrize("folder", ["articles", "refs"])
def test_build_from_a_subfolder_is_build_from_the_top(run, example: Path, folder: str) -> None:
    top = run("build", "-o", "../site-top", cwd=example)
    below = run("build", "-o", "../site-below", cwd=example / folder)
    assert top.code == 0, top.err
    assert below.code == 0, below.err
    page = f"{Path(ARTICLE).stem}.html"
    built = (example.parent / "site-top" / page).read_text("utf-8")
    assert (example / "site-below" / page).read_text("utf-8") == built


@pytest.mark.parametrize("folder", ["articles", "refs"])
def test_links_from_a_subfolder_checks_the_projects_library(
    run, example: Path, folder: str
) -> None:
    def urls(cwd: Path) -> list[str]:
        result = run("links", "--exclude", ".", "-f", "json", "--no-cache", cwd=cwd)
        assert result.code == 0, result.err
        return [r["url"] for r in json.loads(result.out)["results"]]

    top = urls(example)
    assert len(top) == 4  # two web pages and two DOIs
    assert urls(example / folder) == top
