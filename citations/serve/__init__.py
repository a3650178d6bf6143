"""`citations serve`: a live preview of the site, built again as its files change."""

from __future__ import annotations

from .loop import serve_site
from .model import Listener, Problem, ServeRequest

__all__ = ["Listener", "Problem", "ServeRequest", "serve_site"]
