"""Cell values read back from workbooks people filled in: what every reader of our tables shares."""
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
