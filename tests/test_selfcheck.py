"""The self-check section, the XLSX table (filled and blank), reading filled tables back."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import EXAMPLE, run_cli
from greenmine_docs.api import load, validate
from greenmine_docs.errors import InputError
from greenmine_docs.indicators import resolve
from greenmine_docs.model.self_check import SelfCheck
from greenmine_docs import api
from greenmine_docs.documents.selfcheck.reader import read_table as read
from greenmine_docs.documents.selfcheck.reader import section_yaml
from greenmine_docs.documents.selfcheck.core import COL, COLUMNS, prepare, score_self_check
from greenmine_docs.documents.selfcheck.xlsx import build_workbook
from greenmine_docs.xlsx import meta_sheet

SHEET = "自查记录表"
ROW_1_1_3 = '"1.1.3": {score: 12, situation: 出口设自动洗车台1座'


def generate(source, out, **options):
    """The self-check table through the one orchestrator (``greenmine selfcheck``)."""
    return api.generate("selfcheck", source, out, **options)


def line_of(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


@functools.lru_cache(maxsize=1)
def example():
    """The example's submission (loaded once; tests only read it)."""
    loaded = load(EXAMPLE)
    assert loaded.submission is not None and loaded.submission.self_check is not None
    return loaded.submission


def fill_blank(sub, path: Path) -> Path:
    """What an enterprise does by hand: type the section into a blank table."""
    iset = resolve(sub.campaign.indicator_set)
    wb, lay = build_workbook(prepare(sub, iset, blank=True))
    ws = wb[SHEET]
    sc = sub.self_check
    for key in ("check_date", "filled_by", "reviewer", "phone"):
        ws[lay.header_cells[key]] = getattr(sc, key)
    ws[lay.opinion_cell] = sc.opinion
    for pid, ruling in sc.prerequisites.items():
        row = lay.prerequisite_rows[pid]
        ws.cell(row=row, column=COL["score"]).value = "符合" if ruling.met else "不符合"
        ws.cell(row=row, column=COL["situation"]).value = ruling.note
    for iid, e in sc.items.items():
        row = lay.item_rows[iid]
        ws.cell(row=row, column=COL["score"]).value = "不适用" if e.not_applicable else e.score
        for key in ("situation", "problem", "measure", "deadline", "responsible"):
            ws.cell(row=row, column=COL[key]).value = getattr(e, key)
    wb.save(path)
    return path


# ---- the input section ------------------------------------------------------------------------

def test_example_validates_clean_with_a_pass():
    report = validate(EXAMPLE)
    assert report.valid, [str(f) for f in report.errors]
    mine = [f for f in report.findings if f.code.startswith("GM-") and f.code[4] == "3"]
    assert {f.code for f in mine} == {"GM-I307", "GM-I320"}
    summary = next(f for f in mine if f.code == "GM-I320")
    assert "自查结论：达标" in summary.message and "折算" in summary.message
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert summary.location.line == lines.index("self_check:") + 1


def test_example_scores():
    sub = example()
    result = score_self_check(sub.self_check, resolve("national-2020-reference"),
                              __import__("greenmine_docs.indicators", fromlist=["x"]).profile_of(sub))
    assert result.verdict.value == "达标"
    assert result.applicable_points == 923  # 6 by the set's rules, 2 declared (尾矿, 加工废水)
    assert all(c.passed for c in result.categories)
    assert len([r for r in result.items.values() if r.deduction > 0]) == 24


def test_model_short_forms():
    sc = SelfCheck.model_validate({
        "check_date": "2023-09-01", "filled_by": "张三",
        "prerequisites": {"P1": "符合", "P2": {"met": "不符合", "note": "有未整改处罚"}, "P3": None},
        "items": {"1.1.1": {"score": "不适用", "situation": "无"}, 1.5: {"score": 3}}})
    assert sc.prerequisites["P1"].met is True and sc.prerequisites["P2"].met is False
    assert sc.prerequisites["P3"].met is None
    assert sc.items["1.1.1"].not_applicable and sc.items["1.1.1"].score is None
    assert "1.5" in sc.items


def test_section_findings_are_located(variant):
    path = variant({
        ROW_1_1_3: '"1.1.3": {score: 13, situation: 出口设自动洗车台1座',
        '"1.1.4":\n      score: 8\n      situation: 设矿区简介牌、安全警示牌和绿色矿山公示牌，多数为2014年设置。'
        '见标牌清单\n      problem: 未设功能分区牌和线路指示牌，部分标牌褪色、损坏\n'
        '      measure: 按实施方案更新标识标牌系统\n      deadline: 2024-03-31\n'
        '      responsible: 陈晓燕': '"1.1.4": {score: 8}',
        '"1.1.5": {score: 12, situation:': '"1.1.5": {score: 11, situation:',
        "      deadline: 2024-05-31\n      responsible: 王建军": "      deadline: 2023-08-30\n      responsible: 王建军",
        "      responsible: 刘海涛\n": "",
        "    P3: 符合": "    P3: 不符合",
        '  items:\n    "1.1.1": {score: 15,': '  items:\n    "9.9.9": {score: 1}\n    "1.1.1": {score: 15,',
    })
    report = validate(path)
    by = {}
    for f in report.findings:
        by.setdefault(f.code, []).append(f)
    assert by["GM-E313"][0].location.line == line_of(path, '"1.1.3": {score: 13')
    e314 = {f.message.split()[0]: f for f in by["GM-E314"]}
    assert e314["1.1.5"].location.line == line_of(path, '"1.1.5": {score: 11')
    assert e314["1.1.4"].location.line == line_of(path, '"1.1.4": {score: 8}')  # 8 of 10
    assert by["GM-E315"][0].location.line == line_of(path, "deadline: 2023-08-30")
    assert by["GM-W316"][0].location.line == line_of(path, '"1.1.4": {score: 8}')
    assert by["GM-W321"][0].location.path.startswith("self_check.items.1.1.6")
    assert by["GM-W318"][0].location.line == line_of(path, "P3: 不符合")
    assert by["GM-E310"][0].location.line == line_of(path, '"9.9.9"')
    assert "不达标" in by["GM-I320"][0].message and "一票否决" in by["GM-I320"][0].message
    assert not report.valid


def test_missing_items_are_one_finding_and_set_problems(variant):
    path = variant({'    "6.7.2": {score: 7,': '    "6.7.2x": {score: 7,',
                    "check_date: 2023-09-12": "check_date: 2023-10-08"})
    report = validate(path)
    w312 = [f for f in report.findings if f.code == "GM-W312"]
    assert len(w312) == 1 and "6.7.2" in w312[0].message and w312[0].location.path == "self_check.items"
    assert any(f.code == "GM-W322" for f in report.findings)  # after the 09-30 deadline
    bad_set = variant({"indicator_set: national-2020-reference": "indicator_set: sets/nope.yaml"})
    report = validate(bad_set)
    e306 = next(f for f in report.findings if f.code == "GM-E306")
    assert e306.location.line == line_of(bad_set, "indicator_set: sets/nope.yaml")


# ---- the XLSX table ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("filled") / "自查记录表.xlsx"
    res = generate(EXAMPLE, out)
    assert res.written == [out] and res.run.scores.self_check.verdict.value == "达标"
    return out


def _rows(ws) -> dict[str, int]:
    return {str(ws.cell(row=r, column=1).value): r for r in range(1, ws.max_row + 1)
            if ws.cell(row=r, column=1).value is not None}


def test_xlsx_header_and_columns(filled):
    wb = load_workbook(filled)
    ws = wb[SHEET]
    assert ws["A1"].value == "绿色矿山自查记录表"
    assert "参考" in ws["A2"].value and "以主管部门发布的正式指标为准" in ws["A2"].value
    values = [c.value for row in ws.iter_rows(min_row=3, max_row=7) for c in row]
    for expected in ("山西青岚建材有限公司青岚山水泥用灰岩矿", "91141100MA0K7QL3XJ",
                     "C1411002011031120107654", "水泥用灰岩", "露天开采", "120万吨/年",
                     "吕梁市文水县", "市级（2021年）", "李秀梅", "韩志远", "自查日期", "填表人"):
        assert expected in values, expected
    assert dt.datetime(2023, 9, 12) in values
    header = [ws.cell(row=8, column=i + 1).value for i in range(len(COLUMNS))]
    assert header == ["序号", "一级指标", "二级指标", "评价内容与要求", "分值", "自查得分",
                      "自查情况及佐证材料", "存在问题", "整改措施", "整改时限", "责任人"]


def test_xlsx_rows_merges_and_formulas(filled):
    ws = load_workbook(filled)[SHEET]
    rows = _rows(ws)
    r = rows["1.1.2"]
    assert ws.cell(row=r, column=COL["points"]).value == 15
    assert ws.cell(row=r, column=COL["score"]).value == 10
    assert "碎石路面" in ws.cell(row=r, column=COL["problem"]).value
    assert ws.cell(row=r, column=COL["deadline"]).value == dt.datetime(2024, 5, 31)
    assert ws.cell(row=r, column=COL["responsible"]).value == "王建军"
    assert ws.cell(row=rows["1.1.8"], column=COL["score"]).value == "不适用"
    assert ws.cell(row=rows["3.2.3"], column=COL["score"]).value == "不适用"
    assert ws.cell(row=rows["P2"], column=COL["score"]).value == "符合"
    merged = {str(m) for m in ws.merged_cells.ranges}
    first, last = rows["1.1.1"], rows["1.1.11"]
    assert f"C{first}:C{last}" in merged  # 矿容矿貌
    assert ws.cell(row=first, column=3).value == "矿容矿貌"
    cat_range = next(m for m in merged if m.startswith(f"B{first}:"))
    assert ws[cat_range.split(":")[0]].value == "矿区环境"
    sub = last + 1
    assert ws.cell(row=sub, column=COL["score"]).value == f"=SUM(F{first}:F{last})"
    assert ws.cell(row=sub, column=COL["points"]).value == f"=SUM(E{first}:E{last})"
    assert "SUMIF" in ws.cell(row=sub, column=12).value
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)
                and c.value.startswith("=")]
    conclusion = next(f for f in formulas if "未完成" in f)
    assert 'COUNTIF(' in conclusion and '"不符合"' in conclusion and ">=800" in conclusion
    assert any("*1000.0/" in f for f in formulas)  # 折算得分


def test_xlsx_print_setup_and_validation(filled):
    wb = load_workbook(filled)
    ws = wb[SHEET]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$8:$8"
    assert ws.freeze_panes == "A9"
    assert all(ws.column_dimensions[c].hidden for c in "LMN")
    assert wb[meta_sheet.SHEET].sheet_state == "hidden"
    dvs = ws.data_validations.dataValidation
    lists = [d for d in dvs if d.type == "list"]
    assert lists and lists[0].formula1 == '"符合,不符合"'
    rows = _rows(ws)
    score_dv = next(d for d in dvs if f"F{rows['1.1.1']}" in str(d.sqref))
    assert score_dv.type == "custom" and f"<=E{rows['1.1.1']}" in score_dv.formula1
    assert "0～15" in score_dv.error
    assert all(ws.row_dimensions[rows[i]].height >= 18 for i in ("1.1.1", "6.7.2"))
    assert ws.cell(row=rows["1.1.1"], column=4).alignment.wrap_text


def test_user_text_stays_literal(variant, tmp_path):
    line = '"1.1.3": {score: 12, situation: 出口设自动洗车台1座，运输车辆全部苫盖。见洗车台照片、车辆管理制度}'
    path = variant({line: '"1.1.3": {score: 12, situation: "=1+1 {{ 7*7 }} <b>&amp;"}'})
    out = tmp_path / "t.xlsx"
    res = generate(path, out)
    assert res.written
    ws = load_workbook(out)[SHEET]
    cell = ws.cell(row=_rows(ws)["1.1.3"], column=COL["situation"])
    assert cell.value == "=1+1 {{ 7*7 }} <b>&amp;" and cell.data_type == "s"
    assert read(out).self_check.items["1.1.3"].situation == "=1+1 {{ 7*7 }} <b>&amp;"


def test_blank_table(tmp_path):
    out = tmp_path / "blank.xlsx"
    res = generate(EXAMPLE, out, blank=True)
    assert res.written == [out] and not res.blocked
    ws = load_workbook(out)[SHEET]
    rows = _rows(ws)
    assert ws["C3"].value == "山西青岚建材有限公司青岚山水泥用灰岩矿"
    assert ws["C6"].value is None  # check date: to be filled in
    assert ws.cell(row=rows["1.1.1"], column=COL["score"]).value is None
    assert ws.cell(row=rows["1.1.8"], column=COL["score"]).value == "不适用"
    assert ws.cell(row=rows["P1"], column=COL["score"]).value is None
    table = read(out)
    codes = [f.code for f in table.report.findings]
    assert codes.count("GM-E323") == 2
    w312 = [f for f in table.report.findings if f.code == "GM-W312"]
    assert len(w312) == 94 and w312[0].location.cell == f"F{rows['1.1.1']}"
    assert table.result.verdict.value == "未完成"
    assert "1.1.8" not in table.self_check.items  # left as generated: implied by the set


def test_blank_without_input(tmp_path):
    out = tmp_path / "demo.xlsx"
    generate(None, out, blank=True, set_ref="province-demo")
    ws = load_workbook(out)[SHEET]
    rows = _rows(ws)
    assert {"X1", "A1-1", "C2-1"} <= set(rows)
    assert "演示" in ws["A2"].value and ws["C3"].value is None
    with pytest.raises(InputError):
        generate(None, tmp_path / "x.xlsx")


def test_filled_blank_reads_back_equal_to_the_input(tmp_path):
    sub = example()
    table = read(fill_blank(sub, tmp_path / "by-hand.xlsx"))
    assert table.self_check == sub.self_check
    assert [f.code for f in table.report.findings] == ["GM-I320"]
    assert table.result.total == pytest.approx(score_self_check(
        sub.self_check, table.iset, table.mine).total)
    text = section_yaml(table)
    assert text.splitlines()[1] == "self_check:" and "P1: 符合" in text
    reread = SelfCheck.model_validate(__import__("ruamel.yaml", fromlist=["YAML"]).YAML(
        typ="safe").load(text)["self_check"])
    assert reread == sub.self_check


def test_filled_table_findings_are_at_cells(tmp_path):
    sub = example()
    path = fill_blank(sub, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    rows = _rows(ws)
    ws.cell(row=rows["1.1.1"], column=COL["score"]).value = 20
    ws.cell(row=rows["1.1.3"], column=COL["score"]).value = "很好"
    ws.cell(row=rows["1.1.4"], column=COL["score"]).value = 7
    ws.cell(row=rows["1.1.4"], column=COL["problem"]).value = None
    ws.cell(row=rows["1.1.5"], column=COL["situation"]).value = None
    ws.cell(row=rows["1.1.2"], column=COL["deadline"]).value = dt.date(2023, 9, 1)
    ws.cell(row=rows["1.1.6"], column=COL["deadline"]).value = "下个月"
    ws.cell(row=rows["P4"], column=COL["score"]).value = "差不多"
    ws.cell(row=rows["2.1.1"], column=COL["score"]).value = None
    wb.save(path)
    table = read(path)
    at = {(f.code, f.location.cell) for f in table.report.findings}
    F, G, H, J = "F", "G", "H", "J"
    assert ("GM-E313", f"{F}{rows['1.1.1']}") in at
    assert ("GM-E331", f"{F}{rows['1.1.3']}") in at
    assert ("GM-E314", f"{H}{rows['1.1.4']}") in at
    assert ("GM-W316", f"{G}{rows['1.1.5']}") in at
    assert ("GM-E315", f"{J}{rows['1.1.2']}") in at
    assert ("GM-E331", f"{J}{rows['1.1.6']}") in at
    assert ("GM-E331", f"{F}{rows['P4']}") in at
    assert ("GM-W312", f"{F}{rows['2.1.1']}") in at
    assert all(f.location.sheet == SHEET for f in table.report.findings if f.code != "GM-I320")
    assert table.result.verdict.value == "未完成"
    assert "自查记录表!F" in str(next(f for f in table.report.findings if f.code == "GM-E313"))


def test_tables_that_are_not_ours(tmp_path):
    p = tmp_path / "other.xlsx"
    Workbook().save(p)
    table = read(p)
    assert [f.code for f in table.report.findings] == ["GM-E330"] and not table.usable
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(InputError):
        read(bad)
    sub = example()
    moved = fill_blank(sub, tmp_path / "moved.xlsx")
    wb = load_workbook(moved)
    wb[SHEET].insert_cols(5)
    wb.save(moved)
    assert [f.code for f in read(moved).report.findings] == ["GM-E330"]


def test_tables_written_before_the_hidden_sheet_was_renamed_still_read(tmp_path):
    """Tables handed out earlier call their hidden sheet ``_greenmine``, carry the old format tag
    and keep the set file's format tag in the embedded set: they read back as before, and a
    finding about the hidden sheet points at the cell in whichever sheet holds it."""
    import json

    from greenmine_docs.documents.selfcheck.core import LEGACY_FORMAT_TAG

    sub = example()
    path = fill_blank(sub, tmp_path / "old.xlsx")
    wb = load_workbook(path)
    meta = wb[meta_sheet.SHEET]
    meta.title = meta_sheet.LEGACY_SHEET
    rows = {c.value: c.row for c in meta["A"]}
    assert meta.cell(row=rows["format"], column=2).value == "self-check-record/1"
    meta.cell(row=rows["format"], column=2).value = LEGACY_FORMAT_TAG
    data_rows = [c.row for c in meta["A"] if c.value == "indicator_set_data"]
    blob = "".join(meta.cell(row=r, column=2).value for r in data_rows)
    assert "format" not in json.loads(blob)
    old = json.dumps({"format": "greenmine-indicator-set/1", **json.loads(blob)}, ensure_ascii=False)
    for i, r in enumerate(data_rows):  # the old writer's 30,000-character chunks
        meta.cell(row=r, column=2).value = old[i * 30000:(i + 1) * 30000] if i < len(data_rows) - 1 \
            else old[i * 30000:]
    wb.save(path)
    table = read(path)
    assert table.self_check == sub.self_check
    assert [f.code for f in table.report.findings] == ["GM-I320"]
    meta.cell(row=rows["format"], column=2).value = "greenmine-selfcheck/9"
    wb.save(path)
    found = read(path).report.findings
    assert [(f.code, f.location.sheet, f.location.cell) for f in found] == [
        ("GM-E330", meta_sheet.LEGACY_SHEET, f"B{rows['format']}")]


def test_reordered_rows_still_read(tmp_path):
    sub = example()
    path = fill_blank(sub, tmp_path / "r.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    rows = _rows(ws)
    a, b = rows["1.1.1"], rows["1.1.2"]
    for col in (1, *range(4, 12)):  # B and C are merged group cells
        x, y = ws.cell(row=a, column=col), ws.cell(row=b, column=col)
        x.value, y.value = y.value, x.value
    wb.save(path)
    table = read(path)
    assert table.self_check == sub.self_check


def test_custom_set_file_is_embedded(tmp_path, variant):
    from greenmine_docs.indicators.dump import to_yaml
    from greenmine_docs.indicators import load_builtin

    path = variant({"indicator_set: national-2020-reference": "indicator_set: 本省指标.yaml"})
    set_file = path.parent / "本省指标.yaml"
    set_file.write_text(to_yaml(load_builtin("province-demo")), encoding="utf-8")
    out = tmp_path / "blank-demo.xlsx"
    generate(path, out, blank=True)
    set_file.unlink()
    table = read(out)
    assert table.iset.id == "province-demo" and "A1-1" in table.iset.items


def test_cli_selfcheck(runner, tmp_path):
    out = tmp_path / "表.xlsx"
    r = run_cli(runner, "selfcheck", EXAMPLE, "-o", out)
    assert r.code == 0 and "自查结论：达标" in r.stdout and out.exists()
    r = run_cli(runner, "selfcheck", EXAMPLE, "-o", out)
    assert r.code == 2 and "已存在" in r.stderr
    r = run_cli(runner, "selfcheck", EXAMPLE, "-o", tmp_path / "x.pdf")
    assert r.code == 2 and ".xlsx 或 .docx" in r.stderr
    r = run_cli(runner, "selfcheck", "-o", tmp_path / "y.xlsx")
    assert r.code == 2
    yml = tmp_path / "back.yaml"
    r = run_cli(runner, "selfcheck", "--read", out, "-o", yml, "--format", "json")
    assert r.code == 0 and '"valid": true' in r.stdout and "self_check:" in yml.read_text("utf-8")
    blank = tmp_path / "blank.xlsx"
    r = run_cli(runner, "selfcheck", "--blank", "--set", "province-demo", "-o", blank)
    assert r.code == 0
    r = run_cli(runner, "selfcheck", "--read", blank)
    assert r.code == 1 and "GM-E323" in r.stdout


def test_build_writes_both_tables(example_copy, tmp_path):
    from greenmine_docs.api import build

    result = build(example_copy, tmp_path / "out", only=["selfcheck"])
    names = sorted(p.name for p in result.written)
    assert names == ["山西青岚建材有限公司青岚山水泥用灰岩矿绿色矿山自查记录表.docx",
                     "山西青岚建材有限公司青岚山水泥用灰岩矿绿色矿山自查记录表.xlsx"]
