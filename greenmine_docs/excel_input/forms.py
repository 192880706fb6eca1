"""Key-value sheets: one row per field — hidden key | 字段 | 填写值 | 说明/单位 | 必填.

The value of a field is in column C, so locations read like ``矿山信息!C7``. Reading finds a
field by the hidden key in column A (rows may be re-ordered freely), else by its label.
"""
from __future__ import annotations

from typing import Any

from ..findings import Location
from ..xlsx.write import column_letter, set_value
from .grid import Grid, ReadContext, norm_label
from .layout import Form, Leaf
from .styles import (BORDER, FONT, FONT_BOLD, FONT_KEY, FONT_NOTE, FONT_REQUIRED, FONT_TITLE,
                     WRAP_CENTER, describe, dropdown, header_cell, label_text,
                     needs_list_sheet, number_rule, required_text, row_height, styler,
                     value_style)
from .tables import set_path
from .values import EMPTY, LIST_SEP, leaf_converter, to_cell

KEY_HEADER = "键（勿改）"
HEADERS = ("字段", "填写值", "说明/单位", "必填")
KEY_COL, LABEL_COL, VALUE_COL, NOTE_COL, REQ_COL = 1, 2, 3, 4, 5
FIRST_ROW = 3
MIN_ROW_HEIGHT = 20.0  # room to type in
WIDTHS = {"A": 6, "B": 34, "C": 46, "D": 50, "E": 14}


def write_form(ws: Any, form: Form, data: Any, list_refs: dict[tuple[str, ...], str],
               warnings: list[tuple[tuple[Any, ...], str]]) -> None:
    """Lay out one key-value sheet and fill in the values found in ``data``."""
    from .tables import get_path

    ws.merge_cells(start_row=1, start_column=LABEL_COL, end_row=1, end_column=REQ_COL)
    title = ws.cell(row=1, column=LABEL_COL, value=form.title)
    title.font = FONT_TITLE
    title.alignment = WRAP_CENTER
    ws.row_dimensions[1].height = 26
    header_cell(ws.cell(row=2, column=KEY_COL), KEY_HEADER, font=FONT_KEY)
    for i, text in enumerate(HEADERS):
        header_cell(ws.cell(row=2, column=LABEL_COL + i), text)
    ws.row_dimensions[2].height = 20
    style = styler(ws.parent)
    for i, leaf in enumerate(form.leaves):
        r = FIRST_ROW + i
        style(ws.cell(row=r, column=KEY_COL, value=leaf.key), "键", font=FONT_KEY)
        style(ws.cell(row=r, column=LABEL_COL, value=label_text(leaf)),
              "字段 必填" if leaf.required else "字段",
              font=FONT_REQUIRED if leaf.required else FONT, border=BORDER,
              alignment=WRAP_CENTER)
        raw = get_path(data, leaf.path) if data is not None else None
        value = to_cell(leaf, raw)
        if leaf.kind == "list" and isinstance(raw, (list, tuple)):
            for item in raw:
                if LIST_SEP in str(item):
                    warnings.append((leaf.path, str(item)))
        name, attrs = value_style(leaf)
        cell = ws.cell(row=r, column=VALUE_COL)
        set_value(cell, value)
        style(cell, name, **attrs)
        style(ws.cell(row=r, column=NOTE_COL, value=describe(leaf) or None), "说明",
              font=FONT_NOTE, border=BORDER, alignment=WRAP_CENTER)
        style(ws.cell(row=r, column=REQ_COL, value=required_text(leaf)),
              "必填列 是" if leaf.required else "必填列",
              font=FONT_BOLD if leaf.required else FONT_NOTE, border=BORDER,
              alignment=WRAP_CENTER)
        ref = f"{column_letter(VALUE_COL)}{r}"
        if leaf.dropdown:
            formula = list_refs.get(leaf.dropdown) if needs_list_sheet(leaf.dropdown) else None
            dv = dropdown(leaf, ref, formula)
            if dv is not None:
                ws.add_data_validation(dv)
        else:
            dv = number_rule(leaf, ref)
            if dv is not None:
                ws.add_data_validation(dv)
        height = row_height([(str(value) if value is not None else "", WIDTHS["C"]),
                             (describe(leaf), WIDTHS["D"]), (label_text(leaf), WIDTHS["B"])])
        ws.row_dimensions[r].height = max(height or 0, MIN_ROW_HEIGHT)
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["A"].hidden = True
    ws.freeze_panes = "C3"
    ws.page_setup.paperSize = 9
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    ws.print_area = f"B1:E{FIRST_ROW + len(form.leaves) - 1}"


def find_columns(grid: Grid) -> tuple[int, int, int, int]:
    """(key column, label column, value column, first data row) from the header row; the
    template's A/B/C and row 3 when no header is found."""
    for number, cells in grid.header_rows():
        texts = {c: norm_label(v) for c, v in cells.items() if isinstance(v, str)}
        value_col = next((c for c, t in texts.items() if t == norm_label(HEADERS[1])), None)
        if value_col is None:
            continue
        label_col = next((c for c, t in texts.items() if t == norm_label(HEADERS[0])),
                         value_col - 1)
        key_col = next((c for c, t in texts.items() if t == norm_label(KEY_HEADER)), 0)
        return key_col, label_col, value_col, number + 1
    return KEY_COL, LABEL_COL, VALUE_COL, FIRST_ROW


def read_form(ctx: ReadContext, grid: Grid, leaves: list[Leaf], data: dict[str, Any],
              positions: dict[tuple[Any, ...], Location]) -> set[str]:
    """Read the values of ``leaves`` from a key-value sheet into ``data``; returns the keys
    found. Unknown rows with a value, and repeated fields, become findings."""
    key_col, label_col, value_col, first = find_columns(grid)
    by_key = {leaf.key: leaf for leaf in leaves}
    by_label: dict[str, Leaf] = {}
    for each in leaves:
        by_label.setdefault(norm_label(each.label), each)
    seen: dict[str, int] = {}
    for number, cells in grid.rows:
        if number < first:
            continue
        key = cells.get(key_col) if key_col else None
        label = cells.get(label_col)
        leaf = by_key.get(str(key).strip()) if isinstance(key, str) else None
        if leaf is None and label is not None:
            leaf = by_label.get(norm_label(label))
        raw = cells.get(value_col)
        if leaf is None:
            if raw is not None and (label is not None or key is not None):
                name = label if label is not None else key
                ctx.finding("GM-W152", f"行“{name}”不属于模板，其内容未读取。", grid.name,
                            number, value_col)
            continue
        if leaf.key in seen:
            if raw is not None:
                ctx.finding("GM-E151", f"{leaf.label}：在第 {seen[leaf.key]} 行和第 {number} 行"
                                       "都出现，只读取了第一行。", grid.name, number, value_col,
                            leaf.path)
            continue
        seen[leaf.key] = number
        positions[leaf.path] = Location(file=ctx.file, sheet=grid.name,
                                        cell=f"{column_letter(value_col)}{number}")
        if raw is None:
            continue
        value, note = leaf_converter(leaf, ctx.date1904)(raw)
        if note is not None:
            ctx.finding(note[0], f"{leaf.label}：{note[1]}", grid.name, number, value_col,
                        leaf.path)
        if value is EMPTY:
            continue
        if grid.merged_source:
            ctx.merged_use(grid, number, value_col, leaf.label, leaf.path)
        set_path(data, leaf.path, value)
    return set(seen)


def form_keys(grid: Grid) -> set[str]:
    """Machine keys found in the first columns of a sheet (to recognise a renamed sheet)."""
    found: set[str] = set()
    for _, cells in grid.rows[:400]:
        for c in (1, 2, 3):
            v = cells.get(c)
            if isinstance(v, str):
                found.add(v.strip())
    return found
