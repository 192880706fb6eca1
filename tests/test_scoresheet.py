"""The assessor's score sheet: what it contains, how it prints, and that it round-trips."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLE, run_cli
from greenmine_docs import api
from greenmine_docs.api import check, generate, load, validate
from greenmine_docs.documents.assessment.scoresheet import (LEGACY_FORMAT_TAG, SCORE_COLUMNS,
                                                  SHEET_PRE, SHEET_SCORES, SHEET_SUMMARY,
                                                  header_row)
from greenmine_docs.documents.assessment.scoresheet_read import read_scoresheet
from greenmine_docs.xlsx import meta_sheet


def _ctx(path: Path):
    ctx = check(load(path))
    assert ctx.model is not None
    return ctx


@pytest.fixture(scope="module")
def example_eval():
    return _ctx(EXAMPLE).scores.assessment


@pytest.fixture
def sheet(tmp_path) -> Path:
    out = tmp_path / "打分表.xlsx"
    outcome = generate("scoresheet", EXAMPLE, out)
    assert outcome.written == [out]
    return out


def _rows_by_id(ws) -> dict[str, int]:
    return {str(ws.cell(row=r, column=1).value): r for r in range(header_row() + 1, ws.max_row + 1)
            if ws.cell(row=r, column=1).value is not None}


def _col(key: str) -> int:
    return next(i for i, c in enumerate(SCORE_COLUMNS, start=1) if c.key == key)


def test_layout_validation_and_print_setup(sheet, example_eval):
    iset = example_eval.result.indicator_set
    wb = openpyxl.load_workbook(sheet)
    assert wb.sheetnames == [SHEET_PRE, SHEET_SCORES, SHEET_SUMMARY, meta_sheet.SHEET]
    assert wb[meta_sheet.SHEET].sheet_state == "hidden"
    pre = wb[SHEET_PRE]
    rows = _rows_by_id(pre)
    assert list(rows) == [p.id for p in iset.prerequisites]
    lists = [dv for dv in pre.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"符合,不符合"'
    covered = {str(r) for dv in lists for r in dv.sqref.ranges}
    assert {f"D{rows[p.id]}" for p in iset.prerequisites} <= covered

    ws = wb[SHEET_SCORES]
    rows = _rows_by_id(ws)
    items = list(iset.items)
    assert [r for r in rows if r in iset.items] == items  # one row per item, in order
    # score validation: each applicable item's cell, bounded by its own points
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    item = iset.items["1.1.2"]
    dv = dvs[f"E{rows['1.1.2']}"]
    assert dv.type == "custom" and f"E{rows['1.1.2']}<=D{rows['1.1.2']}" in dv.formula1
    assert ws.cell(row=rows["1.1.2"], column=_col("points")).value == item.points
    assert "0～15" in dv.error
    # an item the set says does not apply (underground only) is pre-filled 不适用, no validation
    assert ws.cell(row=rows["1.1.8"], column=_col("score")).value == "不适用"
    assert f"E{rows['1.1.8']}" not in dvs
    # subtotals are formulas
    assert ws.cell(row=rows["1.1"], column=_col("score")).value.startswith("=SUM(E")
    assert ws.cell(row=rows["1"], column=_col("score")).value == f"=E{rows['1.1']}+E{rows['1.2']}"
    # print-ready
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${header_row()}:${header_row()}"
    assert ws.freeze_panes == f"B{header_row() + 1}"
    kind = openpyxl.utils.get_column_letter(_col("kind"))
    assert ws.column_dimensions[kind].hidden  # the helper column does not print
    # the process record: 核查方式 is a dropdown on every applicable item
    methods = [dv for dv in ws.data_validations.dataValidation
               if dv.type == "list" and dv.formula1 == '"资料,现场,问询"']
    method_col = openpyxl.utils.get_column_letter(_col("check_method"))
    assert len(methods) == 1
    assert f"{method_col}{rows['1.1.2']}" in str(methods[0].sqref)
    assert f"{method_col}{rows['1.1.8']}" not in str(methods[0].sqref).split()
    # values already in the input are filled in
    assert ws.cell(row=rows["1.1.2"], column=_col("score")).value == 8
    assert "洒落物" in ws.cell(row=rows["1.1.2"], column=_col("reason")).value
    assert ws.cell(row=rows["1.1.2"], column=_col("photos")).value == "3"
    assert wb[SHEET_SUMMARY]["E5"].value == f"='{SHEET_SCORES}'!E{rows['1']}"


def test_round_trip_equals_the_input(sheet, example_eval):
    back = read_scoresheet(sheet, example_eval.result.indicator_set)
    assert back.findings == []
    inline = example_eval.given
    assert back.prerequisites == inline.prerequisites
    for ref, entry in inline.items.items():
        assert back.items[ref] == entry, ref
    # the engine gives the same result from the sheet as from the YAML
    outcome = api.read_scoresheet(EXAMPLE, sheet)
    assert outcome.score.total == pytest.approx(example_eval.result.total)
    assert outcome.score.verdict == example_eval.result.verdict
    assert outcome.report.findings == []


def test_bad_cells_are_located(sheet, example_eval):
    wb = openpyxl.load_workbook(sheet)
    ws, pre = wb[SHEET_SCORES], wb[SHEET_PRE]
    rows, prows = _rows_by_id(ws), _rows_by_id(pre)
    ws.cell(row=rows["1.1.1"], column=_col("score"), value="满分")
    ws.cell(row=rows["1.1.3"], column=_col("score"), value=30)
    ws.cell(row=rows["1.1.4"], column=_col("photos"), value="东侧")
    ws.cell(row=rows["1.1.5"], column=_col("score")).value = None
    ws.cell(row=rows["1.1.7"], column=_col("score"), value=11)  # deduction, no reason
    ws.cell(row=rows["1.1.6"], column=_col("check_method"), value="电话")
    pre.cell(row=prows["P2"], column=4, value="基本符合")
    wb.save(sheet)
    outcome = api.read_scoresheet(EXAMPLE, sheet)
    letter = lambda key: openpyxl.utils.get_column_letter(_col(key))  # noqa: E731
    where = {(f.code, f.location.sheet, f.location.cell) for f in outcome.report.findings}
    assert ("GM-E551", SHEET_SCORES, f"E{rows['1.1.1']}") in where
    assert ("GM-E551", SHEET_SCORES, f"{letter('photos')}{rows['1.1.4']}") in where
    assert ("GM-E551", SHEET_SCORES, f"{letter('check_method')}{rows['1.1.6']}") in where
    assert ("GM-E551", SHEET_PRE, f"D{prows['P2']}") in where
    assert ("GM-E524", SHEET_SCORES, f"E{rows['1.1.3']}") in where
    assert ("GM-E522", SHEET_SCORES, f"E{rows['1.1.5']}") in where
    assert ("GM-E525", SHEET_SCORES, f"{letter('reason')}{rows['1.1.7']}") in where
    assert ("GM-E520", SHEET_PRE, f"D{prows['P2']}") in where  # unreadable = not ruled
    assert all(f.location.file == str(sheet) for f in outcome.report.findings)
    from greenmine_docs.scoring import Verdict

    assert outcome.score.verdict is Verdict.INCOMPLETE


def test_changed_structure(sheet, example_eval):
    wb = openpyxl.load_workbook(sheet)
    ws = wb[SHEET_SCORES]
    rows = _rows_by_id(ws)
    ws.cell(row=rows["1.1.2"], column=1, value="1.1.1")  # duplicate id
    ws.cell(row=rows["1.1.9"], column=_col("points"), value=20)  # points edited
    wb.save(sheet)
    data = read_scoresheet(sheet, example_eval.result.indicator_set)
    got = {(f.code, f.location.cell) for f in data.findings}
    assert ("GM-E526", f"A{rows['1.1.2']}") in got
    assert ("GM-W553", f"D{rows['1.1.9']}") in got
    assert any(f.code == "GM-W553" and "1.1.2" in f.message for f in data.findings)  # now missing


def test_sheets_written_before_the_hidden_sheet_was_renamed_still_read(sheet, example_eval):
    """Score sheets handed out earlier name their hidden sheet ``_greenmine`` and carry the old
    format tag: they read back as before. An unknown tag is reported at its cell, in whichever
    of the two sheets holds it."""
    iset = example_eval.result.indicator_set
    wb = openpyxl.load_workbook(sheet)
    meta = wb[meta_sheet.SHEET]
    meta.title = meta_sheet.LEGACY_SHEET
    assert meta["A1"].value == "format"
    meta["B1"] = LEGACY_FORMAT_TAG
    wb.save(sheet)
    back = read_scoresheet(sheet, iset)
    assert back.findings == [] and back.prerequisites == example_eval.given.prerequisites
    assert all(back.items[ref] == entry for ref, entry in example_eval.given.items.items())
    meta["B1"] = "greenmine-scoresheet/9"
    wb.save(sheet)
    found = read_scoresheet(sheet, iset).findings
    assert [(f.code, f.location.sheet, f.location.cell) for f in found] == [
        ("GM-E550", meta_sheet.LEGACY_SHEET, "B1")]


def test_not_a_score_sheet(tmp_path, example_eval):
    iset = example_eval.result.indicator_set
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert [f.code for f in read_scoresheet(other, iset).findings] == ["GM-E550"]
    text = tmp_path / "text.xlsx"
    text.write_text("不是表格", encoding="utf-8")
    f = read_scoresheet(text, iset).findings[0]
    assert f.code == "GM-E550" and "不是有效的" in f.message
    assert read_scoresheet(tmp_path / "none.xlsx", iset).findings[0].code == "GM-E550"


def test_sheet_named_in_the_input_feeds_the_report(tmp_path, sheet, example_eval):
    """assessment.score_sheet instead of inline rulings and scores: same result."""
    folder = tmp_path / "mine"
    shutil.copytree(EXAMPLE.parent, folder)
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("  prerequisites:\n    P1:"), text.index("  highlights:")
    (folder / "mine.yaml").write_text(text[:start] + "  score_sheet: 打分表.xlsx\n" + text[end:],
                                      encoding="utf-8")
    shutil.copy(sheet, folder / "打分表.xlsx")
    report = validate(folder / "mine.yaml")
    assert report.valid, [str(f) for f in report.errors]
    ev = _ctx(folder / "mine.yaml").scores.assessment
    assert ev.given.from_sheet
    assert ev.result.total == pytest.approx(example_eval.result.total)
    # a bad cell in the referenced sheet is reported by validate, located in the sheet
    wb = openpyxl.load_workbook(folder / "打分表.xlsx")
    rows = _rows_by_id(wb[SHEET_SCORES])
    wb[SHEET_SCORES].cell(row=rows["2.1.1"], column=_col("score"), value="二十")
    wb.save(folder / "打分表.xlsx")
    bad = [f for f in validate(folder / "mine.yaml").findings if f.code == "GM-E551"]
    assert bad and bad[0].location.sheet == SHEET_SCORES and bad[0].location.cell == f"E{rows['2.1.1']}"


def test_cli_scoresheet(runner, tmp_path):
    out = tmp_path / "s.xlsx"
    res = run_cli(runner, "scoresheet", EXAMPLE, "-o", out)
    assert res.code == 0 and out.exists(), res.output
    res = run_cli(runner, "scoresheet", EXAMPLE, "-o", out)
    assert res.code == 2 and "已存在" in res.stderr
    assert run_cli(runner, "scoresheet", EXAMPLE, "-o", out, "--force").code == 0
    res = run_cli(runner, "scoresheet", EXAMPLE, "--read", out)
    assert res.code == 0 and "905.74" in res.stdout and "达标" in res.stdout
    res = run_cli(runner, "scoresheet", EXAMPLE)
    assert res.code == 2 and "-o" in res.output
    res = run_cli(runner, "scoresheet", EXAMPLE, "-o", tmp_path / "s.docx")
    assert res.code == 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_formulas_compute_the_engines_numbers(sheet, example_eval, tmp_path):
    """LibreOffice recalculates the sheet: the summary's formulas agree with the engine."""
    out = tmp_path / "calc"
    out.mkdir()
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(sheet)],
                   check=True, capture_output=True, timeout=180)
    wb = openpyxl.load_workbook(out / sheet.name, data_only=True)
    items = wb[SHEET_SCORES]
    total = [c.value for c in items[items.max_row]]
    ws = wb[SHEET_SUMMARY]
    r = example_eval.result
    for i, c in enumerate(r.categories):
        row = header_row() + 1 + i
        assert ws[f"D{row}"].value == pytest.approx(c.applicable_points)
        assert ws[f"E{row}"].value == pytest.approx(c.score)
        assert ws[f"F{row}"].value == pytest.approx(c.ratio)
        assert ws[f"H{row}"].value == ("是" if c.passed else "否")
    total_row = header_row() + len(r.categories) + 1
    assert ws[f"D{total_row}"].value == pytest.approx(r.applicable_points)
    assert ws[f"E{total_row}"].value == pytest.approx(r.raw_total)
    assert ws[f"E{total_row + 1}"].value == pytest.approx(round(r.total, 2))
    # the score sheet's own total row: raw score and deductions of the applicable items
    assert total[0] == "合计" and total[_col("score") - 1] == pytest.approx(r.raw_total)
    assert total[_col("deduction") - 1] == pytest.approx(r.applicable_points - r.raw_total)
