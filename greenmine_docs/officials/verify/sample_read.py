"""Reading the sample workbook that ``greenmine sample`` wrote (sheet 核查名单, header row with
矿山名称, 名录级别, 所在市 …; sheet 抽取记录 with the draw's date)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ...errors import InputError
from ...frozen import frozen
from ...xlsx.read import XlsxFile
from ..mine_list import cell_text as _text
from ..mine_list import norm_name
from .table_read import read_table

SHEET = "核查名单"
_WANTED = {"name": "矿山名称", "level": "名录级别", "city": "所在市", "county": "所在县（市、区）",
           "mineral": "开采矿种", "method": "开采方式", "group": "核查组别", "checker": "核查单位",
           "reason": "抽取方式"}


@frozen(quick_init=False)
class SampledMine:
    name: str
    level: str
    city: str
    county: str = ""
    mineral: str = ""
    method: str = ""
    group: str = ""
    checker: str = ""
    reason: str = ""

    @property
    def key(self) -> str:
        return norm_name(self.name)


@frozen(quick_init=False)
class Sample:
    source: Path
    mines: tuple[SampledMine, ...]
    drawn_on: dt.date | None
    listed: tuple[tuple[str, str], ...] = ()  # (level, city) of every listed mine (全部名录)

    def find(self, name: str) -> SampledMine | None:
        key = norm_name(name)
        return next((m for m in self.mines if m.key == key), None)


def read_sample(path: str | Path) -> Sample:
    """The drawn mines in list order; :class:`InputError` when the file is not a sample."""
    from .record_read import open_workbook

    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到核查名单：{path}", hint="先用 greenmine sample 抽取核查名单。")
    with open_workbook(path) as wb:
        table = read_table(wb, path, SHEET, what="核查名单",
                           required=[_WANTED[k] for k in ("name", "level", "city")],
                           optional=_WANTED.values(),
                           sheet_hint="这不是 greenmine sample 写出的核查名单。现有工作表："
                                      + "、".join(wb.sheetnames))
        drawn_on = _drawn_on(wb)
        listed = _listed(wb)
    mines = []
    for r in table.rows:
        values = {k: table.text(r, title) for k, title in _WANTED.items()}
        if values["name"]:
            mines.append(SampledMine(**values))
    if not mines:
        raise InputError(f"{path.name} 的核查名单中没有矿山。")
    return Sample(source=path, mines=tuple(mines), drawn_on=drawn_on, listed=listed)


def _drawn_on(wb: XlsxFile) -> dt.date | None:
    if "抽取记录" not in wb.sheetnames:
        return None
    for r in wb.values("抽取记录", head=20).rows(max_row=20):
        if r and r[0] == "抽取日期" and len(r) > 1 and r[1]:
            try:
                return dt.date.fromisoformat(str(r[1])[:10])
            except ValueError:
                return None
    return None


def _listed(wb: XlsxFile) -> tuple[tuple[str, str], ...]:
    """Level and city of every mine of the directory the sample was drawn from."""
    if "全部名录" not in wb.sheetnames:
        return ()
    rows = [[_text(v) for v in r] for r in wb.values("全部名录", what="全部名录").rows()]
    if not rows or "名录级别" not in rows[0] or "所在市" not in rows[0]:
        return ()
    lv, ct = rows[0].index("名录级别"), rows[0].index("所在市")
    return tuple((r[lv], r[ct]) for r in rows[1:] if len(r) > max(lv, ct) and r[lv])
