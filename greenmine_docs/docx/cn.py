"""Chinese number and date forms used in official documents.

``cn_date(2023-09-01)`` -> ``2023年9月1日`` (body text, GB/T 9704 form);
``cn_date_upper(2023-09-01)`` -> ``二〇二三年九月`` (the usual form on a cover page);
``cn_number(12)`` -> ``十二`` (heading numbers 一、 … 二十一、).
"""
from __future__ import annotations

import datetime as dt

from ..cntext import cn_date  # noqa: F401 (one implementation; re-exported here)

_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numeral for 0 <= n < 10000, in the form used for heading numbers."""
    if n < 0 or n >= 10000:
        raise ValueError(f"cn_number: {n} out of range")
    if n < 10:
        return _DIGITS[n] if n else "零"
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    units = [(1000, "千"), (100, "百"), (10, "十")]
    out, zero = "", False
    for value, name in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
                zero = False
            out += _DIGITS[d] + name
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


def cn_month(value: dt.date | None) -> str:
    return cn_date(value, day=False)


def cn_date_upper(value: dt.date | None, *, day: bool = False) -> str:
    """Year in digit-by-digit Chinese numerals, month (and day) as numbers: ``二〇二三年九月``
    (or ``二〇二三年九月一日``)."""
    if value is None:
        return ""
    year = "".join(_DIGITS[int(c)] for c in str(value.year))
    text = f"{year}年{cn_number(value.month)}月"
    return text + (f"{cn_number(value.day)}日" if day else "")


def cn_heading_number(level: int, n: int) -> str:
    """Prefix of a numbered heading: level 1 ``一、``, 2 ``（一）``, 3 ``1.``, 4 ``（1）``."""
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level {level} has no official numbering (1–4)")
