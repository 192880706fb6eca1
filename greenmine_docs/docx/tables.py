"""Tables in the official look: full single-line borders, header row(s) repeated on every page,
rows that do not split across pages, 宋体 五号 text (style ``Table Text``), 黑体 header (style
``Table Heading``), cells vertically centred, fixed column widths that fit the type area.

Cells are plain values (str, int, float, None) or :class:`Cell` for spans, bold or alignment.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from .page import TYPE_WIDTH_MM
from .text import add_text, set_style

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


@dataclass(frozen=True)
class Cell:
    """A cell with options: ``span`` columns wide, ``bold``, ``align`` (left/center/right)."""

    text: Any = ""
    span: int = 1
    bold: bool = False
    align: str | None = None


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


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.insert(0, el)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def fit_widths(widths_mm: Sequence[float] | None, n: int, total_mm: float) -> list[float]:
    """Column widths scaled to ``total_mm``; equal widths when none are given."""
    if not widths_mm:
        return [total_mm / n] * n
    if len(widths_mm) != n:
        raise ValueError(f"{len(widths_mm)} column widths for {n} columns")
    s = float(sum(widths_mm))
    return [w * total_mm / s for w in widths_mm]


def _fill(cell, value: Any, *, style: str, align: str | None, bold: bool,
          size: float | None) -> None:
    par = cell.paragraphs[0]
    set_style(par, style)
    if align:
        par.alignment = _ALIGN[align]
    lines = cell_text(value).split("\n")
    add_text(par, lines[0], bold=bold or None, size=size)
    for line in lines[1:]:
        extra = cell.add_paragraph()
        set_style(extra, style)
        if align:
            extra.alignment = _ALIGN[align]
        add_text(extra, line, bold=bold or None, size=size)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def add_table(container, header: Sequence[Any] | Sequence[Sequence[Any]],
              rows: Sequence[Sequence[Any]], *, widths_mm: Sequence[float] | None = None,
              aligns: Sequence[str] | None = None, total_width_mm: float = TYPE_WIDTH_MM,
              font_size: float | None = None, header_fill: str | None = "F2F2F2"):
    """Append a table to ``container`` (a Document, subdocument or cell) and return it.

    ``header`` is one row of titles, or a list of rows for a multi-row header (all repeated on
    every page). ``rows`` are lists of values or :class:`Cell`. ``aligns`` gives each column's
    alignment (default: left for text, right for numbers)."""
    header_rows = [list(header)] if header and not isinstance(header[0], (list, tuple)) \
        else [list(r) for r in header]
    ncols = max(sum(c.span if isinstance(c, Cell) else 1 for c in r)
                for r in [*header_rows, *rows])
    widths = fit_widths(widths_mm, ncols, total_width_mm)
    table = container.add_table(rows=0, cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_borders(table)
    _table_width(table, sum(widths))
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(Mm(w).twips)))

    def add_row(values: Sequence[Any], *, head: bool) -> None:
        row = table.add_row()
        _cant_split(row)
        if head:
            _repeat_header(row)
        col = 0
        cells = row.cells  # computing row.cells is slow: once per row, again after a merge
        for value in values:
            cell_opts = value if isinstance(value, Cell) else Cell(value)
            span = max(1, min(cell_opts.span, ncols - col))
            cell = cells[col]
            if span > 1:
                cell = cell.merge(cells[col + span - 1])
                cells = row.cells
            for i in range(col, col + span):
                cells[i].width = Mm(widths[i])
            cell.width = Mm(sum(widths[col:col + span]))
            if head:
                if header_fill:
                    _shade(cell, header_fill)
                _fill(cell, cell_opts.text, style="Table Heading", align=cell_opts.align or
                      "center", bold=cell_opts.bold, size=font_size)
            else:
                default = (aligns[col] if aligns and col < len(aligns) else
                           ("right" if isinstance(cell_opts.text, (int, float)) else "left"))
                _fill(cell, cell_opts.text, style="Table Text", align=cell_opts.align or default,
                      bold=cell_opts.bold, size=font_size)
            col += span
        for i in range(col, ncols):  # short row: keep widths, leave cells empty but styled
            _fill(cells[i], "", style="Table Text", align=None, bold=False, size=font_size)
            cells[i].width = Mm(widths[i])

    for values in header_rows:
        add_row(values, head=True)
    for values in rows:
        add_row(values, head=False)
    return table


def header_repeats(table) -> bool:
    """True when the table's first row is marked to repeat on every page (for tests)."""
    tr_pr = table.rows[0]._tr.trPr
    return tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


__all__ = ["Cell", "add_table", "cell_text", "fit_widths", "header_repeats"]
