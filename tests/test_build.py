"""`citations build`: a site built once, rebuilt only where something changed, checked, sharded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from citations.build import BuildSettings, build_site
from citations.commands.render import RenderSettings

BIB = """\
@article{alpha2020, author = {Alpha, Ann}, title = {Alpha study},
  journal = {J}, year = {2020}, volume = {1}, pages = {1--2}}
@article{beta2021, author = {Beta, Bob}, title = {Beta study},
  journal = {J}, year = {2021}, volume = {2}, pages = {3--4}}
@article{gamma2022, author = {Gamma, Gil}, title = {Gamma study},
  journal = {J}, year = {2022}, volume = {3}, pages = {5--6}}
@article{delta2023, author = {Delta, Dee}, title = {Delta study},
  journal = {J}, year = {2023}, volume = {4}, pages = {7--8}}
"""
ARTICLES = {
    "a.md": "# A\n\nAlpha [@alpha2020] and beta [@beta2021].\n",
    "b.md": "---\ntitle: Bee\nstyle: vancouver\n---\nBeta [@beta2021; @gamma2022].\n",
    "sub/c.md": "# C\n\nGamma [@gamma2022], delta [@delta2023].\n",
    "d.html": "<html><body><p>Alpha [@alpha2020].</p></body></html>\n",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "lib.bib").write_text(BIB, "utf-8")
    for name, text in ARTICLES.items():
        path = tmp_path / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return tmp_path


def _settings(site: Path, **overrides: object) -> BuildSettings:
    render = RenderSettings(refs=(site / "refs",), cache_dir=site / "cache")
    values: dict[str, object] = {"render": render, "src": site / "articles", "out": site / "out"}
    values.update(overrides)
    return BuildSettings(**values)  # type: ignore[arg-type]


def _outputs(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_a_site_builds(site: Path) -> None:
    report = build_site(_settings(site))
    assert report.built == ["a.md", "b.md", "d.html", "sub/c.md"]
    assert report.findings == []
    out = site / "out"
    a = (out / "a.html").read_text("utf-8")
    assert '<link rel="stylesheet" href="citations.css">' in a
    assert '<link rel="stylesheet" href="../citations.css">' in (out / "sub" / "c.html").read_text(
        "utf-8"
    )
    assert (out / "citations.css").is_file()
    assert "Beta B. Beta study. J. 2021;2:3-4." in (out / "b.html").read_text(
        "utf-8"
    )  # its own style
    assert "<title>Bee</title>" in (out / "b.html").read_text("utf-8")
    assert (out / "d.html").read_text("utf-8").count("<html>") == 1
    sidecar = json.loads((out / "a.html.citations.json").read_text("utf-8"))
    assert sidecar["references"] == [
        {"number": 1, "key": "alpha2020", "places": [{"line": 3, "column": 8, "citation": 1}]},
        {"number": 2, "key": "beta2021", "places": [{"line": 3, "column": 30, "citation": 2}]},
    ]


def test_nothing_changed_nothing_rebuilt(site: Path) -> None:
    build_site(_settings(site))
    before = _outputs(site / "out")
    report = build_site(_settings(site))
    assert report.built == [] and len(report.unchanged) == 4 and report.changed == []
    assert _outputs(site / "out") == before


def test_a_changed_entry_rebuilds_exactly_the_articles_citing_it(site: Path) -> None:
    build_site(_settings(site))
    bib = site / "refs" / "lib.bib"
    bib.write_text(bib.read_text("utf-8").replace("Gamma study", "Gamma study, revised"), "utf-8")
    report = build_site(_settings(site))
    assert report.built == ["b.md", "sub/c.md"]
    assert "Gamma study, revised" in (site / "out" / "sub" / "c.html").read_text("utf-8")


def test_changed_source_template_or_deleted_output_rebuilds(site: Path, tmp_path: Path) -> None:
    build_site(_settings(site))
    (site / "articles" / "a.md").write_text("# A\n\nOnly alpha [@alpha2020].\n", "utf-8")
    assert build_site(_settings(site)).built == ["a.md"]
    (site / "out" / "d.html").unlink()
    assert build_site(_settings(site)).built == ["d.html"]
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "citations.css").write_text("body { color: black; }\n", "utf-8")
    render = RenderSettings(refs=(site / "refs",), cache_dir=site / "cache", templates=templates)
    assert len(build_site(_settings(site, render=render)).built) == 4


def test_a_removed_source_removes_its_output(site: Path) -> None:
    build_site(_settings(site))
    (site / "articles" / "a.md").unlink()
    report = build_site(_settings(site))
    assert report.removed == ["a.html"]
    assert not (site / "out" / "a.html").exists()
    assert not (site / "out" / "a.html.citations.json").exists()


def test_check_writes_nothing_and_says_what_would_change(site: Path) -> None:
    report = build_site(_settings(site, check=True))
    assert sorted(report.changed) == ["a.html", "b.html", "citations.css", "d.html", "sub/c.html"]
    assert not (site / "out").exists()
    build_site(_settings(site))
    assert build_site(_settings(site, check=True)).changed == []
    (site / "articles" / "b.md").write_text("Beta [@beta2021].\n", "utf-8")
    before = _outputs(site / "out")
    assert build_site(_settings(site, check=True)).changed == ["b.html"]
    assert _outputs(site / "out") == before


def test_check_exit_codes(run, site: Path) -> None:
    assert run("build", "articles", "-o", "out", "--check", cwd=site).code == 1  # not built yet
    assert run("build", "articles", "-o", "out", cwd=site).code == 0
    result = run("build", "articles", "-o", "out", "--check", cwd=site)
    assert result.code == 0 and result.out.startswith("up to date")
    (site / "articles" / "a.md").write_text("Alpha [@alpha2020].\n", "utf-8")
    result = run("build", "articles", "-o", "out", "--check", cwd=site)
    assert result.code == 1 and "would change: a.html" in result.out
    assert result.out.endswith("\n1 output would change\n")


def test_counts_are_in_the_singular_for_one(run, site: Path) -> None:
    for name in ("b.md", "sub/c.md", "d.html"):
        (site / "articles" / name).unlink()
    assert run("build", "articles", "-o", "out", cwd=site).code == 0
    result = run("build", "articles", "-o", "out", "--check", cwd=site)
    assert result.out == "up to date: 1 article\n"


def test_an_unknown_key_fails_with_its_place_and_is_retried(run, site: Path) -> None:
    (site / "articles" / "a.md").write_text("# A\n\nAlpha [@alpha2020; @alhpa2020].\n", "utf-8")
    result = run("build", "articles", "-o", "out", cwd=site)
    assert result.code == 1
    assert "articles/a.md:3:20: error[unknown-key]" in result.err
    assert "did you mean 'alpha2020'?" in result.err
    again = run("build", "articles", "-o", "out", "--report", "json", cwd=site)
    assert again.code == 1 and json.loads(again.out)["built"] == ["a.md"]  # errors are not cached
    assert run("build", "articles", "-o", "out", "--check", cwd=site).code == 1


def test_parallel_and_serial_builds_are_byte_identical(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citations.build import site as site_module

    pools: list[object] = []
    real_pool = site_module.ProcessPoolExecutor

    def pool(*args: Any, **kwargs: Any) -> Any:
        pools.append(args)
        return real_pool(*args, **kwargs)

    # Forked workers are the path under test, even if an earlier test left a thread running.
    monkeypatch.setattr(site_module.threading, "active_count", lambda: 1)
    monkeypatch.setattr(site_module, "ProcessPoolExecutor", pool)
    for i in range(12):
        (site / "articles" / f"many{i:02d}.md").write_text(
            f"# Page {i}\n\nCites [@alpha2020; @beta2021; @gamma2022] and [@delta2023, p. {i}].\n",
            "utf-8",
        )
    serial = build_site(_settings(site, out=site / "serial", jobs=1))
    parallel = build_site(_settings(site, out=site / "parallel", jobs=2))
    assert len(pools) == 1  # the parallel build did fork its workers
    assert serial.built == parallel.built and len(serial.built) == 16
    assert _outputs(site / "serial") == _outputs(site / "parallel")


def test_shards_together_build_everything_and_merge(site: Path, run) -> None:
    first = build_site(_settings(site, shard=(1, 2)))
    second = build_site(_settings(site, shard=(2, 2)))
    assert sorted(first.built + second.built) == ["a.md", "b.md", "d.html", "sub/c.md"]
    assert first.built and second.built  # both shards get work at this size
    assert run("build", "articles", "-o", "out", "--merge", cwd=site).code == 0
    assert not list((site / "out" / ".citations").glob("manifest.shard-*"))
    report = build_site(_settings(site))
    assert report.built == [] and len(report.unchanged) == 4


def test_continuous_numbering_and_a_shared_bibliography(site: Path) -> None:
    report = build_site(_settings(site, numbering="continuous", bibliography="bibliography.html"))
    assert report.findings == []
    out = site / "out"
    # a.md cites 1, 2; b.md 2, 3; d.html 1; sub/c.md 3, 4: one numbering for the whole site.
    c = json.loads((out / "sub" / "c.html.citations.json").read_text("utf-8"))
    assert [(r["number"], r["key"]) for r in c["references"]] == [
        (3, "gamma2022"),
        (4, "delta2023"),
    ]
    page = (out / "bibliography.html").read_text("utf-8")
    assert page.index("Alpha study") < page.index("Delta study")
    assert '<a href="sub/c.html#ref-gamma2022">C</a>' in page
    assert '<a href="b.html#ref-gamma2022">Bee</a>' in page


def test_a_build_beside_other_threads_renders_in_process(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forking beside another thread can deadlock the child on a lock that thread held."""
    import threading

    from citations.build import site as site_module

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("forked beside another thread")

    for i in range(12):
        (site / "articles" / f"many{i:02d}.md").write_text(f"# P {i}\n\n[@alpha2020]\n", "utf-8")
    serial = build_site(_settings(site, out=site / "serial", jobs=1))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        monkeypatch.setattr(site_module, "ProcessPoolExecutor", no_pool)
        beside = build_site(_settings(site, out=site / "beside", jobs=2))
    finally:
        stop.set()
        other.join()
    assert beside.built == serial.built and len(beside.built) == 16
    assert _outputs(site / "serial") == _outputs(site / "beside")
