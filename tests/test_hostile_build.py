"""`citations build` on hostile files: a tampered or damaged manifest, linked articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citations.build import BuildSettings, build_site
from citations.commands.render import RenderSettings

BIB = """\
@article{alpha2020, author = {Alpha, Ann}, title = {Alpha study},
  journal = {J}, year = {2020}, volume = {1}, pages = {1--2}}
@article{beta2021, author = {Beta, Bob}, title = {Beta study},
  journal = {J}, year = {2021}, volume = {2}, pages = {3--4}}
"""
ARTICLES = {
    "a.md": "# A\n\nAlpha [@alpha2020].\n",
    "b.md": "# B\n\nBeta [@beta2021].\n",
    "sub/c.md": "# C\n\nBoth [@alpha2020; @beta2021].\n",
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
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".citations" not in p.parts
    }


def _victim(site: Path) -> Path:
    """A file outside the output folder that a tampered manifest names."""
    victim = site / "precious.txt"
    victim.write_text("keep me\n", "utf-8")
    return victim


def _ghost(manifest: Path, output: str) -> None:
    """Add the record of a vanished article whose output is `output`."""
    data = json.loads(manifest.read_text("utf-8"))
    record = dict(next(iter(data["articles"].values())), output=output)
    data["articles"]["ghost.md"] = record
    manifest.write_text(json.dumps(data), "utf-8")


def _codes(report: object) -> list[str]:
    return [f.code for f in report.findings]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("absolute", id="absolute"),
        pytest.param("../precious.txt", id="dot-dot"),
        pytest.param("sub/../../precious.txt", id="dot-dot-inside"),
    ],
)
def test_a_tampered_manifest_deletes_nothing_outside_the_site(site: Path, name: str) -> None:
    victim = _victim(site)
    build_site(_settings(site))
    output = str(victim) if name == "absolute" else name
    _ghost(site / "out" / ".citations" / "manifest.json", output)
    report = build_site(_settings(site))
    assert victim.read_text("utf-8") == "keep me\n"
    assert (site / "precious.txt.citations.json").exists() is False
    assert "output-outside" in _codes(report)
    assert output not in report.removed
    again = build_site(_settings(site))  # the manifest written is clean
    assert "output-outside" not in _codes(again) and victim.exists()


def test_a_manifest_cannot_reach_out_through_a_link_in_the_site(site: Path) -> None:
    victim = _victim(site)
    build_site(_settings(site))
    (site / "out" / "door").symlink_to(site, target_is_directory=True)
    _ghost(site / "out" / ".citations" / "manifest.json", "door/precious.txt")
    report = build_site(_settings(site))
    assert victim.exists() and "output-outside" in _codes(report)


def test_a_manifest_cannot_delete_an_output_another_article_writes(site: Path) -> None:
    build_site(_settings(site))
    _ghost(site / "out" / ".citations" / "manifest.json", "a.html")
    build_site(_settings(site))
    assert (site / "out" / "a.html").is_file()


def test_a_record_for_another_output_does_not_pass_as_fresh(site: Path) -> None:
    build_site(_settings(site))
    manifest = site / "out" / ".citations" / "manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    data["articles"]["a.md"]["output"] = data["articles"]["b.md"]["output"]
    data["articles"]["a.md"]["output_hash"] = data["articles"]["b.md"]["output_hash"]
    manifest.write_text(json.dumps(data), "utf-8")
    (site / "out" / "a.html").unlink()
    assert build_site(_settings(site)).built == ["a.md"]
    assert (site / "out" / "a.html").is_file()


def test_a_tampered_shard_manifest_deletes_nothing_after_the_merge(site: Path, run) -> None:
    victim = _victim(site)
    build_site(_settings(site, shard=(1, 2)))
    build_site(_settings(site, shard=(2, 2)))
    shard = next((site / "out" / ".citations").glob("manifest.shard-*.json"))
    _ghost(shard, str(victim))
    merged = run("build", "articles", "-o", "out", "--merge", cwd=site)
    report = build_site(_settings(site))
    assert victim.read_text("utf-8") == "keep me\n"
    assert merged.code == 1 and "error[output-outside]" in merged.err
    assert report.built == [] and len(report.unchanged) == 3


def test_a_tampered_main_manifest_deletes_nothing_during_a_shard_build(site: Path) -> None:
    victim = _victim(site)
    build_site(_settings(site))
    _ghost(site / "out" / ".citations" / "manifest.json", str(victim))
    build_site(_settings(site, shard=(1, 2)))
    build_site(_settings(site, shard=(2, 2)))
    assert victim.exists()


DAMAGE = [
    pytest.param(b"\xff\xfe not UTF-8 \x80", id="not-utf8"),
    pytest.param(b'{"version": 1, "articles": {', id="bad-json"),
    pytest.param(b"[1, 2, 3]", id="a-list"),
    pytest.param(b'{"version": 1, "articles": []}', id="articles-a-list"),
    pytest.param(b'{"version": 1, "articles": {"a.md": "x"}}', id="record-a-string"),
    pytest.param(b'{"version": 1, "articles": {"a.md": {"output": 5}}}', id="record-short"),
    pytest.param(
        b'{"version": 1, "settings": "", "articles": {"a.md": {"output": "a.html", '
        b'"source_hash": "", "keys": [1], "deps": "", "output_hash": ""}}}',
        id="keys-not-text",
    ),
    pytest.param(b'{"version": "1"}', id="version-text"),
    pytest.param(b"[" * 100_000, id="deeply-nested"),
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_manifest_is_a_warning_and_a_full_rebuild(site: Path, damage: bytes) -> None:
    build_site(_settings(site))
    good = _outputs(site / "out")
    manifest = site / "out" / ".citations" / "manifest.json"
    manifest.write_bytes(damage)
    report = build_site(_settings(site))
    assert _codes(report) == ["manifest-damaged"]
    assert report.built == ["a.md", "b.md", "sub/c.md"]
    assert _outputs(site / "out") == good
    again = build_site(_settings(site))  # a good manifest was written
    assert again.findings == [] and again.built == [] and len(again.unchanged) == 3


def test_a_damaged_manifest_through_the_command_line(site: Path, run) -> None:
    assert run("build", "articles", "-o", "out", cwd=site).code == 0
    (site / "out" / ".citations" / "manifest.json").write_bytes(b"\x80\x81")
    result = run("build", "articles", "-o", "out", cwd=site)
    assert result.code == 0 and "warning[manifest-damaged]" in result.err
    assert "Traceback" not in result.err
    assert run("build", "articles", "-o", "out", cwd=site).err == ""


def _secret(site: Path) -> Path:
    """A file outside the source folder, as /proc/self/environ would be."""
    secret = site / "secret.md"
    secret.write_text("# Environment\n\nAPI_TOKEN=hunter2\n", "utf-8")
    (site / "articles" / "leak.md").symlink_to(secret)
    return secret


def test_a_link_to_a_file_outside_the_source_is_not_published(site: Path) -> None:
    _secret(site)
    report = build_site(_settings(site))
    assert "leak.md" not in report.built
    assert not (site / "out" / "leak.html").exists()
    assert "hunter2" not in "".join(p.decode("utf-8") for p in _outputs(site / "out").values())
    finding = next(f for f in report.findings if f.code == "article-outside-source")
    assert finding.severity == "warning" and finding.span is not None
    assert finding.span.path.endswith("leak.md")


def test_a_link_outside_is_published_with_follow_symlinks(site: Path) -> None:
    _secret(site)
    report = build_site(_settings(site, follow_symlinks=True))
    assert "leak.md" in report.built
    assert "hunter2" in (site / "out" / "leak.html").read_text("utf-8")


def test_follow_symlinks_on_the_command_line(site: Path, run) -> None:
    _secret(site)
    result = run("build", "articles", "-o", "out", cwd=site)
    assert result.code == 0 and "warning[article-outside-source]" in result.err
    assert not (site / "out" / "leak.html").exists()
    assert run("build", "articles", "-o", "out", "--strict", cwd=site).code == 1
    assert run("build", "articles", "-o", "out", "--follow-symlinks", cwd=site).code == 0
    assert (site / "out" / "leak.html").exists()
    run("build", "articles", "-o", "out", cwd=site)  # without: unpublished again
    assert not (site / "out" / "leak.html").exists()


def test_a_link_inside_the_source_is_built(site: Path) -> None:
    (site / "articles" / "again.md").symlink_to(site / "articles" / "a.md")
    report = build_site(_settings(site))
    assert "again.md" in report.built and report.findings == []


def test_no_output_is_written_through_a_link_out_of_the_site(site: Path) -> None:
    elsewhere = site / "elsewhere"
    elsewhere.mkdir()
    (site / "out").mkdir()
    (site / "out" / "sub").symlink_to(elsewhere, target_is_directory=True)
    report = build_site(_settings(site))
    assert list(elsewhere.iterdir()) == []
    assert "output-outside" in _codes(report) and "sub/c.md" not in report.built


def test_the_example_site_builds_as_before_with_links_followed(site: Path) -> None:
    plain = build_site(_settings(site, out=site / "plain"))
    followed = build_site(_settings(site, out=site / "followed", follow_symlinks=True))
    assert plain.built == followed.built
    assert _outputs(site / "plain") == _outputs(site / "followed")
