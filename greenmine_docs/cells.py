"""Cells of workbooks: values read back from tables people filled in (what every reader of our
tables shares), and column letters."""
from __future__ import annotations

from typing import Any


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text, ``None`` when empty. Whole floats lose their ``.0``, so 1, 1.0,
    "1" and " 1 " compare equal (ids and 序号 typed or computed in Excel)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA
    (without importing openpyxl)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out
