"""Generated workbooks, fast: the layout is saved once by openpyxl, each document only fills values.

Most of a generated table is the same for every mine that uses the same indicator set: its rows,
merged ranges, styles, data validations, formulas and print setup. Building all of that cell by
cell with openpyxl and saving it cost ~100 ms per workbook. Here a builder writes through a small
*target* interface instead of openpyxl directly:

* :class:`OpenpyxlBook` — the plain way: every write goes to an openpyxl workbook (the reference
  output, and the way the cached skeleton is made);
* :class:`RecordBook` — writes are only recorded (values, styles, row heights, merges).

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
from typing import Any, Callable, Hashable
from xml.sax.saxutils import escape

from .outputs import PACKAGE_COMPRESSLEVEL

# a cell's state: value, font, border, fill, alignment, number format (None: not set)
_VALUE, _FONT, _BORDER, _FILL, _ALIGN, _FMT = range(6)
_UNSET = object()


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
    from openpyxl.cell.cell import TIME_FORMATS
    from openpyxl.styles.numbers import is_date_format

    if is_date_format(current or "General"):
        return current
    for kind in (dt.datetime, dt.date, dt.time, dt.timedelta):  # datetime before date
        if isinstance(value, kind):
            return TIME_FORMATS[kind]
    return current


_TIME_TYPES = (dt.datetime, dt.date, dt.time, dt.timedelta)


# -- targets ---------------------------------------------------------------------------------
class SheetRecord:
    """What a builder wrote into one sheet, without openpyxl. ``ws`` is ``None``: builders do
    layout-only work (column widths, validations, print setup) only when ``ws`` is set."""

    ws = None

    def __init__(self, title: str) -> None:
        self.title = title
        self.cells: dict[tuple[int, int], list] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[tuple[int, int, int, int]] = []

    def _cell(self, row: int, col: int) -> list:
        cell = self.cells.get((row, col))
        if cell is None:
            cell = self.cells[(row, col)] = [None, None, None, None, None, None]
        return cell

    def style(self, row: int, col: int, *, font: Any = None, border: Any = None,
              fill: Any = None, alignment: Any = None) -> None:
        """Like :func:`greenmine_docs.cellstyle.style_cell`: ``None`` leaves a part as it is."""
        cell = self.cells.get((row, col))
        if cell is None:
            cell = self.cells[(row, col)] = [None, None, None, None, None, None]
        if font is not None:
            cell[_FONT] = font
        if border is not None:
            cell[_BORDER] = border
        if fill is not None:
            cell[_FILL] = fill
        if alignment is not None:
            cell[_ALIGN] = alignment

    def value(self, row: int, col: int, value: Any) -> None:
        cell = self._cell(row, col)
        cell[_VALUE] = value
        if isinstance(value, _TIME_TYPES):
            cell[_FMT] = _time_format(value, cell[_FMT])

    def number_format(self, row: int, col: int, fmt: str) -> None:
        self._cell(row, col)[_FMT] = fmt

    def touch(self, row: int, col: int) -> None:
        self._cell(row, col)

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

    def style(self, row: int, col: int, *, font: Any = None, border: Any = None,
              fill: Any = None, alignment: Any = None) -> None:
        from .cellstyle import style_cell

        style_cell(self.ws.cell(row=row, column=col), font=font, border=border, fill=fill,
                   alignment=alignment)
        if self.record is not None:
            self.record.style(row, col, font=font, border=border, fill=fill, alignment=alignment)

    def value(self, row: int, col: int, value: Any) -> None:
        cell = self.ws.cell(row=row, column=col)
        to_cell = getattr(value, "to_cell_value", None)
        cell.value = to_cell() if to_cell is not None else value
        if isinstance(value, str) and not isinstance(value, Formula):
            cell.data_type = "s"  # data: never a formula, never an error value
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
        self.ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        if self.record is not None:
            self.record.merge(r1, c1, r2, c2)

    def height(self, row: int, height: float) -> None:
        self.ws.row_dimensions[row].height = height
        if self.record is not None:
            self.record.height(row, height)


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
def _style_key(cell: list) -> tuple:
    """Identity of a cell's style (style objects are shared, immutable singletons)."""
    return (id(cell[_FONT]), id(cell[_BORDER]), id(cell[_FILL]), id(cell[_ALIGN]), cell[_FMT])


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and a == b)


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


def _letters(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _unescape_non_ascii(xml: str) -> str:
    """openpyxl writes every non-ASCII character as ``&#NNNNN;``; as UTF-8 the part is a third
    smaller and compresses faster (same XML)."""
    return _CHAR_REF.sub(lambda m: chr(int(m.group(1))) if int(m.group(1)) > 127
                         else m.group(0), xml)


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
        self.styles: dict[tuple[int, int], str] = {}  # (row, col) -> xf index
        for m in _ROW.finditer(body):
            attrs = dict(_ATTR.findall(" " + m.group(1)))
            row = int(attrs["r"])
            cells: dict[int, str] = {}
            for c in _CELL.finditer(m.group(2) or ""):
                cattrs = dict(_ATTR.findall(" " + c.group(1)))
                col = _col_number(_REF.match(cattrs["r"]).group(1))
                cells[col] = c.group(0)
                self.styles[(row, col)] = cattrs.get("s", "0")
            self.rows[row] = (attrs, cells)
        self.order = sorted(self.rows)

    def style_of(self, row: int, col: int) -> str | None:
        return self.styles.get((row, col))


def _row_tag(attrs: dict[str, str], height: float | None) -> str:
    from openpyxl.compat import safe_string

    out = {k: v for k, v in attrs.items() if k not in ("ht", "customHeight")}
    parts = [f'<row r="{out.pop("r")}"']
    parts += [f' {k}="{v}"' for k, v in out.items()]
    if height:
        parts.append(f' ht="{safe_string(height)}" customHeight="1"')
    return "".join(parts) + ">"


def _text(value: str) -> str:
    """Escaped cell text, as openpyxl checks it (32,767 characters, no control characters)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils.exceptions import IllegalCharacterError

    value = value[:32767]
    if ILLEGAL_CHARACTERS_RE.search(value):
        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    return escape(value).replace("\r", "&#13;")


def cell_xml(ref: str, style: str | None, value: Any) -> str:
    """A ``<c>`` element for a data value, as openpyxl writes it (text inline)."""
    from openpyxl.compat import safe_string
    from openpyxl.utils.datetime import to_excel

    s = f' s="{style}"' if style not in (None, "0") else ""
    if value is None:
        return f'<c r="{ref}"{s} t="n"></c>'
    if isinstance(value, Formula) or hasattr(value, "to_cell_value"):
        raise Mismatch(f"{ref}: formulas and rich text belong in the skeleton")
    if isinstance(value, str):
        if value == "":
            return f'<c r="{ref}"{s} t="inlineStr"></c>'
        text = _text(value)
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, _TIME_TYPES):
        if getattr(value, "tzinfo", None) is not None:
            raise TypeError("Excel does not support timezones in datetimes.")
        return f'<c r="{ref}"{s} t="n"><v>{safe_string(to_excel(value))}</v></c>'
    from numbers import Number

    if isinstance(value, Number):
        return f'<c r="{ref}"{s} t="n"><v>{safe_string(value)}</v></c>'
    raise ValueError(f"Cannot convert {value!r} to Excel")


class Skeleton:
    """A workbook saved by openpyxl for neutral data, with what its builder wrote, ready to be
    filled with the values of many documents."""

    def __init__(self, package: bytes, records: dict[str, SheetRecord],
                 styles: dict[tuple, str], shape: Any = None) -> None:
        self.records = records
        self.shape = shape
        self.styles = styles  # style key -> xf index (as text)
        with zipfile.ZipFile(io.BytesIO(package)) as zf:
            self.parts = [(info, zf.read(info)) for info in zf.infolist()]
        names = {info.filename: data for info, data in self.parts}
        self.sheet_parts: dict[str, str] = _sheet_part_names(names)
        self.sheets = {title: _SheetPart(_unescape_non_ascii(names[part].decode("utf-8")))
                       for title, part in self.sheet_parts.items() if title in records}
        # every style in use: what cells with a style key not seen in the neutral run need
        for title, rec in records.items():
            part = self.sheets[title]
            for (row, col), cell in rec.cells.items():
                s = part.style_of(row, col)
                if s is not None:
                    self.styles.setdefault(_style_key(cell), s)

    def fill(self, real: dict[str, SheetRecord], shape: Any = None) -> bytes:
        if shape != self.shape or real.keys() != self.records.keys():
            raise Mismatch("layout")
        xml_by_part: dict[str, bytes] = {}
        missing: set = set()
        for title, rec in real.items():
            xml = self._fill_sheet(self.records[title], rec, self.sheets[title], missing)
            xml_by_part[self.sheet_parts[title]] = xml.encode("utf-8")
        if missing:
            raise _MissingStyles(missing)
        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED,
                             compresslevel=PACKAGE_COMPRESSLEVEL) as zf:
            for info, data in self.parts:
                name = info.filename
                if name in xml_by_part:
                    data = xml_by_part[name]
                elif name == "docProps/core.xml":
                    data = _DCTERMS.sub(lambda m: m.group(1) + now + m.group(3),
                                        data.decode("utf-8")).encode("utf-8")
                zf.writestr(name, data)
        return buf.getvalue()

    def _fill_sheet(self, neutral: SheetRecord, real: SheetRecord, part: _SheetPart,
                    missing: set) -> str:
        if real.merges != neutral.merges or real.cells.keys() != neutral.cells.keys():
            raise Mismatch(f"{real.title}: other cells or merges than the skeleton's")
        changed: dict[int, dict[int, str]] = {}
        ncells = neutral.cells
        for pos, cell in real.cells.items():
            base = ncells[pos]
            if cell == base and type(cell[_VALUE]) is type(base[_VALUE]):
                continue  # list == compares style objects by identity first: cheap
            row, col = pos
            if cell[1:] == base[1:]:
                style = part.style_of(row, col)
            else:
                style = self.styles.get(_style_key(cell))
                if style is None:
                    missing.add(tuple(cell[1:]))
                    continue
            changed.setdefault(row, {})[col] = cell_xml(f"{_letters(col)}{row}", style,
                                                         cell[_VALUE])
        heights = {r: h for r, h in real.heights.items() if neutral.heights.get(r) != h}
        heights.update({r: None for r in neutral.heights if r not in real.heights})
        out = [part.head]
        rows = part.order
        extra = (changed.keys() | heights.keys()) - part.rows.keys()
        if extra:
            rows = sorted([*rows, *extra])
        for r in rows:
            known = part.rows.get(r)
            attrs, cells = known or ({"r": str(r)}, {})
            if r in heights or known is None:
                out.append(_row_tag(attrs, real.heights.get(r)))
            else:
                out.append(self._row_open(attrs))
            new = changed.get(r)
            if new:
                merged = dict(cells)
                merged.update(new)
                out.extend(merged[c] for c in sorted(merged))
            else:
                out.extend(cells.values())
            out.append("</row>")
        out.append(part.tail)
        return "".join(out)

    @staticmethod
    def _row_open(attrs: dict[str, str]) -> str:
        return "<row" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">"


def _sheet_part_names(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet title -> its part name, from ``xl/workbook.xml`` and its relationships."""
    from xml.sax.saxutils import unescape

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
        name = _CHAR_REF.sub(lambda x: chr(int(x.group(1))), unescape(a["name"], {"&quot;": '"'}))
        out[name] = targets[rid]
    return out


def register_styles(wb: Any, keys: set) -> dict[tuple, str]:
    """Add cell formats (font, border, fill, alignment, number format) to a workbook's style
    list without using them on a cell; returns their xf indexes by style key."""
    from openpyxl.cell.cell import Cell

    from .cellstyle import style_cell

    ws = wb.worksheets[0]
    out = {}
    for font, border, fill, alignment, fmt in keys:
        cell = Cell(ws)  # not in the sheet: never written
        style_cell(cell, font=font, border=border, fill=fill, alignment=alignment)
        if fmt is not None:
            cell.number_format = fmt
        xf = wb._cell_styles.add(cell._style)
        out[(id(font), id(border), id(fill), id(alignment), fmt)] = str(xf)
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
    buf = io.BytesIO()
    book.wb.save(buf)
    return Skeleton(buf.getvalue(), book.records or {}, styles, shape)


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
