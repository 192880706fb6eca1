"""Several experts per score: one sheet each plus a sheet averaging them, reading one
multi-sheet workbook or several files, the mean and its rounding (the set's data), the
divergence finding, and the report's chapter with every expert's scores and opinions."""
from __future__ import annotations

import copy
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from ruamel.yaml import YAML

from conftest import run_cli
from example2024 import write_example_2024
from greenmine_docs import api
from greenmine_docs.documents.assessment.experts import mean_entry
from greenmine_docs.model.assessment import AssessedItem

TEAM = ("郭振华", "王丽娟", "陈志强")  # the example's leader and the next two members


def _with_experts(folder: Path) -> Path:
    """The 2024 example scored by three experts: they agree except on A2-1 (1.1 / 1.2 / 1.2,
    within the threshold) and B2-1 (2.4 / 1.5 / 2.4: 0.9 apart, over 20 % of 3 points)."""
    path = write_example_2024(folder)
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    a = data["assessment"]
    base = a.pop("scores")
    experts = {name: copy.deepcopy(dict(base)) for name in TEAM}
    experts["王丽娟"]["A2-1"] = {"score": 1.2, "deduction_reason": "西侧运矿道路约1.4公里未硬化"}
    experts["陈志强"]["A2-1"] = {"score": 1.2, "deduction_reason": "西侧运矿道路未硬化，K0+300处洒落"}
    experts["王丽娟"]["B2-1"] = {"score": 1.5,
                              "deduction_reason": "东采区1225、1240平台三处台阶高度超过设计"}
    a["expert_scores"] = experts
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)
    return path


@pytest.fixture(scope="module")
def team_input(tmp_path_factory) -> Path:
    return _with_experts(tmp_path_factory.mktemp("team") / "example")


@pytest.fixture(scope="module")
def team_sheet(team_input, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sheet") / "三人打分表.xlsx"
    assert api.generate("scoresheet", team_input, out, experts=3).written == [out]
    return out


def test_the_mean_is_rounded_as_the_set_says_and_divergences_are_named(team_input):
    run = api.check(api.load(team_input))
    given = run.scores.assessment.given
    assert list(given.experts) == list(TEAM)
    assert given.items["A2-1"].score == 1.2  # (1.1 + 1.2 + 1.2) / 3 = 1.1667 -> one decimal
    assert given.items["B2-1"].score == 2.1
    assert "西侧运矿道路约1.4公里未硬化" in given.items["A2-1"].deduction_reason
    w532 = [f for f in run.report.findings if f.code == "GM-W532"]
    assert len(w532) == 1
    msg = w532[0].message
    assert msg.startswith("B2-1") and "郭振华2.4分，王丽娟1.5分，陈志强2.4分" in msg
    assert "相差0.9分，超过0.6分" in msg
    assert w532[0].location.line is not None  # the expert's score in the input
    assert run.scores.assessment.result.total == pytest.approx(86.9)


def test_rounding_rule_half_up_and_two_decimals_without_a_set_rule():
    entries = [AssessedItem(score=s) for s in (1.2, 1.3)]
    assert mean_entry(entries, 1).score == 1.3  # 1.25: half up, not to even
    assert mean_entry([AssessedItem(score=s) for s in (12, 13, 13)], None).score == 12.67
    na = mean_entry([AssessedItem(not_applicable=True)] * 3, 1)
    assert na.not_applicable and na.score is None
    partly = mean_entry([AssessedItem(score=2), AssessedItem(not_applicable=True)], 1)
    assert partly.score == 2 and not partly.not_applicable


def test_the_team_sheet_has_one_sheet_per_expert_and_an_averaging_summary(team_sheet):
    wb = openpyxl.load_workbook(team_sheet)
    assert wb.sheetnames[:6] == ["先决条件", "专家1-郭振华", "专家2-王丽娟", "专家3-陈志强",
                                 "汇总", "得分汇总"]
    assert wb.active.title == "汇总"
    ws = wb["汇总"]
    row = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "B2-1")
    formula = row[4].value
    assert formula.startswith("=IF(COUNT(") and "ROUND(AVERAGE('专家1-郭振华'!E" in formula
    assert f"'专家3-陈志强'!E{row[0].row}),1)" in formula  # one decimal: the set's rule
    expert = wb["专家2-王丽娟"]
    mine = next(r for r in expert.iter_rows(min_row=5) if r[0].value == "B2-1")
    assert mine[4].value == 1.5 and "三处台阶" in mine[8].value
    assert "专家：王丽娟" in expert["A1"].value


def test_round_trip_of_the_three_expert_sheet_is_lossless(team_input, team_sheet):
    run = api.load(team_input)
    back = api.read_scoresheet(team_input, team_sheet)
    assert back.score is not None
    given = api.check(api.load(team_input)).scores.assessment.given
    from greenmine_docs.documents.assessment.scoresheet_read import read_scoresheet

    read = read_scoresheet(team_sheet, run.indicator_set or api.score(run).indicator_set)
    assert list(read.experts) == list(TEAM)
    for name in TEAM:
        want = {k: v for k, v in given.experts[name].items.items()}
        got = read.experts[name].items
        for ref, entry in want.items():
            assert got[ref].model_dump() == entry.model_dump(), (name, ref)
    assert back.score.total == pytest.approx(86.9)
    assert [f.code for f in back.report.findings] == ["GM-W532"]
    assert "专家1-郭振华!E" in str(back.report.findings[0].location)


def test_several_files_one_per_expert(team_input, tmp_path, runner):
    """Each expert fills a one-expert sheet of their own; --read takes them all."""
    yaml = YAML()
    data = yaml.load(team_input.read_text(encoding="utf-8"))
    files = []
    for name in TEAM:
        one = copy.deepcopy(data)
        one["assessment"]["scores"] = one["assessment"].pop("expert_scores")[name]
        path = team_input.parent / f"{name}.yaml"
        with path.open("w", encoding="utf-8") as f:
            yaml.dump(one, f)
        out = tmp_path / f"{name}.xlsx"
        assert api.generate("scoresheet", path, out).written == [out]
        files.append(out)
    res = run_cli(runner, "scoresheet", str(team_input), *[a for f in files
                                                           for a in ("--read", str(f))])
    assert "GM-W532" in res.output and "王丽娟1.5分" in res.output
    assert "得分86.90分" in res.output


def test_more_experts_than_the_team_is_refused(team_input, tmp_path, runner):
    res = run_cli(runner, "scoresheet", str(team_input), "--experts", "9", "-o",
                  str(tmp_path / "x.xlsx"))
    assert res.code == 2 and "评估组只有 6 人" in res.output
    assert not (tmp_path / "x.xlsx").exists()


def test_report_shows_the_mean_and_each_experts_scores_and_opinions(team_input, tmp_path):
    out = tmp_path / "报告.docx"
    assert api.generate("report", team_input, out).written == [out]
    doc = Document(out)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "该项得分取各专家评分的平均分（四舍五入保留1位小数）" in text
    assert "专家评分及分歧意见" in text and "评估组3位专家（郭振华、王丽娟、陈志强）" in text
    def rows(last_header: str) -> list:  # a long table continues (续表) in several parts
        parts = [t for t in doc.tables if t.rows[0].cells[-1].text == last_header]
        assert parts, last_header
        assert all([c.text for c in t.rows[0].cells][:2] == ["编号", parts[0].rows[0].cells[1].text]
                   for t in parts)
        return [r for t in parts for r in t.rows[1:]]

    heads = next(t for t in doc.tables if t.rows[0].cells[-1].text == "平均分").rows[0].cells
    assert [c.text for c in heads] == ["编号", "分值", *TEAM, "平均分"]
    b21 = next(r for r in rows("平均分") if r.cells[0].text == "B2-1")
    assert [c.text for c in b21.cells] == ["B2-1", "3", "2.4", "1.5", "2.4", "2.1"]
    assert len(rows("平均分")) == 49
    row = rows("分歧意见")[0]
    assert row.cells[0].text == "B2-1" and "王丽娟：东采区1225、1240平台三处台阶" in row.cells[3].text
    # the item table of the scores chapter shows the mean
    items = [r for t in doc.tables for r in t.rows if r.cells[0].text == "B2-1"]
    assert any(r.cells[3].text == "2.1" for r in items)


def test_libreoffice_averages_as_the_engine_does(team_input, team_sheet, libreoffice, tmp_path):
    from greenmine_docs.documents.assessment.scoresheet import header_row

    subprocess.run([libreoffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path), str(team_sheet)], check=True, capture_output=True, timeout=300)
    wb = openpyxl.load_workbook(tmp_path / team_sheet.name, data_only=True)
    run = api.check(api.load(team_input))
    given, result = run.scores.assessment.given, run.scores.assessment.result
    means = {r[0].value: r[4].value for r in wb["汇总"].iter_rows(min_row=5)}
    for ref, entry in given.items.items():
        want = "不适用" if entry.not_applicable else entry.score
        assert means[ref] == (want if isinstance(want, str) else pytest.approx(want)), ref
    ws = wb["得分汇总"]
    total_row = header_row() + len(result.categories) + 1
    assert ws[f"E{total_row}"].value == pytest.approx(result.raw_total)
    assert ws[f"E{total_row + 1}"].value == pytest.approx(round(result.total, 2))
