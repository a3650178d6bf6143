"""`citations build`: a whole site, incremental by a manifest. The pipeline is in `site`."""

from __future__ import annotations

from .model import BuildReport, BuildSettings
from .site import build_site, merge_shards

__all__ = ["BuildReport", "BuildSettings", "build_site", "merge_shards"]
