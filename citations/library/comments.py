"""Text bibtexparser cannot read the way BibTeX and biber do, rewritten in place before it
parses: `%` comments between an entry's fields, block starts with space around the type,
and block starts on a line a `%` comments out (biber skips them, bibtexparser did not).

biblatex files often keep a field commented out inside an entry (`% editora = {...},`).
biber reads `%` to the end of the line as a comment anywhere outside a value; bibtexparser
v2 takes it as part of the next field's name, or fails the whole entry where the comment
holds a `,` or `=`. It has no option for this, so the text is pre-processed: each such
comment is replaced by as many spaces. Lines, columns and character offsets stay where they
were, so findings point into the file as written and edits (which read the blanked text and
change the original) keep every byte of the comments.

BibTeX also allows blank space, line breaks included, after the `@` and between the type and
its `{` (`@article` on one line, `{key,` on the next); bibtexparser's splitter takes only
spaces and tabs before the brace, and treated the rest as comment text, dropping the entry
without a word. Such a start is rewritten with the same characters in another order
(`@` type `{` then the blank space), so that no line or later offset moves.
"""

from __future__ import annotations

import bisect
import re

# Where a block starts, as the splitter finds it: `@type{` or `@type(`.
_BLOCK = re.compile(r"@[A-Za-z]\w*[ \t]*([{(])")
# Inside a block: a brace or quote that is not escaped, a closing parenthesis, a comment.
_MARKS = re.compile(r'(?<!\\)[{}"]|\)|%[^\r\n]*')
_PERCENT = re.compile("%")
_NOT_BLANKED = frozenset({"comment"})  # @comment's text is not BibTeX


# A block start at the beginning of a line with blank space the splitter does not take: after
# the `@`, or a line break before the delimiter.
_SPACED_START = re.compile(
    r"^([ \t]*@)([ \t\r\n]+)?([A-Za-z]\w*)([ \t]*\r?\n[ \t\r\n]*|[ \t]*)([{(])", re.MULTILINE
)


def prepare(text: str) -> str:
    """`text` as bibtexparser must see it to read it as biber does (see the module's doc):
    the same length, every line where it was."""
    return blank_comments(_joined_starts(_commented_starts(text)))


# A block start on a line that a `%` comments out (`%@Abstract{Abstract:,`, a template kept
# in the file): biber skips the line; bibtexparser took the `@` for a block, which then ran
# on through the `%}` that closed it, and its line count went wrong for the rest of the file.
_COMMENTED_START = re.compile(
    r"^([ \t]*%[^\r\n]*?)@(?=[ \t]*[A-Za-z][\w-]*[ \t]*[{(])", re.MULTILINE
)


def _commented_starts(text: str) -> str:
    if "%" not in text:
        return text
    return _COMMENTED_START.sub(r"\1 ", text)


# What every such start holds, found at the speed of a search for `@`.
_CANDIDATE = re.compile(r"@(?:[ \t\r\n]|[A-Za-z]\w*[ \t]*\r?\n[ \t\r\n]*[{(])")


def _joined_starts(text: str) -> str:
    if _CANDIDATE.search(text) is None:
        return text  # nearly every file
    return _SPACED_START.sub(_join, text)


def _join(m: re.Match[str]) -> str:
    before, after = m.group(2) or "", m.group(4)
    if not before and "\n" not in after:
        return m.group()  # already what the splitter reads
    return f"{m.group(1)}{m.group(3)}{m.group(5)}{before}{after}"


def blank_comments(text: str) -> str:
    """`text` with every `%` comment between the fields of a block replaced by spaces."""
    first = _BLOCK.search(text)
    if first is None or text.find("%", first.start()) < 0:
        return text  # most files: nothing to look at, or only a header before any block
    percents = [m.start() for m in _PERCENT.finditer(text, first.start())]
    blocks = list(_BLOCK.finditer(text))
    starts = [b.start() for b in blocks]
    spans: list[tuple[int, int]] = []
    scanned = -1  # blocks are scanned once each, in order
    for at in percents:
        index = bisect.bisect_right(starts, at) - 1
        if index <= scanned:
            continue  # before the first block, or in a block already scanned
        scanned = index
        block = blocks[index]
        if block.group()[1:].rstrip("{( \t").lower() not in _NOT_BLANKED:
            _comments(text, block, spans)
    if not spans:
        return text
    out, pos = [], 0
    for start, end in spans:
        out += [text[pos:start], " " * (end - start)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _comments(text: str, block: re.Match[str], spans: list[tuple[int, int]]) -> None:
    """Add the block's comments between fields to `spans`, up to the block's end."""
    closing = ")" if block.group(1) == "(" else "}"
    depth, quoted, pos = 0, False, block.end()
    while (m := _MARKS.search(text, pos)) is not None:
        mark, pos = m.group(), m.end()
        if mark[0] == "%":
            if depth == 0 and not quoted:
                spans.append(m.span())
            else:
                pos = m.start() + 1  # a `%` inside a value is text
        elif mark == '"':
            quoted = not quoted if depth == 0 else quoted
        elif quoted:
            continue
        elif mark == "{":
            depth += 1
        elif depth > 0 and mark == "}":
            depth -= 1
        elif depth == 0 and mark == closing:
            return
