"""The blank input workbook: sheets, headers, required marks, dropdowns, formats (opened with
openpyxl), the CLI command, and that the layout follows the model."""
from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Literal

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from greenmine_docs.excel_input import read_workbook, render_workbook, write_template
from greenmine_docs.excel_input.layout import (SEP, Form, Table, analyse, input_layout,
                                               mines_layout)
from greenmine_docs.model import Submission
from greenmine_docs.model.base import StrictModel, field
from greenmine_docs.model.enums import MiningMethod

from conftest import run_cli


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("tpl") / "输入.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


def _dv_for(ws, cell: str):
    """The data validations covering ``cell``."""
    col, row = openpyxl.utils.cell.coordinate_from_string(cell)
    c = openpyxl.utils.column_index_from_string(col)
    found = []
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            c1, r1, c2, r2 = range_boundaries(rng.coord)
            if c1 <= c <= c2 and r1 <= row <= r2:
                found.append(dv)
    return found


def _row_of(ws, key: str) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == key:
            return row
    raise AssertionError(f"{key} not in {ws.title}")


def test_sheets_in_model_order_instructions_first(template: openpyxl.Workbook) -> None:
    names = template.sheetnames
    assert names[0] == "填表说明"
    for sheet in ("工作安排", "企业信息", "矿山信息", "资源储量", "遴选条件", "行政处罚"):
        assert sheet in names
    assert names.index("工作安排") < names.index("企业信息") < names.index("矿山信息") \
        < names.index("资源储量") < names.index("遴选条件") < names.index("行政处罚")
    assert template["_meta"].sheet_state == "hidden"
    # every section other areas add to the model gets its sheet too
    for item in input_layout().sheets():
        assert item.sheet in names


def test_instructions_list_every_sheet(template: openpyxl.Workbook) -> None:
    ws = template["填表说明"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "填表说明" in text and "2023-09-20" in text and "平方千米" in text and "；" in text
    listed = {ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    for item in input_layout().sheets():
        assert item.sheet in listed
    assert "不是官方表格" in text


def test_form_headers_required_marks_and_formats(template: openpyxl.Workbook) -> None:
    ws = template["矿山信息"]
    assert [ws.cell(row=2, column=c).value for c in range(2, 6)] == \
        ["字段", "填写值", "说明/单位", "必填"]
    assert ws.column_dimensions["A"].hidden
    assert ws.freeze_panes == "C3"
    r = _row_of(ws, "mine.licence.valid_to")
    assert ws.cell(row=r, column=2).value == f"＊采矿许可证{SEP}有效期止"
    assert ws.cell(row=r, column=3).fill.fgColor.rgb.endswith("FFF2CC")
    assert ws.cell(row=r, column=3).number_format == "yyyy-mm-dd"
    assert ws.cell(row=r, column=5).value == "必填"
    assert "2023-09-20" in ws.cell(row=r, column=4).value
    # the licence number title is not prefixed twice
    assert ws.cell(row=_row_of(ws, "mine.licence.number"), column=2).value == "＊采矿许可证号"
    opt = _row_of(ws, "mine.staff")
    assert not ws.cell(row=opt, column=2).value.startswith("＊")
    assert ws.cell(row=opt, column=5).value == "选填"
    assert ws.cell(row=opt, column=3).fill.fill_type is None
    # text cells keep typed digits as text (phone numbers, codes)
    ent = template["企业信息"]
    assert ent.cell(row=_row_of(ent, "enterprise.contact.phone"), column=3).number_format == "@"


def test_every_enum_and_yes_no_has_a_dropdown(template: openpyxl.Workbook) -> None:
    checked = 0
    for item in input_layout().forms:
        ws = template[item.sheet]
        for leaf in item.leaves:
            if not leaf.dropdown:
                continue
            cell = f"C{_row_of(ws, leaf.key)}"
            lists = [dv for dv in _dv_for(ws, cell) if dv.type == "list"]
            assert lists, f"{item.sheet}!{cell} {leaf.label} has no dropdown"
            formula = lists[0].formula1
            if formula.startswith('"'):
                assert formula.strip('"').split(",") == list(leaf.dropdown)
            checked += 1
    mine = template["矿山信息"]
    method = _dv_for(mine, f"C{_row_of(mine, 'mine.licence.method')}")
    assert any(dv.formula1 == '"' + ",".join(m.value for m in MiningMethod) + '"'
               for dv in method)
    yes_no = template["遴选条件"]
    dvs = _dv_for(yes_no, f"C{_row_of(yes_no, 'eligibility.abnormal_list')}")
    assert any(dv.formula1 == '"是,否"' and dv.errorStyle == "stop" for dv in dvs)
    assert checked >= 10


def test_list_sheet_layout(template: openpyxl.Workbook) -> None:
    ws = template["行政处罚"]
    assert ws.row_dimensions[1].hidden
    keys = [c.value for c in ws[1]]
    heads = [c.value for c in ws[2]]
    assert keys[0] == "eligibility.penalties[]#id" and heads[0] == "序号"
    assert "eligibility.penalties[].date" in keys
    i = keys.index("eligibility.penalties[].department")
    assert heads[i] == "＊处罚部门类别"
    assert ws.cell(row=2, column=i + 1).fill.fgColor.rgb.endswith("FFF2CC")
    letter = openpyxl.utils.get_column_letter(i + 1)
    dvs = _dv_for(ws, f"{letter}50")
    assert any(dv.type == "list" and "生态环境" in dv.formula1 for dv in dvs)
    date_col = openpyxl.utils.get_column_letter(keys.index("eligibility.penalties[].date") + 1)
    assert ws.column_dimensions[date_col].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "B3"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape"


def test_blank_template_reads_back_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_template(path)
    raw = read_workbook(path)
    assert raw.kind == "xlsx"
    assert raw.data == {}
    assert not [f for f in raw.findings if f.severity.value != "info"]
    assert str(raw.locate(("mine", "licence", "valid_to"))).endswith("矿山信息!C12 "
                                                                      "[mine.licence.valid_to]")


def test_cli_excel_template(runner, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = run_cli(runner, "excel-template", "-o", out)
    assert result.code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[0] == "填表说明"
    again = run_cli(runner, "excel-template", "-o", out)
    assert again.code == 2 and "已存在" in again.stderr
    assert run_cli(runner, "excel-template", "-o", out, "--force").code == 0
    table = tmp_path / "名录.xlsx"
    assert run_cli(runner, "excel-template", "--mines-table", "-o", table).code == 0
    assert "矿山名录" in openpyxl.load_workbook(table, read_only=True).sheetnames


# -- the layout follows the model --------------------------------------------------------------
class Colour(str, enum.Enum):
    RED = "红"
    GREEN = "绿"


class Photo(StrictModel):
    file: str = field("照片文件")
    taken: dt.date | None = field("拍摄日期", None)


LONG = tuple(f"第{i}类，含逗号的很长的选项名称用来超过内联列表的长度限制" for i in range(12))


class Item(StrictModel):
    name: str = field("名称")
    colour: Colour = field("颜色")
    kind: Literal[LONG] | None = field("类别", None)  # type: ignore[valid-type]
    size: Literal["大", "小"] | None = field("大小", None)
    photos: list[Photo] = field("照片", default_factory=list)
    tags: list[str] = field("标签", default_factory=list)


class Extra(StrictModel):
    note: str = field("备注")
    when: dt.date | None = field("日期", None)


class Section(StrictModel):
    title: str = field("标题")
    detail: Extra = field("详情", sheet="详情表")
    items: list[Item] = field("条目", default_factory=list, sheet="条目表")
    text: dict[str, str | dict[str, str]] = field("各节文字", default_factory=dict)
    rows: dict[str, Extra] = field("按键的行", default_factory=dict)
    matrix: list[list[int]] = field("矩阵", default_factory=list)
    dates: list[dt.date] = field("日期列表", default_factory=list)


class Root(StrictModel):
    section: Section = field("部分", sheet="部分")
    other: Extra | None = field("可选部分", None, sheet="可选")


def test_layout_covers_any_model_shape() -> None:
    layout = input_layout(Root)
    sheets = {s.sheet: s for s in layout.sheets()}
    assert set(sheets) >= {"部分", "详情表", "条目表", "照片", "各节文字", "按键的行", "可选"}
    assert isinstance(sheets["详情表"], Form) and isinstance(sheets["条目表"], Table)
    photos = sheets["照片"]
    assert isinstance(photos, Table) and photos.parent is sheets["条目表"]
    text = sheets["各节文字"]
    assert isinstance(text, Table) and text.subkey and text.scalar_value
    kinds = {leaf.key: leaf.kind for leaf in sheets["部分"].leaves}
    assert kinds == {"section.title": "str", "section.matrix": "json", "section.dates": "list"}
    assert sheets["可选"].optional and not sheets["可选"].required
    item_cols = {leaf.key: leaf for leaf in sheets["条目表"].leaves}
    assert item_cols["section.items[].size"].choices == ("大", "小")
    assert item_cols["section.items[].colour"].dropdown == ("红", "绿")
    assert analyse(dict[int, float]).kind == "dict"


def test_any_model_round_trips(tmp_path: Path) -> None:
    layout = input_layout(Root)
    data = {
        "section": {
            "title": "测试 {{ 7*7 }} <b>&amp;",
            "detail": {"note": "多行\n第二行", "when": dt.date(2024, 2, 29)},
            "items": [
                {"name": "甲", "colour": "红", "size": "大", "tags": ["一", "二"], "kind": LONG[7],
                 "photos": [{"file": "a.jpg", "taken": dt.date(2023, 1, 2)},
                            {"file": "b.jpg"}]},
                {"name": "乙", "colour": "绿", "photos": [{"file": "c.jpg"}]},
            ],
            "text": {"intro": "**Markdown** 文字\n\n- 列表", "by": {"1": "一", "2": "二"}},
            "rows": {"k1": {"note": "n1"}, "k2": {"note": "n2", "when": dt.date(2020, 1, 1)}},
            "matrix": [[1, 2], [3]],
            "dates": [dt.date(2023, 6, 16), dt.date(2023, 7, 5)],
        },
    }
    content, findings = render_workbook(data, layout=layout)
    assert findings == []
    path = tmp_path / "root.xlsx"
    path.write_bytes(content)
    raw = read_workbook(path, layout=layout)
    assert Root.model_validate(raw.data) == Root.model_validate(data)
    assert raw.data["section"]["title"] == "测试 {{ 7*7 }} <b>&amp;"
    photo = raw.locate(("section", "items", 0, "photos", 1, "file"))
    assert photo.sheet == "照片" and photo.cell is not None
    wb = openpyxl.load_workbook(path)
    assert wb[photo.sheet][photo.cell].value == "b.jpg"
    by = raw.locate(("section", "text", "by", "2"))
    assert wb[by.sheet][by.cell].value == "二"
    # a dropdown too long (or with commas) for an inline list refers to the hidden _lists sheet
    assert wb["_lists"].sheet_state == "hidden"
    items = wb["条目表"]
    kind_col = [c.value for c in items[1]].index("section.items[].kind") + 1
    letter = openpyxl.utils.get_column_letter(kind_col)
    dvs = [dv for dv in items.data_validations.dataValidation
           if dv.type == "list" and f"{letter}3:" in str(dv.sqref)]
    assert dvs and dvs[0].formula1.startswith("_lists!$")
    ref = dvs[0].formula1.split("!")[1].replace("$", "")
    assert [c.value for row in wb["_lists"][ref] for c in row] == list(LONG)
    assert not any(f.severity.value == "error" for f in raw.findings)


def test_mines_layout_labels_are_unique() -> None:
    root = mines_layout()
    labels = [leaf.label for leaf in root.leaves]
    assert len(labels) == len(set(labels))
    assert {leaf.group for leaf in root.leaves} == {
        Submission.model_fields[n].title for n in ("campaign", "enterprise", "mine", "reserves",
                                                   "eligibility")}
    assert [c.sheet for c in root.children] == ["行政处罚"]
