"""What the workbook reader and writer share: column letters, cell references, sheet names, and
values read back from tables people filled in."""
from __future__ import annotations

import re
from typing import Any

_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")

_LETTERS: list[str] = [""]  # _LETTERS[n]: the letters of column n (1-based)


def column_letter(col: int) -> str:
    """Spreadsheet letters of a 1-based column number: 1 -> A, 26 -> Z, 27 -> AA."""
    if 0 < col < len(_LETTERS):
        return _LETTERS[col]
    if col < 1:
        raise ValueError(f"column {col}: columns are numbered from 1")
    for n in range(len(_LETTERS), max(col + 1, 2 * len(_LETTERS), 64)):
        out, rest = "", n
        while rest:
            rest, r = divmod(rest - 1, 26)
            out = chr(65 + r) + out
        _LETTERS.append(out)
    return _LETTERS[col]


def column_index(letters: str) -> int:
    """The 1-based column number of spreadsheet letters: A -> 1, AA -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def cell_ref(row: int, col: int) -> str:
    """``B7`` for row 7, column 2."""
    return f"{column_letter(col)}{row}"


def split_ref(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as ``B7`` or ``$B$7``; ``ValueError`` otherwise."""
    m = _REF.fullmatch(ref.replace("$", ""))
    if m is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return int(m.group(2)), column_index(m.group(1))


def cell_text(value: Any) -> str | None:
    """A cell as trimmed text, ``None`` when empty. Whole floats lose their ``.0``, so 1, 1.0,
    "1" and " 1 " compare equal (ids and 序号 typed or computed in Excel)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")  # no cell or sheet name may hold them


def sheet_title(text: str, limit: int = 31) -> str:
    """``text`` as a valid sheet name: each of ``[]:*?/\\`` (which Excel refuses) as ``_``, no
    quote at either end, control characters left out, at most ``limit`` characters (Excel: 31);
    ``工作表`` when none is left. Sheets named after data (a city, a unit, an expert) are named
    with it."""
    text = _CONTROL_CHARS.sub("", text)
    return _BAD_SHEET_CHARS.sub("_", text).strip("'")[:limit] or "工作表"
