"""Narrative Markdown that cannot exhaust the machine: its size in blocks, measured before the
parser sees it.

The Markdown parser (markdown-it-py) needs about 10 µs a token and keeps every token: a 4 MB
table of 300 × 7,000 cells, 800,000 one-word list items or a header row of 256 columns over
rows of one letter each (the parser fills every missing cell: 65,000 cells from 1.5 KB) take
minutes and gigabytes. So a narrative is first measured by :func:`scan` — plain string work,
linear in its length, no parser — and refused over these limits (:mod:`greenmine_docs.limits`):

- a table wider than ``MD_MAX_COLUMNS`` (63, Word's own limit);
- more than ``MAX_MD_BLOCKS`` paragraphs, headings, list items, code lines and table cells,
  and more than ``MAX_MD_MARKS`` inline markup characters, over all narrative of one plan
  (:class:`Budget` adds them up text by text);
- lists and quotes nested deeper than ``MD_MAX_DEPTH``: measured on the parsed tokens
  (:func:`too_deep`); the parser itself silently drops what is nested deeper than about ten
  levels, so the limit also keeps text from vanishing.

The plan's checks turn a problem into a GM-E417 finding at its file and line; the renderer
(:mod:`greenmine_docs.docx.markdown`) raises :class:`~greenmine_docs.errors.InputError` for the
same problem, should a document be rendered without the checks.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .. import limits
from ..frozen import frozen

# the characters at which the parser's text rule stops and tries every inline rule
MARK_CHARS = "!#$%&*+-:<=>@[\\]^_`{}~"
_DELIMITER_CHARS = frozenset("-:| \t")
_CONTAINER_STARTS = frozenset(" \t>-+*0123456789")
# one container marker and what leads to it: the class before the marker holds no marker
# character, so a match is found (or not) without backtracking over the line
CONTAINER_PREFIX = re.compile(r"[ \t>]*(?:[-+*]|\d{1,9}[.)])[ \t]")
# a line that could be a table's delimiter row (with container prefixes): up to its first
# "-" without one, then one class to the end of the line, so there is one way to match and
# each line start costs at most its own length
DELIMITER_LINE = re.compile(r"^[:| \t>+*0-9.)]*-[-:| \t>+*0-9.)]*$", re.M)
ORDERED_ITEM = re.compile(r"^[ \t]*\d{1,9}[.)]", re.M)  # [ \t], not \s: stays on one line


@frozen(quick_init=False)
class Shape:
    """What :func:`scan` measured: ``blocks`` (non-blank lines outside tables, plus table
    cells, header included), ``marks`` (inline markup characters) and the first table wider
    than the limit as ``(line, columns)``."""

    blocks: int
    marks: int
    wide: tuple[int, int] | None = None


@frozen(quick_init=False)
class Problem:
    line: int | None  # 1-based line in the text, None for the text as a whole
    message: str
    hint: str
    whole_plan: bool = False  # the budget of all narrative is spent (not this text alone)


def _content(line: str) -> str:
    """``line`` without its container prefixes (indentation, ``>``, list markers): what a
    table row inside a quote or a list item looks like to the table rule. Each step of
    :data:`CONTAINER_PREFIX` consumes what it matches, so a line of 5,000 ``> `` stays
    linear; a line that starts with none of them is returned at once."""
    if not line or line[0] not in _CONTAINER_STARTS:
        return line.rstrip()
    pos = 0
    while (m := CONTAINER_PREFIX.match(line, pos)) is not None:
        pos = m.end()
    return line[pos:].lstrip(" \t>").rstrip()


def _cells(row: str) -> int:
    """Cells of a table row: its ``|`` separators, outer ones left out (``|a|b|`` has 2)."""
    return row.strip("|").count("|") + 1


def _is_delimiter(body: str) -> bool:
    return "-" in body and all(ch in _DELIMITER_CHARS for ch in body)


def scan(text: str) -> Shape:
    """:func:`measure` of ``text``. The plan's checks measure each narrative that the renderer
    then measures again: the shapes of recent texts up to ``_KEPT_CHARS`` long are kept (a
    :class:`Shape` is immutable; the column limit is part of the key)."""
    if len(text) <= _KEPT_CHARS:
        return _measured(text, limits.MD_MAX_COLUMNS)
    return measure(text)


@lru_cache(maxsize=64)
def _measured(text: str, max_columns: int) -> Shape:
    return measure(text)


def measure(text: str) -> Shape:
    """Measure Markdown ``text`` (linear time): blocks, marks, the first too-wide table.

    Every non-blank line is a block. A table is a line followed by a delimiter row (only
    ``- : |`` and blanks, at least one ``-``, once container prefixes are off) with a ``|``
    in one of the two; it runs to the next blank line. Its cells are its columns (those of
    the wider of its first two lines) times its rows, counted the way the parser fills them:
    every row gets every column, however short it is. Delimiter rows are looked for only
    among the lines :data:`DELIMITER_LINE` finds (no letters, no CJK: few lines of a text)."""
    lines = text.split("\n")
    blocks = sum(1 for line in lines if line.strip())
    wide = None
    number, last, table_end = 0, 0, 0
    for m in DELIMITER_LINE.finditer(text):
        number += text.count("\n", last, m.start())  # 0-based line of the candidate
        last = m.start()
        if number < 1 or number < table_end:
            continue
        delim, head = _content(lines[number]), _content(lines[number - 1])
        if not head or not _is_delimiter(delim) or ("|" not in head and "|" not in delim):
            continue
        columns = max(_cells(head), _cells(delim))
        end = number + 1
        while end < len(lines) and _content(lines[end]):
            end += 1
        rows = end - number  # the header and the body rows
        blocks += columns * rows - rows - 1  # their lines (and the delimiter's) counted above
        if columns > limits.MD_MAX_COLUMNS and wide is None:
            wide = (number, columns)  # the header's line, 1-based
        table_end = end
    marks = sum(text.count(ch) for ch in MARK_CHARS)
    return Shape(blocks, marks, wide)


class Budget:
    """The limits over all narrative of one document: :meth:`take` each text's
    :class:`Shape` in turn; the first problem is returned (and the budget stays spent)."""

    def __init__(self) -> None:
        self.blocks = 0
        self.marks = 0

    def take(self, shape: Shape) -> Problem | None:
        if shape.wide is not None:
            line, columns = shape.wide
            return Problem(line, f"表格有 {columns} 列，超过 Word 表格的上限 "
                                 f"{limits.MD_MAX_COLUMNS} 列",
                           "请把宽表拆成几个表格，或把数据作为附件（Excel 表格）提供。")
        self.blocks += shape.blocks
        self.marks += shape.marks
        if self.blocks > limits.MAX_MD_BLOCKS:
            return Problem(None, f"实施方案的叙述文字至此共有约 {self.blocks} 个段落、列表项和表格"
                                 f"单元格，超过上限 {limits.MAX_MD_BLOCKS}",
                           "请精简叙述文字，大量数据请作为附件提供；确需处理可设置环境变量 "
                           "GREENMINE_MAX_MD_BLOCKS。", whole_plan=True)
        if self.marks > limits.MAX_MD_MARKS:
            return Problem(None, f"实施方案的叙述文字至此共有 {self.marks} 个格式符号"
                                 f"（* _ ` [ ] < > & : - 等），超过上限 {limits.MAX_MD_MARKS}",
                           "请检查是否粘贴了大量代码或符号；确需处理可设置环境变量 "
                           "GREENMINE_MAX_MD_MARKS。", whole_plan=True)
        return None


def might_nest(text: str) -> bool:
    """Whether ``text`` can hold a list or a quote at all (else nothing is nested and the
    parser need not run to measure the depth): a markup character or an ordered item."""
    return any(ch in text for ch in "*+->") or ORDERED_ITEM.search(text) is not None


@lru_cache(maxsize=1)
def _parser() -> Any:  # one per process: parsing keeps no state in the MarkdownIt object
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def parse(text: str) -> list[Any]:
    """The tokens of Markdown ``text`` (CommonMark and tables, no raw HTML): the one parser of
    the plan's checks and of the renderer, after :func:`scan` let ``text`` through. The checks
    parse a text (images, nesting) that the renderer then writes: the tokens of recent texts
    up to ``_KEPT_CHARS`` long are kept for it (bounded memory). Callers only read them."""
    return _kept(text) if len(text) <= _KEPT_CHARS else _parser().parse(text)


_KEPT_CHARS = 20_000  # a narrative section is rarely longer; 32 of them: a few MB of tokens


@lru_cache(maxsize=32)
def _kept(text: str) -> list[Any]:
    """The tokens of ``text``: kept in the user's cache folder (:mod:`.markdown_tokens`, so a
    rebuild neither imports nor runs the parser), else parsed (and kept there)."""
    from . import markdown_tokens

    kept = markdown_tokens.recalled(text)
    return kept if kept is not None else markdown_tokens.keep(text, _parser().parse(text))


def too_deep(tokens: list[Any]) -> Problem | None:
    """The first list or quote nested deeper than ``MD_MAX_DEPTH`` in parsed ``tokens``."""
    depth = 0
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            depth += 1
            if depth > limits.MD_MAX_DEPTH:
                return depth_problem((tok.map or [None])[0])
        elif tok.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            depth -= 1
    return None


def depth_problem(line: int | None) -> Problem:
    """Lists and quotes nested too deep, at 0-based ``line`` (as the parser's maps count)."""
    return Problem(None if line is None else line + 1,
                   f"列表或引用嵌套超过 {limits.MD_MAX_DEPTH} 层（过深的内容无法排版，会被丢失）",
                   "请减少列表或引用的嵌套层数（正文编号最多三级）。")
