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
from ..model import Reference

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
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            return cls()  # unreadable: build everything, and write a good one
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return cls()
        try:
            articles = {k: Built(**v) for k, v in data.get("articles", {}).items()}
        except TypeError:
            return cls()
        return cls(str(data.get("settings", "")), articles)

    def write(self, path: Path) -> None:
        data: dict[str, Any] = {
            "version": VERSION,
            "settings": self.settings,
            "articles": {k: asdict(v) for k, v in sorted(self.articles.items())},
        }
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        try:
            if path.read_text("utf-8") == text:
                return  # a no-change build rewrites nothing
        except OSError:
            pass
        atomic_write_text(path, text)


def merge_manifests(out_dir: Path) -> tuple[Manifest, list[Path]]:
    """Merge the shards' manifests (`manifest.shard-K-of-N.json`) into one; returns it and them."""
    folder = out_dir / MANIFEST_DIR
    parts = sorted(folder.glob("manifest.shard-*.json"))
    if not parts:
        raise CitationsError(f"no shard manifests to merge in {folder}")
    merged = Manifest()
    settings = set()
    for part in parts:
        manifest = Manifest.read(part)
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
    merged.settings = settings.pop()
    return merged, parts


def files_digest(paths: Iterable[Path]) -> str:
    """The names and bytes of files (templates): a change to any of them changes the digest."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def settings_digest(values: Mapping[str, Any]) -> str:
    return digest(json.dumps(values, sort_keys=True, default=str))
