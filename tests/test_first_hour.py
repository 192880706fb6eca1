"""The first hour of a new user: messages that say what to do (blank sheets, impossible dates),
one convention for required columns, the demo and the test run saying what they did."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLE, REPO, run_cli
from greenmine_docs.excel_input.values import impossible_date


def _findings(result_stdout: str, code: str) -> list[str]:
    lines = result_stdout.splitlines()
    return [" ".join(lines[i:i + 3]) for i, line in enumerate(lines) if code in line]


def test_a_blank_sheet_names_the_cells_to_fill(tmp_path: Path, runner) -> None:
    book = tmp_path / "填报.xlsx"
    assert run_cli(runner, "excel-template", "-o", book).code == 0
    result = run_cli(runner, "validate", book)
    assert result.code == 1
    campaign = next(f for f in _findings(result.output, "GM-E101") if "工作安排" in f)
    assert "「工作安排」表的必填项都是空的" in campaign
    assert "C3（省份）、C4（工作年度）、C5（通知文号）" in campaign
    ws = load_workbook(book)["工作安排"]
    assert [ws[c].value for c in ("B3", "B4", "B5")] == ["＊省份", "＊工作年度", "＊通知文号"]
    enterprise = next(f for f in _findings(result.output, "GM-E101") if "企业信息" in f)
    assert "联系人信息·联系人" in enterprise  # nested fields named as the sheet names them


def test_a_missing_yaml_section_names_its_required_fields(tmp_path: Path, runner) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("campaign:\n  province: 山西省\n", encoding="utf-8")
    result = run_cli(runner, "validate", path)
    reserves = next(f for f in _findings(result.output, "GM-E101") if "资源储量" in f)
    assert "其中必填：剩余可采储量·数值、剩余可采储量·单位" in reserves


@pytest.mark.parametrize(("text", "why"), [
    ("2026/2/30", "2026年2月没有30日（该月只有28天）"),
    ("2024年2月30日", "2024年2月没有30日（该月只有29天）"),
    ("2023-13-01", "没有13月（月份应为1～12）"),
    ("2023-04-31", "2023年4月没有31日（该月只有30天）"),
])
def test_impossible_dates_say_why(text: str, why: str) -> None:
    assert impossible_date(text) == why


@pytest.mark.parametrize("text", ["2024-02-29", "明年", "2023", ""])
def test_real_dates_and_other_text_are_not_called_impossible(text: str) -> None:
    assert impossible_date(text) is None


def test_an_impossible_date_in_yaml_and_excel_is_explained(variant, tmp_path, runner) -> None:
    path = variant({"valid_to: 2029-06-12": "valid_to: 2029-02-30"})
    result = run_cli(runner, "validate", path)
    assert "“2029-02-30”不是有效的日期：2029年2月没有30日（该月只有28天）" in result.output
    book = tmp_path / "x.xlsx"
    assert run_cli(runner, "convert", EXAMPLE, book).code == 0
    wb = load_workbook(book)
    ws = wb["矿山信息"]
    row = next(r for r in range(1, ws.max_row + 1)
               if ws.cell(r, 1).value == "mine.licence.valid_to")
    ws.cell(row, 3).value = "2026/2/30"
    wb.save(book)
    result = run_cli(runner, "validate", book)
    assert f"矿山信息!C{row}" in result.output
    assert "“2026/2/30”不是有效的日期：2026年2月没有30日" in result.output
    assert "格式不对" not in result.output


def test_make_demo_lists_the_findings_once() -> None:
    """``make demo`` runs ``build`` alone: it validates first and prints the findings once."""
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = text.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert recipe.count("greenmine ") == 1 and "greenmine build" in recipe


def test_the_end_of_the_run_says_what_was_skipped_for_libreoffice() -> None:
    from conftest import pytest_terminal_summary

    class Report:
        def __init__(self, reason: str) -> None:
            self.longrepr = ("t.py", 1, f"Skipped: {reason}")

    class Terminal:
        def __init__(self, reasons: list[str]) -> None:
            self.stats = {"skipped": [Report(r) for r in reasons]}
            self.lines: list[str] = []

        def write_sep(self, sep: str, title: str, **kw) -> None:
            self.lines.append(title)

        def write_line(self, line: str, **kw) -> None:
            self.lines.append(line)

    term = Terminal(["needs LibreOffice (soffice), not installed", "LibreOffice not installed",
                     "other reason"])
    pytest_terminal_summary(term, 0, None)
    assert any(line.startswith("2 tests were skipped because LibreOffice") for line in term.lines)
    assert any("make system-deps" in line for line in term.lines)
    quiet = Terminal(["other reason"])
    pytest_terminal_summary(quiet, 0, None)
    assert quiet.lines == []
