"""`citations render` and `citations styles`: one article, and the styles."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..config import FORMATS
from ..errors import CitationsError
from .base import Session, cli, finish, parse_options, refs_option


@cli.command()
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False))
@refs_option
@click.option("--to", "to", type=click.Choice(FORMATS), help="Output format (default: html).")
@click.option("--style", help="Citation style: ama (default) or vancouver.")
@click.option(
    "-O",
    "--style-option",
    "style_options",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a style option, e.g. -O et-al-min=6 (repeatable).",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of templates that override the defaults.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here (atomically) instead of to standard output.",
)
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
    from ..commands.render import RenderSettings, render_file

    config = session.config
    settings = RenderSettings.from_config(
        config,
        refs=refs or None,
        to=to,
        style=style,
        style_options=parse_options(style_options),
        templates=templates,
        cache_dir=None if no_cache else config.cache_folder(),
    )
    result = render_file(article, settings)
    if output is not None:
        from ..files import atomic_write_text

        try:
            atomic_write_text(output, result.text)
        except OSError as exc:
            raise CitationsError(f"cannot write {output}: {exc.strerror}") from None
    else:
        click.echo(result.text, nl=False)
    finish(result.findings, strict=strict)


@cli.command()
def styles() -> None:
    """List the built-in citation styles and their options, with what each does."""
    from dataclasses import fields

    from ..render.styles import STYLES, StyleOptions
    from ..render.styles.base import option_help

    shared = {f.name for f in fields(StyleOptions)}
    for name, cls in STYLES.items():
        click.echo(f"{name}: {cls.description}")
        defaults = cls.Options()
        rows = [
            (
                f"{f.name.replace('_', '-')} = {_toml(getattr(defaults, f.name))}",
                ("" if f.name in shared else f"({name} only) ") + option_help(cls.Options, f.name),
            )
            for f in fields(defaults)
        ]
        width = max(len(setting) for setting, _ in rows)
        for setting, text in rows:
            click.echo(f"  {setting:<{width}}  {text}".rstrip())
    click.echo(
        "\nSet them for every style under [style-options] in citations.toml, for one style "
        "under [style-options.<style>], or for one run with -O NAME=VALUE."
    )


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
