"""Writing list sheets (input workbook and mines table): hidden key row, Chinese header row(s)
with required marks, one row per entry, dropdowns and range rules over the data rows, column
formats (so typed dates and codes keep their type), widths, frozen headers, A4 landscape.

Rows are appended (``ws.append``), which works for normal and write-only worksheets alike, so
the 10,000-row mines table is streamed to disk."""
from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell

from ..xlsx.write import cell_text_of, column_letter, set_value, text_width
from .layout import Leaf, Table
from .styles import (BORDER, CENTER, FILL_GROUP, FILL_HEADER, FILL_REQUIRED, FONT, FONT_BOLD,
                     FONT_KEY, FONT_REQUIRED, KIND_WIDTH, TOP_CENTER, a4_landscape, dropdown,
                     label_text, needs_list_sheet, number_format, number_rule, row_height,
                     styler, value_style)
from .tables import OutRow, columns, machine_key, row_values, special_labels
from .values import LIST_SEP

SPECIAL_WIDTH = 9


def column_width(leaf: Leaf | None, label: str) -> float:
    base = KIND_WIDTH.get(leaf.kind, 18) if leaf is not None else SPECIAL_WIDTH
    return round(max(base, min(36.0, text_width(label, 11) / 1.6 + 2)), 1)


def write_table_sheet(ws: Any, table: Table, rows: list[OutRow],
                      list_refs: dict[tuple[str, ...], str], *, styled: bool = True,
                      groups: bool = False, spare_rows: int = 300,
                      warnings: list[tuple[tuple[Any, ...], str]] | None = None) -> None:
    """Write one list sheet. ``styled`` formats every data cell (small sheets); otherwise only
    dates get a cell format (fast, for big tables). ``groups`` adds a row of section titles
    above the column headers (the mines table)."""
    cols = columns(table)
    labels = special_labels(table)
    heads = [labels[name] if leaf is None else label_text(leaf) for name, leaf in cols]
    first_data = 4 if groups else 3
    # column formats and widths must be set before the first row (write-only streams rows)
    for i, (_name, leaf) in enumerate(cols, start=1):
        letter = column_letter(i)
        dim = ws.column_dimensions[letter]
        dim.width = column_width(leaf, heads[i - 1])
        if leaf is not None:
            dim.number_format = number_format(leaf)
    if groups:  # the wide mines table
        a4_landscape(ws, "2:3", fit_width=False, title_cols="A:A")
    else:
        a4_landscape(ws, f"{first_data - 1}:{first_data - 1}", fit_width=len(cols) <= 14)
    ws.row_dimensions[1].hidden = True
    ws.row_dimensions[first_data - 1].height = 34
    ws.freeze_panes = f"{column_letter(2)}{first_data}"
    style = styler(ws.parent)
    ws.append([style(WriteOnlyCell(ws, machine_key(table, name)), "键", font=FONT_KEY)
               for name, _ in cols])
    if groups:
        _group_row(ws, cols, style)
    ws.append([_header(ws, text, leaf, style) for text, (_, leaf) in zip(heads, cols)])
    widths = [column_width(leaf, h) for h, (_, leaf) in zip(heads, cols)]
    for n, row in enumerate(rows):
        values = row_values(table, row)
        if warnings is not None:
            _list_warnings(table, row, warnings)
        if styled:
            height = row_height([(str(v), w) for v, w, (_, leaf) in zip(values, widths, cols)
                                 if isinstance(v, str) and leaf is not None])
            if height:  # set before the row is appended (write-only sheets stream rows)
                ws.row_dimensions[first_data + n].height = height
            ws.append([_data_cell(ws, v, leaf, style) for v, (_, leaf) in zip(values, cols)])
        else:
            out: list[Any] = []
            for v, (_, leaf) in zip(values, cols):
                if v is not None and leaf is not None and leaf.kind in ("date", "datetime"):
                    out.append(style(WriteOnlyCell(ws, v), f"日期 {leaf.kind}", font=FONT,
                                     number_format=number_format(leaf)))
                else:
                    out.append(cell_text_of(v) if isinstance(v, str) else v)
            ws.append(out)
    last = first_data + len(rows) + spare_rows
    _validations(ws, cols, first_data, last, list_refs)



def _header(ws: Any, text: str, leaf: Leaf | None, style: Any) -> Any:
    required = leaf is not None and leaf.required
    return style(WriteOnlyCell(ws, text), "表头 必填" if required else "表头",
                 font=FONT_REQUIRED if required else FONT_BOLD,
                 fill=FILL_REQUIRED if required else FILL_HEADER, alignment=CENTER,
                 border=BORDER)


def _group_row(ws: Any, cols: list[tuple[str, Leaf | None]], style: Any) -> None:
    """Section titles over their columns (merged), e.g. 企业信息 over every enterprise field."""
    values: list[Any] = []
    spans: list[tuple[int, int]] = []
    current, start = None, 1
    for i, (_, leaf) in enumerate(cols, start=1):
        group = leaf.group if leaf is not None else ""
        if group != current:
            if current and i - 1 > start:
                spans.append((start, i - 1))
            current, start = group, i
        values.append(style(WriteOnlyCell(ws, group if i == start else None), "分组",
                            font=FONT_BOLD, fill=FILL_GROUP, alignment=CENTER, border=BORDER))
    if current and len(cols) > start:
        spans.append((start, len(cols)))
    ws.append(values)
    for a, b in spans:
        ws.merged_cells.add(f"{column_letter(a)}2:{column_letter(b)}2")


def _data_cell(ws: Any, value: Any, leaf: Leaf | None, style: Any) -> Any:
    cell = WriteOnlyCell(ws)
    set_value(cell, value)
    if leaf is None:
        return style(cell, "编号", font=FONT, border=BORDER, alignment=TOP_CENTER)
    name, attrs = value_style(leaf, form=False)  # required marks are in the header
    return style(cell, name, **attrs)


def _validations(ws: Any, cols: list[tuple[str, Leaf | None]], first: int, last: int,
                 list_refs: dict[tuple[str, ...], str]) -> None:
    for i, (_, leaf) in enumerate(cols, start=1):
        if leaf is None:
            continue
        ref = f"{column_letter(i)}{first}:{column_letter(i)}{last}"
        if leaf.dropdown:
            formula = list_refs.get(leaf.dropdown) if needs_list_sheet(leaf.dropdown) else None
            dv = dropdown(leaf, ref, formula)
        else:
            dv = number_rule(leaf, ref)
        if dv is not None:
            ws.data_validations.append(dv)


def _list_warnings(table: Table, row: OutRow, warnings: list[tuple[tuple[Any, ...], str]]
                   ) -> None:
    from .tables import get_path

    for leaf in table.leaves:
        if leaf.kind != "list":
            continue
        items = row.data if table.scalar_value else get_path(row.data, leaf.path)
        if isinstance(items, (list, tuple)):
            for item in items:
                if LIST_SEP in str(item):
                    warnings.append(((table.key, *leaf.path), str(item)))
