"""Workbooks that close a round: 实地核查结果汇总表 (every mine, a sheet per city, totals by
responsible level) and 整改台账 (one row per problem, for enterprises and bureaus to update)."""
from __future__ import annotations

from typing import Any

from ...excel_input import styles as S
from ...xlsx.cells import sheet_title
from ...xlsx.write import append_row, new_workbook, save_workbook
from .close_facts import CITY, PROVINCE, CloseFacts, city_name, responsible
from .round_read import MineResult

SUMMARY_HEADERS = ("序号", "矿山名称", "名录级别", "所在市", "核查组别", "核查日期", "核查结论",
                   "问题数", "整改期限", "结论理由")
SUMMARY_WIDTHS = (6, 44, 9, 9, 10, 12, 10, 8, 12, 40)
OUTCOMES = ("合格", "限期整改", "不合格")
LEDGER_HEADERS = ("序号", "矿山名称", "所在市", "评价内容", "问题描述", "整改要求", "整改期限",
                  "整改措施", "佐证材料", "完成日期", "验收人", "验收日期")
LEDGER_WIDTHS = (6, 36, 8, 9, 40, 36, 12, 30, 24, 12, 10, 12)


def write_table(ws: Any, title: str, headers: tuple[str, ...], widths: tuple[int, ...],
           rows: list[list[Any]]) -> None:
    append_row(ws, [title])
    ws["A1"].font = S.FONT_TITLE
    append_row(ws, list(headers))
    for i, text in enumerate(headers, start=1):
        S.header_cell(ws.cell(row=2, column=i), text)
    for r in rows:
        append_row(ws, r)
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=len(headers)):
        for c in row:
            c.border, c.font, c.alignment = S.BORDER, S.FONT, S.WRAP_TOP
            if hasattr(c.value, "isoformat"):
                c.number_format = S.DATE_FORMAT
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    for n, r in enumerate(rows, start=3):  # readers do not grow rows for wrapped text
        height = S.row_height([(str(v), w) for v, w in zip(r, widths)
                               if v is not None and not hasattr(v, "isoformat")])
        if height:
            ws.row_dimensions[n].height = height
    ws.freeze_panes = "C3"
    S.a4_landscape(ws, "2:2")


def _summary_row(n: int, r: MineResult, facts: CloseFacts) -> list[Any]:
    o = r.outcome.outcome
    return [n, r.mine.name, r.mine.level, city_name(r.mine.city), responsible(r.mine.level),
            r.record.facts.get("start"), o, len(r.record.problems),
            facts.deadline if o == "限期整改" else None, r.outcome.reason]


def render_summary(facts: CloseFacts) -> bytes:
    wb = new_workbook()
    title = f"{facts.result.rnd.info.year}年绿色矿山实地核查结果汇总表"
    ws = wb.active
    ws.title = "汇总"
    write_table(ws, title, SUMMARY_HEADERS, SUMMARY_WIDTHS,
           [_summary_row(n, r, facts) for n, r in enumerate(facts.rows, start=1)])
    _totals(wb.create_sheet("按核查组别统计"), facts)
    for city in facts.cities():
        mines = [r for r in facts.rows if city_name(r.mine.city) == city]
        write_table(wb.create_sheet(sheet_title(city)), f"{title}（{city}）", SUMMARY_HEADERS, SUMMARY_WIDTHS,
               [_summary_row(n, r, facts) for n, r in enumerate(mines, start=1)])
    return save_workbook(wb)


def _totals(ws: Any, facts: CloseFacts) -> None:
    counts: dict[str, list[int]] = {}
    for level in (PROVINCE, CITY):
        mines = [r for r in facts.rows if responsible(r.mine.level) == level]
        counts[level] = ([len(mines)] + [sum(1 for r in mines if r.outcome.outcome == o)
                                         for o in OUTCOMES]
                         + [sum(len(r.record.problems) for r in mines)])
    counts["合计"] = [sum(c[i] for c in counts.values()) for i in range(5)]
    write_table(ws, "按核查组别统计", ("核查组别", "核查矿山", *OUTCOMES, "问题数"), (16, 10, 8, 10, 8, 8),
           [[level, *c] for level, c in counts.items()])
    ws.freeze_panes = None


def render_ledger(facts: CloseFacts) -> bytes:
    wb = new_workbook()
    ws = wb.active
    ws.title = "整改台账"
    rows, n = [], 0
    for r in facts.with_outcome("限期整改"):
        for p in r.record.problems:
            n += 1
            rows.append([n, r.mine.name, city_name(r.mine.city), p.id, p.description,
                         p.requirement, facts.deadline, None, None, None, None, None])
    write_table(ws, f"{facts.result.rnd.info.year}年绿色矿山实地核查整改台账", LEDGER_HEADERS,
           LEDGER_WIDTHS, rows)
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, min_col=8, max_col=12):
        for c in row:
            c.fill = S.FILL_REQUIRED
            if c.column in (10, 12):
                c.number_format = S.DATE_FORMAT
    return save_workbook(wb)
