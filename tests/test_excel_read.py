"""Reading workbooks people filled in: cell locations, and every kind of mess — stray spaces,
numbers and dates stored as text or serials, merged cells, re-ordered rows and columns, deleted
or renamed sheets, extra sheets and columns, files that are not workbooks at all."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conftest import EXAMPLE, run_cli
from greenmine_docs.api import validate
from greenmine_docs.errors import InputError
from greenmine_docs.excel_input import (read_workbook, render_workbook, write_mines_table,
                                        write_template)
from greenmine_docs.xlsx.read import XlsxFile
from greenmine_docs.findings import Severity
from greenmine_docs.load.yaml_input import read_yaml
from greenmine_docs.model import Submission


@pytest.fixture(scope="module")
def example_data() -> dict[str, Any]:
    return read_yaml(EXAMPLE).data


@pytest.fixture
def filled(tmp_path: Path, example_data: dict[str, Any]) -> Path:
    """The example written as a workbook (next to a copy of the example's files)."""
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE.parent, folder)
    path = folder / "mine.xlsx"
    path.write_bytes(render_workbook(example_data)[0])
    return path


def row_of(ws: Any, key: str) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(row=r, column=1).value == key:
            return r
    raise AssertionError(key)


def col_of(ws: Any, key: str, row: int = 1) -> int:
    for c in range(1, ws.max_column + 1):
        if ws.cell(row=row, column=c).value == key:
            return c
    raise AssertionError(key)


def edit(path: Path, change: Any) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def codes(raw: Any) -> list[str]:
    return [f.code for f in raw.findings]


def found(raw: Any, code: str) -> list[Any]:
    return [f for f in raw.findings if f.code == code]


# -- a template filled in by hand ---------------------------------------------------------------
def test_filled_template_reads_with_cell_locations(tmp_path: Path) -> None:
    path = tmp_path / "填好的.xlsx"
    write_template(path)

    def fill(wb: Any) -> None:
        ws = wb["矿山信息"]
        ws.cell(row=row_of(ws, "mine.name"), column=3, value="测试矿")
        ws.cell(row=row_of(ws, "mine.licence.valid_to"), column=3, value=dt.datetime(2029, 6, 12))
        ws.cell(row=row_of(ws, "mine.licence.method"), column=3, value="露天开采")
        ws.cell(row=row_of(ws, "mine.staff"), column=3, value=186)
        ent = wb["企业信息"]
        ent.cell(row=row_of(ent, "enterprise.uscc"), column=3, value="91141100MA0K7QL3XA")
        pen = wb["行政处罚"]
        pen["B3"], pen["C3"], pen["G3"] = dt.datetime(2021, 5, 18), "生态环境", "是"
        pen["B6"], pen["C6"], pen["G6"] = dt.datetime(2022, 1, 4), "应急管理", "否"
        ok = wb["遴选条件"]
        ok.cell(row=row_of(ok, "eligibility.plan_review.experts"), column=3,
                value="赵明德；孙丽华；周建国")

    edit(path, fill)
    raw = read_workbook(path)
    mine = raw.data["mine"]
    assert mine["name"] == "测试矿" and mine["staff"] == 186
    assert mine["licence"]["valid_to"] == dt.date(2029, 6, 12)
    assert mine["licence"]["method"] == "露天开采"
    assert raw.data["eligibility"]["plan_review"]["experts"] == ["赵明德", "孙丽华", "周建国"]
    penalties = raw.data["eligibility"]["penalties"]
    assert [p["department"] for p in penalties] == ["生态环境", "应急管理"]  # empty rows skipped
    assert [p["rectified"] for p in penalties] == [True, False]
    loc = raw.locate(("mine", "licence", "valid_to"))
    assert (loc.sheet, loc.cell, loc.file) == ("矿山信息", "C12", str(path))
    assert str(loc).endswith("矿山信息!C12 [mine.licence.valid_to]")
    assert raw.locate(("eligibility", "penalties", 1, "date")).cell == "B6"
    assert raw.locate(("eligibility", "penalties", 1)).cell == "A6"
    missing = raw.locate(("mine", "licence", "holder"))  # not filled: points at the empty cell
    assert (missing.sheet, missing.cell) == ("矿山信息", "C5")
    # through the library's validation: findings carry sheet and cell
    report = validate(path)
    uscc = [f for f in report if f.code == "GM-E110"]
    assert uscc and (uscc[0].location.sheet, uscc[0].location.cell) == ("企业信息", "C4")
    holder = [f for f in report if f.location.path == "mine.licence.holder"]
    assert holder and holder[0].location.cell == "C5"


def test_example_workbook_validates_like_the_yaml(filled: Path) -> None:
    report = validate(filled)
    assert report.valid, [str(f) for f in report.errors]
    assert all(f.location.sheet for f in report if f.location.path)


# -- messy cells --------------------------------------------------------------------------------
def test_spaces_numbers_dates_and_booleans_as_people_type_them(filled: Path) -> None:
    def mess(wb: Any) -> None:
        ws = wb["矿山信息"]
        ws.cell(row=row_of(ws, "mine.name"), column=3, value="  青岚山水泥用灰岩矿 ")
        ws.cell(row=row_of(ws, "mine.licence.scale.value"), column=3, value="１２０")
        ws.cell(row=row_of(ws, "mine.licence.area_km2"), column=3, value=" 0.8625")
        ws.cell(row=row_of(ws, "mine.staff"), column=3, value="1,186")
        ws.cell(row=row_of(ws, "mine.licence.valid_from"), column=3, value="2019/6/12")
        ws.cell(row=row_of(ws, "mine.licence.valid_to"), column=3, value="2029年6月12日")
        serial = ws.cell(row=row_of(ws, "mine.licence.issue_date"), column=3, value=43628)
        serial.number_format = "General"  # a pasted value: Excel shows the day number
        ws.cell(row=row_of(ws, "mine.production_start"), column=3, value=20120401)
        ws.cell(row=row_of(ws, "mine.licence.method"), column=3, value="露天 开采")
        ok = wb["遴选条件"]
        ok.cell(row=row_of(ok, "eligibility.operating_normally"), column=3, value="√")
        ok.cell(row=row_of(ok, "eligibility.abnormal_list"), column=3, value="×")
        ok.cell(row=row_of(ok, "eligibility.safety_licence_valid"), column=3, value=True)
        ok.cell(row=row_of(ok, "eligibility.plan_review.experts"), column=3,
                value="赵明德、孙丽华")
        camp = wb["工作安排"]
        camp.cell(row=row_of(camp, "campaign.sampling_ratio"), column=3, value="20%")

    raw = read_workbook(edit(filled, mess))
    mine = raw.data["mine"]
    assert mine["name"] == "青岚山水泥用灰岩矿"
    assert mine["licence"]["scale"]["value"] == 120
    assert mine["licence"]["area_km2"] == 0.8625
    assert mine["staff"] == 1186
    assert mine["licence"]["valid_from"] == dt.date(2019, 6, 12)
    assert mine["licence"]["valid_to"] == dt.date(2029, 6, 12)
    assert mine["licence"]["issue_date"] == dt.date(2019, 6, 12)
    assert mine["production_start"] == dt.date(2012, 4, 1)
    assert mine["licence"]["method"] == "露天开采"
    elig = raw.data["eligibility"]
    assert elig["operating_normally"] is True and elig["abnormal_list"] is False
    assert elig["safety_licence_valid"] is True
    assert elig["plan_review"]["experts"] == ["赵明德", "孙丽华"]
    assert raw.data["campaign"]["sampling_ratio"] == 0.2
    spaces = found(raw, "GM-I152")
    assert ("矿山信息", "mine.name") in {(f.location.sheet, f.location.path) for f in spaces}
    name_cell = raw.locate(("mine", "name")).cell
    assert any(f.location.cell == name_cell for f in spaces)
    assert {f.location.path for f in found(raw, "GM-I153")} >= {
        "mine.licence.scale.value", "mine.staff", "campaign.sampling_ratio",
        "mine.licence.area_km2"}
    dates = {f.location.path: f.message for f in found(raw, "GM-I154")}
    assert "2019-06-12" in dates["mine.licence.issue_date"] and "序列号" in \
        dates["mine.licence.issue_date"]
    assert set(dates) >= {"mine.licence.valid_from", "mine.licence.valid_to",
                          "mine.production_start"}
    assert found(raw, "GM-I156")
    assert all(f.severity is Severity.INFO for f in raw.findings)
    Submission.model_validate(raw.data)


def test_unreadable_values_are_left_for_the_model_at_their_cell(filled: Path) -> None:
    def mess(wb: Any) -> None:
        ws = wb["矿山信息"]
        ws.cell(row=row_of(ws, "mine.licence.valid_to"), column=3, value="2029.13.40")
        ws.cell(row=row_of(ws, "mine.staff"), column=3, value="一百八十六")
        ws.cell(row=row_of(ws, "mine.licence.method"), column=3, value="露天")

    path = edit(filled, mess)
    report = validate(path)
    by_path = {f.location.path: f for f in report.errors}
    for field, cell in (("mine.licence.valid_to", "C12"), ("mine.staff", None),
                        ("mine.licence.method", None)):
        assert field in by_path, [str(f) for f in report.errors]
        assert by_path[field].location.sheet == "矿山信息"
        assert cell is None or by_path[field].location.cell == cell


def test_merged_cells_read_as_their_top_left_value(filled: Path) -> None:
    def mess(wb: Any) -> None:
        pen = wb["行政处罚"]
        dep = col_of(pen, "eligibility.penalties[].department")
        pen.cell(row=4, column=1, value=2)  # a second penalty on row 4, department merged
        for key, value in (("date", dt.datetime(2022, 3, 1)), ("authority", "文水县应急管理局"),
                           ("decision_number", "文应急罚〔2022〕3号"), ("reason", "安全培训记录不全"),
                           ("rectified", "是")):
            pen.cell(row=4, column=col_of(pen, f"eligibility.penalties[].{key}"), value=value)
        pen.cell(row=4, column=dep, value=None)
        pen.merge_cells(start_row=3, start_column=dep, end_row=4, end_column=dep)
        ws = wb["矿山信息"]
        r = row_of(ws, "mine.name")
        ws.merge_cells(start_row=r, start_column=3, end_row=r, end_column=4)

    raw = read_workbook(edit(filled, mess))
    penalties = raw.data["eligibility"]["penalties"]
    assert [p["department"] for p in penalties] == ["生态环境", "生态环境"]
    assert raw.data["mine"]["name"] == "山西青岚建材有限公司青岚山水泥用灰岩矿"
    merged = found(raw, "GM-I155")
    assert len(merged) == 1 and merged[0].location.sheet == "行政处罚"
    assert merged[0].location.cell.endswith("4")


def test_rows_and_columns_may_be_moved(filled: Path, example_data: dict[str, Any]) -> None:
    def shuffle(wb: Any) -> None:
        ws = wb["矿山信息"]
        a, b = row_of(ws, "mine.name"), row_of(ws, "mine.staff")
        for c in range(1, 6):  # swap two whole rows
            x, y = ws.cell(row=a, column=c), ws.cell(row=b, column=c)
            x.value, y.value = y.value, x.value
        pen = wb["行政处罚"]
        for r in range(1, 4):  # swap two whole columns
            x, y = pen.cell(row=r, column=2), pen.cell(row=r, column=3)
            x.value, y.value = y.value, x.value

    raw = read_workbook(edit(filled, shuffle))
    assert raw.data["mine"]["name"] == example_data["mine"]["name"]
    assert raw.data["mine"]["staff"] == example_data["mine"]["staff"]
    assert raw.data["eligibility"]["penalties"][0]["date"] == \
        example_data["eligibility"]["penalties"][0]["date"]
    assert raw.locate(("mine", "name")).cell == f"C{row_of_in(raw, 'mine.name')}" != "C3"
    assert raw.locate(("eligibility", "penalties", 0, "date")).cell == "C3"
    assert not [f for f in raw.findings if f.severity is not Severity.INFO]


def row_of_in(raw: Any, key: str) -> int:
    wb = openpyxl.load_workbook(raw.source)
    return row_of(wb["矿山信息"], key)


def test_deleted_key_column_and_key_row_fall_back_to_labels(filled: Path,
                                                            example_data: dict[str, Any]) -> None:
    def strip_keys(wb: Any) -> None:
        wb["矿山信息"].delete_cols(1)
        wb["行政处罚"].delete_rows(1)

    raw = read_workbook(edit(filled, strip_keys))
    assert Submission.model_validate(raw.data).mine == \
        Submission.model_validate(example_data).mine
    assert raw.locate(("mine", "licence", "valid_to")).cell == "B12"
    assert raw.data["eligibility"]["penalties"][0]["authority"] == \
        example_data["eligibility"]["penalties"][0]["authority"]
    assert raw.locate(("eligibility", "penalties", 0, "date")).cell == "B2"


def test_extra_rows_columns_and_duplicates_are_reported(filled: Path) -> None:
    def mess(wb: Any) -> None:
        ws = wb["矿山信息"]
        r = ws.max_row + 1
        ws.cell(row=r, column=2, value="备注")
        ws.cell(row=r, column=3, value="请领导审阅")
        src = row_of(ws, "mine.staff")
        for c in range(1, 6):
            ws.cell(row=r + 1, column=c, value=ws.cell(row=src, column=c).value)
        ws.cell(row=r + 1, column=3, value=999)
        pen = wb["行政处罚"]
        c = pen.max_column + 1
        pen.cell(row=2, column=c, value="备注")
        pen.cell(row=3, column=c, value="已缴纳罚款")

    raw = read_workbook(edit(filled, mess))
    extra = found(raw, "GM-W152")
    assert {f.location.sheet for f in extra} == {"矿山信息", "行政处罚"}
    assert any("备注" in f.message for f in extra)
    dup = found(raw, "GM-E151")
    assert len(dup) == 1 and dup[0].location.path == "mine.staff"
    assert raw.data["mine"]["staff"] == 186  # the first occurrence counts


# -- sheets deleted, renamed, added -------------------------------------------------------------
def test_deleted_sheet(filled: Path, runner) -> None:
    path = edit(filled, lambda wb: wb.remove(wb["企业信息"]))
    raw = read_workbook(path)
    missing = found(raw, "GM-E150")
    assert len(missing) == 1 and missing[0].location.sheet == "企业信息"
    assert "企业信息" in missing[0].message and "excel-template" in missing[0].hint
    assert "enterprise" not in raw.data
    res = run_cli(runner, "validate", path)
    assert res.code == 1 and "GM-E150" in res.stdout


def test_deleted_list_sheet_is_a_warning(filled: Path) -> None:
    raw = read_workbook(edit(filled, lambda wb: wb.remove(wb["行政处罚"])))
    assert [f.location.sheet for f in found(raw, "GM-W151")] == ["行政处罚"]
    assert "penalties" not in raw.data["eligibility"]


def test_renamed_and_extra_sheets(filled: Path, example_data: dict[str, Any]) -> None:
    def rename(wb: Any) -> None:
        wb["矿山信息"].title = "Sheet1"
        wb["行政处罚"].title = "处罚记录"
        wb.create_sheet("我的备注")["A1"] = "内部备忘"

    raw = read_workbook(edit(filled, rename))
    renamed = {f.location.sheet: f for f in found(raw, "GM-W150")}
    assert set(renamed) == {"Sheet1", "处罚记录"}
    assert "矿山信息" in renamed["Sheet1"].message and "矿山信息" in renamed["Sheet1"].hint
    assert raw.data["mine"]["name"] == example_data["mine"]["name"]
    assert raw.locate(("mine", "licence", "valid_to")).sheet == "Sheet1"
    assert len(raw.data["eligibility"]["penalties"]) == 1
    assert [f.location.sheet for f in found(raw, "GM-I150")] == ["我的备注"]
    assert not found(raw, "GM-E150")


# -- not a workbook at all ----------------------------------------------------------------------
@pytest.mark.parametrize("content, words", [
    (b"", "空文件"),
    (b"name,value\n\xe7\x9f\xbf,1\n", "不是有效的 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
    (b"PK\x03\x04broken", "损坏"),
])
def test_files_that_are_not_workbooks(tmp_path: Path, runner, content: bytes,
                                      words: str) -> None:
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_workbook(path)
    assert words in str(err.value)
    res = run_cli(runner, "validate", path)
    assert res.code == 2 and path.name in res.stderr and "Traceback" not in res.output


def test_a_zip_that_is_not_a_workbook_and_a_foreign_workbook(tmp_path: Path) -> None:
    zipped = tmp_path / "a.xlsx"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="缺少工作簿部件"):
        read_workbook(zipped)
    foreign = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "随便什么表"
    wb.save(foreign)
    with pytest.raises(InputError, match="excel-template"):
        read_workbook(foreign)
    table = tmp_path / "c.xlsx"
    write_mines_table([read_yaml(EXAMPLE).data], table)
    with pytest.raises(InputError, match="batch"):
        read_workbook(table)


# -- the two readers agree, and files saved by other programs read the same ---------------------
def test_openpyxl_fallback_reads_the_same(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read_workbook(filled)
    monkeypatch.setattr(XlsxFile, "_raw_rows", staticmethod(lambda data: None))
    slow = read_workbook(filled)
    assert slow.data == fast.data
    assert {k: str(v) for k, v in slow.positions.items()} == \
        {k: str(v) for k, v in fast.positions.items()}


@pytest.mark.parametrize("thread_fails", [False, True])
def test_parts_unpacked_ahead_are_the_parts(filled: Path, monkeypatch: pytest.MonkeyPatch,
                                            thread_fails: bool) -> None:
    """XlsxFile.prefetch: a sheet and the shared strings unpacked in a thread are the bytes
    read without it, each taken once; what the thread could not read is read when asked."""
    with XlsxFile(filled) as plain:
        names = plain.sheetnames
        sheets = {n: plain.read_bytes(plain.sheet(n)) for n in names}
        strings = plain.strings
    if thread_fails:
        read = zipfile.ZipFile.read

        def only_here(self: zipfile.ZipFile, name: Any, pwd: Any = None) -> bytes:
            if threading.current_thread() is not threading.main_thread():
                raise zipfile.BadZipFile("read in the thread")
            return read(self, name, pwd)

        monkeypatch.setattr(zipfile.ZipFile, "read", only_here)
    with XlsxFile(filled) as ahead:
        ahead.prefetch(names[0], "没有这个工作表")
        assert ahead.strings == strings
        assert {n: ahead.read_bytes(ahead.sheet(n)) for n in names} == sheets
        assert ahead._ahead == {}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_workbook_saved_by_libreoffice(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "lo"
    profile = tmp_path / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
                    str(filled)], check=True, capture_output=True, timeout=180)
    saved = out / filled.name
    with zipfile.ZipFile(saved) as z:
        assert "xl/sharedStrings.xml" in z.namelist()  # the way Excel-like programs store text
    original, resaved = read_workbook(filled), read_workbook(saved)
    assert Submission.model_validate(resaved.data) == Submission.model_validate(original.data)
    assert resaved.locate(("mine", "licence", "valid_to")).cell == "C12"
