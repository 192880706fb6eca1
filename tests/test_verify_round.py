"""The verification round: rules as data, record sheets, reading records back (issue 19)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from greenmine_docs.errors import InputError
from greenmine_docs.officials.verify.config import load_round
from greenmine_docs.officials.verify.round_read import read_round
from greenmine_docs.officials.verify.sample_read import read_sample
from greenmine_docs.officials.verify.sheets import run_sheets

from conftest import run_cli

ROUND_DIR = Path(__file__).resolve().parent.parent / "examples" / "verification-round"
ROUND = ROUND_DIR / "round.yaml"
SAMPLE = ROUND_DIR / "核查名单.xlsx"
RECORDS = ROUND_DIR / "records"


def _independent_outcomes() -> dict[str, tuple[str, int]]:
    """Each record's outcome counted straight from its cells (the default rules, restated)."""
    found = {}
    for path in sorted(RECORDS.glob("*.xlsx")):
        ws = load_workbook(path)["记录表"]
        failed = sum(1 for r in ws.iter_rows(values_only=True)
                     if str(r[0] or "").startswith("条件") and r[4] == "不符合")
        problems = sum(1 for r in ws.iter_rows(values_only=True)
                       if r[0] and str(r[0])[0].isdigit() and r[4] == "是")
        outcome = ("不合格" if failed or problems >= 8 else "限期整改" if problems else "合格")
        found[ws["B3"].value] = (outcome, problems)
    return found


def test_example_directory_has_forty_mines_in_three_cities():
    ws = load_workbook(ROUND_DIR / "名录.xlsx")["名录"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(rows) >= 40
    assert len({r[2] for r in rows}) == 3
    assert {r[1] for r in rows} == {"国家级", "省级", "市级"}


def test_defaults_and_round_override(tmp_path):
    rnd = load_round(ROUND)
    assert rnd.rules.deadline_days == 90
    assert [c.id for c in rnd.rules.conditions] == [f"条件{i}" for i in range(1, 7)]
    assert [i.id for i in rnd.items] == rnd.rules.focus_items
    changed = tmp_path / "round.yaml"
    changed.write_text(ROUND.read_text(encoding="utf-8").replace("deadline_days: 90",
                                                                 "deadline_days: 45\n  focus_items: []"),
                       encoding="utf-8")
    other = load_round(changed)
    assert other.rules.deadline_days == 45
    assert len(other.items) == sum(len(c.items) for c in other.iset.categories) == 100


@pytest.mark.parametrize("patch, words", [
    ("deadline_days: 0", "deadline_days"),
    ("focus_items: ['9.9.9']", "9.9.9"),
    ("outcome_rules: [{outcome: 不合格, reason: x}]", "outcome_rules"),
])
def test_bad_rules_are_input_errors(tmp_path, patch, words):
    bad = tmp_path / "round.yaml"
    bad.write_text(ROUND.read_text(encoding="utf-8").replace("deadline_days: 90", patch),
                   encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_round(bad)
    assert words in e.value.message
    result = run_cli(CliRunner(), "verify", "sheets", SAMPLE, "--round", bad,
                     "-o", tmp_path / "out")
    assert result.code == 2 and "Traceback" not in result.output and words in result.stderr
    assert not (tmp_path / "out").exists()


def test_sheets_one_record_per_sampled_mine(tmp_path):
    written = run_sheets(SAMPLE, tmp_path, round_path=ROUND)
    sample = read_sample(SAMPLE)
    assert len(written) == 2 * len(sample.mines)
    rnd = load_round(ROUND)
    mine = sample.mines[0]
    wb = load_workbook(next(p for p in written if p.suffix == ".xlsx" and mine.name in p.name))
    ws = wb["记录表"]
    assert ws["B3"].value == mine.name and ws["F3"].value == mine.level
    assert ws["A6"].value == "核查组成员" and ws["A7"].value == "核查开始日期"
    ids = [r[0] for r in ws.iter_rows(values_only=True) if r[0]]
    assert [i for i in ids if i in set(rnd.rules.focus_items)] == rnd.rules.focus_items
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    lists = [dv.formula1 for dv in rules.values() if dv.type == "list"]
    assert '"是,否"' in lists and '"符合,不符合"' in lists
    assert sum(1 for dv in rules.values() if dv.type == "date") == 3
    assert any("核查组成员（签字）" in str(r[0] or "") for r in ws.iter_rows(values_only=True))
    from docx import Document

    doc = Document(next(p for p in written if p.suffix == ".docx" and mine.name in p.name))
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert mine.name in text
    for item in rnd.items:
        assert item.text in text
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "实地核查记录表" in body and "核查组成员（签字）" in body


def test_example_records_outcomes_match_an_independent_count():
    result = read_round([RECORDS], round_path=ROUND, sample_path=SAMPLE)
    assert not result.report.findings, [str(f) for f in result.report.findings]
    expected = _independent_outcomes()
    got = {r.mine.name: (r.outcome.outcome, len(r.record.problems)) for r in result.results}
    assert got == expected
    assert len(got) == len(read_sample(SAMPLE).mines)
    outcomes = [o for o, _ in expected.values()]
    assert outcomes.count("不合格") == 2 and outcomes.count("合格") >= 2
    assert outcomes.count("限期整改") >= 5


EXPECTED_FLAWED = {
    ("GM-E647", "01-问题描述笼统与漏填.xlsx", "B6"),
    ("GM-E649", "01-问题描述笼统与漏填.xlsx", "E31"),
    ("GM-E650", "01-问题描述笼统与漏填.xlsx", "F25"),
    ("GM-W651", "01-问题描述笼统与漏填.xlsx", "F22"),
    ("GM-E641", "02-工作表改名.xlsx", None),
    ("GM-E642", "03-合并单元格.xlsx", "F27"),
    ("GM-E643", "04-不在核查名单.xlsx", "B3"),
    ("GM-E644", "05b-同一矿山第二份.xlsx", "B3"),
    ("GM-E645", "06-日期顺序错误.xlsx", "B7"),
    ("GM-E645", "06-日期顺序错误.xlsx", "F7"),
    ("GM-E640", "07-损坏的文件.xlsx", None),
}


def test_flawed_records_give_located_findings():
    result = read_round([ROUND_DIR / "flawed"], round_path=ROUND, sample_path=SAMPLE)
    got = {(f.code, Path(f.location.file).name, f.location.cell) for f in result.report.findings
           if f.code != "GM-W655"}
    assert got == EXPECTED_FLAWED
    assert all(r.outcome.outcome == "待定" for r in result.results if r.record.findings)


def test_read_cli_exit_codes():
    ok = run_cli(CliRunner(), "verify", "read", RECORDS, "--round", ROUND, "--sample", SAMPLE)
    assert ok.code == 0, ok.output
    assert "不合格 2 座" in ok.output
    bad = run_cli(CliRunner(), "verify", "read", ROUND_DIR / "flawed", "--round", ROUND,
                  "--sample", SAMPLE)
    assert bad.code == 1 and "Traceback" not in bad.output
    assert "记录表!F22" in bad.output
