"""Reading a table back from a workbook of the round (核查名单, 整改台账, 评估结果): the sheet, its
header row (the first of the top rows that holds the anchor title, so a title row above the
table is fine), the wanted columns by title wherever they are, and the rows below. Whatever is
missing is an :class:`InputError` that names the file, the sheet and the titles."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ...errors import InputError
from ...frozen import frozen
from ...xlsx.read import XlsxFile
from ..mine_list import cell_text

ANCHOR = "矿山名称"
"""The title every table of the round has: the row holding it is the header."""


@frozen(quick_init=False)
class Table:
    """``cols``: wanted title → column index (0-based), for the titles found; ``rows``: the
    raw values of every row below the header, the first being sheet row ``first_row``."""

    cols: dict[str, int]
    rows: list[list[Any]]
    first_row: int

    def get(self, row: list[Any], title: str) -> Any:
        """The value under ``title`` in ``row`` (``None`` when the row is short or the column
        is not there)."""
        i = self.cols.get(title)
        return row[i] if i is not None and i < len(row) else None

    def text(self, row: list[Any], title: str) -> str:
        return cell_text(self.get(row, title))


def read_table(wb: XlsxFile, path: Path, sheet: str, *, what: str, required: Iterable[str],
               optional: Iterable[str] = (), sheet_hint: str = "", within: int = 10) -> Table:
    """The table of ``sheet``; ``required`` titles must all be in its header, ``optional`` ones
    are taken when present. ``what`` names the table in size messages; ``sheet_hint`` is the
    hint when the sheet is missing (default: the sheets there are)."""
    if sheet not in wb.sheetnames:
        raise InputError(f"{path.name} 中没有“{sheet}”工作表。",
                         hint=sheet_hint or "现有工作表：" + "、".join(wb.sheetnames))
    rows = list(wb.values(sheet, what=what).rows())
    at = next((i for i, r in enumerate(rows[:within]) if ANCHOR in [cell_text(v) for v in r]),
              None)
    if at is None:
        raise InputError(f"{path.name}（{sheet}）中找不到“{ANCHOR}”表头。")
    titles = [cell_text(v) for v in rows[at]]
    required = list(required)
    missing = [t for t in required if t not in titles]
    if missing:
        raise InputError(f"{path.name}（{sheet}）表头缺少：" + "、".join(missing))
    cols = {t: titles.index(t) for t in [*required, *optional] if t in titles}
    return Table(cols=cols, rows=rows[at + 1:], first_row=at + 2)
