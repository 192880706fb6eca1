"""Tables in the official look: full single-line borders, header row(s) repeated on every page,
rows that do not split across pages, 宋体 五号 text (style ``Table Text``), 黑体 header (style
``Table Heading``), cells vertically centred, fixed column widths that fit the type area.

Cells are plain values (str, int, float, None) or :class:`Cell` for spans, bold or alignment.
"""
from __future__ import annotations

import copy
import functools
import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, NamedTuple, Sequence

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from ..memo import remember
from . import islands
from .page import TYPE_WIDTH_MM
from .styles import TABLE_SIZE
from .text import (block_parent, insert_block, run_content_xml, style_fonts, style_id_of,
                   xml_attr)

@dataclass(frozen=True, init=False)
class Cell:
    """A cell with options: ``span`` columns wide, ``bold``, ``align`` (left/center/right)."""

    text: Any = ""
    span: int = 1
    bold: bool = False
    align: str | None = None
    if TYPE_CHECKING:  # set by __init__, no field at run time: what row_key holds for it
        _key: tuple[Any, ...] = field(init=False, repr=False, compare=False)

    def __init__(self, text: Any = "", span: int = 1, bold: bool = False,
                 align: str | None = None) -> None:
        # what the frozen dataclass's own __init__ does (a call of object.__setattr__ for each
        # field) in half the time: a mine's tables make over a thousand cells
        fields = self.__dict__
        fields["text"], fields["span"], fields["bold"], fields["align"] = text, span, bold, align
        fields["_key"] = (text, type(text), span, type(span), bold, align)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return str(value)


def _set_borders(table, size: int = 4) -> None:
    tbl_pr = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    # schema order inside tblPr: ... tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout
    anchor = None
    for tag in ("w:tblInd", "w:tblCellSpacing", "w:jc", "w:tblW", "w:bidiVisual",
                "w:tblStyleColBandSize", "w:tblStyleRowBandSize", "w:tblpPr", "w:tblOverlap",
                "w:tblStyle"):
        anchor = tbl_pr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addnext(borders)
    else:
        tbl_pr.insert(0, borders)


def _table_width(table, total_mm: float) -> None:
    """Absolute table width (layout is fixed through ``table.autofit = False``)."""
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        style = table._tbl.tblPr.find(qn("w:tblStyle"))
        if style is not None:
            style.addnext(tbl_w)
        else:
            table._tbl.tblPr.insert(0, tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(Mm(total_mm).twips)))


def fit_widths(widths_mm: Sequence[float] | None, n: int, total_mm: float) -> list[float]:
    """Column widths scaled to ``total_mm``; equal widths when none are given."""
    if not widths_mm:
        return [total_mm / n] * n
    if len(widths_mm) != n:
        raise ValueError(f"{len(widths_mm)} column widths for {n} columns")
    s = float(sum(widths_mm))
    return [w * total_mm / s for w in widths_mm]


# -- fast row construction ---------------------------------------------------------------------
# Rows are written as WordprocessingML text and parsed once per table (or kept as an island).
# This produces exactly the elements python-docx calls cell by cell would (same order, same
# attributes; ``tests/test_perf_equivalence.py`` keeps that way as the reference) at a fraction
# of the cost: python-docx rebuilds the row's cell grid and walks the schema on every property
# set, which made a 150-row table take over a second.
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}




def _para_style(part: Any, name: str, size: float | None) -> _ParaStyle:
    """The :class:`_ParaStyle` of paragraph style ``name`` in the document of ``part``."""
    style_id = style_id_of(part, name)  # same lookup (and cache) as text.set_style
    return _shared_style(style_id, *style_fonts(part, None if style_id is False else style_id),
                         size)


class _ParaStyle:
    """What a table paragraph of one style needs: its ``w:pPr`` opening and run fonts."""

    def __init__(self, style_id: str | Literal[False] | None, east_asia: str, latin: str,
                 size: float | None) -> None:
        self.style_id = style_id or None
        self.pstyle = f'<w:pStyle w:val="{xml_attr(style_id)}"/>' if style_id else ""
        rfonts = (f'<w:rFonts w:ascii="{xml_attr(latin)}" w:hAnsi="{xml_attr(latin)}" '
                  f'w:eastAsia="{xml_attr(east_asia)}" w:cs="{xml_attr(latin)}" w:hint="eastAsia"/>')
        sz = f'<w:sz w:val="{int(Pt(size).pt * 2)}"/>' if size is not None else ""
        # lines set exactly LINE_PITCH_EM apart, whatever font stands in (see page_chunks)
        pitch = round((size or TABLE_SIZE) * LINE_PITCH_EM * 20)
        self.spacing = f'<w:spacing w:line="{pitch}" w:lineRule="exact"/>'
        self.rpr = {False: f"<w:rPr>{rfonts}{sz}</w:rPr>",
                    True: f"<w:rPr>{rfonts}<w:b/>{sz}</w:rPr>"}
        self._start: dict[tuple[str | None, bool, bool], str] = {}

    def start(self, align: str | None, bold: bool, keep: bool = False) -> str:
        """A paragraph's opening up to its run's properties; ``keep`` keeps the row on the page
        of the next one."""
        key = (align, bool(bold), keep)
        start = self._start.get(key)
        if start is None:
            ppr = self.pstyle + ("<w:keepNext/>" if keep else "") + self.spacing \
                + (f'<w:jc w:val="{_JC[align]}"/>' if align else "")
            start = self._start[key] = f"<w:p><w:pPr>{ppr}</w:pPr><w:r>{self.rpr[key[1]]}"
        return start


# one for each style id (False: no such style), fonts and size: the tables of all documents made
# from one template share them, and the paragraph openings made for their cells
_shared_style = functools.lru_cache(maxsize=64)(_ParaStyle)


def _cell_xml(tc: str, start: str, value: Any) -> str:
    """A cell from its opening (width, shading), its paragraphs' opening (style, alignment,
    fonts) and its value."""
    return _cell_text_xml(tc, start, value if type(value) is str else cell_text(value))


# the same labels, indicator texts and scores fill the cells of every table of every mine
@functools.lru_cache(maxsize=16384)
def _cell_text_xml(tc: str, start: str, text: str) -> str:
    if "\n" not in text:
        return f"{tc}{start}{run_content_xml(text)}</w:r></w:p></w:tc>"
    return "".join([tc, *(f"{start}{run_content_xml(line)}</w:r></w:p>"
                          for line in text.split("\n")), "</w:tc>"])


@functools.lru_cache(maxsize=256)
def _twips(width_mm: float) -> int:
    """``Mm(width_mm).twips``: a table's column widths are those of the tables before."""
    return int(Mm(width_mm).twips)


def header_rows_of(header: Sequence[Any] | Sequence[Sequence[Any]]) -> list[list[Any]]:
    """A table's header rows: ``header`` is one row, or a list of rows."""
    return [list(header)] if header and not isinstance(header[0], (list, tuple)) \
        else [list(r) for r in header]


def table_grid(header: Sequence[Any] | Sequence[Sequence[Any]], rows: Sequence[Sequence[Any]],
               widths_mm: Sequence[float] | None, total_width_mm: float
               ) -> tuple[list[list[Any]], int, list[float]]:
    """A table's header rows (``header``: one row or a list of rows), its grid columns (those
    of its widest row, a :class:`Cell` counting its span) and their widths."""
    header_rows = header_rows_of(header)
    ncols = max((len(r) + sum(c.span - 1 for c in r if isinstance(c, Cell))
                 for r in [*header_rows, *rows]), default=1)
    return header_rows, ncols, fit_widths(widths_mm, ncols, total_width_mm)


_W_BODY = qn("w:body")
_BORDERS = ("<w:tblBorders>" + "".join(
    f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>")
_TBL_LOOK = ('<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
             'w:noHBand="0" w:noVBand="1" w:val="04A0"/>')


class _Shape(NamedTuple):
    """What a table's rows share: column count and widths, cell openings (header, body), the
    header shading, the paragraph styles, the columns' alignments and the rows' least height.
    A tuple: equal shapes hash equal, so rows of equal tables of every mine share their XML."""

    ncols: int
    widths: tuple[float, ...]
    head_open: tuple[str, ...]
    body_open: tuple[str, ...]
    shade: str
    head_style: _ParaStyle
    text_style: _ParaStyle
    aligns: tuple[str, ...]
    height: str


def row_key(values: Sequence[Any]) -> tuple[Any, ...]:
    """What a row's XML and height depend on, as a key that hashes and compares in C: its
    values with their types (``1``, ``1.0`` and ``True`` are equal but written differently),
    a :class:`Cell` as the tuple of its fields and their types (a dataclass's own hash and
    equality are calls of Python functions, and a self-check table has over a thousand Cells).
    Hashing it raises TypeError for a value that cannot be a key (a list …)."""
    types = tuple(map(type, values))
    if Cell in types:
        return tuple([v._key if type(v) is Cell else v for v in values]), types
    return tuple(values), types


class KeyedRows(list[Sequence[Any]]):
    """Rows of a table (a part of them) with their :func:`row_key` (``row_keys``), as
    :class:`~greenmine_docs.docx.page_cursor.TablePaging` hands out a table's parts:
    :func:`add_table` takes the keys instead of computing them again. Not changed once made."""

    def __init__(self, rows: Sequence[Sequence[Any]], keys: Sequence[Any]) -> None:
        super().__init__(rows)
        self.row_keys = tuple(keys)


# a row's XML in UTF-8 by (its shape's number, header row?, kept with the next?, vertical
# merges, row key): most rows of a mine's tables (indicators, their scores, fixed texts) are
# those of the mine before
_ROWS: dict[Any, bytes] = {}
ROWS_KEPT = 4096
# a table shape's number, which a row's entry holds instead of the shape (hashed and compared
# for every row)
_SHAPES: dict[_Shape, int] = {}
SHAPES_KEPT = 256
_numbers = itertools.count()  # (one count for every kind of thing numbered)


def _number(numbered: dict[Any, int], value: Any, most: int) -> int:
    """``value``'s number in ``numbered`` (at most ``most`` kept): a new one for a value not
    known there, never one given before, so a value forgotten and met again is never taken
    for another."""
    number = numbered.get(value)
    if number is None:
        number = remember(numbered, value, next(_numbers), most)
    return number


def _row(shape: _Shape, number: int, head: bool, keep: bool, merges: tuple[str, ...],
         values: Sequence[Any], key: tuple[Any, ...] | None) -> bytes:
    """:func:`_row_xml`, remembered by the row's :func:`row_key` (``key``; None: it cannot be
    one, the row is made as it is) and its shape's number (:func:`_number`)."""
    if key is None:
        return _row_xml(shape, head, keep, merges, values)
    entry = (number, head, keep, merges, key)
    xml = _ROWS.get(entry)
    if xml is None:
        xml = remember(_ROWS, entry, _row_xml(shape, head, keep, merges, values), ROWS_KEPT)
    return xml


def _row_xml(shape: _Shape, head: bool, keep: bool, merges: tuple[str, ...],
             values: Sequence[Any]) -> bytes:
    """A table row: header (repeated on every page) or body, kept with the next row or not,
    with the vertical merges of its cells (``merges``: one per grid column, or none). In UTF-8,
    as the package holds it: a table is joined and written from its remembered rows without
    encoding them again."""
    ncols, widths = shape.ncols, shape.widths
    out = ['<w:tr><w:trPr><w:cantSplit w:val="true"/>'
           + ('<w:tblHeader w:val="true"/>' if head else shape.height) + "</w:trPr>"]
    opening = shape.head_open if head else shape.body_open
    style = shape.head_style if head else shape.text_style
    col_aligns, n_aligns = shape.aligns, len(shape.aligns)
    col = 0
    for value in values:
        if col >= ncols:
            break
        if isinstance(value, Cell):
            text, span, bold, align = value.text, value.span, value.bold, value.align
            span = max(1, min(span, ncols - col))
        else:
            text, span, bold, align = value, 1, False, None
        if not align:
            align = "center" if head else (
                col_aligns[col] if col < n_aligns else
                ("right" if isinstance(text, (int, float)) else "left"))
        merge = merges[col] if merges else ""
        if span > 1 or merge:
            width = Mm(sum(widths[col:col + span])).twips
            tc = (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
                  + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + merge
                  + (shape.shade if head else "") + '<w:vAlign w:val="center"/></w:tcPr>')
        else:
            tc = opening[col]
        out.append(_cell_xml(tc, style.start(align, bold, keep), text))
        col += span
    for i in range(col, ncols):  # short row: keep widths, leave cells empty but styled
        out.append(_cell_xml(shape.body_open[i], shape.text_style.start(None, False, keep), ""))
    out.append("</w:tr>")
    return "".join(out).encode("utf-8")


def add_table(container, header: Sequence[Any] | Sequence[Sequence[Any]],
              rows: Sequence[Sequence[Any]], *, widths_mm: Sequence[float] | None = None,
              aligns: Sequence[str] | None = None, total_width_mm: float = TYPE_WIDTH_MM,
              font_size: float | None = None, header_fill: str | None = "F2F2F2",
              merges: Sequence[tuple[int, int, int]] = (), row_height_mm: float | None = None,
              keep_with_next: Sequence[int] = ()) -> None:
    """Append a table to ``container`` (a Document, subdocument or cell): the one table builder
    of the DOCX documents. In the generators' documents it goes in as finished XML
    (:mod:`~greenmine_docs.docx.islands`); read it back with ``container.tables`` (after
    :func:`~greenmine_docs.docx.islands.materialize` there) when needed.

    ``header`` is one row of titles, or a list of rows for a multi-row header (all repeated on
    every page). ``rows`` are lists of values or :class:`Cell`. ``aligns`` gives each column's
    alignment (default: left for text, right for numbers). ``merges`` are ``(first, last,
    column)`` runs of body rows (0 = the first row after the header) merged vertically in grid
    column ``column``: the cells after the first should be empty. ``row_height_mm`` is the
    least height of every body row; the body rows in ``keep_with_next`` stay on the page of
    the row after them (a group title never ends a page alone)."""
    body = block_parent(container)
    if body is not None and body._element.tag != _W_BODY:
        body = None  # a cell adds a paragraph after a table: python-docx does that part
    if body is None:  # a cell or other container: python-docx builds the table's frame
        _, ncols, widths = table_grid(header, rows, widths_mm, total_width_mm)
        table = container.add_table(rows=0, cols=ncols)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _set_borders(table)
        _table_width(table, sum(widths))
        grid = table._tbl.tblGrid
        for col, w in zip(grid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(int(Mm(w).twips)))
        part = table.part
        frame = _CELL
    else:
        # what Document.add_table(rows=0) and the settings above write, in one go
        table = None
        part = body.part
        frame = _ISLAND if islands.enabled(part) else _BODY
    options = _options(frame, part, widths_mm=widths_mm, aligns=aligns,
                       total_width_mm=total_width_mm, font_size=font_size,
                       header_fill=header_fill, merges=merges, row_height_mm=row_height_mm,
                       keep_with_next=keep_with_next)
    xml = _table_xml(options, header, rows)
    if frame == _ISLAND:
        insert_block(body._element, islands.island(part, xml, styles=_styles(options)))
        return
    new = parse_xml(xml)
    if table is None:
        insert_block(body._element, new)
        return
    tbl = table._tbl
    for tr in list(new):
        tbl.append(tr)


def table_xml(part: Any, header: Sequence[Any] | Sequence[Sequence[Any]],
              rows: Sequence[Sequence[Any]], **options: Any) -> tuple[bytes, frozenset[str]]:
    """What ``add_table(container, header, rows, **options)`` puts in the body of a document
    whose part ``part`` has islands: the table's XML in UTF-8, without namespace declarations
    (for a body written as text, :mod:`~greenmine_docs.docx.textdoc`), and the paragraph
    styles it holds."""
    made = _options(_ISLAND, part, **options)
    return _table_xml(made, header, rows), _styles(made)


def _styles(options: _Options) -> frozenset[str]:
    """The paragraph styles of a table made with ``options``: its header's and its text's."""
    return _styles_of(options.head_style, options.text_style)


@functools.lru_cache(maxsize=64)  # (the shared styles: every table of a template has the same)
def _styles_of(head: _ParaStyle, text: _ParaStyle) -> frozenset[str]:
    return frozenset(sid for sid in (head.style_id, text.style_id) if sid)


_ISLAND, _BODY, _CELL = "island", "body", "cell"  # a table's XML: which frame it has


class _Options(NamedTuple):
    """What :func:`add_table`'s XML depends on besides the rows: the frame (:data:`_ISLAND`,
    the table without namespace declarations; :data:`_BODY`, with them; :data:`_CELL`, only
    its rows, python-docx made the frame), the paragraph styles and the options as given."""

    frame: str
    head_style: _ParaStyle
    text_style: _ParaStyle
    widths_mm: tuple[float, ...]
    total_width_mm: float
    aligns: tuple[str, ...]
    header_fill: str | None
    merges: tuple[tuple[int, int, int], ...]
    row_height_mm: float | None
    keep_with_next: tuple[int, ...]


def _options(frame: str, part: Any, *, widths_mm: Sequence[float] | None = None,
             aligns: Sequence[str] | None = None, total_width_mm: float = TYPE_WIDTH_MM,
             font_size: float | None = None, header_fill: str | None = "F2F2F2",
             merges: Sequence[tuple[int, int, int]] = (), row_height_mm: float | None = None,
             keep_with_next: Sequence[int] = ()) -> _Options:
    """The :class:`_Options` of :func:`add_table`'s options in a table of ``frame`` in the
    document of ``part`` (whose styles the table's paragraphs take)."""
    return _Options(frame, _para_style(part, "Table Heading", font_size),
                    _para_style(part, "Table Text", font_size), tuple(widths_mm or ()),
                    total_width_mm, tuple(aligns or ()), header_fill, tuple(merges),
                    row_height_mm, tuple(keep_with_next))


# a table's XML by its options and its rows' keys: most tables of a mine (the indicators, the
# fixed lists, many scores) are those of a mine before. Kept as its frame and rows, the bytes
# of the rows remembered (:data:`_ROWS`): a table shares them with the others it has rows in
_TABLES: dict[Any, tuple[bytes, ...]] = {}
TABLES_KEPT = 2048


def _table_xml(options: _Options, header: Sequence[Any] | Sequence[Sequence[Any]],
               rows: Sequence[Sequence[Any]]) -> bytes:
    """:func:`_made_table_xml`, remembered by ``options`` and the rows' :func:`row_key`."""
    header_rows = header_rows_of(header)
    known = getattr(rows, "row_keys", None)  # KeyedRows
    keys: list[Any] = [*map(row_key, header_rows),
                       *(known if known is not None else map(row_key, rows))]
    entry = (options, tuple(keys))
    try:
        parts = _TABLES.get(entry)
    except TypeError:  # a value or option that cannot be a key: the rows are made as they are
        parts = _made_table_xml(options, header_rows, rows, [None] * len(keys))
    else:
        if parts is None:
            parts = remember(_TABLES, entry, _made_table_xml(options, header_rows, rows, keys),
                              TABLES_KEPT)
    return b"".join(parts)


def _made_table_xml(options: _Options, header_rows: list[list[Any]],
                    rows: Sequence[Sequence[Any]], keys: Sequence[Any]) -> tuple[bytes, ...]:
    """A table's XML in UTF-8, in parts: the frame (:attr:`_Options.frame`: table properties and grid)
    and its rows, header rows first (``keys``: each row's :func:`row_key`, or None)."""
    _, ncols, widths = table_grid(header_rows, rows, options.widths_mm,
                                  options.total_width_mm)
    frame, shape, number = _frame(options.frame, options.head_style, options.text_style,
                                  options.aligns, options.header_fill, options.row_height_mm,
                                  ncols, tuple(widths))
    first_body = len(header_rows)
    vmerge: dict[tuple[int, int], str] = {}  # (table row, grid column) -> w:vMerge
    for first, last, column in options.merges:
        if last > first:
            vmerge[(first_body + first, column)] = '<w:vMerge w:val="restart"/>'
            for i in range(first + 1, last + 1):
                vmerge[(first_body + i, column)] = "<w:vMerge/>"  # "continue": the default
    kept = {first_body + i for i in options.keep_with_next}

    merged = {row for row, _ in vmerge}
    xml = [frame]
    for index, values in enumerate([*header_rows, *rows]):
        head = index < first_body
        row_merges = tuple(vmerge.get((index, col), "") for col in range(ncols)) \
            if index in merged else ()
        xml.append(_row(shape, number, head, index in kept, row_merges, values, keys[index]))
    xml.append(b"</w:tbl>")
    return tuple(xml)


# (the same few frames serve every table of every mine)
@functools.lru_cache(maxsize=256)
def _frame(kind: str, head_style: _ParaStyle, text_style: _ParaStyle, aligns: tuple[str, ...],
           header_fill: str | None, row_height_mm: float | None, ncols: int,
           widths: tuple[float, ...]) -> tuple[bytes, _Shape, int]:
    """A table's frame in UTF-8 (``kind``, :attr:`_Options.frame`: table properties and grid),
    the shape of its rows and the shape's number (:func:`_number`), from its options
    (:class:`_Options`) other than its merges and the rows kept with the next, and its grid."""
    twips = [_twips(w) for w in widths]
    shade = (f'<w:shd w:val="clear" w:color="auto" w:fill="{xml_attr(header_fill)}"/>'
             if header_fill else "")
    out: list[str] = ["<w:tbl>" if kind == _ISLAND else f"<w:tbl {nsdecls('w')}>"]
    if kind != _CELL:
        out.append(f'<w:tblPr><w:tblW w:type="dxa" w:w="{int(Mm(sum(widths)).twips)}"/>'
                   f'<w:jc w:val="center"/>{_BORDERS}<w:tblLayout w:type="fixed"/>'
                   f'{_TBL_LOOK}</w:tblPr><w:tblGrid>')
        out.extend(f'<w:gridCol w:w="{tw}"/>' for tw in twips)
        out.append("</w:tblGrid>")
    # one-column cell openings, header and body
    tc_open = {head: [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{tw}"/>'
                      + (shade if head else "") + '<w:vAlign w:val="center"/></w:tcPr>'
                      for tw in twips] for head in (True, False)}
    height = (f'<w:trHeight w:val="{int(Mm(row_height_mm).twips)}"/>'
              if row_height_mm is not None else "")
    shape = _Shape(ncols, widths, tuple(tc_open[True]), tuple(tc_open[False]), shade,
                   head_style, text_style, aligns, height)
    return "".join(out).encode("utf-8"), shape, _number(_SHAPES, shape, SHAPES_KEPT)


# -- continued tables (续表) ----------------------------------------------------------------------
# A reader breaks a long table where its page ends and repeats the header rows; nothing in Word
# or LibreOffice can write "续表" on the continuation only. Reviewed documents split such a table
# themselves: the part that continues starts a page with "续表N" and the header rows again.
# :func:`page_chunks` decides where, from an estimate of each row's height that errs on the tall
# side (so a part never reaches the bottom of a page, in Word's fonts or in the PDF's). The
# estimate holds in every font because table lines are set an exact distance apart: single
# spacing is the font's own (宋体/SimSun 1.3 em in Word, Noto CJK 1.45 em, AR PL UMing 1.1 em in
# the PDFs), and an estimate safe for the tallest left a third of a PDF page empty before 续表.
CELL_MARGIN_PT = 5.4  # Word's default left and right cell margins (0.19 cm)
ROW_PADDING_PT = 4.0  # Table Text's 1.5 pt before and after, and the borders
LINE_PITCH_EM = 1.3  # table lines are this many ems apart (w:lineRule="exact"): Word's 宋体 single
LINE_FACTOR = 1.4  # the estimate: the pitch, and room for a line wrapped a character early


def _ems(text: str) -> float:
    """Width of ``text`` in ems: a full em for CJK and full-width forms, a generous half em for
    the rest (digits, Latin)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text)


def row_height_pt(values: Sequence[Any], widths_mm: Sequence[float], size: float) -> float:
    """Estimated height (pt) of a table row: the tallest cell's wrapped lines."""
    return _row_height(values, widths_mm, size, [line_room(w, size) for w in widths_mm])


def _row_height(values: Sequence[Any], widths_mm: Sequence[float], size: float,
                per_line: Sequence[float]) -> float:
    """:func:`row_height_pt` with each column's line room in ems (``per_line``, one per
    column of ``widths_mm`` at ``size``, :func:`line_room`) known."""
    lines, col, ncols = 1, 0, len(per_line)
    for value in values:
        kind = type(value)
        if kind is str:  # most cells
            text, span = value, 1
        elif kind is Cell:
            inner = value.text
            text, span = (inner if type(inner) is str else cell_text(inner)), value.span
            if span < 1:
                span = 1
        elif isinstance(value, Cell):
            text, span = cell_text(value.text), max(1, value.span)
        else:
            text, span = cell_text(value), 1
        if span == 1 and col < ncols:  # one column: its count is known
            n = _cell_lines(text, per_line[col])
        else:
            n = _cell_lines(text, line_room(sum(widths_mm[col:col + span]), size))
        col += span
        if n > lines:
            lines = n
    return lines * size * LINE_FACTOR + ROW_PADDING_PT


# The same texts (an indicator's wording, a column's width) come back in every row and every
# mine of a batch: their counts are remembered, bounded, and are the very numbers computed.
@functools.lru_cache(maxsize=256)
def chars_per_line(width_mm: float, size: float) -> int:
    """Whole characters of ``size`` pt a line of a cell ``width_mm`` wide holds (a line ends
    early rather than late)."""
    width_pt = Mm(width_mm).pt - 2 * CELL_MARGIN_PT
    return max(1, math.floor(width_pt / size))


@functools.lru_cache(maxsize=256)
def line_room(width_mm: float, size: float) -> float:
    """Ems of ``size`` pt a line of a cell ``width_mm`` wide holds (not rounded)."""
    return (Mm(width_mm).pt - 2 * CELL_MARGIN_PT) / size


@functools.lru_cache(maxsize=4096)
def _cell_lines(text: str, room: float) -> int:
    """Lines ``text`` wraps to in a line ``room`` ems wide: one where its width (generous:
    :func:`_ems`) is within the room and it has no line break (a number in a narrow column:
    no line to end early); else whole characters a line, as :func:`chars_per_line` counts."""
    if "\n" not in text and _ems(text) <= room:
        return 1
    per_line = max(1, math.floor(room))
    return sum(max(1, math.ceil(_ems(part) / per_line)) for part in text.split("\n"))


def row_heights(rows: Sequence[Sequence[Any]], widths_mm: Sequence[float],
                size: float) -> list[float]:
    """Estimated height (pt) of each of ``rows`` (:func:`row_height_pt`)."""
    per_line = [line_room(w, size) for w in widths_mm]
    return [_row_height(r, widths_mm, size, per_line) for r in rows]


# a row's height by (its key, its grid's number): most rows of a mine's tables (the indicators,
# their labels, the fixed lists) are rows of a mine before. A grid (the columns' widths and the
# size) gets a number as a table shape does (:func:`_number`).
_HEIGHTS: dict[tuple[Any, int], float] = {}
HEIGHTS_KEPT = 4096
_GRIDS: dict[tuple[tuple[float, ...], float], int] = {}
GRIDS_KEPT = 256


def keyed_row_heights(rows: Sequence[Sequence[Any]], keys: Sequence[Any],
                      widths_mm: Sequence[float], size: float) -> list[float]:
    """:func:`row_heights` of ``rows`` whose :func:`row_key` are ``keys``, remembered by them
    (a row whose key cannot be one is measured as it is)."""
    number = _number(_GRIDS, (tuple(widths_mm), size), GRIDS_KEPT)
    per_line: list[float] | None = None
    heights: list[float] = []
    for row, key in zip(rows, keys):
        entry: Any = (key, number)
        try:
            height = _HEIGHTS.get(entry)
        except TypeError:  # a value that cannot be a key
            entry, height = None, None
        if height is None:
            if per_line is None:
                per_line = [line_room(w, size) for w in widths_mm]
            height = _row_height(row, widths_mm, size, per_line)
            if entry is not None:
                remember(_HEIGHTS, entry, height, HEIGHTS_KEPT)
        heights.append(height)
    return heights


def at_exact_pitch(heights: Sequence[float], size: float) -> list[float]:
    """:func:`row_heights` of rows of ``size`` pt at their lines' exact pitch
    (:data:`LINE_PITCH_EM`) instead of the estimate's :data:`LINE_FACTOR`: for a table whose
    parts leave room for a line wrapped early once per page instead (:func:`paged_parts`)."""
    return [(h - ROW_PADDING_PT) / LINE_FACTOR * LINE_PITCH_EM + ROW_PADDING_PT
            for h in heights]


def is_group_row(row: Sequence[Any], ncols: int) -> bool:
    """Whether ``row`` is a group's title: one :class:`Cell` across all ``ncols`` columns (a
    table of two or more), heading the rows under it."""
    return ncols > 1 and len(row) == 1 and isinstance(row[0], Cell) and row[0].span >= ncols


def _cut(rows: Sequence[Sequence[Any]], ncols: int, cut: int, first: int) -> int:
    """Where a part that would start at row ``cut`` starts (the part before starting at
    ``first``): before the group title row that would end the part before, so it goes with
    its first item."""
    return cut - 1 if cut - 1 > first and is_group_row(rows[cut - 1], ncols) else cut


# a table this short stays on one page when it fits one (moved whole when it starts low); a
# longer one may start where it is, with two rows at least
KEEP_WHOLE_ROWS = 5


def kept_rows(rows: Sequence[Sequence[Any]], ncols: int, fits: bool) -> list[int]:
    """The body rows kept on the page of the next one (``keep_with_next`` of
    :func:`add_table`) in a table that the reader breaks where its pages end, its header rows
    repeated: all but the last of a short one (:data:`KEEP_WHOLE_ROWS`) that ``fits`` a page;
    in a longer one the first (it starts a page with two rows at least, not one), the last
    but one (it ends with two: no 合计 alone overleaf) and each group's title row
    (:func:`is_group_row`: with its first item). Moving a table of a page whole left a third
    of the page before it empty."""
    n = len(rows)
    if n <= KEEP_WHOLE_ROWS:
        return list(range(n - 1)) if fits else []
    return sorted({0, n - 2, *(i for i, row in enumerate(rows[:-1]) if is_group_row(row, ncols))})


# the last part of a split table has this many rows at least (no 小计 or 合计 alone on its page)
LAST_PART_ROWS = 2


def page_chunks(header_rows: Sequence[Sequence[Any]], rows: Sequence[Sequence[Any]],
                widths_mm: Sequence[float], size: float, page_pt: float,
                first_page_pt: float | None = None, *, tail_pt: float = 0.0,
                tail_rows: int = 1, heights: Sequence[float] | None = None,
                start_height: Callable[[int], float] | None = None,
                head: float | None = None) -> list[int]:
    """Where a table is split so that each part fits a page of ``page_pt`` with the header rows
    repeated (the first part in ``first_page_pt``, when the table starts lower on its page):
    the indexes of the rows that begin a part after the first (empty when it fits).

    A group's title row (:func:`is_group_row`) never ends a part: it starts the next one,
    with its first item. The last part has :data:`LAST_PART_ROWS` rows at least, taken from
    the part before it.

    ``tail_pt`` is what follows the table on its last page (a sign-off block): when the last
    part leaves no room for it, the last ``tail_rows`` rows start a new page and go with it,
    so it never stands on a page alone. ``heights``: the rows' :func:`row_heights`, when the
    caller has them; ``start_height``: a row's height when it begins a part, where that is
    more (the labels of the merges it continues are written again in it); ``head``: the
    header rows' height, when the caller has it."""
    if head is None:
        head = sum(row_heights(header_rows, widths_mm, size))
    if heights is None:
        heights = row_heights(rows, widths_mm, size)
    ncols = len(widths_mm)

    def starting(i: int) -> float:  # row i's height at the top of a part
        return heights[i] if start_height is None else max(heights[i], start_height(i))

    starts: list[int] = []
    used = head + (page_pt - first_page_pt if first_page_pt is not None else 0.0)
    for i, h in enumerate(heights):
        first = starts[-1] if starts else 0
        if used + h > page_pt and i > first:
            cut = _cut(rows, ncols, i, first)
            starts.append(cut)
            used = head + starting(cut) + sum(heights[cut + 1:i])
            if cut == i:
                continue
        used += h
    if starts and len(rows) - starts[-1] < LAST_PART_ROWS:
        before = starts[-2] if len(starts) > 1 else 0
        cut = _cut(rows, ncols, len(rows) - LAST_PART_ROWS, before)
        if cut > before:
            starts[-1] = cut
            used = head + starting(cut) + sum(heights[cut + 1:])
    moved = _cut(rows, ncols, len(rows) - tail_rows, starts[-1] if starts else 0)
    if tail_pt and used + tail_pt > page_pt and moved > (starts[-1] if starts else 0):
        starts.append(moved)
    return starts


def _label_index(row: Sequence[Any], column: int) -> int | None:
    """List index of the cell of ``row`` that starts at grid column ``column``."""
    col = 0
    for i, value in enumerate(row):
        if col == column:
            return i
        col += max(1, value.span) if isinstance(value, Cell) else 1
    return None


def _continued_merges(merges: Sequence[tuple[int, int, int]]) -> dict[int, list[tuple[int, int]]]:
    """For each row inside a merge after its first: (first row, grid column) of those
    merges."""
    inside: dict[int, list[tuple[int, int]]] = {}
    for first, last, column in merges:
        for i in range(first + 1, last + 1):
            inside.setdefault(i, []).append((first, column))
    return inside


def _starting_part(rows: Sequence[Sequence[Any]], inside: dict[int, list[tuple[int, int]]],
                   a: int) -> list[Any]:
    """Row ``a`` as it is written at the top of a part: with the label (the cell of its first
    row) of every merge it continues (``inside``: :func:`_continued_merges`)."""
    row = list(rows[a])
    for first, column in inside.get(a, ()):
        src, dst = _label_index(rows[first], column), _label_index(row, column)
        if src is not None and dst is not None:
            row[dst] = rows[first][src]
    return row


# a paged table's part leaves room for one line wrapped a character early, and the page break
# paragraph above it (PAGE_BREAK_P: 1 pt)
PAGE_BREAK_PT = 1.0


def paged_parts(header: Sequence[Any], rows: Sequence[Sequence[Any]], *,
                merges: Sequence[tuple[int, int, int]], page_pt: float, first_page_pt: float,
                tail_pt: float = 0.0, tail_rows: int = 1, **options: Any
                ) -> list[tuple[KeyedRows, list[tuple[int, int, int]]]]:
    """A table of :func:`add_table`'s ``options`` in parts of a page each (:func:`page_chunks`,
    with ``tail_pt`` and ``tail_rows`` for what follows it): each part a page's rows and their
    merges (``(first, last, column)`` in the part), to be written as a table of its own, every
    part after the first on a new page (:func:`add_page_break`) with the header rows. A
    vertical merge never crosses a page: it is cut where the part ends and starts again on the
    next page with its label (the cell of its first row) repeated. The parts carry their rows'
    keys (:class:`KeyedRows`), with which their heights were remembered.

    The rows are measured at their exact line pitch (:func:`at_exact_pitch`), and each part
    leaves room for one line more and the page break above it: the estimate's allowance of a
    tenth of a line for every line left a quarter of the first page empty below one row."""
    widths = fit_widths(options.get("widths_mm"), len(header), options.get(
        "total_width_mm", TYPE_WIDTH_MM))
    size = options.get("font_size") or TABLE_SIZE
    spare = size * LINE_PITCH_EM + PAGE_BREAK_PT
    inside = _continued_merges(merges)
    keys = list(map(row_key, rows))

    def start_height(i: int) -> float:
        return at_exact_pitch(row_heights([_starting_part(rows, inside, i)], widths, size),
                              size)[0]

    starts = page_chunks([header], rows, widths, size, page_pt - spare, first_page_pt - spare,
                         tail_pt=tail_pt, tail_rows=tail_rows,
                         heights=at_exact_pitch(keyed_row_heights(rows, keys, widths, size),
                                                size),
                         start_height=start_height)
    bounds = [0, *starts, len(rows)]
    parts: list[tuple[KeyedRows, list[tuple[int, int, int]]]] = []
    for a, b in zip(bounds, bounds[1:]):
        first_row = _starting_part(rows, inside, a)
        part = [first_row, *(list(r) for r in rows[a + 1:b])]
        parts.append((KeyedRows(part, [row_key(first_row), *keys[a + 1:b]]),
                      [(max(first, a) - a, min(last, b - 1) - a, column)
                       for first, last, column in merges if not (last < a or first >= b)]))
    return parts


PAGE_BREAK_XML = ('<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:lineRule="exact" w:line="20" '
                  'w:before="0" w:after="0"/></w:pPr></w:p>')
"""A paragraph of no height that starts a new page, as a body holds it."""
PAGE_BREAK_P = PAGE_BREAK_XML.replace("<w:p>", f'<w:p {nsdecls("w")}>', 1)


@functools.cache
def _page_break_parsed() -> Any:
    return parse_xml(PAGE_BREAK_P)


def page_break_p() -> Any:
    """A new element of :data:`PAGE_BREAK_P`: a copy of one parsed once (parsing the
    paragraph again took several times as long as copying it)."""
    return copy.deepcopy(_page_break_parsed())


def add_page_break(container: Any) -> None:
    """A paragraph of no height that starts a new page (in the body or a cell: written as the
    XML python-docx's paragraph format writes, without its property machinery)."""
    from docx.enum.text import WD_LINE_SPACING

    block = block_parent(container)
    if block is not None:
        insert_block(block._element, page_break_p())
        return
    par = container.add_paragraph()
    pf = par.paragraph_format
    pf.page_break_before = True
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(1)
    pf.space_before = pf.space_after = Pt(0)


def header_repeats(table) -> bool:
    """True when the table's first row is marked to repeat on every page (for tests)."""
    tr_pr = table.rows[0]._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


__all__ = ["Cell", "KeyedRows", "add_page_break", "add_table", "cell_text", "fit_widths", "header_repeats",
           "is_group_row", "kept_rows", "page_break_p", "page_chunks", "paged_parts", "row_height_pt",
           "table_xml"]
