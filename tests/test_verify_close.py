"""``greenmine verify close``: every figure of the documents against an independent count of
the example round's records and directory (issue 19)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from conftest import run_cli
from greenmine_docs.officials.verify.close import run_close
from test_verify_round import RECORDS, ROUND, ROUND_DIR, SAMPLE, _independent_outcomes

ISSUED = dt.date(2023, 11, 10)  # round.yaml's notice_date


def _record_problems() -> dict[str, list[tuple[str, str, str]]]:
    """Mine -> (item id, description, requirement) straight from the record cells."""
    found = {}
    for path in sorted(RECORDS.glob("*.xlsx")):
        ws = load_workbook(path)["记录表"]
        found[ws["B3"].value] = [(r[0], r[5], r[6]) for r in ws.iter_rows(values_only=True)
                                 if r[0] and str(r[0])[0].isdigit() and r[4] == "是"]
    return found


@pytest.fixture(scope="module")
def closed(tmp_path_factory):
    out = tmp_path_factory.mktemp("close")
    done = run_close([RECORDS], out, round_path=ROUND, sample_path=SAMPLE)
    assert not done.blocked
    return out


def _text(path: Path) -> str:
    doc = Document(path)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_notices_one_per_mine_to_rectify(closed):
    outcomes, problems = _independent_outcomes(), _record_problems()
    to_fix = sorted(m for m, (o, _) in outcomes.items() if o == "限期整改")
    notices = sorted((closed / "限期整改通知书").glob("*.docx"))
    assert sorted(p.name.removesuffix("-限期整改通知书.docx") for p in notices) == to_fix
    deadline = ISSUED + dt.timedelta(days=90)
    for path in notices:
        mine = path.name.removesuffix("-限期整改通知书.docx")
        text = _text(path)
        assert text.startswith("限期整改通知书")
        assert f"{deadline.year}年{deadline.month}月{deadline.day}日前完成整改" in text
        for n, (ident, desc, need) in enumerate(problems[mine], start=1):
            assert f"（{n}）{desc}（评价内容{ident}：" in text
            assert f"（{n}）{need}。" in text
        assert f"（{len(problems[mine]) + 1}）" not in text
        assert text.rstrip().endswith("2023年11月10日")


def test_summary_workbook_counts(closed):
    outcomes = _independent_outcomes()
    wb = load_workbook(closed / "实地核查结果汇总表.xlsx")
    rows = [r for r in wb["汇总"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert {r[1]: (r[6], r[7]) for r in rows} == outcomes
    cities = Counter(r[3] for r in rows)
    assert set(cities) == {"吕梁市", "晋中市", "长治市"}
    for city, n in cities.items():
        assert len([r for r in wb[city].iter_rows(min_row=3, values_only=True) if r[0]]) == n
    totals = {r[0]: r for r in wb["按核查组别统计"].iter_rows(min_row=3, values_only=True)}
    by_level = Counter(o for (o, _) in outcomes.values())
    assert totals["合计"][1:5] == (len(outcomes), by_level["合格"], by_level["限期整改"],
                                  by_level["不合格"])
    assert totals["合计"][5] == sum(n for (_, n) in outcomes.values())
    province = [r for r in rows if r[2] in ("国家级", "省级")]
    assert totals["省级核查"][1] == len(province)


def test_removal_list_and_ledger(closed):
    outcomes, problems = _independent_outcomes(), _record_problems()
    failed = sorted(m for m, (o, _) in outcomes.items() if o == "不合格")
    table = Document(closed / "拟移出绿色矿山名录名单.docx").tables[0]
    assert sorted(row.cells[1].text for row in table.rows[1:]) == failed
    assert f"不合格的矿山共{len(failed)}座" in _text(closed / "拟移出绿色矿山名录名单.docx")
    ws = load_workbook(closed / "整改台账.xlsx")["整改台账"]
    ledger = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    expected = sum(len(problems[m]) for m, (o, _) in outcomes.items() if o == "限期整改")
    assert len(ledger) == expected
    assert {r[6].date() for r in ledger} == {ISSUED + dt.timedelta(days=90)}


def test_work_report_figures(closed):
    outcomes, problems = _independent_outcomes(), _record_problems()
    listed = [r for r in load_workbook(ROUND_DIR / "名录.xlsx")["名录"].iter_rows(
        min_row=2, values_only=True) if r[0]]
    text = _text(closed / "实地核查工作总结.docx")
    n = Counter(o for (o, _) in outcomes.values())
    assert f"名录内的矿山{len(listed)}座" in text
    assert f"共抽取{len(outcomes)}座实地核查，占{len(outcomes) / len(listed):.1%}" in text
    assert (f"合格的{n['合格']}座，限期整改的{n['限期整改']}座，不合格的{n['不合格']}座。"
            f"共发现问题{sum(len(p) for p in problems.values())}项") in text
    top_id, top_count = Counter(i for p in problems.values() for i, _, _ in p).most_common(1)[0]
    assert f"1.评价内容{top_id}“" in text and f"（{top_count}座）" in text
    assert "2024年2月8日前" in text


def test_close_refuses_flawed_records_and_writes_nothing(tmp_path):
    r = run_cli(CliRunner(), "verify", "close", ROUND_DIR / "flawed", "--round", ROUND,
                "--sample", SAMPLE, "-o", tmp_path / "out")
    assert r.code == 1 and "未写出任何文件" in r.stderr
    assert not (tmp_path / "out").exists()


def test_the_bureau_and_date_stay_on_one_page_with_the_end_of_the_text(closed):
    """The issuing bureau and the date never part (the summary's date stood alone on a page,
    its bureau at the foot of the page before), nor leave the text's last paragraph."""
    notice = sorted((closed / "限期整改通知书").glob("*.docx"))[0]
    for path in (closed / "实地核查工作总结.docx", notice):
        paragraphs = [p for p in Document(path).paragraphs if p.text.strip()]
        last_text, bureau, date = paragraphs[-3:]
        assert date.text == "2023年11月10日" and bureau.text.endswith(("厅", "局"))
        assert bureau.paragraph_format.keep_with_next
        assert last_text.paragraph_format.keep_with_next


def test_a_notice_keeps_its_contact_line_with_the_text_and_the_bureau(closed):
    """The contact line belongs to the closing block: it never starts a page with only the
    bureau and the date under it (a notice's page 2 held only those three lines)."""
    with_contact = 0
    for notice in sorted((closed / "限期整改通知书").glob("*.docx")):
        paragraphs = [p for p in Document(notice).paragraphs if p.text.strip()]
        if not paragraphs[-3].text.startswith("联系人及电话："):
            continue
        with_contact += 1
        body_end, contact = paragraphs[-4:-2]
        assert body_end.text.startswith("逾期未完成整改")
        assert body_end.paragraph_format.keep_with_next
        assert contact.paragraph_format.keep_with_next
    assert with_contact
