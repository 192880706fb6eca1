"""The one workbook writer: every workbook we generate is made with what this module offers.

* A workbook whose layout depends on little (the self-check table, the score sheet) is a
  :class:`CachedWorkbook`: its builder writes through a target (:mod:`.book`) and the workbook
  comes either from a cached skeleton filled with the values (:mod:`.fill`, the fast path) or,
  when that does not apply, from openpyxl cell by cell (the plain way) — the same cells either
  way (``tests/test_xlsx_fill.py``).
* Any other workbook is an openpyxl workbook (:func:`new_workbook`) whose cells are set with
  :func:`set_value` (rows: :func:`append_row`), saved with :func:`save_workbook`;
  :func:`with_rows` adds long plain tables as XML.

Whatever the way, text is data: only a :class:`Formula` (built by our code from cell references
it knows) becomes a formula; :func:`save_workbook` enforces it on every sheet (see
:mod:`.package`). Columns are numbered from 1 (:func:`column_letter`); widths of text follow one
rule (:func:`text_width`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Iterable

from .book import (Formula, Mismatch, OpenpyxlBook, RecordBook, SheetRecord, append_row,
                   cell_key, cell_text_of, look, set_value, style_cell)
from .cells import cell_ref, column_letter
from .fill import (NotCachedYet, SkeletonCache, content_digest, eager_skeletons, make_skeleton,
                   per_object, with_rows)
from .package import save_workbook

__all__ = ["CachedWorkbook", "Formula", "Mismatch", "NotCachedYet", "OpenpyxlBook", "RecordBook",
           "SheetRecord", "SkeletonCache", "append_row", "cell_key", "cell_ref", "cell_text_of",
           "column_letter",
           "content_digest", "eager_skeletons", "look", "new_workbook", "per_object",
           "save_workbook", "set_value", "set_widths", "style_cell", "with_rows"]


@dataclass(frozen=True)
class CachedWorkbook:
    """A generated workbook whose layout is cached as a skeleton.

    ``build(book)`` writes the document into a target (an :class:`OpenpyxlBook` or a
    :class:`RecordBook`) and returns its *shape* (whatever, besides the cells, decides the
    layout); ``neutral(book)`` does the same for neutral data, which the skeleton is made of.
    ``key`` names everything the layout depends on, in ``cache``; ``extra_styles``: looks only
    real data gives cells, put in the skeleton's style sheet from the start."""

    build: Callable[[Any], Any]
    neutral: Callable[[Any], Any]
    key: Hashable
    cache: SkeletonCache
    extra_styles: frozenset = field(default=frozenset())

    def bytes(self) -> bytes:
        """The workbook: the skeleton filled with the values; the plain way when that does not
        apply (the first document of a layout in a process, or a layout that does not fit)."""
        try:
            return self.fast()
        except Mismatch:
            return self.plain()

    def plain(self) -> bytes:
        """The reference: every cell written with openpyxl and saved."""
        book = OpenpyxlBook()
        self.build(book)
        return save_workbook(book.wb)

    def fast(self) -> bytes:
        """The skeleton filled with the values; :class:`Mismatch` if it does not apply."""
        self.cache.admit(self.key)
        book = RecordBook()
        shape = self.build(book)

        def skeleton(extra_styles: frozenset) -> Any:
            ref = OpenpyxlBook(record=True)
            return make_skeleton(ref, extra_styles | self.extra_styles, shape=self.neutral(ref))

        return self.cache.fill(self.key, skeleton, book.records, shape=shape)


def new_workbook(*, write_only: bool = False) -> Any:
    """A new openpyxl workbook (with its default sheet, unless ``write_only``)."""
    from openpyxl import Workbook

    return Workbook(write_only=write_only)


def set_widths(ws: Any, widths: Iterable[float], first: int = 1) -> None:
    """Column widths (Excel character units) from column ``first`` on."""
    for col, width in enumerate(widths, first):
        ws.column_dimensions[column_letter(col)].width = width
