"""`citations serve`: a live preview; prints what the serve package reports, stops on Ctrl-C."""

from __future__ import annotations

import signal
import traceback
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from .base import Session, cli, parse_options, report_findings
from .build import reading_options, site_folders, site_options

if TYPE_CHECKING:  # the build loads only when serving starts: `citations --help` stays quick
    from ..build import BuildReport, BuildSettings
    from ..errors import CitationsError


class _Terminal:
    """The serve package's news, printed: URLs and summaries on stdout, problems on stderr."""

    def serving(self, url: str, *, exposed: bool) -> None:
        if exposed:
            click.echo(
                "citations: warning: serving on an address other machines can reach; "
                "anyone who can reach it can read the site",
                err=True,
            )
        click.echo(f"serving {url} (Ctrl-C to stop)")

    def built(self, report: BuildReport, settings: BuildSettings) -> None:
        from ..commands.build import summary

        click.echo(summary(report, settings), nl=False)
        report_findings(report.findings)

    def failed(self, error: CitationsError) -> None:
        click.echo(f"citations: error: {error}", err=True)

    def crashed(self, error: BaseException) -> None:
        lines = traceback.format_exception(type(error), error, error.__traceback__)
        click.echo("".join(lines), err=True)
        click.echo(
            "citations: internal error: this is a bug in citations, please report it with "
            "the lines above; still serving",
            err=True,
        )


@cli.command()
@site_folders("Build into this folder, and keep it (default: a temporary one).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback is reachable by others.",
)
@site_options
@reading_options
@click.pass_obj
def serve(
    session: Session, /, src: Path | None, out: Path | None, host: str, port: int, **options: Any
) -> None:
    """Build SRC (default: articles/), serve it, and rebuild and reload pages on every change."""
    from ..serve import ServeRequest, serve_site

    options["style_options"] = parse_options(options["style_options"])
    request = ServeRequest(session.config_path, src, out, options, host, port)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` cleans up as Ctrl-C does
    try:
        serve_site(request, _Terminal())
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
