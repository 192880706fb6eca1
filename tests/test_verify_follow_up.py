"""``greenmine verify follow-up``: overdue items, removal candidates and the next year's priority
feed, counted independently from the example ledger (issue 19)."""
from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import run_cli
from greenmine_docs.officials.sample_run import run_sample
from greenmine_docs.officials.verify.follow_up_out import run_follow_up
from test_verify_round import ROUND_DIR

LEDGER = ROUND_DIR / "整改台账.xlsx"
AS_OF = dt.date(2024, 2, 20)


def _ledger_rows():
    return [r for r in load_workbook(LEDGER)["整改台账"].iter_rows(min_row=3, values_only=True)
            if r[1]]


def test_overdue_and_candidates_match_the_ledger(tmp_path):
    rows = _ledger_rows()
    overdue = [r for r in rows if r[9] is None and AS_OF > r[6].date()]
    fu, written, _ = run_follow_up(LEDGER, tmp_path / "跟踪.xlsx", as_of=AS_OF)
    assert not fu.report.findings
    assert len(fu.rows) == len(rows) and len(fu.overdue) == len(overdue) > 0
    assert sorted(c[0] for c in fu.candidates()) == sorted({r[1] for r in overdue})
    accepted = [r for r in rows if r[10] and r[11]]
    assert 0 < len(accepted) < len(rows)  # the example ledger is half done
    wb = load_workbook(written[0])
    listed = [r for r in wb["移出候选"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert {r[1]: r[4] for r in listed} == {m: sum(1 for r in overdue if r[1] == m)
                                            for m in {r[1] for r in overdue}}
    before = run_follow_up(LEDGER, tmp_path / "早.xlsx", as_of=dt.date(2024, 1, 1))[0]
    assert not before.overdue and not before.candidates()


def test_next_directory_feeds_the_sample_priority(tmp_path):
    nxt = tmp_path / "名录-下年度.xlsx"
    fu, _, marked = run_follow_up(LEDGER, tmp_path / "跟踪.xlsx", as_of=AS_OF,
                                  directory=ROUND_DIR / "名录.xlsx", next_directory=nxt)
    mines = set(fu.mines())
    assert marked == len(mines)
    ws = load_workbook(nxt)["名录"]
    head = [c.value for c in ws[1]]
    col = head.index("以往整改要求")
    flagged = {r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[col] == "是"}
    assert mines <= flagged
    drawn = run_sample(nxt, tmp_path / "下年度核查名单.xlsx", ratio="0.2", seed=7,
                       priorities="rectification").result
    for g in drawn.groups:
        pri = [d for d in g.draws if d.priority]
        got = [d for d in g.drawn if d.reason.startswith("优先")]
        assert len(got) == min(len(pri), g.required)


def test_next_directory_prints_as_an_official_list(tmp_path):
    """The example directory says nothing of printing: the next one prints A4 landscape, one
    page wide, its header row on each page, every cell of the list bordered, no column
    narrower than its text (at most 40 wide, wrapped beyond)."""
    nxt = tmp_path / "名录-下年度.xlsx"
    run_follow_up(LEDGER, tmp_path / "跟踪.xlsx", as_of=AS_OF,
                  directory=ROUND_DIR / "名录.xlsx", next_directory=nxt)
    ws = load_workbook(nxt)["名录"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    assert all(c.border.left.style == "thin" and c.border.bottom.style == "thin"
               for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column)
               for c in row)
    assert all(c.font.b for c in ws[1])
    from greenmine_docs.xlsx.write import text_width

    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        width = ws.column_dimensions[col[0].column_letter].width
        assert width >= min(40, max(text_width(c.value, 11) for c in col))


def test_a_directory_that_says_how_it_prints_keeps_it(tmp_path):
    source = load_workbook(ROUND_DIR / "名录.xlsx")
    source["名录"].page_setup.orientation = "portrait"
    source["名录"].column_dimensions["A"].width = 12
    own = tmp_path / "名录.xlsx"
    source.save(own)
    nxt = tmp_path / "名录-下年度.xlsx"
    run_follow_up(LEDGER, tmp_path / "跟踪.xlsx", as_of=AS_OF, directory=own,
                  next_directory=nxt)
    ws = load_workbook(nxt)["名录"]
    assert ws.page_setup.orientation == "portrait" and ws.print_title_rows is None
    assert ws.column_dimensions["A"].width == 12


def test_follow_up_cli_and_bad_dates(tmp_path):
    r = run_cli(CliRunner(), "verify", "follow-up", LEDGER, "-o", tmp_path / "f.xlsx",
                "--as-of", "2024-02-20")
    assert r.code == 0 and "移出候选矿山" in r.stdout
    wb = load_workbook(LEDGER)
    ws = wb["整改台账"]
    ws["J3"], ws["L3"], ws["H4"] = "下周", None, None
    ws["J4"] = dt.date(2024, 1, 20)
    ws["K5"], ws["L5"], ws["J5"] = "王明", dt.date(2024, 1, 1), dt.date(2024, 1, 9)
    bad = tmp_path / "台账.xlsx"
    wb.save(bad)
    fu = run_follow_up(bad, tmp_path / "g.xlsx", as_of=AS_OF)[0]
    assert {(f.code, f.location.cell) for f in fu.report.findings} >= {
        ("GM-W658", "J3"), ("GM-W660", "H4"), ("GM-W659", "L5")}
    r = run_cli(CliRunner(), "verify", "follow-up", ROUND_DIR / "名录.xlsx", "-o",
                tmp_path / "h.xlsx")
    assert r.code == 2 and "整改台账" in r.stderr
