"""The mapping template as a workbook (``greenmine indicators map OLD NEW -o 对应表.xlsx``).

Sheets: ``对应关系`` — one row per item of the new set (编号, 一级指标, 评价内容, 分值) and the
column to fill, 原编号 (old ids separated by “、”), with the old items' texts beside it for
reference; ``一级指标对应`` — each old first-level indicator and the new one its plan tasks go
to; ``原指标`` — the old set's items to choose from; ``_greenmine`` (hidden) — the two sets.
:func:`read_mapping_workbook` gives back the plain data the YAML form has.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from .excel_io import print_wide
from .model import IndicatorSet

SHEET_ITEMS, SHEET_CATS, SHEET_OLD, SHEET_META = "对应关系", "一级指标对应", "原指标", "_greenmine"
ITEM_HEAD = ("编号", "一级指标", "评价内容", "分值", "原编号", "原评价内容（参考）")
CAT_HEAD = ("原一级编号", "原一级指标", "新一级编号", "新一级指标（参考）")
_SPLIT = re.compile(r"[、,，;；\s]+")


def mapping_workbook_bytes(old: IndicatorSet, new: IndicatorSet,
                           items: dict[str, tuple[str, ...]] | None = None,
                           categories: dict[str, str] | None = None) -> bytes:
    """The template, pre-filled with ``items``/``categories`` when a mapping is known."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..xlsx.write import append_row, new_workbook, save_workbook

    head = Font(name="黑体", bold=True)
    body = Font(name="宋体", size=10)
    fill = PatternFill("solid", fgColor="FFF9E5")  # what the user fills in
    wrap = Alignment(wrap_text=True, vertical="center")
    wb = new_workbook()
    ws = wb.active
    ws.title = SHEET_ITEMS
    append_row(ws, list(ITEM_HEAD))
    for item in new.iter_items():
        olds = (items or {}).get(item.id, ())
        cat = next(c for c in new.categories if c.id == item.category_id)
        append_row(ws, [item.id, cat.name, item.text, item.points, "、".join(olds) or None,
                   "\n".join(f"{o} {old.items[o].text}" for o in olds) or None])
    _look(ws, [10, 16, 50, 6, 16, 60], head, body, wrap, input_col=5, fill=fill)
    cats = wb.create_sheet(SHEET_CATS)
    append_row(cats, list(CAT_HEAD))
    for c in old.categories:
        target = (categories or {}).get(c.id)
        append_row(cats, [c.id, c.name, target,
                     next((n.name for n in new.categories if n.id == target), None)])
    _look(cats, [12, 26, 12, 26], head, body, wrap, input_col=3, fill=fill)
    dv = DataValidation(type="list", formula1='"' + ",".join(c.id for c in new.categories) + '"',
                        allow_blank=True, showErrorMessage=True, errorTitle="新一级编号",
                        error="请选择新指标体系的一级指标编号。")
    cats.add_data_validation(dv)
    dv.add(f"C2:C{len(old.categories) + 1}")
    olds = wb.create_sheet(SHEET_OLD)
    append_row(olds, ["编号", "一级指标", "二级指标", "评价内容", "分值"])
    for c in old.categories:
        for g in c.groups:
            for i in g.items:
                append_row(olds, [i.id, c.name, g.name, i.text, i.points])
    _look(olds, [10, 18, 22, 60, 6], head, body, wrap)
    meta = wb.create_sheet(SHEET_META)
    for row in (("format", "greenmine-indicator-mapping/1"), ("from", old.id), ("to", new.id)):
        append_row(meta, list(row))
    meta.sheet_state = "hidden"
    wb.properties.title = f"评价指标对应表（{old.display_title}→{new.display_title}）"
    return save_workbook(wb)


def _look(ws: Any, widths: list[float], head: Any, body: Any, wrap: Any, *,
          input_col: int | None = None, fill: Any = None) -> None:
    from openpyxl.styles import Border, Side

    from ..xlsx.write import line_count, set_widths

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    set_widths(ws, widths)
    for c in range(1, len(widths) + 1):
        cell = ws.cell(row=1, column=c)
        cell.font, cell.border = head, border
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.font, cell.alignment, cell.border = body, wrap, border
        if input_col is not None:
            row[input_col - 1].fill = fill
        lines = max(line_count(cell.value, w) for cell, w in zip(row, widths))
        ws.row_dimensions[row[0].row].height = max(16, 13 * lines + 4)
    print_wide(ws)


def read_mapping_workbook(path: Path) -> dict[str, Any]:
    """The filled template as the YAML form's plain data (:class:`InputError` when it is not
    one :func:`mapping_workbook_bytes` wrote)."""
    from ..xlsx.cells import cell_text
    from ..xlsx.read import XlsxFile

    with XlsxFile(path, kind="指标对应表（Excel 工作簿）") as wb:
        if SHEET_ITEMS not in wb.sheetnames or SHEET_META not in wb.sheetnames:
            raise InputError(f"{path} 不是 greenmine indicators map 生成的对应表。",
                             hint="用 greenmine indicators map 原体系 新体系 -o 对应表.xlsx 生成后填写。")
        meta = {cell_text(r[0]): cell_text(r[1])
                for r in wb.values(SHEET_META).rows(max_col=2) if r[0]}
        data: dict[str, Any] = {"format": meta.get("format"), "from": meta.get("from"),
                                "to": meta.get("to"), "items": {}, "categories": {}}
        for row in wb.values(SHEET_ITEMS).rows(min_row=2, max_col=5):
            ref = cell_text(row[0])
            if ref:
                data["items"][ref] = [x for x in _SPLIT.split(cell_text(row[4]) or "") if x]
        if SHEET_CATS in wb.sheetnames:
            for row in wb.values(SHEET_CATS).rows(min_row=2, max_col=3):
                if cell_text(row[0]) and cell_text(row[2]):
                    data["categories"][cell_text(row[0])] = cell_text(row[2])
    return data
