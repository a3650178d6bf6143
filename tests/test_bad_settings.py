"""Every bad setting is a message naming its place and exit 3: never a traceback (exit 70),
never a silent default."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT

ARTICLE = "Text [@wu2016efficacy].\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "refs", tmp_path / "refs")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.md").write_text(ARTICLE, "utf-8")
    return tmp_path


def _fails_at(result, where: str, message: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code == 3, result.err
    assert "Traceback" not in result.err
    assert f"{where}:" in result.err and message in result.err, result.err


@pytest.mark.parametrize(
    ("toml", "line", "message"),
    [
        pytest.param(
            '[links]\nconcurrency = "many"\n',
            2,
            "'links.concurrency' must be a whole number",
            id="concurrency",
        ),
        pytest.param(
            '[links]\ntimeout = "x"\n', 2, "'links.timeout' must be a number", id="timeout"
        ),
        pytest.param(
            "[links]\nheaders = 5\n", 2, "'links.headers' must be a table of tables", id="headers"
        ),
        pytest.param(
            '[links]\nhosts = {"h" = 5}\n', 2, "'links.hosts' must be a table of tables", id="hosts"
        ),
        pytest.param(
            '[links.hosts."doi.org"]\nper-host = "x"\n',
            2,
            "'links.hosts.doi.org.per-host'",
            id="host-limit",
        ),
        pytest.param(
            '[links]\nexclude = ["("]\n',
            2,
            "'links.exclude': '(' is not a regular expression",
            id="exclude",
        ),
        pytest.param(
            '[links]\nprivate = "no"\n', 2, "'links.private' must be true or false", id="private"
        ),
        pytest.param("links = 5\n", 1, "'links' must be a table ([links]), not 5", id="section"),
    ],
)
def test_bad_links_settings(run, project: Path, toml: str, line: int, message: str) -> None:
    (project / "citations.toml").write_text(toml, "utf-8")
    _fails_at(run("links", "--no-cache", cwd=project), f"citations.toml:{line}", message)


@pytest.mark.parametrize(
    ("toml", "line", "message"),
    [
        pytest.param("[build]\nsrc = 5\n", 2, "'build.src' must be a string", id="src"),
        pytest.param("[build]\njobs = -2\n", 2, "'build.jobs' must be a whole number", id="jobs"),
        pytest.param(
            '[build]\nsidecars = "yes"\n',
            2,
            "'build.sidecars' must be true or false",
            id="sidecars",
        ),
        pytest.param(
            "[style-options]\net-al-min = -1\n",
            2,
            "must be a whole number of at least 1",
            id="et-al-min",
        ),
        pytest.param(
            "a = " + "[" * 100_000 + "]" * 100_000 + "\n", 1, "nested too deeply", id="toml-depth"
        ),
    ],
)
def test_bad_build_settings(run, project: Path, toml: str, line: int, message: str) -> None:
    (project / "citations.toml").write_text(toml, "utf-8")
    _fails_at(run("build", "-o", "site", cwd=project), f"citations.toml:{line}", message)
    assert not (project / "site").exists()


def test_bad_verify_and_check_settings(run, project: Path) -> None:
    (project / "citations.toml").write_text('[verify]\nstrict = "yes"\n', "utf-8")
    result = run("verify", "--offline", cwd=project)
    _fails_at(result, "citations.toml:2", "'verify.strict' must be true or false")
    (project / "citations.toml").write_text("[check]\narticles = 5\n", "utf-8")
    _fails_at(run("check", cwd=project), "citations.toml:1", "'check.articles' must be a path")


def test_a_bad_exclude_on_the_command_line_names_the_option(run, project: Path) -> None:
    result = run("links", "--no-cache", "--exclude", "(", cwd=project)
    assert result.code == 3 and "Traceback" not in result.err
    assert "--exclude: '(' is not a regular expression" in result.err


@pytest.mark.parametrize("command", ["render", "build"])
@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        pytest.param(
            "title: T\nstyle: [1, 2]\n",
            3,
            "front matter 'style' must be a style's name",
            id="style",
        ),
        pytest.param(
            "style-options: 5\n", 2, "front matter 'style-options' must be a mapping", id="options"
        ),
        pytest.param(
            "style: vancouver\nstyle-options: {et-al-min: -3}\n",
            3,
            "at least 1, not -3",
            id="option",
        ),
        pytest.param("style: apa\n", 2, "unknown style 'apa'", id="unknown"),
    ],
)
def test_bad_front_matter_names_the_article(
    run, project: Path, command: str, front: str, line: int, message: str
) -> None:
    (project / "articles" / "a.md").write_text(f"---\n{front}---\n{ARTICLE}", "utf-8")
    args = ["articles/a.md"] if command == "render" else ["articles", "-o", "site"]
    _fails_at(run(command, *args, cwd=project), f"articles/a.md:{line}", message)


def test_render_honours_the_articles_own_style_as_build_does(run, project: Path) -> None:
    (project / "articles" / "a.md").write_text(f"---\nstyle: vancouver\n---\n{ARTICLE}", "utf-8")
    rendered = run("render", "articles/a.md", "--to", "txt", cwd=project)
    assert rendered.code == 0, rendered.err
    assert run("build", "articles", "-o", "site", "--to", "md", cwd=project).code == 0
    built = (project / "site" / "a.md").read_text("utf-8")
    assert "Wu MS, Chen KH, Chen IF, Huang SK, Tzeng PC, Yeh ML" in built  # NLM: all six
    assert "Wu MS, Chen KH, Chen IF, Huang SK, Tzeng PC, Yeh ML" in rendered.out


def test_a_template_that_is_not_utf8_is_named(run, project: Path) -> None:
    (project / "tpl").mkdir()
    (project / "tpl" / "article.html").write_bytes(b"\xff\xfe<html>{{ body }}")
    result = run("render", "articles/a.md", "--templates", "tpl", cwd=project)
    _fails_at(result, "tpl/article.html:1", "template article.html is not UTF-8 text")
