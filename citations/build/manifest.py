"""The build manifest: what each output was built from, so an unchanged one is never rebuilt."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CitationsError
from ..files import atomic_write_text
from ..findings import Finding
from ..model import Reference, Span
from .paths import Inside, outside_finding

MANIFEST_DIR = ".citations"
MANIFEST = "manifest.json"
VERSION = 1


def digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def entry_digest(ref: Reference | None) -> str:
    """An entry's content as the styles see it: type and resolved fields (crossref included)."""
    if ref is None:
        return "missing"  # a key the library lacks: its arrival must rebuild the article
    return digest(ref.type, json.dumps(sorted(ref.raw.items()), ensure_ascii=False))


@dataclass
class Built:
    """One output's record: its source, what it depended on, and what was written."""

    output: str
    source_hash: str
    keys: list[str]  # the cited keys in order of first citation (unknown ones too)
    deps: str  # digest of everything the output depends on besides the source
    output_hash: str
    sidecar: str = ""
    errors: int = 0  # error findings when built: such an output is rebuilt next time
    title: str = ""


@dataclass
class Manifest:
    settings: str = ""  # digest of the build-wide inputs (style, templates, config, version)
    articles: dict[str, Built] = field(default_factory=dict)  # source path (relative) → record

    @classmethod
    def read(cls, path: Path, out: Path) -> tuple[Manifest, list[Finding]]:
        """The manifest at `path` and what was wrong with it. Damage (not UTF-8, not JSON,
        not a manifest's shape) is a warning and an empty manifest: the site is built again
        in full and a good manifest written. A record whose output lies outside `out` is
        dropped with an error: only tampering puts one there, and it must delete nothing."""
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            return cls(), []
        except (OSError, ValueError, RecursionError) as exc:
            return cls(), [_damaged(path, exc)]
        version = data.get("version") if isinstance(data, dict) else None
        if type(version) is int and version != VERSION:
            return cls(), []  # another version's: built again, as an upgrade should be
        manifest = _parsed(data) if version == VERSION else None
        if manifest is None:
            return cls(), [_damaged(path, None)]
        findings, site = [], Inside(out)
        for rel, built in sorted(manifest.articles.items()):
            if not site.holds_output(built.output):
                del manifest.articles[rel]
                findings.append(outside_finding(path, built.output, out, "the manifest names"))
        return manifest, findings

    def write(self, path: Path) -> None:
        data: dict[str, Any] = {
            "version": VERSION,
            "settings": self.settings,
            "articles": {k: asdict(v) for k, v in sorted(self.articles.items())},
        }
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        try:
            if path.read_bytes() == text.encode("utf-8"):
                return  # a no-change build rewrites nothing
        except OSError:
            pass
        atomic_write_text(path, text)


def merge_manifests(out_dir: Path) -> tuple[Manifest, list[Path], list[Finding]]:
    """Merge the shards' manifests (`manifest.shard-K-of-N.json`) into one; returns it, them,
    and what was wrong with them (a damaged one adds nothing: its articles are built again)."""
    folder = out_dir / MANIFEST_DIR
    parts = sorted(folder.glob("manifest.shard-*.json"))
    if not parts:
        raise CitationsError(f"no shard manifests to merge in {folder}")
    merged = Manifest()
    settings = set()
    findings: list[Finding] = []
    for part in parts:
        manifest, found = Manifest.read(part, out_dir)
        findings += found
        if manifest.articles or manifest.settings:
            settings.add(manifest.settings)
        overlap = set(manifest.articles) & set(merged.articles)
        if overlap:
            raise CitationsError(
                f"{part.name} builds articles another shard built too: "
                f"{', '.join(sorted(overlap)[:3])}"
            )
        merged.articles.update(manifest.articles)
    if len(settings) > 1:
        raise CitationsError("the shards were built with different settings; build them again")
    merged.settings = settings.pop() if settings else ""
    return merged, parts, findings


# A record's fields and their types; those with defaults may be missing.
_FIELDS = {"output": str, "source_hash": str, "keys": list, "deps": str, "output_hash": str}
_DEFAULTS = {"sidecar": str, "errors": int, "title": str}


def _parsed(data: Any) -> Manifest | None:
    """The manifest in `data`, or None unless every record has the shape Built has."""
    if not isinstance(data, dict) or not isinstance(data.get("articles", {}), dict):
        return None
    articles = {}
    for rel, record in data.get("articles", {}).items():
        if not isinstance(record, dict) or not set(_FIELDS) <= set(record):
            return None
        types = {**_FIELDS, **_DEFAULTS}
        if any(name not in types or type(v) is not types[name] for name, v in record.items()):
            return None
        if not all(type(key) is str for key in record["keys"]):
            return None
        articles[rel] = Built(**record)
    settings = data.get("settings", "")
    return Manifest(settings, articles) if type(settings) is str else None


def _damaged(path: Path, error: Exception | None) -> Finding:
    line, column = 1, 1
    if isinstance(error, json.JSONDecodeError):
        line, column = error.lineno, error.colno
    reason = "not UTF-8" if isinstance(error, UnicodeDecodeError) else "not a build manifest"
    if isinstance(error, OSError):
        reason = f"cannot be read: {error.strerror}"
    return Finding(
        "manifest-damaged",
        "warning",
        f"the build manifest is {reason}; every article is built again",
        Span(str(path), line, column),
        hint="a good manifest replaces it",
    )


def files_digest(paths: Iterable[Path]) -> str:
    """The names and bytes of files (templates): a change to any of them changes the digest."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def settings_digest(values: Mapping[str, Any]) -> str:
    return digest(json.dumps(values, sort_keys=True, default=str))
