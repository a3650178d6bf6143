"""What a file's bytes are: UTF-8, an encoding a .bib file declares or the settings name, or
not text at all (UTF-16 or UTF-32, BOM or not, or NULs)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# UTF-32's BOMs first: UTF-32LE's starts with UTF-16LE's.
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32LE"),
    (b"\x00\x00\xfe\xff", "UTF-32BE"),
    (b"\xff\xfe", "UTF-16LE"),
    (b"\xfe\xff", "UTF-16BE"),
)
# Where ASCII text leaves NUL bytes in each group of four, by encoding.
_NUL_PATTERNS = (
    ((False, True, True, True), "UTF-32LE"),
    ((True, True, True, False), "UTF-32BE"),
    ((False, True, False, True), "UTF-16LE"),
    ((True, False, True, False), "UTF-16BE"),
)
_SAMPLE = 4096


@dataclass(frozen=True)
class NotText:
    """Why bytes are not UTF-8 text, and where: the encoding they are in, if one is known."""

    message: str
    hint: str
    line: int = 1
    column: int = 1


def not_text(data: bytes) -> NotText | None:
    """UTF-16 or UTF-32 text (told by its BOM, or by the NUL bytes its ASCII characters carry)
    or any other NUL byte: valid UTF-8, but never a .bib file or an article, and read as one
    it gave no entries and no finding. None for everything else."""
    wide = wide_encoding(data)
    if wide is not None:
        return NotText(
            f"{wide} text, not UTF-8",
            f"save the file as UTF-8 (e.g. iconv -f {wide} -t UTF-8)",
        )
    at = data.find(b"\x00")
    if at < 0:
        return None
    line = data.count(b"\n", 0, at) + 1
    column = at - (data.rfind(b"\n", 0, at) + 1) + 1
    return NotText("not text: a NUL byte (0x00)", "save the file as UTF-8 text", line, column)


def wide_encoding(data: bytes) -> str | None:
    """UTF-16LE, UTF-16BE, UTF-32LE or UTF-32BE if `data` looks like it, else None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    sample = data[: _SAMPLE - _SAMPLE % 4] if len(data) >= 4 else b""
    if b"\x00" not in sample:
        return None
    quarter = len(sample) // 4
    # Most bytes at a place in the group are NUL, or few are: mixed text matches neither.
    mostly = tuple(sample[i::4].count(0) * 2 > quarter for i in range(4))
    rarely = tuple(sample[i::4].count(0) * 10 < quarter for i in range(4))
    for pattern, name in _NUL_PATTERNS:
        if all(m if nul else r for m, r, nul in zip(mostly, rarely, pattern, strict=True)):
            return name
    return None


# JabRef writes `% Encoding: windows-1252` as a file's first line; some tools write it later
# in the header. Looked for in the bytes before the first entry.
_DECLARED = re.compile(rb"^%[ \t]*Encoding:[ \t]*([A-Za-z0-9_.:-]+)", re.MULTILINE)
_HEADER = 4096
FALLBACK = "cp1252"  # what files that are not UTF-8 and say nothing are, far more often than not


@dataclass(frozen=True)
class Encodings:
    """The `[library] encoding` settings: one encoding for every file that is not UTF-8,
    and/or one per file (resolved path → codec name), which wins over what the file says."""

    default: str | None = None
    files: Mapping[Path, str] = field(default_factory=dict)

    def for_file(self, path: Path) -> str | None:
        return self.files.get(path.resolve()) if self.files else None


@dataclass(frozen=True)
class Decoded:
    """A .bib file's text, the codec it was read with, and a warning if that was a guess."""

    text: str
    encoding: str  # a Python codec name: "utf-8" (a BOM, if any, is not in `text`), "cp1252"...
    bom: bool = False
    guessed: NotText | None = None


def declared_encoding(content: bytes) -> str | None:
    """The encoding a file's header names (`% Encoding: ...`), if Python knows it."""
    m = _DECLARED.search(content, 0, _HEADER)
    return codec_name(m.group(1).decode("ascii")) if m else None


def codec_name(name: str) -> str | None:
    """Python's name for an encoding (`windows-1252` → `cp1252`), or None if unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bib(content: bytes, path: Path, encodings: Encodings | None = None) -> Decoded:
    """A .bib file's bytes as text: in the encoding set for the file, else UTF-8 if they are
    (or ASCII text in the encoding the header declares), else the declared encoding, else the
    `[library] encoding`, else Windows-1252 with a warning (Latin-1 where Windows-1252 leaves
    a byte undefined). Raises UnicodeDecodeError if an encoding set or declared does not fit.
    """
    chosen = encodings.for_file(path) if encodings else None
    declared = declared_encoding(content)
    if declared == "utf-8":
        declared = None  # a file that says UTF-8 and is not: a guess, as if it said nothing
    if chosen is None:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            utf8_error: UnicodeDecodeError | None = exc
        else:
            if declared is None or not content.isascii():
                bom = text.startswith("\ufeff")
                return Decoded(text[1:] if bom else text, "utf-8", bom)
            utf8_error = None
        chosen = declared or (encodings.default if encodings else None)
        if chosen is None and utf8_error is not None:
            return _guessed(content, utf8_error)
    return Decoded(content.decode(chosen or "utf-8"), chosen or "utf-8")


def _guessed(content: bytes, error: UnicodeDecodeError) -> Decoded:
    line = content.count(b"\n", 0, error.start) + 1
    column = error.start - (content.rfind(b"\n", 0, error.start) + 1) + 1
    try:
        text, used, name = content.decode(FALLBACK), FALLBACK, "Windows-1252"
    except UnicodeDecodeError:
        text, used, name = content.decode("latin-1"), "latin-1", "Latin-1"
    byte = content[error.start]
    return Decoded(
        text,
        used,
        guessed=NotText(
            f"not UTF-8 (byte 0x{byte:02x}) and no encoding declared: read as {name}",
            f"convert it (iconv -f {used} -t utf-8), or set [library] encoding",
            line,
            column,
        ),
    )
