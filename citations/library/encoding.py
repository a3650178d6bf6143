"""What a file's bytes are when they are not UTF-8 text: UTF-16 or UTF-32 (BOM or not), or NULs."""

from __future__ import annotations

from dataclasses import dataclass

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
