"""The command line end to end: outputs, and one clear message per bad input, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_process

REFS = FIXTURES / "render" / "refs.bib"
ARTICLE = FIXTURES / "render" / "article.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: refs/ with two entries, and an article citing both."""
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "main.bib").write_text(
        "@article{park2023acupuncture,\n  author = {Park, Hyun Suk},\n  title = {T},\n"
        "  journal = {J},\n  year = {2023}\n}\n\n"
        "@article{wu2016efficacy,\n  author = {Wu, Ming-Shun},\n  title = {U},\n"
        "  journal = {J},\n  year = {2016}\n}\n",
        "utf-8",
    )
    (tmp_path / "a.md").write_text(
        "Text [@park2023acupuncture].\nMore [@wu2016efficacy].\n", "utf-8"
    )
    return tmp_path


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err


def test_render_to_a_file_is_atomic(run, project: Path) -> None:
    result = run("render", "a.md", "-o", "out/a.html", cwd=project)
    assert result.code == 0, result.err
    assert result.out == ""
    assert (project / "out" / "a.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in (project / "out").iterdir()] == ["a.html"]  # no temporary left


def test_unknown_key_names_place_and_suggests(run, project: Path) -> None:
    (project / "a.md").write_text("Intro.\n\nText [@park2023acupunctur].\n", "utf-8")
    result = run("render", "a.md", cwd=project)
    assert result.code == 1
    assert "a.md:3:7: error[unknown-key]" in result.err
    assert "did you mean 'park2023acupuncture'?" in result.err
    assert "park2023acupunctur?" in result.out  # the page still shows where it is missing
    _no_traceback(result.err)


def test_duplicate_key_across_files_names_both_places(run, project: Path) -> None:
    (project / "refs" / "more.bib").write_text(
        "% again\n@article{wu2016efficacy, title = {Again}, year = 2017}\n", "utf-8"
    )
    result = run("render", "a.md", cwd=project)
    assert result.code == 1
    assert "refs/more.bib:2:1: error[duplicate-key]" in result.err
    assert "the first definition at refs/main.bib:8:1 is used" in result.err


def test_malformed_bibtex_names_file_and_line(run, project: Path) -> None:
    with (project / "refs" / "main.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@article{broken,\n  title = {no end\n\n@article{fine, title={F}}\n")
    result = run("render", "a.md", cwd=project)
    assert result.code == 1
    assert result.err.startswith("refs/main.bib:15:1: error[bib-syntax]")
    _no_traceback(result.err)


def test_non_utf8_library(run, project: Path) -> None:
    (project / "refs" / "latin.bib").write_bytes(b"@article{x,\n  title = {Caf\xe9}\n}\n")
    result = run("render", "a.md", cwd=project)
    assert result.code == 0
    assert "latin.bib:2:1: warning[bib-encoding] not UTF-8 (byte 0xe9)" in result.err


def test_strict_fails_on_uncited_entries(run, project: Path) -> None:
    (project / "a.md").write_text("Only [@wu2016efficacy].\n", "utf-8")
    lenient = run("render", "a.md", cwd=project)
    assert lenient.code == 0
    assert "main.bib:1:1: warning[uncited-entry]" in lenient.err
    assert run("render", "a.md", "--strict", cwd=project).code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--style", "amaa"], "unknown style 'amaa' (did you mean 'ama'?)", id="style"),
        pytest.param(
            ["-O", "et-al-mn=3"], "unknown option 'et-al-mn' for style 'ama'", id="style-option"
        ),
        pytest.param(["--refs", "nowhere.bib"], "no such file or folder: nowhere.bib", id="refs"),
        pytest.param(["--templates", "nowhere"], "templates folder not found", id="templates"),
    ],
)
def test_bad_setup_is_one_clear_message(run, project: Path, args: list[str], message: str) -> None:
    result = run("render", "a.md", *args, cwd=project)
    assert result.code == 3
    assert result.err.startswith("citations: error:")
    assert message in result.err
    _no_traceback(result.err)


def test_missing_article(run, project: Path) -> None:
    result = run("render", "missing.md", cwd=project)
    assert result.code == 3
    assert "cannot read article missing.md" in result.err


def test_broken_template_names_file_and_line(run, project: Path) -> None:
    templates = project / "tpl"
    templates.mkdir()
    (templates / "references.html").write_text(
        "<ol>\n{% for r in references %}\n{{ r.number }\n", "utf-8"
    )
    result = run("render", "a.md", "--templates", "tpl", cwd=project)
    assert result.code == 3
    assert "tpl/references.html:3:" in result.err and "template syntax error" in result.err
    (templates / "references.html").write_text("<ol>\n\n{{ references[0].nope.deeper }}\n", "utf-8")
    result = run("render", "a.md", "--templates", "tpl", cwd=project)
    assert result.code == 3
    assert "tpl/references.html:3:" in result.err
    _no_traceback(result.err)


def test_bad_config_names_file_and_line(run, project: Path) -> None:
    (project / "citations.toml").write_text('style = "ama"\nrefs = [\n', "utf-8")
    result = run("render", "a.md", cwd=project)
    assert result.code == 3
    assert "citations.toml:" in result.err and "invalid TOML" in result.err
    (project / "citations.toml").write_text('stlye = "ama"\n', "utf-8")
    result = run("render", "a.md", cwd=project)
    assert result.code == 3
    assert "unknown setting 'stlye' (did you mean 'style'?)" in result.err


def test_config_sets_defaults_and_the_command_line_wins(run, project: Path) -> None:
    (project / "citations.toml").write_text('to = "txt"\nstyle = "vancouver"\n', "utf-8")
    assert run("render", "a.md", cwd=project).out.startswith("Text.¹")
    assert run("render", "a.md", "--to", "md", cwd=project).out.startswith(
        'Text.<span class="citation" id="cite-1"><sup><a href="#ref-park2023acupuncture"'
    )
    explicit = project / "other.toml"
    explicit.write_text('to = "md"\n', "utf-8")
    assert run("--config", explicit, "render", "a.md", cwd=project).out.startswith(
        'Text.<span class="citation"'
    )


def test_usage_errors_exit_2(run) -> None:
    result = run("render")
    assert result.code == 2
    assert "Missing argument" in result.err
    assert run("render", "a.md", "--to", "pdf").code == 2


def test_styles_lists_options(run) -> None:
    result = run("styles")
    assert result.code == 0
    assert "ama: AMA Manual of Style" in result.out and "et-al-min = 7" in result.out


def test_styles_says_in_one_line_what_each_option_does(run) -> None:
    from dataclasses import fields

    from citations.render.styles import STYLES

    lines = run("styles").out.splitlines()
    for name, style in STYLES.items():
        start = lines.index(next(line for line in lines if line.startswith(f"{name}: ")))
        for n, option in enumerate(f.name for f in fields(style.Options)):
            line = lines[start + 1 + n]
            setting, _, words = line.strip().partition("  ")
            assert setting.startswith(option.replace("_", "-") + " = ")
            assert len(words.split()) >= 4, line
    assert "  elide-pages = true       (vancouver only) shorten" in run("styles").out


def test_the_console_script_runs_from_the_repository_root() -> None:
    proc = run_process("render", "articles/acupuncture-for-hip-pain.md", "--to", "txt", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "References and Clinical Sources" in proc.stdout


def test_bad_style_in_the_config_names_its_line(run, project: Path) -> None:
    (project / "citations.toml").write_text('refs = ["refs"]\nstyle = "apa"\n', "utf-8")
    result = run("render", "a.md", cwd=project)
    assert result.code == 3
    assert "citations.toml:2:1: unknown style 'apa'" in result.err
    (project / "citations.toml").write_text(
        'style = "ama"\n\n[style-options]\net-al-min = 6\n  show-dio = false\n', "utf-8"
    )
    result = run("render", "a.md", cwd=project)
    assert result.code == 3
    assert "citations.toml:5:3: unknown option 'show-dio' for style 'ama'" in result.err
    assert "did you mean 'show-doi'?" in result.err


def test_a_bad_command_line_option_is_blamed_on_the_command_line(run, project: Path) -> None:
    (project / "citations.toml").write_text("[style-options]\net-al-min = 6\n", "utf-8")
    result = run("render", "a.md", "-O", "et-al-min=abc", cwd=project)
    assert result.code == 3
    assert "-O et-al-min: style option 'et-al-min' must be a whole number" in result.err
    assert "citations.toml" not in result.err
    _no_traceback(result.err)


AUTHORS_SIX = "Wu MS, Chen KH, Chen IF, et al."
SIX_AUTHORS = (
    "@article{six, author = {Wu, Mei-Shiuan and Chen, Kuo-Hsun and Chen, I-Feng and Huang,"
    " Shih K. and Tzeng, Pei-Chuan and Yeh, Mei-Ling}, title = {T}, journal = {J}, year = 2016}\n"
)


def _txt(run, project: Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    (project / "refs" / "main.bib").write_text(SIX_AUTHORS, "utf-8")
    (project / "a.md").write_text("Pain [@six].\n", "utf-8")
    result = run("render", "a.md", "--to", "txt", *args, cwd=project)
    assert result.code == 0, result.err
    return str(result.out)


def test_style_options_for_every_style_apply_whatever_style_is_chosen(run, project: Path) -> None:
    (project / "citations.toml").write_text(
        "[style-options]\net-al-min = 6\net-al-use-first = 3\n", "utf-8"
    )
    assert AUTHORS_SIX in _txt(run, project)
    assert AUTHORS_SIX in _txt(run, project, "--style", "vancouver")


def test_style_options_of_one_style_apply_to_that_style_only(run, project: Path) -> None:
    (project / "citations.toml").write_text(
        "[style-options.vancouver]\net-al-min = 6\net-al-use-first = 3\n"
        "[style-options.ama]\ntitle-case-books = false\n",
        "utf-8",
    )
    assert AUTHORS_SIX in _txt(run, project, "--style", "vancouver")
    assert AUTHORS_SIX not in _txt(run, project)  # AMA lists six authors in full


@pytest.mark.parametrize(
    ("toml", "where", "message"),
    [
        pytest.param("[style-options]\nelide-pages = false\n", "citations.toml:2:1",
                     "unknown option 'elide-pages' for style 'ama' (it is an option of vancouver "
                     "only: put it under [style-options.vancouver])", id="shared-but-not-ama"),
        pytest.param("[style-options.ama]\nelide-pages = false\n", "citations.toml:2:1",
                     "unknown option 'elide-pages' for style 'ama'", id="in-the-ama-table"),
        pytest.param("[style-options.vancouver]\nshow-dio = false\n", "citations.toml:2:1",
                     "unknown option 'show-dio' for style 'vancouver'", id="another-styles-table"),
        pytest.param("\n[style-options.apa]\net-al-min = 3\n", "citations.toml:2:1",
                     "unknown style 'apa' in [style-options.apa]", id="unknown-style"),
    ],
)  # fmt: skip
def test_an_option_a_style_does_not_know_is_reported(
    run, project: Path, toml: str, where: str, message: str
) -> None:
    (project / "citations.toml").write_text(toml, "utf-8")
    result = run("render", "a.md", cwd=project)
    assert result.code == 3
    assert f"{where}: {message}" in result.err
    _no_traceback(result.err)


def test_an_article_picking_its_style_gets_that_styles_options(run, project: Path) -> None:
    _txt(run, project)  # writes the six-author library and an article citing it
    (project / "src").mkdir()
    (project / "src" / "a.md").write_text("---\nstyle: vancouver\n---\nPain [@six].\n", "utf-8")
    (project / "citations.toml").write_text(
        "[style-options.vancouver]\net-al-min = 6\net-al-use-first = 3\n", "utf-8"
    )
    result = run("build", "src", "-o", "site", "--to", "md", cwd=project)
    assert result.code == 0, result.err
    assert AUTHORS_SIX in (project / "site" / "a.md").read_text("utf-8")


def test_render_against_a_large_library_says_once_what_it_does_not_cite(run, project: Path) -> None:
    entries = "".join(f"@misc{{e{n}, title = {{T{n}}}, year = 2020}}\n" for n in range(200))
    (project / "refs" / "more.bib").write_text(entries, "utf-8")
    result = run("render", "a.md", cwd=project)
    assert result.code == 0, result.err
    lines = [line for line in result.err.splitlines() if "uncited-entry" in line]
    assert lines == [
        "refs/more.bib:1:1: warning[uncited-entry] 200 library entries are not cited by a.md "
        "(`citations check a.md` lists them)"
    ]
    assert run("render", "a.md", "--strict", cwd=project).code == 1


@pytest.mark.parametrize("name", ["refs/main.bib", "notes.txt"])
def test_render_of_a_bibtex_file_says_it_is_not_an_article(run, project: Path, name: str) -> None:
    if name == "notes.txt":
        (project / name).write_text("% a library by another name\n\n@book{k, title={T}}\n")
    result = run("render", name, cwd=project)
    assert result.code == 3
    assert f"{name} is a BibTeX library, not an article" in result.err
    assert f"citations render ARTICLE --refs {name}" in result.err
    _no_traceback(result.err)
