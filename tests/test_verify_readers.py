"""verify's workbook readers go through the one reader (``xlsx.read.XlsxFile``): a record, the
sample, the ledger and the assessments are regular files bounded in size and parts; the next
year's directory is edited keeping the user's own formulas, our cells added as text (issues 14,
15, 19)."""
from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from greenmine_docs import limits
from greenmine_docs.errors import InputError
from greenmine_docs.findings import Report
from greenmine_docs.officials.verify.agencies import read_assessments
from greenmine_docs.officials.verify.config import load_round
from greenmine_docs.officials.verify.follow_up import FollowUp, LedgerRow, read_ledger
from greenmine_docs.officials.verify.follow_up_out import mark_directory
from greenmine_docs.officials.verify.record_read import read_record
from greenmine_docs.officials.verify.sample_read import read_sample
from test_verify_round import RECORDS, ROUND, ROUND_DIR, SAMPLE

AS_OF = dt.date(2024, 2, 20)


def test_a_record_over_the_part_limit_is_a_finding_not_a_read(tmp_path, monkeypatch):
    record = sorted(RECORDS.glob("*.xlsx"))[0]
    assert read_record(record, load_round(ROUND)).usable
    monkeypatch.setattr(limits, "MAX_PART_UNCOMPRESSED", 2000)
    rec = read_record(record, load_round(ROUND))
    assert not rec.usable
    assert [f.code for f in rec.findings] == ["GM-E640"]
    assert "超过上限" in rec.findings[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_record_that_is_a_named_pipe_is_refused_without_waiting(tmp_path):
    pipe = tmp_path / "记录.xlsx"
    os.mkfifo(pipe)  # opening it for reading would block until a writer came
    rec = read_record(pipe, load_round(ROUND))
    assert [f.code for f in rec.findings] == ["GM-E640"]


@pytest.mark.parametrize("read", [
    read_sample,
    lambda p: read_ledger(p, as_of=AS_OF),
    read_assessments,
])
def test_sample_ledger_and_assessments_are_bounded(read, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PART_UNCOMPRESSED", 2000)
    big = tmp_path / "大.xlsx"
    wb = Workbook()
    wb.active.append(["矿山名称"] + ["很长的文字" * 40] * 30)
    wb.save(big)
    with pytest.raises(InputError, match="超过上限"):
        read(big)


@pytest.mark.parametrize(("read", "sheet", "titles"), [
    (read_sample, "核查名单", ["矿山名称", "名录级别", "所在市"]),
    (lambda p: read_ledger(p, as_of=AS_OF), "整改台账",
     ["矿山名称", "所在市", "评价内容", "问题描述", "整改期限", "整改措施", "佐证材料", "完成日期",
      "验收人", "验收日期"]),
])
def test_each_table_is_found_under_a_title_row_and_names_what_is_missing(read, sheet, titles,
                                                                         tmp_path):
    """The round's tables share one reader: a header below a title row is found, columns are
    taken by title in any order, a missing title is named, a missing sheet says which exist."""
    path = tmp_path / "表.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([f"{sheet}（2024 年）"])
    ws.append(list(reversed(titles)))
    ws.append(["x"] * (len(titles) - 1) + ["甲矿"])
    wb.save(path)
    read(path)  # reads: the 矿山名称 column is last here
    ws.delete_cols(1)  # the last title before reversing
    wb.save(path)
    with pytest.raises(InputError, match=f"表头缺少：{titles[-1]}"):
        read(path)
    ws.title = "别的表"
    wb.save(path)
    with pytest.raises(InputError, match=f"没有“{sheet}”工作表") as e:
        read(path)
    assert "别的表" in (e.value.hint or "")


def test_assessments_header_may_sit_below_a_title_row(tmp_path):
    path = tmp_path / "评估.xlsx"
    wb = Workbook()
    totals = wb.active
    totals.title = "评估结论"
    totals.append(["2024 年评估结果"])
    totals.append(["评估结论", "评估得分", "评估机构", "矿山名称"])
    totals.append(["合格", 86.5, "某评估公司", "甲矿"])
    items = wb.create_sheet("评估得分")
    items.append(["矿山名称", "指标编号", "分值", "评估得分"])
    items.append(["甲矿", "1.1.1", 2, 1.5])
    wb.save(path)
    got = read_assessments(path)
    assert list(got) == ["甲矿"]
    assert got["甲矿"].score == 86.5 and got["甲矿"].agency == "某评估公司"
    assert got["甲矿"].items == {"1.1.1": (2.0, 1.5)}
    del wb["评估得分"]
    wb.save(path)
    with pytest.raises(InputError, match="没有“评估得分”工作表") as e:
        read_assessments(path)
    assert "两个工作表" in (e.value.hint or "")


def _directory(path) -> None:
    """A user's directory: 序号 by formula, a total by an array formula, a hostile name."""
    wb = Workbook()
    ws = wb.active
    ws.title = "名录"
    ws.append(["序号", "矿山名称", "名录级别", "所在市"])
    ws.append(["=ROW()-1", "甲矿", "省级", "太原市"])
    ws.append(["=ROW()-1", "=SUM(A1:A9)", "市级", "大同市"])
    ws["B3"].data_type = "s"  # typed as text by the user: a name, not a formula
    ws.append(["=ROW()-1", "乙矿", "市级", "大同市"])
    ws["F2"] = ArrayFormula("F2:F3", "=A2:A3*2")
    wb.save(path)


def test_next_directory_keeps_the_users_formulas_and_adds_text(tmp_path):
    source = tmp_path / "名录.xlsx"
    _directory(source)
    rows = [LedgerRow(3, m, "", "", "", None, None, None, "", "") for m in ("甲矿", "=SUM(A1:A9)")]
    data, marked = mark_directory(FollowUp(tmp_path / "台账.xlsx", AS_OF, rows, Report()), source)
    assert marked == 2
    ws = load_workbook(io.BytesIO(data))["名录"]  # formulas as formulas
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == ["=ROW()-1"] * 3
    assert all(ws.cell(r, 1).data_type == "f" for r in (2, 3, 4))
    assert isinstance(ws["F2"].value, ArrayFormula) and ws["F2"].value.ref == "F2:F3"
    assert (ws["B3"].value, ws["B3"].data_type) == ("=SUM(A1:A9)", "s")
    assert (ws["G1"].value, ws["G1"].data_type) == ("以往整改要求", "s")
    assert [ws.cell(r, 7).value for r in (2, 3, 4)] == ["是", "是", None]


def test_next_directory_refuses_a_directory_too_big_to_edit(tmp_path, monkeypatch):
    source = tmp_path / "名录.xlsx"
    shutil.copy(ROUND_DIR / "名录.xlsx", source)
    with zipfile.ZipFile(source) as z:
        sheet = max(z.infolist(), key=lambda i: i.file_size if "worksheets" in i.filename else 0)
    monkeypatch.setattr(limits, "MAX_TABLE_PART_BYTES", sheet.file_size - 1)
    fu = read_ledger(ROUND_DIR / "整改台账.xlsx", as_of=AS_OF)
    with pytest.raises(InputError, match="需要整体载入才能修改"):
        mark_directory(fu, source)


def test_sample_still_reads_every_sheet_it_uses():
    sample = read_sample(SAMPLE)
    wb = load_workbook(SAMPLE, data_only=True)
    names = [r[3] for r in wb["核查名单"].iter_rows(min_row=3, values_only=True) if r[3]]
    assert [m.name for m in sample.mines] == names
    assert sample.mines[0].reason == "优先：以往整改要求"
    assert sample.drawn_on == dt.date(2023, 9, 28)
    listed = [r for r in wb["全部名录"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(sample.listed) == len(listed)
