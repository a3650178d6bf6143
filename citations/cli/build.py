"""`citations build`: a whole site."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import EXIT_FINDINGS
from ..findings import has_errors
from .base import Session, cli, parse_options, parse_shard, refs_option, report_findings


def site_folders(out_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """SRC and -o OUT, for `build` and `serve`."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        out = click.Path(path_type=Path, file_okay=False)
        command = click.option("-o", "--out", type=out, help=out_help)(command)
        folder = click.Path(path_type=Path, file_okay=False)
        return click.argument("src", required=False, type=folder)(command)

    return add


def site_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """How the site is rendered: options `build` and `serve` share."""
    for option in reversed(
        [
            click.option(
                "--to",
                "to",
                type=click.Choice(["html", "md"]),
                help="Output format (default: html).",
            ),
            refs_option,
            click.option("--style", help="Citation style for every article without its own."),
            click.option(
                "-O",
                "--style-option",
                "style_options",
                multiple=True,
                metavar="NAME=VALUE",
                help="Set a style option (repeatable).",
            ),
            click.option(
                "--templates",
                type=click.Path(path_type=Path, file_okay=False),
                help="A folder of templates that override the defaults.",
            ),
        ]
    ):
        command = option(command)
    return command


def reading_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """How the library and articles are read: options `build` and `serve` share."""
    command = click.option(
        "--follow-symlinks",
        is_flag=True,
        help="Build articles that are links to files outside SRC (skipped by default).",
    )(command)
    return click.option(
        "--no-cache", is_flag=True, help="Parse the library afresh; do not use the cache."
    )(command)


@cli.command()
@site_folders("Output folder (default: [build] out, else _site).")
@site_options
@click.option("--force", is_flag=True, help="Rebuild every output, changed or not.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; fail if an output would change or a key is missing.",
)
@click.option("--strict", is_flag=True, help="Warnings fail the build too.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes (default: one per core).",
)
@click.option("--shard", metavar="K/N", help="Build only the K-th of N parts (CI matrices).")
@click.option("--merge", is_flag=True, help="Merge the shards' manifests in OUT and stop.")
@click.option(
    "--report",
    "report_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="How to print what was built.",
)
@reading_options
@click.pass_obj
def build(session: Session, /, src: Path | None, out: Path | None, **options: Any) -> None:
    """Render every article under SRC (default: articles/) into OUT, only what changed."""
    from ..commands.build import run_build_command

    options["style_options"] = parse_options(options["style_options"])
    options["shard"] = parse_shard(options["shard"])
    outcome = run_build_command(session.config, src, out, options)
    click.echo(outcome.report, nl=False)
    report_findings(outcome.findings)
    failed = has_errors(outcome.findings, strict=options["strict"])
    if failed or (options["check_only"] and outcome.would_change):
        sys.exit(EXIT_FINDINGS)
