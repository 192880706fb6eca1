"""One sheet's cells as read, with merged ranges resolved, plus the reading context that turns
repairs and problems into findings at the right cell."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..findings import Finding, Location, make
from ..rawinput import dotted
from ..xlsx.cells import column_letter
from ..xlsx.read import RawRow, Row, SheetData, XlsxFile

MAX_MERGE_FILL = 200_000  # cells; a merge over a whole column is not filled beyond the data


class Grid:
    """Rows of one sheet. Every cell of a merged range reads as the range's top-left value
    (Excel keeps the value only there); ``merged_source`` remembers which range a cell got its
    value from, so that using it can be reported once per range. Rows are decoded only when
    asked for; :meth:`raw_data_rows` hands big list sheets to the fused fast reader."""

    def __init__(self, sheet: SheetData) -> None:
        self.name = sheet.name
        self.sheet = sheet
        self.merged_source: dict[tuple[int, int], str] = {}
        self._rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            self._rows = _apply_merges(self.sheet.rows, self.sheet.merged, self.merged_source)
        return self._rows

    def header_rows(self, limit: int = 12) -> list[Row]:
        if self._rows is None and self.sheet.raw is not None:
            head = self.sheet.decoded(self.sheet.raw[:limit])
            return _apply_merges(head, self.sheet.merged, {})
        return self.rows[:limit]

    def raw_data_rows(self, first: int) -> list[RawRow] | None:
        """Raw rows from ``first`` on, when the sheet was read by the fast path and no merged
        range reaches into them; else ``None`` (use :attr:`rows`)."""
        if self.sheet.raw is None or any(r2 >= first for _, _, _, r2 in self.sheet.merged):
            return None
        return [row for row in self.sheet.raw if row[0] >= first]


def _apply_merges(rows: list[Row], merged: list[tuple[int, int, int, int]],
                  source: dict[tuple[int, int], str]) -> list[Row]:
    if not merged or not rows:
        return rows
    by_row = {number: dict(cells) for number, cells in rows}
    last = max(by_row)
    budget = MAX_MERGE_FILL
    for c1, r1, c2, r2 in merged:
        top = by_row.get(r1, {}).get(c1)
        if top is None:
            continue
        text = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        for r in range(r1, min(r2, last) + 1):
            cells = by_row.setdefault(r, {})
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and budget > 0:
                    cells[c] = top
                    source[(r, c)] = text
                    budget -= 1
    return sorted(by_row.items())


def norm_label(text: Any) -> str:
    """Labels compare without the required mark, spaces, and full/half-width differences."""
    t = unicodedata.normalize("NFKC", str(text))
    for ch in "＊*※ \t\n\r\u3000":
        t = t.replace(ch, "")
    return t


@dataclass
class ReadContext:
    source: Path
    date1904: bool = False
    findings: list[Finding] = field(default_factory=list)
    _merge_noted: set[tuple[str, str]] = field(default_factory=set)

    @property
    def file(self) -> str:
        return str(self.source)

    def at(self, sheet: str, row: int | None = None, col: int | None = None,
           path: tuple[Any, ...] | None = None) -> Location:
        cell = f"{column_letter(col)}{row}" if row is not None and col is not None else None
        return Location(file=self.file, sheet=sheet, cell=cell,
                        path=dotted(path) if path else None)

    def finding(self, code: str, message: str, sheet: str, row: int | None = None,
                col: int | None = None, path: tuple[Any, ...] | None = None,
                hint: str | None = None, into: list[Finding] | None = None) -> None:
        (self.findings if into is None else into).append(
            make(code, message, location=self.at(sheet, row, col, path), hint=hint))

    def merged_use(self, grid: Grid, row: int, col: int, label: str,
                   path: tuple[Any, ...] | None, into: list[Finding] | None = None) -> None:
        source = grid.merged_source.get((row, col))
        if source is None or (grid.name, source) in self._merge_noted:
            return
        self._merge_noted.add((grid.name, source))
        self.finding("GM-I155", f"{label}：位于合并单元格 {source} 中，按左上角的值读取。",
                     grid.name, row, col, path, into=into)


def grid_loader(xlsx: XlsxFile) -> Callable[[str], "Grid"]:
    """``grid(name)``: the named (present) sheet of ``xlsx`` as a :class:`Grid`, read once on
    first use — shared by the single-mine and the mines-table readers."""
    grids: dict[str, Grid] = {}

    def grid(name: str) -> Grid:
        if name not in grids:
            info = xlsx.sheet(name)
            assert info is not None
            grids[name] = Grid(xlsx.read(info))
        return grids[name]

    return grid
