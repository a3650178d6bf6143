"""`citations build` as a function: [build] settings and options → BuildSettings → a report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build import BuildReport, BuildSettings, build_site, merge_shards
from ..config import Config
from ..errors import ConfigError
from ..files import shown
from ..findings import Finding
from ..render.settings import RenderSettings
from ..wording import plural

_KEYS = {"src", "out", "to", "numbering", "bibliography", "sidecars", "jobs"}


@dataclass
class BuildOutcome:
    report: str
    findings: list[Finding] = field(default_factory=list)
    would_change: bool = False


def build_settings(
    config: Config, src: Path | None, out: Path | None, options: dict[str, Any]
) -> BuildSettings:
    """[build] with the command line's options (click's names) over it."""
    table = config.read("build", _KEYS)
    base = config.base
    numbering = table.text("numbering", "article")
    if numbering not in ("article", "continuous"):
        where = config.span_of("numbering", "build")
        raise ConfigError("build.numbering must be 'article' or 'continuous'", where)
    render = RenderSettings.from_config(
        config,
        refs=options.get("refs") or None,
        to=options.get("to") or table.text("to", "") or None,
        style=options.get("style"),
        style_options=options.get("style_options") or {},
        templates=options.get("templates"),
        cache_dir=None if options.get("no_cache") else config.cache_folder(),
    )
    if render.to not in ("html", "md"):
        where = config.span_of("to", "build") if "to" in table else config.span_of("to")
        raise ConfigError(f"build writes html or md, not '{render.to}'", where)
    return BuildSettings(
        render=render,
        src=src or shown(base / table.text("src", "articles")),
        out=out or shown(base / table.text("out", "_site")),
        force=bool(options.get("force")),
        follow_symlinks=bool(options.get("follow_symlinks")),
        check=bool(options.get("check_only")),
        jobs=int(options.get("jobs") or table.whole("jobs", 0)),
        shard=options.get("shard"),
        numbering=numbering,
        bibliography=table.text("bibliography", "") or None,
        sidecars=table.flag("sidecars", True),
    )


def run_build_command(
    config: Config, src: Path | None, out: Path | None, options: dict[str, Any]
) -> BuildOutcome:
    settings = build_settings(config, src, out, options)
    if options.get("merge"):
        parts, findings = merge_shards(settings.out)
        merged = plural(len(parts), "shard manifest")
        return BuildOutcome(f"merged {merged} into {settings.out}\n", findings)
    report = build_site(settings)
    text = (
        json.dumps(report.to_dict(), indent=2) + "\n"
        if options.get("report_format") == "json"
        else summary(report, settings)
    )
    return BuildOutcome(text, report.findings, bool(report.changed))


def summary(report: BuildReport, settings: BuildSettings) -> str:
    """One line for people: what was built, and where."""
    if settings.check:
        if not report.changed:
            return f"up to date: {plural(len(report.unchanged) + len(report.built), 'article')}\n"
        lines = [f"would change: {name}" for name in report.changed]
        return "\n".join(lines) + f"\n{plural(len(report.changed), 'output')} would change\n"
    parts = [f"built {len(report.built)}", f"unchanged {len(report.unchanged)}"]
    if report.removed:
        parts.append(f"removed {len(report.removed)}")
    return f"{', '.join(parts)} in {report.seconds:.2f} s → {settings.out}\n"
