"""The plain way of writing a workbook, and the interface every workbook builder writes through.

A builder writes into a *target* instead of openpyxl directly:

* :class:`OpenpyxlBook` — every write goes to an openpyxl workbook (the reference output, and
  the way a cached skeleton is made, see :mod:`.fill`);
* :class:`RecordBook` — writes are only recorded (values, styles, row heights, merges), for the
  fast path that fills a skeleton.

A cell's style is a *look* (:func:`look`: font, border, fill, alignment, number format), one
shared object per combination, so builders work out their looks once and the fill compares
cells by identity: ``put(row, col, value, look)`` and ``put_row`` write value and style at once.

Text is always data: a value becomes a formula only when it is a :class:`Formula` (which only
our builders make, from cell references they know); any other text, even one starting with
``=``, is stored as text. :func:`style_cell` sets a cell's style parts at once, fast.
"""
from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache
from typing import Any, Callable, Hashable, cast

from ..memo import remember
from .cells import column_letter
from .styles import made


class Formula(str):
    """A formula a generator wrote. Any other text, even one starting with ``=``, is stored as
    text, so data can never become a formula."""


_FORMULAS = "_greenmine_formulas"  # worksheet attribute: coordinates given a Formula


class Mismatch(Exception):
    """The real data's layout differs from the skeleton's: build the plain way."""


def _time_format(value: Any, current: str | None) -> str | None:
    """The number format openpyxl gives a cell when a date/time is assigned to it."""
    return _time_format_of(cast(Hashable, type(value)), current)  # (a class is hashable)


# openpyxl's ``TIME_FORMATS``: what a cell without a date format gets for a date/time value
# (``tests/test_xlsx_styles.py`` holds them equal; here so that recording a date needs no openpyxl)
TIME_FORMATS = {dt.datetime: "yyyy-mm-dd h:mm:ss", dt.date: "yyyy-mm-dd", dt.time: "h:mm:ss",
                dt.timedelta: "[hh]:mm:ss"}


@lru_cache(maxsize=256)
def _time_format_of(kind: Any, current: str | None) -> str | None:
    if current is not None:  # (no format: "General", not a date format)
        from openpyxl.styles.numbers import is_date_format

        if is_date_format(current):
            return current
    for base in (dt.datetime, dt.date, dt.time, dt.timedelta):  # datetime before date
        if issubclass(kind, base):
            return TIME_FORMATS[base]
    return current


# -- targets ---------------------------------------------------------------------------------
# a cell's look: font, border, fill, alignment, number format (None: not set). Looks are
# interned by the identity of their parts (openpyxl style objects are immutable values, shared
# by the builders), so two cells look alike exactly when their looks are the same object.
_FONT, _BORDER, _FILL, _ALIGN, _FMT = range(5)
Look = tuple[Any, Any, Any, Any, "str | None"]
_LOOKS: dict[tuple, Look] = {}
_LOOKS_MAX = 4096
_TIME_TYPES = (dt.datetime, dt.date, dt.time, dt.timedelta)
_PLAIN = frozenset({str, int, float, type(None), Formula})  # surely not dates
# cells are keyed by one number, row << _COL_BITS | column (hashed and compared faster than a
# (row, column) pair; Excel has at most 16,384 columns)
_COL_BITS = 15
_COL_MASK = (1 << _COL_BITS) - 1


def cell_key(row: int, col: int) -> int:
    """The key of a cell in :attr:`SheetRecord.values` and :attr:`SheetRecord.looks`."""
    return row << _COL_BITS | col


def look(font: Any = None, border: Any = None, fill: Any = None, alignment: Any = None,
         fmt: str | None = None) -> Look:
    """The one look object for these style parts (``None``: the part is left as it is)."""
    key = (id(font), id(border), id(fill), id(alignment), fmt)
    hit = _LOOKS.get(key)
    if hit is None:
        if len(_LOOKS) >= _LOOKS_MAX:  # builders share their style objects: never in practice
            _LOOKS.clear()  # (an older look stays valid: skeletons match looks by their parts)
        # the look holds its parts, so their ids (the key) cannot be reused while it is here
        hit = _LOOKS.setdefault(key, (font, border, fill, alignment, fmt))
    return hit


def _look_key(lk: Look) -> tuple:
    return (id(lk[0]), id(lk[1]), id(lk[2]), id(lk[3]), lk[4])


_MERGED: dict[tuple[int, int], tuple[Look, Look, Look]] = {}


def _merge(old: Look, new: Look) -> Look:
    """``new`` applied over ``old`` (its ``None`` parts keep ``old``'s), remembered per pair
    of looks (a builder merges the same few pairs in every row)."""
    key = (id(old), id(new))
    hit = _MERGED.get(key)
    if hit is not None and hit[0] is old and hit[1] is new:
        return hit[2]
    merged = look(*(n if n is not None else o for o, n in zip(old, new)))
    remember(_MERGED, key, (old, new, merged), _LOOKS_MAX)  # (holds both: their ids stay theirs)
    return merged


def _formatted(values: list, lks: tuple) -> bool:
    """No value is a date or time whose look lacks a number format (which would give it the
    date's format, see :meth:`SheetRecord._date`)."""
    if not any(map(_is_time_kind, set(map(type, values)) - _PLAIN)):
        return True
    return all(lk[_FMT] is not None for v, lk in zip(values, lks)
               if v.__class__ not in _PLAIN and isinstance(v, _TIME_TYPES))


@lru_cache(maxsize=256)
def _is_time_kind(kind: Any) -> bool:
    return issubclass(kind, _TIME_TYPES)


class SheetRecord:
    """What a builder wrote into one sheet, without openpyxl. ``ws`` is ``None``: builders do
    layout-only work (column widths, validations, print setup) only when ``ws`` is set.

    ``values`` holds the value of every cell given one (or touched), ``looks`` the look of
    every styled cell (keyed by :func:`cell_key`); the cells written are the union of both."""

    ws = None

    def __init__(self, title: str) -> None:
        self.title = title
        self.values: dict[int, Any] = {}
        self.looks: dict[int, Look] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[tuple[int, int, int, int]] = []

    def _date(self, pos: int, value: Any) -> None:
        old = self.looks.get(pos)
        fmt = _time_format(value, old[_FMT] if old is not None else None)
        if old is None:
            self.looks[pos] = look(fmt=fmt)
        elif fmt != old[_FMT]:
            self.looks[pos] = look(old[0], old[1], old[2], old[3], fmt)

    def put(self, row: int, col: int, value: Any, lk: Look) -> None:
        """``value`` then ``apply(lk)``, in one call."""
        pos = row << _COL_BITS | col
        self.values[pos] = value
        if value.__class__ not in _PLAIN and isinstance(value, _TIME_TYPES) and \
                lk[_FMT] is None:  # (a look's number format is set after the value)
            self._date(pos, value)
        old = self.looks.setdefault(pos, lk)
        if old is not lk:
            self.looks[pos] = _merge(old, lk)

    def put_row(self, row: int, values: list, lks: tuple, first: int = 1) -> None:
        """``put`` into columns ``first``, ``first`` + 1, … of ``row``."""
        if len(values) != len(lks):
            raise ValueError("a look for each value")
        cells, looks = self.values, self.looks
        start = (row << _COL_BITS) + first
        keys = range(start, start + len(values))
        if looks.keys().isdisjoint(keys) and (_PLAIN.issuperset(map(type, values)) or
                                              _formatted(values, lks)):
            cells.update(zip(keys, values))  # new cells, no dates: as the loop below, in C
            looks.update(zip(keys, lks))
            return
        col = first - 1
        for value, lk in zip(values, lks):
            col += 1
            pos = row << _COL_BITS | col
            cells[pos] = value
            if value.__class__ not in _PLAIN and isinstance(value, _TIME_TYPES) and \
                    lk[_FMT] is None:
                self._date(pos, value)
            old = looks.setdefault(pos, lk)
            if old is not lk:
                looks[pos] = _merge(old, lk)

    def apply(self, row: int, col: int, lk: Look) -> None:
        pos = row << _COL_BITS | col
        old = self.looks.setdefault(pos, lk)
        if old is not lk:
            self.looks[pos] = _merge(old, lk)

    def apply_range(self, r1: int, c1: int, r2: int, c2: int, lk: Look) -> None:
        keys = [r << _COL_BITS | c for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        if self.looks.keys().isdisjoint(keys):  # cells without a look yet: as the loop, in C
            self.looks.update(dict.fromkeys(keys, lk))
            return
        apply = self.apply
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                apply(r, c, lk)

    def style(self, row: int, col: int, *, font: Any = None, border: Any = None,
              fill: Any = None, alignment: Any = None) -> None:
        """Like :func:`style_cell`: ``None`` leaves a part as it is."""
        self.apply(row, col, look(font, border, fill, alignment))

    def value(self, row: int, col: int, value: Any) -> None:
        pos = row << _COL_BITS | col
        self.values[pos] = value
        if value.__class__ not in _PLAIN and isinstance(value, _TIME_TYPES):
            self._date(pos, value)

    def number_format(self, row: int, col: int, fmt: str) -> None:
        self.apply(row, col, look(fmt=fmt))

    def touch(self, row: int, col: int) -> None:
        pos = row << _COL_BITS | col
        if pos not in self.values:
            self.values[pos] = None

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        self.merges.append((r1, c1, r2, c2))

    def height(self, row: int, height: float) -> None:
        self.heights[row] = height

    def take(self, other: SheetRecord) -> bool:
        """Add what ``other`` recorded, as if its writes were made here now, when they are all
        to cells this record has no value and no look for (else ``False``: nothing taken).
        Writes to new cells depend on nothing here, so the result is the same: the same
        values, looks, heights and merges, in the same order."""
        if not (self.values.keys().isdisjoint(other.values) and
                self.looks.keys().isdisjoint(other.looks)):
            return False
        self.values.update(other.values)
        self.looks.update(other.looks)
        self.heights.update(other.heights)
        self.merges.extend(other.merges)
        return True


# blocks of writes recorded by once(): (the record, what writing it returned) by key
_ONCE: dict[Hashable, tuple[SheetRecord, Any]] = {}
_ONCE_LOCK = threading.Lock()
_ONCE_KEPT = 4096  # blocks (a table has a few dozen per layout)


def once(target: Any, key: Hashable, write: Callable[[Any], Any]) -> Any:
    """``write(target)``, for writes that depend on nothing but ``key`` (say, an indicator
    set's content and the rows they go in), and what it returns. Recording a document's data
    (a :class:`SheetRecord`, the fast path), the block is recorded once into a record of its
    own (``write`` gets that one) and taken from there again (:meth:`SheetRecord.take`: when
    it writes only cells not written yet, which is then the same); the result is the first
    time's. Other targets (openpyxl) are always written."""
    if target.__class__ is not SheetRecord:
        return write(target)
    with _ONCE_LOCK:
        hit = _ONCE.get(key)
    if hit is None:
        record = SheetRecord(target.title)
        hit = (record, write(record))
        with _ONCE_LOCK:
            remember(_ONCE, key, hit, _ONCE_KEPT)
    record, result = hit
    if target.take(record):
        return result
    return write(target)


def set_value(cell: Any, value: Any) -> None:
    """Put ``value`` into an openpyxl cell, as data: text (even ``=…``, ``#N/A``) is a string
    cell, without the control characters a workbook cannot hold (:func:`cell_text_of`); a
    :class:`Formula` is a formula, and is remembered as one the saved file may keep
    (:func:`~.package.save_workbook` turns any other formula back into the text it was)."""
    to_cell = getattr(value, "to_cell_value", None)
    if to_cell is not None:
        cell.value = to_cell()
    elif isinstance(value, Formula):
        cell.value = value
        cell.parent.__dict__.setdefault(_FORMULAS, set()).add(cell.coordinate)
    elif isinstance(value, str):
        cell.value = cell_text_of(value)
        cell.data_type = "s"  # data: never a formula, never an error value
    else:
        cell.value = value


def append_row(ws: Any, values: Any) -> None:
    """``ws.append(values)`` on a normal worksheet, each value put with :func:`set_value`."""
    row = ws._current_row + 1  # where ws.append writes (an empty row takes its place too)
    for col, value in enumerate(values, 1):
        set_value(ws.cell(row=row, column=col), value)
    ws._current_row = row


_ILLEGAL: list[Any] = []


def cell_text_of(text: str) -> str:
    """``text`` as a cell holds it: without the C0 control characters XML cannot hold (tab,
    newline and carriage return stay), at most 32,767 characters (Excel's limit)."""
    if not text.isprintable():  # printable text has none: the expression only for the others
        if not _ILLEGAL:
            from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

            _ILLEGAL.append(ILLEGAL_CHARACTERS_RE)
        text = _ILLEGAL[0].sub("", text)
    return text[:32767]


class OpenpyxlSheet:
    """The same interface over an openpyxl worksheet (and, when ``record`` is given, recorded
    too: that is how a skeleton learns what its neutral run wrote)."""

    def __init__(self, ws: Any, record: SheetRecord | None = None) -> None:
        self.ws = ws
        self.record = record

    def _style(self, row: int, col: int, lk: Look) -> None:
        self._style_cell(self.ws.cell(row=row, column=col), lk)

    def _style_cell(self, cell: Any, lk: Look) -> None:
        """What :func:`style_cell` (and the number format) do, with the look's style indexes
        worked out once per workbook (:func:`_look_ids`): a table styles thousands of cells
        with a few dozen looks."""
        style = _style_array(cell)
        for pos, index in _look_ids(cell.parent.parent, lk):
            style[pos] = index
        if lk[_FMT] is not None:
            cell.number_format = lk[_FMT]

    def _value(self, row: int, col: int, value: Any) -> None:
        set_value(self.ws.cell(row=row, column=col), value)

    def put(self, row: int, col: int, value: Any, lk: Look) -> None:
        cell = self.ws.cell(row=row, column=col)
        set_value(cell, value)
        self._style_cell(cell, lk)
        if self.record is not None:
            self.record.put(row, col, value, lk)

    def put_row(self, row: int, values: list, lks: tuple, first: int = 1) -> None:
        for col, (value, lk) in enumerate(zip(values, lks), first):
            self.put(row, col, value, lk)

    def apply(self, row: int, col: int, lk: Look) -> None:
        self._style(row, col, lk)
        if self.record is not None:
            self.record.apply(row, col, lk)

    def apply_range(self, r1: int, c1: int, r2: int, c2: int, lk: Look) -> None:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.apply(r, c, lk)

    def style(self, row: int, col: int, *, font: Any = None, border: Any = None,
              fill: Any = None, alignment: Any = None) -> None:
        self.apply(row, col, look(font, border, fill, alignment))

    def value(self, row: int, col: int, value: Any) -> None:
        self._value(row, col, value)
        if self.record is not None:
            self.record.value(row, col, value)

    def number_format(self, row: int, col: int, fmt: str) -> None:
        self.ws.cell(row=row, column=col).number_format = fmt
        if self.record is not None:
            self.record.number_format(row, col, fmt)

    def touch(self, row: int, col: int) -> None:
        self.ws.cell(row=row, column=col)
        if self.record is not None:
            self.record.touch(row, col)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        _merge_cells(self.ws, r1, c1, r2, c2)
        if self.record is not None:
            self.record.merge(r1, c1, r2, c2)

    def height(self, row: int, height: float) -> None:
        self.ws.row_dimensions[row].height = height
        if self.record is not None:
            self.record.height(row, height)


def _merge_cells(ws: Any, r1: int, c1: int, r2: int, c2: int) -> None:
    """``ws.merge_cells(...)``, the same workbook, faster: openpyxl then copies the top-left
    cell's borders and protection to every cell of the range, one style lookup per cell; when
    that cell has the default border and protection (a range merged before it is styled, as the
    builders do) the copies change nothing and are skipped."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.merge import MergedCellRange

    coord = f"{column_letter(c1)}{r1}"
    if (r2, c2) != (r1, c1):
        coord += f":{column_letter(c2)}{r2}"
    mcr = MergedCellRange(ws, coord)  # makes the top-left cell, takes the bottom-right's border
    style = mcr.start_cell._style  # None: no style yet
    if style is not None and (style.borderId != 0 or style.protectionId != 0):
        ws.merged_cells.add(mcr)  # the rest of ws.merge_cells(coord)
        ws._clean_merge_range(mcr)
        return
    ws.merged_cells.add(mcr)
    cells = ws._cells
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            if r != r1 or c != c1:
                cells[(r, c)] = MergedCell(ws, r, c)


class OpenpyxlBook:
    """A new openpyxl workbook (its default sheet removed) whose sheets are targets."""

    def __init__(self, *, record: bool = False) -> None:
        from openpyxl import Workbook

        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.records: dict[str, SheetRecord] | None = {} if record else None

    def sheet(self, title: str) -> OpenpyxlSheet:
        ws = self.wb.create_sheet(title)
        rec = None
        if self.records is not None:
            rec = self.records[title] = SheetRecord(title)
        return OpenpyxlSheet(ws, rec)


class RecordBook:
    """Sheets that only record."""

    wb = None

    def __init__(self) -> None:
        self.records: dict[str, SheetRecord] = {}

    def sheet(self, title: str) -> SheetRecord:
        rec = self.records[title] = SheetRecord(title)
        return rec


# -- fast cell styling -------------------------------------------------------------------------
# ``cell.font = f`` in openpyxl hashes the whole style object (a recursive walk over every field)
# to find its index in the workbook's style list — for every cell. A score table with a few
# thousand styled cells spent most of its time there. Here each style *object* is looked up once
# per workbook (then by identity); the indexes, and so the saved file, are exactly those the
# plain assignments give. Style objects must not be mutated after their first use (openpyxl's
# own style objects are treated as immutable values anyway).
_SLOTS = {"font": ("_fonts", "fontId"), "border": ("_borders", "borderId"),
          "fill": ("_fills", "fillId"), "alignment": ("_alignments", "alignmentId")}


def _index(wb: Any, collection: str, obj: Any) -> int:
    cache = wb.__dict__.get("_greenmine_style_ids")
    if cache is None:
        cache = wb.__dict__["_greenmine_style_ids"] = {}
    key = (collection, id(obj))
    hit = cache.get(key)
    if hit is None or hit[1] is not obj:
        # keep a reference to obj: its id cannot be reused while it is cached
        hit = cache[key] = (getattr(wb, collection).add(made(obj)), obj)
    return hit[0]


def _look_ids(wb: Any, lk: Look) -> tuple[tuple[int, int], ...]:
    """The (position in the cell's ``StyleArray``, index) pairs :func:`style_cell` sets for
    the look ``lk`` in ``wb`` — found in the same order, so the style lists and the saved file
    are the same — remembered per look object."""
    cache = wb.__dict__.get("_greenmine_look_ids")
    if cache is None:
        cache = wb.__dict__["_greenmine_look_ids"] = {}
    hit = cache.get(id(lk))
    if hit is None or hit[0] is not lk:
        pairs = _style_ids(wb, font=lk[_FONT], border=lk[_BORDER], fill=lk[_FILL],
                           alignment=lk[_ALIGN])
        # the look is kept with its pairs: its id cannot be reused while it is cached
        hit = cache[id(lk)] = (lk, pairs)
    return hit[1]


def _style_ids(wb: Any, *, font: Any, border: Any, fill: Any, alignment: Any
               ) -> tuple[tuple[int, int], ...]:
    """(position in a cell's ``StyleArray``, index in ``wb``'s style lists) of each given
    style, in the order openpyxl's setters would add them to the lists."""
    from openpyxl.styles.cell_style import StyleArray

    pairs = []
    for name, value in (("border", border), ("fill", fill), ("alignment", alignment),
                        ("font", font)):
        if value is not None:
            collection, slot = _SLOTS[name]
            pairs.append((vars(StyleArray)[slot].key, _index(wb, collection, value)))
    return tuple(pairs)


def _style_array(cell: Any) -> Any:
    """The cell's ``StyleArray``, made when the cell has none yet (as openpyxl does when a
    style is first set)."""
    from openpyxl.styles.cell_style import StyleArray

    if not cell._style:
        cell._style = StyleArray()
    return cell._style


def style_cell(cell: Any, *, font: Any = None, border: Any = None, fill: Any = None,
               alignment: Any = None) -> Any:
    """Same result as assigning ``cell.font``/``.border``/``.fill``/``.alignment`` (the
    ``None`` ones are left as they are); returns the cell."""
    style = _style_array(cell)
    for pos, index in _style_ids(cell.parent.parent, font=font, border=border, fill=fill,
                                 alignment=alignment):
        style[pos] = index
    return cell
