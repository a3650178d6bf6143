"""`citations verify` and `citations add` through the command line, against the fake registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakeregistry import FakeRegistry


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "lib.bib").write_text(
        "@article{park2023acupuncture,\n"
        "  author = {Park, Hyun Suk and Jeong, Hye In and Sung, Soo-Hyun and Kim, Kyeong Han},\n"
        "  title = {Acupuncture treatment for hip pain: a systematic review and meta-analysis},\n"
        "  journal = {Healthcare},\n  year = {2022},\n  volume = {11},\n  number = {11},\n"
        "  pages = {1624},\n  doi = {10.3390/healthcare11111624},\n}\n",
        "utf-8",
    )
    return tmp_path


def test_verify_reports_a_wrong_year_and_fixes_it(run, fake: FakeRegistry, project: Path) -> None:
    result = run("verify", "-f", "json", "--cache", "c.sqlite", cwd=project)
    assert result.code == 0, result.err  # a mismatch fails only under --strict
    [entry] = json.loads(result.out)["results"]
    assert entry["verdict"] == "mismatch"
    assert entry["fields"]["year"]["ours"] == "2022" and entry["fields"]["year"]["theirs"] == "2023"
    assert run("verify", "--strict", "--cache", "c.sqlite", cwd=project).code == 1
    before = len(fake.hits())
    offline = run("verify", "--offline", "-f", "json", "--cache", "c.sqlite", cwd=project)
    assert len(fake.hits()) == before  # answered from the cache
    assert json.loads(offline.out)["results"][0]["verdict"] == "mismatch"
    fixed = run("verify", "--fix", "--fields", "year", "--cache", "c.sqlite", cwd=project)
    assert "-  year = {2022}," in fixed.out and "+  year = {2023}," in fixed.out
    assert "year = {2023}" in (project / "refs" / "lib.bib").read_text("utf-8")


def test_verify_usage_errors_exit_2(run, fake: FakeRegistry, project: Path) -> None:
    assert run("verify", "no-such-key", "--no-cache", cwd=project).code == 2
    assert run("verify", "--offline", "--no-cache", cwd=project).code == 2


def test_add_by_pmid_and_refuse_a_duplicate(run, fake: FakeRegistry, project: Path) -> None:
    result = run("add", "pmid:21290833", "--to", "refs/lib.bib", "--no-cache", cwd=project)
    assert result.code == 0, result.err
    text = (project / "refs" / "lib.bib").read_text("utf-8")
    assert "@article{sheng2010comparative," in text and "pmid = {21290833}" in text
    again = run(
        "add", "10.3390/healthcare11111624", "--to", "refs/lib.bib", "--no-cache", cwd=project
    )
    assert again.code == 0 and "park2023acupuncture" in again.err
    assert (project / "refs" / "lib.bib").read_text("utf-8") == text  # nothing written
    assert run("check", "--refs", "refs", cwd=project).code == 0


def test_add_dry_run_writes_nothing(run, fake: FakeRegistry, project: Path) -> None:
    before = (project / "refs" / "lib.bib").read_bytes()
    result = run("add", "pmid:26959661", "--dry-run", "--no-cache", cwd=project)
    assert result.code == 0 and result.out.startswith("@article{wu2016")
    assert (project / "refs" / "lib.bib").read_bytes() == before
