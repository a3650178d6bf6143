"""The version of citations, in one place (setup.cfg and reports read it)."""

__version__ = "0.1.0"
