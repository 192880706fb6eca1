"""The mines table: one mine per row, penalties on their own sheet keyed by 编号."""
from __future__ import annotations

import datetime as dt
import pickle
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import EXAMPLE
from greenmine_docs.api import load
from greenmine_docs.errors import InputError
from greenmine_docs.excel_input import (read_mines_table, render_workbook, write_mines_table)
from greenmine_docs.load.yaml_input import read_yaml
from greenmine_docs.model import Submission
from mine_rows import mine_rows


def _dump(data: Any) -> dict[str, Any]:
    return Submission.model_validate(data).model_dump()


def test_round_trip_with_cell_positions(tmp_path: Path) -> None:
    mines = mine_rows(5)
    path = tmp_path / "名录.xlsx"
    assert write_mines_table(mines, path) == []
    rows = read_mines_table(path)
    assert len(rows) == 5 and rows.findings == []
    for mine, raw in zip(mines, rows):
        assert raw.kind == "xlsx" and raw.source == path
        assert _dump(raw.data) == _dump(mine)
        assert raw.findings == []
    wb = openpyxl.load_workbook(path)
    loc = rows[3].locate(("mine", "licence", "valid_to"))
    assert loc.sheet == "矿山名录" and loc.cell.endswith("7")  # header rows 1-3, 4th mine
    assert wb[loc.sheet][loc.cell].value.date() == dt.date(2029, 6, 12)
    name = rows[3].locate(("mine", "name"))
    assert wb[name.sheet][name.cell].value == "测试4号灰岩矿"
    assert str(rows[3].locate(("reserves", "remaining", "value"))).startswith(f"{path} 矿山名录!")
    pen = rows[2].locate(("eligibility", "penalties", 1, "decision_number"))
    assert pen.sheet == "行政处罚"
    assert wb[pen.sheet][pen.cell].value == "吕环罚〔2021〕2-1号"
    parent = wb[pen.sheet][f"B{pen.cell[1:]}"].value  # 矿山编号 names the mine's 编号
    assert wb["矿山名录"][f"A{name.cell[1:]}"].value == 4 and parent == 3
    # the mine's own row first (what batch shows as the mine's place)
    first = next(iter(rows[0].positions.values()))
    assert (first.sheet, first.cell) == ("矿山名录", "A4")
    # plain data, picklable for parallel batch runs
    again = pickle.loads(pickle.dumps(rows[2]))
    assert again.locate(("eligibility", "penalties", 1, "date")) == \
        rows[2].locate(("eligibility", "penalties", 1, "date"))


def test_table_layout(tmp_path: Path) -> None:
    path = tmp_path / "名录.xlsx"
    write_mines_table(mine_rows(2), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["填表说明", "矿山名录", "行政处罚"]
    ws = wb["矿山名录"]
    assert ws.row_dimensions[1].hidden and ws.freeze_panes == "B4"
    assert ws["A1"].value == "#id" and ws["A3"].value == "编号"
    groups = [c.value for c in ws[2] if c.value]
    assert groups == ["工作安排", "企业信息", "矿山信息", "资源储量", "遴选条件"]
    labels = [c.value for c in ws[3]]
    assert "＊矿山名称" in labels and "＊采矿许可证号" in labels
    assert len(labels) == len(set(labels))
    keys = [c.value for c in ws[1]]
    method = openpyxl.utils.get_column_letter(keys.index("mine.licence.method") + 1)
    assert any(dv.type == "list" and "露天开采" in dv.formula1 and
               f"{method}4:" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    pen = wb["行政处罚"]
    assert [pen["A2"].value, pen["B2"].value] == ["序号", "矿山编号"]


def test_broken_references_duplicates_and_empty_rows(tmp_path: Path) -> None:
    path = tmp_path / "名录.xlsx"
    write_mines_table(mine_rows(3), path)
    wb = openpyxl.load_workbook(path)
    ws, pen = wb["矿山名录"], wb["行政处罚"]
    ws["A6"] = 2  # the third mine now claims the second mine's 编号
    for c in range(1, ws.max_column + 1):  # an empty row between mines, then a fourth mine
        ws.cell(row=8, column=c, value=ws.cell(row=5, column=c).value)
    ws["A8"] = 9
    r = pen.max_row + 1
    for c in range(1, pen.max_column + 1):
        pen.cell(row=r, column=c, value=pen.cell(row=3, column=c).value)
    pen.cell(row=r, column=2, value=77)  # no mine 77
    wb.save(path)
    rows = read_mines_table(path)
    assert len(rows) == 4  # the empty row 7 is skipped
    dup = [f for f in rows[2].findings if f.code == "GM-E151"]
    assert dup and dup[0].location.cell == "A6"
    orphans = {f.location.cell: f.message for f in rows.findings if f.code == "GM-E152"}
    # the new row names no mine; the third mine's two penalties lost their mine (编号 3)
    assert set(orphans) == {"B4", "B5", "B6"} and "77" in orphans["B6"]
    assert all(any(f.code == "GM-E152" for f in raw.findings) for raw in rows)
    assert load(rows[0]).report.valid is False


def test_missing_and_renamed_sheets(tmp_path: Path) -> None:
    path = tmp_path / "名录.xlsx"
    write_mines_table(mine_rows(2), path)
    wb = openpyxl.load_workbook(path)
    wb["矿山名录"].title = "2023年名单"
    del wb["行政处罚"]
    wb.save(path)
    rows = read_mines_table(path)
    codes = {f.code: f for f in rows.findings}
    assert codes["GM-W150"].location.sheet == "2023年名单"
    assert codes["GM-W151"].location.sheet == "行政处罚"
    assert rows[1].locate(("mine", "name")).sheet == "2023年名单"
    assert "penalties" not in rows[1].data["eligibility"]


def test_not_a_mines_table(tmp_path: Path) -> None:
    single = tmp_path / "单个.xlsx"
    single.write_bytes(render_workbook(read_yaml(EXAMPLE).data)[0])
    with pytest.raises(InputError, match="单个矿山"):
        read_mines_table(single)
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "名单"
    wb.save(other)
    with pytest.raises(InputError, match="矿山名录"):
        read_mines_table(other)


def test_reading_many_mines_is_fast(tmp_path: Path) -> None:
    """1,000 mines (about 65,000 cells): reading is a small part of validating them."""
    path = tmp_path / "big.xlsx"
    write_mines_table(mine_rows(1000), path)
    start = time.process_time()
    rows = read_mines_table(path)
    spent = time.process_time() - start
    assert len(rows) == 1000
    assert _dump(rows[999].data) == _dump(mine_rows(1000)[999])
    assert spent < 2.5, f"reading 1,000 mines took {spent:.2f} s of CPU"
