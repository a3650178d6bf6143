"""Bibliographic exchange formats read and written as plain text: CSL-JSON, RIS, MEDLINE, BibTeX."""
