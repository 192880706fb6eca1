"""How far down its page the next block of a document starts, as far as it can be told.

A report's captioned table longer than a page always started a page: after a ``续表`` part
and the two lines of the next section, most of a page stayed empty (five such pages in a
26-page report), and a heading just before such a table stayed behind at the foot of the page.
Where the Writer knows how much of the page is used, the table starts there instead and
continues overleaf as ``续表``.

It knows after an explicit page start (a ``续表`` part, a page or section break) and then only
while every block written is one whose height it can bound: body paragraphs, list items and
headings (a fixed pitch of :data:`~greenmine_docs.docx.styles.LINE_PITCH`), table captions,
tables (a report's rows at their lines' exact pitch, each part with a line to spare). The used height is kept as an interval, ``lo`` (the least the
blocks can take) to ``hi`` (the most): the room a table is given is what ``hi`` leaves, so an
estimate that errs can only leave a little more room empty. Where text crosses a page, the
position overleaf is known only when even ``lo`` crossed; anything else — a figure, a list, a
paragraph of another style, a block added to the body behind the Writer's back (the body's
last block tells) — makes the position unknown until the next page start, and tables are then
placed as before.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any, Sequence

from ..memo import remember
from .styles import LINE_PITCH
from .tables import (LINE_PITCH_EM, ROW_PADDING_PT, Cell, KeyedRows, at_exact_pitch, cell_text,
                     chars_per_line, header_rows_of, keyed_row_heights, page_chunks,
                     row_heights, row_key, table_grid)

CHARS_LINE = 28  # 3号 characters a body line holds (styles: the official 28 a line)
CROSSING_SLACK_PT = 3 * LINE_PITCH  # lines moved overleaf by widow control and kept headings


@dataclass
class PageCursor:
    """The used height of the current page, ``lo``..``hi`` pt (None: not known), valid while
    the body's last block is ``mark``."""

    lo: float | None = None
    hi: float | None = None
    mark: Any = None

    def known(self, mark: Any) -> bool:
        return self.lo is not None and mark is not None and mark is self.mark

    def start_page(self, mark: Any) -> None:
        """The next block starts a page."""
        self.lo, self.hi, self.mark = 0.0, 0.0, mark

    def unknown(self) -> None:
        self.lo = self.hi = None

    def add(self, lo: float, hi: float, page_pt: float, mark: Any, *, known_before: bool,
            whole: bool = False) -> None:
        """A block of ``lo``..``hi`` pt was added (it is ``mark``, the body's last), on a page
        ``page_pt`` high; ``known_before``: the position was known before it. A ``whole``
        block (a picture) that does not fit goes to the next page whole; text flows over."""
        if not known_before or self.lo is None or self.hi is None:
            self.unknown()
            return
        if whole and self.hi + hi > page_pt:
            if self.lo + lo > page_pt and hi <= page_pt:  # surely overleaf, whole
                self.lo, self.hi, self.mark = lo, hi, mark
            else:
                self.unknown()
            return
        lo, hi = self.lo + lo, self.hi + hi
        if hi <= page_pt:
            self.lo, self.hi = lo, hi
        elif lo > page_pt and hi - page_pt + CROSSING_SLACK_PT < page_pt:
            self.lo, self.hi = lo - page_pt, hi - page_pt + CROSSING_SLACK_PT
        else:
            self.unknown()
            return
        self.mark = mark

    def room(self, page_pt: float, mark: Any) -> float | None:
        """Height (pt) surely left on the page, or None when the position is not known."""
        if not self.known(mark) or self.hi is None:
            return None
        return page_pt - self.hi


class TablePaging:
    """A table's rows measured once, for the parts of a page each it can be split into
    (:func:`~greenmine_docs.docx.tables.page_chunks`), and their heights."""

    def __init__(self, header_rows: Sequence[Sequence[Any]], rows: Sequence[Sequence[Any]],
                 widths_mm: Sequence[float], size: float, page_pt: float,
                 measured: tuple[Sequence[float], float] | None = None,
                 keys: tuple[tuple[Any, ...], tuple[Any, ...]] | None = None, *,
                 exact: bool = False) -> None:
        self.header_rows, self.rows, self.widths, self.size = header_rows, rows, widths_mm, size
        self.page_pt = page_pt
        if measured is None:
            measured = row_heights(rows, widths_mm, size), sum(row_heights(header_rows,
                                                                            widths_mm, size))
        self.heights, self.head = measured  # the rows' heights, the header rows' together
        # exact: rows measured at their lines' exact pitch, each part leaving room for one line
        # wrapped early (as tables.paged_parts does), not a tenth of a line for every line
        self.spare = 0.0
        if exact:
            self.heights = at_exact_pitch(self.heights, size)
            self.head = at_exact_pitch([self.head - ROW_PADDING_PT * (len(header_rows) - 1)],
                                       size)[0] + ROW_PADDING_PT * (len(header_rows) - 1)
            self.spare = size * LINE_PITCH_EM
        # the header rows' and the rows' keys (tables.row_key), when known
        self.keys = keys

    @classmethod
    def of(cls, header: Sequence[Any] | Sequence[Sequence[Any]], rows: Sequence[Sequence[Any]],
           widths_mm: Sequence[float] | None, total_width_mm: float, size: float,
           page_pt: float, *, exact: bool = False) -> TablePaging:
        """The paging of a table as :func:`~greenmine_docs.docx.tables.add_table` is given it
        (``header``: one row or a list of rows; ``widths_mm`` scaled to ``total_width_mm``),
        its grid and heights remembered by its rows' keys: most tables of a mine are those of
        a mine before. Its parts carry their rows' keys
        (:class:`~greenmine_docs.docx.tables.KeyedRows`)."""
        header_rows = header_rows_of(header)
        keys = tuple(map(row_key, header_rows)), tuple(map(row_key, rows))
        entry: Any = (keys, tuple(widths_mm or ()), total_width_mm, size)
        try:
            known = _MEASURED.get(entry)
        except TypeError:  # a value that cannot be a key: measured as it is
            entry, known = None, None
        if known is None:
            _, _, widths = table_grid(header_rows, rows, widths_mm, total_width_mm)
            known = widths, (keyed_row_heights(rows, keys[1], widths, size),
                             sum(keyed_row_heights(header_rows, keys[0], widths, size))), keys
            if entry is not None:
                remember(_MEASURED, entry, known, MEASURED_KEPT)
        # the keys remembered (equal to these): the memos after this one (the table's XML, its
        # parts' least height) find theirs, made from the same keys, without comparing them
        return cls(header_rows, rows, known[0], size, page_pt, known[1], known[2], exact=exact)

    def parts(self, first_pt: float | None = None) -> list[tuple[list[Sequence[Any]], float]]:
        """The parts (the first in ``first_pt`` when given), each with the most height (pt)
        it takes, its header rows included."""
        spare = self.spare
        starts = page_chunks(self.header_rows, self.rows, self.widths, self.size,
                             self.page_pt - spare, None if first_pt is None else first_pt - spare,
                             heights=self.heights, head=self.head)
        bounds = [0, *starts, len(self.rows)]
        keys = self.keys[1] if self.keys is not None else None
        return [(list(self.rows[a:b]) if keys is None else KeyedRows(self.rows[a:b], keys[a:b]),
                 self.head + sum(self.heights[a:b]) + spare) for a, b in zip(bounds, bounds[1:])]

    def least_pt(self, part: Sequence[Sequence[Any]]) -> float:
        """The least height (pt) ``part`` of its rows takes, its header rows included
        (remembered by the rows' keys)."""
        known = getattr(part, "row_keys", None)  # KeyedRows
        entry: Any = (self.keys[0] if self.keys is not None else
                      tuple(map(row_key, self.header_rows)),
                      known if known is not None else tuple(map(row_key, part)),
                      tuple(self.widths), self.size)
        try:
            least = _LEAST.get(entry)
        except TypeError:
            entry, least = None, None
        if least is None:
            least = sum(least_row_pt(r, self.widths, self.size)
                        for r in [*self.header_rows, *part])
            if entry is not None:
                remember(_LEAST, entry, least, MEASURED_KEPT)
        return least


# a table's grid widths and rows' heights, and the least height of a table's part, by the
# rows' keys, the widths and the size
_MEASURED: dict[Any, tuple[list[float], tuple[Sequence[float], float],
                          tuple[tuple[Any, ...], tuple[Any, ...]]]] = {}
_LEAST: dict[Any, float] = {}
MEASURED_KEPT = 1024


# a wide character (CJK, full-width: from U+2E80 on), and six narrow characters in a row that
# are not white space (a Latin word or number): found by the regex engine, not char by char.
# Both classes are written by the characters below U+2E80: compiling a class walks each range
# of it below U+10000 char by char (from U+2E80 on, 2.5 and 1.3 ms at every start; these 0.6
# and 0.4 ms). ``_NARROW_TEXT`` is every character below U+2E80 that ``\s`` does not match
# (tests/test_docx_page_cursor.py compares both with the plain classes at every code point).
_NARROW_TEXT = ("\x00-\x08\x0e-\x1b\x21-\x84\x86-\x9f\xa1-\u167f\u1681-\u1fff"
                "\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2e7f")
_WIDE = re.compile("[^\x00-\u2e7f]")
_LONG_ASCII_RUN = re.compile(f"[{_NARROW_TEXT}]{{6}}")


def ems_bounds(text: str) -> tuple[float, float]:
    """Width of ``text`` in ems, least and most: a CJK or full-width character one em, any
    other 0.25 to 0.65 (a space to a capital)."""
    wide = _WIDE.subn("", text)[1]
    narrow = len(text) - wide
    return wide + 0.25 * narrow, wide + 0.65 * narrow


def text_lines(text: str, *, indent: float = 2.0, indent_most: float | None = None
               ) -> tuple[int, int]:
    """Lines a body paragraph (or heading) of ``text`` with a first-line ``indent`` of that
    many characters takes, least and most: at most :data:`CHARS_LINE` characters a line, at
    least one fewer (a line may end a character early, before a mark that cannot start one),
    and one more line where a word of Latin letters or digits may move whole to the next.
    ``indent_most``: the widest first-line indent, when it is not known exactly (a list
    item's number)."""
    lines_lo = lines_hi = 0
    first_most = indent if indent_most is None else indent_most
    for part in text.split("\n"):
        lo, hi = ems_bounds(part)
        lines_lo += max(1, math.ceil((indent + lo) / CHARS_LINE))
        lines_hi += max(1, math.ceil((first_most + hi) / (CHARS_LINE - 1))) + \
            (1 if _has_long_ascii_run(part) else 0)
        indent = first_most = 0.0
    return lines_lo, lines_hi


# the same headings, fixed sentences and narratives come back in every mine's documents
@functools.lru_cache(maxsize=4096)
def text_pt(text: str, indent: float, indent_most: float | None = None) -> tuple[float, float]:
    """Height (pt) of a body paragraph or heading of ``text``, least and most
    (:func:`text_lines` at the body's pitch)."""
    lo, hi = text_lines(text, indent=indent, indent_most=indent_most)
    return lo * LINE_PITCH, hi * LINE_PITCH


def least_row_pt(values: Sequence[Any], widths_mm: Sequence[float], size: float) -> float:
    """The least height (pt) a table row of ``values`` can take: each cell's text in as few
    lines as its width allows (a character more a line than the estimate of
    :func:`~greenmine_docs.docx.tables.row_height_pt` counts, Latin letters a quarter em), at
    the tables' line pitch, with Table Text's 1.5 + 1.5 pt."""
    lines, col = 1, 0
    for value in values:
        text, span = (cell_text(value.text), max(1, value.span)) if isinstance(value, Cell) \
            else (cell_text(value), 1)
        # a character more a line than the estimate counts
        n = _least_lines(text, chars_per_line(sum(widths_mm[col:col + span]), size) + 1)
        col += span
        lines = max(lines, n)
    return lines * LINE_PITCH_EM * size + 3.0


# the same texts come back in every table of a batch (as in tables.py)
@functools.lru_cache(maxsize=4096)
def _least_lines(text: str, per_line: int) -> int:
    """Lines ``text`` takes at the least, ``per_line`` characters a line."""
    return sum(max(1, math.ceil(ems_bounds(part)[0] / per_line)) for part in text.split("\n"))


def _has_long_ascii_run(text: str) -> bool:
    """Whether ``text`` has six or more Latin letters, digits or marks in a row (characters
    below U+2E80 that are not white space)."""
    return _LONG_ASCII_RUN.search(text) is not None
