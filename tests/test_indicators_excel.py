"""Indicator sets as Excel tables, and the ``greenmine indicators`` commands."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from conftest import run_cli
from greenmine_docs.indicators import load_builtin, load_file
from greenmine_docs.indicators.excel_io import set_workbook_bytes


def run(*args: str):
    r = run_cli(CliRunner(), *args)
    r.exit_code = r.code  # type: ignore[attr-defined]
    return r


def test_export_then_import_gives_the_same_set(tmp_path):
    s = load_builtin("national-2020-reference")
    xlsx = tmp_path / "ref.xlsx"
    xlsx.write_bytes(set_workbook_bytes(s))
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["指标体系", "先决条件", "评价指标"]
    info = {r[0]: r[1] for r in wb["指标体系"].iter_rows(values_only=True) if r[0]}
    assert info["编号"] == "national-2020-reference" and info["是否官方发布"] == "否"
    assert info["总分"] == 1000 and info["达标线"] == 800 and "参考" in info["注意"]
    items = wb["评价指标"]
    assert [c.value for c in items[1]][:3] == ["一级编号", "一级指标", "一级分值"]
    assert items.max_row == 101  # header + 100 items
    assert items["I2"].value == s.items["1.1.1"].text and items["H2"].value == "1.1.1"
    back, findings = load_file(xlsx)
    assert findings == []
    assert back.categories == s.categories and back.prerequisites == s.prerequisites
    assert (back.total_points, back.pass_line, back.official) == (1000, 800, False)


def _province_table(path: Path, *, item_points: int = 10) -> Path:
    """A table shaped like a province's own: no id columns, level names only on first rows,
    merged cells, columns in another order, an alias header (评分标准)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "指标体系"
    for row in (["编号", "sx-2022"], ["名称", "某省绿色矿山建设评价指标"], ["是否官方发布", "是"],
                ["总分", 40], ["达标线", 32], ["一级指标最低得分率", 0.7]):
        ws.append(row)
    items = wb.create_sheet("评价指标")
    items.append(["一级指标", "一级分值", "二级指标", "二级分值", "评价内容与要求", "分值", "评分标准"])
    items.append(["矿区环境", 20, "矿容矿貌", 20, "道路硬化", item_points, "未硬化扣5分"])
    items.append([None, None, None, None, "堆场抑尘", 10, "每处扣2分"])
    items.append(["企业管理", 20, "制度", 20, "制度健全", 20, "缺一项扣2分"])
    items.merge_cells("A2:A3")
    items.merge_cells("C2:C3")
    wb.save(path)
    return path


def test_import_a_province_table_without_ids(tmp_path):
    s, findings = load_file(_province_table(tmp_path / "sx.xlsx"))
    assert findings == [] and s.official and s.id == "sx-2022"
    assert [c.id for c in s.categories] == ["1", "2"]
    assert list(s.items) == ["1.1.1", "1.1.2", "2.1.1"]
    assert s.items["1.1.2"].method == "每处扣2分"
    assert s.display_title == "某省绿色矿山建设评价指标"  # official: no 参考


def test_import_errors_are_located_at_cells(tmp_path):
    s, findings = load_file(_province_table(tmp_path / "bad.xlsx", item_points=9))
    assert s is None
    f = next(f for f in findings if f.code == "GM-E303")
    assert f.location.sheet == "评价指标" and f.location.cell == "D2"  # the group's points
    assert "评价指标!D2" in str(f.location)


def test_import_refuses_missing_columns(tmp_path):
    wb = Workbook()
    wb.active.title = "指标体系"
    wb.create_sheet("评价指标").append(["评价内容与要求", "分值"])
    wb.save(tmp_path / "cols.xlsx")
    s, findings = load_file(tmp_path / "cols.xlsx")
    assert s is None and findings[0].code == "GM-E300" and "一级指标" in findings[0].message


def test_not_an_xlsx(tmp_path):
    p = tmp_path / "fake.xlsx"
    p.write_text("not a zip", encoding="utf-8")
    s, findings = load_file(p)
    assert s is None and findings[0].code == "GM-E300"


def test_cli_list_and_show():
    r = run("indicators", "list")
    assert r.exit_code == 0
    assert "national-2020-reference" in r.output and "[参考]" in r.output
    r = run("indicators", "list", "--format", "json")
    rows = json.loads(r.stdout)
    assert rows[0]["id"] == "national-2020-reference" and rows[0]["items"] == 100
    r = run("indicators", "show", "national-2020-reference", "--brief")
    assert r.exit_code == 0 and "矿区环境  220 分" in r.output and "1.1.1" not in r.output
    r = run("indicators", "show", "province-demo")
    assert "A2-2" in r.output and "仅适用于：露天开采" in r.output
    r = run("indicators", "show", "province-demo", "--format", "json")
    assert json.loads(r.stdout)["id"] == "province-demo"


def test_cli_show_bad_file_exits_1(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("id: x\ntitle: t\nofficial: false\ntotal_points: 10\npass_line: 20\n"
                 "categories: []\n", encoding="utf-8")
    r = run("indicators", "show", str(p))
    assert r.exit_code == 1 and "GM-E304" in r.output and f"{p}:5" in r.output
    r = run("indicators", "show", "nothing-like-this")
    assert r.exit_code == 1 and "GM-E306" in r.output


def test_cli_export_import_round_trip(tmp_path):
    xlsx, yml = tmp_path / "demo.xlsx", tmp_path / "demo.yaml"
    r = run("indicators", "export", "province-demo", "-o", str(xlsx))
    assert r.exit_code == 0 and xlsx.exists()
    r = run("indicators", "export", "province-demo", "-o", str(xlsx))
    assert r.exit_code == 2 and "已存在" in r.stderr  # exists, no --force
    r = run("indicators", "import", str(xlsx), "-o", str(yml))
    assert r.exit_code == 0, r.output
    s, findings = load_file(yml)
    assert findings == [] and s.categories == load_builtin("province-demo").categories
    bad = _province_table(tmp_path / "bad.xlsx", item_points=9)
    out = tmp_path / "bad.yaml"
    r = run("indicators", "import", str(bad), "-o", str(out))
    assert r.exit_code == 1 and not out.exists() and "评价指标!D2" in r.output
