"""Dates as Chinese documents write them (``2023年9月1日``), for checks and messages as well as
documents: importable without the Word layer (:mod:`greenmine_docs.docx` re-exports it)."""
from __future__ import annotations

import datetime as dt


def cn_date(value: dt.date | None, *, day: bool = True) -> str:
    """``2023年9月1日`` (no leading zeros); ``day=False`` -> ``2023年9月``; None -> ''."""
    if value is None:
        return ""
    if day:
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.year}年{value.month}月"
