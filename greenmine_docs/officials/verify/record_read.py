"""Reading one filled on-site record back (实地核查记录表): header facts, condition and item
answers, every problem located (``记录表!F21``), and the record's own findings (completeness,
concreteness, dates, merged cells). A file that cannot be used is a finding, not an error:
one bad file must not stop a round of hundreds."""
from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...findings import Finding, Location, make
from ..mine_list import cell_text as _text
from . import layout as L
from .config import Round


@dataclass(frozen=True)
class ConditionAnswer:
    id: str
    text: str
    row: int
    met: bool | None
    note: str


@dataclass(frozen=True)
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


def open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from ...zipguard import check_office_file

    check_office_file(path, kind="Excel 工作簿")
    try:
        return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
            TypeError) as e:
        raise InputError(f"{path.name} 不是有效的 Excel 工作簿。") from e


def read_record(path: str | Path, rnd: Round) -> Record:
    """One record with its findings; ``usable`` is False when nothing could be read."""
    rec = Record(path=Path(path))
    try:
        wb = open_workbook(rec.path)
    except InputError as e:
        rec.add("GM-E640", f"{rec.path.name}：{e.message}")
        return rec
    try:
        if L.SHEET not in wb.sheetnames:
            rec.add("GM-E641", f"{rec.path.name} 中没有“{L.SHEET}”工作表（现有："
                    + "、".join(wb.sheetnames) + "），可能被改名。")
            return rec
        _read_sheet(rec, wb[L.SHEET], rnd)
        rec.usable = True
    finally:
        wb.close()
    return rec


def _read_sheet(rec: Record, ws: Any, rnd: Round) -> None:
    labels = {(_text(c.value)): c for row in ws.iter_rows(max_row=12) for c in row if c.value}
    for key, (label, _lab, default_cell, _last) in L.FIELDS.items():
        cell = labels.get(label)
        value_cell = ws.cell(row=cell.row, column=cell.column + 1) if cell else ws[default_cell]
        rec.facts[key] = value_cell.value
        rec.facts[f"{key}@"] = value_cell.coordinate
    rec.name = _text(rec.facts["name"])
    cond_ids = {c.id: c for c in rnd.rules.conditions}
    item_ids = {i.id: i for i in rnd.items}
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=7):
        ident = _text(row[0].value)
        values = [_text(c.value) for c in row]
        if ident in cond_ids:
            rec.conditions.append(ConditionAnswer(ident, values[1], row[0].row,
                                                  _yes_no(values[4], L.MET, L.NOT_MET), values[5]))
        elif ident in item_ids:
            rec.items.append(ItemAnswer(ident, values[1], row[0].row,
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


def _merged(rec: Record, ws: Any) -> None:
    """A merge over the rows of the tables breaks the reading: each is a finding."""
    rows = {a.row for a in rec.items} | {c.row for c in rec.conditions}
    for rng in ws.merged_cells.ranges:
        if any(r in rows for r in range(rng.min_row, rng.max_row + 1)):
            rec.add("GM-E642", f"{rng.coord} 合并了单元格，无法逐项读取。", rng.coord.split(":")[0])


def _check_missing_rows(rec: Record, cond_ids: dict, item_ids: dict) -> None:
    seen = {c.id for c in rec.conditions} | {i.id for i in rec.items}
    missing = [i for i in [*cond_ids, *item_ids] if i not in seen]
    if missing:
        rec.add("GM-E656", f"{rec.path.name} 缺少 {len(missing)} 行：" + "、".join(missing[:10])
                + ("……" if len(missing) > 10 else "") + "。")
