"""The command line: the only module that imports click, prints, or exits."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .config import FORMATS, Config, load_config, parse_cache_dir
from .errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, CitationsError
from .findings import Finding, has_errors

MAX_WARNINGS_SHOWN = 20


class Session:
    """What every command needs: the config, loaded once, on first use."""

    def __init__(self, config_path: Path | None) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citations")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (default: ./citations.toml, or [tool.citations] in ./pyproject.toml).",
)  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Cite by key, number citations in order of appearance, and check every reference."""
    ctx.obj = Session(config_path)


@cli.command()
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--refs", "refs", multiple=True, type=click.Path(path_type=Path),
              help="A .bib file or a folder of them (repeatable). Default: refs/.")  # fmt: skip
@click.option("--to", "to", type=click.Choice(FORMATS), help="Output format (default: html).")
@click.option("--style", help="Citation style: ama (default) or vancouver.")
@click.option("-O", "--style-option", "style_options", multiple=True, metavar="NAME=VALUE",
              help="Set a style option, e.g. -O et-al-min=6 (repeatable).")  # fmt: skip
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A folder of templates that override the defaults.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write here (atomically) instead of to standard output.")  # fmt: skip
@click.option("--strict", is_flag=True, help="Fail on warnings too (e.g. uncited entries).")
@click.option("--no-cache", is_flag=True, help="Parse the library afresh; do not use the cache.")
@click.pass_obj
def render(
    session: Session,
    article: Path,
    refs: Sequence[Path],
    to: str | None,
    style: str | None,
    style_options: Sequence[str],
    templates: Path | None,
    output: Path | None,
    strict: bool,
    no_cache: bool,
) -> None:
    """Render ARTICLE (Markdown or HTML citing by [@key]) with numbered citations."""
    from .api import RenderSettings, render_file

    config = session.config
    settings = RenderSettings.from_config(
        config, refs=refs or None, to=to, style=style,
        style_options=_parse_options(style_options), templates=templates,
        cache_dir=None if no_cache else parse_cache_dir(config),
    )  # fmt: skip
    result = render_file(article, settings)
    if output is not None:
        from .files import atomic_write_text

        try:
            atomic_write_text(output, result.text)
        except OSError as exc:
            raise CitationsError(f"cannot write {output}: {exc.strerror}") from None
    else:
        click.echo(result.text, nl=False)
    _finish(result.findings, strict=strict)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--refs", "refs", multiple=True, type=click.Path(path_type=Path),
              help="A .bib file or a folder of them (repeatable). Default: refs/.")  # fmt: skip
@click.option("-f", "--format", "report_format", default="text", show_default=True,
              type=click.Choice(["text", "json", "junit", "sarif", "github"]),
              help="Report format.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report here instead of to standard output.")  # fmt: skip
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--fix", is_flag=True, help="Apply the safe, mechanical fixes to the .bib files.")
@click.option(
    "--diff", "show_diff", is_flag=True, help="Show what --fix would change; write nothing."
)
@click.option("--no-cache", is_flag=True, help="Parse the library afresh; do not use the cache.")
@click.pass_obj
def check(
    session: Session,
    paths: Sequence[Path],
    refs: Sequence[Path],
    report_format: str,
    output: Path | None,
    strict: bool,
    fix: bool,
    show_diff: bool,
    no_cache: bool,
) -> None:
    """Check the library and the articles (PATHS: files or folders; default: articles/).

    Every problem is reported once, at its place, with a stable code; see README.md.
    """
    from .checkrun import run_check_command

    config = session.config
    outcome = run_check_command(
        config, paths=paths, refs=refs, report_format=report_format,
        cache_dir=None if no_cache else parse_cache_dir(config), fix=fix, diff=show_diff,
    )  # fmt: skip
    if outcome.diff:
        click.echo(outcome.diff, nl=False)
    for line in outcome.notes:
        click.echo(line, err=True)
    if output is not None:
        from .files import atomic_write_text

        atomic_write_text(output, outcome.report)
    else:
        click.echo(outcome.report, nl=False)
    if has_errors(outcome.findings, strict=strict):
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("src", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--out", type=click.Path(path_type=Path, file_okay=False),
              help="Output folder (default: [build] out, else _site).")  # fmt: skip
@click.option(
    "--to", "to", type=click.Choice(["html", "md"]), help="Output format (default: html)."
)
@click.option("--refs", "refs", multiple=True, type=click.Path(path_type=Path),
              help="A .bib file or a folder of them (repeatable). Default: refs/.")  # fmt: skip
@click.option("--style", help="Citation style for every article without its own.")
@click.option("-O", "--style-option", "style_options", multiple=True, metavar="NAME=VALUE",
              help="Set a style option (repeatable).")  # fmt: skip
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
              help="A folder of templates that override the defaults.")  # fmt: skip
@click.option("--force", is_flag=True, help="Rebuild every output, changed or not.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; fail if an output would change or a key is missing.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the build too.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Worker processes (default: one per core).")  # fmt: skip
@click.option("--shard", metavar="K/N", help="Build only the K-th of N parts (CI matrices).")
@click.option("--merge", is_flag=True, help="Merge the shards' manifests in OUT and stop.")
@click.option("--report", "report_format", type=click.Choice(["text", "json"]), default="text",
              help="How to print what was built.")  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Parse the library afresh; do not use the cache.")
@click.pass_obj
def build(session: Session, /, src: Path | None, out: Path | None, **options: Any) -> None:
    """Render every article under SRC (default: articles/) into OUT, only what changed."""
    from .buildrun import run_build_command

    options["style_options"] = _parse_options(options["style_options"])
    options["shard"] = _parse_shard(options["shard"])
    outcome = run_build_command(session.config, src, out, options)
    click.echo(outcome.report, nl=False)
    report_findings(outcome.findings)
    failed = has_errors(outcome.findings, strict=options["strict"])
    if failed or (options["check_only"] and outcome.would_change):
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.option("--articles", "articles", multiple=True, type=click.Path(path_type=Path),
              help="Also check links in these articles (files or folders).")  # fmt: skip
@click.option("--refs", "refs", multiple=True, type=click.Path(path_type=Path),
              help="A .bib file or a folder of them (repeatable). Default: refs/.")  # fmt: skip
@click.option(
    "-f",
    "--format",
    "report_format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "junit", "sarif", "github", "markdown", "html"]),
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report here instead of to standard output.")  # fmt: skip
@click.option("--cache", type=click.Path(path_type=Path, dir_okay=False),
              help="The results cache (SQLite). Default: the user cache folder.")  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache.")
@click.option("--concurrency", type=click.IntRange(min=1), help="Requests at once (32).")
@click.option("--per-host", type=click.IntRange(min=1), help="Requests at once to one host (4).")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds per request (20).")
@click.option("--deadline", type=click.FloatRange(min=1), help="Seconds for the whole run (600).")
@click.option("--user-agent", help="The User-Agent header.")
@click.option("--exclude", multiple=True, metavar="REGEX", help="Skip matching URLs (repeatable).")
@click.option("--accept", metavar="CODES", help="Accepted status codes, e.g. 200-299,403.")
@click.option("--no-private", is_flag=True,
              help="Refuse loopback, private and link-local hosts.")  # fmt: skip
@click.option("--fail-on", metavar="OUTCOMES",
              help="Outcomes that fail the run, comma-separated (default: broken).")  # fmt: skip
@click.option("--fail-after", type=click.IntRange(min=1),
              help="transient/blocked fail only after N consecutive failing runs.")  # fmt: skip
@click.option("--changed-since", metavar="GIT_REV",
              help="Only entries whose content changed since this git revision.")  # fmt: skip
@click.option("--ca-bundle", type=click.Path(path_type=Path, dir_okay=False),
              help="Trust the certificates in this file too.")  # fmt: skip
@click.pass_obj
def links(session: Session, /, **options: Any) -> None:
    """Check every URL and DOI of the library (and of --articles): fast, polite, honest."""
    from .linkrun import run_links_command

    progress = _progress_printer() if sys.stderr.isatty() and not os.environ.get("CI") else None
    outcome = run_links_command(session.config, options, progress)
    if progress is not None:
        click.echo("", err=True)
    if options["output"] is not None:
        from .files import atomic_write_text

        atomic_write_text(options["output"], outcome.report)
    else:
        click.echo(outcome.report, nl=False)
    if outcome.failed:
        sys.exit(EXIT_FINDINGS)


def _progress_printer() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {done}/{total}", err=True, nl=False)

    return show


@cli.command()
def styles() -> None:
    """List the built-in citation styles and their options."""
    from dataclasses import fields

    from .styles import STYLES

    for name, cls in STYLES.items():
        click.echo(f"{name}: {cls.description}")
        defaults = cls.Options()
        for f in fields(defaults):
            click.echo(f"  {f.name.replace('_', '-')} = {_toml(getattr(defaults, f.name))}")


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


def _parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    """`-O et-al-min=6 -O show-doi=false` → {"et-al-min": 6, "show-doi": False}."""
    import tomllib

    options: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got '{pair}'", param_hint="-O")
        try:
            options[name.strip()] = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            options[name.strip()] = value.strip()
    return options


def _parse_shard(value: str | None) -> tuple[int, int] | None:
    """`--shard 2/4` → (2, 4)."""
    if not value:
        return None
    k, sep, n = value.partition("/")
    if not (sep and k.strip().isdigit() and n.strip().isdigit() and 1 <= int(k) <= int(n)):
        raise click.BadParameter(
            f"expected K/N with 1 <= K <= N, got '{value}'", param_hint="--shard"
        )
    return int(k), int(n)


def _finish(findings: list[Finding], *, strict: bool) -> None:
    report_findings(findings)
    if has_errors(findings, strict=strict):
        sys.exit(EXIT_FINDINGS)


def report_findings(findings: list[Finding]) -> None:
    """Findings on standard error, `path:line:col: severity[code] message (hint)`."""
    shown_warnings = 0
    hidden = 0
    for finding in findings:
        if finding.severity != "error":
            shown_warnings += 1
            if shown_warnings > MAX_WARNINGS_SHOWN:
                hidden += 1
                continue
        click.echo(str(finding), err=True)
    if hidden:
        click.echo(f"... and {hidden} more warnings (run `citations check` for all)", err=True)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: one place turns exceptions into a message and an exit code."""
    try:
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if isinstance(exc, click.UsageError) else exc.exit_code)
    except CitationsError as exc:
        click.echo(f"citations: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception:
        click.echo(traceback.format_exc(), err=True)
        click.echo(
            "citations: internal error: this is a bug in citations, please report it "
            "with the lines above.", err=True,
        )  # fmt: skip
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_OK)
