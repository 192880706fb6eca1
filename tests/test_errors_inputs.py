"""Inputs that used to end in an internal error (or, worse, in a wrong number) now give a clear
Chinese message at the field: a BOM followed by GBK text, ∞ and NaN written every way people
and programs write them, denormal and absurd quantities, dates the checks cannot count from,
``1_5`` and ``1,5``, in YAML, in the input workbook, in score sheets and self-check tables.

Each case runs through the CLI (click's runner, exactly as the entry point) and through the
library, and checks the finding code, its place (file:line or sheet!cell), that the message is
Chinese, and that ``build`` wrote nothing."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

import safety_helpers  # noqa: F401 — puts tests/nasty (make_corpus) on sys.path
from conftest import EXAMPLE, EXAMPLE_DIR, run_cli
from greenmine_docs import api
from greenmine_docs.errors import InputError
from greenmine_docs.xlsx import meta_sheet

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def findings(res) -> list[dict]:
    return json.loads(res.stdout)["findings"]


def one(found: list[dict], code: str) -> dict:
    hits = [f for f in found if f["code"] == code]
    assert len(hits) == 1, (code, found)
    assert CHINESE.search(hits[0]["message"]), hits[0]
    return hits[0]


def assert_nothing_built(runner, mine: Path, tmp_path: Path, code: int = 1) -> None:
    out = tmp_path / "built"
    res = run_cli(runner, "build", mine, "-o", out)
    assert res.code == code, res.output
    assert "内部错误" not in res.output and "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def assert_stopped(runner, mine: Path, tmp_path: Path, document: str, code: str) -> None:
    """``build`` stops ``document`` because of the finding ``code`` (its policy) and writes
    none of its files; the documents the finding does not concern may still be written."""
    out = tmp_path / "built"
    res = run_cli(runner, "build", mine, "-o", out)
    assert res.code == 1, res.output
    assert "内部错误" not in res.output and "Traceback" not in res.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    blocked = {b["document"]: b["codes"] for b in manifest["blocked"]}
    assert code in blocked.get(document, []), blocked
    from greenmine_docs.documents import get

    title = get(document).title
    assert not any(title in f["file"] for f in manifest["files"]), manifest["files"]


# ------------------------------------------------------------------ encodings

def test_yaml_with_a_bom_then_gbk_text_is_refused_naming_file_and_line(example_copy, runner,
                                                                       tmp_path):
    text = example_copy.read_text(encoding="utf-8")
    example_copy.write_bytes(b"\xef\xbb\xbf" + text.encode("gbk", "replace"))
    res = run_cli(runner, "validate", example_copy)
    assert res.code == 2 and "内部错误" not in res.output
    assert f"{example_copy}:2" in res.stderr  # line 1 is ASCII; line 2 the first Chinese
    assert "UTF-8" in res.stderr and "GBK" in res.stderr and "另存为" in res.stderr
    with pytest.raises(InputError) as e:
        api.validate(example_copy)
    assert e.value.location == f"{example_copy}:2" and CHINESE.search(e.value.message)
    assert_nothing_built(runner, example_copy, tmp_path, code=2)


def test_markdown_with_a_bom_then_gbk_text_is_a_located_plan_finding(example_copy, runner,
                                                                     tmp_path):
    md = example_copy.parent / "plan" / "basis.md"
    md.write_bytes(b"\xef\xbb\xbf" + md.read_text(encoding="utf-8").encode("gbk", "replace"))
    res = run_cli(runner, "validate", example_copy, "--format", "json")
    assert res.code == 1, res.output
    hit = one(findings(res), "GM-E407")
    assert hit["location"]["line"] == line_of(example_copy, "plan/basis.md")
    assert "basis.md" in hit["message"] and "UTF-8" in hit["message"]
    assert "另存为" in hit["hint"]
    assert "GM-E407" in api.validate(example_copy).codes()
    assert_stopped(runner, example_copy, tmp_path, "plan", "GM-E407")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_plain_gbk_files_still_read(example_copy, runner, encoding):
    """A whole file in GBK/GB18030 (no BOM), YAML and Markdown: read as before, the YAML with
    a note (GM-I101), and the text comes through unchanged."""
    text = example_copy.read_text(encoding="utf-8").replace("\u00b3", "3")
    example_copy.write_bytes(text.encode(encoding))
    md = example_copy.parent / "plan" / "basis.md"
    md.write_bytes(md.read_text(encoding="utf-8").encode(encoding))
    res = run_cli(runner, "validate", example_copy, "--format", "json")
    assert res.code == 0, res.output
    assert "GM-I101" in {f["code"] for f in findings(res)}
    loaded = api.load(example_copy)
    assert loaded.submission.mine.name == "山西青岚建材有限公司青岚山水泥用灰岩矿"


# ------------------------------------------------------------------ numbers in YAML

FIELDS = {  # example text to replace -> (replacement with {v}, field path)
    "remaining": ("    value: 2460\n", "    value: {v}\n", "reserves.remaining.value"),
    "production": ("    value: 118\n", "    value: {v}\n", "reserves.annual_production.value"),
    "assessment score": ('"1.1.1": 15', '"1.1.1": {v}', "assessment.scores.1.1.1.score"),
    "self-check score": ('"1.1.1": {score: 15', '"1.1.1": {{score: {v}',
                         "self_check.items.1.1.1.score"),
}


@pytest.mark.parametrize("value", [".inf", ".nan", "1e309", "Infinity", "-.inf", "-Infinity",
                                   "NaN"])
@pytest.mark.parametrize("where", list(FIELDS))
def test_non_finite_numbers_in_yaml_are_located_errors(variant, runner, tmp_path, value, where):
    old, new, path = FIELDS[where]
    mine = variant({old: new.format(v=value)})
    res = run_cli(runner, "validate", mine, "--format", "json")
    assert res.code == 1, res.output
    hit = one(findings(res), "GM-E106")
    assert hit["location"]["path"] == path
    assert hit["location"]["line"] == line_of(mine, new.format(v=value).strip())
    assert api.validate(mine).codes().count("GM-E106") == 1
    assert_nothing_built(runner, mine, tmp_path)


def test_denormal_production_does_not_pass_the_three_year_condition(variant, runner, tmp_path):
    mine = variant({"    value: 118\n": "    value: 1e-320\n"})
    res = run_cli(runner, "validate", mine, "--format", "json")
    assert res.code == 1
    hit = one(findings(res), "GM-E105")
    assert hit["location"]["path"] == "reserves.annual_production.value"
    assert "过小" in hit["message"]
    assert "GM-I214" not in api.validate(mine).codes()  # no “≈ inf 年” computed
    assert_nothing_built(runner, mine, tmp_path)


def test_zero_production_says_so_instead_of_blaming_the_units(variant, runner):
    mine = variant({"    value: 118\n": "    value: 0\n"})
    res = run_cli(runner, "validate", mine, "--format", "json")
    found = findings(res)
    hit = one(found, "GM-E215")
    assert hit["location"]["path"] == "reserves.annual_production.value"
    assert "GM-E114" not in {f["code"] for f in found}


def test_years_no_mine_has_are_a_warning(variant, runner):
    """2460 万吨 at 118 吨/年 (a unit slip): 208,475 years."""
    mine = variant({"    value: 118\n    unit: 万吨/年": "    value: 118\n    unit: 吨/年"})
    res = run_cli(runner, "validate", mine, "--format", "json")
    hit = one(findings(res), "GM-W216")
    assert hit["location"]["path"] == "reserves.annual_production.value"


@pytest.mark.parametrize("text,field,code", [
    ("area_km2: 1_5", "mine.licence.area_km2", "GM-E107"),
    ("area_km2: '1,5'", "mine.licence.area_km2", "GM-E107"),
    ("staff: " + "9" * 400, "mine.staff", "GM-E105"),
    ("staff: 2000000", "mine.staff", "GM-E105"),
    ("depth_top_m: 99999", "mine.licence.depth_top_m", "GM-E105"),
    ("area_km2: 1e-320", "mine.licence.area_km2", "GM-E105"),
])
def test_ambiguous_and_implausible_numbers_in_yaml(variant, runner, tmp_path, text, field, code):
    key = text.split(":")[0]
    old = {"area_km2": "area_km2: 0.8625", "staff": "staff: 186",
           "depth_top_m": "depth_top_m: 1285"}[key]
    mine = variant({old: text})
    res = run_cli(runner, "validate", mine, "--format", "json")
    assert res.code == 1, res.output
    hit = one(findings(res), code)
    assert hit["location"]["path"] == field
    assert hit["location"]["line"] == line_of(mine, text)
    assert_nothing_built(runner, mine, tmp_path)


def test_thousands_separators_stay_valid_in_yaml(variant):
    mine = variant({"    value: 2460\n": "    value: '2,460'\n",
                    "    value: 118\n": "    value: '1,180.5'\n"})
    loaded = api.load(mine)
    assert loaded.report.valid, loaded.report.codes()
    assert loaded.submission.reserves.remaining.value == 2460
    assert loaded.submission.reserves.annual_production.value == 1180.5


# ------------------------------------------------------------------ dates

@pytest.mark.parametrize("old,new,path", [
    ("reference_date: 2023-09-20", "reference_date: 0001-01-01", "campaign.reference_date"),
    ("reference_date: 2023-09-20", "reference_date: 9999-12-31", "campaign.reference_date"),
    ("    end: 2025-12\n", "    end: 9999-12\n", "plan.period.end"),
    ("    start: 2023-10\n", "    start: 0001-01\n", "plan.period.start"),
    ("production_start: 2012-04-01", "production_start: 1000-04-01", "mine.production_start"),
])
def test_dates_the_checks_cannot_count_from_are_caught_by_validate(variant, runner, tmp_path,
                                                                   old, new, path):
    mine = variant({old: new})
    res = run_cli(runner, "validate", mine, "--format", "json")
    assert res.code == 1, res.output
    hit = one(findings(res), "GM-E108")
    assert hit["location"]["path"] == path
    assert hit["location"]["line"] == line_of(mine, new.strip())
    assert "GM-E108" in api.validate(mine).codes()
    assert_nothing_built(runner, mine, tmp_path)


def test_a_month_that_does_not_exist_is_a_format_error(variant, runner):
    mine = variant({"    end: 2025-12\n": "    end: 2025-13\n"})
    res = run_cli(runner, "validate", mine, "--format", "json")
    hit = one(findings(res), "GM-E103")
    assert hit["location"]["path"] == "plan.period.end"


def test_a_month_as_an_end_date_is_its_last_day():
    """``end: 2024-02`` is 2024-02-29: the model's last day of a month is the calendar's, in
    every month of every year a date can have."""
    import calendar

    from greenmine_docs.model.plan import PlanPeriod, _last_day

    assert PlanPeriod(start="2024-02", end="2024-02").end == dt.date(2024, 2, 29)
    assert all(_last_day(y, m) == dt.date(y, m, calendar.monthrange(y, m)[1])
               for y in range(1, 10_000) for m in range(1, 13))


def test_as_of_out_of_range_is_refused(runner):
    res = run_cli(runner, "validate", EXAMPLE, "--as-of", "0001-01-01")
    assert res.code == 2 and "超出合理范围" in res.output and "内部错误" not in res.output
    with pytest.raises(InputError, match="超出合理范围"):
        api.validate(EXAMPLE, as_of=dt.date(1, 1, 1))


# ------------------------------------------------------------------ the input workbook

@pytest.fixture(scope="module")
def book(example_workbook):
    """The example as an input workbook next to its files, and the cell of each field."""
    from greenmine_docs.load import read_input

    return example_workbook, read_input(example_workbook).locate


def _edit_cell(book, field: tuple, value, name: str) -> tuple[Path, str, str]:
    path, locate = book
    where = locate(field)
    wb = openpyxl.load_workbook(path)
    wb[where.sheet][where.cell].value = value
    target = path.with_name(name)
    wb.save(target)
    return target, where.sheet, where.cell


@pytest.mark.parametrize("text,code", [("1,5", "GM-E107"), ("1_5", "GM-E107"),
                                       ("0,86", "GM-E107"), ("inf", "GM-E106"),
                                       ("Infinity", "GM-E106"), ("1e309", "GM-E106"),
                                       ("1e-320", "GM-E105")])
def test_ambiguous_or_infinite_numbers_in_a_workbook_cell(book, runner, tmp_path, text, code):
    """Issue 16: ``1,5`` used to be read as 15 with only a note (GM-I153)."""
    target, sheet, cell = _edit_cell(book, ("mine", "licence", "area_km2"), text, "bad.xlsx")
    res = run_cli(runner, "validate", target, "--format", "json")
    assert res.code == 1, res.output
    hit = one(findings(res), code)
    assert (hit["location"]["sheet"], hit["location"]["cell"]) == (sheet, cell)
    assert "GM-I153" not in {f["code"] for f in findings(res)}
    report = api.validate(target)
    assert [f.location.cell for f in report.findings if f.code == code] == [cell]
    assert_nothing_built(runner, target, tmp_path)


@pytest.mark.parametrize("text,expected", [("1,500", 1500), ("12,345.6", 12345.6),
                                           ("１，２００", 1200), ("0.8625", 0.8625)])
def test_thousands_separators_stay_valid_in_a_workbook(book, text, expected):
    target, sheet, cell = _edit_cell(book, ("reserves", "remaining", "value"), text, "ok.xlsx")
    loaded = api.load(target)
    assert loaded.submission is not None, loaded.report.codes()
    assert loaded.submission.reserves.remaining.value == expected
    notes = [f for f in loaded.report.findings if f.code == "GM-I153"]
    assert [f.location.cell for f in notes] == [cell]


def test_a_date_typed_as_a_number_and_an_error_value_in_a_workbook(book, runner):
    """A date cell holding 45000 (a serial, read with a note) and a number cell holding
    ``#DIV/0!``: a note and a located format error, no crash."""
    path, locate = book
    wb = openpyxl.load_workbook(path)
    day, area = locate(("campaign", "reference_date")), locate(("mine", "licence", "area_km2"))
    wb[day.sheet][day.cell].value = 45000
    wb[day.sheet][day.cell].number_format = "General"  # a plain number, not a date cell
    wb[area.sheet][area.cell].value = "#DIV/0!"
    target = path.with_name("odd.xlsx")
    wb.save(target)
    res = run_cli(runner, "validate", target, "--format", "json")
    found = findings(res)
    assert [f["location"]["cell"] for f in found if f["code"] == "GM-I154"] == [day.cell]
    assert one(found, "GM-E103")["location"]["cell"] == area.cell


# ------------------------------------------------------------------ self-check tables

@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """A self-check table written from the example, and the row of item 1.1.1."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("table")
    path = folder / "自查.xlsx"
    assert run_cli(CliRunner(), "selfcheck", EXAMPLE, "-o", path).code == 0
    ws = openpyxl.load_workbook(path)["自查记录表"]
    row = next(c.row for c in ws["A"] if c.value == "1.1.1")
    return path, row


BAD_SCORES = [("inf", "有限"), ("nan", "有限"), ("1e309", "有限"), ("Infinity", "有限"),
              ("-inf", "有限"), ("1_5", "下划线"), ("1,5", "歧义")]


def _table_with(table, value, folder: Path, name: str = "bad.xlsx") -> Path:
    path, row = table
    wb = openpyxl.load_workbook(path)
    wb["自查记录表"].cell(row=row, column=6).value = value
    target = folder / name
    wb.save(target)
    return target


@pytest.mark.parametrize("value,why", BAD_SCORES)
def test_self_check_scores_that_are_no_number_are_cell_findings(table, runner, tmp_path,
                                                                value, why):
    bad = _table_with(table, value, tmp_path)
    res = run_cli(runner, "validate", bad, "--format", "json")
    assert res.code == 1, res.output
    hit = one(findings(res), "GM-E331")
    assert (hit["location"]["sheet"], hit["location"]["cell"]) == ("自查记录表", f"F{table[1]}")
    assert why in hit["message"]
    assert "GM-E331" in api.validate(bad).codes()


def test_a_stored_infinite_number_in_a_table_is_refused(table, runner, tmp_path):
    """A numeric cell whose stored value is 1e309 (written by another program): ∞ on
    reading, refused like typed text."""
    path, row = table
    bad = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="F%d"[^>]*?)(?: t="\w+")?(>)<v>[^<]*</v>' % row,
                              rb'\1\2<v>1e309</v>', data, count=1)
                assert b"<v>1e309</v>" in data
            dst.writestr(info, data)
    res = run_cli(runner, "validate", bad, "--format", "json")
    assert one(findings(res), "GM-E331")["location"]["cell"] == f"F{row}"


def test_one_bad_table_does_not_stop_summarize(table, runner, tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    shutil.copy(table[0], folder / "甲.xlsx")
    _table_with(table, "inf", folder, "乙.xlsx")
    out = tmp_path / "汇总.xlsx"
    res = run_cli(runner, "summarize", folder, "-o", out)
    assert res.code in (0, 1) and "内部错误" not in res.output, res.output
    assert "乙.xlsx" in res.output and "有限" in res.output
    wb = openpyxl.load_workbook(out)
    summary, broken = wb["汇总"], wb["无法读取"]
    files = [str(v) for row in summary.iter_rows(values_only=True) for v in row if v]
    assert any("甲" in v for v in files) and not any("乙.xlsx" in v for v in files)
    assert any("乙.xlsx" in str(v) for row in broken.iter_rows(values_only=True) for v in row)
    from greenmine_docs.documents.selfcheck.summary import summarize

    result = summarize([folder], tmp_path / "again.xlsx")
    assert len(result.rows) == 1 and [p.name for p, _ in result.broken] == ["乙.xlsx"]
    assert result.report.codes() == ["GM-W340"]


@pytest.mark.parametrize("layout", ["[]", "-1", "1e309", "[" * 30000,
                                    '{"column_header_row": "x"}',
                                    '{"header_cells": {"check_date": "ZZZZ0"}}'])
def test_a_damaged_layout_record_makes_the_table_not_ours(table, runner, tmp_path, layout):
    """The hidden sheet records where the header block is; edited into something else, the
    table is reported as not one of ours (GM-E330) instead of an AttributeError."""
    path, _ = table
    wb = openpyxl.load_workbook(path)
    meta = wb[meta_sheet.SHEET]
    row = next(c.row for c in meta["A"] if c.value == "layout")
    meta.cell(row=row, column=2).value = layout
    bad = tmp_path / "damaged.xlsx"
    wb.save(bad)
    res = run_cli(runner, "validate", bad, "--format", "json")
    assert res.code == 1 and "内部错误" not in res.output, res.output
    assert "GM-E330" in {f["code"] for f in findings(res)}
    res = run_cli(runner, "summarize", bad, "-o", tmp_path / "汇总.xlsx")
    assert "内部错误" not in res.output and "damaged.xlsx" in res.output


# ------------------------------------------------------------------ score sheets

@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    """A project whose assessment scores come from a score sheet written from it."""
    from click.testing import CliRunner
    from ruamel.yaml import YAML

    folder = tmp_path_factory.mktemp("sheet") / "project"
    shutil.copytree(EXAMPLE_DIR, folder)
    mine = folder / "mine.yaml"
    assert run_cli(CliRunner(), "scoresheet", mine, "-o", folder / "打分表.xlsx").code == 0
    yaml = YAML()
    data = yaml.load(mine.read_text(encoding="utf-8"))
    del data["assessment"]["scores"], data["assessment"]["prerequisites"]
    data["assessment"]["score_sheet"] = "打分表.xlsx"
    with mine.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    ws = openpyxl.load_workbook(folder / "打分表.xlsx")["评分表"]
    row = next(c.row for c in ws["A"] if c.value == "1.1.1")
    return mine, row


@contextlib.contextmanager
def sheet_cell(sheet, column: str, value):
    """The project's score sheet with ``value`` in ``column`` of item 1.1.1's row, put back
    afterwards; yields the cell's name."""
    mine, row = sheet
    path = mine.parent / "打分表.xlsx"
    original = path.read_bytes()
    try:
        wb = openpyxl.load_workbook(path)
        wb["评分表"][f"{column}{row}"].value = value
        wb.save(path)
        yield f"{column}{row}"
    finally:
        path.write_bytes(original)


@pytest.mark.parametrize("value,why", BAD_SCORES)
def test_score_sheet_scores_that_are_no_number_are_cell_findings(sheet, runner, tmp_path,
                                                                 value, why):
    with sheet_cell(sheet, "E", value) as cell:
        res = run_cli(runner, "validate", sheet[0], "--format", "json")
        assert res.code == 1, res.output
        hit = one(findings(res), "GM-E551")
        assert (hit["location"]["sheet"], hit["location"]["cell"]) == ("评分表", cell)
        assert why in hit["message"]
        out = tmp_path / "报告.docx"
        res = run_cli(runner, "report", sheet[0], "-o", out)
        assert res.code == 1 and not out.exists() and "内部错误" not in res.output


@pytest.mark.parametrize("value", ["9" * 400, 10**20, "照片1、照片9999999"])
def test_score_sheet_photo_numbers_no_report_has(sheet, runner, value):
    from greenmine_docs.documents.assessment.scoresheet import SCORE_COLUMNS, col_letter

    with sheet_cell(sheet, col_letter(SCORE_COLUMNS, "photos"), value) as cell:
        res = run_cli(runner, "validate", sheet[0], "--format", "json")
        assert "内部错误" not in res.output, res.output
        hit = one(findings(res), "GM-E551")
        assert (hit["location"]["sheet"], hit["location"]["cell"]) == ("评分表", cell)


# ------------------------------------------------------------------ DTDs in workbook parts

def _with_dtd(src: Path, target: Path, part_suffix: str = "sharedStrings.xml") -> Path:
    """A copy of ``src`` whose first part ending in ``part_suffix`` declares an entity bomb
    and an external entity (used nowhere: the declaration alone is refused)."""
    from make_corpus import with_hostile_dtd  # tests/nasty, via safety_helpers

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        done = False
        for info in zin.infolist():
            data = zin.read(info.filename)
            if not done and info.filename.endswith(part_suffix):
                text = with_hostile_dtd(data.decode("utf-8"), "x")
                data, done = text.encode("utf-8"), True
            zout.writestr(info, data)
    assert done
    return target


def _refused(res, part: str) -> None:
    assert res.code in (1, 2) and "内部错误" not in res.output, res.output
    assert "DTD" in res.output and part in res.output and "hahaha" not in res.output


def test_input_workbook_with_a_dtd_is_refused(book, runner, tmp_path):
    bad = _with_dtd(book[0], book[0].with_name("dtd.xlsx"))
    res = run_cli(runner, "validate", bad)
    assert res.code == 2
    _refused(res, "xl/sharedStrings.xml")
    with pytest.raises(InputError, match="DTD"):
        api.validate(bad)
    assert_nothing_built(runner, bad, tmp_path, code=2)


def test_self_check_table_with_a_dtd_is_refused(table, runner, tmp_path):
    bad = _with_dtd(table[0], tmp_path / "dtd.xlsx", "sheet1.xml")
    _refused(run_cli(runner, "validate", bad), "xl/worksheets/sheet1.xml")
    folder = tmp_path / "many"
    folder.mkdir()
    shutil.copy(table[0], folder / "good.xlsx")
    shutil.copy(bad, folder / "dtd.xlsx")
    res = run_cli(runner, "summarize", folder, "-o", tmp_path / "s.xlsx")
    assert res.code in (0, 1) and "DTD" in res.output


def test_score_sheet_with_a_dtd_is_refused(sheet, runner):
    mine, _ = sheet
    path = mine.parent / "打分表.xlsx"
    original = path.read_bytes()
    try:
        path.write_bytes(_with_dtd(path, path.with_name("tmp.xlsx"), "sheet1.xml").read_bytes())
        res = run_cli(runner, "validate", mine, "--format", "json")
        hit = one(findings(res), "GM-E550")
        assert "DTD" in hit["message"] and "xl/worksheets/sheet1.xml" in hit["message"]
        assert hit["location"]["path"] == "assessment.score_sheet"
    finally:
        path.write_bytes(original)


def test_mines_list_with_a_dtd_is_refused(runner, tmp_path):
    from make_corpus import LIST_HEADER, minimal_xlsx

    plain = tmp_path / "名录.xlsx"
    plain.write_bytes(minimal_xlsx([LIST_HEADER, ["甲矿", "省级", "吕梁市", "文水县", "露天开采"]]))
    bad = _with_dtd(plain, tmp_path / "名录-dtd.xlsx")
    out = tmp_path / "抽查.xlsx"
    res = run_cli(runner, "sample", bad, "-o", out, "--ratio", "0.5", "--seed", "1")
    _refused(res, "xl/sharedStrings.xml")
    assert not out.exists()


def test_a_part_whose_data_is_damaged_is_refused_clearly(book, runner, tmp_path):
    """The prologs of every part are read for a DTD, also where the members' checksums are
    not tested first (the input workbook's reader): damaged compressed data is a damaged
    file, not an internal error."""
    data = bytearray(book[0].read_bytes())
    with zipfile.ZipFile(book[0]) as zf:
        info = zf.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 2:start + 40] = b"\xff" * 38
    bad = tmp_path / "damaged.xlsx"
    bad.write_bytes(bytes(data))
    res = run_cli(runner, "validate", bad)
    assert res.code == 2 and "内部错误" not in res.output, res.output
    assert "已损坏" in res.stderr


# ------------------------------------------------------------------ sample options

@pytest.mark.parametrize("option,value,words", [
    ("--ratio", "nan", "超出范围"), ("--ratio", "-inf", "超出范围"), ("--ratio", "1e999999", "超出范围"),
    ("--seed", "1" * 400, "15 位")])
def test_sample_refuses_non_finite_ratios_and_seeds_excel_cannot_keep(runner, tmp_path, option,
                                                                      value, words):
    listing = tmp_path / "名录.csv"
    listing.write_text("矿山名称,名录级别,所在市\n甲矿,市级,吕梁市\n乙矿,省级,太原市\n",
                       encoding="utf-8")
    out = tmp_path / "抽查.xlsx"
    res = run_cli(runner, "sample", listing, "-o", out, option, value)
    assert res.code == 2 and words in res.stderr and "内部错误" not in res.output, res.output
    assert not out.exists()
    from greenmine_docs.officials.sample_run import run_sample

    with pytest.raises(InputError, match=words):
        run_sample(listing, out, **({"ratio": value} if option == "--ratio"
                                    else {"ratio": "0.2", "seed": int(value)}))


# ------------------------------------------------------------------ indicator sets

@pytest.fixture(scope="module")
def set_yaml(tmp_path_factory):
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("set") / "set.yaml"
    assert run_cli(CliRunner(), "indicators", "export", "national-2020-reference", "-o",
                   path).code == 0
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("old,code", [("            points: 15\n", "GM-E301"),
                                      ("pass_line: 800\n", "GM-E304")])
@pytest.mark.parametrize("value", [".inf", ".nan", "1e309", "9" * 400])
def test_indicator_set_points_that_are_no_number(set_yaml, runner, tmp_path, old, code, value):
    """Points of ∞ or NaN broke the sums (Fraction); now a finding at the line."""
    text = set_yaml.replace(old, old.split(":")[0] + f": {value}\n", 1)
    path = tmp_path / "set.yaml"
    path.write_text(text, encoding="utf-8")
    res = run_cli(runner, "indicators", "show", path)
    assert res.code in (1, 2) and "内部错误" not in res.output, res.output
    assert code in res.output
    from greenmine_docs.indicators.load import load_file

    result, found = load_file(path)
    assert result is None and code in [f.code for f in found]
    hit = next(f for f in found if f.code == code)
    assert hit.location.line == line_of(path, old.split(":")[0] + f": {value}")


# ------------------------------------------------------------------ names no file system holds

LONG = "長" * 100  # 300 bytes: over the 255 a file name may have


@pytest.mark.parametrize("args", [
    ["validate", "{L}.yaml"], ["validate", "{L}.xlsx"], ["check", "{L}.docx"],
    ["diff", "{L}.docx", "{L}2.docx"], ["sample", "{L}.xlsx", "-o", "{T}/s.xlsx"],
    ["selfcheck", "--read", "{L}.xlsx", "-o", "{T}/y.yaml"], ["summarize", "{L}.xlsx", "-o",
                                                              "{T}/s.xlsx"],
    ["build", "{L}.yaml", "-o", "{T}/o"], ["plan", str(EXAMPLE), "-o", "{L}.docx"],
    ["templates", "lint", "{L}.docx"], ["validate", str(EXAMPLE), "-o", "{L}.html"],
    ["indicators", "show", "{L}.yaml"]], ids=lambda a: " ".join(a[:2])[:30])
def test_a_path_with_a_name_too_long_is_refused_clearly(runner, tmp_path, args):
    res = run_cli(runner, *[a.replace("{L}", str(tmp_path / LONG)).replace("{T}", str(tmp_path))
                            for a in args])
    assert res.code in (1, 2) and "内部错误" not in res.output, res.output
    assert "255 字节" in res.output


@pytest.mark.parametrize("old,new,path", [
    ("photos/01-bench.jpg", "photos/" + LONG + ".jpg", "assessment.photos[0].file"),
    ("indicator_set: national-2020-reference", f"indicator_set: {LONG}.yaml",
     "campaign.indicator_set")])
def test_a_file_name_too_long_in_the_input_is_a_finding(variant, runner, old, new, path):
    mine = variant({old: new})
    res = run_cli(runner, "validate", mine, "--format", "json")
    hit = one(findings(res), "GM-E109")
    assert hit["location"]["path"] == path and hit["location"]["line"] == line_of(mine, new)


def test_a_markdown_name_too_long_is_a_plan_finding(variant, runner):
    mine = variant({"plan/basis.md": "规" * 95 + ".md"})
    res = run_cli(runner, "validate", mine, "--format", "json")
    hit = one(findings(res), "GM-E407")
    assert "文件名过长" in hit["message"]


@pytest.mark.parametrize("value", [
    0, 0.0, -0.0, 1, -1, 3.5, 1e-9, 1e-10, -1e-10, 5e-324, 1e15, -1e15, 1e15 + 1,
    1.0000001e15, 10 ** 15, 10 ** 15 + 1, 10 ** 20, 2 ** 63, float("inf"), float("-inf"),
    float("nan"), True])
def test_a_number_field_passes_exactly_what_checked_passes(value):
    """The model's number check takes plain numbers within bounds without composing a message:
    it still refuses what ``numtext.checked`` refuses, with the same words."""
    from pydantic_core import PydanticCustomError

    from greenmine_docs.model.bounds import _magnitude, _shown
    from greenmine_docs.numtext import checked

    read = checked(value, _shown(value))
    if read.problem:
        with pytest.raises(PydanticCustomError, match=re.escape(read.problem)):
            _magnitude(value)
    else:
        assert _magnitude(value) is value
