"""``greenmine verify agencies``: the agency figures against an independent count from the
assessments workbook and the record cells (issue 19)."""
from __future__ import annotations

from collections import defaultdict

from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from conftest import run_cli
from greenmine_docs.officials.verify.agencies_out import run_agencies
from test_verify_round import RECORDS, ROUND, ROUND_DIR, SAMPLE, _independent_outcomes

ASSESSMENTS = ROUND_DIR / "评估结果.xlsx"


def _expected():
    """Per agency: mines, gaps, contradicted mines, full-but-deficient (mine, item)."""
    outcomes = _independent_outcomes()
    record = {}
    for path in RECORDS.glob("*.xlsx"):
        ws = load_workbook(path)["记录表"]
        record[ws["B3"].value] = (ws["B8"].value, {r[0] for r in ws.iter_rows(values_only=True)
                                                   if r[0] and str(r[0])[0].isdigit()
                                                   and r[4] == "是"})
    wb = load_workbook(ASSESSMENTS)
    full = {(r[0], r[1]) for r in wb["评估得分"].iter_rows(min_row=2, values_only=True)
            if r[0] and r[3] >= r[2]}
    out: dict[str, dict] = defaultdict(lambda: {"mines": 0, "gaps": [], "contra": 0, "fbd": 0})
    for mine, agency, score, conclusion in wb["评估结论"].iter_rows(min_row=2, values_only=True):
        e = out[agency]
        e["mines"] += 1
        e["gaps"].append(score - record[mine][0])
        e["contra"] += conclusion == "达标" and outcomes[mine][0] == "不合格"
        e["fbd"] += sum(1 for i in record[mine][1] if (mine, i) in full)
    return out


def test_figures_match_an_independent_count(tmp_path):
    _, figures, _ = run_agencies([RECORDS], tmp_path / "a.xlsx", round_path=ROUND,
                                 sample_path=SAMPLE, assessments=ASSESSMENTS)
    expected = _expected()
    assert sorted(f.agency for f in figures) == sorted(expected)
    for f in figures:
        e = expected[f.agency]
        assert len(f.mines) == e["mines"]
        assert abs(f.mean_gap - sum(e["gaps"]) / len(e["gaps"])) < 1e-9
        assert f.largest_gap[1] == max(e["gaps"])
        assert len(f.contradicted) == e["contra"]
        assert len(f.full_but_deficient) == e["fbd"]
    flagged = {f.agency for f in figures if f.crossed}
    t = {"mean": 80, "largest": 150, "contra": 1, "fbd": 5}  # the defaults, restated
    assert flagged == {a for a, e in expected.items()
                       if sum(e["gaps"]) / len(e["gaps"]) >= t["mean"] or max(e["gaps"]) >= t["largest"]
                       or e["contra"] >= t["contra"] or e["fbd"] >= t["fbd"]}
    assert 0 < len(flagged) < len(expected)


def test_report_states_the_method_and_no_judgement(tmp_path):
    out = tmp_path / "监督情况.docx"
    r = run_cli(CliRunner(), "verify", "agencies", RECORDS, "--round", ROUND, "--sample", SAMPLE,
                "--assessments", ASSESSMENTS, "-o", out)
    assert r.code == 0, r.output
    doc = Document(out)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "一、比对方法" in text and "分差为评估机构评估得分减去核查组" in text
    assert "弄虚作假" not in text and "造假" not in text
    table = doc.tables[0]
    expected = _expected()
    for row in table.rows[1:]:
        agency = row.cells[0].text
        assert int(row.cells[1].text) == expected[agency]["mines"]
        assert int(row.cells[6].text) == expected[agency]["fbd"]
    wb_out = tmp_path / "比对.xlsx"
    assert run_cli(CliRunner(), "verify", "agencies", RECORDS, "--round", ROUND, "--sample",
                   SAMPLE, "--assessments", ASSESSMENTS, "-o", wb_out).code == 0
    assert load_workbook(wb_out).sheetnames == ["机构比对", "通报名单", "满分但有问题", "比对方法"]
    bad = run_cli(CliRunner(), "verify", "agencies", RECORDS, "--round", ROUND, "--sample", SAMPLE,
                  "--assessments", SAMPLE, "-o", tmp_path / "x.docx")
    assert bad.code == 2 and "评估结论" in bad.stderr
