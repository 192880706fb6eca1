"""Generated workbooks, fast: the layout is saved once by openpyxl, each document only fills values.

Most of a generated table is the same for every mine that uses the same indicator set: its rows,
merged ranges, styles, data validations, formulas and print setup. Building all of that cell by
cell with openpyxl and saving it cost ~100 ms per workbook. Here a builder writes through a small
*target* interface instead of openpyxl directly:

* :class:`OpenpyxlBook` — the plain way: every write goes to an openpyxl workbook (the reference
  output, and the way the cached skeleton is made);
* :class:`RecordBook` — writes are only recorded (values, styles, row heights, merges).

A cell's style is a *look* (:func:`look`: font, border, fill, alignment, number format), one
shared object per combination, so builders work out their looks once and the fill compares
cells by identity: ``put(row, col, value, look)`` and ``put_row`` write value and style at once.

A :class:`Skeleton` is the builder's output for *neutral* data (the indicator set and whatever
else decides the layout, no mine data), saved once by openpyxl, together with what the builder
wrote for it. For one document the builder runs again into a :class:`RecordBook` with the real
data; every cell whose value or style differs from the neutral run, and every row whose height
differs, is written into the skeleton's sheet XML; the other parts are copied. The result reads
back cell for cell like the workbook openpyxl would have saved (``tests/test_xlsx_fill.py``).

Safety: values are always written as data — text as inline strings (XML-escaped), numbers,
booleans and dates as numbers; a formula only where the builder wrote a :class:`Formula`, never
user text (a value that starts with ``=`` stays text). When the real run's layout differs from
the skeleton's (other cells touched, other merges) :class:`Mismatch` is raised and callers build
the workbook the plain way.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import threading
import zipfile
from collections import OrderedDict
from functools import lru_cache
from itertools import compress
from operator import is_not
from typing import Any, Callable, Hashable

from .clock import StampedZip
from .clock import now as clock_now
from .outputs import PACKAGE_COMPRESSLEVEL


class Formula(str):
    """A formula a generator wrote. Any other text, even one starting with ``=``, is stored as
    text, so data can never become a formula."""


class Mismatch(Exception):
    """The real data's layout differs from the skeleton's: build the plain way."""


class _MissingStyles(Mismatch):
    """Cells use a style the skeleton's style sheet lacks: the cache rebuilds the skeleton with
    it once; if it is still missing, this is a :class:`Mismatch` (the plain way is taken)."""

    def __init__(self, keys: set) -> None:
        super().__init__(f"{len(keys)} styles not in the skeleton")
        self.keys = keys


def _time_format(value: Any, current: str | None) -> str | None:
    """The number format openpyxl gives a cell when a date/time is assigned to it."""
    return _time_format_of(type(value), current)


@lru_cache(maxsize=256)
def _time_format_of(kind: type, current: str | None) -> str | None:
    from openpyxl.cell.cell import TIME_FORMATS
    from openpyxl.styles.numbers import is_date_format

    if is_date_format(current or "General"):
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
_LOOKS: dict[tuple, tuple] = {}
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
         fmt: str | None = None) -> tuple:
    """The one look object for these style parts (``None``: the part is left as it is)."""
    key = (id(font), id(border), id(fill), id(alignment), fmt)
    hit = _LOOKS.get(key)
    if hit is None:
        if len(_LOOKS) >= _LOOKS_MAX:  # builders share their style objects: never in practice
            _LOOKS.clear()  # (an older look stays valid: skeletons match looks by their parts)
        # the look holds its parts, so their ids (the key) cannot be reused while it is here
        hit = _LOOKS.setdefault(key, (font, border, fill, alignment, fmt))
    return hit


def _look_key(lk: tuple) -> tuple:
    return (id(lk[0]), id(lk[1]), id(lk[2]), id(lk[3]), lk[4])


def _merge(old: tuple, new: tuple) -> tuple:
    """``new`` applied over ``old`` (its ``None`` parts keep ``old``'s)."""
    return look(*(n if n is not None else o for o, n in zip(old, new)))


class SheetRecord:
    """What a builder wrote into one sheet, without openpyxl. ``ws`` is ``None``: builders do
    layout-only work (column widths, validations, print setup) only when ``ws`` is set.

    ``values`` holds the value of every cell given one (or touched), ``looks`` the look of
    every styled cell (keyed by :func:`cell_key`); the cells written are the union of both."""

    ws = None

    def __init__(self, title: str) -> None:
        self.title = title
        self.values: dict[int, Any] = {}
        self.looks: dict[int, tuple] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[tuple[int, int, int, int]] = []

    def _date(self, pos: int, value: Any) -> None:
        old = self.looks.get(pos)
        fmt = _time_format(value, old[_FMT] if old is not None else None)
        if old is None or fmt != old[_FMT]:
            self.looks[pos] = look(*(old[:_FMT] if old is not None else (None,) * 4), fmt)

    def put(self, row: int, col: int, value: Any, lk: tuple) -> None:
        """``value`` then ``apply(lk)``, in one call."""
        pos = row << _COL_BITS | col
        self.values[pos] = value
        if value.__class__ not in _PLAIN and isinstance(value, _TIME_TYPES) and \
                lk[_FMT] is None:  # (a look's number format is set after the value)
            self._date(pos, value)
        old = self.looks.setdefault(pos, lk)
        if old is not lk:
            self.looks[pos] = _merge(old, lk)

    def put_row(self, row: int, values: list, lks: tuple) -> None:
        """``put`` into columns 1, 2, … of ``row``."""
        if len(values) != len(lks):
            raise ValueError("a look for each value")
        cells, looks = self.values, self.looks
        first = (row << _COL_BITS) + 1
        keys = range(first, first + len(values))
        if _PLAIN.issuperset(map(type, values)) and looks.keys().isdisjoint(keys):
            cells.update(zip(keys, values))  # new cells, no dates: as the loop below, in C
            looks.update(zip(keys, lks))
            return
        col = 0
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

    def apply(self, row: int, col: int, lk: tuple) -> None:
        pos = row << _COL_BITS | col
        old = self.looks.setdefault(pos, lk)
        if old is not lk:
            self.looks[pos] = _merge(old, lk)

    def apply_range(self, r1: int, c1: int, r2: int, c2: int, lk: tuple) -> None:
        apply = self.apply
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                apply(r, c, lk)

    def style(self, row: int, col: int, *, font: Any = None, border: Any = None,
              fill: Any = None, alignment: Any = None) -> None:
        """Like :func:`greenmine_docs.cellstyle.style_cell`: ``None`` leaves a part as it is."""
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


class OpenpyxlSheet:
    """The same interface over an openpyxl worksheet (and, when ``record`` is given, recorded
    too: that is how a skeleton learns what its neutral run wrote)."""

    def __init__(self, ws: Any, record: SheetRecord | None = None) -> None:
        self.ws = ws
        self.record = record

    def _style(self, row: int, col: int, lk: tuple) -> None:
        from .cellstyle import style_cell

        cell = self.ws.cell(row=row, column=col)
        style_cell(cell, font=lk[_FONT], border=lk[_BORDER], fill=lk[_FILL],
                   alignment=lk[_ALIGN])
        if lk[_FMT] is not None:
            cell.number_format = lk[_FMT]

    def _value(self, row: int, col: int, value: Any) -> None:
        cell = self.ws.cell(row=row, column=col)
        to_cell = getattr(value, "to_cell_value", None)
        cell.value = to_cell() if to_cell is not None else value
        if isinstance(value, str) and not isinstance(value, Formula):
            cell.data_type = "s"  # data: never a formula, never an error value

    def put(self, row: int, col: int, value: Any, lk: tuple) -> None:
        self._value(row, col, value)
        self._style(row, col, lk)
        if self.record is not None:
            self.record.put(row, col, value, lk)

    def put_row(self, row: int, values: list, lks: tuple) -> None:
        for col, (value, lk) in enumerate(zip(values, lks), 1):
            self.put(row, col, value, lk)

    def apply(self, row: int, col: int, lk: tuple) -> None:
        self._style(row, col, lk)
        if self.record is not None:
            self.record.apply(row, col, lk)

    def apply_range(self, r1: int, c1: int, r2: int, c2: int, lk: tuple) -> None:
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
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.merge import MergedCellRange

    coord = f"{get_column_letter(c1)}{r1}"
    if (r2, c2) != (r1, c1):
        coord += f":{get_column_letter(c2)}{r2}"
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


# -- the skeleton ----------------------------------------------------------------------------
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_ATTR = re.compile(r'\s([\w:]+)="([^"]*)"')
_REF = re.compile(r"([A-Z]+)(\d+)")
_CHAR_REF = re.compile(r"&#(\d+);")
_DCTERMS = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


_LETTERS: list[str] = []


def _letters(col: int) -> str:
    if col >= len(_LETTERS):
        from openpyxl.utils import get_column_letter

        _LETTERS.extend(get_column_letter(c) if c else ""
                        for c in range(len(_LETTERS), max(col + 1, 2 * len(_LETTERS), 64)))
    return _LETTERS[col]


def _unescape_non_ascii(xml: str) -> str:
    """openpyxl writes every non-ASCII character as ``&#NNNNN;``; as UTF-8 the part is a third
    smaller and compresses faster (same XML)."""
    parts = _CHAR_REF.split(xml)  # text, number, text, number, …, text
    if len(parts) == 1:
        return xml
    numbers = parts[1::2]
    chars = {n: chr(int(n)) if int(n) > 127 else f"&#{n};" for n in set(numbers)}
    parts[1::2] = map(chars.__getitem__, numbers)
    return "".join(parts)


class _SheetPart:
    """One worksheet's XML, cut into rows and cells once."""

    def __init__(self, xml: str) -> None:
        start = xml.index("<sheetData")
        open_end = xml.index(">", start) + 1
        if xml[open_end - 2] == "/":  # <sheetData/>
            self.head, self.tail, body = xml[:start] + "<sheetData>", "</sheetData>" + \
                xml[open_end:], ""
        else:
            end = xml.index("</sheetData>", open_end)
            self.head, self.tail, body = xml[:open_end], xml[end:], xml[open_end:end]
        self.rows: dict[int, tuple[dict[str, str], dict[int, str]]] = {}
        self.opens: dict[int, str] = {}  # row -> its start tag as written
        self.whole: dict[int, str] = {}  # row -> the row as written (start tag, cells, end tag)
        self.bare: dict[int, str] = {}  # row -> its start tag without height and ">"
        self.styles: dict[int, str] = {}  # cell key (see cell_key) -> xf index
        for m in _ROW.finditer(body):
            attrs = dict(_ATTR.findall(" " + m.group(1)))
            row = int(attrs["r"])
            cells: dict[int, str] = {}
            for c in _CELL.finditer(m.group(2) or ""):
                cattrs = dict(_ATTR.findall(" " + c.group(1)))
                col = _col_number(_REF.match(cattrs["r"]).group(1))
                cells[col] = c.group(0)
                self.styles[row << _COL_BITS | col] = cattrs.get("s", "0")
            self.rows[row] = (attrs, cells)
            self.opens[row] = _row_open(attrs)
            self.bare[row] = _row_bare(attrs)
            self.whole[row] = "".join([self.opens[row], *cells.values(), "</row>"])
        self.order = sorted(self.rows)
        # the part as pieces: head, each row in order, tail (a fill replaces changed rows)
        self.rows_xml = [self.head, *(self.whole[r] for r in self.order), self.tail]
        self.index = {r: i for i, r in enumerate(self.order, start=1)}

    def style_of(self, row: int, col: int) -> str | None:
        return self.styles.get(row << _COL_BITS | col)


def _row_open(attrs: dict[str, str]) -> str:
    return "<row" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">"


def _row_bare(attrs: dict[str, str]) -> str:
    """A row's start tag without its height and the closing ``>``."""
    out = {k: v for k, v in attrs.items() if k not in ("ht", "customHeight")}
    return f'<row r="{out.pop("r")}"' + "".join(f' {k}="{v}"' for k, v in out.items())


def _row_tag(bare: str, height: float | None) -> str:
    if height:
        return f'{bare} ht="{_openpyxl("safe_string")(height)}" customHeight="1">'
    return bare + ">"


_OPENPYXL: dict[str, Any] = {}


def _openpyxl(name: str) -> Any:
    """What cell writing uses from openpyxl, imported once (openpyxl is imported lazily)."""
    hit = _OPENPYXL.get(name)
    if hit is None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.compat import safe_string
        from openpyxl.utils.datetime import to_excel

        _OPENPYXL.update(illegal=ILLEGAL_CHARACTERS_RE, safe_string=safe_string,
                         to_excel=to_excel)
        hit = _OPENPYXL[name]
    return hit


def _text(value: str) -> str:
    """Escaped cell text, as openpyxl checks it (32,767 characters, no control characters)."""
    value = value[:32767]
    # printable text has no control characters: the regular expression only for the others
    if not value.isprintable() and _openpyxl("illegal").search(value):
        from openpyxl.utils.exceptions import IllegalCharacterError

        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def cell_xml(ref: str, style: str | None, value: Any) -> str:
    """A ``<c>`` element for a data value, as openpyxl writes it (text inline)."""
    s = f' s="{style}"' if style is not None and style != "0" else ""
    if value is None:
        return f'<c r="{ref}"{s} t="n"></c>'
    kind = value.__class__
    if kind is str:
        if value == "":
            return f'<c r="{ref}"{s} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}"{s} t="n"><v>{_openpyxl("safe_string")(value)}</v></c>'
    if isinstance(value, Formula) or hasattr(value, "to_cell_value"):
        raise Mismatch(f"{ref}: formulas and rich text belong in the skeleton")
    if isinstance(value, str):
        if value == "":
            return f'<c r="{ref}"{s} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    safe_string = _openpyxl("safe_string")
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, _TIME_TYPES):
        if getattr(value, "tzinfo", None) is not None:
            raise TypeError("Excel does not support timezones in datetimes.")
        return f'<c r="{ref}"{s} t="n"><v>{safe_string(_openpyxl("to_excel")(value))}</v></c>'
    from numbers import Number

    if isinstance(value, Number):
        return f'<c r="{ref}"{s} t="n"><v>{safe_string(value)}</v></c>'
    raise ValueError(f"Cannot convert {value!r} to Excel")


def _changed(neutral: SheetRecord, real: SheetRecord,
             order: tuple[list[int], list[int]]) -> set[int]:
    """The cells whose value or look differ between the runs (:class:`Mismatch` when the runs
    wrote other cells or merges). ``order``: the neutral run's cell keys, as listed in its
    ``values`` and ``looks``."""
    nv, rv, nl, rl = neutral.values, real.values, neutral.looks, real.looks
    if real.merges != neutral.merges:
        raise Mismatch(f"{real.title}: other merges than the skeleton's")
    value_keys, look_keys = list(rv), list(rl)
    if value_keys == order[0] and look_keys == order[1]:
        # the same cells written in the same order (as the same builder does): pairs of values
        # and looks that are not the same objects are found in C, then compared
        changed = {k for k in compress(value_keys, map(is_not, rv.values(), nv.values()))
                   if not _same(rv[k], nv[k])}
        # looks are shared objects: compared by identity
        changed.update(compress(look_keys, map(is_not, rl.values(), nl.values())))
        return changed
    if (rv.keys() | rl.keys()) != (nv.keys() | nl.keys()):
        raise Mismatch(f"{real.title}: other cells than the skeleton's")
    # the same cells in another order, or some given a value or a look in one run only
    return {k for k in rv.keys() | rl.keys()
            if not _same(rv.get(k), nv.get(k)) or rl.get(k) is not nl.get(k)}


def _same(a: Any, b: Any) -> bool:
    """The same value: an equal text made anew (such as a formula) is; ``1`` and ``1.0`` are
    not (they are written differently)."""
    return a is b or (type(a) is type(b) and a == b)


class Skeleton:
    """A workbook saved by openpyxl for neutral data, with what its builder wrote, ready to be
    filled with the values of many documents."""

    def __init__(self, package: bytes, records: dict[str, SheetRecord],
                 styles: dict[tuple, str], shape: Any = None) -> None:
        self.records = records
        self.shape = shape
        self.styles = styles  # look key (see _look_key) -> xf index (as text)
        with zipfile.ZipFile(io.BytesIO(package)) as zf:
            self.parts = [(info, zf.read(info)) for info in zf.infolist()]
        names = {info.filename: data for info, data in self.parts}
        self.sheet_parts: dict[str, str] = _sheet_part_names(names)
        self.sheets = {title: _SheetPart(_unescape_non_ascii(names[part].decode("utf-8")))
                       for title, part in self.sheet_parts.items() if title in records}
        self.orders = {title: (list(rec.values), list(rec.looks))
                       for title, rec in records.items()}
        # every style in use: what cells with a look not seen at that place need
        for title, rec in records.items():
            part = self.sheets[title]
            for pos, lk in rec.looks.items():
                s = part.styles.get(pos)
                if s is not None:
                    self.styles.setdefault(_look_key(lk), s)

    def fill(self, real: dict[str, SheetRecord], shape: Any = None) -> bytes:
        if shape != self.shape or real.keys() != self.records.keys():
            raise Mismatch("layout")
        xml_by_part: dict[str, bytes] = {}
        missing: set = set()
        for title, rec in real.items():
            xml = self._fill_sheet(title, rec, missing)
            xml_by_part[self.sheet_parts[title]] = xml.encode("utf-8")
        if missing:
            raise _MissingStyles(missing)
        now = clock_now().strftime("%Y-%m-%dT%H:%M:%SZ")

        def part(name: str, data: bytes) -> bytes:
            if name in xml_by_part:
                return xml_by_part[name]
            if name == "docProps/core.xml":
                return _DCTERMS.sub(lambda m: m.group(1) + now + m.group(3),
                                    data.decode("utf-8")).encode("utf-8")
            return data

        return _package((info.filename, part(info.filename, data)) for info, data in self.parts)

    def _fill_sheet(self, title: str, real: SheetRecord, missing: set) -> str:
        neutral, part = self.records[title], self.sheets[title]
        changed: dict[int, dict[int, str]] = {}
        nl, rl, rv = neutral.looks, real.looks, real.values
        styles = self.styles
        for pos in _changed(neutral, real, self.orders[title]):
            row, col = pos >> _COL_BITS, pos & _COL_MASK
            lk = rl.get(pos)
            if lk is nl.get(pos):
                style = part.styles.get(pos)
            elif lk is None:
                style = None  # no style: the default format
            else:
                style = styles.get(_look_key(lk))
                if style is None:
                    missing.add(lk)
                    continue
            ref = _letters(col) + str(row)
            xml = cell_xml(ref, style, rv.get(pos))
            new = changed.get(row)
            if new is None:
                changed[row] = {col: xml}
            else:
                new[col] = xml
        heights = {r: h for r, h in real.heights.items() if neutral.heights.get(r) != h}
        heights.update({r: None for r in neutral.heights if r not in real.heights})
        if (changed.keys() | heights.keys()) <= part.rows.keys():
            # the skeleton's rows, some of them changed
            out = list(part.rows_xml)
            index = part.index
            for r in changed.keys() | heights.keys():
                out[index[r]] = self._row(part, r, changed.get(r), r in heights,
                                          real.heights.get(r))
            return "".join(out)
        # rows that are not in the skeleton (cells given a value or a height only now)
        out = [part.head]
        rows = sorted(part.rows.keys() | changed.keys() | heights.keys())
        for r in rows:
            new = changed.get(r)
            known = part.rows.get(r)
            if known is not None:
                if new is None and r not in heights:
                    out.append(part.whole[r])
                else:
                    out.append(self._row(part, r, new, r in heights, real.heights.get(r)))
                continue
            new = new or {}
            out.append(_row_tag(f'<row r="{r}"', real.heights.get(r)))
            out.extend(new[c] for c in sorted(new))
            out.append("</row>")
        out.append(part.tail)
        return "".join(out)

    @staticmethod
    def _row(part: _SheetPart, r: int, new: dict[int, str] | None, new_height: bool,
             height: float | None) -> str:
        """A row of the skeleton with other cells (``new``, by column) or another height."""
        text = part.whole[r]
        if new_height:
            text = _row_tag(part.bare[r], height) + text[len(part.opens[r]):]
        if not new:
            return text
        cells = part.rows[r][1]
        if new.keys() <= cells.keys():
            # a cell's XML starts with its unique reference and text in it is escaped: the
            # first occurrence is the cell
            for c, xml in new.items():
                text = text.replace(cells[c], xml, 1)
            return text
        merged = dict(cells)
        merged.update(new)
        start = text[:text.index(">") + 1]
        return start + "".join(merged[c] for c in sorted(merged)) + "</row>"


def with_rows(package: bytes, rows: dict[str, tuple[int, Any]]) -> bytes:
    """``package`` (a workbook openpyxl saved) with plain data rows added at the end of some
    sheets: ``rows[title] = (first row number, iterable of value lists)``. Values are written
    as :func:`cell_xml` writes them (text stays text), without a style; ``None`` is an empty
    cell. A long table is written in a fraction of the time openpyxl's streaming writer
    takes (a 10,000-mine batch summary: 30,000 rows)."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    names = _sheet_part_names(dict(parts))
    added = {names[title]: spec for title, spec in rows.items()}

    def part(name: str, data: bytes) -> bytes:
        if name not in added:
            return data
        first, values = added[name]
        xml = data.decode("utf-8")
        end = xml.rindex("</sheetData>")
        return "".join((xml[:end], *_rows_xml(first, values), xml[end:])).encode("utf-8")

    return _package((name, part(name, data)) for name, data in parts)


def _package(parts: Any) -> bytes:
    """A workbook package of ``(member name, bytes)`` pairs, in order (deflated at
    :data:`~greenmine_docs.outputs.PACKAGE_COMPRESSLEVEL`)."""
    buf = io.BytesIO()
    with StampedZip(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=PACKAGE_COMPRESSLEVEL) as zf:
        for name, data in parts:
            zf.writestr(name, data)
    return buf.getvalue()


def _rows_xml(first: int, rows: Any) -> Any:
    letters: list[str] = []
    for r, values in enumerate(rows, first):
        while len(letters) < len(values):
            letters.append(_letters(len(letters) + 1))
        cells = "".join([cell_xml(f"{col}{r}", None, v)
                         for col, v in zip(letters, values) if v is not None])
        yield f'<row r="{r}">{cells}</row>'


def _unescape_attr(text: str) -> str:
    """An attribute value's ``&lt;`` ``&gt;`` ``&quot;`` and (last) ``&amp;`` as characters."""
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&amp;", "&"))


def _sheet_part_names(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet title -> its part name, from ``xl/workbook.xml`` and its relationships."""
    wb = parts["xl/workbook.xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {}
    for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        a = dict(_ATTR.findall(" " + m.group(1)))
        target = a["Target"]
        targets[a["Id"]] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for m in re.finditer(r"<sheet\b([^>]*)/?>", wb):
        a = dict(_ATTR.findall(" " + m.group(1)))
        rid = next(v for k, v in a.items() if k.endswith(":id"))
        name = _CHAR_REF.sub(lambda x: chr(int(x.group(1))), _unescape_attr(a["name"]))
        out[name] = targets[rid]
    return out


def register_styles(wb: Any, keys: set) -> dict[tuple, str]:
    """Add cell formats (looks: font, border, fill, alignment, number format) to a workbook's
    style list without using them on a cell; returns their xf indexes by look key."""
    from openpyxl.cell.cell import Cell

    from .cellstyle import style_cell

    ws = wb.worksheets[0]
    out = {}
    for lk in keys:
        font, border, fill, alignment, fmt = lk
        cell = Cell(ws)  # not in the sheet: never written
        style_cell(cell, font=font, border=border, fill=fill, alignment=alignment)
        if fmt is not None:
            cell.number_format = fmt
        xf = wb._cell_styles.add(cell._style)
        out[_look_key(lk)] = str(xf)
    return out


# -- the cache -------------------------------------------------------------------------------
class NotCachedYet(Mismatch):
    """The first document of a layout in this process: the caller builds it the plain way,
    which for one document is cheaper than making the skeleton (a one-off ``greenmine build``
    never needs one); the skeleton is made when the layout comes again — or at once after
    :func:`eager_skeletons` (batch runs, which make it before their workers fork)."""


_EAGER = False


def eager_skeletons(eager: bool = True) -> None:
    """Make skeletons on a layout's first document (for runs that build many documents)."""
    global _EAGER
    _EAGER = eager


class SkeletonCache:
    """Skeletons by a key that names everything the layout depends on (e.g. the indicator
    set's content). ``build(extra_styles)`` makes a :class:`Skeleton` for neutral data whose
    style sheet also holds ``extra_styles`` (see :func:`make_skeleton`). Bounded (LRU)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[Skeleton, frozenset]] = OrderedDict()
        self._seen: OrderedDict[Hashable, None] = OrderedDict()  # keys met once, no skeleton
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._seen.clear()

    def admit(self, key: Hashable) -> None:
        """Raise :class:`NotCachedYet` for the first document of a layout (see there); call it
        before recording the document, which the plain build would not use."""
        with self._lock:
            if _EAGER or key in self._items or key in self._seen:
                return
            self._seen[key] = None
            while len(self._seen) > self.size:
                self._seen.popitem(last=False)
        raise NotCachedYet("first document of this layout")

    def fill(self, key: Hashable, build: Callable[[frozenset], Skeleton],
             real: dict[str, SheetRecord], shape: Any = None) -> bytes:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
        if hit is None:
            hit = (build(frozenset()), frozenset())
            self._store(key, hit)
        skeleton, extras = hit
        try:
            return skeleton.fill(real, shape)
        except _MissingStyles as e:  # a style the neutral run never used (e.g. grey text)
            extras = extras | frozenset(e.keys)
            skeleton = build(extras)
            self._store(key, (skeleton, extras))
            return skeleton.fill(real, shape)

    def _store(self, key: Hashable, value: tuple) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def make_skeleton(book: OpenpyxlBook, extra_styles: frozenset, shape: Any = None,
                  before_save: Callable[[Any], None] | None = None) -> Skeleton:
    """Save a recorded openpyxl book (built from neutral data) as a skeleton."""
    styles = register_styles(book.wb, set(extra_styles)) if extra_styles else {}
    if before_save is not None:
        before_save(book.wb)
    return Skeleton(save_workbook(book.wb), book.records or {}, styles, shape)


def save_workbook(wb: Any) -> bytes:
    """An openpyxl workbook's package as bytes: what ``wb.save`` writes, with its creation and
    modification times and its members' timestamps from :mod:`~greenmine_docs.clock`."""
    from openpyxl.writer.excel import ExcelWriter

    if wb.write_only and not wb.worksheets:
        wb.create_sheet()  # as Workbook.save does
    wb.properties.created = wb.properties.modified = clock_now()
    buf = io.BytesIO()
    archive = StampedZip(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return buf.getvalue()


_MEMO: OrderedDict[tuple[str, int], tuple[Any, Any]] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def per_object(kind: str, obj: Any, compute: Callable[[Any], Any]) -> Any:
    """``compute(obj)`` remembered per object (by identity, the object kept alive so its id is
    not reused) — for values derived from an immutable object such as a loaded indicator set."""
    key = (kind, id(obj))
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0] is obj:
            _MEMO.move_to_end(key)
            return hit[1]
    value = compute(obj)
    with _MEMO_LOCK:
        _MEMO[key] = (obj, value)
        while len(_MEMO) > 64:
            _MEMO.popitem(last=False)
    return value


def content_digest(obj: Any) -> str:
    """A digest of an immutable object's whole content (its ``repr``: frozen dataclasses list
    every field), computed once per object: equal content gives the same digest whether the set
    was loaded once (built-in sets are cached) or once per mine (a set file)."""
    import hashlib

    return per_object("digest", obj,
                      lambda o: hashlib.sha256(repr(o).encode("utf-8")).hexdigest())
