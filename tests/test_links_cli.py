"""`citations links` end to end: library and article links, the real cache, reports, exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, junit_schema_errors
from linkserver import LinkServer, answer


def _handle_api(req) -> None:  # type: ignore[no-untyped-def]
    doi = req.path.removeprefix("/api/handles/")
    if doi.startswith("10.1234/"):
        body = {"responseCode": 1, "handle": doi, "values": []}
        req.reply(200, json.dumps(body), None, "application/json")
    else:
        req.reply(404, json.dumps({"responseCode": 100}), None, "application/json")


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with LinkServer() as s:
        s.route("/ok", answer(200, "<title>Fine</title>"))
        s.route("/gone", answer(404, "<title>Not here</title>"))
        s.route("/article-link", answer(200, "<title>Also fine</title>"))
        s.route("/api/handles/*", _handle_api)
        yield s


@pytest.fixture
def project(tmp_path: Path, server: LinkServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CITATIONS_DOI_URL", server.url(""))
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "lib.bib").write_text(
        f"@online{{fine, title = {{Fine}}, url = {{{server.url('/ok')}}}}}\n"
        f"@online{{gone, title = {{Gone}}, url = {{{server.url('/gone')}}}}}\n"
        "@article{real, title = {Real}, doi = {https://doi.org/10.1234/real}}\n"
        "@article{fake, title = {Fake}, doi = {10.9999/fake}}\n"
        f"@online{{again, title = {{Same URL again}}, url = {{{server.url('/gone')}}}}}\n",
        "utf-8",
    )
    (tmp_path / "a.md").write_text(f"See <{server.url('/article-link')}>.\n", "utf-8")
    return tmp_path


def _json(result) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(result.out)


def test_links_json_report_and_exit_code(run, project: Path, server: LinkServer) -> None:
    result = run("links", "--articles", "a.md", "-f", "json", "--cache", "c.sqlite", cwd=project)
    assert result.code == 1  # something is broken
    by_url = {r["url"]: r for r in _json(result)["results"]}
    assert by_url[server.url("/ok")]["outcome"] == "ok"
    gone = by_url[server.url("/gone")]
    assert (gone["outcome"], gone["status"]) == ("broken", 404)
    assert [(p["line"], p["key"]) for p in gone["places"]] == [(2, "gone"), (5, "again")]
    assert by_url["10.1234/real"]["outcome"] == "ok"  # checked as an identifier
    assert by_url["10.9999/fake"]["outcome"] == "broken"
    assert by_url[server.url("/article-link")]["places"][0]["path"] == "a.md"
    assert len(server.hits("/gone")) >= 1


def test_a_second_run_inside_the_ttl_makes_no_requests(
    run, project: Path, server: LinkServer
) -> None:
    run("links", "--cache", "c.sqlite", cwd=project)
    before = len(server.hits())
    assert before > 0
    again = run("links", "-f", "json", "--cache", "c.sqlite", cwd=project)
    assert len(server.hits()) == before  # the server saw nothing new
    results = _json(again)["results"]
    assert all(r["from_cache"] for r in results)
    gone = next(r for r in results if r["url"] == server.url("/gone"))
    assert gone["recent_failures"] >= 1 and gone["failing_since"] is not None


def test_no_cache_checks_again(run, project: Path, server: LinkServer) -> None:
    run("links", "--no-cache", cwd=project)
    first = len(server.hits())
    run("links", "--no-cache", cwd=project)
    assert len(server.hits()) == 2 * first


def test_fail_on_and_formats(run, project: Path) -> None:
    (project / "refs" / "lib.bib").write_text(
        "@online{fine, title = {F}, url = {ftp://x.org/f}}\n", "utf-8"
    )
    assert run("links", "--no-cache", cwd=project).code == 0  # excluded is not broken
    for fmt in ("text", "markdown", "html", "junit", "sarif", "github"):
        assert run("links", "--no-cache", "-f", fmt, cwd=project).code == 0
    assert junit_schema_errors(run("links", "--no-cache", "-f", "junit", cwd=project).out) == []


def test_a_bad_command_line_exits_2_and_bad_settings_exit_3(run, project: Path) -> None:
    bad = run("links", "--fail-on", "brokn", "--no-cache", cwd=project)
    assert bad.code == 2
    assert "--fail-on: unknown outcome 'brokn'" in bad.err
    (project / "citations.toml").write_text('[links]\nfail-on = "brokn"\n', "utf-8")
    result = run("links", "--no-cache", cwd=project)
    assert result.code == 3
    assert "citations.toml:2:1: links.fail-on: unknown outcome 'brokn'" in result.err
    (project / "citations.toml").write_text("[links]\nconcurency = 3\n", "utf-8")
    result = run("links", "--no-cache", cwd=project)
    assert result.code == 3 and "unknown setting 'links.concurency'" in result.err


def test_the_example_library_collects_two_urls_and_two_dois() -> None:
    from citations.library import load_library
    from citations.links.collect import collect_targets

    targets = collect_targets(load_library([ROOT / "refs"]))
    assert sorted(t.kind for t in targets) == ["doi", "doi", "url", "url"]


def test_changed_since_checks_only_changed_entries(run, project: Path, server: LinkServer) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", "refs")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "library")
    bib = project / "refs" / "lib.bib"
    bib.write_text(
        bib.read_text("utf-8").replace("title = {Fine}", "title = {Fine, edited}"), "utf-8"
    )
    result = run("links", "--changed-since", "HEAD", "--no-cache", "-f", "json", cwd=project)
    assert [r["url"] for r in _json(result)["results"]] == [server.url("/ok")]
    assert run("links", "--changed-since", "no-such-rev", "--no-cache", cwd=project).code == 3
