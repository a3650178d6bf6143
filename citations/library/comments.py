"""`%` comments between an entry's fields, which biber ignores and bibtexparser cannot read.

biblatex files often keep a field commented out inside an entry (`% editora = {...},`).
biber reads `%` to the end of the line as a comment anywhere outside a value; bibtexparser
v2 takes it as part of the next field's name, or fails the whole entry where the comment
holds a `,` or `=`. It has no option for this, so the text is pre-processed: each such
comment is replaced by as many spaces. Lines, columns and character offsets stay where they
were, so findings point into the file as written and edits (which read the blanked text and
change the original) keep every byte of the comments.
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


def blank_comments(text: str) -> str:
    """`text` with every `%` comment between the fields of a block replaced by spaces."""
    first = _BLOCK.search(text)
    percents = [m.start() for m in _PERCENT.finditer(text, first.start())] if first else []
    if not percents:
        return text  # most files: nothing to look at, or only a header before any block
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
