"""The 填表说明 sheet: how to fill in the workbook, what each sheet holds, formats and units.
Its sheet list is generated from the layout, so new sections appear in it automatically."""
from __future__ import annotations

from typing import Any

from ..xlsx.write import line_count
from .layout import Form, Layout, Table
from .styles import (BORDER, FILL_COND, FILL_HEADER, FILL_REQUIRED, FONT, FONT_BOLD,
                     FONT_NOTE, FONT_TITLE, REQUIRED_MARK, WRAP_CENTER, WRAP_TOP, header_cell)

STEPS = (
    "按工作表顺序逐表填写。逐项填写的表只填“填写值”一列（C 列）；列表类的表每行填一条记录。",
    f"标有“{REQUIRED_MARK}”且底色为浅黄的是必填项；底色更浅的是“本部分填写时必填”"
    "（例如填写实施方案部分时必须填的项）。",
    "有下拉箭头的单元格请从列表中选择（如 是/否、开采方式、矿山状态、处罚部门类别），"
    "不要自行改写。",
    "日期请写成 2023-09-20；也接受 2023/9/20、2023年9月20日 以及 Excel 日期格式。",
    "数字只写数字，不带单位；单位填在相邻的“单位”项中（如 万吨、万吨/年、万立方米/年）。"
    "矿区面积以平方千米（km²）计，1 平方千米 = 100 公顷。比例写小数（0.2）或百分数（20%）。",
    "同一格中的多项内容（如评审专家）用全角分号“；”分隔。",
    "列表类的表（如“行政处罚”）可以插入、删除、调整行；空行会被忽略。“序号”用于子表中的"
    "“上级序号”对应到这一行。没有记录就留空，不要删除该表。",
    "请勿修改工作表名称，勿删除隐藏的 A 列（逐项表）或隐藏的第 1 行（列表表）：程序靠它们识别"
    "每一项。可以调整行的顺序；可以新增工作表写备注（程序会忽略并提示）。",
    "填完后在命令行运行 greenmine validate 本文件.xlsx 检查，问题会指明到“工作表!单元格”；"
    "greenmine convert 本文件.xlsx mine.yaml 可转换为 YAML 文件。",
)

NOTES = (
    "本工作簿由 greenmine-docs 按输入数据模型自动生成，字段与 YAML 输入一一对应。",
    "工作簿中的说明与示例仅供填写参考，不是官方表格；请以主管部门发布的通知和表格为准。",
)


def _kind(sheet: Form | Table) -> str:
    if isinstance(sheet, Form):
        return "逐项填写"
    if sheet.parent is not None:
        return f"每行一条，按“上级序号”对应“{sheet.parent.sheet}”"
    if sheet.mode == "dict":
        return "每行一条（键 + 内容）"
    return "每行一条记录"


def _required(sheet: Form | Table) -> str:
    n = sum(1 for leaf in sheet.leaves if leaf.required)
    m = sum(1 for leaf in sheet.leaves if leaf.cond_required)
    parts = []
    if n:
        parts.append(f"每行必填 {n} 项" if isinstance(sheet, Table) else f"必填 {n} 项")
    if m:
        parts.append(f"本部分填写时必填 {m} 项")
    if isinstance(sheet, Table) and not parts:
        parts.append("没有记录可留空")
    return "，".join(parts) or "均为选填"


def _content(sheet: Form | Table) -> str:
    """What a sheet holds: its description, or the first few of its fields."""
    described = sheet.description and sheet.description not in (sheet.title, sheet.sheet)
    if described:
        text = sheet.description
    else:
        labels = list(dict.fromkeys(leaf.label.split("·")[0] for leaf in sheet.leaves))
        text = "、".join(labels[:4]) + ("等" if len(labels) > 4 else "")
        if sheet.title != sheet.sheet:
            text = f"{sheet.title}：{text}"
    if isinstance(sheet, Form) and sheet.optional:
        text += "（整部分为选填，生成相应文书时再填写）"
    return text


def write_instructions(ws: Any, layout: Layout, schema_version: int) -> None:
    ws.sheet_properties.tabColor = "2F5597"
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 46
    ws.column_dimensions["D"].width = 34
    ws.column_dimensions["E"].width = 30
    ws.merge_cells("A1:E1")
    title = ws.cell(row=1, column=1, value="绿色矿山申报与核查 · 输入工作簿 填表说明")
    title.font = FONT_TITLE
    title.alignment = WRAP_CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells("A2:E2")
    sub = ws.cell(row=2, column=1, value=f"数据格式版本 {schema_version}；"
                                         "YAML 与本工作簿可用 greenmine convert 互相转换。")
    sub.font = FONT_NOTE
    r = 4
    r = _section(ws, r, "一、怎么填")
    for i, text in enumerate(STEPS, start=1):
        r = _para(ws, r, f"{i}.", text)
    r += 1
    r = _section(ws, r, "二、颜色与标记")
    for fill, text in ((FILL_REQUIRED, f"{REQUIRED_MARK} 必填项"),
                       (FILL_COND, "本部分填写时必填"), (FILL_HEADER, "表头（勿改）")):
        cell = ws.cell(row=r, column=2, value=text)
        cell.fill = fill
        cell.font = FONT
        cell.border = BORDER
        r += 1
    r += 1
    r = _section(ws, r, "三、工作表一览")
    for i, text in enumerate(("工作表", "内容", "填写方式", "必填项"), start=2):
        header_cell(ws.cell(row=r, column=i), text)
    r += 1
    for sheet in layout.sheets():
        values = (sheet.sheet, _content(sheet), _kind(sheet), _required(sheet))
        for i, text in enumerate(values, start=2):
            cell = ws.cell(row=r, column=i, value=text)
            cell.font = FONT_BOLD if i == 2 else FONT
            cell.alignment = WRAP_TOP
            cell.border = BORDER
        ws.row_dimensions[r].height = 32 if len(values[1]) > 22 or len(values[2]) > 16 else 18
        r += 1
    r += 1
    r = _section(ws, r, "四、说明")
    for text in NOTES:
        r = _para(ws, r, "·", text)
    ws.freeze_panes = "A3"
    ws.page_setup.paperSize = 9
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _section(ws: Any, r: int, text: str) -> int:
    cell = ws.cell(row=r, column=1, value=text)
    cell.font = FONT_BOLD
    ws.row_dimensions[r].height = 20
    return r + 1


def _para(ws: Any, r: int, mark: str, text: str) -> int:
    ws.cell(row=r, column=1, value=mark).font = FONT
    ws.cell(row=r, column=1).alignment = WRAP_TOP
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
    cell = ws.cell(row=r, column=2, value=text)
    cell.font = FONT
    cell.alignment = WRAP_TOP
    lines = line_count(text, 121, 11)
    ws.row_dimensions[r].height = 16 * lines + 4
    return r + 1
