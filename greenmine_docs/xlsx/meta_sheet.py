"""The hidden sheet in which a workbook that is handed in (the self-check record table, the
score sheet) records what it is, so that it can be read back: a format tag, the indicator set,
the layout. Key in column A, value in column B, one pair a row; a long value is split over rows
with the same key, joined again in order when read.

The sheet names neither the program nor anything about it: an official who shows the hidden
sheets sees only what the table is. Workbooks written before this sheet was renamed call it
``_greenmine`` and tag themselves ``greenmine-<kind>/1``; both are still read, so tables already
filled in and handed back keep working.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .read import XlsxFile

SHEET = "_表格信息"
LEGACY_SHEET = "_greenmine"


@dataclass
class Meta:
    """The pairs of a workbook's hidden sheet, and the sheet and row where each key was first
    found (for findings that point at a cell)."""

    sheet: str
    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)

    def cell(self, key: str) -> str:
        """The value cell of ``key`` (``B1`` when the key is not there: where the format is)."""
        return f"B{self.rows.get(key, 1)}"


def sheet_in(wb: "XlsxFile") -> str | None:
    """The name of the hidden sheet in ``wb`` (today's, else the older one), or ``None``."""
    names = wb.sheetnames
    for name in (SHEET, LEGACY_SHEET):
        if name in names:
            return name
    return None


def read(wb: "XlsxFile", *, max_row: int | None = None) -> Meta | None:
    """The hidden sheet's pairs (keys and whole values trimmed, repeated keys joined in order:
    the chunks of a long value are joined as they are, as a chunk may end in a space);
    ``None`` when the workbook has no such sheet."""
    sheet = sheet_in(wb)
    if sheet is None:
        return None
    meta = Meta(sheet)
    for r, (key, value) in enumerate(wb.values(sheet).rows(max_row=max_row, max_col=2), start=1):
        k = "" if key is None else str(key).strip()
        if not k:
            continue
        meta.rows.setdefault(k, r)
        meta.values[k] = meta.values.get(k, "") + ("" if value is None else str(value))
    meta.values = {k: v.strip() for k, v in meta.values.items()}
    return meta


def is_tag(found: str | None, tag: str, legacy: str) -> bool:
    """True when ``found`` is the format ``tag`` or the tag older workbooks carry."""
    return found in (tag, legacy)
