"""Reading cell values out of an .xlsx file, fast.

openpyxl's read-only mode needs ~30 µs a cell on a small machine: a 10,000-mine table
(600,000 cells) would take 10 s+. Files written the usual way (Excel, WPS, LibreOffice,
openpyxl) store every cell as ``<c r="B7" s="3" t="s"><v>12</v></c>``, so a sheet is read here
with one regular expression per row and a cache of decoded strings (~1 µs a cell). A sheet the
expression does not fully account for (namespace prefixes, cells without ``r``, rich inline
text...) is read with openpyxl in read-only/data-only mode instead, so odd files stay correct.

Values come back as openpyxl would give them with ``data_only=True``: str, int, float, bool,
``datetime`` for date-formatted numbers, ``"#N/A"``-style strings for errors, formula results
(not formulas). Merged ranges are listed per sheet. The XML is never expanded: entities are
decoded by a fixed table, the workbook parts that need a parser go through defusedxml.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator

from .. import limits
from ..errors import InputError
from ..limits import MAX_INPUT_BYTES
from .cells import column_index

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?\s*'
    rb"(?:/>|>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<v/>"
    rb"|<is><t\b[^>]*>([^<]*)</t></is>|<is><t/></is>)?</c>)")
# the common shape only (a value, no formula, not empty): quicker; rows it does not account
# for are matched again with the full expression above
# (possessive quantifiers, Python 3.11+: the same matches, ~15 % quicker without the
# backtracking bookkeeping; nothing after each of them could take back what it consumed)
try:
    _CELL_PLAIN = re.compile(
        rb'<c r="([A-Z]{1,3}+)(\d++)"(?: s="(\d++)")?+(?: t="(\w++)")?+>'
        rb"(?:<v>([^<]*+)</v>|<is><t\b[^>]*+>([^<]*+)</t></is>)</c>")
except re.error:  # Python 3.10
    _CELL_PLAIN = re.compile(
        rb'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?>'
        rb"(?:<v>([^<]*)</v>|<is><t\b[^>]*>([^<]*)</t></is>)</c>")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+)(?::([A-Z]+\d+))?"')
# element bodies stop where the next element of the same name starts ("tempered" tokens) and
# attributes at the next "<": on a hostile part ("<si><si>…" without an end tag) every match
# attempt ends at the next start instead of the end of the part (quadratic: hours for 50 MB)
_SI = re.compile(rb"<(?:\w+:)?si>((?:(?!<(?:\w+:)?si\b).)*?)</(?:\w+:)?si>|<(?:\w+:)?si/>",
                 re.S)
_SI_PLAIN = re.compile(rb"<si><t(?:\s[^>]*)?>([^<]*)</t></si>|<si><t\s*/></si>|<si\s*/>")
_RPH = re.compile(rb"<(?:\w+:)?rPh\b(?:(?!<(?:\w+:)?rPh\b).)*?</(?:\w+:)?rPh>", re.S)
_T = re.compile(rb"<(?:\w+:)?t(?:\s[^<>]*)?>([^<]*)</(?:\w+:)?t>")  # text holds no "<"
_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")

# Built-in number formats that are dates or times (0x0e-0x16, 0x2d-0x2f, and the East Asian
# locale formats 27-36 and 50-58, e.g. 31 = yyyy"年"m"月"d"日" in Chinese Excel).
_BUILTIN_DATE_FORMATS = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}


_DATE_LETTERS = frozenset("dmhysDMHYS")
_ELAPSED = frozenset({"h", "hh", "m", "mm", "s", "ss"})  # [h]:mm — elapsed time, still a time


def is_date_format(code: str) -> bool:
    """Whether a number format code shows a date or a time, as Excel readers decide it: a d,
    m, y, h or s in its first section (before ``;``) that is not in quoted text, not in a
    bracketed part (a colour, a condition, a locale — but ``[h]``, ``[mm]``, ``[s]`` are
    elapsed time) and not right after ``_`` or ``\\``. A plain scan, linear in the code's
    length (the code is the user's file's); without importing openpyxl (~0.1 s)."""
    text = code.split(";", 1)[0]
    i, n, prev = 0, len(text), ""
    closes = {'"': 0, "]": 0}  # where the next closing mark is (-1: none after here)
    while i < n:
        ch = text[i]
        mark = '"' if ch == '"' else "]" if ch == "[" else ""
        if mark and closes[mark] != -1:
            if closes[mark] <= i:
                closes[mark] = text.find(mark, i + 1)
            end = closes[mark]
            inner = text[i + 1:end] if end != -1 else ""
            if end != -1 and (inner not in _ELAPSED if mark == "]" else "\n" not in inner):
                i = end + 1  # quoted text, or a colour, condition or locale: skipped whole
                continue
        if ch in _DATE_LETTERS and prev not in ("_", "\\"):
            return True
        prev = ch
        i += 1
    return False


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _XESC.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _plain_strings(data: bytes) -> list[str] | None:
    """The shared strings when every one is a single plain ``<t>`` (what Excel, WPS and our own
    writer produce for cells without rich text), decoded in one go; ``None`` for anything else
    (rich text runs, phonetic hints, namespace prefixes), which the general reader handles."""
    found = _SI_PLAIN.findall(data)
    if len(found) != data.count(b"<si") or b":si" in data:
        return None
    if not found:
        return []
    text = b"\x00".join(found).decode("utf-8")  # NUL cannot occur in XML text
    if "&" in text or "_x" in text:
        return [_text(raw) for raw in found]
    return text.split("\x00")


@dataclass
class SheetInfo:
    name: str
    part: str  # zip member, e.g. "xl/worksheets/sheet3.xml"
    state: str = "visible"


Row = tuple[int, dict[int, Any]]  # (row number, {column number: value})
RawCell = tuple[bytes, bytes, bytes, bytes, bytes, bytes]
RawRow = tuple[int, list[RawCell]]

_COLS: dict[bytes, int] = {}


def col_of(letters: bytes) -> int:
    c = _COLS.get(letters)
    if c is None:
        c = _COLS[letters] = column_index(letters.decode())
    return c


class SheetData:
    """A sheet as read: merged ranges, and rows either already decoded (openpyxl path) or raw
    (fast path; decoded on first use, or consumed raw by the list-sheet reader)."""

    def __init__(self, name: str, merged: list[tuple[int, int, int, int]], *,
                 rows: list[Row] | None = None, raw: list[RawRow] | None = None,
                 decode: Callable[[RawCell], Any] | None = None) -> None:
        self.name = name
        self.merged = merged
        self.raw = raw
        self.decode = decode
        self._rows = rows

    def decoded(self, raw_rows: list[RawRow]) -> list[Row]:
        assert self.decode is not None
        decode = self.decode
        out: list[Row] = []
        for number, cells in raw_rows:
            values = {}
            for cell in cells:
                value = decode(cell)
                if value is not None:
                    values[col_of(cell[0])] = value
            if values:
                out.append((number, values))
        return out

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            self._rows = self.decoded(self.raw or [])
        return self._rows


class XlsxFile:
    """An open .xlsx file: its sheets, and each sheet's rows and merged ranges. ``kind``: what
    the file is, in Chinese, for messages (``自查记录表（Excel 工作簿）``)."""

    def __init__(self, path: Path, *, kind: str = "Excel 工作簿") -> None:
        self.path = Path(path)
        self.kind = kind
        self._ahead: dict[str, bytes | None] = {}  # parts unpacked ahead (see prefetch)
        self._ahead_thread: Any = None
        _check_file(self.path, kind)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as e:
            raise InputError(f"{self.path} 不是有效的 {kind}（文件已损坏或并非 Excel 文件）。",
                             hint="请用 Excel/WPS 打开后“另存为” .xlsx 格式再试。",
                             location=str(self.path)) from e
        try:
            self._read_workbook()
            self._read_styles()
        except InputError:
            self.zip.close()
            raise
        self._strings: list[str] | None = None

    # -- workbook parts ------------------------------------------------------------------
    def prefetch(self, *sheets: str) -> None:
        """Start unpacking sheets ``sheets`` (those present) and the shared strings in a
        thread: inflating and checksumming run without the interpreter's lock, so a caller
        that has other work to do first (imports, layouts) gets them for nothing — a
        10,000-mine table's 23 MB main sheet takes about 0.06 s. Each is then taken from here
        by the read that asks for it; a part that could not be read ahead is read then, which
        says what is wrong with it."""
        import threading

        parts = [info.part for name in sheets for info in self.sheets if info.name == name]
        parts.append(getattr(self, "_sst_part", "xl/sharedStrings.xml"))
        names = set(self.zip.namelist())
        parts = [p for p in parts if p in names
                 and self.zip.getinfo(p).file_size <= limits.MAX_PART_UNCOMPRESSED]
        if not parts or self._ahead_thread is not None:  # (once)
            return
        self._ahead = dict.fromkeys(parts)

        def unpack() -> None:
            for part in parts:
                try:
                    self._ahead[part] = self.zip.read(part)
                except Exception:  # noqa: BLE001 — read again when asked for, and said then
                    return

        self._ahead_thread = threading.Thread(target=unpack, name="greenmine-unpack",
                                              daemon=True)
        self._ahead_thread.start()

    def _ahead_done(self) -> None:
        """Wait for :meth:`prefetch`'s thread, if one runs: any read (and the close) waits for
        it first, so the zip file is never read by two threads at once."""
        if self._ahead_thread is not None:
            self._ahead_thread.join()
            self._ahead_thread = None

    def _read_ahead(self, name: str) -> bytes | None:
        """Part ``name`` if :meth:`prefetch` unpacked it (once: the caller keeps it)."""
        self._ahead_done()
        return self._ahead.pop(name, None)

    def _part(self, name: str, limit: int | None = None) -> bytes:
        """Member ``name``, unpacked; refused over ``limit`` (default: any part's limit —
        :func:`~greenmine_docs.zipguard.check_office_file` checked the declared sizes already;
        this guards a caller that opened the file some other way)."""
        limit = limits.MAX_PART_UNCOMPRESSED if limit is None else limit
        try:
            info = self.zip.getinfo(name)
        except KeyError as e:
            raise InputError(f"{self.path} 缺少工作簿部件 {name}，文件不完整。",
                             hint="请用 Excel/WPS 打开后重新保存为 .xlsx。",
                             location=str(self.path)) from e
        if info.file_size > limit:
            raise InputError(f"{self.path} 中的 {name} 解压后达 {info.file_size // 2**20} MB，"
                             f"超过上限 {limits.megabytes(limit)}（单个部件）。",
                             hint="请拆分为多个工作簿；确需处理可设置环境变量 "
                                  "GREENMINE_MAX_PART_MB。", location=str(self.path))
        ahead = self._read_ahead(name)
        if ahead is not None:
            return ahead
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise InputError(f"{self.path} 已损坏，无法读取 {name}。",
                             hint="请用 Excel/WPS 打开后重新保存。", location=str(self.path)) from e

    def _xml(self, name: str) -> Any:
        from defusedxml import ElementTree as SafeET

        # workbook, relationships, styles: a few KB in any real file, parsed into a tree
        data = self._part(name, limits.MAX_TABLE_PART_BYTES)
        try:
            return SafeET.fromstring(data)
        except Exception as e:  # noqa: BLE001 — defusedxml raises several kinds
            raise InputError(f"{self.path} 中的 {name} 无法解析。",
                             hint="请用 Excel/WPS 打开后重新保存为 .xlsx。",
                             location=str(self.path)) from e

    def _read_workbook(self) -> None:
        rels: dict[str, str] = {}
        for rel in self._xml("xl/_rels/workbook.xml.rels"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = str(PurePosixPath("xl") / target)
            rels[rel.get("Id", "")] = _normpath(part)
            if rel.get("Type", "").endswith("/sharedStrings"):
                self._sst_part = _normpath(part)
        root = self._xml("xl/workbook.xml")
        self.date1904 = False
        self.sheets: list[SheetInfo] = []
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "workbookPr":
                self.date1904 = el.get("date1904", "false").lower() in ("1", "true")
            elif tag == "sheet":
                rid = el.get(f"{{{_NS_REL}}}id") or el.get("id") or ""
                part = rels.get(rid)
                if part:
                    self.sheets.append(SheetInfo(el.get("name", ""), part,
                                                 el.get("state", "visible")))

    def _read_styles(self) -> None:
        self.date_styles: set[int] = set()
        if "xl/styles.xml" not in self.zip.namelist():
            return
        root = self._xml("xl/styles.xml")
        custom: dict[int, str] = {}
        xfs: list[int] = []
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "numFmt":
                custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
            elif tag == "cellXfs":
                xfs = [int(xf.get("numFmtId", "0")) for xf in el
                       if xf.tag.rsplit("}", 1)[-1] == "xf"]
        for index, fmt in enumerate(xfs):
            if fmt in custom:
                if is_date_format(custom[fmt]):
                    self.date_styles.add(index)
            elif fmt in _BUILTIN_DATE_FORMATS:
                self.date_styles.add(index)

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            part = getattr(self, "_sst_part", "xl/sharedStrings.xml")
            if part not in self.zip.namelist():
                self._strings = []
            else:
                data = self._part(part)
                out = _plain_strings(data)
                if out is None:
                    out = []
                    for m in _SI.finditer(data):
                        body = m.group(1) or b""
                        if b"rPh" in body:
                            body = _RPH.sub(b"", body)
                        out.append(_text(b"".join(_T.findall(body))))
                self._strings = out
        return self._strings

    @property
    def epoch(self) -> dt.datetime:
        return dt.datetime(1904, 1, 1) if self.date1904 else dt.datetime(1899, 12, 30)

    def close(self) -> None:
        self._ahead_done()
        self._ahead = {}
        self.zip.close()

    def __enter__(self) -> "XlsxFile":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- sheets --------------------------------------------------------------------------
    @property
    def sheetnames(self) -> list[str]:
        return [info.name for info in self.sheets]

    def sheet(self, name: str) -> SheetInfo | None:
        for info in self.sheets:
            if info.name == name:
                return info
        return None

    def values(self, name: str, *, head: int | None = None, what: str = "工作表"
               ) -> "SheetValues":
        """The values of sheet ``name`` by position (``KeyError`` when there is none);
        ``head``: only its first rows; ``what``: the sheet in a too-many-rows message."""
        info = self.sheet(name)
        if info is None:
            raise KeyError(name)
        return SheetValues(self.read(info, head=head, what=what))

    def read(self, info: SheetInfo, data: bytes | None = None, *, head: int | None = None,
             what: str = "工作表", span: tuple[int, int] | None = None) -> "SheetData":
        """One sheet: its cells (raw, decoded on demand) and merged ranges. ``data``: its XML,
        when already read (``span``: its :func:`rows_span`, when known); ``head``: only the
        first rows (their cells and every merge), else all of them, refused over
        ``limits.MAX_ROWS`` (``what``: the sheet, in the message)."""
        if data is None:
            data = self._part(info.part)
        if head is None:
            check_sheet_rows(data, f"{self.path}（{info.name}）", what)
        else:
            if span is None:
                span = rows_span(data)
            if span is not None:
                data = data[:after_rows(data, span, head)] + data[span[1]:]
        merged = []
        # mergeCells follow sheetData; no cell inside it can hold "<mergeCell" (text there is
        # escaped), so only the parts around it are scanned — not the megabytes of cells
        start, end = data.find(b"<sheetData"), data.find(b"</sheetData>")
        outside = data[:start] + data[end:] if 0 <= start < end else data
        for m in _MERGE.finditer(outside):
            a, b = m.group(1).decode(), (m.group(2) or m.group(1)).decode()
            (c1, r1), (c2, r2) = _split_ref(a), _split_ref(b)
            merged.append((min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)))
        raw = self._raw_rows(data)
        if raw is None:  # something the expression does not understand: use openpyxl
            return SheetData(info.name, merged, rows=self._openpyxl_rows(info))
        return SheetData(info.name, merged, raw=raw, decode=self.decoder())

    @staticmethod
    def _raw_rows(data: bytes) -> list[RawRow] | None:
        """Each row's cells as regex tuples ``(column letters, row, style, type, v, inline
        text)``; ``None`` when some cell is written in a form the expression does not cover."""
        span = rows_span(data)
        if span is None:
            return None if b"sheetData" in data else []
        return raw_rows_of(data[span[0]:span[1]])

    def read_bytes(self, info: SheetInfo) -> bytes:
        """The sheet's XML (for reading its rows in parts: :func:`rows_span`, :func:`raw_rows_of`)."""
        return self._part(info.part)

    def decoder(self) -> Callable[[RawCell], Any]:
        """A function giving a raw cell's value (``None`` for an empty cell), with caches."""
        strings = self.strings
        date_styles = {str(i).encode() for i in self.date_styles}
        epoch = self.epoch
        texts: dict[bytes, str] = {}
        dates: dict[bytes, Any] = {}

        def decode(cell: RawCell) -> Any:
            _, _, style, kind, v, inline = cell
            if kind == b"s":
                return strings[int(v)] if v else None
            if kind == b"inlineStr":
                if not inline:
                    return None
                value = texts.get(inline)
                if value is None:
                    value = texts[inline] = _text(inline)
                return value
            if not v:
                return None
            if kind == b"" or kind == b"n":
                number = float(v) if (b"." in v or b"E" in v or b"e" in v) else int(v)
                if style in date_styles:
                    value = dates.get(v)
                    if value is None:
                        value = dates[v] = _as_datetime(number, epoch)
                    return value
                return number
            if kind == b"str":
                value = texts.get(v)
                if value is None:
                    value = texts[v] = _text(v)
                return value
            if kind == b"b":
                return v == b"1"
            if kind == b"d":
                return _iso(v.decode())
            return _text(v)  # "e": an error such as #N/A

        return decode

    def check_for_openpyxl(self, parts: list[str], why: str) -> None:
        """Refuse the file when any of ``parts`` (or the shared strings, which openpyxl loads
        with any sheet) is over ``limits.MAX_TABLE_PART_BYTES``: openpyxl reads about a
        megabyte a second, so what it reads must be of the size openpyxl-read workbooks are
        allowed. ``why``: why openpyxl is needed, in the message (after the file's name)."""
        names = set(self.zip.namelist())
        for part in (*parts, getattr(self, "_sst_part", "xl/sharedStrings.xml")):
            size = self.zip.getinfo(part).file_size if part in names else 0
            if size > limits.MAX_TABLE_PART_BYTES:
                raise InputError(
                    f"{self.path} {why}，但其部件 {part} 有 {size // 2**20} MB，超过这种读取方式的上限 "
                    f"{limits.megabytes(limits.MAX_TABLE_PART_BYTES)}。",
                    hint="请用 Excel/WPS 打开后重新保存为 .xlsx；确需处理可设置环境变量 "
                         "GREENMINE_MAX_TABLE_PART_MB。", location=str(self.path))

    def _openpyxl_rows(self, info: SheetInfo) -> list[Row]:
        import warnings

        from openpyxl import load_workbook

        self.check_for_openpyxl([info.part], f"的工作表“{info.name}”不是常见的写法，需要逐格读取")

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                wb = load_workbook(self.path, read_only=True, data_only=True)
            except Exception as e:  # noqa: BLE001
                raise InputError(f"{self.path} 无法读取：{e}", hint="请用 Excel/WPS 重新保存。",
                                 location=str(self.path)) from e
            try:
                ws = wb[info.name]
                out: list[Row] = []
                for row in ws.iter_rows():
                    filled = [c for c in row
                              if getattr(c, "value", None) is not None and c.value != ""]
                    if filled:
                        out.append((filled[0].row, {c.column: c.value for c in filled}))
                return out
            finally:
                wb.close()


def check_sheet_rows(data: bytes, where: str, what: str = "工作表") -> None:
    """Refuse a sheet (its XML ``data``) of more rows than ``limits.MAX_ROWS``, counting its
    ``<row>`` elements (``<x:row>`` too) before any is read."""
    # every "<row" and ":row" holds a "row" of its own: when the "row"s are within the limit
    # (about twice the rows: the end tags hold one too), so are the rows — one pass over the
    # XML instead of two (14 ms for a 10,000-row sheet of 23 MB)
    if data.count(b"row") <= limits.MAX_ROWS:
        return
    limits.check_rows(data.count(b"<row") + data.count(b":row"), what=what, where=where)


class SheetValues:
    """A sheet's values by 1-based position, as openpyxl gives them with ``data_only=True``
    (``None`` where there is none); for readers that look cells up rather than stream rows."""

    def __init__(self, data: SheetData) -> None:
        self.title = data.name
        self.merged = data.merged
        self.cells: dict[int, dict[int, Any]] = dict(data.rows)
        self.max_row = max(self.cells, default=0)
        self.max_column = max((max(row) for row in self.cells.values()), default=0)

    def value(self, row: int, col: int) -> Any:
        values = self.cells.get(row)
        return None if values is None else values.get(col)

    def row(self, row: int, max_col: int | None = None) -> list[Any]:
        """Row ``row``'s values from column 1 to ``max_col`` (default: the sheet's last)."""
        values = self.cells.get(row, {})
        return [values.get(c) for c in range(1, (max_col or self.max_column) + 1)]

    def rows(self, min_row: int = 1, max_row: int | None = None,
             max_col: int | None = None) -> Iterator[list[Any]]:
        """Each row from ``min_row`` to ``max_row`` (default: the last), empty ones included."""
        last = self.max_row if max_row is None else min(max_row, self.max_row)
        for r in range(min_row, last + 1):
            yield self.row(r, max_col)


def rows_span(data: bytes) -> tuple[int, int] | None:
    """Where a sheet's rows are in its XML (the ``<sheetData>`` element); ``None`` if absent."""
    start = data.find(b"<sheetData")
    if start < 0:
        return None
    end = data.find(b"</sheetData>", start)
    return start, end if end > 0 else len(data)


def after_rows(data: bytes, span: tuple[int, int], rows: int) -> int:
    """The offset just after the first ``rows`` rows in ``span`` (its end when it has fewer)."""
    cut = span[0]
    for _ in range(rows):
        at = data.find(b"</row>", cut, span[1])
        if at < 0:
            return span[1]
        cut = at + len(b"</row>")
    return cut


def raw_rows_of(rows_xml: bytes) -> list[RawRow] | None:
    """The raw rows of a run of ``<row>`` elements (a whole ``<sheetData>``, or a part of it
    cut at ``</row>`` boundaries); ``None`` when some cell is written in a form the
    expression does not cover."""
    expected = found = 0
    out: list[RawRow] = []
    # one chunk per row: splitting is far cheaper than a regular expression for rows
    for chunk in rows_xml.split(b"</row>"):
        count = chunk.count(b"<c ") + chunk.count(b"<c>")
        expected += count
        cells = _CELL_PLAIN.findall(chunk)
        if len(cells) != count:
            cells = _CELL.findall(chunk)
        if cells:
            found += len(cells)
            out.append((int(cells[-1][1]), cells))
    return out if found == expected else None


def row_boundaries(data: bytes, span: tuple[int, int], parts: int) -> list[int]:
    """``parts + 1`` offsets into ``data`` cutting the rows in ``span`` into ``parts`` runs of
    about the same size, each cut just after a ``</row>``."""
    start, end = span
    cuts = [start]
    for k in range(1, parts):
        at = data.find(b"</row>", max(cuts[-1], start + (end - start) * k // parts), end)
        cuts.append(end if at < 0 else at + len(b"</row>"))
    cuts.append(end)
    return cuts


def _normpath(part: str) -> str:
    parts: list[str] = []
    for p in part.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p and p != ".":
            parts.append(p)
    return "/".join(parts)


def _split_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref)
    if not m:
        return 1, 1
    return column_index(m.group(1)), int(m.group(2))


def _as_datetime(serial: float, epoch: dt.datetime) -> Any:
    if not 0 <= serial < 2958466:
        return serial
    value = epoch + dt.timedelta(days=serial)
    if value.microsecond:  # rounding noise from the day fraction
        value = (value + dt.timedelta(microseconds=500)).replace(microsecond=0)
    return value


def _iso(text: str) -> Any:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return text


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _check_file(path: Path, kind: str) -> None:
    from ..safety.inputs import regular_file

    regular_file(path, kind)  # not a FIFO, a device, a folder
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{kind} {path} 是空文件。",
                         hint="请重新保存该工作簿（输入工作簿可用 greenmine excel-template 重新生成）。",
                         location=str(path))
    if size > MAX_INPUT_BYTES:
        raise InputError(f"{path} 有 {size // 2**20} MB，超过允许的 {MAX_INPUT_BYTES // 2**20} MB。",
                         hint="请拆分为多个工作簿，或设置环境变量 GREENMINE_MAX_INPUT_MB。",
                         location=str(path))
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE:
        raise InputError(f"{path} 是旧版 .xls 格式或设置了打开密码的工作簿，无法读取。",
                         hint="请在 Excel/WPS 中取消密码，并“另存为” Excel 工作簿（.xlsx）。",
                         location=str(path))
    if not head.startswith(b"PK"):
        raise InputError(f"{path} 不是有效的 {kind}（可能是改了扩展名的其他文件）。",
                         hint="请用 Excel/WPS 打开后“另存为” .xlsx 格式。", location=str(path))
    from ..zipguard import check_office_file

    # zip bombs (members, total, ratio), truncation; each part is checksum-tested when
    # XlsxFile._part reads it (a 10,000-mine table: 0.08 s less than testing all of them first)
    check_office_file(path, kind=kind, verify_members=False)
