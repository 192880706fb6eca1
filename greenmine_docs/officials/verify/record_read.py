"""Reading one filled on-site record back (实地核查记录表): header facts, condition and item
answers, every problem located (``记录表!F21``), and the record's own findings (completeness,
concreteness, dates, merged cells). A file that cannot be used is a finding, not an error:
one bad file must not stop a round of hundreds."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...findings import Finding, Location, make
from ...frozen import frozen
from ...xlsx.cells import cell_ref, split_ref
from ...xlsx.read import SheetValues, XlsxFile
from ..mine_list import cell_text as _text
from . import layout as L
from .config import Round


@frozen(quick_init=False)
class ConditionAnswer:
    id: str
    text: str
    row: int
    met: bool | None
    note: str


@frozen(quick_init=False)
class ItemAnswer:
    id: str
    text: str
    row: int
    problem: bool | None
    description: str
    requirement: str
    method: str


@dataclass
class Record:
    path: Path
    name: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    conditions: list[ConditionAnswer] = field(default_factory=list)
    items: list[ItemAnswer] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    usable: bool = False  # the sheet was found and read

    def at(self, cell: str) -> Location:
        return Location(file=str(self.path), sheet=L.SHEET, cell=cell)

    def add(self, code: str, message: str, cell: str | None = None) -> None:
        where = self.at(cell) if cell else Location(file=str(self.path))
        self.findings.append(make(code, message, location=where))

    @property
    def problems(self) -> list[ItemAnswer]:
        return [i for i in self.items if i.problem]

    @property
    def failed_conditions(self) -> list[ConditionAnswer]:
        return [c for c in self.conditions if c.met is False]


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def open_workbook(path: Path) -> XlsxFile:
    """The workbook at ``path`` through the one reader (:class:`~greenmine_docs.xlsx.read.XlsxFile`):
    a regular file, bounded in size, parts and rows; :class:`InputError` otherwise."""
    return XlsxFile(path)


def read_record(path: str | Path, rnd: Round) -> Record:
    """One record with its findings; ``usable`` is False when nothing could be read."""
    rec = Record(path=Path(path))
    try:
        with open_workbook(rec.path) as wb:
            if L.SHEET not in wb.sheetnames:
                rec.add("GM-E641", f"{rec.path.name} 中没有“{L.SHEET}”工作表（现有："
                        + "、".join(wb.sheetnames) + "），可能被改名。")
                return rec
            ws = wb.values(L.SHEET, what="核查记录表")
    except InputError as e:
        rec.add("GM-E640", f"{rec.path.name}：{e.message}")
        return rec
    _read_sheet(rec, ws, rnd)
    rec.usable = True
    return rec


def _read_sheet(rec: Record, ws: SheetValues, rnd: Round) -> None:
    labels = {_text(v): (r, c) for r in range(1, 13)
              for c, v in sorted(ws.cells.get(r, {}).items()) if v}
    for key, (label, _lab, default_cell, _last) in L.FIELDS.items():
        at = labels.get(label)
        row, col = (at[0], at[1] + 1) if at else split_ref(default_cell)
        rec.facts[key] = ws.value(row, col)
        rec.facts[f"{key}@"] = cell_ref(row, col)
    rec.name = _text(rec.facts["name"])
    cond_ids = {c.id: c for c in rnd.rules.conditions}
    item_ids = {i.id: i for i in rnd.items}
    for n, cells in enumerate(ws.rows(max_col=7), start=1):
        values = [_text(v) for v in cells]
        ident = values[0]
        if ident in cond_ids:
            rec.conditions.append(ConditionAnswer(ident, values[1], n,
                                                  _yes_no(values[4], L.MET, L.NOT_MET), values[5]))
        elif ident in item_ids:
            rec.items.append(ItemAnswer(ident, values[1], n,
                                        _yes_no(values[4], L.YES, L.NO), values[5], values[6],
                                        values[2]))
    _merged(rec, ws)
    _check_missing_rows(rec, cond_ids, item_ids)


def _yes_no(text: str, yes: str, no: str) -> bool | None:
    if text == yes or text in ("√", "✓"):
        return True
    if text == no or text in ("×", "✗"):
        return False
    return None


def _merged(rec: Record, ws: SheetValues) -> None:
    """A merge over the rows of the tables breaks the reading: each is a finding."""
    rows = {a.row for a in rec.items} | {c.row for c in rec.conditions}
    for c1, r1, c2, r2 in ws.merged:
        if any(r in rows for r in range(r1, r2 + 1)):
            first = cell_ref(r1, c1)
            coord = first if (r1, c1) == (r2, c2) else f"{first}:{cell_ref(r2, c2)}"
            rec.add("GM-E642", f"{coord} 合并了单元格，无法逐项读取。", first)


def _check_missing_rows(rec: Record, cond_ids: dict, item_ids: dict) -> None:
    seen = {c.id for c in rec.conditions} | {i.id for i in rec.items}
    missing = [i for i in [*cond_ids, *item_ids] if i not in seen]
    if missing:
        rec.add("GM-E656", f"{rec.path.name} 缺少 {len(missing)} 行：" + "、".join(missing[:10])
                + ("……" if len(missing) > 10 else "") + "。")
