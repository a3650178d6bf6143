"""`citations check` end to end: articles found, settings and inline ignores, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT

BIB = """\
@article{park2023,
  author = {Park, Hyun Suk},
  title = {Acupuncture for hip pain},
  journal = {Healthcare},
  year = {2023}, volume = {11}, pages = {1624},
}

% citations: ignore[uncited-entry]
@article{quiet2020,
  author = {Quiet, Q.},
  title = {Nobody cites this and that is fine},
  journal = {J},
  year = {2020}, volume = {1}, pages = {1--9},
}

@article{loud2021,
  author = {Loud, L.},
  title = {Nobody cites this either},
  journal = {J},
  year = {2021}, volume = {2}, pages = {10--19},
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "main.bib").write_text(BIB, "utf-8")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.md").write_text(
        "Hip pain [@park2023].\n\nAlso [@prak2023].\n", "utf-8"
    )
    (tmp_path / "articles" / "empty.md").write_text("No citations here.\n", "utf-8")
    return tmp_path


def _codes(result) -> list[tuple[str, str, int]]:
    data = json.loads(result.out)
    return [(f["code"], Path(f["path"]).name, f["line"]) for f in data["findings"]]


def test_the_shipped_example_is_clean(run) -> None:
    result = run("check", cwd=ROOT)
    assert result.code == 0, result.out + result.err
    assert result.out.strip() == "no findings"


def test_articles_folder_is_checked_by_default(run, project: Path) -> None:
    result = run("check", "-f", "json", cwd=project)
    assert result.code == 1
    assert _codes(result) == [
        ("unknown-key", "a.md", 3),
        ("no-citations", "empty.md", 1),
        ("uncited-entry", "main.bib", 16),
    ]
    unknown = json.loads(result.out)["findings"][0]
    assert (unknown["column"], unknown["key"]) == (7, "prak2023")
    assert "park2023" in unknown["hint"]


def test_text_report_and_exit_codes(run, project: Path) -> None:
    result = run("check", cwd=project)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("articles/a.md:3:7: error[unknown-key]")
    assert lines[-1] == "3 findings: 1 error, 1 warning, 1 info"
    (project / "articles" / "a.md").write_text("Hip pain [@park2023].\n", "utf-8")
    assert run("check", cwd=project).code == 0  # a warning alone passes
    assert run("check", "--strict", cwd=project).code == 1


def test_given_paths_replace_the_default(run, project: Path) -> None:
    result = run("check", "-f", "json", "articles/empty.md", cwd=project)
    codes = {c for c, _, _ in _codes(result)}
    assert codes == {"no-citations", "uncited-entry"}


def test_severity_disable_and_per_path_settings(run, project: Path) -> None:
    (project / "citations.toml").write_text(
        '[check]\ndisable = ["no-citations"]\n\n[check.severity]\nunknown-key = "warning"\n',
        "utf-8",
    )
    result = run("check", "-f", "json", cwd=project)
    assert result.code == 0
    data = json.loads(result.out)
    assert [(f["code"], f["severity"]) for f in data["findings"]] == [
        ("unknown-key", "warning"),
        ("uncited-entry", "warning"),
    ]
    (project / "citations.toml").write_text(
        '[[check.paths]]\npaths = ["refs/*.bib"]\nseverity = { uncited-entry = "off" }\n', "utf-8"
    )
    assert "uncited-entry" not in {c for c, _, _ in _codes(run("check", "-f", "json", cwd=project))}
    (project / "citations.toml").write_text("[check]\nuncited = false\n", "utf-8")
    assert "uncited-entry" not in {c for c, _, _ in _codes(run("check", "-f", "json", cwd=project))}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        pytest.param(
            '[check]\ndisable = ["uncited-entri"]\n',
            "unknown finding code 'uncited-entri' (did you mean 'uncited-entry'?)",
            id="code",
        ),
        pytest.param(
            '[check.severity]\nunknown-key = "fatal"\n',
            "must be one of error, warning, info, off",
            id="level",
        ),
        pytest.param(
            "[check]\nstrictness = 1\n", "unknown setting 'check.strictness'", id="setting"
        ),
    ],
)
def test_bad_check_settings(run, project: Path, toml: str, message: str) -> None:
    (project / "citations.toml").write_text(toml, "utf-8")
    result = run("check", cwd=project)
    assert result.code == 3
    assert message in result.err and "citations.toml:1" in result.err


def test_report_to_a_file(run, project: Path) -> None:
    result = run("check", "-f", "json", "-o", "report.json", cwd=project)
    assert result.code == 1 and result.out == ""
    assert json.loads((project / "report.json").read_text("utf-8"))["summary"]["error"] == 1


def test_json_report_validates_against_its_schema(run, project: Path) -> None:
    schema = json.loads((ROOT / "citations" / "schemas" / "findings-1.json").read_text("utf-8"))
    result = run("check", "-f", "json", cwd=project)
    jsonschema.Draft202012Validator(schema).validate(json.loads(result.out))


def test_unloadable_input_exits_3(run, project: Path) -> None:
    assert run("check", "--refs", "missing.bib", cwd=project).code == 3
    assert run("check", "missing-article.md", cwd=project).code == 3
    assert run("check", "-f", "yaml", cwd=project).code == 2
