"""Credentials written into URLs (`https://user:password@host/`), kept out of everything shown
or stored: reports, findings, the cache."""

from __future__ import annotations

import re

# `scheme://userinfo@`: the authority ends at the first /, ? or #, and its userinfo at its
# last @, as both urlsplit and urllib3 read it.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/?#\s@]*(?:@[^/?#\s@]*)*)@")


def redact(text: str) -> str:
    """`text` with the password of every URL in it as `***` (`https://user:***@host/`), and a
    user name standing alone (often a token: `https://ghp_x@github.com/`) as `***`."""
    return _USERINFO.sub(_redacted, text) if "@" in text else text


def _redacted(match: re.Match[str]) -> str:
    user, colon, _ = match.group(2).partition(":")
    return f"{match.group(1)}{user}:***@" if colon else f"{match.group(1)}***@"
