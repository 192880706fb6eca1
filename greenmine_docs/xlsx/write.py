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

import builtins
import math
from dataclasses import field
from functools import lru_cache
from typing import Any, Callable, Hashable, Iterable

from ..frozen import frozen
from .book import (Formula, Mismatch, OpenpyxlBook, RecordBook, SheetRecord, append_row,
                   cell_key, cell_text_of, look, once, set_value, style_cell)
from .cells import cell_ref, column_letter
from .fill import (NotCachedYet, RowsXml, SkeletonCache, content_digest, eager_skeletons,
                   make_skeleton, per_object, sheet_heads, with_rows)
from .package import save_workbook
from .styles import Part

__all__ = ["CachedWorkbook", "add_validation", "Formula", "Mismatch", "NotCachedYet", "OpenpyxlBook", "Part", "RecordBook",
           "SheetRecord", "SkeletonCache", "append_row", "cell_key", "cell_ref", "cell_text_of",
           "column_letter",
           "content_digest", "eager_skeletons", "edit_workbook", "line_count", "look", "new_workbook", "once",
           "per_object", "RowsXml", "save_workbook", "set_value", "set_widths", "sheet_heads",
           "style_cell", "text_width", "with_rows"]


@frozen(quick_init=False)
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
        except NotCachedYet:  # (what a process before wrote for the same cells, if kept)
            from .remembered import first_workbook

            return first_workbook(self)
        except Mismatch:
            return self.plain()

    def plain(self) -> builtins.bytes:
        """The reference: every cell written with openpyxl and saved."""
        book = OpenpyxlBook()
        self.build(book)
        return save_workbook(book.wb)

    def fast(self) -> builtins.bytes:
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


def edit_workbook(book: Any) -> Any:
    """An openpyxl workbook of a user's file, to add cells to and save with
    :func:`save_workbook`. ``book``: the file opened with :class:`~.read.XlsxFile` (so checked:
    a regular file, its size, zip and parts bounded); openpyxl loads all of it, so each sheet
    must also be of the size openpyxl-read workbooks may have. The workbook's own formulas stay
    formulas: each is registered as one the saved file may keep, as a :class:`Formula` of ours
    is; cells our code then sets with :func:`set_value` are data."""
    import warnings

    from openpyxl import load_workbook
    from openpyxl.worksheet.formula import DataTableFormula

    from ..errors import InputError
    from .book import _FORMULAS

    book.check_for_openpyxl([info.part for info in book.sheets], "需要整体载入才能修改")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = load_workbook(book.path)
        except Exception as e:  # noqa: BLE001 — openpyxl raises many kinds on odd files
            raise InputError(f"{book.path} 无法载入修改：{e}", hint="请用 Excel/WPS 重新保存。",
                             location=str(book.path)) from e
    for ws in wb.worksheets:
        kept = ws.__dict__.setdefault(_FORMULAS, set())
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                if isinstance(cell.value, DataTableFormula):
                    raise InputError(f"{book.path} 的“{ws.title}”{cell.coordinate} 是模拟运算表，"
                                     "无法在保留它的同时修改该工作簿。",
                                     hint="请把模拟运算表复制为数值后再试。",
                                     location=str(book.path))
                kept.add(cell.coordinate)
    return wb


_RULE_ERRORS = {"decimal": "请填写数字（不带单位）。", "date": "请填写日期，如 2023-10-12。"}


def add_validation(ws: Any, kind: str, cells: str = "", *, choices: Iterable[str] = (),
                   between: tuple[str, str] = ("36526", "73051"), title: str,
                   prompt: str, error: str | None = None) -> Any:
    """A data validation on ``cells`` of ``ws`` (more cells: ``.add`` on what it returns), with
    its prompt and error text under ``title``: a dropdown of ``choices`` (``kind="list"``), or
    a number (``"decimal"``) or date (``"date"``, serial numbers; by default 2000–2099)
    ``between`` two bounds. ``error``: the message when something else is typed (by default
    one per kind). One helper, so every workbook's dropdowns look and behave alike."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind == "list":
        choices = tuple(choices)
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        default = "请从下拉列表中选择：" + "、".join(choices)
    else:
        dv = DataValidation(type=kind, operator="between", formula1=between[0],
                            formula2=between[1], allow_blank=True)
        default = _RULE_ERRORS[kind]
    dv.error = default if error is None else error
    dv.showErrorMessage = dv.showInputMessage = True
    dv.errorTitle = dv.promptTitle = title
    dv.prompt = prompt
    if cells:
        dv.add(cells)
    ws.add_data_validation(dv)
    return dv


def set_widths(ws: Any, widths: Iterable[float], first: int = 1) -> None:
    """Column widths (Excel character units) from column ``first`` on."""
    for col, width in enumerate(widths, first):
        ws.column_dimensions[column_letter(col)].width = width


def bordered_table(ws: Any, header: list[str], rows: list[list[Any]], widths: list[float], *,
                   top: int, head_font: Any, body_font: Any, fill: Any, border: Any,
                   height: Callable[[int], float]) -> None:
    """A table of a list workbook: the header at row ``top`` (centred, filled, bordered),
    ``rows`` under it (bordered, wrapped, vertically centred; dates as yyyy-mm-dd), the columns
    ``widths`` wide, each body row ``height(lines)`` points tall for its most wrapped cell."""
    import datetime as dt

    from openpyxl.styles import Alignment

    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrapped = Alignment(vertical="center", wrap_text=True)
    for c, title in enumerate(header, start=1):
        cell = ws.cell(row=top, column=c)
        set_value(cell, title)
        cell.font, cell.fill, cell.border, cell.alignment = head_font, fill, border, centred
    for r, values in enumerate(rows, start=top + 1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            set_value(cell, value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.font, cell.border, cell.alignment = body_font, border, wrapped
    set_widths(ws, widths)
    for r, values in enumerate(rows, start=top + 1):
        lines = max((line_count(v, widths[c]) for c, v in enumerate(values)
                     if isinstance(v, str)), default=1)
        ws.row_dimensions[r].height = height(lines)


# -- widths of text ----------------------------------------------------------------------------
# One rule for every workbook. Excel's column unit is the width of a digit of the default font
# (Calibri 11: 7 px). A Chinese (or other East Asian wide) character is as wide as the font is
# high: at 10 pt about 1.8 units; any other character about half that, 1 unit at 10 pt (both
# checked against LibreOffice's rendering of the self-check table, 10 pt 宋体). Column widths and
# the heights of wrapped rows are worked out from it.
WIDE_FROM = 0x2E80  # CJK radicals, ideographs, kana, Hangul, full-width forms... and beyond


def text_width(text: Any, size: float = 10) -> float:
    """The width of ``text`` in Excel column units, in a font of ``size`` points."""
    text = "" if text is None else str(text)
    wide = sum(1 for ch in text if ord(ch) >= WIDE_FROM)
    return wide * (size * 18 / 100) + (len(text) - wide) * (size / 10)


@lru_cache(maxsize=8192)  # the same texts (indicator items, headers) come back for every mine
def line_count(text: Any, width: float, size: float = 10) -> int:
    """How many lines ``text`` (``size`` points) needs in a wrapped cell ``width`` units wide
    (one unit is the cell's padding); every line break starts a line."""
    if text is None or text == "":
        return 1
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(part, size) / usable))
               for part in str(text).split("\n"))
