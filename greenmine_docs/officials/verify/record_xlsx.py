"""The on-site record as a workbook to fill in (实地核查记录表): header facts, the team and
dates at the top, the selection conditions and the indicator items with dropdowns, signature
blocks; A4 landscape, header rows repeated."""
from __future__ import annotations

from typing import Any

from ...excel_input import styles as S
from ...xlsx.write import add_validation, new_workbook, save_workbook, set_value
from . import layout as L
from .config import Round
from .sample_read import SampledMine


def _box(cell: Any, *, bold: bool = False, fill: Any = None, center: bool = False) -> None:
    cell.font = S.FONT_BOLD if bold else S.FONT
    cell.border = S.BORDER
    cell.alignment = S.CENTER if center else S.WRAP_TOP
    if fill is not None:
        cell.fill = fill


def _header_facts(ws: Any, mine: SampledMine, bureau: str) -> None:
    values = {"name": mine.name, "level": mine.level, "mineral": mine.mineral,
              "method": mine.method, "place": " ".join(x for x in (mine.city, mine.county) if x)}
    for key, (label, lab, val, last) in L.FIELDS.items():
        _box(ws[lab], bold=True, fill=S.FILL_HEADER, center=True)
        ws[lab] = label
        if last:
            ws.merge_cells(f"{val}:{last}")
        for row in ws[f"{val}:{last or val}"]:
            for c in row:
                _box(c, fill=S.FILL_REQUIRED if key in L.INPUT_FIELDS else None)
        set_value(ws[val], values.get(key))
        if key in L.DATE_FIELDS:
            ws[val].number_format = S.DATE_FORMAT
            add_validation(ws, "date", val, title=label, prompt="日期，如 2023-10-12")
    add_validation(ws, "decimal", L.FIELDS["score"][2], between=("0", "100000"), title="核查复核得分",
                   prompt="可选：核查组按同一评价指标复核的总得分（用于评估机构监督）")
    ws["C8"] = "（可选，按评价指标体系总分计）"
    ws["C8"].font = S.FONT_NOTE
    set_value(ws["A2"], f"核查单位：{bureau}")
    ws["A2"].font = S.FONT
    ws.merge_cells("A2:G2")


def _section(ws: Any, row: int, title: str, headers: tuple[str, ...]) -> int:
    ws.cell(row=row, column=1, value=title).font = S.FONT_TITLE
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
    for i, text in enumerate(headers, start=1):
        S.header_cell(ws.cell(row=row + 1, column=i), text)
    return row + 1


def _rows(ws: Any, first: int, rows: list[tuple[str, str]]) -> int:
    """Id and text per row, the answer cells yellow; returns the last row."""
    row = first - 1
    for ident, text in rows:
        row += 1
        for col in L.COLUMNS:
            c = ws[f"{col}{row}"]
            _box(c, fill=S.FILL_REQUIRED if col not in ("A", "B") else None,
                 center=col in ("A", "C", "E"))
        set_value(ws[f"A{row}"], ident)
        set_value(ws[f"B{row}"], text)
        ws.row_dimensions[row].height = max(S.row_height([(text, L.WIDTHS[1])]) or 0, 45)
    return row


def _signatures(ws: Any, row: int) -> None:
    for r, (left, right) in enumerate(((L.SIGN_TEAM, L.SIGN_MINE), ("日期：", "日期：")), row):
        ws.cell(row=r, column=1, value=left).font = S.FONT_BOLD
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
        ws.cell(row=r, column=5, value=right).font = S.FONT_BOLD
        ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=7)
        ws.row_dimensions[r].height = 36


def render_record_xlsx(rnd: Round, mine: SampledMine) -> bytes:
    """One mine's record workbook: sheet 记录表 (to fill in) and 填写说明."""
    wb = new_workbook()
    ws = wb.active
    ws.title = L.SHEET
    ws["A1"] = L.TITLE
    ws["A1"].font = S.FONT_TITLE
    ws["A1"].alignment = S.CENTER
    ws.merge_cells("A1:G1")
    ws.row_dimensions[1].height = 30
    for letter, width in zip(L.COLUMNS, L.WIDTHS):
        ws.column_dimensions[letter].width = width
    _header_facts(ws, mine, rnd.bureau_of(mine.level, mine.city))

    head = _section(ws, 10, L.SECTION_CONDITIONS, L.CONDITION_HEADERS)
    last = _rows(ws, head + 1, [(c.id, c.text) for c in rnd.rules.conditions])
    methods = tuple(rnd.rules.check_methods)
    add_validation(ws, "list", f"C{head + 1}:C{last}", choices=methods, title="核查方式",
                   prompt="查阅资料 / 现场查看 / 人员询问")
    add_validation(ws, "list", f"E{head + 1}:E{last}", choices=(L.MET, L.NOT_MET), title="是否符合",
                   prompt="符合 / 不符合（不符合的须在“说明”中写明依据）")

    head = _section(ws, last + 2, L.SECTION_ITEMS, L.ITEM_HEADERS)
    items_head = head
    last = _rows(ws, head + 1, [(i.id, i.text) for i in rnd.items])
    add_validation(ws, "list", f"C{head + 1}:C{last}", choices=methods, title="核查方式",
                   prompt="查阅资料 / 现场查看 / 人员询问")
    add_validation(ws, "list", f"E{head + 1}:E{last}", choices=(L.YES, L.NO), title="是否存在问题",
                   prompt="是 / 否；选“是”的须写明问题描述和整改要求")
    _signatures(ws, last + 2)

    ws.freeze_panes = f"C{items_head + 1}"
    S.a4_landscape(ws, f"{items_head}:{items_head}")
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    _instructions(wb.create_sheet("填写说明"), rnd)

    return save_workbook(wb)


def _instructions(ws: Any, rnd: Round) -> None:
    lines = [
        "黄色单元格由核查组填写；表头、编号和核查内容请勿修改，工作表“记录表”请勿改名。",
        "核查方式：从下拉列表选择（查阅资料、现场查看、人员询问及其组合）。",
        "遴选条件：逐条填写“符合”或“不符合”；不符合的在“说明”中写明依据（文书编号、查询结果等）。",
        "评价内容：逐项填写“是否存在问题”；选“是”的须写明问题描述和整改要求。",
        "问题描述要具体到对象和位置，如“矿区东侧运输道路约200米路段未硬化”，"
        "不要只写“道路硬化不到位”“标识标牌偏少”。",
        "核查日期：开始日期不晚于结束日期，企业签收日期不早于结束日期。",
        f"整改期限：存在问题的矿山自整改通知书印发之日起{rnd.rules.deadline_days}日内完成整改。",
    ]
    ws.column_dimensions["A"].width = 100
    ws["A1"] = "填写说明"
    ws["A1"].font = S.FONT_TITLE
    for i, text in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=f"{i - 1}. {text}").alignment = S.WRAP_TOP
