"""The BibTeX library: the only package that imports bibtexparser. Loading is in `load`."""

from __future__ import annotations

from .load import DecodedFields, Library, ParsedNames, find_bib_files, load_library

__all__ = ["DecodedFields", "Library", "ParsedNames", "find_bib_files", "load_library"]
