"""The 2024-structure reference set: its declared structure is checked, and every document works
on it as on the 2020 set (the example carried to 2024, tests/example2024.py); LibreOffice
recalculates the self-check table's and the score sheet's formulas to the engine's numbers."""
from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from conftest import EXAMPLE
from example2024 import NEW_SET, write_example_2024
from greenmine_docs import api
from greenmine_docs.indicators import load_builtin, load_file
from greenmine_docs.indicators.dump import to_data

SETS = {"2020": "national-2020-reference", "2024": NEW_SET}


def test_the_2024_set_has_the_published_structure_and_says_what_is_assumed():
    s = load_builtin(NEW_SET)
    assert s.counts() == {"prerequisites": 5, "categories": 6, "groups": 23, "items": 49}
    assert s.declared_counts == (6, 23, 49)
    assert (s.total_points, s.pass_line, s.min_ratio, s.score_decimals) == (100, 80, 0.75, 1)
    assert [c.name for c in s.categories] == ["矿区环境", "资源开发", "资源综合利用", "绿色低碳",
                                              "生态修复与环境治理", "科技创新与规范管理"]
    assert not s.official and "参考" in s.display_title and s.reference_notice
    assert "二级指标的名称和划分为本工具的假设" in s.note and "正式指标表替换" in s.note
    assert all(i.text and i.method and i.evidence for i in s.iter_items())


def test_a_set_whose_rows_do_not_match_its_declared_counts_is_refused(tmp_path):
    import yaml

    data = to_data(load_builtin(NEW_SET))
    data["categories"][0]["groups"][0]["items"].pop()  # one item lost while typing the table
    data["categories"][0]["groups"][0]["points"] -= 1
    data["categories"][0]["points"] -= 1
    data["total_points"] -= 1
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result, findings = load_file(path)
    assert result is None
    e309 = [f for f in findings if f.code == "GM-E309"]
    assert len(e309) == 1 and "声明有49个评价内容，实际有48个" in e309[0].message
    assert e309[0].location.line is not None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every document of the example on each set: {set: (input path, build folder, run)}."""
    out = {}
    for key in SETS:
        root = tmp_path_factory.mktemp(f"set{key}")
        path = EXAMPLE if key == "2020" else write_example_2024(root / "example")
        result = api.build(path, root / "out")
        assert result.report.valid, [f.message for f in result.report.errors]
        out[key] = (path, root / "out", api.check(api.load(path)))
    return out


def _file(folder: Path, suffix: str) -> Path:
    return next(p for p in folder.iterdir() if p.name.endswith(suffix))


@pytest.mark.parametrize("key", SETS)
def test_every_document_builds_on_both_sets(built, key):
    path, out, run = built[key]
    iset = run.indicator_set
    assert iset.id == SETS[key]
    names = {p.name for p in out.iterdir()}
    for suffix in ("实施方案.docx", "自查记录表.xlsx", "自查记录表.docx", "评估报告.docx", "评估打分表.xlsx"):
        assert any(n.endswith(suffix) for n in names), suffix
    assessed, own = run.scores.assessment.result, run.scores.self_check
    # the report: the set's title, its full points and the engine's total with two decimals
    report = "\n".join(p.text for p in Document(_file(out, "评估报告.docx")).paragraphs)
    cells = "\n".join(c.text for t in Document(_file(out, "评估报告.docx")).tables
                      for r in t.rows for c in r.cells)
    assert iset.display_title in report
    assert f"{assessed.total:.2f}" in report + cells
    first_item = next(iset.iter_items())
    assert first_item.text in cells
    # the plan's gap analysis names the set's items
    plan_cells = [c.text for t in Document(_file(out, "实施方案.docx")).tables
                  for r in t.rows for c in r.cells]
    gap_ids = {g.indicator for g in run.submission.plan.gaps}
    assert gap_ids <= set(iset.items) and gap_ids & set(plan_cells)
    # the self-check table: one row per item of this set, the set's full points in its total
    ws = openpyxl.load_workbook(_file(out, "自查记录表.xlsx"))["自查记录表"]
    ids = {str(c.value) for c in ws["A"] if c.value is not None}
    assert set(iset.items) <= ids
    assert own.verdict.value == "达标"
    # the score sheet: every item, and scores with one decimal kept as written
    sheet = openpyxl.load_workbook(_file(out, "评估打分表.xlsx"))["评分表"]
    rows = {str(r[0].value): r for r in sheet.iter_rows(min_row=5) if r[0].value is not None}
    assert set(iset.items) <= set(rows)
    if key == "2024":
        assert rows["A2-1"][4].value == 1.1 and rows["E3-2"][4].value == 1.5
        assert assessed.total == pytest.approx(87.1) and assessed.verdict.value == "达标"


def test_libreoffice_recalculates_both_sets_to_the_engines_numbers(built, libreoffice, tmp_path):
    from greenmine_docs.documents.assessment.scoresheet import SHEET_SUMMARY, header_row

    src, dst = tmp_path / "src", tmp_path / "calc"
    src.mkdir()
    for key in SETS:
        _, out, _ = built[key]
        for suffix in ("自查记录表.xlsx", "评估打分表.xlsx"):
            (src / f"{key}-{suffix}").write_bytes(_file(out, suffix).read_bytes())
    subprocess.run([libreoffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(dst),
                    *sorted(str(p) for p in src.iterdir())],
                   check=True, capture_output=True, timeout=300)
    for key in SETS:
        run = built[key][2]
        r = run.scores.assessment.result
        ws = openpyxl.load_workbook(dst / f"{key}-评估打分表.xlsx", data_only=True)[SHEET_SUMMARY]
        for i, c in enumerate(r.categories):
            row = header_row() + 1 + i
            assert ws[f"D{row}"].value == pytest.approx(c.applicable_points), (key, c.category.id)
            assert ws[f"E{row}"].value == pytest.approx(c.score), (key, c.category.id)
        total_row = header_row() + len(r.categories) + 1
        assert ws[f"E{total_row}"].value == pytest.approx(r.raw_total)
        assert ws[f"E{total_row + 1}"].value == pytest.approx(round(r.total, 2))
        own = run.scores.self_check
        table = openpyxl.load_workbook(dst / f"{key}-自查记录表.xlsx", data_only=True)["自查记录表"]
        values = [c.value for row in table.iter_rows() for c in row]
        assert own.verdict.value in values, key
        converted = [v for v in values if isinstance(v, float) and abs(v - own.total) < 0.005]
        assert converted, (key, own.total)


def test_scores_finer_than_the_set_allows_are_findings_and_the_sheet_refuses_them(tmp_path):
    from greenmine_docs.scoring import ItemScore, score

    s = load_builtin(NEW_SET)
    result = score(s, {"A1-1": ItemScore(1.55, reason="办公区东侧两处杂物堆放"),
                       "A1-2": ItemScore(0.5, reason="维修车间工具散放")})
    fine = [p for p in result.problems if p.kind == "too_precise"]
    assert [p.ref for p in fine] == ["A1-1"] and "多于指标体系规定的1位" in fine[0].message
    assert result.items["A1-1"].score == 1.55  # counted as given: the finding asks to fix it
    # the 2020 set fixes no decimals: nothing to say
    assert not [p for p in score(load_builtin("national-2020-reference"),
                                 {"1.1.1": ItemScore(12.25, reason="x")}).problems
                if p.kind == "too_precise"]


@pytest.mark.parametrize("key", SETS)
def test_score_cells_validate_the_sets_decimals(built, key):
    _, out, run = built[key]
    rules = []
    for suffix, sheet in (("评估打分表.xlsx", "评分表"), ("自查记录表.xlsx", "自查记录表")):
        ws = openpyxl.load_workbook(_file(out, suffix))[sheet]
        rules += [dv.formula1 for dv in ws.data_validations.dataValidation
                  if dv.type == "custom" and "不适用" in (dv.formula1 or "")]
    assert rules
    with_round = [r for r in rules if ",ROUND(" in r]
    assert (len(with_round) == len(rules)) if key == "2024" else not with_round
