"""Generated workbooks, fast: the layout is saved once by openpyxl, each document only fills values.

Most of a generated table is the same for every mine that uses the same indicator set: its rows,
merged ranges, styles, data validations, formulas and print setup. Building all of that cell by
cell with openpyxl and saving it cost ~100 ms per workbook. So a builder (writing through the
targets of :mod:`.book`) runs twice:

A :class:`Skeleton` is the builder's output for *neutral* data (the indicator set and whatever
else decides the layout, no mine data), saved once by openpyxl, together with what the builder
wrote for it. For one document the builder runs again into a :class:`~.book.RecordBook` with the
real data; every cell whose value or style differs from the neutral run, and every row whose
height differs, is written into the skeleton's sheet XML; the other parts are copied. The result
reads back cell for cell like the workbook openpyxl would have saved (``tests/test_xlsx_fill.py``).
Callers go through :func:`greenmine_docs.xlsx.write.render`, which takes the plain way when this
one does not apply.

Safety: values are always written as data — text as inline strings (XML-escaped), numbers,
booleans and dates as numbers; a formula only where the builder wrote a :class:`~.book.Formula`,
never user text (a value that starts with ``=`` stays text). When the real run's layout differs
from the skeleton's (other cells touched, other merges) :class:`~.book.Mismatch` is raised.
"""
from __future__ import annotations

import io
import re
import threading
import zipfile
from collections import OrderedDict
from itertools import compress
from math import isfinite
from operator import is_not, ne, or_
from typing import Any, Callable, Hashable, Mapping, Sequence

from ..clock import now as clock_now
from ..outputs import PACKAGE_COMPRESSLEVEL
from ..zipwrite import ZipBytes
from .book import (_COL_BITS, _COL_MASK, _TIME_TYPES, Formula, Mismatch, OpenpyxlBook,
                   SheetRecord, _look_key, cell_text_of, style_cell)
from .cells import column_index, column_letter
from .package import save_workbook


class _MissingStyles(Mismatch):
    """Cells use a style the skeleton's style sheet lacks: the cache rebuilds the skeleton with
    it once; if it is still missing, this is a :class:`Mismatch` (the plain way is taken)."""

    def __init__(self, keys: set) -> None:
        super().__init__(f"{len(keys)} styles not in the skeleton")
        self.keys = keys


# -- the skeleton ----------------------------------------------------------------------------
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_ATTR = re.compile(r'\s([\w:]+)="([^"]*)"')
_CHAR_REF = re.compile(r"&#(\d+);")
_DCTERMS = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


CORE_PART = "docProps/core.xml"


def core_dated(core_xml: bytes, stamp: str) -> bytes:
    """A package's ``core.xml`` with its creation and modification times ``stamp`` (as
    openpyxl writes them: ``2024-05-06T07:08:09Z``)."""
    return _DCTERMS.sub(lambda m: m.group(1) + stamp + m.group(3),
                        core_xml.decode("utf-8")).encode("utf-8")


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
        # row -> its attributes and its cells by column, as written and encoded (UTF-8): a
        # changed row is joined from them and its new cells, encoding only those
        self.rows: dict[int, tuple[dict[str, str], dict[int, bytes]]] = {}
        self.opens: dict[int, bytes] = {}  # row -> its start tag as written (encoded)
        self.rest: dict[int, bytes] = {}  # row -> its cells and end tag as written (encoded)
        self.bare: dict[int, str] = {}  # row -> its start tag without height and ">"
        self.styles: dict[int, str] = {}  # cell key (see cell_key) -> xf index
        self.starts: dict[int, str] = {}  # cell key -> the start of its <c> (see _cell_start)
        for m in _ROW.finditer(body):
            attrs = dict(_ATTR.findall(" " + m.group(1)))
            row = int(attrs["r"])
            cells: dict[int, bytes] = {}
            for c in _CELL.finditer(m.group(2) or ""):
                cattrs = dict(_ATTR.findall(" " + c.group(1)))
                col = column_index(cattrs["r"].rstrip("0123456789"))  # openpyxl's: "B7"
                cells[col] = c.group(0).encode("utf-8")
                pos = row << _COL_BITS | col
                self.styles[pos] = cattrs.get("s", "0")
                self.starts[pos] = _cell_start(cattrs["r"], self.styles[pos])
            self.rows[row] = (attrs, cells)
            self.opens[row] = _row_open(attrs).encode("utf-8")
            self.bare[row] = _row_bare(attrs)
            self.rest[row] = b"".join([*cells.values(), b"</row>"])
        self.order = sorted(self.rows)
        # the part as UTF-8 pieces: head, each row in order, tail (a fill replaces the
        # changed rows)
        self.pieces = [self.head.encode("utf-8"),
                       *(self.opens[r] + self.rest[r] for r in self.order),
                       self.tail.encode("utf-8")]
        self.index = {r: i for i, r in enumerate(self.order, start=1)}


def _row_open(attrs: dict[str, str]) -> str:
    return "<row" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">"


def _row_bare(attrs: dict[str, str]) -> str:
    """A row's start tag without its height and the closing ``>``."""
    out = {k: v for k, v in attrs.items() if k not in ("ht", "customHeight")}
    return f'<row r="{out.pop("r")}"' + "".join(f' {k}="{v}"' for k, v in out.items())


def _row_tag(bare: str, height: float | None) -> str:
    if height:
        return f'{bare} ht="{_number(height)}" customHeight="1">'
    return bare + ">"


def _number(value: Any) -> str:
    """A number as openpyxl's ``safe_string`` writes it (a float without the call)."""
    if value.__class__ is float:
        return "%.16g" % value if isfinite(value) else ""
    return _openpyxl("safe_string")(value)


_OPENPYXL: dict[str, Any] = {}


def _openpyxl(name: str) -> Any:
    """What cell writing uses from openpyxl, imported once (openpyxl is imported lazily)."""
    hit = _OPENPYXL.get(name)
    if hit is None:
        from openpyxl.compat import safe_string
        from openpyxl.utils.datetime import to_excel

        _OPENPYXL.update(safe_string=safe_string, to_excel=to_excel)
        hit = _OPENPYXL[name]
    return hit


def _escape(value: str) -> str:
    """Cell text (see :func:`~.book.cell_text_of`) escaped, as openpyxl writes it."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


# below this an int's "%.16g" (openpyxl's safe_string) is exact: its decimal digits, as str()
_EXACT_INT = 1 << 53


def cell_xml(ref: str, style: str | None, value: Any) -> str:
    """A ``<c>`` element for a data value, as openpyxl writes it (text inline)."""
    try:
        return _cell_start(ref, style) + _cell_rest(value)
    except Mismatch as e:
        raise Mismatch(f"{ref}: {e}") from None


def _cell_start(ref: str, style: str | None) -> str:
    """A ``<c>`` element's start, up to its type: its reference and style."""
    s = f' s="{style}"' if style is not None and style != "0" else ""
    return f'<c r="{ref}"{s}'


def _cell_rest(value: Any) -> str:
    """A ``<c>`` element for a data value after :func:`_cell_start`: its type and value."""
    if value is None:
        return ' t="n"></c>'
    kind = value.__class__
    if kind is str:
        if not value.isprintable() or len(value) > 32767:  # (the common case without a call)
            value = cell_text_of(value)
        if value == "":
            return ' t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f' t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
    if kind is int and -_EXACT_INT < value < _EXACT_INT:  # what safe_string gives, no import
        return f' t="n"><v>{value}</v></c>'
    if kind is float or kind is int:
        return f' t="n"><v>{_number(value)}</v></c>'
    if isinstance(value, Formula) or hasattr(value, "to_cell_value"):
        raise Mismatch("formulas and rich text belong in the skeleton")
    if isinstance(value, str):
        value = cell_text_of(value)
        if value == "":
            return ' t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f' t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
    safe_string = _openpyxl("safe_string")
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, _TIME_TYPES):
        if getattr(value, "tzinfo", None) is not None:
            raise TypeError("Excel does not support timezones in datetimes.")
        return f' t="n"><v>{safe_string(_openpyxl("to_excel")(value))}</v></c>'
    from numbers import Number

    if isinstance(value, Number):
        return f' t="n"><v>{safe_string(value)}</v></c>'
    raise ValueError(f"Cannot convert {value!r} to Excel")


def _changed(neutral: SheetRecord, real: SheetRecord,
             order: tuple[list[int], list[int]]) -> tuple[dict[int, Any], set[int]]:
    """The cells whose value or look differ between the runs, with their value in ``real``
    (``None``: none), and the cells among them whose look differs (:class:`Mismatch` when the
    runs wrote other cells or merges). ``order``: the neutral run's cell keys, as listed in its
    ``values`` and ``looks``."""
    nv, rv, nl, rl = neutral.values, real.values, neutral.looks, real.looks
    if real.merges != neutral.merges:
        raise Mismatch(f"{real.title}: other merges than the skeleton's")
    value_keys, look_keys = list(rv), list(rl)
    if value_keys == order[0] and look_keys == order[1]:
        # the same cells written in the same order (as the same builder does): pairs of values
        # and looks that are not the same objects are found, then compared (as _same), in C
        keys = list(compress(value_keys, map(is_not, rv.values(), nv.values())))
        real_values = list(map(rv.__getitem__, keys))
        neutral_values = list(map(nv.__getitem__, keys))
        cells = dict(compress(zip(keys, real_values),
                              map(or_, map(is_not, map(type, real_values),
                                           map(type, neutral_values)),
                                  map(ne, real_values, neutral_values))))
        # looks are shared objects: compared by identity
        looks = set(compress(look_keys, map(is_not, rl.values(), nl.values())))
    else:
        if (rv.keys() | rl.keys()) != (nv.keys() | nl.keys()):
            raise Mismatch(f"{real.title}: other cells than the skeleton's")
        # the same cells in another order, or some given a value or a look in one run only
        written = rv.keys() | rl.keys()
        looks = {k for k in written if rl.get(k) is not nl.get(k)}
        cells = {k: rv.get(k) for k in written if not _same(rv.get(k), nv.get(k))}
    for k in looks.difference(cells):
        cells[k] = rv.get(k)
    return cells, looks


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
            xml_by_part[self.sheet_parts[title]] = self._fill_sheet(title, rec, missing)
        if missing:
            raise _MissingStyles(missing)
        now = clock_now().strftime("%Y-%m-%dT%H:%M:%SZ")

        def part(name: str, data: bytes) -> bytes:
            if name in xml_by_part:
                return xml_by_part[name]
            if name == CORE_PART:
                return core_dated(data, now)
            return data

        return _package((info.filename, part(info.filename, data), None)
                        for info, data in self.parts)

    def _fill_sheet(self, title: str, real: SheetRecord, missing: set) -> bytes:
        """The sheet's XML (UTF-8) for ``real``: the skeleton's rows as they were encoded once,
        the rows with changed cells or heights made anew (work in proportion to those)."""
        neutral, part = self.records[title], self.sheets[title]
        changed: dict[int, dict[int, bytes]] = {}  # row -> column -> the new cell (UTF-8)
        styles, starts = self.styles, part.starts
        cells, looks = _changed(neutral, real, self.orders[title])
        for pos, value in cells.items():
            start = None if pos in looks else starts.get(pos)
            if start is None:  # (else: the skeleton's cell, its reference and style)
                row, col = pos >> _COL_BITS, pos & _COL_MASK
                lk = real.looks.get(pos)
                if pos not in looks:
                    style = part.styles.get(pos)
                elif lk is None:
                    style = None  # no style: the default format
                else:
                    style = styles.get(_look_key(lk))
                    if style is None:
                        missing.add(lk)
                        continue
                start = _cell_start(column_letter(col) + str(row), style)
            new = changed.get(pos >> _COL_BITS)
            if new is None:
                new = changed[pos >> _COL_BITS] = {}
            new[pos & _COL_MASK] = (start + _cell_rest(value)).encode("utf-8")
        heights: dict[int, float | None] = {
            r: h for r, h in real.heights.items() if neutral.heights.get(r) != h}
        heights.update({r: None for r in neutral.heights if r not in real.heights})
        if (changed.keys() | heights.keys()) <= part.rows.keys():
            # the skeleton's rows, some of them changed
            out = list(part.pieces)
            index = part.index
            for r in changed.keys() | heights.keys():
                out[index[r]] = self._row(part, r, changed.get(r), r in heights,
                                          real.heights.get(r))
            return b"".join(out)
        # rows that are not in the skeleton (cells given a value or a height only now)
        rows = sorted(part.rows.keys() | changed.keys() | heights.keys())
        pieces: list[bytes] = [part.pieces[0]]
        for r in rows:
            new = changed.get(r)
            if r in part.rows:
                if new is None and r not in heights:
                    pieces.append(part.pieces[part.index[r]])
                else:
                    pieces.append(self._row(part, r, new, r in heights,
                                            real.heights.get(r)))
                continue
            new = new or {}
            pieces.append(b"".join([_row_tag(f'<row r="{r}"', real.heights.get(r)).encode("utf-8"),
                                    *(new[c] for c in sorted(new)), b"</row>"]))
        pieces.append(part.pieces[-1])
        return b"".join(pieces)

    @staticmethod
    def _row(part: _SheetPart, r: int, new: dict[int, bytes] | None, new_height: bool,
             height: float | None) -> bytes:
        """A row of the skeleton with other cells (``new``, by column) or another height
        (UTF-8)."""
        start = _row_tag(part.bare[r], height).encode("utf-8") if new_height else part.opens[r]
        if not new:
            return start + part.rest[r]
        cells = part.rows[r][1]  # (by column, in order)
        merged = dict(cells)
        merged.update(new)
        if len(merged) == len(cells):  # the skeleton's cells, some of them other: same order
            return b"".join([start, *merged.values(), b"</row>"])
        return b"".join([start, *(merged[c] for c in sorted(merged)), b"</row>"])


class RowsXml:
    """Plain data rows for :func:`with_rows`, made one at a time (as they come: a long table
    is then ready when its last row is). Values are written as :func:`cell_xml` writes them
    (text stays text), without a style; ``None`` is an empty cell. ``numbered``: column A
    holds each row's number (1 for the first), put there by :meth:`put`."""

    def __init__(self, first: int, numbered: bool = False) -> None:
        self.first = first  # the first row's number
        self.numbered = numbered
        self._deflating: _Deflating | None = None  # see lead
        # each row's XML, encoded as it comes (a long table's end is then only joined)
        self.parts: list[bytes] = []
        self._letters: list[str] = []  # each column's letters
        self._starts: list[str] = []  # each column's '<c r="B'
        # each column's texts' cells after their reference (the same in every row, as no style
        # is given): long tables repeat most texts (a finding's code, message and hint); a
        # column of ever new texts (names, places) stops being remembered (None)
        self._tails: list[dict[str, str] | None] = []

    def __len__(self) -> int:
        return len(self.parts)

    def add(self, values: Sequence[Any]) -> None:
        """The next row, of ``values`` from the first column on."""
        r = str(self.first + len(self.parts))
        self.put(self.tails(values, row=r))

    def tails(self, values: Sequence[Any], column: int = 0, row: str = ""
              ) -> list[tuple[int, str]]:
        """The cells of ``values`` (the first in column ``column``, 0 for A) without their row:
        each one's column and XML after its reference's row number, the same in any row.
        Made whenever the values are known (as results arrive, in any order); :meth:`put`
        makes them the next row. ``row``: only for the message about a value no cell holds."""
        starts, tails = self._starts, self._tails
        while len(starts) < column + len(values):
            self._letters.append(column_letter(len(starts) + 1))
            starts.append(f'<c r="{self._letters[-1]}')
            tails.append({})
        out = []
        for i, v in enumerate(values, column):
            kind = v.__class__
            if kind is str:
                known = tails[i]
                tail = None if known is None else known.get(v)
                if tail is None:
                    tail = '"' + _cell_rest(v)
                    if known is not None:
                        known[v] = tail
                        if len(known) > _TAILS_KEPT:
                            tails[i] = None
            elif kind is int and -_EXACT_INT < v < _EXACT_INT:
                tail = f'" t="n"><v>{v}</v></c>'
            elif v is None:
                continue
            else:
                try:
                    tail = '"' + _cell_rest(v)
                except Mismatch as e:
                    raise Mismatch(f"{self._letters[i]}{row}: {e}") from None
            out.append((i, tail))
        return out

    def put(self, tails: Sequence[tuple[int, str]]) -> None:
        """The next row, of cells from :meth:`tails` (in column order; from column B on when
        the rows are numbered)."""
        n = len(self.parts)
        r, starts = str(self.first + n), self._starts
        cells = [f'<row r="{r}">']
        if self.numbered:  # (what tails() gives for the number, in column A)
            cells.append(f'<c r="A{r}" t="n"><v>{n + 1}</v></c>')
        for i, tail in tails:
            cells += (starts[i], r, tail)
        cells.append("</row>")
        row = "".join(cells).encode("utf-8")
        self.parts.append(row)
        if self._deflating is not None:
            self._deflating.add(row)

    def lead(self, head: bytes) -> None:
        """Deflate the rows from now on as they come (those so far first), after ``head``:
        what precedes them in their sheet's XML (:func:`sheet_heads`). When :func:`with_rows`
        finds the same there, the sheet is left only its end to deflate (for a long table
        made while other work goes on: 30,000 rows are some 40 ms of deflating)."""
        self._deflating = _Deflating(head)
        for row in self.parts:
            self._deflating.add(row)

    def deflated(self, head: bytes, tail: bytes) -> tuple[int, bytes] | None:
        """The CRC and deflated bytes of ``head`` + the rows + ``tail``, when :meth:`lead`
        had the same ``head`` (once: ``None`` otherwise)."""
        deflating, self._deflating = self._deflating, None
        if deflating is None or deflating.head != head:
            return None
        return deflating.finish(tail)


class _Deflating:
    """Bytes deflated as :func:`~greenmine_docs.zipwrite.deflated` deflates them at the
    packages' level, and checksummed, as they come (a megabyte at a time): deflating does
    not depend on how the bytes are cut."""

    def __init__(self, head: bytes) -> None:
        import zlib

        self.head = head
        self.deflate = zlib.compressobj(PACKAGE_COMPRESSLEVEL, zlib.DEFLATED, -15)
        self.crc = 0
        self.out: list[bytes] = []
        self.waiting: list[bytes] = []
        self.waiting_bytes = 0
        self.add(head)

    def add(self, data: bytes) -> None:
        self.waiting.append(data)
        self.waiting_bytes += len(data)
        if self.waiting_bytes >= 1 << 20:
            self._deflate()

    def _deflate(self) -> None:
        import zlib

        chunk = b"".join(self.waiting)
        self.waiting, self.waiting_bytes = [], 0
        self.crc = zlib.crc32(chunk, self.crc)
        self.out.append(self.deflate.compress(chunk))

    def finish(self, tail: bytes) -> tuple[int, bytes]:
        self.add(tail)
        self._deflate()
        self.out.append(self.deflate.flush())
        return self.crc, b"".join(self.out)


_TAILS_KEPT = 2_000  # texts remembered a column at most


def with_rows(package: bytes | list[tuple[str, bytes]], rows: Mapping[str, RowsXml]) -> bytes:
    """``package`` (a workbook openpyxl saved, or its :func:`unzipped` parts) with plain data
    rows added at the end of some sheets: ``rows[title]`` holds that sheet's rows. A long table
    is written in a fraction of the time openpyxl's streaming writer takes (a 10,000-mine
    batch summary: 30,000 rows)."""
    parts = unzipped(package) if isinstance(package, bytes) else package
    names = _sheet_part_names(dict(parts))
    added = {names[title]: table for title, table in rows.items()}

    def part(name: str, data: bytes) -> tuple[str, bytes, tuple[int, bytes] | None]:
        if name not in added:
            return name, data, None
        head, tail = _around_rows(data)
        table = added[name]
        return name, b"".join((head, *table.parts, tail)), table.deflated(head, tail)

    return _package(part(name, data) for name, data in parts)


def sheet_heads(package: list[tuple[str, bytes]], titles: Sequence[str]) -> dict[str, bytes]:
    """What precedes the data rows :func:`with_rows` adds to each sheet ``titles`` of
    ``package`` (its :func:`unzipped` parts): for :meth:`RowsXml.lead`."""
    data, names = dict(package), _sheet_part_names(dict(package))
    return {title: _around_rows(data[names[title]])[0] for title in titles}


def _around_rows(sheet_xml: bytes) -> tuple[bytes, bytes]:
    """A sheet's XML before the point where data rows are added, and after it."""
    xml = sheet_xml.decode("utf-8")
    end = xml.rindex("</sheetData>")
    return xml[:end].encode("utf-8"), xml[end:].encode("utf-8")


def unzipped(package: bytes) -> list[tuple[str, bytes]]:
    """A package's members (name, uncompressed bytes), in order."""
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _package(parts: Any) -> bytes:
    """A workbook package of ``(member name, bytes, deflated)`` triples, in order (deflated at
    :data:`~greenmine_docs.outputs.PACKAGE_COMPRESSLEVEL`; ``deflated``: a member's CRC and
    deflated bytes when made already, else ``None``)."""
    zf = ZipBytes(PACKAGE_COMPRESSLEVEL)
    for name, data, deflated in parts:
        zf.writestr(name, data, deflated=deflated)
    return zf.getvalue()


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


def make_skeleton(book: OpenpyxlBook, extra_styles: frozenset, shape: Any = None) -> Skeleton:
    """Save a recorded openpyxl book (built from neutral data) as a skeleton."""
    styles = register_styles(book.wb, set(extra_styles)) if extra_styles else {}
    return Skeleton(save_workbook(book.wb), book.records or {}, styles, shape)


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
