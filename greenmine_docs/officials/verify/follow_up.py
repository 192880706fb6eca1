"""``greenmine verify follow-up``: the rectification ledger (整改台账) that enterprises and
bureaus update — which items are overdue, which mines passed their deadline with problems
still open (candidates for removal), and the next year's directory with those mines marked
for priority (the 以往整改要求 column that ``greenmine sample --priority rectification`` reads).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...findings import Location, Report, make
from ...frozen import frozen
from ...xlsx.cells import cell_ref
from ..mine_list import cell_text as _text
from .record_read import parse_date
from .table_read import read_table

SHEET = "整改台账"
_COLS = {"mine": "矿山名称", "city": "所在市", "item": "评价内容", "problem": "问题描述",
         "deadline": "整改期限", "measure": "整改措施", "evidence": "佐证材料", "done": "完成日期",
         "by": "验收人", "accepted": "验收日期"}
ACCEPTED, WAITING, WORKING, OVERDUE = "已验收", "已完成待验收", "整改中", "逾期未完成"


@frozen(quick_init=False)
class LedgerRow:
    row: int
    mine: str
    city: str
    item: str
    problem: str
    deadline: dt.date | None
    done: dt.date | None
    accepted: dt.date | None
    by: str
    status: str


@dataclass
class FollowUp:
    source: Path
    as_of: dt.date
    rows: list[LedgerRow]
    report: Report

    @property
    def overdue(self) -> list[LedgerRow]:
        return [r for r in self.rows if r.status == OVERDUE]

    def candidates(self) -> list[tuple[str, str, int, dt.date | None]]:
        """(mine, city, open items, deadline) of every mine with an overdue item."""
        out: dict[str, list[LedgerRow]] = {}
        for r in self.overdue:
            out.setdefault(r.mine, []).append(r)
        return [(m, rows[0].city, len(rows), rows[0].deadline) for m, rows in out.items()]

    def mines(self) -> list[str]:
        seen: list[str] = []
        for r in self.rows:
            if r.mine not in seen:
                seen.append(r.mine)
        return seen


def _status(deadline: dt.date | None, done: dt.date | None, accepted: dt.date | None, by: str,
            as_of: dt.date) -> str:
    if accepted and by:
        return ACCEPTED
    if done:
        return WAITING
    return OVERDUE if deadline and as_of > deadline else WORKING


def read_ledger(path: str | Path, *, as_of: dt.date) -> FollowUp:
    from .record_read import open_workbook

    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到整改台账：{path}", hint="整改台账由 greenmine verify close 写出。")
    with open_workbook(path) as wb:
        table = read_table(wb, path, SHEET, what="整改台账", required=_COLS.values())
    cols = {k: table.cols[t] for k, t in _COLS.items()}
    result = FollowUp(path, as_of, [], Report(source=str(path)))
    for n, raw in enumerate(table.rows, start=table.first_row):
        if raw and _text(raw[cols["mine"]]):
            result.rows.append(_row(result, n, raw, cols))
    return result


def _row(result: FollowUp, n: int, raw: list[Any], cols: dict[str, int]) -> LedgerRow:
    def at(key: str) -> Location:
        return Location(file=str(result.source), sheet=SHEET, cell=cell_ref(n, cols[key] + 1))

    dates = {}
    for key in ("deadline", "done", "accepted"):
        value = raw[cols[key]] if cols[key] < len(raw) else None
        dates[key] = parse_date(value)
        if value not in (None, "") and dates[key] is None:
            result.report.add(make("GM-W658", f"第 {n} 行{_COLS[key]}“{_text(value)}”不是日期。",
                                   location=at(key)))
    text = {k: _text(raw[cols[k]]) if cols[k] < len(raw) else "" for k in _COLS}
    if dates["done"] and dates["accepted"] and dates["accepted"] < dates["done"]:
        result.report.add(make("GM-W659", f"第 {n} 行验收日期 {dates['accepted']} 早于完成日期 "
                                          f"{dates['done']}。", location=at("accepted")))
    if dates["done"] and not (text["measure"] and text["evidence"]):
        result.report.add(make("GM-W660", f"第 {n} 行已填完成日期，但未写整改措施或佐证材料。",
                               location=at("measure" if not text["measure"] else "evidence")))
    return LedgerRow(n, text["mine"], text["city"], text["item"], text["problem"],
                     dates["deadline"], dates["done"], dates["accepted"], text["by"],
                     _status(dates["deadline"], dates["done"], dates["accepted"], text["by"],
                             result.as_of))
